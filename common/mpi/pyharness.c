/* The harness for the mpi4py runner: python/mpimark_py/runner/harness.py
 * loads this library (libmpimark_harness_VENDOR.so) with ctypes.PyDLL, so
 * the GIL is held throughout, and hands it the whole sweep: the sweep run
 * (sweeprun.h) that runs mpimark's, with the runner's kernels, Python
 * callables that call real mpi4py, timed by the same C code that times
 * mpimark's, on the communicator mpi4py made. The library is built with the
 * MPI that mpi4py uses (its name says which: Open MPI or MPICH). */
/* The limited API of Python 3.9: one library for every Python 3 that the
 * runner runs on. */
#define Py_LIMITED_API 0x03090000
#include <Python.h>

#include <stdint.h>
#include <stdio.h>

#include "pyharness.h"

#include "errors.h"
#include "metadata.h"
#include "sweeprun.h"

/* A Python exception in the runner's code: MemoryError is this rank's
 * MM_ENOMEM (the sweep run agrees on it); anything else goes to
 * sys.excepthook (the runner's prints it and ends the job on every rank). */
static int py_error(void) {
  if (PyErr_ExceptionMatches(PyExc_MemoryError)) {
    PyErr_Clear();
    return MM_ENOMEM;
  }
  PyErr_Print();
  return MM_EMPI;
}

/* One iteration: a call of the Python kernel (no arguments). A kernel's
 * error ends the job (harness.h). */
static int call_kernel(struct mm_ctx *ctx) {
  PyObject *r = PyObject_CallObject((PyObject *)ctx, NULL);
  if (!r) return py_error();
  Py_DECREF(r);
  return MM_OK;
}

/* kernels.setup(op, path, bytes, kernel, window, compute_s) -> (run, wire_bytes) */
static int setup(void *self, mm_visit *v) {
  const mm_cell_key *k = v->cell;
  PyObject *r = PyObject_CallMethod(self, "setup", "nnnnnd", (Py_ssize_t)k->op, (Py_ssize_t)k->path,
                                    (Py_ssize_t)k->bytes, (Py_ssize_t)k->kernel, (Py_ssize_t)v->window,
                                    v->compute_s);
  if (!r) return py_error();
  PyObject *run = NULL;
  Py_ssize_t wire = 0;
  int ok = PyArg_ParseTuple(r, "On", &run, &wire);
  if (ok) {
    Py_INCREF(run); /* until teardown */
    v->run = call_kernel;
    v->ctx = (struct mm_ctx *)run;
    v->wire_bytes = (size_t)wire;
  }
  Py_DECREF(r);
  return ok ? MM_OK : py_error();
}

/* kernels.check(corrupt) -> None, or why this rank's data is wrong */
static int check(void *self, mm_visit *v, bool corrupt, char *why, size_t len) {
  (void)v;
  PyObject *r = PyObject_CallMethod(self, "check", "O", corrupt ? Py_True : Py_False);
  if (!r) return py_error();
  int err = MM_OK;
  if (r != Py_None) {
    PyObject *b = PyUnicode_AsEncodedString(r, "utf-8", "replace");
    snprintf(why, len, "%s", b ? PyBytes_AsString(b) : "?");
    Py_XDECREF(b);
    PyErr_Clear();
    err = MM_EVALIDATE;
  }
  Py_DECREF(r);
  return err;
}

/* kernels.teardown(), then the kernel's last reference here goes */
static void teardown(void *self, mm_visit *v) {
  PyObject *r = PyObject_CallMethod(self, "teardown", NULL);
  if (!r) py_error();
  Py_XDECREF(r);
  Py_XDECREF((PyObject *)v->ctx);
  v->ctx = NULL;
}

int mm_py_metadata(intptr_t comm, const char *version, const char *commit, int argc, char **argv,
                   const mm_config *cfg, uint64_t seed, const char *heap, mm_results *r) {
  int rank;
  MPI_Comm_rank((MPI_Comm)comm, &rank);
  if (mm_metadata_collect((MPI_Comm)comm, version, commit, argc, argv, r)) return -1;
  return rank == 0 ? mm_metadata_settings(cfg, seed, heap, r) : 0;
}

int mm_py_sweep_fit(intptr_t comm, const mm_config *cfg, const mm_op_traits *traits, mm_sweep *sweep,
                    char *why, size_t len) {
  return mm_sweep_fit_job((MPI_Comm)comm, cfg, traits, sweep, why, len);
}

int mm_py_sweep_run(intptr_t comm, const mm_config *cfg, const mm_test_hooks *hooks, uint64_t seed,
                    mm_sweep *sweep, const mm_op_traits *traits, PyObject *kernels, mm_results *results) {
  mm_sweep_job job = {.comm = (MPI_Comm)comm, .cfg = cfg, .hooks = hooks, .seed = seed, .sweep = sweep,
                      .traits = traits, .kernels = {kernels, setup, check, teardown}};
  MPI_Comm_rank(job.comm, &job.rank);
  MPI_Comm_size(job.comm, &job.nranks);
  return mm_sweep_run(&job, results);
}
