/* Where and how a run happened: the #@key=value lines of every result. */
#ifndef MM_METADATA_H
#define MM_METADATA_H

#include <mpi.h>

#include "options.h"
#include "results.h"

/* Collective: gathers every rank's host name and place. At rank 0 fills r
 * with the run's metadata (common/core/runmeta.h: the program's version and
 * commit, library, ranks, nodes, placement, Slurm job, date, command,
 * clock; and the MPI thread level granted). Every program of the suite calls it (the mpi4py runner through
 * pyharness.h), then adds its settings (mm_settings_meta, or
 * mm_metadata_settings) and its own keys. Returns 0, or -1 when memory runs
 * out (at rank 0). */
int mm_metadata_collect(MPI_Comm comm, const char *version, const char *commit, int argc, char **argv,
                        mm_results *r);

/* At rank 0, after mm_metadata_collect, for both runners of the sweep: the
 * settings behind the numbers (runmeta.h: mm_settings_meta, with the
 * rounds' seed) and, with a pickled path, what pickled the objects, as cfg
 * says it: mpi4py's generation and whether its calls are the large-count
 * ones, the NumPy major of the ndarray payload, pkl5's threshold, the
 * user's --payload MODULE:FUNCTION, and the heap's set-up (heap: heap.h's
 * text, or NULL). The C binary's cfg holds the mpi4py it models; the
 * mpi4py runner sets it to the mpi4py and NumPy it runs. Returns 0, or -1
 * when memory runs out. */
int mm_metadata_settings(const mm_config *cfg, unsigned long long seed, const char *heap, mm_results *r);

#endif
