/* The synchronized start window of a collective call (ReproMPI's "window"
 * process synchronization): call k of a batch starts when every rank's
 * global clock reaches t0 + k * w. Its time is the latest exit among the
 * ranks minus that start; a call that some rank reached after its start is
 * invalid and dropped. Pure arithmetic, so that it is unit-tested without
 * MPI; harness.c does the waiting and the reductions. */
#ifndef MM_WINDOW_H
#define MM_WINDOW_H

#include <stddef.h>

/* Grow the window when more than this share of a batch's calls are late. */
#define MM_WINDOW_LATE_MAX 0.10
#define MM_WINDOW_GROWTH 1.5
/* The first window, from calls timed alone after a barrier (their time
 * holds the barrier's exit skew), is generous; after every batch with few
 * late calls the window fits the batch's calls: this many times their 95th
 * percentile, plus the clock sync's error and the loop's own time between
 * one call's exit and the next start (MM_WINDOW_SLACK in C), so that about
 * 5% of calls or fewer run past it and make the next call late. */
#define MM_WINDOW_FIT 2.0
#define MM_WINDOW_FIT_QUANTILE 0.95
#define MM_WINDOW_SLACK 0.25e-6

/* A window grown past this many times the cell's first one (and past
 * MM_WINDOW_RUNAWAY_MIN seconds) is chasing clocks that disagree by more
 * than the clock sync states, not calls that take longer: every growth
 * makes the calls of the next batch later still. The visit then stops with
 * MM_ECLOCK instead of growing the window without end. Only where there is
 * more than one clock (a stated uncertainty above 0): ranks that share one
 * clock cannot disagree, and their late calls are ranks that lost their CPU
 * (more ranks than cores: a scheduler slice is milliseconds to tens of ms),
 * which a window of that size outgrows. */
#define MM_WINDOW_RUNAWAY 1000.0
#define MM_WINDOW_RUNAWAY_MIN 10e-3

/* The scheduled start of call k. */
static inline double mm_window_start(double t0, double w, size_t k) { return t0 + (double)k * w; }

/* One timed call as a sample: dt minus the cost of one clock read (the
 * read that ends the interval is inside it), never below the clock's
 * resolution. */
double mm_call_time(double dt, double read_cost, double resolution);

/* From the ranks' latest exits (global clock) and late flags (non-zero: some
 * rank arrived after the start) of n calls, writes the valid calls' times
 * to out (in call order) and returns how many; *late gets the number
 * dropped. */
size_t mm_window_samples(double t0, double w, size_t n, const double *exit_max,
                         const double *late_any, double read_cost, double resolution,
                         double *out, size_t *late);

/* The window fitted to a batch's n valid call times t (latest exit minus
 * start; sorted in place): MM_WINDOW_FIT times their MM_WINDOW_FIT_QUANTILE
 * plus margin, or w when that is not shorter (or n is 0). */
double mm_window_fit(double w, double *t, size_t n, double margin);

/* The window for the next batch: w grown by MM_WINDOW_GROWTH when more than
 * MM_WINDOW_LATE_MAX of n calls were late, else w. */
double mm_window_next(double w, size_t late, size_t n);

/* Whether window w has run away from the cell's first window (above), with
 * the clock sync's stated uncertainty (0: one clock, never). */
int mm_window_runaway(double w, double first, double uncertainty);

/* The line that says so, after the cell's name (both runners print it). */
int mm_window_runaway_text(char *buf, size_t len, double first, double w, double uncertainty);

#endif
