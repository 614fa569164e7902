/* The entry points of libmpimark_harness_VENDOR.so that the mpi4py runner
 * (python/mpimark_py/runner/harness.py) calls through ctypes, beside the
 * harness's own (harness.h, stateprobe.h, testhooks.h, clock.h). The
 * runner's ctypes signatures are checked against these declarations
 * (tests/python/test_signatures.py). Needs Python.h (the limited API). */
#ifndef MM_PYHARNESS_H
#define MM_PYHARNESS_H

#include <stdint.h>

#include "harness.h"
#include "stateprobe.h"

/* One visit of a cell: run is the kernel (a Python callable, one iteration
 * per call), comm the handle of mpi4py's communicator (MPI._handleof: a
 * pointer in Open MPI, an int in MPICH), hooks the runner's test hooks
 * (mm_test_hooks_read, once), state the run's (mm_py_state_new). */
int mm_py_measure(intptr_t comm, PyObject *run, const mm_plan *plan, const mm_test_hooks *hooks,
                  mm_harness_state *state, mm_samples *out);

/* The harness's state over a run (harness.h), owned by the runner: made
 * zeroed, freed (collective) after the last visit. */
mm_harness_state *mm_py_state_new(void);
void mm_py_state_free(mm_harness_state *st);

/* The state probe of each round (stateprobe.h), as suite.c takes it: made
 * on every rank of comm, owned by the caller, freed by mm_py_probe_close. */
mm_probe *mm_py_probe_open(intptr_t comm);
void mm_py_probe_close(mm_probe *p);

/* What the runner's ctypes mirrors are checked against at load. */
extern const size_t mm_plan_size, mm_cell_cache_size, mm_samples_size;

#endif
