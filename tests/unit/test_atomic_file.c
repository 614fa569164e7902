/* Atomic results files: never a partial file, never an overwrite. */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "errors.h"
#include "unit.h"

static int count_entries(const char *dir) {
  int n = 0;
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.' || e->d_name[1] > '.';
  if (d) closedir(d);
  return n;
}

static void slurp(const char *path, char *buf, size_t len) {
  FILE *fp = fopen(path, "r");
  size_t n = fp ? fread(buf, 1, len - 1, fp) : 0;
  buf[n] = '\0';
  if (fp) fclose(fp);
}

static int write_text(FILE *fp, const void *arg) { return fputs(arg, fp) < 0 ? -1 : 0; }
static int write_fails(FILE *fp, const void *arg) {
  fputs(arg, fp);
  return -1;
}

int main(void) {
  char dir[] = "/tmp/mpimark-atomic-XXXXXX", path[256], err[512], text[64];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/r.csv", dir);
  mm_atomic_file af;

  CHECK(mm_atomic_check(path, false, err, sizeof err) == MM_OK);
  CHECK(mm_atomic_open(&af, path, false, err, sizeof err) == MM_OK);
  fputs("first\n", af.fp);
  CHECK(access(path, F_OK) != 0); /* nothing at the destination until commit */
  CHECK(mm_atomic_commit(&af, err, sizeof err) == MM_OK);
  slurp(path, text, sizeof text);
  CHECK_STR(text, "first\n");
  CHECK(count_entries(dir) == 1); /* the temporary is gone */

  CHECK(mm_atomic_check(path, false, err, sizeof err) == MM_EEXIST);
  CHECK(strstr(err, "never overwrites") != NULL);
  /* Even if the file appears after the check, commit refuses to replace it. */
  CHECK(mm_atomic_open(&af, path, false, err, sizeof err) == MM_OK);
  fputs("second\n", af.fp);
  CHECK(mm_atomic_commit(&af, err, sizeof err) == MM_EEXIST);
  slurp(path, text, sizeof text);
  CHECK_STR(text, "first\n");
  CHECK(count_entries(dir) == 1);

  /* An aborted write leaves nothing behind. */
  CHECK(mm_atomic_open(&af, path, true, err, sizeof err) == MM_OK);
  fputs("half", af.fp);
  mm_atomic_abort(&af);
  slurp(path, text, sizeof text);
  CHECK_STR(text, "first\n");
  CHECK(count_entries(dir) == 1);

  /* --force replaces, still atomically. */
  CHECK(mm_atomic_check(path, true, err, sizeof err) == MM_OK);
  CHECK(mm_atomic_open(&af, path, true, err, sizeof err) == MM_OK);
  fputs("third\n", af.fp);
  CHECK(mm_atomic_commit(&af, err, sizeof err) == MM_OK);
  slurp(path, text, sizeof text);
  CHECK_STR(text, "third\n");
  struct stat st;
  CHECK(stat(path, &st) == 0 && (st.st_mode & 0044) != 0); /* readable by others, not 0600 */

  /* The one-call form: a failed writer leaves the destination as it was. */
  CHECK(mm_write_file_atomic(path, true, write_fails, "half", err, sizeof err) == MM_EIO);
  CHECK(strstr(err, "cannot write") != NULL);
  CHECK(mm_write_file_atomic(path, false, write_text, "fourth\n", err, sizeof err) == MM_EEXIST);
  slurp(path, text, sizeof text);
  CHECK_STR(text, "third\n");
  CHECK(count_entries(dir) == 1);
  CHECK(mm_write_file_atomic(path, true, write_text, "fifth\n", err, sizeof err) == MM_OK);
  slurp(path, text, sizeof text);
  CHECK_STR(text, "fifth\n");

  CHECK(mm_atomic_check("/nonexistent-dir/r.csv", false, err, sizeof err) == MM_EOUTPUT);
  CHECK(strstr(err, "/nonexistent-dir") != NULL);

  unlink(path);
  rmdir(dir);
  return unit_report("test_atomic_file");
}
