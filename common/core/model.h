/* A latency curve in a few numbers: regimes of alpha + bytes / beta (the
 * Hockney model: a fixed cost per message, a cost per byte), with the
 * breakpoints where the library changes protocol found from the data, and
 * each parameter with the 95% interval a repeat run's fit lands in. One
 * implementation, for `mpimark-py model` (through core.py) and its tests. */
#ifndef MM_MODEL_H
#define MM_MODEL_H

#include <stddef.h>

#define MM_MODEL_MAX_REGIMES 6
#define MM_MODEL_MIN_POINTS 3 /* of a regime: two points fit any line */

typedef struct mm_regime {
  size_t first, last;  /* the sizes it covers: indices into the fitted points */
  double alpha;        /* us: the time of a message of no bytes */
  double alpha_low, alpha_high; /* its 95% interval (NaN: too few rounds) */
  double us_per_byte;  /* 1 / beta; 0: the time does not grow with size here */
  double us_per_byte_low, us_per_byte_high;
} mm_regime;

typedef struct mm_model {
  size_t n_regimes;
  mm_regime regime[MM_MODEL_MAX_REGIMES];
  double worst_error;  /* the largest |fit - median| / median over the points */
} mm_model;
extern const size_t mm_model_size, mm_regime_size;

/* Fits n points (bytes ascending, us > 0 their medians) with 1 to
 * MM_MODEL_MAX_REGIMES regimes of MM_MODEL_MIN_POINTS points or more: the
 * number and their bounds that minimise the relative squared error with a
 * penalty per parameter (1.5 times BIC's: model.c says why), so that a regime
 * is added only where the curve bends beyond its noise. Within a regime, weighted least squares on
 * relative errors, alpha and 1/beta kept >= 0. With rounds (r values per
 * point, point i's at rounds[i * r + k]; r >= 2), each regime is refitted
 * on each round's values and each parameter's interval is the 95%
 * prediction interval of a repeat run (stats.h: mm_stats_predict). Returns
 * 0, or -1 when n < MM_MODEL_MIN_POINTS, a value is not positive, or memory
 * runs out. */
int mm_model_fit(const double *bytes, const double *us, size_t n, const double *rounds, size_t r,
                 mm_model *m);

/* The fitted latency (us) at `bytes`, from the regime that holds it; a size
 * between two regimes' points takes the lower one's (a library's limit is
 * the size at which the next protocol starts: Open MPI's 4 KiB eager limit
 * makes 4096 bytes the first of the next regime, and 3000 bytes the last
 * one's; bench/model: 34 of 48 unseen sizes within 20% so, 29 with the
 * nearer regime on a log scale), a size beyond the points the first or last
 * regime's. bytes: the points'. */
double mm_model_predict(const mm_model *m, const double *bytes, double at);

/* Regime j's line at `at` bytes: alpha + at / beta, us. */
double mm_model_regime_at(const mm_model *m, size_t j, double at);

/* Whether `at` lies in a breakpoint's gap, strictly between the last point
 * of a regime and the first of the next: the next regime's index (then
 * mm_model_predict gave the lower one's figure, and the data cannot tell
 * which protocol such a size gets: a pickled message's heap switches
 * between 256 and 300 KiB where a sweep has only 256 and 512 KiB), or 0. */
size_t mm_model_gap(const mm_model *m, const double *bytes, double at);

/* How one of a collective's parameters grows with the number of ranks P,
 * from fits of runs at several rank counts: value = a + b * f(P), f the
 * form that fits best of a tree's ceil(log2 P) steps and a ring's or a
 * linear algorithm's P - 1 (the same weighted least squares on relative
 * errors as a regime, a and b kept >= 0). */
typedef enum { MM_PFORM_LOG2, MM_PFORM_LINEAR, MM_PFORM_COUNT } mm_pform_kind;
typedef struct mm_pform {
  int kind;           /* mm_pform_kind */
  double a, b;        /* value = a + b * f(P) */
  double worst_error; /* the largest |fit - value| / value over the rank counts */
} mm_pform;
extern const size_t mm_pform_size;

/* Fits values v > 0 at n rank counts p >= 1 (3 distinct or more) with each
 * form; keeps the one with the smaller worst error (the first on a tie).
 * Returns 0, or -1 when there are fewer than 3 distinct p, or a value or
 * rank count is not positive. */
int mm_model_fit_p(const double *p, const double *v, size_t n, mm_pform *out);

/* "ceil(log2 P)" or "P - 1"; f(P) of a form. */
const char *mm_pform_name(int kind);
double mm_pform_x(int kind, double p);

#endif
