/* The buffer path's validation run (validate.h), without MPI: three ranks'
 * buffers, the messages an operation's data says they exchange copied as
 * MPI would deliver them, then every rank's check; a wrong byte, a wrong
 * sender or a wrong sum fails it. */
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "buffers.h"
#include "unit.h"
#include "validate.h"

#define P 3
#define N 64 /* bytes of one message: 8 float64s */

static _Alignas(double) unsigned char sbuf[P][P * N], rbuf[P][P * N];

static mm_data_ctx ctx(int r) {
  return (mm_data_ctx){.rank = r, .nranks = P, .root = 0, .bytes = N, .sbuf = sbuf[r], .rbuf = rbuf[r]};
}

static void prepare(mm_data data) {
  for (int r = 0; r < P; r++) {
    mm_data_ctx c = ctx(r);
    mm_data_prepare(data, &c);
  }
}

/* Every rank's check of a kernel of shape: the number that fail. */
static int failing(mm_data data, mm_shape shape) {
  int bad = 0;
  char why[128];
  for (int r = 0; r < P; r++) {
    mm_data_ctx c = ctx(r);
    bad += mm_data_check(data, shape, &c, false, why, sizeof why) != MM_OK;
  }
  return bad;
}

static void sums(int r, int ranks) { /* rank r's buffer: the sums over ranks 0 .. ranks-1 */
  double *out = (double *)(void *)rbuf[r], v[N / 8];
  memset(out, 0, N);
  for (int s = 0; s < ranks; s++) {
    memcpy(v, sbuf[s], N);
    for (int i = 0; i < N / 8; i++) out[i] += v[i];
  }
}

int main(void) {
  /* sendrecv's ping-pong: ranks 0 and 1 swap; rank 2 idles. */
  prepare(MM_DATA_PEER);
  CHECK(failing(MM_DATA_PEER, MM_SHAPE_PINGPONG) == 2); /* nothing delivered yet */
  memcpy(rbuf[0], sbuf[1], N);
  memcpy(rbuf[1], sbuf[0], N);
  CHECK(failing(MM_DATA_PEER, MM_SHAPE_PINGPONG) == 0);
  rbuf[1][N - 1] ^= 1u;
  CHECK(failing(MM_DATA_PEER, MM_SHAPE_PINGPONG) == 1);
  /* a stream: rank 0 gets only the ack */
  prepare(MM_DATA_PEER);
  memcpy(rbuf[1], sbuf[0], N);
  CHECK(failing(MM_DATA_PEER, MM_SHAPE_STREAM) == 0);
  char why[128];
  mm_data_ctx c1 = ctx(1);
  CHECK(mm_data_check(MM_DATA_PEER, MM_SHAPE_STREAM, &c1, true, why, sizeof why) == MM_EVALIDATE);
  CHECK(strstr(why, "byte 0 of 64") != NULL);

  /* scatter: the root's message r to rank r; from the wrong slot, fails */
  prepare(MM_DATA_SCATTER);
  for (int r = 0; r < P; r++) memcpy(rbuf[r], sbuf[0] + r * N, N);
  CHECK(failing(MM_DATA_SCATTER, MM_SHAPE_COLLECTIVE) == 0);
  memcpy(rbuf[2], sbuf[0] + N, N);
  CHECK(failing(MM_DATA_SCATTER, MM_SHAPE_COLLECTIVE) == 1);

  /* alltoall: message d of rank s to rank d, into slot s */
  prepare(MM_DATA_ALLTOALL);
  for (int s = 0; s < P; s++)
    for (int d = 0; d < P; d++) memcpy(rbuf[d] + s * N, sbuf[s] + d * N, N);
  CHECK(failing(MM_DATA_ALLTOALL, MM_SHAPE_COLLECTIVE) == 0);
  memcpy(rbuf[1] + 2 * N, sbuf[2] + 0 * N, N); /* what rank 2 sent rank 0 */
  CHECK(failing(MM_DATA_ALLTOALL, MM_SHAPE_COLLECTIVE) == 1);

  /* gather: only the root receives, a message per rank */
  prepare(MM_DATA_GATHER);
  CHECK(failing(MM_DATA_GATHER, MM_SHAPE_COLLECTIVE) == 1);
  for (int s = 0; s < P; s++) memcpy(rbuf[0] + s * N, sbuf[s], N);
  CHECK(failing(MM_DATA_GATHER, MM_SHAPE_COLLECTIVE) == 0);

  /* scan and exscan: prefix sums; exscan's rank 0 gets nothing */
  prepare(MM_DATA_SCAN);
  for (int r = 0; r < P; r++) sums(r, r + 1);
  CHECK(failing(MM_DATA_SCAN, MM_SHAPE_COLLECTIVE) == 0);
  CHECK(failing(MM_DATA_EXSCAN, MM_SHAPE_COLLECTIVE) == 2); /* one rank too many summed */
  for (int r = 0; r < P; r++) sums(r, r);
  CHECK(failing(MM_DATA_EXSCAN, MM_SHAPE_COLLECTIVE) == 0);
  CHECK(failing(MM_DATA_ALLREDUCE, MM_SHAPE_COLLECTIVE) == 3);
  for (int r = 0; r < P; r++) sums(r, P);
  CHECK(failing(MM_DATA_ALLREDUCE, MM_SHAPE_COLLECTIVE) == 0);
  CHECK(failing(MM_DATA_NONE, MM_SHAPE_SYNC) == 0);

  /* The pickled paths: bcast's root decodes its own pickle (one message,
   * where the buffer path's root receives none); a float payload's
   * message is float64s of the pattern, read at any alignment. */
  mm_data_ctx c0 = ctx(0);
  CHECK(mm_data_messages(MM_DATA_BCAST, MM_SHAPE_COLLECTIVE, &c0, false) == 0);
  CHECK(mm_data_messages(MM_DATA_BCAST, MM_SHAPE_COLLECTIVE, &c0, true) == 1);
  CHECK(mm_data_messages(MM_DATA_GATHER, MM_SHAPE_COLLECTIVE, &c0, true) == P);
  CHECK(mm_data_sums(MM_DATA_EXSCAN, &c1) == 1);
  static unsigned char floats[N + 1];
  mm_pattern_fill_doubles((double *)(void *)rbuf[0], N / 8, mm_seed_of_rank(0));
  memcpy(floats + 1, rbuf[0], N); /* unaligned, as inside a pickle */
  CHECK(mm_data_check_message(MM_DATA_BCAST, &c1, 0, floats + 1, true, why, sizeof why) == MM_OK);
  CHECK(mm_data_check_message(MM_DATA_BCAST, &c1, 0, floats + 1, false, why, sizeof why) == MM_EVALIDATE);
  floats[N] += 1;
  CHECK(mm_data_check_message(MM_DATA_BCAST, &c1, 0, floats + 1, true, why, sizeof why) == MM_EVALIDATE);
  CHECK(strstr(why, "float64 element 7 of 8") != NULL);
  return unit_report("test_validate");
}
