/* request_tool NP [ARGS...]: mpimark's request check (common/core/request.c)
 * as rank 0 of an NP-rank job runs it, without MPI: parse, check the job,
 * check the -o file. Prints what mpimark prints for a usage error (one
 * "mpimark:" line on stderr) and exits with mpimark's code, so that
 * tests/unit/bad_input.sh runs the bad-input table (tests/bad_input_cases.sh)
 * through it without mpiexec. */
#include <stdio.h>
#include <stdlib.h>

#include "atomic_file.h"
#include "errors.h"
#include "request.h"

int main(int argc, char **argv) {
  if (argc < 2 || atoi(argv[1]) < 1) {
    fprintf(stderr, "usage: request_tool NP [ARGS...]\n");
    return 2;
  }
  int nranks = atoi(argv[1]);
  argv[1] = argv[0]; /* mpimark's argv: the program, then its arguments */
  mm_config cfg;
  char why[512] = "";
  int err = mm_request_parse(argc - 1, argv + 1, nranks, false, &cfg, why, sizeof why);
  if (!err && cfg.output) err = mm_atomic_check(cfg.output, cfg.force, why, sizeof why);
  if (err) fprintf(stderr, "mpimark: %s\n", why);
  return mm_exit_code(err);
}
