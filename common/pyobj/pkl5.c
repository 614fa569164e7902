#include "pkl5.h"

#include <limits.h>
#include <stdlib.h>

#include "errors.h"
#include "mpi_util.h"
#include "objpath.h"

/* One pkl5 message: the info vector, the pickle and its out-of-band
 * buffers. */
typedef struct msg {
  long long info[1 + MM_PKL5_MAX_BUFFERS]; /* pickle length, then each buffer's */
  int ninfo;
  unsigned char *data;
  mm_pickle_buffer bufs[MM_PKL5_MAX_BUFFERS];
  size_t nbufs;
} msg;

/* pickle.dumps with pkl5's buffer callback; counts must fit MPI's int
 * (pkl5 splits larger ones into a derived datatype; mpimark refuses them). */
static int dump(const mm_pyobj *obj, size_t threshold, msg *m) {
  size_t len;
  int err = mm_obj_codec_error(
      mm_pickle_dumps_oob(obj, threshold, &m->data, &len, m->bufs, MM_PKL5_MAX_BUFFERS, &m->nbufs));
  if (err) return err;
  m->info[0] = (long long)len;
  m->ninfo = 1 + (int)m->nbufs;
  for (size_t i = 0; i < m->nbufs; i++) m->info[1 + i] = (long long)m->bufs[i].len;
  for (int i = 0; i < m->ninfo; i++)
    if (m->info[i] > INT_MAX) {
      free(m->data);
      m->data = NULL;
      return MM_ETOOBIG;
    }
  return MM_OK;
}

/* An info vector's length, checked before it is received. */
static int info_length(long long n, MPI_Comm comm) {
  if (n < 1 || n > 1 + MM_PKL5_MAX_BUFFERS)
    mm_mpi_die(comm, MM_EDECODE, "pkl5: an info vector of %lld entries", n);
  return (int)n;
}

/* The receiving side's buffers for an info vector: new, owned blocks. */
static void alloc_msg(msg *m, MPI_Comm comm) {
  for (int i = 0; i < m->ninfo; i++)
    if (m->info[i] < 0 || m->info[i] > INT_MAX)
      mm_mpi_die(comm, MM_EDECODE, "pkl5: a message of %lld bytes", m->info[i]);
  m->nbufs = (size_t)m->ninfo - 1;
  m->data = mm_obj_alloc_bytes((size_t)m->info[0]);
  int ok = m->data != NULL;
  for (size_t i = 0; i < m->nbufs; i++) {
    m->bufs[i] = (mm_pickle_buffer){mm_obj_alloc_bytes((size_t)m->info[1 + i]),
                                    (size_t)m->info[1 + i], 1, 0};
    ok &= m->bufs[i].data != NULL;
  }
  if (!ok) mm_mpi_die(comm, MM_ENOMEM, "pkl5: no memory for a message");
}

/* pickle.loads(data, buffers), then frees what the object did not adopt. */
static int load(msg *m, mm_pyobj **out) {
  int err = mm_obj_codec_error(
      mm_pickle_loads_oob(m->data, (size_t)m->info[0], m->bufs, m->nbufs, out));
  free(m->data);
  m->data = NULL;
  for (size_t i = 0; i < m->nbufs; i++)
    if (m->bufs[i].owned) free(m->bufs[i].data);
  return err;
}

/* _send_raw: the info, the pickle, each buffer; with reqs, as MPI_Isend
 * into reqs[0 .. 2 + nbufs). */
static void send_raw(const msg *m, int dest, int tag, MPI_Comm comm, MPI_Request *reqs) {
  for (size_t k = 0; k < 2 + m->nbufs; k++) {
    const void *buf = k == 0 ? (const void *)m->info : k == 1 ? m->data : m->bufs[k - 2].data;
    int count = k == 0 ? m->ninfo : (int)m->info[k - 1];
    MPI_Datatype type = k == 0 ? MPI_LONG_LONG : MPI_BYTE;
    if (reqs) MM_MPI(MPI_Isend(buf, count, type, dest, tag, comm, &reqs[k]));
    else MM_MPI(MPI_Send(buf, count, type, dest, tag, comm));
  }
}

/* _recv_raw and loads: probe, the info, then the pickle and each buffer
 * from the probed source and tag. */
int mm_pkl5_recv(mm_pyobj **out, int source, int tag, MPI_Comm comm) {
  msg m = {.ninfo = 0};
  MPI_Status st;
  int ninfo;
  MM_MPI(MPI_Probe(source, tag, comm, &st));
  MM_MPI(MPI_Get_elements(&st, MPI_LONG_LONG, &ninfo));
  m.ninfo = info_length(ninfo, comm);
  MM_MPI(MPI_Recv(m.info, m.ninfo, MPI_LONG_LONG, st.MPI_SOURCE, st.MPI_TAG, comm,
                  MPI_STATUS_IGNORE));
  alloc_msg(&m, comm);
  MM_MPI(MPI_Recv(m.data, (int)m.info[0], MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, comm,
                  MPI_STATUS_IGNORE));
  for (size_t i = 0; i < m.nbufs; i++)
    MM_MPI(MPI_Recv(m.bufs[i].data, (int)m.info[1 + i], MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG,
                    comm, MPI_STATUS_IGNORE));
  return load(&m, out);
}

int mm_pkl5_send(const mm_pyobj *obj, size_t threshold, int dest, int tag, MPI_Comm comm) {
  msg m;
  int err = dump(obj, threshold, &m);
  if (err) return err;
  send_raw(&m, dest, tag, comm, NULL);
  free(m.data);
  return MM_OK;
}

int mm_pkl5_bcast(const mm_pyobj *obj, size_t threshold, mm_pyobj **out, int root,
                  MPI_Comm comm) {
  int rank, err;
  msg m = {.ninfo = 0};
  MM_MPI(MPI_Comm_rank(comm, &rank));
  if (rank == root) {
    if ((err = dump(obj, threshold, &m)))
      mm_mpi_die(comm, err, "pkl5 bcast: cannot pickle the root's object: %s", mm_strerror(err));
    /* The root loads with its own PickleBuffers: its result views them. */
    for (size_t i = 0; i < m.nbufs; i++) m.bufs[i].shared = 1;
  }
  long long ninfo = m.ninfo;
  MM_MPI(MPI_Bcast(&ninfo, 1, MPI_LONG_LONG, root, comm));
  m.ninfo = info_length(ninfo, comm);
  MM_MPI(MPI_Bcast(m.info, m.ninfo, MPI_LONG_LONG, root, comm));
  if (rank != root) alloc_msg(&m, comm);
  MM_MPI(MPI_Bcast(m.data, (int)m.info[0], MPI_BYTE, root, comm));
  for (size_t i = 0; i < m.nbufs; i++)
    MM_MPI(MPI_Bcast(m.bufs[i].data, (int)m.info[1 + i], MPI_BYTE, root, comm));
  return load(&m, out);
}

/* Messages sent with MPI_Isend, kept until finish_sends() completes their
 * requests: one pickle per destination (scatter, alltoall), or one pickle
 * to the root (gather) or to every rank (allgather). */
typedef struct sends {
  msg *m;
  int nm;            /* pickles */
  MPI_Request *reqs; /* 2 + MM_PKL5_MAX_BUFFERS per destination */
  int nd;            /* destinations */
} sends;

static const msg *message_to(const sends *s, int d) { return &s->m[s->nm == 1 ? 0 : d]; }

static void finish_sends(sends *s) {
  for (int d = 0; d < s->nd; d++)
    MM_MPI(MPI_Waitall(2 + (int)message_to(s, d)->nbufs, &s->reqs[d * (2 + MM_PKL5_MAX_BUFFERS)],
                       MPI_STATUSES_IGNORE));
  for (int i = 0; i < s->nm; i++) free(s->m[i].data);
  free(s->m);
  free(s->reqs);
}

/* Pickles objs[d] for destination d (each pickled as it goes, as pkl5's
 * loops do), or objs[0] once for every destination (nobjs 1); the
 * destination is rank d, or `to` when it is a rank. */
static void start_sends(sends *s, mm_pyobj *const *objs, int nobjs, int ndests, size_t threshold,
                        int to, MPI_Comm comm) {
  s->nm = nobjs, s->nd = ndests;
  s->m = calloc((size_t)nobjs, sizeof *s->m);
  s->reqs = malloc((size_t)ndests * (2 + MM_PKL5_MAX_BUFFERS) * sizeof *s->reqs);
  if (!s->m || !s->reqs) mm_mpi_die(comm, MM_ENOMEM, "pkl5: no memory for sends");
  for (int d = 0; d < ndests; d++) {
    int err = nobjs > 1 || d == 0 ? dump(objs[nobjs > 1 ? d : 0], threshold, &s->m[nobjs > 1 ? d : 0])
                                  : MM_OK;
    if (err) mm_mpi_die(comm, err, "pkl5: cannot pickle: %s", mm_strerror(err));
    send_raw(message_to(s, d), to >= 0 ? to : d, MM_PKL5_TAG_COLLECTIVE, comm,
             &s->reqs[d * (2 + MM_PKL5_MAX_BUFFERS)]);
  }
}

/* Receives one message from each rank in rank order into out[0..n); the
 * first error. */
static int recv_each(mm_pyobj **out, int n, MPI_Comm comm) {
  int err = MM_OK;
  for (int i = 0; i < n; i++) {
    int e = mm_pkl5_recv(&out[i], i, MM_PKL5_TAG_COLLECTIVE, comm);
    if (e && !err) err = e;
  }
  return err;
}

int mm_pkl5_scatter(mm_pyobj *const *items, size_t threshold, mm_pyobj **out, int root,
                    MPI_Comm comm) {
  int rank, n;
  MM_MPI(MPI_Comm_rank(comm, &rank));
  MM_MPI(MPI_Comm_size(comm, &n));
  sends s = {0};
  if (rank == root) start_sends(&s, items, n, n, threshold, -1, comm);
  int err = mm_pkl5_recv(out, root, MM_PKL5_TAG_COLLECTIVE, comm);
  if (rank == root) finish_sends(&s);
  return err;
}

int mm_pkl5_gather(const mm_pyobj *obj, size_t threshold, mm_pyobj **out, int root,
                   MPI_Comm comm) {
  int rank, n, err = MM_OK;
  MM_MPI(MPI_Comm_rank(comm, &rank));
  MM_MPI(MPI_Comm_size(comm, &n));
  sends s = {0};
  mm_pyobj *const one[1] = {(mm_pyobj *)obj};
  start_sends(&s, one, 1, 1, threshold, root, comm);
  if (rank == root) err = recv_each(out, n, comm);
  finish_sends(&s);
  return err;
}

int mm_pkl5_allgather(const mm_pyobj *obj, size_t threshold, mm_pyobj **out, MPI_Comm comm) {
  int n;
  MM_MPI(MPI_Comm_size(comm, &n));
  sends s = {0};
  mm_pyobj *const one[1] = {(mm_pyobj *)obj};
  start_sends(&s, one, 1, n, threshold, -1, comm);
  int err = recv_each(out, n, comm);
  finish_sends(&s);
  return err;
}

int mm_pkl5_alltoall(mm_pyobj *const *items, size_t threshold, mm_pyobj **out, MPI_Comm comm) {
  int n;
  MM_MPI(MPI_Comm_size(comm, &n));
  sends s = {0};
  start_sends(&s, items, n, n, threshold, -1, comm);
  int err = recv_each(out, n, comm);
  finish_sends(&s);
  return err;
}
