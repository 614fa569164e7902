/* The run's metadata that both runners write (#@key=value lines), from
 * facts each gathers with its own MPI calls: common/mpi/metadata.c for the
 * C binary, python/mpimark_py/runner/metadata.py through mpi4py. MPI-free,
 * so that every key is named and formatted here once. At rank 0. */
#ifndef MM_RUNMETA_H
#define MM_RUNMETA_H

#include <stddef.h>

#include "options.h"
#include "placement.h"
#include "results.h"
#include "sweep.h"

typedef struct mm_run_facts {
  const char *version, *commit; /* mpimark's, as the runner knows them */
  const char *library;          /* MPI_Get_library_version (only its first line is kept) */
  int mpi_major, mpi_minor;     /* MPI_Get_version */
  int nranks;
  const char *names;            /* every rank's processor name, name_stride bytes apart */
  size_t name_stride;
  mm_place *places;             /* every rank's place (mm_place_self); host is set here */
  int argc;                     /* the command line */
  char **argv;
} mm_run_facts;

/* Library, ranks, nodes and hosts, binding and placement, the Slurm job,
 * MPI's environment (mpi_env.def), date, command and clock. Returns 0, or
 * -1 when memory runs out. */
int mm_run_meta(const mm_run_facts *f, mm_results *r);

/* The settings behind the numbers, so that a result explains itself, and
 * (in a measurement's first launch) one core's memcpy, the ceiling for
 * bandwidth figures. The keys of a pickled path's model (mpi4py_protocol,
 * heap, ...) are each runner's own. Returns 0, or -1. */
int mm_settings_meta(const mm_config *cfg, unsigned long long seed, mm_results *r);

/* The window sync's facts over the run (merged over its cells): window,
 * clock offsets and their uncertainty, late calls, drift, estimates and how
 * the clocks were synchronized. Returns 0, or -1. */
int mm_sync_facts_meta(const mm_sync_facts *run, mm_results *r);

/* The sweep's facts at its end: #@memory_bound_bytes and #@memory_bound
 * (--memory, or the auto value's rule), #@memory_skipped (the smallest
 * message of each operation and path that did not fit) and #@time_split_s
 * (elapsed seconds and the phases' spent, time_split.h). Returns 0, or -1. */
int mm_sweep_meta(const mm_sweep *s, const mm_config *cfg, double elapsed, const double *spent,
                  mm_results *r);

extern const size_t mm_run_facts_size; /* sizeof(mm_run_facts), for the mpi4py runner */

#endif
