/* The sweep: every selected operation x path x size x kernel, measured by
 * the harness, turned into result rows, validated when asked. */
#ifndef MM_SUITE_H
#define MM_SUITE_H

#include <mpi.h>
#include <stdint.h>

#include "op.h"
#include "options.h"
#include "results.h"

typedef struct mm_suite {
  MPI_Comm comm;
  int rank, nranks;
  const mm_config *cfg;
  unsigned char *sbuf, *rbuf; /* sized by mm_suite_buffer_bytes() */
  MPI_Request *reqs;          /* 2 * window */
  uint64_t seed;              /* of the rounds' orders: the same on every rank */
} mm_suite;

/* Bytes each of sbuf and rbuf needs for the selected operations. */
void mm_suite_buffer_bytes(const mm_config *cfg, int nranks, size_t *sbuf, size_t *rbuf);

/* Runs the sweep (collective). Rows go to `results` at rank 0. Returns
 * MM_OK or MM_EVALIDATE, the same on every rank. */
int mm_suite_run(const mm_suite *s, mm_results *results);

#endif
