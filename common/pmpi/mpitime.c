/* libmpimark_mpitime.so: the time a program spends in MPI, per function
 * and rank, for `scaling --mpi-time` (python/mpimark_py/mpitime.py reads
 * what it writes; docs/scaling-and-plots.md).
 *
 * Preloaded into an MPI program (LD_PRELOAD; C programs and mpi4py alike,
 * which call the C library), it defines the MPI functions below: each times
 * its PMPI_ twin and counts its calls and bytes (what the call sends, or
 * receives for a receive). The clock starts when MPI_Init returns and stops
 * when MPI_Finalize is called; there, rank 0 gathers every rank's counts
 * and writes them to $MPIMARK_MPITIME_OUT (a temporary file renamed into
 * place), one row per rank and function that was called, and a row
 * "(all)" per rank with the rank's total and its time between Init and
 * Finalize. Without $MPIMARK_MPITIME_OUT it counts and writes nothing.
 *
 * Functions not listed here (communicator and datatype calls, Get_count)
 * count as the program's own time: they are short. A call made from inside
 * a counted call (an implementation calling MPI_ functions itself) is not
 * counted twice. The counters are plain: a program that calls MPI from
 * several threads at once gets approximate figures. Fortran calls into
 * Open MPI do not pass through these C functions and are not seen. */
#define _GNU_SOURCE
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Every function counted, in the order of the output. */
#define MM_MPITIME_FUNCTIONS(X)                                                                      \
  X(Send) X(Ssend) X(Recv) X(Isend) X(Irecv) X(Sendrecv) X(Probe) X(Iprobe) X(Mprobe) X(Improbe)      \
  X(Mrecv) X(Imrecv) X(Wait) X(Waitall) X(Waitany) X(Waitsome) X(Test) X(Testall) X(Barrier)           \
  X(Bcast) X(Reduce) X(Allreduce) X(Scatter) X(Scatterv) X(Gather) X(Gatherv) X(Allgather)             \
  X(Allgatherv) X(Alltoall) X(Alltoallv) X(Reduce_scatter_block) X(Scan) X(Exscan) X(Ibcast)           \
  X(Iallreduce) X(Ibarrier)

enum {
#define MM_ID(name) F_##name,
  MM_MPITIME_FUNCTIONS(MM_ID)
#undef MM_ID
  F_COUNT
};
static const char *const names[F_COUNT] = {
#define MM_NAME(name) "MPI_" #name,
    MM_MPITIME_FUNCTIONS(MM_NAME)
#undef MM_NAME
};

/* Per function: calls, bytes, seconds; then the rank's time between Init
 * and Finalize. One array, so that one gather carries it. */
#define SLOTS (3 * F_COUNT + 1)
static double counts[SLOTS];
static double t_init;
static int depth; /* > 0 inside a counted call */

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double bytes_of(MPI_Count count, MPI_Datatype type) {
  int size = 0;
  if (type == MPI_DATATYPE_NULL || PMPI_Type_size(type, &size) != MPI_SUCCESS) return 0;
  return (double)count * size;
}

/* Runs CALL, counted under function ID with BYTES, and returns its code. */
#define COUNTED(id, bytes, call)                          \
  do {                                                    \
    if (depth++) {                                        \
      int rc_ = call;                                     \
      depth--;                                            \
      return rc_;                                         \
    }                                                     \
    double t0_ = now();                                   \
    int rc_ = call;                                       \
    counts[3 * (id) + 2] += now() - t0_;                  \
    counts[3 * (id)] += 1;                                \
    counts[3 * (id) + 1] += (bytes);                      \
    depth--;                                              \
    return rc_;                                           \
  } while (0)

int MPI_Init(int *argc, char ***argv) {
  int rc = PMPI_Init(argc, argv);
  t_init = now();
  return rc;
}

int MPI_Init_thread(int *argc, char ***argv, int required, int *provided) {
  int rc = PMPI_Init_thread(argc, argv, required, provided);
  t_init = now();
  return rc;
}

/* Writes every rank's counts (rows of SLOTS) to path, atomically. */
static void write_counts(const char *path, const double *all, int ranks) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) return;
  FILE *fp = fopen(tmp, "w");
  if (!fp) {
    fprintf(stderr, "mpimark-mpitime: cannot write %s\n", tmp);
    return;
  }
  fprintf(fp, "#@program=mpitime\n#@ranks=%d\nrank,function,calls,bytes,seconds,run_seconds\n", ranks);
  for (int r = 0; r < ranks; r++) {
    const double *c = all + (size_t)r * SLOTS;
    double calls = 0, bytes = 0, secs = 0, run = c[3 * F_COUNT];
    for (int f = 0; f < F_COUNT; f++) {
      if (c[3 * f] == 0) continue;
      fprintf(fp, "%d,%s,%.0f,%.0f,%.9f,%.9f\n", r, names[f], c[3 * f], c[3 * f + 1], c[3 * f + 2], run);
      calls += c[3 * f], bytes += c[3 * f + 1], secs += c[3 * f + 2];
    }
    fprintf(fp, "%d,(all),%.0f,%.0f,%.9f,%.9f\n", r, calls, bytes, secs, run);
  }
  if (fclose(fp) != 0 || rename(tmp, path) != 0) {
    fprintf(stderr, "mpimark-mpitime: cannot write %s\n", path);
    remove(tmp);
  }
}

int MPI_Finalize(void) {
  const char *out = getenv("MPIMARK_MPITIME_OUT");
  counts[3 * F_COUNT] = now() - t_init;
  int rank = 0, ranks = 1;
  if (out && *out) {
    PMPI_Comm_rank(MPI_COMM_WORLD, &rank);
    PMPI_Comm_size(MPI_COMM_WORLD, &ranks);
    double *all = rank == 0 ? malloc((size_t)ranks * SLOTS * sizeof *all) : NULL;
    if (rank == 0 && !all) fprintf(stderr, "mpimark-mpitime: no memory for %d ranks' counts\n", ranks);
    /* Every rank takes part, so that none waits; rank 0 without memory
     * receives nothing (count 0). */
    int ok = rank != 0 || all != NULL, all_ok = 0;
    PMPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (all_ok) PMPI_Gather(counts, SLOTS, MPI_DOUBLE, all, SLOTS, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (rank == 0 && all) write_counts(out, all, ranks);
    free(all);
  }
  return PMPI_Finalize();
}

/* ---- point to point ---- */

int MPI_Send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm) {
  COUNTED(F_Send, bytes_of(count, type), PMPI_Send(buf, count, type, dest, tag, comm));
}
int MPI_Ssend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm) {
  COUNTED(F_Ssend, bytes_of(count, type), PMPI_Ssend(buf, count, type, dest, tag, comm));
}
int MPI_Recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm, MPI_Status *st) {
  COUNTED(F_Recv, bytes_of(count, type), PMPI_Recv(buf, count, type, source, tag, comm, st));
}
int MPI_Isend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
              MPI_Request *req) {
  COUNTED(F_Isend, bytes_of(count, type), PMPI_Isend(buf, count, type, dest, tag, comm, req));
}
int MPI_Irecv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
              MPI_Request *req) {
  COUNTED(F_Irecv, bytes_of(count, type), PMPI_Irecv(buf, count, type, source, tag, comm, req));
}
int MPI_Sendrecv(const void *sbuf, int scount, MPI_Datatype stype, int dest, int stag, void *rbuf,
                 int rcount, MPI_Datatype rtype, int source, int rtag, MPI_Comm comm, MPI_Status *st) {
  COUNTED(F_Sendrecv, bytes_of(scount, stype),
          PMPI_Sendrecv(sbuf, scount, stype, dest, stag, rbuf, rcount, rtype, source, rtag, comm, st));
}
int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *st) {
  COUNTED(F_Probe, 0, PMPI_Probe(source, tag, comm, st));
}
int MPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *st) {
  COUNTED(F_Iprobe, 0, PMPI_Iprobe(source, tag, comm, flag, st));
}
int MPI_Mprobe(int source, int tag, MPI_Comm comm, MPI_Message *msg, MPI_Status *st) {
  COUNTED(F_Mprobe, 0, PMPI_Mprobe(source, tag, comm, msg, st));
}
int MPI_Improbe(int source, int tag, MPI_Comm comm, int *flag, MPI_Message *msg, MPI_Status *st) {
  COUNTED(F_Improbe, 0, PMPI_Improbe(source, tag, comm, flag, msg, st));
}
int MPI_Mrecv(void *buf, int count, MPI_Datatype type, MPI_Message *msg, MPI_Status *st) {
  COUNTED(F_Mrecv, bytes_of(count, type), PMPI_Mrecv(buf, count, type, msg, st));
}
int MPI_Imrecv(void *buf, int count, MPI_Datatype type, MPI_Message *msg, MPI_Request *req) {
  COUNTED(F_Imrecv, bytes_of(count, type), PMPI_Imrecv(buf, count, type, msg, req));
}
int MPI_Wait(MPI_Request *req, MPI_Status *st) { COUNTED(F_Wait, 0, PMPI_Wait(req, st)); }
int MPI_Waitall(int n, MPI_Request reqs[], MPI_Status sts[]) { COUNTED(F_Waitall, 0, PMPI_Waitall(n, reqs, sts)); }
int MPI_Waitany(int n, MPI_Request reqs[], int *index, MPI_Status *st) {
  COUNTED(F_Waitany, 0, PMPI_Waitany(n, reqs, index, st));
}
int MPI_Waitsome(int n, MPI_Request reqs[], int *outcount, int indices[], MPI_Status sts[]) {
  COUNTED(F_Waitsome, 0, PMPI_Waitsome(n, reqs, outcount, indices, sts));
}
int MPI_Test(MPI_Request *req, int *flag, MPI_Status *st) { COUNTED(F_Test, 0, PMPI_Test(req, flag, st)); }
int MPI_Testall(int n, MPI_Request reqs[], int *flag, MPI_Status sts[]) {
  COUNTED(F_Testall, 0, PMPI_Testall(n, reqs, flag, sts));
}

/* ---- collectives: the bytes a rank contributes ---- */

int MPI_Barrier(MPI_Comm comm) { COUNTED(F_Barrier, 0, PMPI_Barrier(comm)); }
int MPI_Bcast(void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm) {
  COUNTED(F_Bcast, bytes_of(count, type), PMPI_Bcast(buf, count, type, root, comm));
}
int MPI_Reduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, int root, MPI_Comm comm) {
  COUNTED(F_Reduce, bytes_of(count, type), PMPI_Reduce(sbuf, rbuf, count, type, op, root, comm));
}
int MPI_Allreduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm) {
  COUNTED(F_Allreduce, bytes_of(count, type), PMPI_Allreduce(sbuf, rbuf, count, type, op, comm));
}
int MPI_Scatter(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                int root, MPI_Comm comm) {
  COUNTED(F_Scatter, bytes_of(rcount, rtype), PMPI_Scatter(sbuf, scount, stype, rbuf, rcount, rtype, root, comm));
}
int MPI_Scatterv(const void *sbuf, const int scounts[], const int displs[], MPI_Datatype stype, void *rbuf,
                 int rcount, MPI_Datatype rtype, int root, MPI_Comm comm) {
  COUNTED(F_Scatterv, bytes_of(rcount, rtype),
          PMPI_Scatterv(sbuf, scounts, displs, stype, rbuf, rcount, rtype, root, comm));
}
int MPI_Gather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
               int root, MPI_Comm comm) {
  COUNTED(F_Gather, bytes_of(scount, stype), PMPI_Gather(sbuf, scount, stype, rbuf, rcount, rtype, root, comm));
}
int MPI_Gatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int rcounts[],
                const int displs[], MPI_Datatype rtype, int root, MPI_Comm comm) {
  COUNTED(F_Gatherv, bytes_of(scount, stype),
          PMPI_Gatherv(sbuf, scount, stype, rbuf, rcounts, displs, rtype, root, comm));
}
int MPI_Allgather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                  MPI_Comm comm) {
  COUNTED(F_Allgather, bytes_of(scount, stype), PMPI_Allgather(sbuf, scount, stype, rbuf, rcount, rtype, comm));
}
int MPI_Allgatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int rcounts[],
                   const int displs[], MPI_Datatype rtype, MPI_Comm comm) {
  COUNTED(F_Allgatherv, bytes_of(scount, stype),
          PMPI_Allgatherv(sbuf, scount, stype, rbuf, rcounts, displs, rtype, comm));
}
int MPI_Alltoall(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype,
                 MPI_Comm comm) {
  COUNTED(F_Alltoall, bytes_of(scount, stype), PMPI_Alltoall(sbuf, scount, stype, rbuf, rcount, rtype, comm));
}
int MPI_Alltoallv(const void *sbuf, const int scounts[], const int sdispls[], MPI_Datatype stype, void *rbuf,
                  const int rcounts[], const int rdispls[], MPI_Datatype rtype, MPI_Comm comm) {
  COUNTED(F_Alltoallv, 0, PMPI_Alltoallv(sbuf, scounts, sdispls, stype, rbuf, rcounts, rdispls, rtype, comm));
}
int MPI_Reduce_scatter_block(const void *sbuf, void *rbuf, int rcount, MPI_Datatype type, MPI_Op op,
                             MPI_Comm comm) {
  COUNTED(F_Reduce_scatter_block, bytes_of(rcount, type), PMPI_Reduce_scatter_block(sbuf, rbuf, rcount, type, op, comm));
}
int MPI_Scan(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm) {
  COUNTED(F_Scan, bytes_of(count, type), PMPI_Scan(sbuf, rbuf, count, type, op, comm));
}
int MPI_Exscan(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm) {
  COUNTED(F_Exscan, bytes_of(count, type), PMPI_Exscan(sbuf, rbuf, count, type, op, comm));
}
int MPI_Ibcast(void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm, MPI_Request *req) {
  COUNTED(F_Ibcast, bytes_of(count, type), PMPI_Ibcast(buf, count, type, root, comm, req));
}
int MPI_Iallreduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm,
                   MPI_Request *req) {
  COUNTED(F_Iallreduce, bytes_of(count, type), PMPI_Iallreduce(sbuf, rbuf, count, type, op, comm, req));
}
int MPI_Ibarrier(MPI_Comm comm, MPI_Request *req) { COUNTED(F_Ibarrier, 0, PMPI_Ibarrier(comm, req)); }
