/* MPI error handling: check every call, agree on errors across ranks, and
 * never leave a rank waiting. */
#ifndef MM_MPI_UTIL_H
#define MM_MPI_UTIL_H

#include <mpi.h>

/* Checks an MPI return code; on failure prints MPI_Error_string with the
 * call and place, then MPI_Abort()s the job so that no rank waits forever. */
#define MM_MPI(call) mm_mpi_check((call), #call, __FILE__, __LINE__)
void mm_mpi_check(int rc, const char *what, const char *file, int line);

/* Every rank passes its local error code (MM_OK if none); every rank gets
 * the largest, so all take the same branch afterwards. */
int mm_mpi_agree(MPI_Comm comm, int local_err);

/* How many ranks of comm run on this node (MPI_COMM_TYPE_SHARED); collective. */
int mm_mpi_node_ranks(MPI_Comm comm);

/* Whether mpi4py's generation makes the large-count calls (MPI_Send_c, ...):
 * 4.x on an MPI-4 library. */
int mm_mpi_large_count_calls(int generation);

/* Prints "PROGRAM: rank R: message" on stderr (PROGRAM: the binary's own
 * name) and aborts the job. */
void mm_mpi_die(MPI_Comm comm, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#endif
