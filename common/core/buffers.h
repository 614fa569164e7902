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

/* The memory bound per rank (-M): the default shares this part of a
 * node's available memory among its ranks, leaving the rest to the MPI
 * library, the system and other jobs. */
#define MM_MEMORY_AUTO_SHARE 0.75
double mm_memory_auto(double available, int ranks_on_node);
extern const char *const mm_memory_auto_text; /* #@memory_bound of the default */

/* -M's value: "auto" (*bytes = 0) or a whole number of bytes with an
 * optional binary suffix K, M, G or T, more than 0. Returns 0, or -1 with
 * the one line for the user in err. */
int mm_memory_parse(const char *text, double *bytes, char *err, size_t errlen);

/* Whether a cell of `bytes`-byte messages fits the bound, with the
 * buffers sized so far for the cells that fit (*sbuf, *rbuf: bytes of the
 * one send and one receive buffer, grown here when it fits). The busiest
 * rank counts: a root that sends (sends_all, scatter) or receives
 * (recvs_all, gather) one message per rank holds nranks of them. A
 * pickled path also holds the payload objects and their pickles, about
 * twice its messages again. An estimate (docs/method.md, "Memory"). */
bool mm_memory_fits(double bound, size_t bytes, int nranks, bool sends_all, bool recvs_all,
                    bool pickles, size_t *sbuf, size_t *rbuf);

/* The byte at offset i of the pattern with the given seed. Seeds tell ranks
 * (and scatter segments) apart; the pattern does not repeat with period 256,
 * so a shifted or truncated message does not pass. */
static inline uint8_t mm_pattern_byte(size_t i, unsigned seed) {
  uint32_t x = (uint32_t)i * 2654435761u + (uint32_t)seed * 40503u + 0x9e37u;
  return (uint8_t)(x >> 13 ^ x >> 24);
}

/* A whole number below 2^20 for float64 element i, of every path and
 * both runners: sums over up to 2^33 ranks stay exact, so reductions are
 * checked with ==, and a shifted or truncated list does not pass. */
static inline double mm_pattern_double(size_t i, unsigned seed) {
  return (double)(((uint64_t)i * 2654435761u + (uint64_t)seed * 40503u) % 1000003u);
}

void mm_pattern_fill(void *buf, size_t n, unsigned seed);
void mm_pattern_fill_doubles(double *v, size_t n, unsigned seed);

/* Index of the first byte that differs from the pattern, or SIZE_MAX. */
size_t mm_pattern_check(const void *buf, size_t n, unsigned seed);

#endif
