/* Unit tests of the Monte Carlo pi kernel (programs/montecarlo.h), no MPI:
 *
 *  - Philox4x32-10 gives Random123's known answers (kat_vectors);
 *  - mm_mc_count over any range equals the sample-by-sample reference, so
 *    ranges split at any point (odd or even, ranks of any count) add up to
 *    the same hits: the reason strong-scaling runs agree at every rank count;
 *  - the estimate from 10^7 samples lies within 5 standard errors of pi.
 *
 * With --speed it also measures, on one core, the generator alone and the
 * whole hot loop (generator + hit test + count), in samples per second. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "montecarlo.h"

static int failures;

#define CHECK(cond, ...)                                  \
  do {                                                    \
    if (!(cond)) {                                        \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                       \
      fputc('\n', stderr);                                \
      failures++;                                         \
    }                                                     \
  } while (0)

/* Random123 kat_vectors, the three philox4x32 10 lines: counter, key, output. */
static void test_known_answers(void) {
  static const uint32_t kat[3][10] = {
      {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
      {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
       0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
      {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
       0x94fdcceb, 0x5001e420, 0x24126ea1},
  };
  for (int i = 0; i < 3; i++) {
    uint32_t c[4] = {kat[i][0], kat[i][1], kat[i][2], kat[i][3]};
    mm_philox4x32(c, kat[i][4], kat[i][5]);
    for (int w = 0; w < 4; w++)
      CHECK(c[w] == kat[i][6 + w], "KAT %d word %d: %08x, want %08x", i, w, c[w], kat[i][6 + w]);
  }
}

/* Sample i, one at a time, straight from the definition. */
static uint64_t reference_hit(uint64_t i, uint64_t seed) {
  uint32_t c[4] = {(uint32_t)(i / 2), (uint32_t)((i / 2) >> 32), 0, 0};
  mm_philox4x32(c, (uint32_t)seed, (uint32_t)(seed >> 32));
  uint32_t x = i & 1 ? c[2] : c[0], y = i & 1 ? c[3] : c[1];
  /* x^2 + y^2 < 2^64, written differently from the kernel's carry test */
  return (uint64_t)x * x <= UINT64_MAX - (uint64_t)y * y ? 1 : 0;
}

static void test_ranges(void) {
  const uint64_t seed = 12345;
  enum { N = 4000 };
  static uint64_t prefix[N + 1];
  for (uint64_t i = 0; i < N; i++) prefix[i + 1] = prefix[i] + reference_hit(i, seed);
  /* Every start 0..40 with every length 0..100, and some far in the stream. */
  for (uint64_t s = 0; s <= 40; s++)
    for (uint64_t n = 0; n <= 100; n++)
      CHECK(mm_mc_count(s, n, seed) == prefix[s + n] - prefix[s], "count(%llu, %llu)",
            (unsigned long long)s, (unsigned long long)n);
  CHECK(mm_mc_count(0, N, seed) == prefix[N], "count(0, %d)", N);
  uint64_t far = (UINT64_C(1) << 40) + 3, want = 0;
  for (uint64_t i = far; i < far + 77; i++) want += reference_hit(i, seed);
  CHECK(mm_mc_count(far, 77, seed) == want, "count far in the stream (high counter word)");

  /* The same total split over 1..7 "ranks" as montecarlo_pi splits it. */
  const uint64_t total = 1000003;
  uint64_t whole = mm_mc_count(0, total, seed);
  for (uint64_t p = 1; p <= 7; p++) {
    uint64_t q = total / p, extra = total % p, sum = 0, start = 0;
    for (uint64_t r = 0; r < p; r++) {
      uint64_t n = q + (r < extra);
      sum += mm_mc_count(start, n, seed);
      start += n;
    }
    CHECK(start == total && sum == whole, "split over %llu ranks: %llu hits, want %llu",
          (unsigned long long)p, (unsigned long long)sum, (unsigned long long)whole);
  }
  CHECK(mm_mc_count(0, total, seed + 1) != whole, "another seed gives the same hits");
}

static void test_estimate(void) {
  const uint64_t n = 10000000;
  double est = 4.0 * (double)mm_mc_count(0, n, 1) / (double)n;
  double p = 3.14159265358979323846 / 4, se = 4 * sqrt(p * (1 - p) / (double)n);
  CHECK(fabs(est - 3.14159265358979323846) < 5 * se, "estimate %.6f off by more than 5 SE", est);
}

/* The generator alone, in the same structure-of-arrays loop as
 * mm_mc_count: every output word folded into a checksum. */
static uint64_t generate_only(uint64_t c0, uint64_t blocks, uint64_t seed) {
  uint64_t acc = 0;
  for (uint64_t c = c0; c < c0 + blocks; c += MM_MC_LANES) {
    uint32_t a[MM_MC_LANES], b[MM_MC_LANES], d[MM_MC_LANES], e[MM_MC_LANES];
    mm_mc_philox_lanes(c, seed, a, b, d, e);
    for (int j = 0; j < MM_MC_LANES; j++) acc += a[j] ^ b[j] ^ d[j] ^ e[j];
  }
  return acc;
}

static void speed(void) {
  const uint64_t n = 200000000; /* samples per measurement */
  double best_gen = 0, best_loop = 0;
  volatile uint64_t sink = 0;
  for (int rep = 0; rep < 3; rep++) {
    double t = mm_clock_now();
    sink += generate_only(0, n / 2, 7);
    double g = (double)n / (mm_clock_now() - t);
    t = mm_clock_now();
    sink += mm_mc_count(0, n, 7);
    double l = (double)n / (mm_clock_now() - t);
    if (g > best_gen) best_gen = g;
    if (l > best_loop) best_loop = l;
  }
  (void)sink;
  printf("one core, best of 3 x %llu samples:\n", (unsigned long long)n);
  printf("  generator alone (Philox4x32-10, 2 samples per call): %.3g samples/s\n", best_gen);
  printf("  hot loop (generator + hit test + count):             %.3g samples/s (%.0f%%)\n",
         best_loop, 100 * best_loop / best_gen);
}

int main(int argc, char **argv) {
  test_known_answers();
  test_ranges();
  test_estimate();
  if (argc > 1 && !strcmp(argv[1], "--speed")) speed();
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("ok: Philox4x32-10 known answers, ranges, estimate\n");
  return 0;
}
