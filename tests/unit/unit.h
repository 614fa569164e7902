/* A minimal check macro set for the unit tests: each failed check prints
 * where and what, and the test exits 1 if any failed. */
#ifndef MM_UNIT_H
#define MM_UNIT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int unit_failures, unit_checks;

#define CHECK(cond)                                                          \
  do {                                                                       \
    unit_checks++;                                                           \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      unit_failures++;                                                       \
    }                                                                        \
  } while (0)

#define CHECK_NEAR(a, b, eps) CHECK(fabs((double)(a) - (double)(b)) <= (eps))
#define CHECK_STR(a, b) CHECK(strcmp((a), (b)) == 0)

static inline int unit_report(const char *name) {
  printf("%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
  return unit_failures ? 1 : 0;
}

#endif
