#include "rounds.h"

#include "clock.h"

/* splitmix64: small, fast, and the same on every platform. */
static uint64_t next(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void mm_round_order(uint64_t seed, int round, size_t n, size_t *order) {
  uint64_t s = seed ^ (0x5851f42d4c957f2dull * (uint64_t)(round + 1));
  for (size_t i = 0; i < n; i++) order[i] = i;
  for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
    size_t j = (size_t)(next(&s) % i), t = order[i - 1];
    order[i - 1] = order[j];
    order[j] = t;
  }
}

uint64_t mm_round_seed_from_clock(void) {
  uint64_t s = (uint64_t)(mm_clock_now() * 1e9);
  uint64_t v = next(&s) % 1000000000ull; /* short enough to type back in --seed */
  return v ? v : 1;
}
