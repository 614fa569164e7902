/* Rounds: the sweep of cells runs R times, each round visiting the cells in
 * a new order drawn from one seed, so that every cell sees the machine at R
 * moments spread over the run. The order is a pure function of (seed,
 * round), so every rank computes the same one and a run can be repeated. */
#ifndef MM_ROUNDS_H
#define MM_ROUNDS_H

#include <stddef.h>
#include <stdint.h>

/* Writes a permutation of 0..n-1 into order: the visiting order of round
 * `round` (0-based) under `seed`. */
void mm_round_order(uint64_t seed, int round, size_t n, size_t *order);

/* A seed from the clock, for --seed auto (rank 0 picks it and broadcasts). */
uint64_t mm_round_seed_from_clock(void);

#endif
