/* Modes: where a row's round (launch) medians fall into separate groups,
 * because the machine switched between speeds while it ran (these
 * machines: a cache line between the two cores takes 27 or 175 ns, and 8 B
 * latency follows it), one median with one interval over the mixture
 * either misses the next run or spans both states. A row then reports each
 * group: its median, its 95% interval, its share (docs/method.md, Modes). */
#ifndef MM_MODES_H
#define MM_MODES_H

#include <stddef.h>

/* At most this many modes a row. */
#define MM_MAX_MODES 3
/* Two neighbouring groups are separate modes when the gap between them (on
 * the log scale) is more than MM_MODE_GAP_FACTOR times the wider group's
 * own range and more than log(1 + MM_MODE_FLOOR): a 25% step on values that
 * agree within a few percent; a noisy row, whose gaps are like its spread,
 * stays one mode, and so do two single values (no spread to compare with). */
#define MM_MODE_GAP_FACTOR 3.0
#define MM_MODE_FLOOR 0.25
/* A mode of fewer values gives no interval (NaN): too few to say where
 * that state's median falls next time. */
#define MM_MODE_MIN_FOR_INTERVAL 3

typedef struct mm_mode {
  double median;          /* the median of the mode's values */
  double ci_low, ci_high; /* the 95% PI of a repeat's median in that state, or NaN */
  size_t count;           /* how many of the values it holds */
} mm_mode;

/* sizeof(mm_mode) and MM_MAX_MODES: the Python side checks its mirror. */
extern const size_t mm_mode_size, mm_max_modes;

/* The modes of v[0..n) (positive values, in any order), by ascending
 * median, into out[0..MM_MAX_MODES); returns how many (1: the values are
 * one group; 0: n is 0 or a value is not > 0). With which (or NULL),
 * which[i] is the mode v[i] fell in. */
size_t mm_modes(const double *v, size_t n, mm_mode *out, size_t *which);

/* Two state probes more than MM_STATE_RATIO apart are two states; within
 * it, one. A probe's states are far apart here (50-60 ns and, a unit's
 * short probe, 320-900 ns; a round's 130-340 ns) and its noise within the
 * slow state wide, so the ratio sits between the two: the same rule for
 * mm_states, the table's modes, compare's pairing of modes and bench/osu
 * (mm_state_ratio, for Python). */
#define MM_STATE_RATIO 3.0
extern const double mm_state_ratio;

/* The machine's states from state probes (stateprobe.h), one per round or
 * launch, as modes are found from times: every step over MM_STATE_RATIO
 * between sorted probes is a new state, whatever the spread around it. */
size_t mm_states(const double *probe, size_t n, mm_mode *out, size_t *which);

/* The modes of v[0..n) by the state each value was measured in (probe[i],
 * from stateprobe.h; NULL or a value <= 0: not measured): where the probes
 * fall into states (mm_states) whose values' medians differ by more than
 * MM_MODE_FLOOR, each such group of states is a mode, whatever the spread
 * of the values (a round that changed state half-way lies between the
 * modes by its time, not by its probe); else the modes of the values
 * alone (mm_modes). The one rule for rows, their ratios, merge and
 * compare. Returns and fills as mm_modes. */
size_t mm_modes_probed(const double *v, const double *probe, size_t n, mm_mode *out, size_t *which);

/* probe[j]: the median of probe_of[i] over the values i in mode j
 * (which[i], from mm_modes_probed; n <= MM_MAX_ROUNDS), NaN where probe_of
 * is NULL. */
void mm_mode_probes(const size_t *which, const double *probe_of, size_t n, size_t k, double *probe);

/* The modes of the paired ratios num[i] / den[i] (both paths of a unit,
 * measured back to back; every value > 0), by the state each pair ran in
 * (probe, or NULL), as mm_modes_probed; probe_out[j] each mode's median
 * probe (mm_mode_probes). Returns how many: 0 when they are one group (or
 * a value is not > 0). The one rule for the table's ratios and the
 * report's. */
size_t mm_ratio_modes(const double *num, const double *den, const double *probe, size_t n,
                      mm_mode *out, double *probe_out);

/* The all-data interval [*lo, *hi] of a figure whose values fell into the
 * k modes m (a row, a ratio): with 2 or more, widened to hold each mode's
 * interval, or its median where it has none, since another run's mix of
 * states may put its median in any of them (docs/method.md, Modes); with
 * one, left as it is. */
void mm_modes_widen(const mm_mode *m, size_t k, double *lo, double *hi);

#endif
