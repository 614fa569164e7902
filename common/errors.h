/* Error codes shared by every mpimark module, from one list. */
#ifndef MM_ERRORS_H
#define MM_ERRORS_H

/* X(name, exit code, message). Exit codes: 1 runtime failure, 2 usage. */
#define MM_ERROR_LIST(X)                                           \
  X(MM_OK, 0, "success")                                           \
  X(MM_EUSAGE, 2, "usage error")                                   \
  X(MM_ETOOBIG, 2, "size too large to allocate")                   \
  X(MM_EEXIST, 2, "output file exists (use --force to replace it)") \
  X(MM_EOUTPUT, 2, "cannot write output file")                     \
  X(MM_ENOMEM, 1, "out of memory")                                 \
  X(MM_EIO, 1, "I/O error")                                        \
  X(MM_EMPI, 1, "MPI error")                                       \
  X(MM_EVALIDATE, 1, "validation failed")                          \
  X(MM_EDECODE, 1, "cannot decode received object")

typedef enum {
#define MM_ERROR_ENUM(name, code, msg) name,
  MM_ERROR_LIST(MM_ERROR_ENUM)
#undef MM_ERROR_ENUM
  MM_ERROR_COUNT
} mm_err;

const char *mm_strerror(int err);

/* The process exit code for an error: 0, 1 (runtime) or 2 (usage). */
int mm_exit_code(int err);

#endif
