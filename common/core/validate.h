/* What each rank sends and what it must receive in the untimed validation
 * run of the buffer path (-c check), for both runners: each operation's
 * data (its line of ops.def: mm_op_traits.data) says which ranks send which
 * pattern (buffers.h) and which receive which. MPI-free. */
#ifndef MM_VALIDATE_H
#define MM_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "metrics.h"

/* ops.def's data column: who sends what to whom. */
typedef enum {
  MM_DATA_NONE,           /* nothing moves (barrier) */
  MM_DATA_PEER,           /* ranks 0 and 1, each its own bytes (a stream's sender gets only an ack) */
  MM_DATA_PAIRS,          /* rank r < P/2 to r + P/2, its own bytes */
  MM_DATA_BCAST,          /* the root's bytes to every rank */
  MM_DATA_SCATTER,        /* the root's message r to rank r */
  MM_DATA_GATHER,         /* every rank's bytes to the root, one message each */
  MM_DATA_ALLGATHER,      /* every rank's bytes to every rank */
  MM_DATA_ALLTOALL,       /* rank s's message d to rank d */
  MM_DATA_REDUCE,         /* the sum of every rank's float64s, at the root */
  MM_DATA_ALLREDUCE,      /* that sum at every rank */
  MM_DATA_REDUCE_SCATTER, /* every rank sends a block per rank; rank r gets block r's sum */
  MM_DATA_SCAN,           /* rank r gets the sum over ranks 0 .. r */
  MM_DATA_EXSCAN,         /* rank r gets the sum over ranks 0 .. r-1 (rank 0 nothing) */
} mm_data;

/* What a kind of data implies (ops.def names only the kind): its elements
 * are float64 (reductions); the root's send buffer holds a message per
 * rank (scatter); its receive buffer does (gather); every rank's buffers
 * hold what a root's would (allgather, alltoall, reduce_scatter: no root).
 * Constant expressions, for the table of traits (sweep.c). */
#define MM_DATA_FLOAT64(d)                                                                 \
  ((d) == MM_DATA_REDUCE || (d) == MM_DATA_ALLREDUCE || (d) == MM_DATA_REDUCE_SCATTER || \
   (d) == MM_DATA_SCAN || (d) == MM_DATA_EXSCAN)
#define MM_DATA_ROOT_SENDS_ALL(d) \
  ((d) == MM_DATA_SCATTER || (d) == MM_DATA_ALLTOALL || (d) == MM_DATA_REDUCE_SCATTER)
#define MM_DATA_ROOT_RECVS_ALL(d) \
  ((d) == MM_DATA_GATHER || (d) == MM_DATA_ALLGATHER || (d) == MM_DATA_ALLTOALL)
#define MM_DATA_ROOTLESS(d) \
  ((d) == MM_DATA_ALLGATHER || (d) == MM_DATA_ALLTOALL || (d) == MM_DATA_REDUCE_SCATTER)

/* Pattern seeds: the data rank r sends; what the root sends to rank r in
 * a scatter; what rank `from` sends rank `to` in an alltoall. */
unsigned mm_seed_of_rank(int rank);
unsigned mm_seed_for_rank(int rank);
unsigned mm_seed_from_to(int from, int to);

/* One rank's side of a validation run. */
typedef struct mm_data_ctx {
  int rank, nranks, root;
  size_t bytes;             /* of one message */
  unsigned char *sbuf, *rbuf; /* the buffer path's buffers, sized for the cell */
} mm_data_ctx;

/* Before the run: fills the receive buffer with a pattern no rank sends
 * (no stale data from an earlier run passes), and the send buffer with
 * what this rank sends. */
void mm_data_prepare(mm_data data, const mm_data_ctx *c);

/* What rank c->rank receives in one run of a kernel of `shape`: how many
 * messages of c->bytes (0: nothing; one message per rank where the data
 * gathers them). A window's messages are one message, repeated. object:
 * on the pickled paths, where bcast's root decodes its own pickle too. */
int mm_data_messages(mm_data data, mm_shape shape, const mm_data_ctx *c, bool object);

/* How many ranks' float64s each of those messages sums (ranks 0 .. k-1:
 * reductions, scans), or 0 when a message is one rank's pattern. */
int mm_data_sums(mm_data data, const mm_data_ctx *c);

/* Checks message i of those, c->bytes at msg (any alignment): MM_OK, or
 * MM_EVALIDATE with why (the first byte or float64 that differs). doubles:
 * the message holds its pattern as float64s (the float payloads of the
 * pickled paths), not bytes. The pickled paths of both runners lay out
 * what they decoded and call this, as mm_data_check does on the buffer. */
int mm_data_check_message(mm_data data, const mm_data_ctx *c, int i, const void *msg, bool doubles,
                          char *why, size_t len);

/* After the run of a kernel of `shape` on the buffer path: every message
 * in the receive buffer checked (mm_data_check_message). corrupt: the test
 * hook that proves the check fails, flipping the first received byte
 * first. */
int mm_data_check(mm_data data, mm_shape shape, const mm_data_ctx *c, bool corrupt, char *why,
                  size_t len);

extern const size_t mm_data_ctx_size;

#endif
