/* The harness for the mpi4py runner: python/mpimark_py/runner/harness.py
 * loads this library (libmpimark_harness_VENDOR.so) with ctypes.PyDLL, so
 * the GIL is held throughout, and hands each visit of a cell to
 * mm_harness_measure (harness.h): the runner's kernels, Python callables
 * that call real mpi4py, are timed by the same C code that times mpimark's,
 * on the communicator mpi4py made. The library is built with the MPI that
 * mpi4py uses (its name says which: Open MPI or MPICH). */
/* The limited API of Python 3.9: one library for every Python 3 that the
 * runner runs on. */
#define Py_LIMITED_API 0x03090000
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>

#include "pyharness.h"

#include "errors.h"
#include "mpi_util.h"

/* One iteration: a call of the Python kernel (no arguments). An exception
 * goes to sys.excepthook (the runner's prints it and ends the job on every
 * rank); the harness aborts the job if that returns. */
static int call_kernel(struct mm_ctx *ctx) {
  PyObject *r = PyObject_CallObject((PyObject *)ctx, NULL);
  if (r) {
    Py_DECREF(r);
    return MM_OK;
  }
  int err = PyErr_ExceptionMatches(PyExc_MemoryError) ? MM_ENOMEM : MM_EMPI;
  PyErr_Print();
  return err;
}

int mm_py_measure(intptr_t comm, PyObject *run, const mm_plan *plan, const mm_test_hooks *hooks,
                  mm_harness_state *state, mm_samples *out) {
  mm_job job = {.comm = (MPI_Comm)comm, .run = call_kernel, .ctx = (struct mm_ctx *)run,
                .hooks = hooks, .state = state};
  MPI_Comm_rank(job.comm, &job.rank);
  return mm_harness_measure(&job, plan, out);
}

mm_harness_state *mm_py_state_new(void) { return calloc(1, sizeof(mm_harness_state)); }

void mm_py_state_free(mm_harness_state *st) {
  if (!st) return;
  mm_harness_state_free(st);
  free(st);
}

mm_probe *mm_py_probe_open(intptr_t comm) {
  mm_probe *p = malloc(sizeof *p);
  if (!p) mm_mpi_die((MPI_Comm)comm, MM_ENOMEM, "no memory for the state probe");
  mm_probe_open((MPI_Comm)comm, p);
  return p;
}

void mm_py_probe_close(mm_probe *p) {
  mm_probe_close(p);
  free(p);
}

const size_t mm_plan_size = sizeof(mm_plan), mm_cell_cache_size = sizeof(mm_cell_cache),
             mm_samples_size = sizeof(mm_samples);
