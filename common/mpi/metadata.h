/* Where and how a run happened: the #@key=value lines of every result. */
#ifndef MM_METADATA_H
#define MM_METADATA_H

#include <mpi.h>

#include "results.h"

/* Collective: gathers host names from every rank. At rank 0 fills r with
 * the metadata keys of the design (library, ranks, nodes, placement, Slurm
 * job, date, command, clock). Every program of the suite calls it, then
 * adds its own settings with mm_results_set_meta().
 * Returns 0, or -1 when memory runs out (at rank 0). */
int mm_metadata_collect(MPI_Comm comm, int argc, char **argv, mm_results *r);

#endif
