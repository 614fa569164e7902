#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buffers.h"
#include "errors.h"

const size_t mm_data_ctx_size = sizeof(mm_data_ctx);

unsigned mm_seed_of_rank(int rank) { return (unsigned)rank + 1u; }
unsigned mm_seed_for_rank(int rank) { return 1000u + (unsigned)rank; }
unsigned mm_seed_from_to(int from, int to) { return 1000u * ((unsigned)from + 2u) + (unsigned)to; }

/* buf against the pattern of seed (the bytes of a message). */
static int check_bytes(const void *buf, size_t n, unsigned seed, char *why, size_t len) {
  size_t bad = mm_pattern_check(buf, n, seed);
  if (bad == SIZE_MAX) return MM_OK;
  snprintf(why, len, "byte %zu of %zu is 0x%02x, expected 0x%02x", bad, n,
           ((const uint8_t *)buf)[bad], mm_pattern_byte(bad, seed));
  return MM_EVALIDATE;
}

/* Element i of the float64s at v, which a decoded object may hold unaligned. */
static double element(const void *v, size_t i) {
  double x;
  memcpy(&x, (const unsigned char *)v + i * sizeof x, sizeof x);
  return x;
}

static int check_element(size_t i, size_t count, double got, double want, char *why, size_t len) {
  if (got == want) return MM_OK;
  snprintf(why, len, "float64 element %zu of %zu is %.17g, expected %.17g", i, count, got, want);
  return MM_EVALIDATE;
}

/* v against the float64 pattern of seed (the float payloads). */
static int check_doubles(const void *v, size_t count, unsigned seed, char *why, size_t len) {
  int err = MM_OK;
  for (size_t i = 0; i < count && !err; i++)
    err = check_element(i, count, element(v, i), mm_pattern_double(i, seed), why, len);
  return err;
}

/* v against the sums of ranks 0 .. ranks-1's float64s (reductions, scans). */
static int check_sums(const void *v, size_t count, int ranks, char *why, size_t len) {
  int err = MM_OK;
  for (size_t i = 0; i < count && !err; i++) {
    double want = 0.0;
    for (int r = 0; r < ranks; r++) want += mm_pattern_double(i, mm_seed_of_rank(r));
    err = check_element(i, count, element(v, i), want, why, len);
  }
  return err;
}

int mm_data_messages(mm_data data, mm_shape shape, const mm_data_ctx *c, bool object) {
  int half = c->nranks / 2, me = c->rank;
  switch (data) {
    case MM_DATA_PEER: /* rank 0 gets only the ack of a stream */
      return me > 1 || (me == 0 && shape == MM_SHAPE_STREAM) ? 0 : 1;
    case MM_DATA_PAIRS: return me >= half && me < 2 * half; /* the receivers */
    case MM_DATA_BCAST: return me != c->root || object;
    case MM_DATA_GATHER: return me == c->root ? c->nranks : 0;
    case MM_DATA_ALLGATHER:
    case MM_DATA_ALLTOALL: return c->nranks;
    case MM_DATA_REDUCE: return me == c->root;
    case MM_DATA_EXSCAN: return me > 0;
    case MM_DATA_NONE: return 0;
    default: return 1; /* scatter, allreduce, reduce_scatter, scan */
  }
}

int mm_data_sums(mm_data data, const mm_data_ctx *c) {
  switch (data) {
    case MM_DATA_REDUCE:
    case MM_DATA_ALLREDUCE:
    case MM_DATA_REDUCE_SCATTER: return c->nranks;
    case MM_DATA_SCAN: return c->rank + 1;
    case MM_DATA_EXSCAN: return c->rank;
    default: return 0;
  }
}

/* The pattern seed of message i of what this rank receives (not a sum). */
static unsigned seed_of_message(mm_data data, const mm_data_ctx *c, int i) {
  switch (data) {
    case MM_DATA_PEER: return mm_seed_of_rank(1 - c->rank);
    case MM_DATA_PAIRS: return mm_seed_of_rank(c->rank - c->nranks / 2);
    case MM_DATA_BCAST: return mm_seed_of_rank(c->root);
    case MM_DATA_SCATTER: return mm_seed_for_rank(c->rank);
    case MM_DATA_ALLTOALL: return mm_seed_from_to(i, c->rank);
    default: return mm_seed_of_rank(i); /* gather, allgather: what rank i sent */
  }
}

int mm_data_check_message(mm_data data, const mm_data_ctx *c, int i, const void *msg, bool doubles,
                          char *why, size_t len) {
  int sums = mm_data_sums(data, c), err;
  size_t count = c->bytes / sizeof(double);
  if (sums > 0) err = check_sums(msg, count, sums, why, len);
  else if (doubles) err = check_doubles(msg, count, seed_of_message(data, c, i), why, len);
  else err = check_bytes(msg, c->bytes, seed_of_message(data, c, i), why, len);
  if (err && MM_DATA_ROOT_RECVS_ALL(data)) { /* one message from each rank: say which */
    char what[256];
    snprintf(what, sizeof what, "%s", why);
    snprintf(why, len, "the message from rank %d: %s", i, what);
  }
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
  int n = mm_data_messages(data, shape, c, false), err = MM_OK;
  for (int i = 0; i < n && !err; i++)
    err = mm_data_check_message(data, c, i, c->rbuf + (size_t)i * c->bytes, false, why, len);
  return err;
}
