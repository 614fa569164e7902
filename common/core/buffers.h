/* Message buffers and the patterns that validation checks. */
#ifndef MM_BUFFERS_H
#define MM_BUFFERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A page-aligned buffer of at least `bytes` bytes (at least one page), with
 * every page touched so that first-touch page faults stay out of timing.
 * huge: aligned to 2 MiB and madvise()d for transparent huge pages, as NumPy
 * does with arrays of 4 MiB and more (with THP in "madvise" mode, only such
 * memory gets huge pages; large transfers then run several times faster).
 * NULL when memory runs out. */
void *mm_buffer_alloc(size_t bytes, bool huge);

/* The machine's transparent huge page mode (always, madvise or never, from
 * /sys/kernel/mm/transparent_hugepage/enabled), or "unknown". */
const char *mm_thp_mode(char *buf, size_t len);
void mm_buffer_free(void *buf);

/* Memory this node can still give without swapping (MemAvailable), in
 * bytes; 0 when unknown. */
size_t mm_memory_available(void);

/* The byte at offset i of the pattern with the given seed. Seeds tell ranks
 * (and scatter segments) apart; the pattern does not repeat with period 256,
 * so a shifted or truncated message does not pass. */
static inline uint8_t mm_pattern_byte(size_t i, unsigned seed) {
  uint32_t x = (uint32_t)i * 2654435761u + (uint32_t)seed * 40503u + 0x9e37u;
  return (uint8_t)(x >> 13 ^ x >> 24);
}

/* A small whole number (1..13) for float64 element i: sums over up to 2^40
 * ranks stay exact, so reductions are checked with ==. */
static inline double mm_pattern_double(size_t i, unsigned seed) {
  return (double)(((uint64_t)i * 7u + (uint64_t)seed * 3u) % 13u + 1u);
}

void mm_pattern_fill(void *buf, size_t n, unsigned seed);
void mm_pattern_fill_doubles(double *v, size_t n, unsigned seed);

/* Index of the first byte that differs from the pattern, or SIZE_MAX. */
size_t mm_pattern_check(const void *buf, size_t n, unsigned seed);

#endif
