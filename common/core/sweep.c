#include "sweep.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "errors.h"
#include "sizes.h"
#include "request.h"

const size_t mm_op_traits_size = sizeof(mm_op_traits), mm_cell_key_size = sizeof(mm_cell_key),
             mm_sweep_size = sizeof(mm_sweep), mm_max_ops = MM_MAX_OPS,
             mm_max_kernels = MM_MAX_KERNELS;

/* ops.def's columns, read as traits; what the data imply (validate.h). */
enum { MM_P2P, MM_COLLECTIVE };
#define MM_OP(name_, min_ranks, in_default, kind, kernels, busbw_, pkl5_, data_, summary)         \
  {.name = #name_, .collective = MM_##kind == MM_COLLECTIVE, .float64 = MM_DATA_FLOAT64(MM_DATA_##data_), \
   .root_sends_all = MM_DATA_ROOT_SENDS_ALL(MM_DATA_##data_),                                     \
   .root_recvs_all = MM_DATA_ROOT_RECVS_ALL(MM_DATA_##data_), .rootless = MM_DATA_ROOTLESS(MM_DATA_##data_), \
   .busbw = MM_BUSBW_##busbw_, .pkl5 = pkl5_, .data = MM_DATA_##data_},
static const mm_op_traits defined[] = {
#include "ops.def"
};
#undef MM_OP
_Static_assert(sizeof defined / sizeof *defined <= MM_MAX_OPS, "more operations in ops.def than MM_MAX_OPS");
#define MM_OP(name, min_ranks, in_default, kind, kernels, busbw, pkl5, data, summary) kernels,
static const char *const kernel_shapes[] = {
#include "ops.def"
};
#undef MM_OP

/* An operation's shapes from its kernels column ("pingpong stream"). A name
 * that is not a shape's, or too many, is a broken ops.def: every run stops
 * at once, naming it. */
static void parse_shapes(const char *name, const char *list, mm_shape out[MM_MAX_KERNELS]) {
  size_t k = 0;
  for (const char *p = list + strspn(list, " "); *p; p += strspn(p, " ")) {
    size_t len = strcspn(p, " ");
    int s = MM_SHAPE_COUNT;
    while (--s > MM_SHAPE_NONE && (strlen(mm_shape_names[s]) != len || strncmp(p, mm_shape_names[s], len)))
      ;
    if (s == MM_SHAPE_NONE || k == MM_MAX_KERNELS) {
      fprintf(stderr, "mpimark: ops.def: %s: bad kernels \"%s\"\n", name, list);
      abort();
    }
    out[k++] = (mm_shape)s;
    p += len;
  }
}

size_t mm_op_traits_init(mm_op_traits *t) {
  size_t n = sizeof defined / sizeof *defined;
  for (size_t i = 0; i < n; i++) {
    t[i] = defined[i];
    parse_shapes(t[i].name, kernel_shapes[i], t[i].shapes);
  }
  return n;
}

void mm_sweep_paths(mm_op_traits *ops, const mm_config *cfg, bool objects_add, bool notes) {
  const unsigned object = 1u << MM_PATH_OBJECT, pkl5 = 1u << MM_PATH_PKL5;
  size_t n = mm_request_op_names()->n;
  for (size_t i = 0; i < n; i++) {
    mm_op_traits *t = &ops[i];
    bool lowercase = t->paths & object, adds = objects_add || !cfg->user_payload || !t->float64;
    if (!t->pkl5 || t->pkl5 > cfg->mpi4py) t->paths &= ~pkl5;
    if (!adds) t->paths &= ~(object | pkl5);
    if (!notes || !((cfg->ops >> i) & 1u)) continue;
    if ((cfg->paths & object) && !lowercase)
      fprintf(stderr, "mpimark: %s: no object path (mpi4py has no lowercase %s): skipped\n", t->name,
              t->name);
    if (!adds && lowercase && (cfg->paths & (object | pkl5)))
      fprintf(stderr, "mpimark: %s: --payload %s: the objects have no + (reductions of Python objects add "
              "them): pickled paths skipped\n", t->name, cfg->user_payload);
    else if ((cfg->paths & pkl5) && !(t->paths & pkl5)) {
      char gen[32] = ""; /* a later generation's pkl5 has it: name the one that lacks it */
      if (t->pkl5) snprintf(gen, sizeof gen, "mpi4py %d's ", cfg->mpi4py);
      fprintf(stderr, "mpimark: %s: no pkl5 path (%smpi4py.util.pkl5 has no %s): skipped\n", t->name, gen,
              t->name);
    }
  }
}

static bool has(const mm_config *cfg, const mm_op_traits *op, size_t i, mm_path p) {
  return ((cfg->ops >> i) & 1u) && (cfg->paths & op->paths & (1u << p));
}

/* An operation that moves no data (barrier) is measured once per path, at
 * the first size, as 0 bytes: SIZE does not apply to it. */
static bool sizeless(const mm_op_traits *op) { return op->shapes[0] == MM_SHAPE_SYNC; }

static size_t n_sizes(const mm_config *cfg, const mm_op_traits *op) {
  return sizeless(op) ? 1 : cfg->sizes.n;
}

size_t mm_sweep_bytes(const mm_op_traits *op, mm_path path, mm_payload payload, size_t requested) {
  if (sizeless(op)) return 0;
  bool elements = op->float64 || (mm_path_pickles(path) && mm_payload_float64(payload));
  return elements ? requested / sizeof(double) * sizeof(double) : requested;
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

void mm_sweep_fit(mm_sweep *s, const mm_config *cfg, const mm_op_traits *ops, double bound, int nranks) {
  size_t n_ops = mm_request_op_names()->n, bytes[MM_SIZES_MAX_COUNT];
  s->bound = bound;
  s->asked = s->fit = s->sbuf = s->rbuf = 0;
  for (size_t i = 0; i < MM_MAX_OPS; i++)
    for (int p = 0; p < MM_PATH_COUNT; p++) s->over[i][p] = SIZE_MAX;
  for (size_t i = 0; i < n_ops; i++)
    for (int p = 0; p < MM_PATH_COUNT; p++) {
      const mm_op_traits *op = &ops[i];
      if (!has(cfg, op, i, (mm_path)p)) continue;
      size_t n = n_sizes(cfg, op);
      for (size_t z = 0; z < n; z++)
        bytes[z] = mm_sweep_bytes(op, (mm_path)p, cfg->payload, cfg->sizes.v[z]);
      qsort(bytes, n, sizeof *bytes, cmp_size);
      s->asked += n;
      for (size_t z = 0; z < n && s->over[i][p] == SIZE_MAX; z++) {
        if (mm_memory_fits(bound, bytes[z], nranks, op->root_sends_all, op->root_recvs_all,
                           mm_path_pickles((mm_path)p), &s->sbuf, &s->rbuf))
          s->fit++;
        else
          s->over[i][p] = bytes[z];
      }
    }
}

int mm_sweep_memory_verdict(const mm_sweep *s, const mm_config *cfg, double avail, double node_need,
                            char *why, size_t len) {
  char a[32], b[32];
  if (s->fit == 0 && s->asked > 0) {
    snprintf(why, len, "no message size fits the memory bound of %s per rank (%s)",
             mm_bytes_human(s->bound, a, sizeof a),
             cfg->memory > 0 ? "--memory" : "3/4 of the available memory shared by the node's ranks");
    return MM_ETOOBIG;
  }
  double need = (double)s->sbuf + (double)s->rbuf;
  snprintf(why, len,
           "cannot allocate buffers for messages of %s: %.2f GiB per rank, %.2f GiB on this "
           "node, %.2f GiB available",
           mm_size_human(mm_sizes_max(&cfg->sizes), b, sizeof b), need / 1073741824.0,
           node_need / 1073741824.0, avail / 1073741824.0);
  return avail > 0 && node_need > avail ? MM_ETOOBIG : MM_OK;
}

int mm_sweep_cells(mm_sweep *s, const mm_config *cfg, const mm_op_traits *ops, bool notes) {
  const mm_op_names *names = mm_request_op_names();
  size_t max = names->n * cfg->sizes.n * MM_PATH_COUNT * MM_MAX_KERNELS + 1;
  s->cells = calloc(max, sizeof *s->cells);
  s->units = calloc(max, sizeof *s->units);
  s->n_cells = s->n_units = 0;
  if (!s->cells || !s->units) return -1;
  for (size_t i = 0; i < names->n; i++) {
    const mm_op_traits *op = &ops[i];
    size_t previous[MM_PATH_COUNT], skipped = 0;
    for (int p = 0; p < MM_PATH_COUNT; p++) previous[p] = SIZE_MAX;
    for (size_t z = 0; z < n_sizes(cfg, op); z++) {
      size_t bytes[MM_PATH_COUNT] = {0};
      bool measured[MM_PATH_COUNT] = {false}, skip = false;
      for (int p = 0; p < MM_PATH_COUNT; p++) {
        if (!has(cfg, op, i, (mm_path)p)) continue;
        bytes[p] = mm_sweep_bytes(op, (mm_path)p, cfg->payload, cfg->sizes.v[z]);
        if (bytes[p] >= s->over[i][p]) continue; /* over the memory bound: #@memory_skipped */
        if ((bytes[p] == 0 && cfg->sizes.v[z] != 0 && !sizeless(op)) || bytes[p] == previous[p]) {
          skip = true;
          continue;
        }
        previous[p] = bytes[p];
        measured[p] = true;
      }
      skipped += skip;
      for (size_t k = 0; k < MM_MAX_KERNELS && op->shapes[k] != MM_SHAPE_NONE; k++) {
        mm_unit u = {s->n_cells, 0};
        for (int p = 0; p < MM_PATH_COUNT; p++) {
          if (!measured[p]) continue;
          s->cells[s->n_cells++] = (mm_cell_key){.op = i, .size = z, .path = (mm_path)p,
                                                 .kernel = k, .bytes = bytes[p]};
          u.count++;
        }
        if (u.count) s->units[s->n_units++] = u;
      }
    }
    if (skipped && notes)
      fprintf(stderr,
              "mpimark: %s: %zu size(s) skipped: float64 elements round sizes down to "
              "multiples of 8 bytes\n",
              names->names[i], skipped);
  }
  return 0;
}

void mm_sweep_free(mm_sweep *s) {
  free(s->cells);
  free(s->units);
  s->cells = NULL;
  s->units = NULL;
  s->n_cells = s->n_units = 0;
}
