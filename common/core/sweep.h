/* The sweep's cells, as both runners measure them (the sweep run,
 * common/mpi/sweeprun.h): every selected operation x path x size x
 * kernel, sizes rounded down to whole elements where the data are float64,
 * sizes over the memory bound left out, and units (the paths of one
 * operation, size and kernel, measured back to back so that their ratio is
 * paired; the rounds shuffle units). MPI-free: each runner says what its
 * operations are (mm_op_traits), this file decides what is measured. */
#ifndef MM_SWEEP_H
#define MM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "metrics.h"
#include "options.h"
#include "validate.h"

#define MM_MAX_KERNELS 3 /* of one operation on one path */

/* What the sweep needs to know of one operation (ops.def's order), and
 * what its rows need (sweeprun.h): what it is (its line of ops.def,
 * mm_op_traits_init: its kernels' shapes too), then what the runner has of
 * it (paths). Every path of an operation has the kernels its shapes say. */
typedef struct mm_op_traits {
  const char *name;                /* ops.def's */
  bool collective;                 /* sync applies (harness.h); else point-to-point */
  bool float64;                    /* its elements are doubles (reductions) */
  bool root_sends_all, root_recvs_all; /* the root holds a message per rank */
  bool rootless;                   /* no root: every rank's buffers hold what a root's would (allgather) */
  mm_busbw busbw;                  /* collectives: algbw bytes and busbw factor */
  int pkl5;                        /* first mpi4py generation whose pkl5 has it (0: none) */
  mm_data data;                    /* who sends what to whom (the validation run) */
  unsigned paths;                  /* bit p: it has path p in this run */
  mm_shape shapes[MM_MAX_KERNELS]; /* kernel k's, the same on every path (ops.def);
                                      MM_SHAPE_NONE after the last */
} mm_op_traits;

typedef struct mm_cell_key {
  size_t op, size; /* indices into ops.def and the config's sizes (the output's order) */
  mm_path path;
  size_t kernel;
  size_t bytes;    /* of one message, after rounding */
} mm_cell_key;

typedef struct mm_unit {
  size_t first, count; /* cells[first .. first + count) */
} mm_unit;

typedef struct mm_sweep {
  /* mm_sweep_fit */
  size_t over[MM_MAX_OPS][MM_PATH_COUNT]; /* messages of this many bytes and more do not
                                             fit the memory bound (SIZE_MAX: all fit) */
  double bound;       /* the memory bound, bytes per rank */
  size_t asked, fit;  /* (operation, path, size) selected, and those that fit */
  size_t sbuf, rbuf;  /* bytes of the send and the receive buffer for those that fit */
  /* mm_sweep_cells */
  mm_cell_key *cells;
  size_t n_cells;
  mm_unit *units;
  size_t n_units;
} mm_sweep;

/* Fills t[0 .. mm_max_ops) with what each operation of ops.def is (its
 * line there, its kernels' shapes), paths empty: each runner
 * adds what it has. Returns the number of operations. */
size_t mm_op_traits_init(mm_op_traits *t);

/* Narrows each operation's paths (t->paths: those the runner has kernels
 * for; pkl5 runs the object path's) to those this run measures: pkl5 where
 * ops.def's pkl5 column says the run's mpi4py generation has it
 * (cfg->mpi4py), the pickled paths of a reduction only where --payload's
 * objects add (objects_add: true without --payload). With notes, says on
 * stderr, one line each, why a selected operation lacks a selected path. */
void mm_sweep_paths(mm_op_traits *ops, const mm_config *cfg, bool objects_add, bool notes);

/* The bytes an operation moves on a path for a requested size: float64
 * operations, and pickled paths of the floats and ndarray payloads, round
 * down to whole 8-byte elements; 0 for one that moves no data (its kernels'
 * shape is MM_SHAPE_SYNC: barrier, measured once per path, at the first
 * size). */
size_t mm_sweep_bytes(const mm_op_traits *op, mm_path path, mm_payload payload, size_t requested);

/* Fits the selected cells of ops (one per line of ops.def) to `bound` bytes
 * per rank, smaller messages first (buffers.h: mm_memory_fits); fills
 * s->over, bound, asked, fit, sbuf and rbuf. */
void mm_sweep_fit(mm_sweep *s, const mm_config *cfg, const mm_op_traits *ops, double bound, int nranks);

/* Whether the buffers of what fits can be had (after mm_sweep_fit), from
 * this node's available memory (0: unknown), this rank's need (sbuf +
 * rbuf) and its node's ranks' need together: MM_ETOOBIG when no size fits
 * the bound (which --memory set, or its auto value), or when the node's
 * ranks would need more than it has (a request that would push a node into
 * swap or the OOM killer is a usage error, not a crash); else MM_OK. Either
 * way why says what went wrong, or what a failed allocation would mean. */
int mm_sweep_memory_verdict(const mm_sweep *s, const mm_config *cfg, double avail, double node_need,
                            char *why, size_t len);

/* Lists the cells and units of what fits (after mm_sweep_fit). With notes,
 * says on stderr which sizes rounding skipped. Returns 0, or -1 when memory
 * runs out. */
int mm_sweep_cells(mm_sweep *s, const mm_config *cfg, const mm_op_traits *ops, bool notes);

void mm_sweep_free(mm_sweep *s);

/* Sizes of the structs above, for the mpi4py runner's mirrors. */
extern const size_t mm_op_traits_size, mm_cell_key_size, mm_sweep_size, mm_max_ops,
    mm_max_kernels;

#endif
