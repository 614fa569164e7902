/* The pickle protocol 5 encoder of pickle.h.
 *
 * It mirrors CPython 3.11's Modules/_pickle.c step by step (where frames
 * open and close, when MEMOIZE is written, how lists are batched), because
 * byte identity with pickle.dumps() is the goal, not just decodability.
 * See docs/pickle-codec.md. */
#include "pickle_format.h"
#include "pyobj_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_FRAME SIZE_MAX

/* The output buffer with CPython's frame state (output_len, frame_start,
 * framing). With buf == NULL it only counts, which gives the exact size
 * from the very same code path. */
typedef struct {
  unsigned char *buf;
  size_t len, cap;
  size_t frame_start;
  int framing;
  int growable;
  int out_of_band;       /* buffer_callback given: arrays' data of at least oob_threshold
                            bytes goes to oob, smaller arrays stay in-band */
  size_t oob_threshold;
  mm_pickle_buffer *oob;
  size_t oob_cap, oob_n;
  unsigned char scratch[16]; /* where counting-only writes go */
} writer;

/* CPython's pickler writes into a bytes object of WRITE_BUF_SIZE bytes that
 * grows, whenever a write does not fit, to 1.5x what it then needs
 * (max_output_len = (output_len + n) / 2 * 3), and is cut to the pickle's
 * length at the end (_Pickler_GetString). The encoder asks malloc for the
 * same sizes in the same order, so that glibc serves the C model as it
 * serves CPython: in a program that sends only 1 MiB messages, for
 * example, the 1.5 MiB buffer lies above glibc's mmap threshold and maps
 * fresh pages at every call (docs/performance.md, "The heap decides large
 * pickles"). */
#define WRITE_BUF_SIZE 4096

static size_t grown_capacity(size_t need) {
  return need > SIZE_MAX / 3 * 2 ? need : need / 2 * 3;
}

static int w_grow(writer *w, size_t need) {
  if (need <= w->cap) return MM_PICKLE_OK;
  if (!w->growable) return MM_PICKLE_ETOOBIG;
  size_t cap = grown_capacity(need);
  unsigned char *b = realloc(w->buf, cap);
  if (!b) return MM_PICKLE_ENOMEM;
  w->buf = b;
  w->cap = cap;
  return MM_PICKLE_OK;
}

/* The start of a growing pickle: CPython's first output buffer. */
static int w_start(writer *w) {
  w->growable = 1;
  w->cap = WRITE_BUF_SIZE;
  return (w->buf = malloc(w->cap)) ? MM_PICKLE_OK : MM_PICKLE_ENOMEM;
}

/* The end of a growing pickle: cut to its length, as CPython's is. */
static unsigned char *cut_to(unsigned char *buf, size_t len) {
  unsigned char *b = realloc(buf, len ? len : 1);
  return b ? b : buf; /* a shrink that fails leaves the block as it was */
}

/* _Pickler_Write: opens a frame (9 reserved bytes) when framing is on and
 * none is open, then makes room for n bytes. Returns where to write them. */
static inline unsigned char *w_put(writer *w, size_t n, int *rc) {
  size_t hdr = (w->framing && w->frame_start == NO_FRAME) ? FRAME_HEADER_SIZE : 0;
  if (n + hdr > SIZE_MAX - w->len) {
    *rc = MM_PICKLE_ETOOBIG;
    return NULL;
  }
  if (w->buf || w->growable) {
    if (w->len + hdr + n > w->cap && (*rc = w_grow(w, w->len + hdr + n)))
      return NULL;
  }
  if (hdr) {
    w->frame_start = w->len;
    w->len += hdr;
  }
  unsigned char *p = w->buf ? w->buf + w->len : w->scratch;
  w->len += n;
  return p;
}

static int w_write(writer *w, const void *data, size_t n) {
  int rc = MM_PICKLE_OK;
  if (!w->buf && !w->growable) { /* counting: never touch memory */
    if (n <= sizeof w->scratch) return w_put(w, n, &rc) ? MM_PICKLE_OK : rc;
    unsigned char *p = w_put(w, 0, &rc);
    if (!p) return rc;
    if (n > SIZE_MAX - w->len) return MM_PICKLE_ETOOBIG;
    w->len += n;
    return MM_PICKLE_OK;
  }
  unsigned char *p = w_put(w, n, &rc);
  if (!p) return rc;
  if (n) memcpy(p, data, n);
  return MM_PICKLE_OK;
}

/* _Pickler_CommitFrame: write the FRAME header of the open frame, or drop
 * the reserved header if the frame holds fewer than 4 bytes. */
static void w_commit(writer *w) {
  if (!w->framing || w->frame_start == NO_FRAME) return;
  size_t flen = w->len - w->frame_start - FRAME_HEADER_SIZE;
  if (flen >= FRAME_SIZE_MIN) {
    if (w->buf) {
      w->buf[w->frame_start] = OP_FRAME;
      put_le(w->buf + w->frame_start + 1, flen, 8);
    }
  } else {
    if (w->buf)
      memmove(w->buf + w->frame_start,
              w->buf + w->frame_start + FRAME_HEADER_SIZE, flen);
    w->len -= FRAME_HEADER_SIZE;
  }
  w->frame_start = NO_FRAME;
}

/* The frame check at the start of every save(): CPython closes a frame
 * once it holds at least 64 KiB, before the next object is written. */
static inline void w_boundary(writer *w) {
  if (w->frame_start != NO_FRAME &&
      w->len - w->frame_start - FRAME_HEADER_SIZE >= FRAME_SIZE_TARGET)
    w_commit(w);
}

/* _Pickler_write_bytes: payloads of 64 KiB or more go outside any frame
 * (CPython commits the open frame and turns framing off for them). */
static int w_write_payload(writer *w, const unsigned char *hdr, size_t hlen,
                           const void *data, size_t n) {
  int framing = w->framing, rc;
  if (n >= FRAME_SIZE_TARGET) {
    w_commit(w);
    w->framing = 0;
  }
  if (!(rc = w_write(w, hdr, hlen))) rc = w_write(w, data, n);
  w->framing = framing;
  return rc;
}

static int w_byte(writer *w, unsigned char op) {
  int rc = MM_PICKLE_OK;
  unsigned char *p = w_put(w, 1, &rc);
  if (p) *p = op;
  return rc;
}

static int save(writer *w, const mm_pyobj *o);

static int save_int(writer *w, int64_t v) {
  unsigned char b[10];
  size_t n;
  if (v >= 0 && v <= 0xff) {
    b[0] = OP_BININT1;
    b[1] = (unsigned char)v;
    n = 2;
  } else if (v >= 0 && v <= 0xffff) {
    b[0] = OP_BININT2;
    put_le(b + 1, (uint64_t)v, 2);
    n = 3;
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    b[0] = OP_BININT;
    put_le(b + 1, (uint64_t)v, 4);
    n = 5;
  } else {
    /* LONG1 with CPython's length: bits of |v| / 8 + 1 bytes, minus one
     * when a negative number's top byte is pure sign. */
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    int nbytes = (64 - __builtin_clzll(mag)) / 8 + 1;
    unsigned char le[9];
    put_le(le, (uint64_t)v, 8);
    le[8] = v < 0 ? 0xff : 0;
    if (v < 0 && nbytes > 1 && le[nbytes - 1] == 0xff &&
        (le[nbytes - 2] & 0x80))
      nbytes--;
    b[0] = OP_LONG1;
    b[1] = (unsigned char)nbytes;
    memcpy(b + 2, le, (size_t)nbytes);
    n = 2 + (size_t)nbytes;
  }
  return w_write(w, b, n);
}

static int save_string(writer *w, const mm_pyobj *o) {
  unsigned char h[9];
  size_t n = o->u.s.len, hl;
  int is_bytes = o->type == MM_PY_BYTES, rc;
  if (n <= 0xff) {
    h[0] = is_bytes ? OP_SHORT_BINBYTES : OP_SHORT_BINUNICODE;
    h[1] = (unsigned char)n;
    hl = 2;
  } else if ((uint64_t)n <= 0xffffffffu) {
    h[0] = is_bytes ? OP_BINBYTES : OP_BINUNICODE;
    put_le(h + 1, n, 4);
    hl = 5;
  } else {
    h[0] = is_bytes ? OP_BINBYTES8 : OP_BINUNICODE8;
    put_le(h + 1, n, 8);
    hl = 9;
  }
  if ((rc = w_write_payload(w, h, hl, o->u.s.data, n))) return rc;
  return w_byte(w, OP_MEMOIZE);
}

/* The loop of batch_list_exact() with the float case inlined: this is the
 * hot loop of the "floats" payload. */
static int save_items(writer *w, mm_pyobj *const *items, size_t n) {
  int rc = MM_PICKLE_OK;
  for (size_t k = 0; k < n; k++) {
    const mm_pyobj *it = items[k];
    if (it->type == MM_PY_FLOAT) {
      w_boundary(w);
      unsigned char *p = w_put(w, 9, &rc);
      if (!p) return rc;
      p[0] = OP_BINFLOAT;
      put_be_double(p + 1, it->u.f);
    } else if ((rc = save(w, it))) {
      return rc;
    }
  }
  return rc;
}

static int save_list(writer *w, const mm_pyobj *o) {
  size_t n = o->u.seq.len;
  int rc;
  if ((rc = w_byte(w, OP_EMPTY_LIST)) || (rc = w_byte(w, OP_MEMOIZE))) return rc;
  if (n == 1) { /* CPython writes APPEND only for a one-element list */
    if ((rc = save_items(w, o->u.seq.items, 1))) return rc;
    return w_byte(w, OP_APPEND);
  }
  for (size_t done = 0; done < n;) {
    size_t batch = n - done < BATCHSIZE ? n - done : BATCHSIZE;
    if ((rc = w_byte(w, OP_MARK))) return rc;
    if ((rc = save_items(w, o->u.seq.items + done, batch))) return rc;
    if ((rc = w_byte(w, OP_APPENDS))) return rc;
    done += batch;
  }
  return MM_PICKLE_OK;
}

static int save_tuple(writer *w, const mm_pyobj *o) {
  size_t n = o->u.seq.len;
  int rc;
  if (n == 0) return w_byte(w, OP_EMPTY_TUPLE);
  if (n > 3 && (rc = w_byte(w, OP_MARK))) return rc;
  if ((rc = save_items(w, o->u.seq.items, n))) return rc;
  static const unsigned char small[4] = {0, OP_TUPLE1, OP_TUPLE2, OP_TUPLE3};
  if ((rc = w_byte(w, n <= 3 ? small[n] : OP_TUPLE))) return rc;
  return w_byte(w, OP_MEMOIZE);
}

/* save_bytearray (protocol 5): always BYTEARRAY8, large data outside frames. */
static int save_bytearray(writer *w, const void *data, size_t n) {
  unsigned char h[9] = {OP_BYTEARRAY8};
  put_le(h + 1, n, 8);
  int rc = w_write_payload(w, h, sizeof h, data, n);
  return rc ? rc : w_byte(w, OP_MEMOIZE);
}

/* save() of a short str that CPython memoizes (module and attribute names,
 * dtype codes): the frame check, SHORT_BINUNICODE, MEMOIZE. */
static int save_short_str(writer *w, const char *s) {
  size_t n = strlen(s);
  unsigned char h[2] = {OP_SHORT_BINUNICODE, (unsigned char)n};
  w_boundary(w);
  int rc = w_write(w, h, 2);
  if (!rc) rc = w_write(w, s, n);
  return rc ? rc : w_byte(w, OP_MEMOIZE);
}

/* save_global with protocol >= 4: module and name, STACK_GLOBAL, MEMOIZE. */
static int save_stack_global(writer *w, const char *module, const char *name) {
  int rc;
  if ((rc = save_short_str(w, module)) || (rc = save_short_str(w, name)) ||
      (rc = w_byte(w, OP_STACK_GLOBAL)))
    return rc;
  return w_byte(w, OP_MEMOIZE);
}

/* save() of a scalar inside a reduce's tuples: the frame check first. */
static int save_scalar_op(writer *w, unsigned char op) {
  w_boundary(w);
  return w_byte(w, op);
}

static int save_small_int(writer *w, int64_t v) {
  w_boundary(w);
  return save_int(w, v);
}

/* numpy.dtype('float64').__reduce__(): dtype('f8', False, True), then
 * BUILD with (3, '<', None, None, None, -1, -1, 0). */
static int save_dtype(writer *w) {
  int rc;
  if ((rc = save_stack_global(w, "numpy", "dtype")) || (rc = save_short_str(w, NUMPY_F8)) ||
      (rc = save_scalar_op(w, OP_NEWFALSE)) || (rc = save_scalar_op(w, OP_NEWTRUE)) ||
      (rc = w_byte(w, OP_TUPLE3)) || (rc = w_byte(w, OP_MEMOIZE)) ||
      (rc = w_byte(w, OP_REDUCE)) || (rc = w_byte(w, OP_MEMOIZE)))
    return rc;
  w_boundary(w); /* save(state) */
  if ((rc = w_byte(w, OP_MARK)) || (rc = save_small_int(w, 3)) || (rc = save_short_str(w, "<")) ||
      (rc = save_scalar_op(w, OP_NONE)) || (rc = save_scalar_op(w, OP_NONE)) ||
      (rc = save_scalar_op(w, OP_NONE)) || (rc = save_small_int(w, -1)) ||
      (rc = save_small_int(w, -1)) || (rc = save_small_int(w, 0)) ||
      (rc = w_byte(w, OP_TUPLE)) || (rc = w_byte(w, OP_MEMOIZE)))
    return rc;
  return w_byte(w, OP_BUILD);
}

/* ndarray.__reduce_ex__(5) of a C-contiguous float64 array:
 * _frombuffer(PickleBuffer in-band as BYTEARRAY8, dtype, (n,), 'C'), from
 * the module of the NumPy version the array stands for. */
static int save_ndarray(writer *w, const mm_pyobj *o) {
  int rc;
  const char *module = (o->flags & F_NUMPY1) ? NUMPY_FROMBUFFER_MODULE : NUMPY2_FROMBUFFER_MODULE;
  if ((rc = save_stack_global(w, module, NUMPY_FROMBUFFER_NAME)) ||
      (rc = w_byte(w, OP_MARK)))
    return rc;
  w_boundary(w); /* save(PickleBuffer) */
  size_t nbytes = o->u.arr.n * sizeof(double);
  if (w->out_of_band && nbytes >= w->oob_threshold) { /* NEXT_BUFFER, not memoized */
    if (w->oob_n == w->oob_cap) return MM_PICKLE_ETOOBIG;
    w->oob[w->oob_n++] = (mm_pickle_buffer){(unsigned char *)o->u.arr.data, nbytes, 0, 0};
    if ((rc = w_byte(w, OP_NEXT_BUFFER))) return rc;
  } else if ((rc = save_bytearray(w, o->u.arr.data, nbytes))) { /* callback said in-band */
    return rc;
  }
  w_boundary(w); /* save(dtype) */
  if ((rc = save_dtype(w))) return rc;
  w_boundary(w); /* save(shape) */
  if ((rc = save_small_int(w, (int64_t)o->u.arr.n)) || (rc = w_byte(w, OP_TUPLE1)) ||
      (rc = w_byte(w, OP_MEMOIZE)) || (rc = save_short_str(w, "C")) ||
      (rc = w_byte(w, OP_TUPLE)) || (rc = w_byte(w, OP_MEMOIZE)) ||
      (rc = w_byte(w, OP_REDUCE)))
    return rc;
  return w_byte(w, OP_MEMOIZE);
}

static int save_dict(writer *w, const mm_pyobj *o) {
  size_t n = o->u.dict.len;
  int rc;
  if ((rc = w_byte(w, OP_EMPTY_DICT)) || (rc = w_byte(w, OP_MEMOIZE))) return rc;
  if (n == 1) {
    if ((rc = save(w, o->u.dict.keys[0])) || (rc = save(w, o->u.dict.values[0])))
      return rc;
    return w_byte(w, OP_SETITEM);
  }
  for (size_t done = 0; done < n;) {
    size_t batch = n - done < BATCHSIZE ? n - done : BATCHSIZE;
    if ((rc = w_byte(w, OP_MARK))) return rc;
    for (size_t k = done; k < done + batch; k++)
      if ((rc = save(w, o->u.dict.keys[k])) || (rc = save(w, o->u.dict.values[k])))
        return rc;
    if ((rc = w_byte(w, OP_SETITEMS))) return rc;
    done += batch;
  }
  return MM_PICKLE_OK;
}

static int save(writer *w, const mm_pyobj *o) {
  w_boundary(w);
  switch (o->type) {
  case MM_PY_NONE:
    return w_byte(w, OP_NONE);
  case MM_PY_BOOL:
    return w_byte(w, o->u.i ? OP_NEWTRUE : OP_NEWFALSE);
  case MM_PY_INT:
    return save_int(w, o->u.i);
  case MM_PY_FLOAT: {
    int rc = MM_PICKLE_OK;
    unsigned char *p = w_put(w, 9, &rc);
    if (!p) return rc;
    p[0] = OP_BINFLOAT;
    put_be_double(p + 1, o->u.f);
    return MM_PICKLE_OK;
  }
  case MM_PY_BYTES:
  case MM_PY_STR:
    return save_string(w, o);
  case MM_PY_LIST:
    return save_list(w, o);
  case MM_PY_TUPLE:
    return save_tuple(w, o);
  case MM_PY_DICT:
    return save_dict(w, o);
  case MM_PY_BYTEARRAY:
    return save_bytearray(w, o->u.s.data, o->u.s.len);
  case MM_PY_DTYPE:
    return save_dtype(w);
  case MM_PY_NDARRAY:
    return save_ndarray(w, o);
  default:
    return MM_PICKLE_EUNSUPPORTED;
  }
}

/* Pickler.dump(): PROTO outside any frame, framing from then on. */
static int dump(writer *w, const mm_pyobj *obj) {
  static const unsigned char proto[2] = {OP_PROTO, 5};
  int rc;
  w->len = 0;
  w->frame_start = NO_FRAME;
  w->framing = 0;
  if ((rc = w_write(w, proto, 2))) return rc;
  w->framing = 1;
  if ((rc = save(w, obj)) || (rc = w_byte(w, OP_STOP))) return rc;
  w_commit(w);
  return MM_PICKLE_OK;
}

int mm_pickle_dumps_size(const mm_pyobj *obj, size_t *len) {
  if (!obj || !len) return MM_PICKLE_EINVAL;
  writer w = {0};
  int rc = dump(&w, obj);
  *len = rc ? 0 : w.len;
  return rc;
}

int mm_pickle_dumps_into(const mm_pyobj *obj, unsigned char *buf, size_t cap,
                         size_t *len) {
  if (!obj || !buf || !len) return MM_PICKLE_EINVAL;
  writer w = {0};
  w.buf = buf;
  w.cap = cap;
  int rc = dump(&w, obj);
  *len = rc ? 0 : w.len;
  return rc;
}

/* What dump() writes for a top-level bytes object, laid out directly in
 * the blocks CPython's pickler allocates (WRITE_BUF_SIZE, grown once by
 * half of what the data needs, cut at the end) with one memcpy, for the
 * "bytes" payload. Below
 * 64 KiB: PROTO, FRAME, SHORT_BINBYTES/BINBYTES, data, MEMOIZE, STOP (the
 * frame always holds at least 4 bytes); from 64 KiB on the payload is
 * written outside any frame and MEMOIZE+STOP are too short for one. The
 * unit and interop tests compare this with the general writer and with
 * CPython. */
static int dumps_bytes(const mm_pyobj *o, unsigned char **out, size_t *len) {
  size_t n = o->u.s.len;
  int framed = n < FRAME_SIZE_TARGET;
  size_t hl = n <= 0xff ? 2 : (uint64_t)n <= 0xffffffffu ? 5 : 9;
  size_t pre = 2 + (framed ? FRAME_HEADER_SIZE : 0) + hl;
  if (n > SIZE_MAX - pre - 2) return MM_PICKLE_ETOOBIG;
  writer w = {0};
  int rc = w_start(&w);
  if (rc) return rc;
  if ((rc = w_grow(&w, pre + n + 2))) {
    free(w.buf);
    return rc;
  }
  unsigned char *b = w.buf, *p = b;
  *p++ = OP_PROTO;
  *p++ = 5;
  if (framed) {
    *p++ = OP_FRAME;
    put_le(p, hl + n + 2, 8);
    p += 8;
  }
  *p++ = hl == 2 ? OP_SHORT_BINBYTES : hl == 5 ? OP_BINBYTES : OP_BINBYTES8;
  put_le(p, n, (int)hl - 1);
  p += hl - 1;
  if (n) memcpy(p, o->u.s.data, n);
  p += n;
  p[0] = OP_MEMOIZE;
  p[1] = OP_STOP;
  *len = pre + n + 2;
  *out = cut_to(b, *len);
  return MM_PICKLE_OK;
}

/* dump() into a buffer that grows as CPython's does; on success the
 * caller owns *out. */
static int dump_growing(writer *w, const mm_pyobj *obj, unsigned char **out, size_t *len) {
  int rc = w_start(w);
  if (rc) return rc;
  if ((rc = dump(w, obj))) {
    free(w->buf);
    return rc;
  }
  *len = w->len;
  *out = cut_to(w->buf, w->len);
  return MM_PICKLE_OK;
}

int mm_pickle_dumps(const mm_pyobj *obj, unsigned char **out, size_t *len) {
  if (!obj || !out || !len) return MM_PICKLE_EINVAL;
  *out = NULL;
  *len = 0;
  if (obj->type == MM_PY_BYTES) return dumps_bytes(obj, out, len);
  writer w = {0};
  return dump_growing(&w, obj, out, len);
}

int mm_pickle_dumps_oob(const mm_pyobj *obj, size_t threshold, unsigned char **out,
                        size_t *len, mm_pickle_buffer *bufs, size_t cap, size_t *nbufs) {
  if (!obj || !out || !len || !nbufs || (cap && !bufs)) return MM_PICKLE_EINVAL;
  *out = NULL;
  *len = *nbufs = 0;
  if (obj->type == MM_PY_BYTES) return dumps_bytes(obj, out, len); /* never a PickleBuffer */
  writer w = {.out_of_band = 1, .oob_threshold = threshold, .oob = bufs, .oob_cap = cap};
  int rc = dump_growing(&w, obj, out, len);
  if (!rc) *nbufs = w.oob_n;
  return rc;
}
