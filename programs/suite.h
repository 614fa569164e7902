/* mpimark's sweep: its operations (op.h) as the sweep run (sweeprun.h)
 * takes them: what they are, their kernels, set-up and checks. The run
 * itself (rounds, visits, samples, rows) is the one both runners share. */
#ifndef MM_SUITE_H
#define MM_SUITE_H

#include <mpi.h>
#include <stdint.h>

#include "op.h"
#include "options.h"
#include "results.h"
#include "sweep.h"
#include "testhooks.h"

typedef struct mm_suite {
  MPI_Comm comm;
  int rank, nranks;
  const mm_config *cfg;
  const mm_test_hooks *hooks; /* read once by main (testhooks.h) */
  unsigned char *sbuf, *rbuf; /* sized by mm_suite_buffer_bytes() */
  MPI_Request *reqs;          /* 2 * window */
  uint64_t seed;              /* of the rounds' orders: the same on every rank */
  mm_sweep sweep;             /* what is measured (sweep.h): fitted to the memory bound
                                 by mm_suite_fit_memory, its cells listed by mm_suite_run */
  mm_op_traits traits[MM_MAX_OPS]; /* what the sweep and the heap know of each operation
                                      (sweep.h), set by mm_suite_fit_memory */
  mm_ctx ctx;                 /* the visit's, from its setup to its teardown */
} mm_suite;

/* Sets s->traits and fits the selected cells to the job's memory
 * (collective: mm_sweep_fit_job): s->sweep then says how many fit and the
 * bytes each of sbuf and rbuf needs for them. Returns this rank's MM_OK or
 * MM_ETOOBIG, with why. */
int mm_suite_fit_memory(mm_suite *s, char *why, size_t len);

/* Runs the sweep (collective). Rows go to `results` at rank 0. Returns
 * MM_OK or MM_EVALIDATE, the same on every rank. */
int mm_suite_run(mm_suite *s, mm_results *results);

#endif
