#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */
#include "buffers.h"

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
