#include "buffers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *mm_buffer_alloc(size_t bytes) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t rounded = bytes < page ? page : (bytes + page - 1) / page * page;
  void *p = NULL;
  if (rounded < bytes || posix_memalign(&p, page, rounded) != 0) return NULL;
  memset(p, 0, rounded);
  return p;
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
