/* Message-size lists: "-m 1:4M" (powers of two) or "-m 8,1K,64K". */
#ifndef MM_SIZES_H
#define MM_SIZES_H

#include <stddef.h>

/* The largest message: MPI counts are C ints. */
#define MM_SIZE_MAX ((size_t)2147483647)
#define MM_SIZES_MAX_COUNT 256
/* Both as values, for the Python side (ctypes cannot read a #define). */
extern const size_t mm_size_max, mm_sizes_max_count;

typedef struct mm_sizes {
  size_t n;
  size_t v[MM_SIZES_MAX_COUNT];
} mm_sizes;

/* One size: a decimal number with an optional binary suffix K, M or G
 * (KiB, MiB, GiB; case-insensitive, an optional trailing B or iB).
 * Returns 0, or -1 with a message in err. */
int mm_size_parse(const char *text, size_t *out, char *err, size_t errlen);

/* MIN:MAX gives MIN, then powers of two up to MAX (MIN=0 gives 0, 1, 2, ...);
 * a comma-separated list gives exactly those sizes, without repeats.
 * Returns 0, or -1 with a message in err naming the bad part. */
int mm_sizes_parse(const char *text, mm_sizes *out, char *err, size_t errlen);

/* The largest size in the list (0 for an empty list). */
size_t mm_sizes_max(const mm_sizes *s);

/* An amount of memory: "10 B", "3.00 MiB", "9.25 GiB". */
const char *mm_bytes_human(double bytes, char *buf, size_t len);

/* "4 MiB", "1 KiB", "17 B": human form for messages. */
const char *mm_size_human(size_t bytes, char *buf, size_t len);

#endif
