/* bare_loops: the reference for bench/overhead. The plainest
 * possible MPI loops, with no mpimark code at all, so that the harness's
 * overhead shows as a ratio against them.
 *
 *   bare_loops pingpong SIZE ITERS   MPI_Send/MPI_Recv ping-pong; prints
 *                                    half the round trip in microseconds
 *   bare_loops window SIZE ITERS W   W MPI_Isend/MPI_Irecv + a 1-byte ack,
 *                                    like osu_bw; prints MB/s (10^6 B/s)
 *
 * Each prints the median of 5 timed loops of ITERS iterations. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double pingpong(int rank, char *sbuf, char *rbuf, int size, long iters) {
  double t0 = MPI_Wtime();
  for (long i = 0; i < iters; i++) {
    if (rank == 0) {
      MPI_Send(sbuf, size, MPI_BYTE, 1, 1, MPI_COMM_WORLD);
      MPI_Recv(rbuf, size, MPI_BYTE, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
      MPI_Recv(rbuf, size, MPI_BYTE, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      MPI_Send(sbuf, size, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
    }
  }
  return (MPI_Wtime() - t0) * 1e6 / (2.0 * (double)iters);
}

static double window(int rank, char *sbuf, char *rbuf, int size, long iters, int w,
                     MPI_Request *reqs) {
  char ack = 0;
  double t0 = MPI_Wtime();
  for (long i = 0; i < iters; i++) {
    if (rank == 0) {
      for (int k = 0; k < w; k++) MPI_Isend(sbuf, size, MPI_BYTE, 1, 1, MPI_COMM_WORLD, &reqs[k]);
      MPI_Waitall(w, reqs, MPI_STATUSES_IGNORE);
      MPI_Recv(&ack, 1, MPI_BYTE, 1, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else if (rank == 1) {
      for (int k = 0; k < w; k++) MPI_Irecv(rbuf, size, MPI_BYTE, 0, 1, MPI_COMM_WORLD, &reqs[k]);
      MPI_Waitall(w, reqs, MPI_STATUSES_IGNORE);
      MPI_Send(&ack, 1, MPI_BYTE, 0, 2, MPI_COMM_WORLD);
    }
  }
  double t = MPI_Wtime() - t0;
  return (double)size * w * (double)iters / t / 1e6;
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (argc < 4 || (strcmp(argv[1], "pingpong") && strcmp(argv[1], "window")) ||
      (!strcmp(argv[1], "window") && argc < 5)) {
    if (rank == 0) fprintf(stderr, "usage: bare_loops pingpong|window SIZE ITERS [WINDOW]\n");
    MPI_Finalize();
    return 2;
  }
  int size = atoi(argv[2]), w = argc > 4 ? atoi(argv[4]) : 1;
  long iters = atol(argv[3]);
  char *sbuf = malloc((size_t)size + 1), *rbuf = malloc((size_t)size + 1);
  /* Touch both buffers as mpimark does: an untouched calloc'ed buffer maps
   * the shared zero page, and sending from it never reads real memory. */
  memset(sbuf, 1, (size_t)size + 1);
  memset(rbuf, 0, (size_t)size + 1);
  MPI_Request *reqs = calloc((size_t)w, sizeof *reqs);
  int ping = !strcmp(argv[1], "pingpong");
  double v[5];
  for (int rep = -1; rep < 5; rep++) { /* rep -1 warms up */
    MPI_Barrier(MPI_COMM_WORLD);
    double x = ping ? pingpong(rank, sbuf, rbuf, size, iters)
                    : window(rank, sbuf, rbuf, size, iters, w, reqs);
    if (rep >= 0) v[rep] = x;
  }
  qsort(v, 5, sizeof v[0], cmp);
  if (rank == 0) printf("%.6g\n", v[2]);
  free(sbuf);
  free(rbuf);
  free(reqs);
  MPI_Finalize();
  return 0;
}
