/* The node's single-core memory-copy bandwidth: the physical ceiling a
 * transfer's bandwidth is read against (plots draw it as lines). */
#ifndef MM_MEMBW_H
#define MM_MEMBW_H

#include <stddef.h>

#define MM_MEMBW_CACHE_BYTES ((size_t)1 << 20)  /* fits in L2/L3 */
#define MM_MEMBW_DRAM_BYTES ((size_t)64 << 20)  /* far beyond any cache */

/* memcpy bandwidth in MB/s (10^6 bytes/s) for buffers of `bytes`: the
 * median of several timed copies (pages touched first), within about
 * `seconds`. Returns 0 when the buffers cannot be allocated. */
double mm_memcpy_mbs(size_t bytes, double seconds);

#endif
