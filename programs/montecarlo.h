/* The Monte Carlo pi kernel: Philox4x32-10 random numbers and the hit count.
 *
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
 * 3", SC'11; the generator of Random123, cuRAND and numpy's Philox) is
 * counter-based: output = philox(counter, key), with no state carried from
 * one number to the next. So any sample can be drawn directly ("jump
 * ahead" costs nothing) and the streams of different ranks never overlap.
 *
 * Sample i of the whole run (i = 0, 1, ..., samples - 1) is the point
 * (x, y) of the unit square with 32-bit coordinates taken from counter
 * {i / 2 (low word), i / 2 (high word), 0, 0} and key {seed low, seed high}:
 * words 0 and 1 of the output for even i, words 2 and 3 for odd i. A rank
 * draws the samples of its own counter range [start, start + n), so the
 * hit count of a run depends only on the seed and the samples drawn, never
 * on how many ranks drew them. The point (X, Y) hits when
 * X^2 + Y^2 < 2^64, i.e. (X/2^32)^2 + (Y/2^32)^2 < 1, tested exactly in
 * 64-bit integers (the sum fits unless it carries out).
 *
 * Header-only (static inline) so that the program and the tests share one
 * implementation. No MPI, no allocation. */
#ifndef MM_MONTECARLO_H
#define MM_MONTECARLO_H

#include <stdint.h>

#define MM_PHILOX_M0 0xD2511F53u
#define MM_PHILOX_M1 0xCD9E8D57u
#define MM_PHILOX_W0 0x9E3779B9u /* golden ratio */
#define MM_PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */
#define MM_PHILOX_ROUNDS 10

/* Philox4x32-10 of counter c with key (k0, k1), in place. */
static inline void mm_philox4x32(uint32_t c[4], uint32_t k0, uint32_t k1) {
  for (int r = 0; r < MM_PHILOX_ROUNDS; r++) {
    uint64_t p0 = (uint64_t)MM_PHILOX_M0 * c[0], p1 = (uint64_t)MM_PHILOX_M1 * c[2];
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c[1] ^ k0, n1 = (uint32_t)p1;
    uint32_t n2 = (uint32_t)(p0 >> 32) ^ c[3] ^ k1, n3 = (uint32_t)p0;
    c[0] = n0, c[1] = n1, c[2] = n2, c[3] = n3;
    k0 += MM_PHILOX_W0, k1 += MM_PHILOX_W1;
  }
}

/* 1 when the point (x, y) / 2^32 lies inside the quarter circle. */
static inline uint64_t mm_mc_hit(uint32_t x, uint32_t y) {
  uint64_t a = (uint64_t)x * x, b = (uint64_t)y * y;
  return a + b >= a; /* no carry: x^2 + y^2 < 2^64 */
}

/* Hits among the samples whose both points come from counter c: bit 0 of
 * `which` selects the even sample, bit 1 the odd one. */
static inline uint64_t mm_mc_block(uint64_t c, uint64_t seed, unsigned which) {
  uint32_t v[4] = {(uint32_t)c, (uint32_t)(c >> 32), 0, 0};
  mm_philox4x32(v, (uint32_t)seed, (uint32_t)(seed >> 32));
  return ((which & 1u) ? mm_mc_hit(v[0], v[1]) : 0) + ((which & 2u) ? mm_mc_hit(v[2], v[3]) : 0);
}

/* Counters per step of the hot loop: the rounds run over MM_MC_LANES
 * independent counters at once (structure of arrays), which lets the
 * multiplications of different counters overlap in the pipeline. */
#define MM_MC_LANES 8

/* Philox4x32-10 on MM_MC_LANES consecutive counters c, c+1, ... at once, in
 * structure-of-arrays form so that the compiler vectorizes the rounds;
 * (a, b, d, e)[j] are the four output words of counter c + j. */
static inline void mm_mc_philox_lanes(uint64_t c, uint64_t seed, uint32_t a[MM_MC_LANES],
                                      uint32_t b[MM_MC_LANES], uint32_t d[MM_MC_LANES],
                                      uint32_t e[MM_MC_LANES]) {
  for (int j = 0; j < MM_MC_LANES; j++)
    a[j] = (uint32_t)(c + (uint64_t)j), b[j] = (uint32_t)((c + (uint64_t)j) >> 32), d[j] = 0,
    e[j] = 0;
  uint32_t q0 = (uint32_t)seed, q1 = (uint32_t)(seed >> 32);
  for (int r = 0; r < MM_PHILOX_ROUNDS; r++) {
    for (int j = 0; j < MM_MC_LANES; j++) {
      uint64_t p0 = (uint64_t)MM_PHILOX_M0 * a[j], p1 = (uint64_t)MM_PHILOX_M1 * d[j];
      uint32_t n0 = (uint32_t)(p1 >> 32) ^ b[j] ^ q0, n1 = (uint32_t)p1;
      uint32_t n2 = (uint32_t)(p0 >> 32) ^ e[j] ^ q1, n3 = (uint32_t)p0;
      a[j] = n0, b[j] = n1, d[j] = n2, e[j] = n3;
    }
    q0 += MM_PHILOX_W0, q1 += MM_PHILOX_W1;
  }
}

/* Hits among samples [start, start + n) of the stream keyed by seed. */
static inline uint64_t mm_mc_count(uint64_t start, uint64_t n, uint64_t seed) {
  uint64_t hits = 0, end = start + n;
  if (n == 0) return 0;
  uint64_t c = start / 2, c_end = end / 2; /* full blocks: [c, c_end) */
  if (start & 1u) {                        /* odd first sample: second half of its block */
    if (n == 1) return mm_mc_block(c, seed, 2u);
    hits += mm_mc_block(c++, seed, 2u);
  }
  for (; c_end - c >= MM_MC_LANES; c += MM_MC_LANES) {
    uint32_t a[MM_MC_LANES], b[MM_MC_LANES], d[MM_MC_LANES], e[MM_MC_LANES];
    mm_mc_philox_lanes(c, seed, a, b, d, e);
    for (int j = 0; j < MM_MC_LANES; j++) hits += mm_mc_hit(a[j], b[j]) + mm_mc_hit(d[j], e[j]);
  }
  for (; c < c_end; c++) hits += mm_mc_block(c, seed, 3u);
  if (end & 1u && end - 1 >= start) hits += mm_mc_block(c_end, seed, 1u); /* odd last sample */
  return hits;
}

#endif
