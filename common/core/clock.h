/* The one clock every timing in mpimark uses. */
#ifndef MM_CLOCK_H
#define MM_CLOCK_H

/* Seconds from an arbitrary origin; monotonic, not affected by NTP steps. */
double mm_clock_now(void);

/* The clock's resolution as the OS reports it, in nanoseconds. */
double mm_clock_resolution_ns(void);

/* Seconds one clock read adds to an interval it ends (measured once at
 * the first call: the median difference of back-to-back reads). Per-call
 * samples subtract it (window.h, mm_call_time). */
double mm_clock_read_cost(void);

/* A name for the metadata, e.g. "clock_gettime(CLOCK_MONOTONIC)". */
const char *mm_clock_name(void);

#endif
