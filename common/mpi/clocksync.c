#include "clocksync.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "mpi_util.h"

enum { TAG_SYNC = 7 };

static double hook_us(const char *name) {
  const char *env = getenv(name);
  return env ? fabs(atof(env)) : 0.0;
}

static bool hooked(void) {
  return getenv("MPIMARK_TEST_CLOCK_SKEW_US") || getenv("MPIMARK_TEST_CLOCK_DRIFT_PPM");
}

double mm_clocksync_local(int rank) {
  static double skew = -1.0, drift, start;
  double now = mm_clock_now();
  if (skew < 0) {
    skew = hook_us("MPIMARK_TEST_CLOCK_SKEW_US") * 1e-6;
    drift = hook_us("MPIMARK_TEST_CLOCK_DRIFT_PPM") * 1e-6;
    start = now;
  }
  return now + skew * rank + drift * rank * (now - start);
}

/* The ranks that share a clock (a node; under a test hook each rank alone)
 * and the communicator of their leaders (rank 0 of each; others NULL),
 * made once. */
static void domains(MPI_Comm comm, MPI_Comm *domain, MPI_Comm *leaders, bool *estimated) {
  static MPI_Comm d = MPI_COMM_NULL, l = MPI_COMM_NULL;
  static bool made, est;
  if (!made) {
    int rank, all, local;
    MM_MPI(MPI_Comm_rank(comm, &rank));
    MM_MPI(MPI_Comm_size(comm, &all));
    if (hooked()) MM_MPI(MPI_Comm_split(comm, rank, 0, &d));
    else MM_MPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &d));
    MM_MPI(MPI_Comm_rank(d, &local));
    MM_MPI(MPI_Comm_split(comm, local == 0 ? 0 : MPI_UNDEFINED, rank, &l));
    int size;
    MM_MPI(MPI_Comm_size(d, &size));
    /* On one node an estimate could only add its own error (up to half a
     * round trip, a sizeable part of a small collective), so there is none. */
    est = size != all;
    made = true;
  }
  *domain = d;
  *leaders = l;
  *estimated = est;
}

/* One SKaMPI estimate against the parent, which answers with its global
 * clock: offset (global - mine) at local time *t, within half the best
 * round trip (*u). */
static void ping_parent(MPI_Comm comm, int parent, int world_rank, double *offset, double *t,
                        double *u) {
  double best = INFINITY;
  *offset = *t = 0.0;
  for (int i = 0; i < MM_CLOCKSYNC_EXCHANGES; i++) {
    char ping = 0;
    double t_parent, t_send = mm_clocksync_local(world_rank);
    MM_MPI(MPI_Send(&ping, 1, MPI_CHAR, parent, TAG_SYNC, comm));
    MM_MPI(MPI_Recv(&t_parent, 1, MPI_DOUBLE, parent, TAG_SYNC, comm, MPI_STATUS_IGNORE));
    double t_recv = mm_clocksync_local(world_rank), rtt = t_recv - t_send;
    if (rtt < best) {
      best = rtt;
      *t = (t_send + t_recv) / 2.0;
      *offset = t_parent - *t;
    }
  }
  *u = best / 2.0;
}

static void answer_child(MPI_Comm comm, int child, int world_rank, const mm_clock_model *m) {
  for (int i = 0; i < MM_CLOCKSYNC_EXCHANGES; i++) {
    char ping;
    MM_MPI(MPI_Recv(&ping, 1, MPI_CHAR, child, TAG_SYNC, comm, MPI_STATUS_IGNORE));
    double t = mm_clock_model_global(m, mm_clocksync_local(world_rank)); /* its global clock */
    MM_MPI(MPI_Send(&t, 1, MPI_DOUBLE, child, TAG_SYNC, comm));
  }
}

/* A new estimate for every rank: the leaders' binomial tree, then each
 * node's leader passes its estimate to the node. */
static void estimate(MPI_Comm comm, MPI_Comm domain, MPI_Comm leaders, mm_clock_model *m,
                     bool drift) {
  int world_rank;
  MM_MPI(MPI_Comm_rank(comm, &world_rank));
  double est[3] = {mm_clocksync_local(world_rank), 0.0, 0.0}; /* t, offset, uncertainty */
  if (leaders != MPI_COMM_NULL) {
    int me, n;
    MM_MPI(MPI_Comm_rank(leaders, &me));
    MM_MPI(MPI_Comm_size(leaders, &n));
    /* A parent answers on its model, updated when it was a child in an
     * earlier round (the root's clock is the global one): a child's
     * estimate is against the global clock. */
    const mm_clock_model root = {0};
    for (int step = 1; step < n; step *= 2) {
      if (me < step && me + step < n) {
        answer_child(leaders, me + step, world_rank, me == 0 ? &root : m);
        double u = est[2];
        MM_MPI(MPI_Send(&u, 1, MPI_DOUBLE, me + step, TAG_SYNC, leaders));
      } else if (me >= step && me < 2 * step) {
        double off, t, u, u_parent;
        ping_parent(leaders, me - step, world_rank, &off, &t, &u);
        MM_MPI(MPI_Recv(&u_parent, 1, MPI_DOUBLE, me - step, TAG_SYNC, leaders, MPI_STATUS_IGNORE));
        est[0] = t, est[1] = off, est[2] = u + u_parent;
        mm_clock_model_add(m, t, off, u + u_parent, drift);
      }
    }
    if (me == 0) mm_clock_model_add(m, est[0], 0.0, 0.0, drift);
  }
  MM_MPI(MPI_Bcast(est, 3, MPI_DOUBLE, 0, domain));
  if (leaders == MPI_COMM_NULL) mm_clock_model_add(m, est[0], est[1], est[2], drift);
}

/* After an estimate, over the ranks (rank 0 keeps them): the largest
 * |offset|, uncertainty, |rate| (the drift as ppm mean it), residual and
 * error rate. */
static void gather_facts(MPI_Comm comm, const mm_clock_model *m, double facts[5]) {
  double mine[5] = {fabs(m->offset), m->uncertainty, fabs(mm_clock_model_rate(m)), m->residual,
                    mm_clock_model_error_rate(m)};
  MM_MPI(MPI_Reduce(mine, facts, 5, MPI_DOUBLE, MPI_MAX, 0, comm));
}

void mm_clocksync_refresh(MPI_Comm comm, mm_clocksync *out) {
  static mm_clock_model model;
  static double facts[5]; /* rank 0: gather_facts' */
  static double seconds;
  int rank;
  MM_MPI(MPI_Comm_rank(comm, &rank));
  MPI_Comm domain, leaders;
  bool estimated;
  domains(comm, &domain, &leaders, &estimated);
  *out = (mm_clocksync){.estimated = estimated};
  if (!estimated) return;
  bool drift = getenv("MPIMARK_TEST_CLOCK_OFFSETS_ONLY") == NULL;
  /* Offsets only (the test hook): estimated again on every visit, as
   * mpimark did before the drift model. With drift: twice at the start, a
   * baseline apart, then when the error bound has grown enough. */
  int estimates = model.estimates, due = !drift || estimates == 0 ||
            mm_clock_model_due(mm_clocksync_local(rank) - model.t_ref, facts[1], facts[4]);
  MM_MPI(MPI_Bcast(&due, 1, MPI_INT, 0, comm));
  int rounds = !due ? 0 : drift && estimates == 0 ? 2 : 1;
  for (int round = 0; round < rounds; round++) {
    if (round == 1) {
      struct timespec ts = {0, (long)(MM_CLOCK_BASELINE_FIRST * 1e9)};
      nanosleep(&ts, NULL);
    }
    double t0 = mm_clock_now();
    estimate(comm, domain, leaders, &model, drift);
    gather_facts(comm, &model, facts);
    seconds += mm_clock_now() - t0;
  }
  out->model = model;
  out->max_abs_offset = facts[0];
  /* The window's margin: the error bound until the next estimate is due. */
  out->max_uncertainty = drift ? MM_CLOCK_ERROR_GROWTH * facts[1] : facts[1];
  out->max_drift = facts[2];
  out->max_residual = facts[3];
  out->estimates = model.estimates;
  out->seconds = seconds;
}

const char *mm_clocksync_method(bool estimated) {
  return estimated ? mm_clock_sync_estimated : mm_clock_sync_one_clock;
}
