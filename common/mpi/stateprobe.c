#include "stateprobe.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "mpi_util.h"
#include "stats.h"

/* The line's values: rank 0 writes odd numbers, rank 1 answers with the
 * next even one; STOP ends rank 1's loop. */
#define STOP (-1L)

void mm_probe_open(MPI_Comm comm, mm_probe *p) {
  int rank;
  MM_MPI(MPI_Comm_rank(comm, &rank));
  *p = (mm_probe){.pair = MPI_COMM_NULL, .win = MPI_WIN_NULL};
  /* Whether rank 1 is on rank 0's node: rank 0's shared-memory
   * communicator says, for everyone. */
  MPI_Comm node;
  MM_MPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  int together = 0;
  if (rank == 0) {
    MPI_Group world, local;
    int one = 1, in_node = MPI_UNDEFINED, size;
    MM_MPI(MPI_Comm_size(comm, &size));
    MM_MPI(MPI_Comm_group(comm, &world));
    MM_MPI(MPI_Comm_group(node, &local));
    if (size > 1) MM_MPI(MPI_Group_translate_ranks(world, 1, &one, local, &in_node));
    together = in_node != MPI_UNDEFINED;
    MM_MPI(MPI_Group_free(&world));
    MM_MPI(MPI_Group_free(&local));
  }
  MM_MPI(MPI_Comm_free(&node));
  MM_MPI(MPI_Bcast(&together, 1, MPI_INT, 0, comm));
  MM_MPI(MPI_Comm_split(comm, together && rank <= 1 ? 0 : MPI_UNDEFINED, rank, &p->pair));
  if (p->pair == MPI_COMM_NULL) return;
  MM_MPI(MPI_Comm_rank(p->pair, &p->rank));
  void *base = NULL;
  MM_MPI(MPI_Win_allocate_shared(p->rank == 0 ? 128 : 0, 1, MPI_INFO_NULL, p->pair, &base, &p->win));
  MPI_Aint size;
  int unit;
  MM_MPI(MPI_Win_shared_query(p->win, 0, &size, &unit, &base));
  /* 64-byte aligned inside rank 0's 128 bytes: a cache line of its own. */
  p->line = (volatile long *)(((MPI_Aint)base + 63) & ~(MPI_Aint)63);
  if (p->rank == 0) __atomic_store_n(p->line, 0, __ATOMIC_RELEASE);
  MM_MPI(MPI_Barrier(p->pair));
}

/* Spins until *line != old; yields now and then, so that a partner on the
 * same CPU (more ranks than cores) gets to run. */
static long wait_change(volatile long *line, long old) {
  long v;
  for (unsigned spins = 1; (v = __atomic_load_n(line, __ATOMIC_ACQUIRE)) == old; spins++)
    if (!(spins & 1023)) sched_yield();
  return v;
}

double mm_probe_run(mm_probe *p, int trips) {
  if (p->pair == MPI_COMM_NULL) return 0;
  MM_MPI(MPI_Barrier(p->pair));
  double ns = 0;
  if (p->rank == 0) {
    /* MM_PROBE_BURSTS bursts, each its mean round trip; the median burst,
     * so that one descheduled burst does not make a state of its own. */
    double deadline = mm_clock_now() + MM_PROBE_MAX_S, burst[MM_PROBE_BURSTS];
    long v = 0;
    int n = 0;
    for (; n < MM_PROBE_BURSTS && (n == 0 || mm_clock_now() < deadline); n++) {
      double start = mm_clock_now();
      for (int t = 0; t < trips / MM_PROBE_BURSTS; t++) {
        __atomic_store_n(p->line, v + 1, __ATOMIC_RELEASE);
        v = wait_change(p->line, v + 1);
      }
      burst[n] = (mm_clock_now() - start) / (trips / MM_PROBE_BURSTS) * 1e9;
    }
    __atomic_store_n(p->line, STOP, __ATOMIC_RELEASE);
    qsort(burst, (size_t)n, sizeof *burst, mm_cmp_double);
    ns = mm_quantile_sorted(burst, (size_t)n, 0.5);
  } else {
    long v = 0;
    while ((v = wait_change(p->line, v)) != STOP)
      if (v & 1) __atomic_store_n(p->line, v = v + 1, __ATOMIC_RELEASE);
  }
  /* Both leave with the line at 0 for the next probe. */
  MM_MPI(MPI_Barrier(p->pair));
  if (p->rank == 0) __atomic_store_n(p->line, 0, __ATOMIC_RELEASE);
  MM_MPI(MPI_Barrier(p->pair));
  return ns;
}

void mm_probe_close(mm_probe *p) {
  if (p->win != MPI_WIN_NULL) MM_MPI(MPI_Win_free(&p->win));
  if (p->pair != MPI_COMM_NULL) MM_MPI(MPI_Comm_free(&p->pair));
}

char *mm_probe_meta_text(const double *ns, int rounds, char *buf, size_t size) {
  if (!(ns[0] > 0)) {
    snprintf(buf, size, "none (ranks 0 and 1 are on different nodes)");
    return buf;
  }
  size_t at = 0;
  buf[0] = '\0';
  for (int r = 0; r < rounds && at < size; r++)
    at += (size_t)snprintf(buf + at, size - at, "%s%.1f", r ? ";" : "", ns[r]);
  return buf;
}
