/* A PMPI interposer for the wire tests (tests/mpi/wire.sh,
 * tests/compare/wire_mpich.sh), loaded with LD_PRELOAD into mpimark or into
 * the mpi4py runner: one line per point-to-point (blocking or not, sendrecv
 * by what it sends, probes
 * and matched receives included), bcast, scatterv, gatherv, allgatherv or
 * alltoallv call, "CALL COUNT TYPE-SIZE TAG" (collectives: tag -1, the
 * receive count of scatterv, the send count of gatherv and allgatherv, one
 * line per send count of alltoallv; probe: count and size 0; a matched
 * receive: tag -2), appended to $MPIMARK_WIRE_LOG.<rank>. With an MPI-4
 * library it also records the large-count calls (MPI_Send_c, ...), which
 * mpi4py 4.x makes there. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static FILE *out;

static void note(const char *call, long long count, MPI_Datatype type, int tag) {
  if (!out) {
    const char *base = getenv("MPIMARK_WIRE_LOG");
    int rank = 0;
    char name[4096];
    if (!base) return;
    PMPI_Comm_rank(MPI_COMM_WORLD, &rank);
    snprintf(name, sizeof name, "%s.%d", base, rank);
    if (!(out = fopen(name, "w"))) return;
  }
  int size = 0;
  if (type != MPI_DATATYPE_NULL) PMPI_Type_size(type, &size);
  fprintf(out, "%s %lld %d %d\n", call, count, size, tag);
}

int MPI_Send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm) {
  note("Send", count, type, tag);
  return PMPI_Send(buf, count, type, dest, tag, comm);
}

int MPI_Recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
             MPI_Status *status) {
  note("Recv", count, type, tag);
  return PMPI_Recv(buf, count, type, source, tag, comm, status);
}

int MPI_Sendrecv(const void *sbuf, int scount, MPI_Datatype stype, int dest, int stag, void *rbuf,
                 int rcount, MPI_Datatype rtype, int source, int rtag, MPI_Comm comm,
                 MPI_Status *status) {
  note("Sendrecv", scount, stype, stag);
  return PMPI_Sendrecv(sbuf, scount, stype, dest, stag, rbuf, rcount, rtype, source, rtag, comm,
                       status);
}

int MPI_Isend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
              MPI_Request *req) {
  note("Isend", count, type, tag);
  return PMPI_Isend(buf, count, type, dest, tag, comm, req);
}
int MPI_Irecv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
              MPI_Request *req) {
  note("Irecv", count, type, tag);
  return PMPI_Irecv(buf, count, type, source, tag, comm, req);
}
int MPI_Mrecv(void *buf, int count, MPI_Datatype type, MPI_Message *msg, MPI_Status *status) {
  note("Mrecv", count, type, -2); /* -2: the tag is the probed message's */
  return PMPI_Mrecv(buf, count, type, msg, status);
}
int MPI_Imrecv(void *buf, int count, MPI_Datatype type, MPI_Message *msg, MPI_Request *req) {
  note("Imrecv", count, type, -2);
  return PMPI_Imrecv(buf, count, type, msg, req);
}
int MPI_Improbe(int source, int tag, MPI_Comm comm, int *flag, MPI_Message *msg,
                MPI_Status *status) {
  int rc = PMPI_Improbe(source, tag, comm, flag, msg, status);
  if (*flag) note("Improbe", 0, MPI_DATATYPE_NULL, tag); /* only the probes that found one */
  return rc;
}
int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status) {
  note("Probe", 0, MPI_DATATYPE_NULL, tag);
  return PMPI_Probe(source, tag, comm, status);
}

int MPI_Mprobe(int source, int tag, MPI_Comm comm, MPI_Message *msg, MPI_Status *status) {
  note("Mprobe", 0, MPI_DATATYPE_NULL, tag);
  return PMPI_Mprobe(source, tag, comm, msg, status);
}

int MPI_Bcast(void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm) {
  note("Bcast", count, type, -1);
  return PMPI_Bcast(buf, count, type, root, comm);
}

int MPI_Scatterv(const void *sbuf, const int counts[], const int displs[], MPI_Datatype stype,
                 void *rbuf, int rcount, MPI_Datatype rtype, int root, MPI_Comm comm) {
  note("Scatterv", rcount, rtype, -1);
  return PMPI_Scatterv(sbuf, counts, displs, stype, rbuf, rcount, rtype, root, comm);
}

int MPI_Gatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int counts[],
                const int displs[], MPI_Datatype rtype, int root, MPI_Comm comm) {
  note("Gatherv", scount, stype, -1);
  return PMPI_Gatherv(sbuf, scount, stype, rbuf, counts, displs, rtype, root, comm);
}

int MPI_Allgatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int counts[],
                   const int displs[], MPI_Datatype rtype, MPI_Comm comm) {
  note("Allgatherv", scount, stype, -1);
  return PMPI_Allgatherv(sbuf, scount, stype, rbuf, counts, displs, rtype, comm);
}

/* One line per destination's count. */
int MPI_Alltoallv(const void *sbuf, const int scounts[], const int sdispls[], MPI_Datatype stype,
                  void *rbuf, const int rcounts[], const int rdispls[], MPI_Datatype rtype,
                  MPI_Comm comm) {
  int n = 0;
  PMPI_Comm_size(comm, &n);
  for (int i = 0; i < n; i++) note("Alltoallv", scounts[i], stype, -1);
  return PMPI_Alltoallv(sbuf, scounts, sdispls, stype, rbuf, rcounts, rdispls, rtype, comm);
}

#if MPI_VERSION >= 4
int MPI_Send_c(const void *buf, MPI_Count count, MPI_Datatype type, int dest, int tag,
               MPI_Comm comm) {
  note("Send_c", count, type, tag);
  return PMPI_Send_c(buf, count, type, dest, tag, comm);
}

int MPI_Isend_c(const void *buf, MPI_Count count, MPI_Datatype type, int dest, int tag,
                MPI_Comm comm, MPI_Request *req) {
  note("Isend_c", count, type, tag);
  return PMPI_Isend_c(buf, count, type, dest, tag, comm, req);
}
int MPI_Irecv_c(void *buf, MPI_Count count, MPI_Datatype type, int source, int tag,
                MPI_Comm comm, MPI_Request *req) {
  note("Irecv_c", count, type, tag);
  return PMPI_Irecv_c(buf, count, type, source, tag, comm, req);
}
int MPI_Mrecv_c(void *buf, MPI_Count count, MPI_Datatype type, MPI_Message *msg,
                MPI_Status *status) {
  note("Mrecv_c", count, type, -2);
  return PMPI_Mrecv_c(buf, count, type, msg, status);
}
int MPI_Imrecv_c(void *buf, MPI_Count count, MPI_Datatype type, MPI_Message *msg,
                 MPI_Request *req) {
  note("Imrecv_c", count, type, -2);
  return PMPI_Imrecv_c(buf, count, type, msg, req);
}
int MPI_Bcast_c(void *buf, MPI_Count count, MPI_Datatype type, int root, MPI_Comm comm) {
  note("Bcast_c", count, type, -1);
  return PMPI_Bcast_c(buf, count, type, root, comm);
}

int MPI_Scatterv_c(const void *sbuf, const MPI_Count counts[], const MPI_Aint displs[],
                   MPI_Datatype stype, void *rbuf, MPI_Count rcount, MPI_Datatype rtype, int root,
                   MPI_Comm comm) {
  note("Scatterv_c", rcount, rtype, -1);
  return PMPI_Scatterv_c(sbuf, counts, displs, stype, rbuf, rcount, rtype, root, comm);
}

int MPI_Gatherv_c(const void *sbuf, MPI_Count scount, MPI_Datatype stype, void *rbuf,
                  const MPI_Count counts[], const MPI_Aint displs[], MPI_Datatype rtype, int root,
                  MPI_Comm comm) {
  note("Gatherv_c", scount, stype, -1);
  return PMPI_Gatherv_c(sbuf, scount, stype, rbuf, counts, displs, rtype, root, comm);
}

int MPI_Sendrecv_c(const void *sbuf, MPI_Count scount, MPI_Datatype stype, int dest, int stag,
                   void *rbuf, MPI_Count rcount, MPI_Datatype rtype, int source, int rtag,
                   MPI_Comm comm, MPI_Status *status) {
  note("Sendrecv_c", scount, stype, stag);
  return PMPI_Sendrecv_c(sbuf, scount, stype, dest, stag, rbuf, rcount, rtype, source, rtag, comm,
                         status);
}

int MPI_Allgatherv_c(const void *sbuf, MPI_Count scount, MPI_Datatype stype, void *rbuf,
                     const MPI_Count counts[], const MPI_Aint displs[], MPI_Datatype rtype,
                     MPI_Comm comm) {
  note("Allgatherv_c", scount, stype, -1);
  return PMPI_Allgatherv_c(sbuf, scount, stype, rbuf, counts, displs, rtype, comm);
}

int MPI_Alltoallv_c(const void *sbuf, const MPI_Count scounts[], const MPI_Aint sdispls[],
                    MPI_Datatype stype, void *rbuf, const MPI_Count rcounts[],
                    const MPI_Aint rdispls[], MPI_Datatype rtype, MPI_Comm comm) {
  int n = 0;
  PMPI_Comm_size(comm, &n);
  for (int i = 0; i < n; i++) note("Alltoallv_c", scounts[i], stype, -1);
  return PMPI_Alltoallv_c(sbuf, scounts, sdispls, stype, rbuf, rcounts, rdispls, rtype, comm);
}
#endif

int MPI_Finalize(void) {
  if (out) fclose(out);
  out = NULL;
  return PMPI_Finalize();
}
