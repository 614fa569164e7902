/* Modes on synthetic rows: a bimodal row splits into its two modes with the
 * right shares, medians and intervals; a unimodal noisy row does not split;
 * a uniformly slow row is one mode. */
#include <math.h>
#include <stdio.h>

#include "modes.h"
#include "unit.h"

static unsigned long long seed = 7;
static double uniform(void) {
  seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  return ((double)(seed >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void) { return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform()); }

/* How often n values of lognormal noise sd around one level split, in trials. */
static double split_rate(size_t n, double sd, int trials) {
  int split = 0;
  mm_mode m[MM_MAX_MODES];
  for (int t = 0; t < trials; t++) {
    double v[64];
    for (size_t i = 0; i < n; i++) v[i] = 0.3 * exp(sd * normal());
    split += mm_modes(v, n, m, NULL) > 1;
  }
  return (double)split / trials;
}

int main(void) {
  mm_mode m[MM_MAX_MODES];
  /* 8 B sendrecv, the launch medians of two runs in issue 36 (about 0.13 us
   * in one state of the machine, 0.36 in the other). */
  const double half[6] = {0.358, 0.352, 0.371, 0.161, 0.139, 0.140};
  size_t which[8];
  CHECK(mm_modes(half, 6, m, which) == 2);
  CHECK(which[0] == 1 && which[1] == 1 && which[2] == 1 && which[3] == 0 && which[4] == 0 && which[5] == 0);
  CHECK(m[0].count == 3 && m[1].count == 3);
  CHECK_NEAR(m[0].median, 0.140, 1e-12);
  CHECK_NEAR(m[1].median, 0.358, 1e-12);
  CHECK(m[0].ci_low < 0.140 && m[0].ci_high > 0.140 && m[1].ci_low < 0.358 && m[1].ci_high > 0.358);
  const double one_slow[6] = {0.359, 0.135, 0.130, 0.133, 0.126, 0.147};
  CHECK(mm_modes(one_slow, 6, m, NULL) == 2);
  CHECK(m[0].count == 5 && m[1].count == 1);
  CHECK_NEAR(m[1].median, 0.359, 1e-12);
  CHECK(isnan(m[1].ci_low) && isnan(m[1].ci_high)); /* one launch: no interval */

  /* Shares over many synthetic runs: 12 launches, each in the slow state
   * (2.7x) with probability 1/3, 3% noise: two modes whenever both states
   * were seen, with exactly the launches of each. */
  int wrong = 0;
  for (int t = 0; t < 1000; t++) {
    double v[12];
    size_t slow = 0;
    for (int i = 0; i < 12; i++) {
      int s = uniform() < 1.0 / 3;
      slow += (size_t)s;
      v[i] = (s ? 0.36 : 0.133) * exp(0.03 * normal());
    }
    size_t k = mm_modes(v, 12, m, NULL);
    if (slow == 0 || slow == 12) wrong += k != 1;
    else wrong += k != 2 || m[1].count != slow || m[0].count != 12 - slow;
  }
  CHECK(wrong == 0);

  /* A unimodal noisy row does not split: 10% noise, 6 or 12 values,
   * fewer than 1 run in 100. (15% noise: the printed rate.) */
  double r6 = split_rate(6, 0.10, 2000), r12 = split_rate(12, 0.10, 2000);
  printf("unimodal rows split: %.2f%% (6 values), %.2f%% (12), %.2f%% (6 values, 15%% noise)\n",
         100 * r6, 100 * r12, 100 * split_rate(6, 0.15, 2000));
  CHECK(r6 < 0.01 && r12 < 0.01);

  /* A uniformly slow run is one mode; so is one value; nothing from none or
   * from a value that is not positive. */
  const double slow_all[6] = {0.36, 0.35, 0.37, 0.36, 0.355, 0.362};
  CHECK(mm_modes(slow_all, 6, m, NULL) == 1 && m[0].count == 6);
  CHECK(mm_modes(slow_all, 1, m, NULL) == 1);
  CHECK_NEAR(m[0].median, 0.36, 1e-12);
  CHECK(mm_modes(slow_all, 0, m, NULL) == 0);
  const double few[3] = {3, 1, 2}; /* a gap between two lone values is no mode */
  CHECK(mm_modes(few, 3, m, NULL) == 1 && mm_modes(few, 2, m, NULL) == 1);
  const double bad[2] = {0.3, 0};
  CHECK(mm_modes(bad, 2, m, NULL) == 0);

  /* Three states: three modes, ascending. */
  const double three[9] = {1, 1.02, 0.99, 3, 3.05, 2.98, 9, 9.1, 8.9};
  CHECK(mm_modes(three, 9, m, NULL) == 3);
  CHECK_NEAR(m[0].median, 1, 1e-12);
  CHECK_NEAR(m[1].median, 3, 1e-12);
  CHECK_NEAR(m[2].median, 9, 1e-12);

  /* States from probes: a step over 2x is a new state, however noisy each
   * state is (measured here: 130-220 ns in the slow one); a noisy state
   * alone is one state. */
  const double probes[7] = {27, 29, 26, 175, 140, 220, 190}, slow[3] = {150, 220, 130};
  CHECK(mm_states(probes, 7, m, which) == 2 && m[0].count == 3 && m[1].count == 4);
  CHECK(which[0] == 0 && which[3] == 1 && which[5] == 1);
  CHECK(mm_states(slow, 3, m, NULL) == 1);
  CHECK(mm_modes(probes, 7, m, NULL) == 2); /* here the times' rule agrees */

  /* Modes by the state each value ran in (a quickstart's 1 KiB
   * object/buffer ratios, probes of their rows): the times alone are one
   * noisy group, their states two modes with the right shares; the state
   * that did not change the values is no mode; an unmeasured probe leaves
   * the times' rule. */
  const double ratio[8] = {1.31, 1.32, 1.29, 2.18, 1.89, 1.98, 1.26, 1.55};
  const double state[8] = {760, 552, 903, 58, 51, 53, 750, 720};
  CHECK(mm_modes(ratio, 8, m, NULL) == 1);
  CHECK(mm_modes_probed(ratio, state, 8, m, which) == 2);
  CHECK(m[0].count == 5 && m[1].count == 3);
  CHECK_NEAR(m[0].median, 1.31, 1e-12);
  CHECK_NEAR(m[1].median, 1.98, 1e-12);
  CHECK(which[0] == 0 && which[3] == 1 && which[5] == 1 && which[7] == 0);
  CHECK(isfinite(m[0].ci_low) && m[0].ci_low < 1.26 && m[0].ci_high > 1.55);
  const double flat[8] = {80, 81, 79, 80, 82, 81, 79, 80};
  CHECK(mm_modes_probed(flat, state, 8, m, NULL) == 1 && m[0].count == 8);
  const double unmeasured[8] = {760, 552, 903, 58, 0, 53, 750, 720};
  CHECK(mm_modes_probed(ratio, unmeasured, 8, m, NULL) == 1);
  CHECK(mm_modes_probed(ratio, NULL, 8, m, NULL) == 1);
  return unit_report("test_modes");
}
