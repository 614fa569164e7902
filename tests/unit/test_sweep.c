/* The sweep's cells (sweep.h), which both runners measure: sizes rounded
 * to whole doubles where the data are float64 (and the sizes that rounding
 * empties or repeats skipped), sizes over the memory bound left out, units
 * holding the paths of one (operation, size, kernel), every kernel of an
 * operation (its shapes) on each of its paths; an
 * operation that moves no data (barrier) once per path, at 0 bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "request.h"
#include "sweep.h"
#include "unit.h"

static mm_config config(uint32_t ops, unsigned paths, const size_t *sizes, size_t n) {
  mm_config c;
  memset(&c, 0, sizeof c);
  c.ops = ops;
  c.paths = paths;
  c.payload = MM_PAYLOAD_BYTES;
  c.sizes.n = n;
  for (size_t i = 0; i < n; i++) c.sizes.v[i] = sizes[i];
  return c;
}

int main(void) {
  size_t n_ops = mm_request_op_names()->n;
  CHECK(n_ops >= 2 && n_ops <= MM_MAX_OPS);
  mm_op_traits t[MM_MAX_OPS];
  memset(t, 0, sizeof t);
  for (size_t i = 0; i < n_ops; i++) {
    t[i].paths = (1u << MM_PATH_COUNT) - 1;
    t[i].shapes[0] = MM_SHAPE_PINGPONG;
  }
  t[1].float64 = true;          /* op 1 reduces doubles */
  t[1].paths = 1u << MM_PATH_BUFFER | 1u << MM_PATH_OBJECT; /* and has no pkl5 path */
  t[0].shapes[1] = MM_SHAPE_STREAM; /* op 0 has two kernels */

  const size_t sizes[] = {1, 8, 12, 1024};
  mm_config c = config(3u, 1u << MM_PATH_BUFFER | 1u << MM_PATH_OBJECT | 1u << MM_PATH_PKL5, sizes, 4);
  mm_sweep s;
  mm_sweep_fit(&s, &c, t, 1e12, 2);
  CHECK(s.asked == 4 * 3 + 4 * 2 && s.fit == s.asked); /* op 1: two paths */
  CHECK(s.over[0][0] == SIZE_MAX && s.over[1][1] == SIZE_MAX);
  CHECK(s.sbuf >= 1024 && s.rbuf >= 1024);
  CHECK(mm_sweep_cells(&s, &c, t, false) == 0);
  /* op 0: 4 sizes x kernels 0 and 1 x buffer, object, pkl5; op 1: 8 and
   * 1024 only (1 rounds to 0, 12 to 8 again), buffer and object. */
  CHECK(s.n_cells == 4 * 2 * 3 + 2 * 2);
  CHECK(s.n_units == 4 * 2 + 2);
  size_t op1 = 0;
  for (size_t i = 0; i < s.n_cells; i++) {
    const mm_cell_key *k = &s.cells[i];
    if (k->op == 1) {
      op1++;
      CHECK(k->bytes % 8 == 0 && k->bytes > 0 && k->path != MM_PATH_PKL5);
      CHECK(k->size == 1 || k->size == 3);
    }
  }
  CHECK(op1 == 4);
  for (size_t u = 0; u < s.n_units; u++) { /* a unit: one (op, size, kernel), paths ascending */
    const mm_unit *un = &s.units[u];
    CHECK(un->count >= 1 && un->first + un->count <= s.n_cells);
    for (size_t j = 1; j < un->count; j++) {
      const mm_cell_key *a = &s.cells[un->first], *b = &s.cells[un->first + j];
      CHECK(a->op == b->op && a->size == b->size && a->kernel == b->kernel);
      CHECK(s.cells[un->first + j - 1].path < b->path);
    }
  }
  CHECK(s.units[0].count == 3 && s.units[1].count == 3); /* op 0, 1 B: kernel 0 on 3 paths, kernel 1 */
  CHECK(s.cells[0].kernel == 0 && s.cells[3].kernel == 1);
  mm_sweep_free(&s);

  /* A bound that holds 1 KiB messages on the buffer path but not pickled
   * ones (they need about three times their size): the object path stops
   * at 1024, which #@memory_skipped names. */
  c = config(1u, 1u << MM_PATH_BUFFER | 1u << MM_PATH_OBJECT, sizes, 4);
  mm_sweep_fit(&s, &c, t, 2 * 1024 + 100, 2);
  CHECK(s.over[0][MM_PATH_BUFFER] == SIZE_MAX);
  CHECK(s.over[0][MM_PATH_OBJECT] == 1024);
  CHECK(s.fit == s.asked - 1);
  CHECK(mm_sweep_cells(&s, &c, t, false) == 0);
  size_t object_1k = 0;
  for (size_t i = 0; i < s.n_cells; i++)
    object_1k += s.cells[i].path == MM_PATH_OBJECT && s.cells[i].bytes == 1024;
  CHECK(object_1k == 0);
  mm_sweep_free(&s);

  /* The floats payload rounds pickled paths, not the buffer path. */
  c = config(1u, 1u << MM_PATH_BUFFER | 1u << MM_PATH_OBJECT, sizes, 4);
  c.payload = MM_PAYLOAD_FLOATS;
  CHECK(mm_sweep_bytes(&t[0], MM_PATH_BUFFER, c.payload, 12) == 12);
  CHECK(mm_sweep_bytes(&t[0], MM_PATH_OBJECT, c.payload, 12) == 8);
  CHECK(mm_sweep_bytes(&t[1], MM_PATH_BUFFER, MM_PAYLOAD_BYTES, 12) == 8);

  /* A kernel of shape SYNC (barrier): one 0-byte cell per path, whatever
   * the sizes, and no note of skipped sizes. */
  t[0].shapes[0] = MM_SHAPE_SYNC;
  t[0].shapes[1] = MM_SHAPE_NONE;
  c = config(1u, 1u << MM_PATH_BUFFER | 1u << MM_PATH_OBJECT, sizes, 4);
  mm_sweep_fit(&s, &c, t, 1e12, 2);
  CHECK(s.asked == 2 && s.fit == 2);
  CHECK(mm_sweep_cells(&s, &c, t, false) == 0);
  CHECK(s.n_cells == 2 && s.n_units == 1);
  for (size_t i = 0; i < s.n_cells; i++) CHECK(s.cells[i].bytes == 0 && s.cells[i].size == 0);
  mm_sweep_free(&s);
  /* Each operation's kernels are its ops.def line's shapes, in order. */
  mm_op_traits d[MM_MAX_OPS];
  CHECK(mm_op_traits_init(d) == n_ops);
  for (size_t i = 0; i < n_ops; i++) {
    if (!strcmp(d[i].name, "sendrecv"))
      CHECK(d[i].shapes[0] == MM_SHAPE_PINGPONG && d[i].shapes[1] == MM_SHAPE_STREAM &&
            d[i].shapes[2] == MM_SHAPE_NONE);
    if (!strcmp(d[i].name, "ibcast"))
      CHECK(d[i].shapes[0] == MM_SHAPE_COLLECTIVE && d[i].shapes[1] == MM_SHAPE_OVERLAP);
    if (!strcmp(d[i].name, "barrier")) CHECK(d[i].shapes[0] == MM_SHAPE_SYNC && d[i].shapes[1] == MM_SHAPE_NONE);
    CHECK(d[i].shapes[0] != MM_SHAPE_NONE);
  }
  return unit_report("test_sweep");
}
