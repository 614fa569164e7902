/* Where and how a run happened: the #@key=value lines of every result. */
#ifndef MM_METADATA_H
#define MM_METADATA_H

#include <mpi.h>

#include "results.h"

/* Collective: gathers every rank's host name and place. At rank 0 fills r
 * with the run's metadata (common/core/runmeta.h: library, ranks, nodes,
 * placement, Slurm job, date, command, clock). Every program of the suite
 * calls it, then adds its settings (mm_settings_meta) and its own keys.
 * Returns 0, or -1 when memory runs out (at rank 0). */
int mm_metadata_collect(MPI_Comm comm, int argc, char **argv, mm_results *r);

#endif
