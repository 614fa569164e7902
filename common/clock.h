/* The one clock every timing in mpimark uses. */
#ifndef MM_CLOCK_H
#define MM_CLOCK_H

/* Seconds from an arbitrary origin; monotonic, not affected by NTP steps. */
double mm_clock_now(void);

/* The clock's resolution as the OS reports it, in nanoseconds. */
double mm_clock_resolution_ns(void);

/* A name for the metadata, e.g. "clock_gettime(CLOCK_MONOTONIC)". */
const char *mm_clock_name(void);

#endif
