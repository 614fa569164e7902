/* mpimark's command-line options: one declarative table (options.def),
 * parsed once, the same way on every rank, into a config that is const
 * from then on. */
#ifndef MM_OPTIONS_H
#define MM_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "sizes.h"
#include "stats.h"
#include "timing.h"

#define MM_MAX_OPS 32 /* mm_config.ops has a bit per operation */

/* pkl5's own default threshold (mpi4py.util.pkl5: Pickle.THRESHOLD = 1024**2 // 4). */
#define MM_PKL5_THRESHOLD_DEFAULT ((size_t)256 << 10)

/* -W auto: 64 messages in flight, or as many as fit in 16 MiB (at least 2):
 * a 4 MiB stream is as saturated with 4 in flight as with 64, and takes a
 * sixteenth of the time and memory. */
#define MM_WINDOW_AUTO_MAX 64
#define MM_WINDOW_AUTO_BYTES ((size_t)16 << 20)

/* The paths (common/defs/paths.def): raw buffers, mpi4py's pickled objects, and
 * mpi4py.util.pkl5's pickles with out-of-band buffers. */
typedef enum {
#define MM_PATH(id, name) MM_PATH_##id,
#include "paths.def"
#undef MM_PATH
  MM_PATH_COUNT
} mm_path;
/* The pickled paths' payloads (common/defs/payloads.def). */
typedef enum {
#define MM_PAYLOAD(id, name) MM_PAYLOAD_##id,
#define MM_DATATYPE(name)
#define MM_USER_PAYLOAD(name)
#include "payloads.def"
#undef MM_PAYLOAD
#undef MM_DATATYPE
#undef MM_USER_PAYLOAD
  MM_PAYLOAD_COUNT
} mm_payload;
extern const char *const mm_payload_names[MM_PAYLOAD_COUNT];
/* The payload column of --payload MODULE:FUNCTION (payloads.def's MM_USER_PAYLOAD). */
extern const char *const mm_user_payload_name;

/* Whether a path sends pickled objects (the object and pkl5 paths). */
static inline bool mm_path_pickles(mm_path p) { return p != MM_PATH_BUFFER; }
/* Whether a set of paths (bit per path) holds one that pickles. */
static inline bool mm_paths_pickle(unsigned paths) { return paths & ~(1u << MM_PATH_BUFFER); }

/* Object-path payloads made of float64 elements (sizes round down to 8). */
static inline bool mm_payload_float64(mm_payload p) { return p != MM_PAYLOAD_BYTES; }



typedef struct mm_config {
  uint32_t ops;            /* bit i: operation i of the registry is selected */
  unsigned paths;          /* bit (1 << mm_path) per selected path */
  mm_payload payload;
  const char *user_payload; /* --payload MODULE:FUNCTION: the user's own objects (the mpi4py
                              runner makes them; mpimark's request refuses them), or NULL */
  int mpi4py;              /* object and pkl5 paths: mpi4py's protocol generation, 3 or 4 */
  int numpy;               /* ndarray payload: the NumPy major version whose pickle, 1 or 2 */
  size_t pkl5_threshold;   /* pkl5 path: arrays of at least this many bytes go out-of-band */
  bool pkl5_threshold_auto; /* ... pkl5's own default (auto, no $MPI4PY_PICKLE_THRESHOLD) */
  mm_sizes sizes;
  long iterations;         /* timed iterations per size; 0: use the time budget */
  long warmup;             /* untimed iterations before timing, or MM_WARMUP_AUTO */
  double time_budget;      /* seconds per (operation, metric, size), shared by the rounds */
  int rounds;              /* sweeps of all cells, each in a new order */
  unsigned long seed;      /* of the rounds' visiting orders; 0: pick one at run time */
  int launch, launches;    /* --launch I/L: this process is launch I of L (0, 0: not given);
                              time_budget and rounds are then this launch's share */
  mm_sync sync;            /* collectives: window, barrier or batch */
  mm_rank_time rank_time;  /* collectives: slowest, average or fastest rank's time */
  int window;              /* messages in flight for bandwidth (the most, if window_auto) */
  bool window_auto;        /* -W auto: fewer for large messages (mm_stream_window) */
  int root;                /* root rank of rooted collectives */
  bool hugepages;          /* message buffers madvise()d for transparent huge pages */
  bool heap_pinned;        /* --heap pinned: glibc's heap kept for reuse (heap.def) */
  double memory;           /* -M: bytes each rank may use for messages; 0: auto */
  bool validate;
  mm_format format;
  const char *output;      /* also write results here (.csv or .json), or NULL */
  bool force;              /* replace an existing output file */
  bool wide;               /* the table's full layout (format is then MM_FORMAT_WIDE) */
  bool quiet;              /* no progress on stderr */
  bool help, version;
} mm_config;

/* The operations the parser accepts as positional arguments. */
typedef struct mm_op_names {
  size_t n;
  const char *const *names;
  const char *const *summaries;
  const bool *in_default; /* run without naming it (no OP given) */
} mm_op_names;

/* Parses argv into cfg (defaults first). Returns 0, or -1 with a one-line
 * message in err. Pure: no MPI, no I/O, so every rank reaches the same
 * verdict on the same argv. */
int mm_options_parse(int argc, char **argv, const mm_op_names *ops, mm_config *cfg, char *err,
                     size_t errlen);

/* The --help text, generated from the option table and the operation list,
 * after the program's usage lines and before its notes (both runners). */
void mm_options_usage(FILE *fp, const mm_op_names *ops, const char *intro, const char *notes);

/* mpimark's intro and notes (the mpi4py runner has its own: runner/). */
extern const char *const mm_options_intro, *const mm_options_notes;

/* The same text in a new string (free()), for the mpi4py runner. */
char *mm_options_usage_text(const mm_op_names *ops, const char *intro, const char *notes);

/* sizeof(mm_config), for the runner's ctypes mirror. */
extern const size_t mm_config_size;

const char *mm_path_name(mm_path p);

/* Messages in flight for a bandwidth kernel at this size. */
int mm_stream_window(const mm_config *cfg, size_t bytes);
/* ... from -W's two fields (the mpi4py runner's call). */
int mm_stream_window_of(int window, bool window_auto, size_t bytes);
extern const size_t mm_window_auto_bytes; /* MM_WINDOW_AUTO_BYTES */
const char *mm_format_name(mm_format f);

#endif
