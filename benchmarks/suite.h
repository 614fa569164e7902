/* The sweep: every selected operation x path x size x kernel, measured by
 * the harness, turned into result rows, validated when asked. */
#ifndef MM_SUITE_H
#define MM_SUITE_H

#include <mpi.h>
#include <stdint.h>

#include "op.h"
#include "options.h"
#include "results.h"
#include "testhooks.h"

typedef struct mm_suite {
  MPI_Comm comm;
  int rank, nranks;
  const mm_config *cfg;
  const mm_test_hooks *hooks; /* read once by main (testhooks.h) */
  unsigned char *sbuf, *rbuf; /* sized by mm_suite_buffer_bytes() */
  MPI_Request *reqs;          /* 2 * window */
  uint64_t seed;              /* of the rounds' orders: the same on every rank */
  double memory_bound;        /* bytes per rank for messages (-M, or its auto value) */
  size_t over[MM_MAX_OPS][MM_PATH_COUNT]; /* messages of this many bytes and more do not fit
                                             it (SIZE_MAX: every size fits) */
} mm_suite;

/* Fits the selected cells to s->memory_bound (fills s->over) and gives the
 * bytes each of sbuf and rbuf needs for the cells that fit. Returns how
 * many (operation, path, size) fit, of *asked. */
size_t mm_suite_fit_memory(mm_suite *s, size_t *sbuf, size_t *rbuf, size_t *asked);

/* Runs the sweep (collective). Rows go to `results` at rank 0. Returns
 * MM_OK or MM_EVALIDATE, the same on every rank. */
int mm_suite_run(const mm_suite *s, mm_results *results);

#endif
