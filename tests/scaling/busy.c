/* busy SERIAL_MS PARALLEL_MS [FAIL_AT_RANKS]: an MPI program written only
 * for the scaling tests, with a known serial fraction. Rank 0 sleeps
 * SERIAL_MS, then every rank sleeps PARALLEL_MS / size; it prints
 * "busy: ranks=P serial_ms=S parallel_ms=W elapsed X s" with the time it
 * measured (MPI_Wtime, barrier to barrier). With FAIL_AT_RANKS it exits 3
 * when run at that many ranks (a run that fails). */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void sleep_ms(double ms)
{
    struct timespec t = {(time_t)(ms / 1000), (long)((ms - 1000 * (time_t)(ms / 1000)) * 1e6)};
    while (nanosleep(&t, &t) != 0) {
    }
}

int main(int argc, char **argv)
{
    int rank, size;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc < 3) {
        if (rank == 0) fprintf(stderr, "usage: busy SERIAL_MS PARALLEL_MS [FAIL_AT_RANKS]\n");
        MPI_Finalize();
        return 2;
    }
    double serial = atof(argv[1]), parallel = atof(argv[2]);
    if (argc > 3 && atoi(argv[3]) == size) {
        if (rank == 0) fprintf(stderr, "busy: failing at %d ranks, as asked\n", size);
        MPI_Finalize();
        return 3;
    }
    MPI_Barrier(MPI_COMM_WORLD);
    double start = MPI_Wtime();
    if (rank == 0) sleep_ms(serial);
    sleep_ms(parallel / size);
    MPI_Barrier(MPI_COMM_WORLD);
    double elapsed = MPI_Wtime() - start;
    if (rank == 0)
        printf("busy: ranks=%d serial_ms=%g parallel_ms=%g elapsed %.6f s\n", size, serial, parallel, elapsed);
    MPI_Finalize();
    return 0;
}
