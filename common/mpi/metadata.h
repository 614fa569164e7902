/* Where and how a run happened: the #@key=value lines of every result. */
#ifndef MM_METADATA_H
#define MM_METADATA_H

#include <mpi.h>

#include "results.h"

/* Collective: gathers every rank's host name and place. At rank 0 fills r
 * with the run's metadata (common/core/runmeta.h: the program's version and
 * commit, library, ranks, nodes, placement, Slurm job, date, command,
 * clock). Every program of the suite calls it (the mpi4py runner through
 * pyharness.h), then adds its settings (mm_settings_meta) and its own keys.
 * Returns 0, or -1 when memory runs out (at rank 0). */
int mm_metadata_collect(MPI_Comm comm, const char *version, const char *commit, int argc, char **argv,
                        mm_results *r);

#endif
