#include "objpath.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "mpi_util.h"

bool mm_obj_large_count_calls(int generation) {
#if MPI_VERSION >= 4
  return generation >= 4;
#else
  (void)generation;
  return false;
#endif
}

/* A data call, as the generation makes it (oc in scope): fn_c(..., MPI_Count
 * count, ...) for 4.x on an MPI-4 library, else fn(..., int count, ...). */
#if MPI_VERSION >= 4
#define LC(fn, ...) (mm_obj_large_count_calls(oc.generation) ? fn##_c(__VA_ARGS__) : fn(__VA_ARGS__))
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

/* One length per rank: the root's counts[n] scattered into *count, or
 * every rank's count gathered into the root's counts[n]. */
static void scatter_lens(const int *counts, int *count, int n, int root, mm_obj_comm oc) {
  MPI_Count *wide = oc.generation >= 4 ? malloc(((size_t)n + 1) * sizeof *wide) : NULL;
  if (oc.generation >= 4 && !wide) mm_mpi_die(oc.comm, MM_ENOMEM, "no memory for lengths");
  MPI_Count mine = 0;
  MM_MPI(MPI_Scatter(counts ? len_out(counts, n, wide, oc.generation) : NULL, 1, len_type(oc.generation),
                     oc.generation >= 4 ? (void *)&mine : count, 1, len_type(oc.generation), root, oc.comm));
  if (oc.generation >= 4) *count = len_in(mine, oc);
  free(wide);
}

static void gather_lens(int count, int *counts, int n, int root, mm_obj_comm oc) {
  MPI_Count *wide = oc.generation >= 4 ? malloc(((size_t)n + 1) * sizeof *wide) : NULL, mine;
  if (oc.generation >= 4 && !wide) mm_mpi_die(oc.comm, MM_ENOMEM, "no memory for lengths");
  MM_MPI(MPI_Gather(len_out(&count, 1, &mine, oc.generation), 1, len_type(oc.generation),
                    oc.generation >= 4 ? (void *)wide : counts, 1, len_type(oc.generation), root, oc.comm));
  for (int i = 0; oc.generation >= 4 && counts && i < n; i++) counts[i] = len_in(wide[i], oc);
  free(wide);
}

/* MPI_Get_count of a received pickle (MPI_Get_count_c on 4.x with MPI-4). */
static int received_count(MPI_Status *status, int generation) {
#if MPI_VERSION >= 4
  if (mm_obj_large_count_calls(generation)) {
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

/* Displacements for Scatterv/Gatherv from per-rank counts; the total must
 * fit an int, as MPI's displacements are ints. */
static int displacements(const int *counts, int n, int *displs, size_t *total) {
  size_t t = 0;
  for (int i = 0; i < n; i++) {
    if (t > INT_MAX) return MM_ETOOBIG;
    displs[i] = (int)t;
    t += (size_t)counts[i];
  }
  *total = t;
  return MM_OK;
}

/* MPI_Scatterv (scatter true) or MPI_Gatherv of the pickles: `mine` is
 * this rank's count bytes, `all` the root's, at the root's per-rank counts
 * and displacements. On 4.x with an MPI-4 library, MPI_Scatterv_c /
 * MPI_Gatherv_c with MPI_Count counts and MPI_Aint displacements, as
 * mpi4py 4.x calls them. */
static void scatterv_or_gatherv(bool scatter, unsigned char *mine, int count, unsigned char *all,
                                const int *counts, const int *displs, int n, int root,
                                mm_obj_comm oc) {
#if MPI_VERSION >= 4
  if (mm_obj_large_count_calls(oc.generation)) {
    MPI_Count *c = counts ? malloc((size_t)n * sizeof *c) : NULL;
    MPI_Aint *d = counts ? malloc((size_t)n * sizeof *d) : NULL;
    if (counts && (!c || !d)) mm_mpi_die(oc.comm, MM_ENOMEM, "no memory for counts");
    for (int i = 0; counts && i < n; i++) c[i] = counts[i], d[i] = displs[i];
    if (scatter)
      MM_MPI(MPI_Scatterv_c(all, c, d, MPI_BYTE, mine, count, MPI_BYTE, root, oc.comm));
    else
      MM_MPI(MPI_Gatherv_c(mine, count, MPI_BYTE, all, c, d, MPI_BYTE, root, oc.comm));
    free(c);
    free(d);
    return;
  }
#endif
  (void)n;
  if (scatter)
    MM_MPI(MPI_Scatterv(all, counts, displs, MPI_BYTE, mine, count, MPI_BYTE, root, oc.comm));
  else
    MM_MPI(MPI_Gatherv(mine, count, MPI_BYTE, all, counts, displs, MPI_BYTE, root, oc.comm));
}

int mm_obj_scatter(mm_pyobj *const *items, mm_pyobj **out, int root, mm_obj_comm oc) {
  int rank, n, count;
  MM_MPI(MPI_Comm_rank(oc.comm, &rank));
  MM_MPI(MPI_Comm_size(oc.comm, &n));
  int *counts = NULL, *displs = NULL;
  unsigned char *sendbuf = NULL;
  if (rank == root) {
    /* Like pickle.dumpv: one pickle per item, packed into one buffer. */
    counts = malloc((size_t)n * sizeof *counts);
    displs = malloc((size_t)n * sizeof *displs);
    unsigned char **parts = calloc((size_t)n, sizeof *parts);
    size_t total = 0;
    int err = counts && displs && parts ? MM_OK : MM_ENOMEM;
    for (int i = 0; i < n && !err; i++) err = dump(items[i], &parts[i], &counts[i]);
    if (!err) err = displacements(counts, n, displs, &total);
    if (!err && !(sendbuf = mm_obj_alloc_bytes(total))) err = MM_ENOMEM;
    for (int i = 0; i < n && parts; i++) {
      if (!err) memcpy(sendbuf + displs[i], parts[i], (size_t)counts[i]);
      free(parts[i]);
    }
    free(parts);
    if (err) mm_mpi_die(oc.comm, err, "scatter: cannot pickle the items: %s", mm_strerror(err));
  }
  scatter_lens(counts, &count, n, root, oc);
  unsigned char *buf = mm_obj_alloc_bytes((size_t)count);
  if (!buf) mm_mpi_die(oc.comm, MM_ENOMEM, "no memory for a %d-byte pickle", count);
  scatterv_or_gatherv(true, buf, count, sendbuf, counts, displs, n, root, oc);
  free(sendbuf);
  free(counts);
  free(displs);
  int err = load(buf, count, out);
  free(buf);
  return err;
}

int mm_obj_gather(const mm_pyobj *obj, mm_pyobj **out, int root, mm_obj_comm oc) {
  int rank, n, count;
  unsigned char *buf;
  MM_MPI(MPI_Comm_rank(oc.comm, &rank));
  MM_MPI(MPI_Comm_size(oc.comm, &n));
  int err = dump(obj, &buf, &count);
  if (err) mm_mpi_die(oc.comm, err, "gather: cannot pickle: %s", mm_strerror(err));
  int *counts = NULL, *displs = NULL;
  unsigned char *recvbuf = NULL;
  if (rank == root) {
    counts = malloc((size_t)n * sizeof *counts);
    displs = malloc((size_t)n * sizeof *displs);
    if (!counts || !displs) mm_mpi_die(oc.comm, MM_ENOMEM, "no memory for gather counts");
  }
  gather_lens(count, counts, n, root, oc);
  if (rank == root) {
    size_t total;
    if ((err = displacements(counts, n, displs, &total)) ||
        !(recvbuf = mm_obj_alloc_bytes(total)))
      mm_mpi_die(oc.comm, err ? err : MM_ENOMEM, "gather: cannot receive %d pickles", n);
  }
  scatterv_or_gatherv(false, buf, count, recvbuf, counts, displs, n, root, oc);
  free(buf);
  err = MM_OK;
  for (int i = 0; rank == root && i < n; i++) {
    int e = load(recvbuf + displs[i], counts[i], &out[i]);
    if (e && !err) err = e;
  }
  free(recvbuf);
  free(counts);
  free(displs);
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

/* mpi4py's PyMPI_reduce_p2p: result at rank 0 after a binomial tree. */
static int reduce_to_zero(const mm_pyobj *obj, mm_obj_op op, mm_pyobj **result, mm_obj_comm oc) {
  int rank, n;
  MM_MPI(MPI_Comm_rank(oc.comm, &rank));
  MM_MPI(MPI_Comm_size(oc.comm, &n));
  /* The copy mpi4py makes first (PyMPI_copy: pickle and unpickle). */
  unsigned char *buf;
  int count, err = dump(obj, &buf, &count);
  if (err) return err;
  err = load(buf, count, result);
  free(buf);
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
