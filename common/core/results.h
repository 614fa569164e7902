/* The one results structure every output format is written from. */
#ifndef MM_RESULTS_H
#define MM_RESULTS_H

#include <stddef.h>

#include "stats.h"

typedef struct mm_row {
  char op[32];
  char path[16];      /* buffer | object */
  char payload[16];   /* buffer path: MPI datatype (MPI_BYTE, MPI_DOUBLE); object: bytes | floats */
  size_t bytes;       /* payload bytes of one message */
  size_t wire_bytes;  /* bytes on the wire per message (the pickle's size on the object path) */
  char metric[16];    /* latency | bandwidth | bibw | algbw | busbw */
  char unit[8];       /* us | MB/s */
  long long iterations;  /* timed iterations (valid calls) behind the samples, all rounds */
  long long late;     /* window sync: calls dropped because a rank started late */
  mm_stats st;        /* of the per-sample values, in `unit`; with rounds >= 2 the median
                         and CI come from the round medians (mm_stats_rounds) */
  int rounds;         /* rounds behind the row */
  double round_min, round_max; /* the smallest and largest round median */
  double round_median[MM_MAX_ROUNDS]; /* in round order, for paired ratios */
  double round_probe[MM_MAX_ROUNDS];  /* the state probe (ns) taken as the row's unit began, in
                                         round order; 0 where not measured (stateprobe.h) */
} mm_row;

typedef struct mm_meta {
  char key[32];
  char value[1024];
} mm_meta;

typedef struct mm_results {
  mm_meta *meta;
  size_t n_meta, cap_meta;
  mm_row *rows;
  size_t n_rows, cap_rows;
} mm_results;

/* Both return 0, or -1 when memory runs out. A repeated key replaces. */
int mm_results_set_meta(mm_results *r, const char *key, const char *value);
int mm_results_add_row(mm_results *r, const mm_row *row);

/* How many of a row's rounds carry a state probe of their own
 * (round_probe): all of them, or 0. */
size_t mm_row_probes(const mm_row *w);

/* The value of a metadata key, or NULL. */
const char *mm_results_meta(const mm_results *r, const char *key);

void mm_results_free(mm_results *r);

#endif
