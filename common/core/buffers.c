#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#include "buffers.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_PAGE ((size_t)2 << 20)

void *mm_buffer_alloc(size_t bytes, bool huge) {
  size_t page = huge ? HUGE_PAGE : (size_t)sysconf(_SC_PAGESIZE);
  size_t rounded = bytes < page ? page : (bytes + page - 1) / page * page;
  void *p = NULL;
  if (rounded < bytes || posix_memalign(&p, page, rounded) != 0) return NULL;
  if (huge) madvise(p, rounded, MADV_HUGEPAGE); /* a hint: no huge pages is no error */
  memset(p, 0, rounded);
  return p;
}

const char *mm_thp_mode(char *buf, size_t len) {
  FILE *fp = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  char line[128] = "";
  snprintf(buf, len, "unknown");
  if (fp && fgets(line, sizeof line, fp)) { /* "always [madvise] never" */
    char *open = strchr(line, '['), *close = open ? strchr(open, ']') : NULL;
    if (close) snprintf(buf, len, "%.*s", (int)(close - open - 1), open + 1);
  }
  if (fp) fclose(fp);
  return buf;
}

void mm_buffer_free(void *buf) { free(buf); }

size_t mm_memory_available(void) {
  FILE *fp = fopen("/proc/meminfo", "r");
  char line[256];
  unsigned long long kib = 0;
  while (fp && fgets(line, sizeof line, fp))
    if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1) break;
  if (fp) fclose(fp);
  return (size_t)kib * 1024;
}

const char *const mm_memory_auto_text =
    "auto: 3/4 of the node's available memory (MemAvailable) shared by its ranks; the least "
    "over the nodes";

double mm_memory_auto(double available, int ranks_on_node) {
  return MM_MEMORY_AUTO_SHARE * available / (ranks_on_node > 0 ? ranks_on_node : 1);
}

int mm_memory_parse(const char *text, double *bytes, char *err, size_t errlen) {
  if (!strcmp(text, "auto")) return *bytes = 0, 0;
  char *end;
  errno = 0;
  unsigned long long v = isdigit((unsigned char)*text) ? strtoull(text, &end, 10) : 0;
  static const char suffixes[] = "KMGT";
  const char *at = *text && isdigit((unsigned char)*text) ? strchr(suffixes, *end) : NULL;
  double scale = at && *end ? (double)(1ULL << (10 * (at - suffixes + 1))) : 1.0;
  bool ok = isdigit((unsigned char)*text) && !errno && v > 0 &&
            (*end == '\0' || (at && *end && end[1] == '\0'));
  if (!ok || (double)v * scale > 1e18) {
    snprintf(err, errlen, "bad --memory '%s': expected auto or bytes per rank such as 512M or 4G",
             text);
    return -1;
  }
  *bytes = (double)v * scale;
  return 0;
}

bool mm_memory_fits(double bound, size_t bytes, int nranks, bool sends_all, bool recvs_all,
                    bool pickles, size_t *sbuf, size_t *rbuf) {
  double p = nranks > 0 ? (double)nranks : 1.0, b = (double)bytes;
  double s = sends_all ? p * b : b, r = recvs_all ? p * b : b;
  double sb = s > (double)*sbuf ? s : (double)*sbuf, rb = r > (double)*rbuf ? r : (double)*rbuf;
  double need = sb + rb + (pickles ? 2.0 * (s + r) : 0.0);
  if (need > bound) return false;
  *sbuf = (size_t)sb;
  *rbuf = (size_t)rb;
  return true;
}

void mm_pattern_fill(void *buf, size_t n, unsigned seed) {
  uint8_t *b = buf;
  for (size_t i = 0; i < n; i++) b[i] = mm_pattern_byte(i, seed);
}

void mm_pattern_fill_doubles(double *v, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; i++) v[i] = mm_pattern_double(i, seed);
}

size_t mm_pattern_check(const void *buf, size_t n, unsigned seed) {
  const uint8_t *b = buf;
  for (size_t i = 0; i < n; i++)
    if (b[i] != mm_pattern_byte(i, seed)) return i;
  return SIZE_MAX;
}
