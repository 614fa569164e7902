/* Progress of a long sweep on stderr, the same from both runners: a live
 * line on a terminal, else one line per round (a log file stays short). */
#ifndef MM_PROGRESS_H
#define MM_PROGRESS_H

#include <stddef.h>

/* After `done` of `total` units of round `round` (from 0) of `rounds`,
 * `elapsed` seconds into the sweep. Call at rank 0, unless quiet. */
void mm_progress(int round, int rounds, size_t done, size_t total, double elapsed);

#endif
