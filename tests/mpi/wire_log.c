/* A PMPI interposer for the wire tests (tests/mpi/wire.sh), loaded with
 * LD_PRELOAD into mpimark or into the mpi4py runner: one line per
 * point-to-point or bcast call, "CALL COUNT TYPE-SIZE TAG" (bcast: tag -1,
 * probe: count and size 0), appended to $MPIMARK_WIRE_LOG.<rank>. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static FILE *out;

static void note(const char *call, int count, MPI_Datatype type, int tag) {
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
  fprintf(out, "%s %d %d %d\n", call, count, size, tag);
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

int MPI_Finalize(void) {
  if (out) fclose(out);
  out = NULL;
  return PMPI_Finalize();
}
