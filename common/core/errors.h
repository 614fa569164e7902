/* Error codes shared by every mpimark module, from one list (errors.def). */
#ifndef MM_ERRORS_H
#define MM_ERRORS_H

#include <stddef.h>

typedef enum {
#define MM_ERROR(name, code, msg) name,
#include "errors.def"
#undef MM_ERROR
  MM_ERROR_COUNT
} mm_err;

const char *mm_strerror(int err);

/* The process exit code for an error: 0, 1 (runtime) or 2 (usage). */
int mm_exit_code(int err);

/* A message as one line on a terminal: control characters escaped (\n,
 * \t, \xNN: a newline inside an argument), and a run of more than 120
 * characters without a space (a 10,000-character argument, perhaps cut by
 * its buffer) shortened to 100 with an ellipsis, closing the quote it
 * opened. Writes at most n-1 bytes and a NUL into out; returns out. Every
 * error line of mpimark and mpimark-py goes through here. */
char *mm_error_line(char *out, size_t n, const char *in);

#endif
