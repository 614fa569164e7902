#include "suite.h"

#include <stdio.h>
#include <stdlib.h>

#include "buffers.h"
#include "errors.h"
#include "mpi_util.h"
#include "objects.h"
#include "sweeprun.h"

/* What the sweep needs to know of each operation (sweep.h): what it is
 * (ops.def, its kernels' shapes too), the paths it has kernels for (one
 * per shape of ops.def's kernels column: an op file that has more or fewer
 * stops every run at once, naming it); then the paths of this run
 * (mm_sweep_paths: pkl5 only where the modelled mpi4py has the method),
 * with notes at rank 0. */
static void op_traits(const mm_suite *s, mm_op_traits t[MM_MAX_OPS]) {
  mm_op_traits_init(t);
  for (size_t i = 0; i < mm_n_ops; i++) {
    const mm_op *op = mm_ops[i];
    for (int p = 0; p < MM_PATH_COUNT; p++) {
      if (mm_op_path(op, (mm_path)p)->kernels[0] == NULL) continue;
      t[i].paths |= 1u << p;
      for (size_t k = 0; k < MM_MAX_KERNELS; k++) {
        bool has = mm_op_path(op, (mm_path)p)->kernels[k] != NULL;
        if (has != (t[i].shapes[k] != MM_SHAPE_NONE)) {
          fprintf(stderr, "mpimark: op_%s.c's kernels are not ops.def's (kernel %zu)\n", t[i].name, k);
          abort();
        }
      }
    }
  }
  mm_sweep_paths(t, s->cfg, true, s->rank == 0 && !s->cfg->quiet);
}

int mm_suite_fit_memory(mm_suite *s, char *why, size_t len) {
  op_traits(s, s->traits);
  return mm_sweep_fit_job(s->comm, s->cfg, s->traits, &s->sweep, why, len);
}

/* ---- The kernels of mpimark's operations, as the sweep run calls them ---- */

static mm_kernel_fn kernel_of(const mm_visit *v) {
  return mm_op_path(mm_ops[v->cell->op], v->cell->path)->kernels[v->cell->kernel];
}

static int setup(void *self, mm_visit *v) {
  mm_suite *s = self;
  const mm_config *cfg = s->cfg;
  const mm_cell_key *k = v->cell;
  s->ctx = (mm_ctx){.comm = s->comm, .rank = s->rank, .nranks = s->nranks, .root = cfg->root,
                    .bytes = k->bytes, .wire_bytes = k->bytes, .path = k->path,
                    .pkl5_threshold = cfg->pkl5_threshold, .window = v->window,
                    .payload = cfg->payload, .numpy = cfg->numpy, .mpi4py = cfg->mpi4py,
                    .data = s->traits[k->op].data,
                    .sbuf = s->sbuf, .rbuf = s->rbuf, .reqs = s->reqs,
                    .compute_s = v->compute_s};
  const struct mm_op_path *table = mm_op_path(mm_ops[k->op], k->path);
  int err = table->setup ? table->setup(&s->ctx) : MM_OK;
  v->run = kernel_of(v);
  v->ctx = &s->ctx;
  v->wire_bytes = s->ctx.wire_bytes;
  return err;
}

/* One untimed run with known data, then this rank checks what it got by
 * the operation's data (validate.h, as the mpi4py runner): the buffer
 * path's receive buffer, or the objects the pickled paths decoded
 * (objects.h). corrupt: the test hook that proves the checks fail. */
static int check(void *self, mm_visit *v, bool corrupt, char *why, size_t len) {
  mm_suite *s = self;
  mm_ctx *c = &s->ctx;
  const mm_op_traits *t = &s->traits[v->cell->op];
  const struct mm_op_path *table = mm_op_path(mm_ops[v->cell->op], c->path);
  mm_data_ctx data = {.rank = c->rank, .nranks = c->nranks, .root = c->root, .bytes = c->bytes,
                      .sbuf = c->sbuf, .rbuf = c->rbuf};
  if (c->path == MM_PATH_BUFFER) mm_data_prepare(t->data, &data);
  else if (table->prepare) table->prepare(c);
  int err = kernel_of(v)(c);
  if (err) mm_mpi_die(c->comm, err, "%s", mm_strerror(err));
  mm_shape shape = t->shapes[v->cell->kernel];
  if (c->path == MM_PATH_BUFFER) return mm_data_check(t->data, shape, &data, corrupt, why, len);
  if (corrupt) mm_obj_corrupt(c);
  return mm_obj_check_received(c, shape, why, len);
}

static void teardown(void *self, mm_visit *v) {
  mm_suite *s = self;
  const struct mm_op_path *table = mm_op_path(mm_ops[v->cell->op], v->cell->path);
  if (table->teardown) table->teardown(&s->ctx);
}

int mm_suite_run(mm_suite *s, mm_results *results) {
  mm_sweep_job job = {.comm = s->comm, .rank = s->rank, .nranks = s->nranks, .cfg = s->cfg,
                      .hooks = s->hooks, .seed = s->seed, .sweep = &s->sweep, .traits = s->traits,
                      .kernels = {s, setup, check, teardown}};
  return mm_sweep_run(&job, results);
}
