/* sizes_tool: the C side of tests/python/sizes_agree.py. Reads one size
 * list per line on stdin and prints, per line, what common/core/sizes.c makes of
 * it: "ok S1,S2,..." or "error MESSAGE" (mm_sizes_parse), then with a tab
 * the human form of each size (mm_size_human) for a list that parsed. */
#include <stdio.h>
#include <string.h>

#include "sizes.h"

int main(void) {
  static char line[1 << 16];
  static mm_sizes s;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = '\0';
    char err[512];
    if (mm_sizes_parse(line, &s, err, sizeof err) != 0) {
      printf("error %s\n", err);
      continue;
    }
    fputs("ok ", stdout);
    for (size_t i = 0; i < s.n; i++) printf("%s%zu", i ? "," : "", s.v[i]);
    putchar('\t');
    for (size_t i = 0; i < s.n; i++) {
      char human[32];
      printf("%s%s", i ? "," : "", mm_size_human(s.v[i], human, sizeof human));
    }
    putchar('\n');
  }
  return ferror(stdin) || ferror(stdout);
}
