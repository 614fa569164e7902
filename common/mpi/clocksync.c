#include "clocksync.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "clock.h"
#include "mpi_util.h"

enum { TAG_SYNC = 7 };

double mm_clocksync_local(int rank) {
  static double skew = -1.0;
  if (skew < 0) {
    const char *env = getenv("MPIMARK_TEST_CLOCK_SKEW_US");
    skew = env ? fabs(atof(env)) * 1e-6 : 0.0;
  }
  return mm_clock_now() + skew * rank;
}

/* Whether every rank of comm runs on one node (checked once): they then
 * read one kernel's CLOCK_MONOTONIC, and the offsets are exactly zero. */
static bool one_node(MPI_Comm comm) {
  static int answer = -1;
  if (answer < 0) {
    int all;
    MM_MPI(MPI_Comm_size(comm, &all));
    answer = mm_mpi_node_ranks(comm) == all;
  }
  return answer;
}

void mm_clocksync_estimate(MPI_Comm comm, mm_clocksync *out) {
  int rank, nranks;
  MM_MPI(MPI_Comm_rank(comm, &rank));
  MM_MPI(MPI_Comm_size(comm, &nranks));
  *out = (mm_clocksync){0};
  /* On one node an estimate could only add its own error (up to half a
   * round trip, a sizeable part of a small collective), so there is none;
   * the tests still run the estimator by setting the skew hook. */
  out->estimated = !one_node(comm) || getenv("MPIMARK_TEST_CLOCK_SKEW_US") != NULL;
  if (!out->estimated) return;
  for (int peer = 1; peer < nranks; peer++) {
    if (rank == 0) {
      for (int i = 0; i < MM_CLOCKSYNC_EXCHANGES; i++) {
        char ping;
        MM_MPI(MPI_Recv(&ping, 1, MPI_CHAR, peer, TAG_SYNC, comm, MPI_STATUS_IGNORE));
        double t = mm_clocksync_local(0);
        MM_MPI(MPI_Send(&t, 1, MPI_DOUBLE, peer, TAG_SYNC, comm));
      }
    } else if (rank == peer) {
      double best = INFINITY;
      for (int i = 0; i < MM_CLOCKSYNC_EXCHANGES; i++) {
        char ping = 0;
        double t_root, t_send = mm_clocksync_local(rank);
        MM_MPI(MPI_Send(&ping, 1, MPI_CHAR, 0, TAG_SYNC, comm));
        MM_MPI(MPI_Recv(&t_root, 1, MPI_DOUBLE, 0, TAG_SYNC, comm, MPI_STATUS_IGNORE));
        double t_recv = mm_clocksync_local(rank), rtt = t_recv - t_send;
        if (rtt < best) {
          best = rtt;
          out->offset = t_root - (t_send + t_recv) / 2.0;
        }
      }
      out->uncertainty = best / 2.0;
    }
  }
  double mine[2] = {fabs(out->offset), out->uncertainty}, all[2];
  MM_MPI(MPI_Reduce(mine, all, 2, MPI_DOUBLE, MPI_MAX, 0, comm));
  out->max_abs_offset = rank == 0 ? all[0] : 0.0;
  out->max_uncertainty = rank == 0 ? all[1] : 0.0;
}

const char *mm_clocksync_method(bool estimated) {
  return estimated ? "offsets against rank 0 on every visit of a cell (SKaMPI: the shortest of "
                     "25 ping-pongs; uncertainty half its round trip)"
                   : "none needed: all ranks on one node read one CLOCK_MONOTONIC (offsets 0)";
}
