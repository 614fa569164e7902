/* Results files are written atomically: to a temporary file in the same
 * folder, flushed to disk, then linked into place. A killed run leaves at
 * most a hidden temporary, never a half-written results file, and an
 * existing file is never replaced unless the user says --force. */
#ifndef MM_ATOMIC_FILE_H
#define MM_ATOMIC_FILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct mm_atomic_file {
  FILE *fp;
  char path[4096];
  char tmp[4096];
  bool force;
} mm_atomic_file;

/* Checks, before any work is done, that path can be written: its folder
 * exists and is writable, and the file does not exist (unless force).
 * Returns MM_OK, MM_EEXIST or MM_EOUTPUT with a message in err. */
int mm_atomic_check(const char *path, bool force, char *err, size_t errlen);

/* Opens the temporary file. Returns MM_OK or an error with a message. */
int mm_atomic_open(mm_atomic_file *af, const char *path, bool force, char *err, size_t errlen);

/* Flushes, syncs and moves the temporary into place. On any failure the
 * temporary is removed and the destination is left as it was. */
int mm_atomic_commit(mm_atomic_file *af, char *err, size_t errlen);

/* Removes the temporary without touching the destination. */
void mm_atomic_abort(mm_atomic_file *af);

/* The whole sequence in one call, so that every program writes its results
 * the same way: open, writer(fp, arg) (0 or -1), commit; on a failed write
 * the temporary is removed. Returns MM_OK or an error with a message. */
int mm_write_file_atomic(const char *path, bool force, int (*writer)(FILE *fp, const void *arg),
                         const void *arg, char *err, size_t errlen);

#endif
