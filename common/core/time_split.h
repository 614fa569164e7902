/* Where a run's wall time went (#@time_split_s): the harness counts its
 * phases per visit, the suite sums them over the run and adds its own; one
 * text form for both runners. */
#ifndef MM_TIME_SPLIT_H
#define MM_TIME_SPLIT_H

#include <stddef.h>

/* Seconds on rank 0's clock: the timed calls themselves, the rest of the
 * sampling loop (barriers, waits for start windows, the stop decision, the
 * reductions), warm-up, calibration (batch size, first window), clock
 * sync, and outside the harness the visits' set-up and checks and the
 * state probe of each round (stateprobe.h). */
typedef enum {
  MM_SPENT_TIMED, MM_SPENT_SAMPLING, MM_SPENT_WARMUP, MM_SPENT_CALIBRATION,
  MM_SPENT_CLOCKSYNC, MM_SPENT_SETUP, MM_SPENT_PROBE, MM_SPENT_COUNT
} mm_spent;

/* The phases' names in the text, in the enum's order (the mpi4py runner
 * reads both through ctypes). */
extern const size_t mm_spent_count;
extern const char *const mm_spent_names[MM_SPENT_COUNT];

/* "TOTAL: timed T, sampling S, ..., other O" into buf (other: what the
 * phases leave of total). Returns buf. */
char *mm_time_split_text(double total, const double spent[MM_SPENT_COUNT], char *buf, size_t size);

#endif
