#include "objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffers.h"
#include "errors.h"


static size_t n_floats(const mm_ctx *c) { return c->bytes / sizeof(double); }

/* The payload the rank with this seed sends. */
static mm_pyobj *make_payload(const mm_ctx *c, unsigned seed, bool float64) {
  if (mm_payload_float64(c->payload) || float64) {
    size_t n = n_floats(c);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return NULL;
    for (size_t i = 0; i < n; i++) v[i] = mm_pattern_double(i, seed);
    mm_pyobj *obj = c->payload == MM_PAYLOAD_FLOATS    ? mm_py_float_list(v, n)
                    : c->payload == MM_PAYLOAD_NDARRAY ? mm_py_ndarray(v, n, c->numpy)
                                                       : mm_py_bytes(v, n * sizeof *v);
    free(v);
    return obj;
  }
  unsigned char *b = malloc(c->bytes ? c->bytes : 1);
  if (!b) return NULL;
  mm_pattern_fill(b, c->bytes, seed);
  mm_pyobj *obj = mm_py_bytes(b, c->bytes);
  free(b);
  return obj;
}

/* A message's bytes on the wire: the pickle, and on the pkl5 path its
 * out-of-band buffers. */
static int wire_bytes(const mm_ctx *c, const mm_pyobj *obj, size_t *out) {
  if (c->path != MM_PATH_PKL5)
    return mm_pickle_dumps_size(obj, out) == MM_PICKLE_OK ? MM_OK : MM_ENOMEM;
  unsigned char *data;
  mm_pickle_buffer bufs[MM_PKL5_MAX_BUFFERS];
  size_t len, n;
  if (mm_pickle_dumps_oob(obj, c->pkl5_threshold, &data, &len, bufs, MM_PKL5_MAX_BUFFERS, &n))
    return MM_ENOMEM;
  free(data);
  for (size_t i = 0; i < n; i++) len += bufs[i].len;
  *out = len;
  return MM_OK;
}

int mm_lower_send(const mm_ctx *c, const mm_pyobj *obj, int dest) {
  if (c->path == MM_PATH_PKL5) return mm_pkl5_send(obj, c->pkl5_threshold, dest, MM_TAG_DATA, c->comm);
  return mm_obj_send(obj, dest, MM_TAG_DATA, mm_obj_comm_of(c));
}

int mm_lower_recv(const mm_ctx *c, mm_pyobj **out, int source) {
  if (c->path == MM_PATH_PKL5) return mm_pkl5_recv(out, source, MM_TAG_DATA, c->comm);
  return mm_obj_recv(out, source, MM_TAG_DATA, mm_obj_comm_of(c));
}

int mm_lower_bcast(const mm_ctx *c, const mm_pyobj *obj, mm_pyobj **out) {
  if (c->path == MM_PATH_PKL5) return mm_pkl5_bcast(obj, c->pkl5_threshold, out, c->root, c->comm);
  return mm_obj_bcast(obj, out, c->root, mm_obj_comm_of(c));
}

int mm_lower_scatter(const mm_ctx *c, mm_pyobj *const *items, mm_pyobj **out) {
  if (c->path == MM_PATH_PKL5)
    return mm_pkl5_scatter(items, c->pkl5_threshold, out, c->root, c->comm);
  return mm_obj_scatter(items, out, c->root, mm_obj_comm_of(c));
}

int mm_lower_gather(const mm_ctx *c, const mm_pyobj *obj, mm_pyobj **out) {
  if (c->path == MM_PATH_PKL5) return mm_pkl5_gather(obj, c->pkl5_threshold, out, c->root, c->comm);
  return mm_obj_gather(obj, out, c->root, mm_obj_comm_of(c));
}

int mm_lower_allgather(const mm_ctx *c, const mm_pyobj *obj, mm_pyobj **out) {
  if (c->path == MM_PATH_PKL5) return mm_pkl5_allgather(obj, c->pkl5_threshold, out, c->comm);
  return mm_obj_allgather(obj, out, mm_obj_comm_of(c));
}

int mm_lower_alltoall(const mm_ctx *c, mm_pyobj *const *items, mm_pyobj **out) {
  if (c->path == MM_PATH_PKL5) return mm_pkl5_alltoall(items, c->pkl5_threshold, out, c->comm);
  return mm_obj_alltoall(items, out, mm_obj_comm_of(c));
}

static int setup(mm_ctx *c, bool window) {
  mm_obj_state *s = calloc(1, sizeof *s);
  if (!s) return MM_ENOMEM;
  c->state = s;
  bool float64 = MM_DATA_FLOAT64(c->data);
  s->n_slots = (size_t)c->nranks > (size_t)c->window ? 2 * (size_t)c->nranks : 2 * (size_t)c->window;
  s->received = calloc(s->n_slots, sizeof *s->received);
  s->reqs = calloc(2 * (size_t)c->window, sizeof *s->reqs);
  s->payload = make_payload(c, mm_seed_of_rank(c->rank), float64);
  if (!s->received || !s->reqs || !s->payload) return MM_ENOMEM;
  bool each = c->data == MM_DATA_ALLTOALL;
  if (each || (c->data == MM_DATA_SCATTER && c->rank == c->root)) {
    if (!(s->items = calloc((size_t)c->nranks, sizeof *s->items))) return MM_ENOMEM;
    for (int r = 0; r < c->nranks; r++) {
      unsigned seed = each ? mm_seed_from_to(c->rank, r) : mm_seed_for_rank(r);
      if (!(s->items[r] = make_payload(c, seed, float64))) return MM_ENOMEM;
    }
  }
  if (wire_bytes(c, s->payload, &c->wire_bytes) != MM_OK) return MM_ENOMEM;
  if (window) {
    /* Every rank's payload has the same size and kind: its pickle bounds
     * what can arrive. One buffer per message of a window, both ways. */
    s->rcap = c->wire_bytes;
    if (!(s->rbufs = malloc(2 * (size_t)c->window * (s->rcap ? s->rcap : 1)))) return MM_ENOMEM;
  }
  return MM_OK;
}

int mm_obj_setup(mm_ctx *c) { return setup(c, false); }
int mm_obj_setup_window(mm_ctx *c) { return setup(c, true); }

void mm_obj_forget(mm_ctx *c) {
  mm_obj_state *s = c->state;
  for (size_t i = 0; i < s->n_slots; i++) {
    mm_pyobj_free(s->received[i]);
    s->received[i] = NULL;
  }
}

void mm_obj_teardown(mm_ctx *c) {
  mm_obj_state *s = c->state;
  if (!s) return;
  if (s->received) mm_obj_forget(c);
  for (int r = 0; s->items && r < c->nranks; r++) mm_pyobj_free(s->items[r]);
  free(s->items);
  mm_pyobj_free(s->payload);
  free(s->received);
  free(s->rbufs);
  free(s->reqs);
  free(s);
  c->state = NULL;
  mm_pyobj_trim();
}

void mm_obj_keep(mm_ctx *c, size_t slot, mm_pyobj *obj) {
  mm_obj_state *s = c->state;
  mm_pyobj_free(s->received[slot]);
  s->received[slot] = obj;
}

mm_pyobj **mm_obj_fresh(mm_ctx *c) { return mm_obj(c)->received + c->nranks; }

void mm_obj_keep_fresh(mm_ctx *c) {
  mm_pyobj **fresh = mm_obj_fresh(c);
  for (int r = 0; r < c->nranks; r++) {
    mm_obj_keep(c, (size_t)r, fresh[r]);
    fresh[r] = NULL;
  }
}

void mm_obj_corrupt(mm_ctx *c) {
  mm_pyobj *o = mm_obj(c)->received[0];
  if (o && o->type == MM_PY_BYTES && o->u.s.len > 0) o->u.s.data[0] ^= 0xffu;
  if (o && o->type == MM_PY_LIST && o->u.seq.len > 0 && o->u.seq.items[0]->type == MM_PY_FLOAT)
    o->u.seq.items[0]->u.f += 1.0;
  if (o && o->type == MM_PY_NDARRAY && o->u.arr.n > 0) o->u.arr.data[0] += 1.0;
}

/* The float64 elements of a payload object, whichever its kind. */
static int elements(const mm_pyobj *o, size_t *n) {
  if (o->type == MM_PY_BYTES && o->u.s.len % sizeof(double) == 0) {
    *n = o->u.s.len / sizeof(double);
    return 1;
  }
  if (o->type == MM_PY_LIST) {
    *n = o->u.seq.len;
    return 1;
  }
  if (o->type == MM_PY_NDARRAY) {
    *n = o->u.arr.n;
    return 1;
  }
  return 0;
}

static double element(const mm_pyobj *o, size_t i) {
  if (o->type == MM_PY_BYTES) {
    double v;
    memcpy(&v, o->u.s.data + i * sizeof v, sizeof v);
    return v;
  }
  if (o->type == MM_PY_NDARRAY) return o->u.arr.data[i];
  const mm_pyobj *item = o->u.seq.items[i];
  return item->type == MM_PY_FLOAT ? item->u.f : 0.0 / 0.0;
}

/* Sums straight into the new object: a bytes result starts as a copy of a
 * and adds b in place (a loop the compiler vectorizes), as does an array
 * (NumPy's a + b: one new array); a list result gets one new float object
 * per element, as Python would make them. */
int mm_obj_sum(const mm_pyobj *a, const mm_pyobj *b, mm_pyobj **out) {
  size_t na, nb;
  if (!elements(a, &na) || !elements(b, &nb) || na != nb || a->type != b->type)
    return MM_EDECODE;
  if (a->type == MM_PY_BYTES) {
    if (!(*out = mm_py_bytes(a->u.s.data, a->u.s.len))) return MM_ENOMEM;
    unsigned char *sum = (*out)->u.s.data;
    const unsigned char *add = b->u.s.data;
    for (size_t i = 0; i < na; i++) {
      double x, y;
      memcpy(&x, sum + i * sizeof x, sizeof x);
      memcpy(&y, add + i * sizeof y, sizeof y);
      x += y;
      memcpy(sum + i * sizeof x, &x, sizeof x);
    }
    return MM_OK;
  }
  if (a->type == MM_PY_NDARRAY) {
    if (!(*out = mm_py_ndarray(a->u.arr.data, na, mm_py_ndarray_numpy(a)))) return MM_ENOMEM;
    double *sum = (*out)->u.arr.data;
    const double *add = b->u.arr.data;
    for (size_t i = 0; i < na; i++) sum[i] += add[i];
    return MM_OK;
  }
  if (!(*out = mm_py_list(na))) return MM_ENOMEM;
  for (size_t i = 0; i < na; i++)
    if (mm_py_append(*out, mm_py_float(element(a, i) + element(b, i)))) {
      mm_pyobj_free(*out);
      *out = NULL;
      return MM_ENOMEM;
    }
  return MM_OK;
}

/* Common shape checks: present, the right kind, the right length (float64
 * elements where floats_expected, else bytes). */
static int check_shape(const mm_ctx *c, const mm_pyobj *obj, bool floats_expected, char *why, size_t len) {
  if (!obj) return snprintf(why, len, "no object was received"), MM_EVALIDATE;
  static const char *const kinds[] = {[MM_PY_BYTES] = "bytes", [MM_PY_LIST] = "a list",
                                      [MM_PY_NDARRAY] = "an array"};
  int want_type = c->payload == MM_PAYLOAD_FLOATS    ? MM_PY_LIST
                  : c->payload == MM_PAYLOAD_NDARRAY ? MM_PY_NDARRAY
                                                     : MM_PY_BYTES;
  if (obj->type != want_type)
    return snprintf(why, len, "received %s, expected %s",
                    obj->type < MM_PY_GLOBAL && kinds[obj->type] ? kinds[obj->type] : "another object",
                    kinds[want_type]), MM_EVALIDATE;
  size_t want = floats_expected ? n_floats(c) : c->bytes;
  size_t n = obj->type == MM_PY_LIST      ? obj->u.seq.len
             : obj->type == MM_PY_NDARRAY ? obj->u.arr.n
             : floats_expected            ? obj->u.s.len / sizeof(double)
                                          : obj->u.s.len;
  if (n != want || (obj->type == MM_PY_BYTES && floats_expected && obj->u.s.len % 8))
    return snprintf(why, len, "received %zu elements, expected %zu", n, want), MM_EVALIDATE;
  return MM_OK;
}

/* The message one decoded object (of the shape check_shape passed) holds,
 * laid out as the buffer path's: its bytes or float64s, a list's floats
 * copied into scratch. */
static const void *message_of(const mm_pyobj *o, double *scratch) {
  if (o->type == MM_PY_BYTES) return o->u.s.data;
  if (o->type == MM_PY_NDARRAY) return o->u.arr.data;
  for (size_t i = 0; i < o->u.seq.len; i++) scratch[i] = element(o, i);
  return scratch;
}

int mm_obj_check_received(mm_ctx *c, mm_shape shape, char *why, size_t len) {
  mm_data data = c->data;
  mm_obj_state *s = c->state;
  if (!s) return MM_OK; /* no object path state: it receives nothing (barrier) */
  mm_data_ctx d = {.rank = c->rank, .nranks = c->nranks, .root = c->root, .bytes = c->bytes};
  int messages = mm_data_messages(data, shape, &d, true);
  bool floats = mm_data_sums(data, &d) > 0 || mm_payload_float64(c->payload);
  if (messages == 0) {
    if (!s->received[0]) return MM_OK;
    snprintf(why, len, "received an object, expected nothing");
    return MM_EVALIDATE;
  }
  double *scratch = malloc(n_floats(c) * sizeof *scratch + 1);
  if (!scratch) return MM_ENOMEM;
  /* One message: in slot 0, and in every slot a window filled. */
  size_t slots = messages > 1 ? (size_t)messages : 1;
  while (messages == 1 && slots < s->n_slots && s->received[slots]) slots++;
  int err = MM_OK;
  for (size_t i = 0; i < slots && !err; i++) {
    err = check_shape(c, s->received[i], floats, why, len);
    if (!err)
      err = mm_data_check_message(data, &d, messages > 1 ? (int)i : 0, message_of(s->received[i], scratch),
                                  mm_payload_float64(c->payload), why, len);
  }
  free(scratch);
  return err;
}

int mm_obj_irecv_slot(mm_ctx *c, int i, int from) {
  mm_obj_state *s = mm_obj(c);
  return mm_obj_irecv(s->rbufs + (size_t)i * s->rcap, s->rcap, from, MM_TAG_DATA, mm_obj_comm_of(c),
                      &s->reqs[i]);
}

int mm_obj_window_send(mm_ctx *c, int to) {
  mm_obj_state *s = mm_obj(c);
  int err = MM_OK, w = c->window;
  for (int i = 0; i < w && !err; i++)
    err = mm_obj_isend(s->payload, to, MM_TAG_DATA, mm_obj_comm_of(c), &s->reqs[i]);
  if (!err) err = mm_obj_waitall((size_t)w, s->reqs, NULL);
  mm_ack_wait(c, to);
  return err;
}

int mm_obj_window_recv(mm_ctx *c, int from) {
  mm_obj_state *s = mm_obj(c);
  int err = MM_OK, w = c->window;
  mm_obj_forget(c);
  for (int i = 0; i < w && !err; i++) err = mm_obj_irecv_slot(c, i, from);
  if (!err) err = mm_obj_waitall((size_t)w, s->reqs, s->received);
  mm_ack_send(c, from);
  return err;
}
