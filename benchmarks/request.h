#ifndef MPIMARK_REQUEST_H
#define MPIMARK_REQUEST_H
/* What a run of mpimark asks: its options, parsed and checked against the
 * job. Pure (no MPI, no I/O), so every rank reaches the same verdict, and
 * tests/unit/request_tool.c runs the bad-input table through it without
 * mpiexec. */
#include <stddef.h>

#include "options.h"

/* The registry's operations as the parser and --help take them. */
const mm_op_names *mm_request_op_names(void);

/* Parses argv for a job of nranks ranks, then checks what the options ask
 * of the job (enough ranks for every operation, a root inside it; not for
 * --help or --version). Returns MM_OK, or MM_EUSAGE with the one-line
 * reason in why. */
int mm_request_parse(int argc, char **argv, int nranks, mm_config *cfg, char *why, size_t len);

#endif
