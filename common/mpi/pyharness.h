/* The public surface of libmpimark_harness_VENDOR.so: what the mpi4py
 * runner (python/mpimark_py/runner/harness.py) calls through ctypes, this
 * file's entry points and the headers it includes (the test hooks, the
 * clock, results). The runner's ctypes signatures are checked against
 * exactly these (tests/python/test_signatures.py). Needs Python.h (the
 * limited API). */
#ifndef MM_PYHARNESS_H
#define MM_PYHARNESS_H

#include <stdint.h>

#include "clock.h"
#include "options.h"
#include "results.h"
#include "sweep.h"
#include "testhooks.h"

/* The run's metadata on mpi4py's communicator (collective), for the
 * runner's version, commit and command line: metadata.h's
 * mm_metadata_collect, then at rank 0 mm_metadata_settings (cfg, the
 * rounds' seed, the heap's text or NULL). */
int mm_py_metadata(intptr_t comm, const char *version, const char *commit, int argc, char **argv,
                   const mm_config *cfg, uint64_t seed, const char *heap, mm_results *r);

/* Fits the sweep to the job's memory on mpi4py's communicator
 * (sweeprun.h: mm_sweep_fit_job, collective). */
int mm_py_sweep_fit(intptr_t comm, const mm_config *cfg, const mm_op_traits *traits, mm_sweep *sweep,
                    char *why, size_t len);

/* Runs the sweep (sweeprun.h: mm_sweep_run) with the runner's kernels: an
 * object whose setup(op, path, bytes, kernel, window) returns (run,
 * wire_bytes), run() being one iteration; check(corrupt) returns None or
 * why this rank's data is wrong; teardown() ends the visit. comm is the
 * handle of mpi4py's communicator (MPI._handleof: a pointer in Open MPI, an
 * int in MPICH); hooks the runner's test hooks (mm_test_hooks_read, once);
 * sweep fitted to the memory bound; traits one per line of ops.def. */
int mm_py_sweep_run(intptr_t comm, const mm_config *cfg, const mm_test_hooks *hooks, uint64_t seed,
                    mm_sweep *sweep, const mm_op_traits *traits, PyObject *kernels, mm_results *results);

#endif
