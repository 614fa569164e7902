/* The machine's state, measured with every round: these machines switch
 * between speeds by themselves (a cache line between the two cores takes
 * about 27 or 175 ns, and small-message latency follows it), so each round
 * records a cheap probe of the state it ran in, and each mode of a row is
 * named by the state its rounds saw (docs/method.md, Modes). */
#ifndef MM_STATEPROBE_H
#define MM_STATEPROBE_H

#include <mpi.h>
#include <stddef.h>

/* Round trips of one cache line between ranks 0 and 1, in bursts (the
 * probe is the median burst's mean), and the most time one probe may take
 * (a descheduled partner: the probe stops after the burst under way). */
#define MM_PROBE_TRIPS 5000
#define MM_PROBE_BURSTS 5
/* The short probe taken before each unit (the paths of one operation and
 * size): a round of a default sweep takes seconds, and the state changes
 * within it, so each row is named by the state it was measured in. 1,000
 * round trips: 30-200 us, about 1% of a round. */
#define MM_PROBE_UNIT_TRIPS 1000
#define MM_PROBE_MAX_S 0.002

typedef struct mm_probe {
  MPI_Comm pair;          /* ranks 0 and 1 when they share a node, else MPI_COMM_NULL */
  MPI_Win win;            /* the shared cache line */
  volatile long *line;    /* rank 0's 64-byte-aligned line, seen by both */
  int rank;               /* in pair */
} mm_probe;

/* Collective over comm: sets up the probe (a shared window between ranks 0
 * and 1 when they share a node; nothing otherwise). */
void mm_probe_open(MPI_Comm comm, mm_probe *p);

/* One probe of `trips` round trips, by ranks 0 and 1 alone (the others
 * return at once). Rank 0 gets the cache line's round trip in ns; 0 where
 * ranks 0 and 1 do not share a node (not measured). */
double mm_probe_run(mm_probe *p, int trips);

void mm_probe_close(mm_probe *p);

/* "#@state_probe_ns": the probe of each of the rounds, in round order, or
 * why there is none. Returns buf. */
char *mm_probe_meta_text(const double *ns, int rounds, char *buf, size_t size);

#endif
