#include "clocksync.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "mpi_util.h"

enum { TAG_SYNC = 7 };

double mm_clocksync_local(const mm_test_hooks *h, int rank) {
  double now = mm_clock_now();
  if (!h || !h->clocks) return now;
  int node = mm_test_hooks_node(h, rank);
  return now + h->clock_skew * node + h->clock_drift * node * (now - h->start);
}

/* The ranks that share a clock (a node; under the clock hooks an emulated
 * node) and the communicator of their leaders (rank 0 of each; others NULL),
 * made on the run's first visit. */
static void domains(MPI_Comm comm, const mm_test_hooks *h, mm_clocksync_state *st) {
  if (st->made) return;
  int rank, all, local, size;
  MM_MPI(MPI_Comm_rank(comm, &rank));
  MM_MPI(MPI_Comm_size(comm, &all));
  if (h && h->clocks) MM_MPI(MPI_Comm_split(comm, mm_test_hooks_node(h, rank), 0, &st->domain));
  else MM_MPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &st->domain));
  MM_MPI(MPI_Comm_rank(st->domain, &local));
  MM_MPI(MPI_Comm_split(comm, local == 0 ? 0 : MPI_UNDEFINED, rank, &st->leaders));
  MM_MPI(MPI_Comm_size(st->domain, &size));
  /* On one node an estimate could only add its own error (up to half a
   * round trip, a sizeable part of a small collective), so there is none. */
  st->estimated = size != all;
  st->made = true;
}

void mm_clocksync_state_free(mm_clocksync_state *st) {
  if (!st->made) return;
  MM_MPI(MPI_Comm_free(&st->domain));
  if (st->leaders != MPI_COMM_NULL) MM_MPI(MPI_Comm_free(&st->leaders));
  *st = (mm_clocksync_state){0};
}

/* One SKaMPI estimate against the parent, which answers with its global
 * clock: offset (global - mine) at local time *t, within half the best
 * round trip (*u). */
static void ping_parent(MPI_Comm comm, const mm_test_hooks *h, int parent, int world_rank,
                        double *offset, double *t, double *u) {
  double best = INFINITY;
  *offset = *t = 0.0;
  for (int i = 0; i < MM_CLOCKSYNC_EXCHANGES; i++) {
    char ping = 0;
    double t_parent, t_send = mm_clocksync_local(h, world_rank);
    MM_MPI(MPI_Send(&ping, 1, MPI_CHAR, parent, TAG_SYNC, comm));
    MM_MPI(MPI_Recv(&t_parent, 1, MPI_DOUBLE, parent, TAG_SYNC, comm, MPI_STATUS_IGNORE));
    double t_recv = mm_clocksync_local(h, world_rank), rtt = t_recv - t_send;
    if (rtt < best) {
      best = rtt;
      *t = (t_send + t_recv) / 2.0;
      *offset = t_parent - *t;
    }
  }
  *u = best / 2.0;
}

static void answer_child(MPI_Comm comm, const mm_test_hooks *h, int child, int world_rank,
                         const mm_clock_model *m) {
  for (int i = 0; i < MM_CLOCKSYNC_EXCHANGES; i++) {
    char ping;
    MM_MPI(MPI_Recv(&ping, 1, MPI_CHAR, child, TAG_SYNC, comm, MPI_STATUS_IGNORE));
    double t = mm_clock_model_global(m, mm_clocksync_local(h, world_rank)); /* its global clock */
    MM_MPI(MPI_Send(&t, 1, MPI_DOUBLE, child, TAG_SYNC, comm));
  }
}

/* A new estimate for every rank: the leaders' binomial tree, then each
 * node's leader passes its estimate to the node. */
static void estimate(MPI_Comm comm, const mm_test_hooks *h, MPI_Comm domain, MPI_Comm leaders,
                     mm_clock_model *m, bool drift) {
  int world_rank;
  MM_MPI(MPI_Comm_rank(comm, &world_rank));
  double est[3] = {mm_clocksync_local(h, world_rank), 0.0, 0.0}; /* t, offset, uncertainty */
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
        answer_child(leaders, h, me + step, world_rank, me == 0 ? &root : m);
        double u = est[2];
        MM_MPI(MPI_Send(&u, 1, MPI_DOUBLE, me + step, TAG_SYNC, leaders));
      } else if (me >= step && me < 2 * step) {
        double off, t, u, u_parent;
        ping_parent(leaders, h, me - step, world_rank, &off, &t, &u);
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

void mm_clocksync_refresh(MPI_Comm comm, const mm_test_hooks *h, mm_clocksync_state *st,
                          mm_clocksync *out) {
  int rank;
  MM_MPI(MPI_Comm_rank(comm, &rank));
  domains(comm, h, st);
  *out = (mm_clocksync){.estimated = st->estimated, .hooks = h};
  if (!st->estimated) return;
  bool drift = !(h && h->offsets_only);
  /* Offsets only (the test hook): estimated again on every visit, as
   * mpimark did before the drift model. With drift: twice at the start, a
   * baseline apart, then when the error bound has grown enough. */
  int estimates = st->model.estimates, due = !drift || estimates == 0 ||
            mm_clock_model_due(mm_clocksync_local(h, rank) - st->model.t_ref, st->facts[1], st->facts[4]);
  MM_MPI(MPI_Bcast(&due, 1, MPI_INT, 0, comm));
  int rounds = !due ? 0 : drift && estimates == 0 ? 2 : 1;
  for (int round = 0; round < rounds; round++) {
    if (round == 1) {
      struct timespec ts = {0, (long)(MM_CLOCK_BASELINE_FIRST * 1e9)};
      nanosleep(&ts, NULL);
    }
    double t0 = mm_clock_now();
    estimate(comm, h, st->domain, st->leaders, &st->model, drift);
    gather_facts(comm, &st->model, st->facts);
    st->seconds += mm_clock_now() - t0;
  }
  const double *facts = st->facts;
  out->model = st->model;
  out->max_abs_offset = facts[0];
  /* The window's margin: the error bound until the next estimate is due. */
  out->max_uncertainty = drift ? MM_CLOCK_ERROR_GROWTH * facts[1] : facts[1];
  out->max_drift = facts[2];
  out->max_residual = facts[3];
  out->estimates = st->model.estimates;
  out->seconds = st->seconds;
}
