/* The model of one rank's clock against the global clock (rank 0's) that
 * the window sync schedules calls by: an offset and a drift, a line fitted
 * to the clock sync's estimates (common/mpi/clocksync.c) from the first to
 * the latest, with how fast its error can grow, so that estimates are made
 * again only as often as that error requires. Pure arithmetic: tested
 * without MPI, shared by both runners (the mpi4py runner through ctypes). */
#ifndef MM_CLOCKMODEL_H
#define MM_CLOCKMODEL_H

#include <stdbool.h>
#include <stddef.h>

/* The first two estimates are this far apart (seconds), so that the drift
 * is known from the start; later ones come when the error bound has grown
 * to MM_CLOCK_ERROR_GROWTH times the estimates' own uncertainty, or after
 * MM_CLOCK_INTERVAL_MAX at the latest. */
#define MM_CLOCK_BASELINE_FIRST 0.01
#define MM_CLOCK_ERROR_GROWTH 2.0
#define MM_CLOCK_INTERVAL_MAX 30.0
extern const double mm_clock_baseline_first, mm_clock_error_growth; /* the same, for ctypes */

typedef struct mm_clock_model {
  double t_first, offset_first, u_first; /* the first estimate: the drift's anchor */
  double t_ref, offset, uncertainty;     /* the latest, on this rank's clock; |error| < uncertainty */
  double drift;                          /* seconds of offset per second; 0: offsets only */
  double residual;                       /* |latest offset - what the model predicted for it| */
  int estimates;
} mm_clock_model;

extern const size_t mm_clock_model_size; /* sizeof(mm_clock_model), for ctypes */

/* The global clock at this rank's local time. */
double mm_clock_model_global(const mm_clock_model *m, double local);

/* A new estimate: at local time t, global - local = offset within
 * uncertainty. With drift, the drift is the slope from the first estimate
 * (the longest baseline); without, the model is offsets only. */
void mm_clock_model_add(mm_clock_model *m, double t, double offset, double uncertainty, bool drift);

/* How much faster this rank's clock runs than the global clock, per global
 * second (s/s; negative: slower): what ppm figures mean. The model's drift
 * is per local second, -rate / (1 + rate): the same for real clocks (tens
 * of ppm), 3% apart at the test hooks' 35,000 ppm. */
double mm_clock_model_rate(const mm_clock_model *m);

/* How fast the model's error can grow (s/s): the two ends' uncertainties
 * over the baseline; 0 before there are two estimates. */
double mm_clock_model_error_rate(const mm_clock_model *m);

/* Whether to estimate again, since seconds after the latest estimate, with
 * the largest uncertainty u and error rate g over the ranks (rank 0
 * decides for all): once u + g * since exceeds MM_CLOCK_ERROR_GROWTH * u. */
bool mm_clock_model_due(double since, double u, double g);

/* #@clock_sync: how the clocks were synchronized (estimated), or why not. */
extern const char *const mm_clock_sync_estimated, *const mm_clock_sync_one_clock;

#endif
