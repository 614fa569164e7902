#include "atomic_file.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"

static void folder_of(const char *path, char *out, size_t len) {
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", path);
  snprintf(out, len, "%s", dirname(copy));
}

int mm_atomic_check(const char *path, bool force, char *err, size_t errlen) {
  char dir[4096];
  folder_of(path, dir, sizeof dir);
  if (access(dir, W_OK | X_OK) != 0) {
    snprintf(err, errlen, "cannot write '%s': folder '%s': %s", path, dir, strerror(errno));
    return MM_EOUTPUT;
  }
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) { /* --force or not: a folder is never replaced */
    snprintf(err, errlen, "'%s' is a folder; -o names a results file (.csv or .json)", path);
    return MM_EOUTPUT;
  }
  if (!force && access(path, F_OK) == 0) {
    snprintf(err, errlen, "'%s' exists; mpimark never overwrites results (use --force)", path);
    return MM_EEXIST;
  }
  return MM_OK;
}

int mm_atomic_open(mm_atomic_file *af, const char *path, bool force, char *err, size_t errlen) {
  memset(af, 0, sizeof *af);
  char dir[4096], base[4096], copy[4096];
  folder_of(path, dir, sizeof dir);
  snprintf(copy, sizeof copy, "%s", path);
  snprintf(base, sizeof base, "%s", basename(copy));
  snprintf(af->path, sizeof af->path, "%s", path);
  if (snprintf(af->tmp, sizeof af->tmp, "%s/.%s.tmp-XXXXXX", dir, base) >= (int)sizeof af->tmp) {
    snprintf(err, errlen, "output path too long: '%s'", path);
    return MM_EOUTPUT;
  }
  af->force = force;
  int fd = mkstemp(af->tmp);
  /* mkstemp makes the file private; results are ordinary files (0666 & ~umask). */
  mode_t mask = umask(0);
  umask(mask);
  if (fd >= 0) fchmod(fd, 0666 & ~mask);
  if (fd < 0 || !(af->fp = fdopen(fd, "w"))) {
    snprintf(err, errlen, "cannot create a temporary file in '%s': %s", dir, strerror(errno));
    if (fd >= 0) close(fd), unlink(af->tmp);
    return MM_EOUTPUT;
  }
  return MM_OK;
}

int mm_atomic_commit(mm_atomic_file *af, char *err, size_t errlen) {
  int failed = fflush(af->fp) != 0 || fsync(fileno(af->fp)) != 0 || ferror(af->fp);
  failed |= fclose(af->fp) != 0;
  af->fp = NULL;
  if (failed) {
    snprintf(err, errlen, "cannot write '%s': %s", af->path, strerror(errno));
    unlink(af->tmp);
    return MM_EIO;
  }
  /* link() fails if the destination exists: no race can make us overwrite
   * results that appeared while we ran. rename() replaces, for --force. */
  int rc = af->force ? rename(af->tmp, af->path) : link(af->tmp, af->path);
  if (rc != 0) {
    int e = errno;
    snprintf(err, errlen, "cannot create '%s': %s", af->path, strerror(e));
    unlink(af->tmp);
    return e == EEXIST ? MM_EEXIST : MM_EIO;
  }
  if (!af->force) unlink(af->tmp);
  return MM_OK;
}

void mm_atomic_abort(mm_atomic_file *af) {
  if (af->fp) fclose(af->fp);
  af->fp = NULL;
  unlink(af->tmp);
}

int mm_write_file_atomic(const char *path, bool force, int (*writer)(FILE *fp, const void *arg),
                         const void *arg, char *err, size_t errlen) {
  mm_atomic_file af;
  int rc = mm_atomic_open(&af, path, force, err, errlen);
  if (rc != MM_OK) return rc;
  errno = 0;
  if (writer(af.fp, arg) != 0 || ferror(af.fp)) {
    int e = errno; /* a full disk: ENOSPC, from the stream's last flush */
    mm_atomic_abort(&af);
    snprintf(err, errlen, "cannot write '%s': %s", path, e ? strerror(e) : "write error");
    return MM_EIO;
  }
  return mm_atomic_commit(&af, err, errlen);
}
