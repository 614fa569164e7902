#include "metadata.h"

#include <stdio.h>
#include <stdlib.h>

#include "mpi_util.h"
#include "runmeta.h"

int mm_metadata_collect(MPI_Comm comm, const char *version, const char *commit, int argc, char **argv,
                        mm_results *r) {
  int rank, nranks;
  MM_MPI(MPI_Comm_rank(comm, &rank));
  MM_MPI(MPI_Comm_size(comm, &nranks));
  char name[MPI_MAX_PROCESSOR_NAME] = {0}, library[MPI_MAX_LIBRARY_VERSION_STRING] = {0};
  int len;
  MM_MPI(MPI_Get_processor_name(name, &len));
  char *names = rank == 0 ? calloc((size_t)nranks, MPI_MAX_PROCESSOR_NAME) : NULL;
  mm_place mine, *places = rank == 0 ? calloc((size_t)nranks, sizeof *places) : NULL;
  if (mm_mpi_agree(comm, rank == 0 && (!names || !places))) {
    free(names);
    free(places);
    return -1;
  }
  mm_place_self(&mine);
  MM_MPI(MPI_Gather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, names, MPI_MAX_PROCESSOR_NAME,
                    MPI_CHAR, 0, comm));
  MM_MPI(MPI_Gather(&mine, (int)sizeof mine, MPI_BYTE, places, (int)sizeof mine, MPI_BYTE, 0, comm));
  if (rank != 0) return 0;
  mm_run_facts f = {.version = version, .commit = commit, .library = library,
                    .nranks = nranks, .names = names, .name_stride = MPI_MAX_PROCESSOR_NAME,
                    .places = places, .argc = argc, .argv = argv};
  MPI_Get_library_version(library, &len);
  MPI_Get_version(&f.mpi_major, &f.mpi_minor);
  int rc = mm_run_meta(&f, r);
  /* The thread level MPI granted: the C binary's MPI_Init gives the least;
   * mpi4py asks for MPI_THREAD_MULTIPLE unless told otherwise, which costs
   * latency in some MPIs. */
  int level;
  MM_MPI(MPI_Query_thread(&level));
  rc |= mm_results_set_meta(r, "mpi_thread_level", level == MPI_THREAD_SINGLE       ? "single"
                                                   : level == MPI_THREAD_FUNNELED   ? "funneled"
                                                   : level == MPI_THREAD_SERIALIZED ? "serialized"
                                                   : level == MPI_THREAD_MULTIPLE   ? "multiple"
                                                                                    : "unknown");
  free(names);
  free(places);
  return rc;
}

int mm_metadata_settings(const mm_config *cfg, unsigned long long seed, const char *heap, mm_results *r) {
  char buf[64];
  int rc = mm_settings_meta(cfg, seed, r);
  if (mm_paths_pickle(cfg->paths)) {
    snprintf(buf, sizeof buf, "%d", cfg->mpi4py);
    rc |= mm_results_set_meta(r, "mpi4py_protocol", buf);
    rc |= mm_results_set_meta(r, "mpi_large_count_calls",
                              mm_mpi_large_count_calls(cfg->mpi4py) ? "yes" : "no");
    if (cfg->user_payload) rc |= mm_results_set_meta(r, "payload", cfg->user_payload);
    if (cfg->payload == MM_PAYLOAD_NDARRAY && !cfg->user_payload) {
      snprintf(buf, sizeof buf, "%d", cfg->numpy);
      rc |= mm_results_set_meta(r, "numpy_pickle", buf);
    }
    if (heap) rc |= mm_results_set_meta(r, "heap", heap);
  }
  if (cfg->paths & (1u << MM_PATH_PKL5)) {
    snprintf(buf, sizeof buf, "%zu", cfg->pkl5_threshold);
    rc |= mm_results_set_meta(r, "pkl5_threshold", buf);
  }
  return rc ? -1 : 0;
}
