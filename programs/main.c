/* mpimark: the driver. Parses options (the same on every rank), checks the
 * request against the job, sets up buffers, runs the suite, writes results.
 * Every error is agreed on by all ranks before anyone exits, so no rank is
 * left waiting; usage errors exit 2, runtime failures 1. */
#include <errno.h>
#include <math.h>
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "buffers.h"
#include "build_id.h"
#include "clock.h"
#include "errors.h"
#include "heap.h"
#include "membw.h"
#include "metadata.h"
#include "runmeta.h"
#include "mpi_util.h"
#include "objpath.h"
#include "op.h"
#include "output.h"
#include "rounds.h"
#include "request.h"
#include "sizes.h"
#include "suite.h"

typedef struct run {
  MPI_Comm comm;
  int rank, nranks;
} run;

/* Ends the job with the agreed code; rank 0 has printed the reason. */
static int finish(run *r, int err) {
  MPI_Comm_free(&r->comm);
  MPI_Finalize();
  return mm_exit_code(err);
}

/* One line on stderr, whatever the message quotes (mm_error_line). */
static void say_error(const char *why) {
  char line[1024];
  fprintf(stderr, "mpimark: %s\n", mm_error_line(line, sizeof line, why));
}

/* Rank 0 says why, once; every rank returns the same error. */
static int fail(run *r, int err, const char *why) {
  if (err && r->rank == 0 && why && *why) say_error(why);
  return err;
}

/* Rank 0 checks the output file up front, so a run of minutes does not end
 * in "cannot write". */
static int check_output(run *r, const mm_config *cfg) {
  char why[512] = "";
  int err = MM_OK;
  if (cfg->output && r->rank == 0) err = mm_atomic_check(cfg->output, cfg->force, why, sizeof why);
  return fail(r, mm_mpi_agree(r->comm, err), why);
}

/* The memory bound per rank (-M, or 3/4 of each node's available memory
 * shared by its ranks, the least over the nodes), the cells that fit it,
 * and their buffers, allocated once, after the ranks of each node have
 * added up what they will touch (sweep.h: mm_sweep_memory_verdict). */
static int allocate(run *r, const mm_config *cfg, mm_suite *s) {
  char why[256];
  int err = mm_suite_fit_memory(s, why, sizeof why);
  if (err == MM_OK) {
    s->sbuf = mm_buffer_alloc(s->sweep.sbuf, cfg->hugepages);
    s->rbuf = mm_buffer_alloc(s->sweep.rbuf, cfg->hugepages);
    s->reqs = malloc(2 * (size_t)cfg->window * sizeof *s->reqs);
    err = s->sbuf && s->rbuf && s->reqs ? MM_OK : MM_ETOOBIG;
  }
  return fail(r, mm_mpi_agree(r->comm, err), why);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  /* A closed pipe on stdout is a write error to report, not a silent death. */
  signal(SIGPIPE, SIG_IGN);
  run r;
  MPI_Comm_dup(MPI_COMM_WORLD, &r.comm);
  MPI_Comm_set_errhandler(r.comm, MPI_ERRORS_RETURN);
  MPI_Comm_rank(r.comm, &r.rank);
  MPI_Comm_size(r.comm, &r.nranks);

  mm_config cfg;
  char why[512] = "";
  int err = mm_request_parse(argc, argv, r.nranks, false, &cfg, why, sizeof why);
  if (err) return finish(&r, fail(&r, err, why));
  if (cfg.help || cfg.version) {
    if (r.rank == 0 && cfg.help)
      mm_options_usage(stdout, mm_request_op_names(), mm_options_intro, mm_options_notes);
    else if (r.rank == 0) printf("mpimark %s (git %s)\n", MPIMARK_VERSION, mm_build_commit);
    return finish(&r, MM_OK);
  }
  if ((err = check_output(&r, &cfg))) return finish(&r, err);
  mm_test_hooks hooks;
  err = mm_test_hooks_read(&hooks, mm_clock_now(), why, sizeof why) ? MM_EUSAGE : MM_OK;
  if ((err = mm_mpi_agree(r.comm, err))) return finish(&r, fail(&r, err, why));

  mm_suite suite = {.comm = r.comm, .rank = r.rank, .nranks = r.nranks, .cfg = &cfg, .hooks = &hooks};
  /* One seed for every rank: the rounds' orders must agree. */
  unsigned long long seed = cfg.seed ? cfg.seed : mm_round_seed_from_clock();
  MM_MPI(MPI_Bcast(&seed, 1, MPI_UNSIGNED_LONG_LONG, 0, r.comm));
  suite.seed = seed;
  /* #@heap: only with a pickled path */
  const char *heap = mm_heap_prepare(mm_paths_pickle(cfg.paths), cfg.heap_pinned);
  if ((err = allocate(&r, &cfg, &suite))) return finish(&r, err);

  mm_results results = {0};
  if (mm_metadata_collect(r.comm, MPIMARK_VERSION, mm_build_commit, argc, argv, &results) ||
      (r.rank == 0 && mm_metadata_settings(&cfg, suite.seed, heap, &results)))
    mm_mpi_die(r.comm, MM_ENOMEM, "no memory for metadata");
  err = mm_suite_run(&suite, &results);
  if (err == MM_OK && r.rank == 0) err = mm_output_results(&results, cfg.format, cfg.output, cfg.force);
  err = mm_mpi_agree(r.comm, err);

  mm_results_free(&results);
  mm_buffer_free(suite.sbuf);
  mm_buffer_free(suite.rbuf);
  free(suite.reqs);
  return finish(&r, err);
}
