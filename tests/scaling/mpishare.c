/* mpishare ROUNDS WORK_MS: an MPI program written only for the --mpi-time
 * tests, with a known share of its time in MPI. In each of ROUNDS rounds
 * every rank works (sleeps) WORK_MS, then each rank in turn works WORK_MS
 * more while the others wait for it in MPI_Barrier. A rank thus works
 * 2 WORK_MS and waits (P - 1) WORK_MS a round: its share of time in MPI is
 * (P - 1) / (P + 1), which it prints as
 * "mpishare: ranks=P expected_mpi_fraction=F". */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void work_ms(double ms) {
  struct timespec t = {(time_t)(ms / 1000), (long)((ms - 1000 * (time_t)(ms / 1000)) * 1e6)};
  while (nanosleep(&t, &t) != 0) {
  }
}

int main(int argc, char **argv) {
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc != 3 || atoi(argv[1]) < 1 || atof(argv[2]) <= 0) {
    if (rank == 0) fprintf(stderr, "usage: mpishare ROUNDS WORK_MS\n");
    MPI_Finalize();
    return 2;
  }
  int rounds = atoi(argv[1]);
  double ms = atof(argv[2]);
  for (int r = 0; r < rounds; r++) {
    work_ms(ms);
    for (int turn = 0; turn < size; turn++) {
      if (turn == rank) work_ms(ms);
      MPI_Barrier(MPI_COMM_WORLD);
    }
  }
  if (rank == 0) printf("mpishare: ranks=%d expected_mpi_fraction=%.4f\n", size, (size - 1.0) / (size + 1.0));
  MPI_Finalize();
  return 0;
}
