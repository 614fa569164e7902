#include "progress.h"

#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

void mm_progress(int round, int rounds, size_t done, size_t total, double elapsed) {
  bool tty = isatty(STDERR_FILENO);
  if (done < total && !tty) return;
  fprintf(stderr, "%smpimark: round %d/%d: %zu/%zu cells, %.1f s%s", tty ? "\r" : "", round + 1,
          rounds, done, total, elapsed, done == total ? "\n" : "");
  fflush(stderr);
}
