/* stats_tool: the C side of tests/python/stats_agree.py. Reads
 * whitespace-separated doubles on stdin and prints, with %.17g,
 *   n min median mean max p99 ci_low ci_high
 * as common/core/stats.c computes them. With --lines, every input line is its
 * own sample set and gets its own output line (empty sets print "0").
 * With --rounds, every line holds 3R numbers (R round medians, their CI
 * lows, their CI highs) and gets
 *   median ci_low ci_high round_min round_max unstable ratio ratio_low ratio_high
 *   ratio_pi_low ratio_pi_high
 * (mm_stats_rounds, and mm_stats_paired_ratio of the medians over the lows,
 * its CI and its prediction interval). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int print_stats(const double *v, size_t n) {
  mm_stats st;
  if (n == 0) return puts("0") < 0;
  if (mm_stats_compute(v, n, &st)) return 1;
  printf("%zu %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n", st.n, st.min, st.median, st.mean,
         st.max, st.p99, st.ci_low, st.ci_high);
  return 0;
}

/* Appends the doubles of text to *v; returns -1 on a token that is not one. */
static int parse(char *text, double **v, size_t *n, size_t *cap) {
  for (char *tok = strtok(text, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
    char *end;
    double x = strtod(tok, &end);
    if (*end != '\0') {
      fprintf(stderr, "stats_tool: not a number: '%s'\n", tok);
      return -1;
    }
    if (*n == *cap) {
      *cap = *cap ? 2 * *cap : 1024;
      double *grown = realloc(*v, *cap * sizeof **v);
      if (!grown) return -1;
      *v = grown;
    }
    (*v)[(*n)++] = x;
  }
  return 0;
}

static int print_rounds(const double *v, size_t n) {
  size_t r = n / 3;
  mm_round_stats rs;
  double m, lo, hi, plo, phi;
  if (n % 3 || mm_stats_rounds(v, r, &rs)) return 1;
  if (mm_stats_paired_ratio(v, v + r, r, false, &m, &lo, &hi)) m = lo = hi = 0;
  if (mm_stats_paired_ratio(v, v + r, r, true, &m, &plo, &phi)) m = plo = phi = 0;
  printf("%.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n", rs.median, rs.ci_low,
         rs.ci_high, rs.round_min, rs.round_max, m, lo, hi, plo, phi);
  return 0;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 && !strcmp(argv[1], "--rounds");
  int lines = rounds || (argc > 1 && !strcmp(argv[1], "--lines"));
  if (argc > 2 || (argc == 2 && !lines)) {
    fprintf(stderr, "usage: stats_tool [--lines] < samples\n");
    return 2;
  }
  double *v = NULL;
  size_t n = 0, cap = 0;
  char *line = NULL;
  size_t linecap = 0;
  int rc = 0;
  while (rc == 0 && getline(&line, &linecap, stdin) >= 0) {
    if (parse(line, &v, &n, &cap)) rc = 1;
    else if (lines) rc = rounds ? print_rounds(v, n) : print_stats(v, n), n = 0;
  }
  if (rc == 0 && !lines) rc = n ? print_stats(v, n) : (fprintf(stderr, "stats_tool: no samples\n"), 1);
  free(line);
  free(v);
  return rc;
}
