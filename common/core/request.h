#ifndef MPIMARK_REQUEST_H
#define MPIMARK_REQUEST_H
/* What a run asks, for both runners (the mpi4py runner calls it through the
 * C core): its options, parsed and checked against the job. Pure (no MPI,
 * no I/O), so every rank reaches the same verdict, and
 * tests/unit/request_tool.c runs the bad-input table through it without
 * mpiexec. */
#include <stdbool.h>
#include <stddef.h>

#include "options.h"

/* The operations of ops.def as the parser and --help take them. */
const mm_op_names *mm_request_op_names(void);

/* Parses argv (argv[0]: the program) for a job of nranks ranks, then checks
 * what the options ask of the job (enough ranks for every operation, a root
 * inside it, --payload MODULE:FUNCTION only where user_payloads; not for
 * --help or --version). nranks 0: the job is not known yet (the mpi4py
 * runner parses before MPI starts, so that --help needs none), and
 * mm_request_check_job checks it once it is. Returns MM_OK, or MM_EUSAGE
 * with the one-line reason in why. */
int mm_request_parse(int argc, char **argv, int nranks, bool user_payloads, mm_config *cfg,
                     char *why, size_t len);
int mm_request_check_job(const mm_config *cfg, int nranks, char *why, size_t len);

#endif
