/* Error codes shared by every mpimark module, from one list (errors.def). */
#ifndef MM_ERRORS_H
#define MM_ERRORS_H

typedef enum {
#define MM_ERROR(name, code, msg) name,
#include "errors.def"
#undef MM_ERROR
  MM_ERROR_COUNT
} mm_err;

const char *mm_strerror(int err);

/* The process exit code for an error: 0, 1 (runtime) or 2 (usage). */
int mm_exit_code(int err);

#endif
