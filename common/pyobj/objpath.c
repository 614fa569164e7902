#include "objpath.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "mpi_util.h"

/* A data call, as the generation makes it (oc in scope): fn_c(..., MPI_Count
 * count, ...) for 4.x on an MPI-4 library, else fn(..., int count, ...). */
#if MPI_VERSION >= 4
#define LC(fn, ...) (mm_mpi_large_count_calls(oc.generation) ? fn##_c(__VA_ARGS__) : fn(__VA_ARGS__))
#else
#define LC(fn, ...) fn(__VA_ARGS__)
#endif

/* Lengths on the wire: one, or one per rank, as MPI_INT (3.1) or MPI_COUNT
 * (4.x). The values are ints here (a pickle longer than INT_MAX is refused
 * before it is sent). */
static MPI_Datatype len_type(int generation) { return generation >= 4 ? MPI_COUNT : MPI_INT; }

static void *len_out(const int *v, int n, MPI_Count *wide, int generation) {
  if (generation < 4) return (void *)v;
  for (int i = 0; i < n; i++) wide[i] = v[i];
  return wide;
}

static int len_in(MPI_Count c, mm_obj_comm oc) {
  if (c < 0 || c > INT_MAX) mm_mpi_die(oc.comm, MM_EDECODE, "a pickle length of %lld", (long long)c);
  return (int)c;
}

static void bcast_len(int *count, int root, mm_obj_comm oc) {
  MPI_Count wide = *count;
  MM_MPI(MPI_Bcast(len_out(count, 1, &wide, oc.generation), 1, len_type(oc.generation), root, oc.comm));
  if (oc.generation >= 4) *count = len_in(wide, oc);
}

static void send_len(int count, int dest, int tag, mm_obj_comm oc) {
  MPI_Count wide;
  MM_MPI(MPI_Send(len_out(&count, 1, &wide, oc.generation), 1, len_type(oc.generation), dest, tag, oc.comm));
}

static int recv_len(int source, int tag, mm_obj_comm oc) {
  int count;
  MPI_Count wide;
  MM_MPI(MPI_Recv(oc.generation >= 4 ? (void *)&wide : &count, 1, len_type(oc.generation), source, tag, oc.comm,
                  MPI_STATUS_IGNORE));
  return oc.generation >= 4 ? len_in(wide, oc) : count;
}

/* The collectives of the lowercase methods that move one pickle per rank. */
typedef enum { SCATTER, GATHER, ALLGATHER, ALLTOALL } coll;

/* One length per rank: what this rank sends (n lengths for scatter's root
 * and alltoall, else its own one) into what it receives (n lengths for
 * gather's root, allgather and alltoall, else its own one). out or in is
 * NULL where the rank sends or receives none. */
static void exchange_lens(coll k, const int *out, int *in, int n, int root, mm_obj_comm oc) {
  int nout = k == SCATTER || k == ALLTOALL ? n : 1, nin = k == SCATTER ? 1 : n;
  MPI_Datatype t = len_type(oc.generation);
  bool wide = oc.generation >= 4;
  MPI_Count *w = wide ? malloc(((size_t)nout + (size_t)nin) * sizeof *w) : NULL;
  if (wide && !w) mm_mpi_die(oc.comm, MM_ENOMEM, "no memory for lengths");
  void *o = out ? len_out(out, nout, w, oc.generation) : NULL, *i = wide ? (void *)(w + nout) : in;
  if (wide && !in) i = NULL;
  switch (k) {
  case SCATTER: MM_MPI(MPI_Scatter(o, 1, t, i, 1, t, root, oc.comm)); break;
  case GATHER: MM_MPI(MPI_Gather(o, 1, t, i, 1, t, root, oc.comm)); break;
  case ALLGATHER: MM_MPI(MPI_Allgather(o, 1, t, i, 1, t, oc.comm)); break;
  case ALLTOALL: MM_MPI(MPI_Alltoall(o, 1, t, i, 1, t, oc.comm)); break;
  }
  for (int r = 0; wide && in && r < nin; r++) in[r] = len_in(w[nout + r], oc);
  free(w);
}

/* MPI_Get_count of a received pickle (MPI_Get_count_c on 4.x with MPI-4). */
static int received_count(MPI_Status *status, int generation) {
#if MPI_VERSION >= 4
  if (mm_mpi_large_count_calls(generation)) {
    MPI_Count c;
    MM_MPI(MPI_Get_count_c(status, MPI_BYTE, &c));
    return (int)c;
  }
#else
  (void)generation;
#endif
  int count;
  MM_MPI(MPI_Get_count(status, MPI_BYTE, &count));
  return count;
}

/* Pickles obj into a new buffer; counts must fit MPI's int. */
static int dump(const mm_pyobj *obj, unsigned char **buf, int *count) {
  size_t len;
  int rc = mm_obj_codec_error(mm_pickle_dumps(obj, buf, &len));
  if (rc) return rc;
  if (len > INT_MAX) {
    free(*buf);
    *buf = NULL;
    return MM_ETOOBIG;
  }
  *count = (int)len;
  return MM_OK;
}

int mm_obj_codec_error(int rc) {
  return rc == MM_PICKLE_OK ? MM_OK : rc == MM_PICKLE_ENOMEM ? MM_ENOMEM : MM_EDECODE;
}

static int load(const unsigned char *buf, int count, mm_pyobj **out) {
  return mm_obj_codec_error(mm_pickle_loads(buf, (size_t)count, out));
}

unsigned char *mm_obj_alloc_bytes(size_t count) { return malloc(count ? count : 1); }

int mm_obj_send(const mm_pyobj *obj, int dest, int tag, mm_obj_comm oc) {
  unsigned char *buf;
  int count, err = dump(obj, &buf, &count);
  if (err) return err;
  MM_MPI(LC(MPI_Send, buf, count, MPI_BYTE, dest, tag, oc.comm));
  free(buf);
  return MM_OK;
}

int mm_obj_recv(mm_pyobj **out, int source, int tag, mm_obj_comm oc) {
  MPI_Message msg;
  MPI_Status status;
  int count;
  MM_MPI(MPI_Mprobe(source, tag, oc.comm, &msg, &status));
  count = received_count(&status, oc.generation);
  unsigned char *buf = mm_obj_alloc_bytes((size_t)count);
  if (!buf) return MM_ENOMEM;
  MM_MPI(LC(MPI_Mrecv, buf, count, MPI_BYTE, &msg, MPI_STATUS_IGNORE));
  int err = load(buf, count, out);
  free(buf);
  return err;
}

int mm_obj_isend(const mm_pyobj *obj, int dest, int tag, mm_obj_comm oc, mm_obj_request *r) {
  int count, err = dump(obj, &r->pickle, &count);
  r->buf = NULL;
  r->generation = oc.generation;
  if (err) return err;
  MM_MPI(LC(MPI_Isend, r->pickle, count, MPI_BYTE, dest, tag, oc.comm, &r->req));
  return MM_OK;
}

int mm_obj_irecv(unsigned char *buf, size_t cap, int source, int tag, mm_obj_comm oc,
                 mm_obj_request *r) {
  r->pickle = NULL;
  r->buf = buf;
  r->generation = oc.generation;
  int count = cap > INT_MAX ? INT_MAX : (int)cap;
  MM_MPI(LC(MPI_Irecv, buf, count, MPI_BYTE, source, tag, oc.comm, &r->req));
  return MM_OK;
}

int mm_obj_waitall(size_t n, mm_obj_request *r, mm_pyobj **out) {
  int err = MM_OK;
  for (size_t i = 0; i < n; i++) {
    MPI_Status status;
    MM_MPI(MPI_Wait(&r[i].req, &status));
    if (r[i].pickle) {
      free(r[i].pickle);
      r[i].pickle = NULL;
      if (out) out[i] = NULL;
    } else {
      int e = load(r[i].buf, received_count(&status, r[i].generation), &out[i]);
      if (e && !err) err = e;
    }
  }
  return err;
}

/* The two-step broadcast of a pickle: the length, then the bytes. The root
 * passes its pickle; the others get a new buffer in *buf. */
static int bcast_bytes(unsigned char **buf, int *count, int root, mm_obj_comm oc) {
  int rank;
  MM_MPI(MPI_Comm_rank(oc.comm, &rank));
  bcast_len(count, root, oc);
  if (rank != root && !(*buf = mm_obj_alloc_bytes((size_t)*count)))
    mm_mpi_die(oc.comm, MM_ENOMEM, "no memory for a %d-byte pickle", *count);
  MM_MPI(LC(MPI_Bcast, *buf, *count, MPI_BYTE, root, oc.comm));
  return MM_OK;
}

int mm_obj_bcast(const mm_pyobj *obj, mm_pyobj **out, int root, mm_obj_comm oc) {
  int rank, count = 0, err = MM_OK;
  unsigned char *buf = NULL;
  MM_MPI(MPI_Comm_rank(oc.comm, &rank));
  if (rank == root && (err = dump(obj, &buf, &count)))
    mm_mpi_die(oc.comm, err, "bcast: cannot pickle the root's object: %s", mm_strerror(err));
  bcast_bytes(&buf, &count, root, oc);
  err = load(buf, count, out);
  free(buf);
  return err;
}

/* Displacements from per-rank counts, and one buffer for them all
 * (pickle_allocv); the total must fit an int, as MPI's displacements are
 * ints. */
static int allocv(const int *counts, int n, int *displs, unsigned char **buf) {
  size_t t = 0;
  for (int i = 0; i < n; i++) {
    if (t > INT_MAX) return MM_ETOOBIG;
    displs[i] = (int)t;
    t += (size_t)counts[i];
  }
  return (*buf = mm_obj_alloc_bytes(t)) ? MM_OK : MM_ENOMEM;
}

/* pickle.dumpv: one pickle per item, packed into one new buffer. */
static int dumpv(mm_pyobj *const *items, int n, int *counts, int *displs, unsigned char **buf) {
  unsigned char **parts = calloc((size_t)n, sizeof *parts);
  int err = parts ? MM_OK : MM_ENOMEM;
  for (int i = 0; i < n && !err; i++) err = dump(items[i], &parts[i], &counts[i]);
  if (!err) err = allocv(counts, n, displs, buf);
  for (int i = 0; i < n && parts; i++) {
    if (!err) memcpy(*buf + displs[i], parts[i], (size_t)counts[i]);
    free(parts[i]);
  }
  free(parts);
  return err;
}

/* pickle.loadv: each rank's pickle unpickled into out[i]; the first error. */
static int loadv(const unsigned char *buf, const int *counts, const int *displs, int n,
                 mm_pyobj **out) {
  int err = MM_OK;
  for (int i = 0; i < n; i++) {
    int e = load(buf + displs[i], counts[i], &out[i]);
    if (e && !err) err = e;
  }
  return err;
}

/* One side of a v-collective: one count, or per-rank counts and
 * displacements. */
typedef struct side {
  unsigned char *buf;
  int count;
  const int *counts, *displs;
} side;

#if MPI_VERSION >= 4
/* A side's counts as MPI_Count and displacements as MPI_Aint (NULL when it
 * has none), for the large-count calls; free() both. */
static void widen(const side *x, int n, MPI_Count **c, MPI_Aint **d, MPI_Comm comm) {
  *c = NULL, *d = NULL;
  if (!x->counts) return;
  *c = malloc((size_t)n * sizeof **c);
  *d = malloc((size_t)n * sizeof **d);
  if (!*c || !*d) mm_mpi_die(comm, MM_ENOMEM, "no memory for counts");
  for (int i = 0; i < n; i++) (*c)[i] = x->counts[i], (*d)[i] = x->displs[i];
}
#endif

/* The bytes of a collective: MPI_Scatterv, Gatherv, Allgatherv or
 * Alltoallv; on 4.x with an MPI-4 library their _c forms with MPI_Count
 * counts and MPI_Aint displacements, as mpi4py 4.x calls them. */
static void exchange_bytes(coll k, side s, side r, int n, int root, mm_obj_comm oc) {
  MPI_Datatype b = MPI_BYTE;
#if MPI_VERSION >= 4
  if (mm_mpi_large_count_calls(oc.generation)) {
    MPI_Count *sc, *rc;
    MPI_Aint *sd, *rd;
    widen(&s, n, &sc, &sd, oc.comm);
    widen(&r, n, &rc, &rd, oc.comm);
    switch (k) {
    case SCATTER: MM_MPI(MPI_Scatterv_c(s.buf, sc, sd, b, r.buf, r.count, b, root, oc.comm)); break;
    case GATHER: MM_MPI(MPI_Gatherv_c(s.buf, s.count, b, r.buf, rc, rd, b, root, oc.comm)); break;
    case ALLGATHER: MM_MPI(MPI_Allgatherv_c(s.buf, s.count, b, r.buf, rc, rd, b, oc.comm)); break;
    case ALLTOALL: MM_MPI(MPI_Alltoallv_c(s.buf, sc, sd, b, r.buf, rc, rd, b, oc.comm)); break;
    }
    free(sc), free(sd), free(rc), free(rd);
    return;
  }
#endif
  (void)n;
  switch (k) {
  case SCATTER: MM_MPI(MPI_Scatterv(s.buf, s.counts, s.displs, b, r.buf, r.count, b, root, oc.comm)); break;
  case GATHER: MM_MPI(MPI_Gatherv(s.buf, s.count, b, r.buf, r.counts, r.displs, b, root, oc.comm)); break;
  case ALLGATHER: MM_MPI(MPI_Allgatherv(s.buf, s.count, b, r.buf, r.counts, r.displs, b, oc.comm)); break;
  case ALLTOALL:
    MM_MPI(MPI_Alltoallv(s.buf, s.counts, s.displs, b, r.buf, r.counts, r.displs, b, oc.comm));
    break;
  }
}

/* Per-rank counts and displacements, both sides' (4 n ints). */
static int *counts_of(int n, mm_obj_comm oc) {
  int *c = malloc(4 * (size_t)n * sizeof *c);
  if (!c) mm_mpi_die(oc.comm, MM_ENOMEM, "no memory for %d counts", n);
  return c;
}

static void comm_facts(mm_obj_comm oc, int *rank, int *n) {
  MM_MPI(MPI_Comm_rank(oc.comm, rank));
  MM_MPI(MPI_Comm_size(oc.comm, n));
}

int mm_obj_scatter(mm_pyobj *const *items, mm_pyobj **out, int root, mm_obj_comm oc) {
  int rank, n;
  comm_facts(oc, &rank, &n);
  int *c = counts_of(n, oc), err;
  side s = {0}, r = {0};
  if (rank == root) s.counts = c, s.displs = c + n; /* only the root's are read */
  if (rank == root && (err = dumpv(items, n, c, c + n, &s.buf)))
    mm_mpi_die(oc.comm, err, "scatter: cannot pickle the items: %s", mm_strerror(err));
  exchange_lens(SCATTER, rank == root ? c : NULL, &r.count, n, root, oc);
  if (!(r.buf = mm_obj_alloc_bytes((size_t)r.count)))
    mm_mpi_die(oc.comm, MM_ENOMEM, "no memory for a %d-byte pickle", r.count);
  exchange_bytes(SCATTER, s, r, n, root, oc);
  free(s.buf);
  free(c);
  err = load(r.buf, r.count, out);
  free(r.buf);
  return err;
}

/* gather (root only) and allgather: every rank's pickle to one buffer. */
static int gather_to(coll k, const mm_pyobj *obj, mm_pyobj **out, int root, mm_obj_comm oc) {
  int rank, n;
  comm_facts(oc, &rank, &n);
  bool receives = k == ALLGATHER || rank == root;
  int *c = counts_of(n, oc);
  side s = {0}, r = {0};
  if (receives) r.counts = c, r.displs = c + n; /* only a receiving rank's are read */
  int err = dump(obj, &s.buf, &s.count);
  if (err) mm_mpi_die(oc.comm, err, "%s: cannot pickle: %s", k == GATHER ? "gather" : "allgather",
                      mm_strerror(err));
  exchange_lens(k, &s.count, receives ? c : NULL, n, root, oc);
  if (receives && (err = allocv(c, n, c + n, &r.buf)))
    mm_mpi_die(oc.comm, err, "cannot receive %d pickles", n);
  exchange_bytes(k, s, r, n, root, oc);
  free(s.buf);
  err = receives ? loadv(r.buf, c, c + n, n, out) : MM_OK;
  free(r.buf);
  free(c);
  return err;
}

int mm_obj_gather(const mm_pyobj *obj, mm_pyobj **out, int root, mm_obj_comm oc) {
  return gather_to(GATHER, obj, out, root, oc);
}

int mm_obj_allgather(const mm_pyobj *obj, mm_pyobj **out, mm_obj_comm oc) {
  return gather_to(ALLGATHER, obj, out, 0, oc);
}

int mm_obj_alltoall(mm_pyobj *const *items, mm_pyobj **out, mm_obj_comm oc) {
  int rank, n;
  comm_facts(oc, &rank, &n);
  int *c = counts_of(n, oc);
  side s = {.counts = c, .displs = c + n}, r = {.counts = c + 2 * n, .displs = c + 3 * n};
  int err = dumpv(items, n, c, c + n, &s.buf);
  if (err) mm_mpi_die(oc.comm, err, "alltoall: cannot pickle the items: %s", mm_strerror(err));
  exchange_lens(ALLTOALL, c, c + 2 * n, n, 0, oc);
  if ((err = allocv(c + 2 * n, n, c + 3 * n, &r.buf)))
    mm_mpi_die(oc.comm, err, "alltoall: cannot receive %d pickles", n);
  exchange_bytes(ALLTOALL, s, r, n, 0, oc);
  free(s.buf);
  err = loadv(r.buf, c + 2 * n, c + 3 * n, n, out);
  free(r.buf);
  free(c);
  return err;
}

/* The reduction tree's point-to-point steps: the length, then the bytes. */
static int send_p2p(const mm_pyobj *obj, int dest, mm_obj_comm oc) {
  unsigned char *buf;
  int count, err = dump(obj, &buf, &count);
  if (err) return err;
  send_len(count, dest, MM_OBJ_TAG_REDUCE, oc);
  MM_MPI(LC(MPI_Send, buf, count, MPI_BYTE, dest, MM_OBJ_TAG_REDUCE, oc.comm));
  free(buf);
  return MM_OK;
}

static int recv_p2p(mm_pyobj **out, int source, mm_obj_comm oc) {
  int count = recv_len(source, MM_OBJ_TAG_REDUCE, oc);
  unsigned char *buf = mm_obj_alloc_bytes((size_t)count);
  if (!buf) return MM_ENOMEM;
  MM_MPI(LC(MPI_Recv, buf, count, MPI_BYTE, source, MM_OBJ_TAG_REDUCE, oc.comm, MPI_STATUS_IGNORE));
  int err = load(buf, count, out);
  free(buf);
  return err;
}

/* The copy mpi4py's reductions make first (PyMPI_copy: pickle and unpickle). */
static int copy(const mm_pyobj *obj, mm_pyobj **out) {
  unsigned char *buf;
  int count, err = dump(obj, &buf, &count);
  if (err) return err;
  err = load(buf, count, out);
  free(buf);
  return err;
}

/* mpi4py's PyMPI_reduce_p2p: the copy, then the result at rank 0 after a
 * binomial tree. */
static int reduce_to_zero(const mm_pyobj *obj, mm_obj_op op, mm_pyobj **result, mm_obj_comm oc) {
  int rank, n;
  MM_MPI(MPI_Comm_rank(oc.comm, &rank));
  MM_MPI(MPI_Comm_size(oc.comm, &n));
  int err = copy(obj, result);
  if (err) return err;
  for (unsigned mask = 1; mask < (unsigned)n; mask <<= 1) {
    if ((unsigned)rank & mask) {
      err = send_p2p(*result, (int)((unsigned)rank & ~mask), oc);
      mm_pyobj_free(*result);
      *result = NULL;
      return err;
    }
    int source = (int)((unsigned)rank | mask);
    if (source < n) {
      mm_pyobj *other = NULL, *sum = NULL;
      if ((err = recv_p2p(&other, source, oc)) == MM_OK) err = op(*result, other, &sum);
      mm_pyobj_free(other);
      if (err) return err;
      mm_pyobj_free(*result);
      *result = sum;
    }
  }
  return MM_OK;
}

/* mpi4py's PyMPI_sendrecv_p2p: the lengths, then the pickles, each one
 * MPI_Sendrecv with the partner. */
static int sendrecv_p2p(const mm_pyobj *obj, int partner, mm_pyobj **out, mm_obj_comm oc) {
  unsigned char *sbuf;
  int scount, rcount, err = dump(obj, &sbuf, &scount);
  if (err) return err;
  MPI_Count swide, rwide;
  MM_MPI(MPI_Sendrecv(len_out(&scount, 1, &swide, oc.generation), 1, len_type(oc.generation), partner,
                      MM_OBJ_TAG_REDUCE, oc.generation >= 4 ? (void *)&rwide : &rcount, 1,
                      len_type(oc.generation), partner, MM_OBJ_TAG_REDUCE, oc.comm, MPI_STATUS_IGNORE));
  if (oc.generation >= 4) rcount = len_in(rwide, oc);
  unsigned char *rbuf = mm_obj_alloc_bytes((size_t)rcount);
  if (!rbuf) mm_mpi_die(oc.comm, MM_ENOMEM, "no memory for a %d-byte pickle", rcount);
  MM_MPI(LC(MPI_Sendrecv, sbuf, scount, MPI_BYTE, partner, MM_OBJ_TAG_REDUCE, rbuf, rcount, MPI_BYTE,
            partner, MM_OBJ_TAG_REDUCE, oc.comm, MPI_STATUS_IGNORE));
  free(sbuf);
  err = load(rbuf, rcount, out);
  free(rbuf);
  return err;
}

/* mpi4py's PyMPI_scan_p2p and PyMPI_exscan_p2p: one loop, exclusive the
 * difference (result starts as the first lower rank's partial sum, and
 * rank 0 gets nothing). */
static int scan_p2p(const mm_pyobj *obj, mm_obj_op op, bool exclusive, mm_pyobj **out,
                    mm_obj_comm oc) {
  int rank, n;
  comm_facts(oc, &rank, &n);
  /* partial is the copy (result) until the first step gives it an object
   * of its own */
  mm_pyobj *result = NULL;
  int err = copy(obj, &result);
  mm_pyobj *partial = result;
  bool from_below = false; /* exclusive: result holds a lower rank's sum */
  for (unsigned mask = 1; mask < (unsigned)n && !err; mask <<= 1) {
    int target = (int)((unsigned)rank ^ mask);
    if (target >= n) continue;
    mm_pyobj *got = NULL, *p = NULL, *r = NULL;
    err = sendrecv_p2p(partial, target, &got, oc);
    if (!err && rank > target) { /* partial = op(got, partial); result = op(got, result) */
      if (!(err = op(got, partial, &p))) {
        if (exclusive && !from_below) /* result = got */
          from_below = true, r = got, got = NULL;
        else if ((err = op(got, result, &r)))
          mm_pyobj_free(p);
      }
      if (!err) {
        if (partial != result) mm_pyobj_free(partial);
        mm_pyobj_free(result);
        partial = p, result = r;
      }
    } else if (!err && !(err = op(partial, got, &p))) { /* partial = op(partial, got) */
      if (partial != result) mm_pyobj_free(partial);
      partial = p;
    }
    mm_pyobj_free(got);
  }
  if (partial != result) mm_pyobj_free(partial);
  if (err || (exclusive && rank == 0)) {
    mm_pyobj_free(result);
    result = NULL;
  }
  *out = result;
  return err;
}

int mm_obj_scan(const mm_pyobj *obj, mm_obj_op op, mm_pyobj **out, mm_obj_comm oc) {
  return scan_p2p(obj, op, false, out, oc);
}

int mm_obj_exscan(const mm_pyobj *obj, mm_obj_op op, mm_pyobj **out, mm_obj_comm oc) {
  return scan_p2p(obj, op, true, out, oc);
}

int mm_obj_reduce(const mm_pyobj *obj, mm_obj_op op, mm_pyobj **out, int root, mm_obj_comm oc) {
  int rank;
  MM_MPI(MPI_Comm_rank(oc.comm, &rank));
  *out = NULL;
  int err = reduce_to_zero(obj, op, out, oc);
  if (err) mm_mpi_die(oc.comm, err, "reduce: %s", mm_strerror(err));
  if (root != 0) {
    if (rank == 0) {
      err = send_p2p(*out, root, oc);
      mm_pyobj_free(*out);
      *out = NULL;
    } else if (rank == root) {
      err = recv_p2p(out, 0, oc);
    }
  }
  return err;
}

int mm_obj_allreduce(const mm_pyobj *obj, mm_obj_op op, mm_pyobj **out, mm_obj_comm oc) {
  mm_pyobj *partial = NULL;
  int err = mm_obj_reduce(obj, op, &partial, 0, oc);
  if (err) mm_mpi_die(oc.comm, err, "allreduce: %s", mm_strerror(err));
  err = mm_obj_bcast(partial, out, 0, oc);
  mm_pyobj_free(partial);
  return err;
}
