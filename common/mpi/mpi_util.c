/* program_invocation_short_name: each program names itself in its errors
 * (mpimark, montecarlo_pi), with no global to set. */
#define _GNU_SOURCE
#include "mpi_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"

void mm_mpi_check(int rc, const char *what, const char *file, int line) {
  if (rc == MPI_SUCCESS) return;
  char msg[MPI_MAX_ERROR_STRING];
  int len = 0, rank = -1;
  MPI_Error_string(rc, msg, &len);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  fprintf(stderr, "%s: rank %d: %s failed (%s:%d): %s\n", program_invocation_short_name, rank, what,
          file, line, msg);
  MPI_Abort(MPI_COMM_WORLD, 1);
  exit(1);
}

int mm_mpi_agree(MPI_Comm comm, int local_err) {
  int all = local_err;
  MM_MPI(MPI_Allreduce(&local_err, &all, 1, MPI_INT, MPI_MAX, comm));
  return all;
}

int mm_mpi_node_ranks(MPI_Comm comm) {
  MPI_Comm node;
  int local;
  MM_MPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  MM_MPI(MPI_Comm_size(node, &local));
  MPI_Comm_free(&node);
  return local;
}

void mm_mpi_die(MPI_Comm comm, int err, const char *fmt, ...) {
  int rank = -1;
  MPI_Comm_rank(comm, &rank);
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: rank %d: ", program_invocation_short_name, rank);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  MPI_Abort(comm, mm_exit_code(err));
  exit(mm_exit_code(err));
}

int mm_mpi_large_count_calls(int generation) {
#if MPI_VERSION >= 4
  return generation >= 4;
#else
  (void)generation;
  return 0;
#endif
}
