/* Which rows of a run stand out of it, and how stable the run was as a
 * whole: the `!` marks of the table, the `unstable` column and the
 * stability line under the table (docs/output.md, "Marks"). */
#ifndef MM_MARKS_H
#define MM_MARKS_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"

/* A row's spread is log(largest / smallest) of its round (launch) medians.
 * A row stands out when its spread is more than MM_MARK_SPREAD_FACTOR times
 * the run's typical row's (the median spread), or when its medians split
 * into two groups (at least two each) with a gap between them more than
 * twice the wider group's range and MM_MARK_GAP_FACTOR times the typical
 * spread; in both cases by at least MM_MARK_FLOOR (10%), so that on a quiet
 * run a few percent never mark. A run whose typical spread is above
 * MM_MARK_NOISY (20%) is called noisy in the stability line. */
#define MM_MARK_SPREAD_FACTOR 3.0
#define MM_MARK_GAP_FACTOR 2.0
#define MM_MARK_FLOOR 0.10
#define MM_MARK_NOISY 0.20

/* Where a row's rounds carry state probes that fall into states
 * (round_probes_ns, mm_states), its spread and its split are taken within
 * each state (the largest): a row that moved with the machine's state is
 * what the modes show, not a row unlike the rest; across states, the
 * spread is said once for the run (`across`). */
typedef struct mm_stability {
  size_t rows;        /* rows with two or more round medians */
  size_t marked;      /* of them, rows that stand out */
  double typical;     /* the median row's largest/smallest round median - 1 (within a state) */
  double worst;       /* the largest such spread, and its row (index into r->rows) */
  size_t worst_row;
  size_t by_state;    /* rows whose rounds ran in two states or more */
  double across;      /* the median row's spread over all its rounds, states and all */
} mm_stability;

/* What mark_row decided for one row (mm_marks_compute's marks[]). */
typedef enum { MM_MARK_NONE = 0, MM_MARK_WIDE = 1, MM_MARK_SPLIT = 2, MM_MARK_STALL = 3 } mm_mark;

/* A stall: a latency row one of whose samples took more than
 * MM_MARK_STALL_FACTOR times its median and MM_MARK_STALL_US more than it
 * (a rank stopped, swapped out or off its CPU: SIGSTOP for 5 s is 10^7
 * times an 8 B bcast). The median stands; max, mean and p99 do not. Such
 * a row is marked whatever its rounds say, and named in #@stalls and a note. */
#define MM_MARK_STALL_FACTOR 1000.0
#define MM_MARK_STALL_US 1e5

bool mm_mark_stalled(const mm_row *w);

/* "#@stalls": the stalled rows, "OP SIZE PATH: MAX (Nx its median); ...",
 * into buf; returns how many (0: buf is ""). */
size_t mm_marks_stalls(const mm_results *r, char *buf, size_t n);

/* marks[0..n_rows) and the run's stability, from the rows' round medians.
 * Returns 0, or -1 when memory runs out. */
int mm_marks_compute(const mm_results *r, unsigned char *marks, mm_stability *s);

/* The stability line under a table ("# stability: ..."), into buf. The
 * level is "rounds" for one launch, "launches" for a merged measurement. */
void mm_marks_describe(const mm_results *r, const mm_stability *s, const char *level, char *buf,
                       size_t n);

#endif
