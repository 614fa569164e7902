/* The cost model (model.h) on synthetic latency curves with known
 * parameters: exact data give them back; noisy rounds (3% per round, 10
 * rounds) give a breakpoint in its place and intervals that hold the true
 * alpha and beta in at least 90% of trials; a noisy straight line stays one
 * regime; bad input is refused. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "mpimark_core.h" /* the public header compiles on its own */
#include "unit.h"

enum { N = 23, R = 10, TRIALS = 200 }; /* 1 B .. 4 MiB, powers of 2 */

static uint64_t rng = 88172645463325252ull;
static double uniform(void) { /* xorshift64, (0, 1) */
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void) { return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform()); }

/* Two regimes: shared memory's copy up to 2 KiB, then a protocol with a
 * higher fixed cost and its own bandwidth. */
static const double A1 = 0.30, C1 = 1.0 / 20000, A2 = 2.0, C2 = 1.0 / 6000, SWITCH = 4096;
static double truth(double x) { return x < SWITCH ? A1 + C1 * x : A2 + C2 * x; }

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* One run: R rounds of each size (multiplicative noise `noise`), the
 * medians of the rounds; f the true curve. */
static void run(double (*f)(double), double noise, const double *x, double *med, double *rounds) {
  for (size_t i = 0; i < N; i++) {
    double v[R];
    for (size_t k = 0; k < R; k++) v[k] = rounds[i * R + k] = f(x[i]) * exp(noise * normal());
    qsort(v, R, sizeof *v, cmp);
    med[i] = (v[R / 2 - 1] + v[R / 2]) / 2;
  }
}

static double line(double x) { return 1.0 + x / 5000; }

int main(void) {
  double x[N], med[N], rounds[N * R];
  for (size_t i = 0; i < N; i++) x[i] = (double)(1u << i);
  mm_model m;

  /* Exact data: the two regimes, switching between 2 KiB and 4 KiB, and their parameters. */
  for (size_t i = 0; i < N; i++) med[i] = truth(x[i]);
  CHECK(mm_model_fit(x, med, N, NULL, 0, &m) == 0);
  CHECK(m.n_regimes == 2);
  CHECK(m.regime[0].last == 11 && m.regime[1].first == 12); /* 2 KiB | 4 KiB */
  CHECK_NEAR(m.regime[0].alpha, A1, 1e-9);
  CHECK_NEAR(m.regime[1].alpha, A2, 1e-9);
  CHECK_NEAR(m.regime[1].us_per_byte, C2, 1e-12);
  CHECK(m.worst_error < 1e-9);
  CHECK(isnan(m.regime[0].alpha_low)); /* no rounds: no interval */
  CHECK_NEAR(mm_model_predict(&m, x, 3000), truth(3000), 1e-9); /* between regimes: the lower one's */
  CHECK_NEAR(mm_model_predict(&m, x, 2500), truth(2500), 1e-9);
  CHECK_NEAR(mm_model_predict(&m, x, 1 << 23), truth(1 << 23), 1e-6); /* beyond: the last regime */
  CHECK(mm_model_gap(&m, x, 3000) == 1); /* in the 2 KiB | 4 KiB gap: the upper regime's index */
  CHECK(mm_model_gap(&m, x, 2048) == 0 && mm_model_gap(&m, x, 4096) == 0); /* measured sizes */
  CHECK(mm_model_gap(&m, x, 1000) == 0 && mm_model_gap(&m, x, 1 << 23) == 0); /* inside, beyond */

  /* Noisy rounds: the breakpoint, and intervals holding the truth. */
  int placed = 0, alpha_in = 0, beta_in = 0, first_in = 0;
  for (int t = 0; t < TRIALS; t++) {
    run(truth, 0.03, x, med, rounds);
    if (mm_model_fit(x, med, N, rounds, R, &m) != 0 || m.n_regimes != 2) continue;
    placed += m.regime[0].last == 11;
    const mm_regime *g = &m.regime[1];
    alpha_in += g->alpha_low <= A2 && A2 <= g->alpha_high;
    beta_in += g->us_per_byte_low <= C2 && C2 <= g->us_per_byte_high;
    first_in += m.regime[0].alpha_low <= A1 && A1 <= m.regime[0].alpha_high;
  }
  printf("noisy two regimes: breakpoint placed %d, alpha2 held %d, beta2 held %d, alpha1 held %d of %d\n",
         placed, alpha_in, beta_in, first_in, TRIALS);
  CHECK(placed >= TRIALS * 9 / 10);
  CHECK(alpha_in >= TRIALS * 9 / 10);
  CHECK(beta_in >= TRIALS * 9 / 10);
  CHECK(first_in >= TRIALS * 9 / 10);

  /* A noisy straight line is one regime. */
  int one = 0;
  for (int t = 0; t < TRIALS; t++) {
    run(line, 0.03, x, med, rounds);
    one += mm_model_fit(x, med, N, rounds, R, &m) == 0 && m.n_regimes == 1;
  }
  printf("noisy line: one regime in %d of %d\n", one, TRIALS);
  CHECK(one >= TRIALS * 9 / 10);

  /* Bad input. */
  CHECK(mm_model_fit(x, med, 2, NULL, 0, &m) == -1);    /* too few points */
  med[3] = 0;
  CHECK(mm_model_fit(x, med, N, NULL, 0, &m) == -1);    /* a time that is not positive */
  med[3] = 1;
  x[4] = x[3];
  CHECK(mm_model_fit(x, med, N, NULL, 0, &m) == -1);    /* sizes not ascending */

  /* A parameter in the number of ranks: a tree's and a ring's, exact and
   * with 3% noise (the form, and a and b within 20%: a line through 5
   * points). */
  double p[] = {2, 3, 4, 8, 16}, v[5];
  mm_pform f;
  for (int form = 0; form < MM_PFORM_COUNT; form++) {
    int right = 0;
    for (int t = 0; t <= TRIALS; t++) {
      for (size_t i = 0; i < 5; i++) v[i] = (0.5 + 0.3 * mm_pform_x(form, p[i])) * (t ? 1 + 0.03 * normal() : 1);
      CHECK(mm_model_fit_p(p, v, 5, &f) == 0);
      if (t == 0) {
        CHECK(f.kind == form);
        CHECK_NEAR(f.a, 0.5, 1e-9);
        CHECK_NEAR(f.b, 0.3, 1e-9);
        CHECK(f.worst_error < 1e-9);
      } else {
        right += f.kind == form && fabs(f.a - 0.5) < 0.1 && fabs(f.b - 0.3) < 0.06;
      }
    }
    printf("%s with 3%% noise: form and parameters found in %d of %d\n", mm_pform_name(form), right, TRIALS);
    CHECK(right >= TRIALS * 9 / 10);
  }
  CHECK(mm_model_fit_p(p, v, 2, &f) == -1); /* two rank counts */
  double same[] = {2, 2, 4, 4};
  CHECK(mm_model_fit_p(same, v, 4, &f) == -1); /* four runs, two rank counts */
  v[1] = -1;
  CHECK(mm_model_fit_p(p, v, 5, &f) == -1); /* a value not positive */
  return unit_report("model");
}
