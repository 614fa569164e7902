#include "validate.h"

#include <stdint.h>
#include <stdio.h>

#include "buffers.h"
#include "errors.h"

const size_t mm_data_ctx_size = sizeof(mm_data_ctx);

unsigned mm_seed_of_rank(int rank) { return (unsigned)rank + 1u; }
unsigned mm_seed_for_rank(int rank) { return 1000u + (unsigned)rank; }
unsigned mm_seed_from_to(int from, int to) { return 1000u * ((unsigned)from + 2u) + (unsigned)to; }

int mm_check_bytes(const void *buf, size_t n, unsigned seed, char *why, size_t len) {
  size_t bad = mm_pattern_check(buf, n, seed);
  if (bad == SIZE_MAX) return MM_OK;
  snprintf(why, len, "byte %zu of %zu is 0x%02x, expected 0x%02x", bad, n,
           ((const uint8_t *)buf)[bad], mm_pattern_byte(bad, seed));
  return MM_EVALIDATE;
}

int mm_check_sums(const double *v, size_t count, int ranks, char *why, size_t len) {
  for (size_t i = 0; i < count; i++) {
    double want = 0.0;
    for (int r = 0; r < ranks; r++) want += mm_pattern_double(i, mm_seed_of_rank(r));
    if (v[i] != want) {
      snprintf(why, len, "float64 element %zu of %zu is %.17g, expected %.17g", i, count, v[i],
               want);
      return MM_EVALIDATE;
    }
  }
  return MM_OK;
}

/* One message per rank in the receive buffer: message r is what rank r
 * sent (alltoall: sent this rank). */
static int check_slots(const mm_data_ctx *c, bool to_me, char *why, size_t len) {
  int err = MM_OK;
  for (int r = 0; r < c->nranks && !err; r++)
    err = mm_check_bytes(c->rbuf + (size_t)r * c->bytes, c->bytes,
                         to_me ? mm_seed_from_to(r, c->rank) : mm_seed_of_rank(r), why, len);
  return err;
}

/* One message per rank in the send buffer: message r is what the root
 * sends rank r (scatter), or what this rank sends rank r (alltoall). */
static void fill_slots(const mm_data_ctx *c, bool scatter) {
  for (int r = 0; r < c->nranks; r++)
    mm_pattern_fill(c->sbuf + (size_t)r * c->bytes, c->bytes,
                    scatter ? mm_seed_for_rank(r) : mm_seed_from_to(c->rank, r));
}

void mm_data_prepare(mm_data data, const mm_data_ctx *c) {
  size_t count = c->bytes / sizeof(double);
  mm_pattern_fill(c->rbuf, MM_DATA_ROOT_RECVS_ALL(data) ? c->bytes * (size_t)c->nranks : c->bytes,
                  0xdeadu);
  switch (data) {
    case MM_DATA_NONE: return;
    case MM_DATA_SCATTER:
      if (c->rank == c->root) fill_slots(c, true);
      return;
    case MM_DATA_ALLTOALL: fill_slots(c, false); return;
    case MM_DATA_REDUCE:
    case MM_DATA_ALLREDUCE:
    case MM_DATA_SCAN:
    case MM_DATA_EXSCAN:
      mm_pattern_fill_doubles((double *)(void *)c->sbuf, count, mm_seed_of_rank(c->rank));
      return;
    case MM_DATA_REDUCE_SCATTER:
      for (int r = 0; r < c->nranks; r++)
        mm_pattern_fill_doubles((double *)(void *)c->sbuf + (size_t)r * count, count,
                                mm_seed_of_rank(c->rank));
      return;
    default: mm_pattern_fill(c->sbuf, c->bytes, mm_seed_of_rank(c->rank)); return;
  }
}

int mm_data_check(mm_data data, mm_shape shape, const mm_data_ctx *c, bool corrupt, char *why,
                  size_t len) {
  if (corrupt && c->bytes > 0) c->rbuf[0] ^= 0xffu;
  const double *sums = (const double *)(const void *)c->rbuf;
  size_t count = c->bytes / sizeof(double);
  int half = c->nranks / 2, me = c->rank;
  switch (data) {
    case MM_DATA_PEER: /* rank 0 gets only the ack of a stream */
      if (me > 1 || (me == 0 && shape == MM_SHAPE_STREAM)) return MM_OK;
      return mm_check_bytes(c->rbuf, c->bytes, mm_seed_of_rank(1 - me), why, len);
    case MM_DATA_PAIRS: /* the receivers: ranks P/2 .. 2 * (P/2) - 1 */
      if (me < half || me >= 2 * half) return MM_OK;
      return mm_check_bytes(c->rbuf, c->bytes, mm_seed_of_rank(me - half), why, len);
    case MM_DATA_BCAST:
      return me == c->root ? MM_OK : mm_check_bytes(c->rbuf, c->bytes, mm_seed_of_rank(c->root), why, len);
    case MM_DATA_SCATTER: return mm_check_bytes(c->rbuf, c->bytes, mm_seed_for_rank(me), why, len);
    case MM_DATA_GATHER: return me == c->root ? check_slots(c, false, why, len) : MM_OK;
    case MM_DATA_ALLGATHER: return check_slots(c, false, why, len);
    case MM_DATA_ALLTOALL: return check_slots(c, true, why, len);
    case MM_DATA_REDUCE: return me == c->root ? mm_check_sums(sums, count, c->nranks, why, len) : MM_OK;
    case MM_DATA_ALLREDUCE:
    case MM_DATA_REDUCE_SCATTER: return mm_check_sums(sums, count, c->nranks, why, len);
    case MM_DATA_SCAN: return mm_check_sums(sums, count, me + 1, why, len);
    case MM_DATA_EXSCAN: return me == 0 ? MM_OK : mm_check_sums(sums, count, me, why, len);
    default: return MM_OK; /* MM_DATA_NONE: it receives nothing */
  }
}
