/* Pickle protocol 5 codec. See pickle.h for the contract and
 * docs/pickle-codec.md for what is supported and how it is tested.
 *
 * The encoder mirrors CPython 3.11's Modules/_pickle.c step by step (where
 * frames open and close, when MEMOIZE is written, how lists are batched),
 * because byte identity with pickle.dumps() is the goal, not just
 * decodability. The decoder is a strict stack machine: it accepts what
 * CPython writes and reports everything else with an error code. */
#include "pickle.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Opcodes (names as in CPython's pickletools). */
enum {
  OP_MARK = '(', OP_STOP = '.', OP_BININT = 'J', OP_BININT1 = 'K',
  OP_BININT2 = 'M', OP_NONE = 'N', OP_REDUCE = 'R', OP_BINUNICODE = 'X',
  OP_APPEND = 'a', OP_BUILD = 'b', OP_GLOBAL = 'c', OP_EMPTY_DICT = '}', OP_APPENDS = 'e',
  OP_BINGET = 'h', OP_LONG_BINGET = 'j', OP_EMPTY_LIST = ']',
  OP_BINPUT = 'q', OP_LONG_BINPUT = 'r', OP_SETITEM = 's', OP_TUPLE = 't',
  OP_EMPTY_TUPLE = ')', OP_SETITEMS = 'u', OP_BINFLOAT = 'G',
  OP_BINBYTES = 'B', OP_SHORT_BINBYTES = 'C',
  OP_PROTO = 0x80, OP_TUPLE1 = 0x85, OP_TUPLE2 = 0x86, OP_TUPLE3 = 0x87,
  OP_NEWTRUE = 0x88, OP_NEWFALSE = 0x89, OP_LONG1 = 0x8a,
  OP_SHORT_BINUNICODE = 0x8c, OP_BINUNICODE8 = 0x8d, OP_BINBYTES8 = 0x8e,
  OP_STACK_GLOBAL = 0x93, OP_MEMOIZE = 0x94, OP_FRAME = 0x95, OP_BYTEARRAY8 = 0x96,
  OP_NEXT_BUFFER = 0x97, OP_READONLY_BUFFER = 0x98
};

/* CPython's framing constants (_pickle.c). */
#define FRAME_SIZE_MIN 4
#define FRAME_SIZE_TARGET (64 * 1024)
#define FRAME_HEADER_SIZE 9
/* CPython's BATCHSIZE for APPENDS and SETITEMS. */
#define BATCHSIZE 1000

/* flags bits */
#define F_HAS_PARENT 1u  /* added to a container: may not gain children */
#define F_UNHASHABLE 2u  /* list, dict, or tuple holding one of them */
#define F_OWNS_DATA 4u   /* bytearray adopted from an out-of-band buffer: free(u.s.data) */

/* Which callable an MM_PY_GLOBAL stands for (u.i). */
enum { G_CODECS_ENCODE = 1, G_BUILTINS_BYTES = 2, G_NUMPY_FROMBUFFER = 3, G_NUMPY_DTYPE = 4 };

/* What NumPy 1.x pickles a float64 array as (numpy.ndarray.__reduce_ex__
 * with protocol 5): _frombuffer(buffer, dtype, shape, order), the dtype as
 * dtype('f8', False, True) with this BUILD state (version 3, little-endian,
 * no subarray, names or fields, elsize and alignment -1, no flags). */
#define NUMPY_FROMBUFFER_MODULE "numpy.core.numeric"
#define NUMPY2_FROMBUFFER_MODULE "numpy._core.numeric" /* NumPy 2 writes this; decoded too */
#define NUMPY_FROMBUFFER_NAME "_frombuffer"
#define NUMPY_F8 "f8"

static const char *const error_messages[] = {
#define MM_PICKLE_ERROR_MSG(name, msg) msg,
    MM_PICKLE_ERROR_LIST(MM_PICKLE_ERROR_MSG)
#undef MM_PICKLE_ERROR_MSG
};
static const char *const error_names[] = {
#define MM_PICKLE_ERROR_NAME(name, msg) #name,
    MM_PICKLE_ERROR_LIST(MM_PICKLE_ERROR_NAME)
#undef MM_PICKLE_ERROR_NAME
};

const char *mm_pickle_strerror(int err) {
  if (err < 0 || err >= MM_PICKLE_ERROR_COUNT) return "unknown error";
  return error_messages[err];
}

const char *mm_pickle_errname(int err) {
  if (err < 0 || err >= MM_PICKLE_ERROR_COUNT) return "MM_PICKLE_UNKNOWN";
  return error_names[err];
}

/* ---- byte order helpers (memcpy + swap compiles to one load/bswap) ---- */

static inline uint64_t bswap64(uint64_t x) { return __builtin_bswap64(x); }

static inline void put_be_double(unsigned char *p, double v) {
  uint64_t u;
  memcpy(&u, &v, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  u = bswap64(u);
#endif
  memcpy(p, &u, 8);
}

static inline double get_be_double(const unsigned char *p) {
  uint64_t u;
  double v;
  memcpy(&u, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  u = bswap64(u);
#endif
  memcpy(&v, &u, 8);
  return v;
}

static inline uint64_t get_le(const unsigned char *p, int n) {
  uint64_t v = 0;
  for (int k = n - 1; k >= 0; k--) v = v << 8 | p[k];
  return v;
}

static inline void put_le(unsigned char *p, uint64_t v, int n) {
  for (int k = 0; k < n; k++, v >>= 8) p[k] = (unsigned char)v;
}

/* ---- object model ---- */

/* Scalars (None, bool, int, float) are 16-byte blocks: the header and one
 * 8-byte value, the union's other members are never touched. They come
 * from a per-thread free list, the way CPython takes floats from its
 * freelist and pymalloc pools: one allocation per object, but not a trip
 * through malloc's consolidation and heap trimming each time, which made
 * a list of 131072 floats cost ~45 ns per element with glibc instead of
 * ~7. At most SCALAR_CACHE_MAX blocks (64 MiB) stay cached; mm_pyobj_trim()
 * returns them. */
#define SCALAR_SIZE (offsetof(mm_pyobj, u) + sizeof(double))
#define SCALAR_CACHE_MAX ((size_t)1 << 22)

static _Thread_local struct {
  void *head;
  size_t n;
} scalar_cache;

static inline int is_scalar(int type) {
  return type <= MM_PY_FLOAT || type == MM_PY_DTYPE || type == MM_PY_GLOBAL;
}

static inline mm_pyobj *scalar_alloc(mm_pytype type) {
  mm_pyobj *o = scalar_cache.head;
  if (o) {
    memcpy(&scalar_cache.head, (void *)o, sizeof(void *));
    scalar_cache.n--;
  } else if (!(o = malloc(SCALAR_SIZE))) {
    return NULL;
  }
  o->type = (uint8_t)type;
  o->flags = 0;
  o->depth = 0;
  o->refcnt = 1;
  return o;
}

static inline void scalar_release(mm_pyobj *o) {
  if (scalar_cache.n < SCALAR_CACHE_MAX) {
    memcpy((void *)o, &scalar_cache.head, sizeof(void *));
    scalar_cache.head = o;
    scalar_cache.n++;
  } else {
    free(o);
  }
}

void mm_pyobj_trim(void) {
  while (scalar_cache.head) {
    void *next;
    memcpy(&next, scalar_cache.head, sizeof next);
    free(scalar_cache.head);
    scalar_cache.head = next;
  }
  scalar_cache.n = 0;
}

static mm_pyobj *obj_alloc(mm_pytype type, size_t extra) {
  if (extra > SIZE_MAX - sizeof(mm_pyobj)) return NULL;
  mm_pyobj *o = malloc(sizeof(mm_pyobj) + extra);
  if (!o) return NULL;
  o->type = (uint8_t)type;
  o->flags = 0;
  o->depth = 0;
  o->refcnt = 1;
  return o;
}

void mm_pyobj_free(mm_pyobj *o) {
  if (!o || --o->refcnt) return;
  switch (o->type) {
  case MM_PY_LIST:
  case MM_PY_TUPLE: {
    /* Last item first: the free list then hands the blocks out again in
     * ascending address order, which the next decode walks with the
     * prefetcher's help. Scalars (the float list's loop) are released
     * inline, with the free list head kept in a register. */
    void *head = scalar_cache.head;
    size_t cached = scalar_cache.n;
    for (size_t k = o->u.seq.len; k-- > 0;) {
      mm_pyobj *it = o->u.seq.items[k];
      if (!is_scalar(it->type)) {
        scalar_cache.head = head; /* the recursion may use the cache */
        scalar_cache.n = cached;
        mm_pyobj_free(it);
        head = scalar_cache.head;
        cached = scalar_cache.n;
      } else if (!--it->refcnt) {
        if (cached < SCALAR_CACHE_MAX) {
          memcpy((void *)it, &head, sizeof head);
          head = it;
          cached++;
        } else {
          free(it);
        }
      }
    }
    scalar_cache.head = head;
    scalar_cache.n = cached;
    if (o->type == MM_PY_LIST) free(o->u.seq.items);
    break;
  }
  case MM_PY_DICT:
    for (size_t k = 0; k < o->u.dict.len; k++) {
      mm_pyobj_free(o->u.dict.keys[k]);
      mm_pyobj_free(o->u.dict.values[k]);
    }
    free(o->u.dict.keys);
    free(o->u.dict.values);
    break;
  case MM_PY_BYTES:
  case MM_PY_STR:
    break;
  case MM_PY_BYTEARRAY:
    if (o->flags & F_OWNS_DATA) free(o->u.s.data);
    break;
  case MM_PY_NDARRAY:
    mm_pyobj_free(o->u.arr.base);
    break;
  default:
    scalar_release(o);
    return;
  }
  free(o);
}

mm_pyobj *mm_py_none(void) { return scalar_alloc(MM_PY_NONE); }

mm_pyobj *mm_py_bool(int value) {
  mm_pyobj *o = scalar_alloc(MM_PY_BOOL);
  if (o) o->u.i = value != 0;
  return o;
}

mm_pyobj *mm_py_int(int64_t value) {
  mm_pyobj *o = scalar_alloc(MM_PY_INT);
  if (o) o->u.i = value;
  return o;
}

mm_pyobj *mm_py_float(double value) {
  mm_pyobj *o = scalar_alloc(MM_PY_FLOAT);
  if (o) o->u.f = value;
  return o;
}

/* bytes and str keep their data in the object's own allocation, as
 * CPython's PyBytesObject does: one malloc and one memcpy per object. A
 * NUL follows the data for the convenience of C callers. */
static mm_pyobj *string_new(mm_pytype type, const void *data, size_t len) {
  if (len == SIZE_MAX) return NULL;
  mm_pyobj *o = obj_alloc(type, len + 1);
  if (!o) return NULL;
  o->u.s.len = len;
  o->u.s.data = (unsigned char *)(o + 1);
  if (len) memcpy(o->u.s.data, data, len);
  o->u.s.data[len] = 0;
  if (type == MM_PY_BYTEARRAY) o->flags = F_UNHASHABLE;
  return o;
}

mm_pyobj *mm_py_bytearray(const void *data, size_t len) {
  return string_new(MM_PY_BYTEARRAY, data, len);
}

_Static_assert(sizeof(mm_pyobj) % sizeof(double) == 0, "string data must be 8-aligned");

/* An array viewing base (a BYTEARRAY or BYTES of n float64), taking one
 * reference to it. */
static mm_pyobj *ndarray_view(mm_pyobj *base, size_t n) {
  mm_pyobj *o = obj_alloc(MM_PY_NDARRAY, 0);
  if (!o) return NULL;
  o->flags = F_UNHASHABLE;
  base->refcnt++;
  o->u.arr.base = base;
  o->u.arr.n = n;
  o->u.arr.data = (double *)(void *)base->u.s.data; /* 8-aligned: after the header */
  return o;
}

mm_pyobj *mm_py_ndarray(const double *values, size_t n) {
  if ((n && !values) || n > SIZE_MAX / sizeof(double) - 1) return NULL;
  mm_pyobj *base = mm_py_bytearray(values, n * sizeof(double));
  if (!base) return NULL;
  mm_pyobj *o = ndarray_view(base, n);
  mm_pyobj_free(base); /* the array holds the only reference now */
  return o;
}

mm_pyobj *mm_py_bytes(const void *data, size_t len) {
  return string_new(MM_PY_BYTES, data, len);
}

mm_pyobj *mm_py_str(const char *utf8, size_t len) {
  return string_new(MM_PY_STR, utf8, len);
}

mm_pyobj *mm_py_list(size_t n) {
  if (n > SIZE_MAX / sizeof(mm_pyobj *)) return NULL;
  mm_pyobj *o = obj_alloc(MM_PY_LIST, 0);
  if (!o) return NULL;
  o->flags = F_UNHASHABLE;
  o->u.seq.len = 0;
  o->u.seq.cap = n;
  o->u.seq.items = NULL;
  if (n && !(o->u.seq.items = malloc(n * sizeof(mm_pyobj *)))) {
    free(o);
    return NULL;
  }
  return o;
}

/* A tuple's items live in the object's allocation, as in CPython. */
mm_pyobj *mm_py_tuple(size_t n) {
  if (n > (SIZE_MAX - sizeof(mm_pyobj)) / sizeof(mm_pyobj *)) return NULL;
  mm_pyobj *o = obj_alloc(MM_PY_TUPLE, n * sizeof(mm_pyobj *));
  if (!o) return NULL;
  o->u.seq.len = 0;
  o->u.seq.cap = n;
  o->u.seq.items = (mm_pyobj **)(o + 1);
  return o;
}

mm_pyobj *mm_py_dict(size_t n) {
  if (n > SIZE_MAX / sizeof(mm_pyobj *)) return NULL;
  mm_pyobj *o = obj_alloc(MM_PY_DICT, 0);
  if (!o) return NULL;
  o->flags = F_UNHASHABLE;
  o->u.dict.len = 0;
  o->u.dict.cap = n;
  o->u.dict.keys = o->u.dict.values = NULL;
  if (n) {
    o->u.dict.keys = malloc(n * sizeof(mm_pyobj *));
    o->u.dict.values = malloc(n * sizeof(mm_pyobj *));
    if (!o->u.dict.keys || !o->u.dict.values) {
      free(o->u.dict.keys);
      free(o->u.dict.values);
      free(o);
      return NULL;
    }
  }
  return o;
}

mm_pyobj *mm_py_float_list(const double *values, size_t n) {
  if (n && !values) return NULL;
  mm_pyobj *list = mm_py_list(n);
  if (!list) return NULL;
  for (size_t k = 0; k < n; k++) {
    mm_pyobj *f = scalar_alloc(MM_PY_FLOAT);
    if (!f) {
      mm_pyobj_free(list);
      return NULL;
    }
    f->u.f = values[k];
    f->flags = F_HAS_PARENT;
    list->u.seq.items[k] = f;
    list->u.seq.len = k + 1;
  }
  if (n) list->depth = 1;
  return list;
}

/* The checks made whenever child becomes a child of parent. A container
 * may only gain children while it has no parent itself; with that rule no
 * reference cycle can ever form (the last edge closing a cycle would have
 * to be added to a container already inside the cycle), so reference
 * counting frees everything, and depths never need to be propagated up. */
static int adopt_check(mm_pyobj *parent, const mm_pyobj *child) {
  if (child->type == MM_PY_GLOBAL) return MM_PICKLE_EGLOBAL;
  if (child == parent || (parent->flags & F_HAS_PARENT))
    return MM_PICKLE_ERECURSIVE;
  if (child->depth + 1 > MM_PICKLE_MAX_DEPTH) return MM_PICKLE_EDEPTH;
  return MM_PICKLE_OK;
}

static inline void adopt(mm_pyobj *parent, mm_pyobj *child) {
  child->flags |= F_HAS_PARENT;
  if (child->depth + 1 > parent->depth) parent->depth = child->depth + 1;
}

static int seq_reserve(mm_pyobj *list, size_t more) {
  size_t need = list->u.seq.len + more;
  if (need <= list->u.seq.cap) return MM_PICKLE_OK;
  if (need < list->u.seq.len || need > SIZE_MAX / 2 / sizeof(mm_pyobj *))
    return MM_PICKLE_ETOOBIG;
  size_t cap = list->u.seq.cap * 2 > need ? list->u.seq.cap * 2 : need;
  if (cap < 4) cap = 4;
  mm_pyobj **items = realloc(list->u.seq.items, cap * sizeof(mm_pyobj *));
  if (!items) return MM_PICKLE_ENOMEM;
  list->u.seq.items = items;
  list->u.seq.cap = cap;
  return MM_PICKLE_OK;
}

int mm_py_append(mm_pyobj *seq, mm_pyobj *item) {
  int rc = MM_PICKLE_EINVAL;
  if (!seq || !item) goto fail;
  if (seq->type == MM_PY_LIST) {
    if ((rc = seq_reserve(seq, 1))) goto fail;
  } else if (seq->type != MM_PY_TUPLE || seq->u.seq.len == seq->u.seq.cap) {
    goto fail;
  }
  if ((rc = adopt_check(seq, item))) goto fail;
  adopt(seq, item);
  if (seq->type == MM_PY_TUPLE && (item->flags & F_UNHASHABLE))
    seq->flags |= F_UNHASHABLE;
  seq->u.seq.items[seq->u.seq.len++] = item;
  return MM_PICKLE_OK;
fail:
  mm_pyobj_free(item);
  return rc;
}

static int dict_reserve(mm_pyobj *d, size_t more) {
  size_t need = d->u.dict.len + more;
  if (need <= d->u.dict.cap) return MM_PICKLE_OK;
  if (need < d->u.dict.len || need > SIZE_MAX / 2 / sizeof(mm_pyobj *))
    return MM_PICKLE_ETOOBIG;
  size_t cap = d->u.dict.cap * 2 > need ? d->u.dict.cap * 2 : need;
  if (cap < 4) cap = 4;
  mm_pyobj **k = realloc(d->u.dict.keys, cap * sizeof(mm_pyobj *));
  if (!k) return MM_PICKLE_ENOMEM;
  d->u.dict.keys = k;
  mm_pyobj **v = realloc(d->u.dict.values, cap * sizeof(mm_pyobj *));
  if (!v) return MM_PICKLE_ENOMEM;
  d->u.dict.values = v;
  d->u.dict.cap = cap;
  return MM_PICKLE_OK;
}

static int dict_set_check(mm_pyobj *d, const mm_pyobj *key,
                          const mm_pyobj *value) {
  int rc;
  if ((rc = adopt_check(d, key)) || (rc = adopt_check(d, value))) return rc;
  if (key->flags & F_UNHASHABLE) return MM_PICKLE_EUNHASHABLE;
  return MM_PICKLE_OK;
}

/* Caller has checked and reserved. */
static void dict_put(mm_pyobj *d, mm_pyobj *key, mm_pyobj *value) {
  adopt(d, key);
  adopt(d, value);
  d->u.dict.keys[d->u.dict.len] = key;
  d->u.dict.values[d->u.dict.len++] = value;
}

int mm_py_dict_set(mm_pyobj *d, mm_pyobj *key, mm_pyobj *value) {
  int rc = MM_PICKLE_EINVAL;
  if (!d || !key || !value || d->type != MM_PY_DICT) goto fail;
  if ((rc = dict_set_check(d, key, value)) || (rc = dict_reserve(d, 1)))
    goto fail;
  dict_put(d, key, value);
  return MM_PICKLE_OK;
fail:
  mm_pyobj_free(key);
  mm_pyobj_free(value);
  return rc;
}

/* ---- encoder ---- */

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

static int w_grow(writer *w, size_t need) {
  if (need <= w->cap) return MM_PICKLE_OK;
  if (!w->growable) return MM_PICKLE_ETOOBIG;
  size_t cap = w->cap > SIZE_MAX / 2 ? SIZE_MAX : w->cap * 2;
  if (cap < need) cap = need;
  unsigned char *b = realloc(w->buf, cap);
  if (!b) return MM_PICKLE_ENOMEM;
  w->buf = b;
  w->cap = cap;
  return MM_PICKLE_OK;
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

/* ndarray.__reduce_ex__(5) of a C-contiguous float64 array (NumPy 1.x):
 * _frombuffer(PickleBuffer in-band as BYTEARRAY8, dtype, (n,), 'C'). */
static int save_ndarray(writer *w, const mm_pyobj *o) {
  int rc;
  if ((rc = save_stack_global(w, NUMPY_FROMBUFFER_MODULE, NUMPY_FROMBUFFER_NAME)) ||
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

/* A first capacity that is exact or slightly above for the two benchmark
 * payloads, so that they cost one malloc and no realloc; anything else
 * grows by doubling, as CPython's output buffer does. */
static size_t first_capacity(const mm_pyobj *o) {
  size_t body = 4096;
  if (o->type == MM_PY_BYTES || o->type == MM_PY_STR || o->type == MM_PY_BYTEARRAY) {
    body = o->u.s.len;
  } else if (o->type == MM_PY_NDARRAY && o->u.arr.n <= SIZE_MAX / 16) {
    body = o->u.arr.n * sizeof(double) + 160; /* the data and NumPy's reduce around it */
  } else if (o->type == MM_PY_LIST && o->u.seq.len <= SIZE_MAX / 10) {
    size_t n = o->u.seq.len;
    body = n * 9 + 2 * (n / BATCHSIZE + 1);
  }
  if (body > SIZE_MAX / 2) return 4096;
  return body + 64 + FRAME_HEADER_SIZE * (body / FRAME_SIZE_TARGET + 2);
}

/* What dump() writes for a top-level bytes object, laid out directly: one
 * malloc of the exact size and one memcpy, for the "bytes" payload. Below
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
  unsigned char *b = malloc(pre + n + 2), *p = b;
  if (!b) return MM_PICKLE_ENOMEM;
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
  *out = b;
  *len = pre + n + 2;
  return MM_PICKLE_OK;
}

/* dump() into a buffer that grows from cap bytes; on success the caller
 * owns *out. */
static int dump_growing(writer *w, const mm_pyobj *obj, unsigned char **out, size_t *len) {
  w->growable = 1;
  if (!(w->buf = malloc(w->cap))) return MM_PICKLE_ENOMEM;
  int rc = dump(w, obj);
  if (rc) {
    free(w->buf);
    return rc;
  }
  *out = w->buf;
  *len = w->len;
  return MM_PICKLE_OK;
}

int mm_pickle_dumps(const mm_pyobj *obj, unsigned char **out, size_t *len) {
  if (!obj || !out || !len) return MM_PICKLE_EINVAL;
  *out = NULL;
  *len = 0;
  if (obj->type == MM_PY_BYTES) return dumps_bytes(obj, out, len);
  writer w = {.cap = first_capacity(obj)};
  return dump_growing(&w, obj, out, len);
}

int mm_pickle_dumps_oob(const mm_pyobj *obj, size_t threshold, unsigned char **out,
                        size_t *len, mm_pickle_buffer *bufs, size_t cap, size_t *nbufs) {
  if (!obj || !out || !len || !nbufs || (cap && !bufs)) return MM_PICKLE_EINVAL;
  *out = NULL;
  *len = *nbufs = 0;
  if (obj->type == MM_PY_BYTES) return dumps_bytes(obj, out, len); /* never a PickleBuffer */
  /* Room for the data when it stays in-band, as mm_pickle_dumps(). */
  int oob = obj->type == MM_PY_NDARRAY && obj->u.arr.n * sizeof(double) >= threshold;
  writer w = {.cap = oob ? 256 : first_capacity(obj), .out_of_band = 1,
              .oob_threshold = threshold, .oob = bufs, .oob_cap = cap};
  int rc = dump_growing(&w, obj, out, len);
  if (!rc) *nbufs = w.oob_n;
  return rc;
}

/* ---- decoder ---- */

typedef struct {
  const unsigned char *in;
  size_t len, pos;
  size_t limit;       /* end of the current frame, or len */
  int in_frame;
  mm_pyobj **stack;
  size_t sp, scap;
  size_t *marks;      /* stack heights at each MARK */
  size_t nmarks, mcap;
  size_t fence;       /* items below it belong to an outer MARK */
  mm_pyobj **memo;
  size_t nmemo, memocap;
  mm_pickle_buffer *bufs; /* out-of-band buffers (NEXT_BUFFER), or NULL */
  size_t nbufs, next_buf;
  /* First storage, inside the decoder: small pickles (a bytes payload
   * needs one stack slot and one memo entry) cost no malloc for them. */
  mm_pyobj *stack0[32];
  size_t marks0[8];
  mm_pyobj *memo0[32];
} decoder;

/* Every push consumes at least one input byte, so the stack, the mark stack
 * and the memo never hold more entries than the input has bytes: growth is
 * bounded by the input, never by a length field. */
static int grow_ptrs(void **arr, size_t *cap, size_t elem, void *inline0) {
  size_t n = *cap * 2;
  if (n > SIZE_MAX / elem) return MM_PICKLE_ETOOBIG;
  void *p;
  if (*arr == inline0) {
    if ((p = malloc(n * elem))) memcpy(p, inline0, *cap * elem);
  } else {
    p = realloc(*arr, n * elem);
  }
  if (!p) return MM_PICKLE_ENOMEM;
  *arr = p;
  *cap = n;
  return MM_PICKLE_OK;
}

/* Takes over the reference to o, also on failure. */
static inline int push(decoder *d, mm_pyobj *o) {
  if (!o) return MM_PICKLE_ENOMEM;
  if (d->sp == d->scap) {
    int rc = grow_ptrs((void **)&d->stack, &d->scap, sizeof(mm_pyobj *), d->stack0);
    if (rc) {
      mm_pyobj_free(o);
      return rc;
    }
  }
  d->stack[d->sp++] = o;
  return MM_PICKLE_OK;
}

/* n fixed-size argument bytes: short input is truncation, or an opcode
 * running over the end of its frame. */
static inline int take(decoder *d, size_t n, const unsigned char **p) {
  if (n > d->limit - d->pos)
    return (d->in_frame && n <= d->len - d->pos) ? MM_PICKLE_EFRAME
                                                 : MM_PICKLE_ETRUNCATED;
  *p = d->in + d->pos;
  d->pos += n;
  return MM_PICKLE_OK;
}

/* n payload bytes announced by a length field: checked against the input
 * before anything is allocated, so a BINBYTES8 claiming 2^62 bytes costs
 * nothing. */
static inline int take_payload(decoder *d, uint64_t n, const unsigned char **p) {
  if (n > d->len - d->pos) return MM_PICKLE_ELENGTH;
  if (n > d->limit - d->pos) return MM_PICKLE_EFRAME;
  *p = d->in + d->pos;
  d->pos += (size_t)n;
  return MM_PICKLE_OK;
}

static inline int need(const decoder *d, size_t n) {
  return d->sp - d->fence >= n ? MM_PICKLE_OK : MM_PICKLE_EUNDERFLOW;
}

/* Pops the innermost MARK; returns its stack height in *at. */
static int pop_mark(decoder *d, size_t *at) {
  if (!d->nmarks) return MM_PICKLE_EMARK;
  *at = d->marks[--d->nmarks];
  d->fence = d->nmarks ? d->marks[d->nmarks - 1] : 0;
  return MM_PICKLE_OK;
}

/* UTF-8 as CPython's "surrogatepass" decoder accepts it (pickle writes
 * lone surrogates that way): no overlong forms, nothing above U+10FFFF.
 * Returns the number of code points, or SIZE_MAX when invalid; *max_cp is
 * the largest code point (for latin1 encoding). */
static size_t utf8_check(const unsigned char *s, size_t n, uint32_t *max_cp) {
  size_t count = 0;
  uint32_t maxc = 0;
  for (size_t k = 0; k < n; count++) {
    uint32_t c = s[k];
    size_t extra;
    uint32_t min;
    if (c < 0x80) {
      k++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      extra = 1, min = 0x80, c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2, min = 0x800, c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3, min = 0x10000, c &= 0x07;
    } else {
      return SIZE_MAX;
    }
    if (extra > n - k - 1) return SIZE_MAX;
    for (size_t j = 1; j <= extra; j++) {
      if ((s[k + j] & 0xc0) != 0x80) return SIZE_MAX;
      c = c << 6 | (s[k + j] & 0x3f);
    }
    if (c < min || c > 0x10ffff) return SIZE_MAX;
    if (c > maxc) maxc = c;
    k += extra + 1;
  }
  if (max_cp) *max_cp = maxc;
  return count;
}

static int load_string(decoder *d, mm_pytype type, int lenbytes) {
  const unsigned char *p, *data;
  int rc = take(d, (size_t)lenbytes, &p);
  if (rc) return rc;
  uint64_t n = get_le(p, lenbytes);
  if ((rc = take_payload(d, n, &data))) return rc;
  if (type == MM_PY_STR && utf8_check(data, (size_t)n, NULL) == SIZE_MAX)
    return MM_PICKLE_EUTF8;
  return push(d, string_new(type, data, (size_t)n));
}

static int load_tuple(decoder *d, size_t from) {
  size_t n = d->sp - from;
  mm_pyobj *t = mm_py_tuple(n);
  if (!t) return MM_PICKLE_ENOMEM;
  for (size_t k = 0; k < n; k++) {
    int rc = adopt_check(t, d->stack[from + k]);
    if (rc) {
      free(t);
      return rc;
    }
  }
  for (size_t k = 0; k < n; k++) {
    mm_pyobj *it = d->stack[from + k];
    adopt(t, it);
    if (it->flags & F_UNHASHABLE) t->flags |= F_UNHASHABLE;
    t->u.seq.items[k] = it;
  }
  t->u.seq.len = n;
  d->sp = from;
  return push(d, t);
}

/* APPEND(S): moves stack[from..sp) into the list at stack[from-1]. */
static int load_appends(decoder *d, size_t from) {
  if (from == 0 || from - 1 < d->fence) return MM_PICKLE_EUNDERFLOW;
  mm_pyobj *list = d->stack[from - 1];
  if (list->type != MM_PY_LIST) return MM_PICKLE_ETYPE;
  size_t n = d->sp - from;
  int rc;
  if (n && (list->flags & F_HAS_PARENT)) return MM_PICKLE_ERECURSIVE;
  /* One pass: if an item is refused, the flags already set on the others
   * do not matter, the whole decode fails. Plain scalars need nothing but
   * a depth of 1 for the list: they never gain children. */
  for (size_t k = 0; k < n; k++) {
    mm_pyobj *it = d->stack[from + k];
    if (it->type <= MM_PY_FLOAT) {
      if (!list->depth) list->depth = 1;
      continue;
    }
    if ((rc = adopt_check(list, it))) return rc;
    adopt(list, it);
  }
  if ((rc = seq_reserve(list, n))) return rc;
  if (n) /* an empty list has no items array yet */
    memcpy(list->u.seq.items + list->u.seq.len, d->stack + from,
           n * sizeof(mm_pyobj *));
  list->u.seq.len += n;
  d->sp = from;
  return MM_PICKLE_OK;
}

/* SETITEM(S): pairs stack[from..sp) into the dict at stack[from-1]. */
static int load_setitems(decoder *d, size_t from) {
  if (from == 0 || from - 1 < d->fence) return MM_PICKLE_EUNDERFLOW;
  mm_pyobj *dict = d->stack[from - 1];
  if (dict->type != MM_PY_DICT) return MM_PICKLE_ETYPE;
  size_t n = d->sp - from;
  int rc;
  if (n % 2) return MM_PICKLE_EMARK; /* odd number of items */
  for (size_t k = 0; k < n; k += 2)
    if ((rc = dict_set_check(dict, d->stack[from + k], d->stack[from + k + 1])))
      return rc;
  if ((rc = dict_reserve(dict, n / 2))) return rc;
  for (size_t k = 0; k < n; k += 2)
    dict_put(dict, d->stack[from + k], d->stack[from + k + 1]);
  d->sp = from;
  return MM_PICKLE_OK;
}

static int global_kind(const unsigned char *mod, size_t mlen,
                       const unsigned char *name, size_t nlen) {
#define IS(s, n, lit) ((n) == sizeof(lit) - 1 && !memcmp((s), lit, (n)))
  if (IS(mod, mlen, "_codecs") && IS(name, nlen, "encode"))
    return G_CODECS_ENCODE;
  if ((IS(mod, mlen, "__builtin__") || IS(mod, mlen, "builtins")) &&
      IS(name, nlen, "bytes"))
    return G_BUILTINS_BYTES;
  if ((IS(mod, mlen, NUMPY_FROMBUFFER_MODULE) || IS(mod, mlen, NUMPY2_FROMBUFFER_MODULE)) &&
      IS(name, nlen, NUMPY_FROMBUFFER_NAME))
    return G_NUMPY_FROMBUFFER;
  if (IS(mod, mlen, "numpy") && IS(name, nlen, "dtype")) return G_NUMPY_DTYPE;
#undef IS
  return 0;
}

static int push_global(decoder *d, int kind) {
  if (!kind) return MM_PICKLE_EGLOBAL;
  mm_pyobj *g = scalar_alloc(MM_PY_GLOBAL);
  if (g) {
    g->u.i = kind;
    g->flags = F_UNHASHABLE;
  }
  return push(d, g);
}

/* GLOBAL: "module\nname\n" inside the current frame. */
static int load_global(decoder *d) {
  const unsigned char *line[2];
  size_t n[2];
  for (int k = 0; k < 2; k++) {
    const unsigned char *s = d->in + d->pos;
    const unsigned char *nl = memchr(s, '\n', d->limit - d->pos);
    if (!nl) return MM_PICKLE_ETRUNCATED;
    line[k] = s;
    n[k] = (size_t)(nl - s);
    d->pos += n[k] + 1;
  }
  return push_global(d, global_kind(line[0], n[0], line[1], n[1]));
}

static int load_stack_global(decoder *d) {
  int rc = need(d, 2);
  if (rc) return rc;
  mm_pyobj *mod = d->stack[d->sp - 2], *name = d->stack[d->sp - 1];
  if (mod->type != MM_PY_STR || name->type != MM_PY_STR) return MM_PICKLE_ETYPE;
  int kind = global_kind(mod->u.s.data, mod->u.s.len, name->u.s.data,
                         name->u.s.len);
  if (!kind) return MM_PICKLE_EGLOBAL;
  d->sp -= 2;
  mm_pyobj_free(mod);
  mm_pyobj_free(name);
  return push_global(d, kind);
}

static int is_str(const mm_pyobj *o, const char *s) {
  return o->type == MM_PY_STR && o->u.s.len == strlen(s) && !memcmp(o->u.s.data, s, o->u.s.len);
}

static int is_int(const mm_pyobj *o, int64_t v) { return o->type == MM_PY_INT && o->u.i == v; }

/* numpy.dtype('f8', False, True): the one dtype supported. */
static int dtype_args(mm_pyobj *const *a, size_t n) {
  return n == 3 && is_str(a[0], NUMPY_F8) && a[1]->type == MM_PY_BOOL && !a[1]->u.i &&
         a[2]->type == MM_PY_BOOL && a[2]->u.i;
}

/* numpy.core.numeric._frombuffer(buffer, dtype, (n,), 'C'): a 1-D float64
 * array viewing the buffer (bytearray, or bytes when it was read-only),
 * which must hold exactly n elements. */
static int reduce_frombuffer(mm_pyobj *const *a, size_t n, mm_pyobj **res) {
  if (n != 4 || a[1]->type != MM_PY_DTYPE || a[2]->type != MM_PY_TUPLE ||
      a[2]->u.seq.len != 1 || a[2]->u.seq.items[0]->type != MM_PY_INT || !is_str(a[3], "C"))
    return MM_PICKLE_EGLOBAL;
  if (a[0]->type != MM_PY_BYTEARRAY && a[0]->type != MM_PY_BYTES) return MM_PICKLE_ETYPE;
  int64_t len = a[2]->u.seq.items[0]->u.i;
  if (len < 0 || (uint64_t)len > SIZE_MAX / sizeof(double) ||
      (size_t)len * sizeof(double) != a[0]->u.s.len)
    return MM_PICKLE_ELENGTH;
  return (*res = ndarray_view(a[0], (size_t)len)) ? MM_PICKLE_OK : MM_PICKLE_ENOMEM;
}

/* NEXT_BUFFER: the next out-of-band buffer as a bytearray, adopted when
 * the caller owns it or viewed when it is shared (the array made from it
 * then views it: no copy), else copied. */
static int load_next_buffer(decoder *d) {
  if (!d->bufs) return MM_PICKLE_EOPCODE;
  if (d->next_buf >= d->nbufs) return MM_PICKLE_EBUFFER;
  mm_pickle_buffer *b = &d->bufs[d->next_buf++];
  if (!b->owned && !b->shared) return push(d, string_new(MM_PY_BYTEARRAY, b->data, b->len));
  mm_pyobj *o = obj_alloc(MM_PY_BYTEARRAY, 0);
  if (!o) return push(d, NULL);
  o->flags = F_UNHASHABLE | (b->owned ? F_OWNS_DATA : 0);
  o->u.s.len = b->len;
  o->u.s.data = b->data;
  b->owned = 0; /* the object frees it now */
  return push(d, o);
}

/* BUILD: only the state NumPy gives a float64 dtype (see NUMPY_F8), which
 * changes nothing. */
static int load_build(decoder *d) {
  int rc = need(d, 2);
  if (rc) return rc;
  mm_pyobj *obj = d->stack[d->sp - 2], *st = d->stack[d->sp - 1];
  if (obj->type != MM_PY_DTYPE || st->type != MM_PY_TUPLE || st->u.seq.len != 8)
    return MM_PICKLE_EGLOBAL;
  mm_pyobj *const *s = st->u.seq.items;
  if (!is_int(s[0], 3) || !is_str(s[1], "<") || s[2]->type != MM_PY_NONE ||
      s[3]->type != MM_PY_NONE || s[4]->type != MM_PY_NONE || !is_int(s[5], -1) ||
      !is_int(s[6], -1) || !is_int(s[7], 0))
    return MM_PICKLE_EGLOBAL;
  d->sp--;
  mm_pyobj_free(st);
  return MM_PICKLE_OK;
}

/* REDUCE for the two calls protocol 2 uses to write bytes,
 * _codecs.encode(str, "latin1") and bytes() for b"", and NumPy's two. */
static int load_reduce(decoder *d) {
  int rc = need(d, 2);
  if (rc) return rc;
  mm_pyobj *fn = d->stack[d->sp - 2], *args = d->stack[d->sp - 1], *res;
  if (fn->type != MM_PY_GLOBAL || args->type != MM_PY_TUPLE)
    return MM_PICKLE_EGLOBAL;
  mm_pyobj **a = args->u.seq.items;
  if (fn->u.i == G_NUMPY_DTYPE) {
    if (!dtype_args(a, args->u.seq.len)) return MM_PICKLE_EGLOBAL;
    if (!(res = scalar_alloc(MM_PY_DTYPE))) return MM_PICKLE_ENOMEM;
  } else if (fn->u.i == G_NUMPY_FROMBUFFER) {
    if ((rc = reduce_frombuffer(a, args->u.seq.len, &res))) return rc;
  } else if (fn->u.i == G_BUILTINS_BYTES) {
    if (args->u.seq.len != 0) return MM_PICKLE_EGLOBAL;
    res = string_new(MM_PY_BYTES, "", 0);
  } else {
    if (args->u.seq.len != 2 || a[0]->type != MM_PY_STR ||
        a[1]->type != MM_PY_STR || a[1]->u.s.len != 6 ||
        memcmp(a[1]->u.s.data, "latin1", 6))
      return MM_PICKLE_EGLOBAL;
    uint32_t maxc;
    size_t n = utf8_check(a[0]->u.s.data, a[0]->u.s.len, &maxc);
    if (n == SIZE_MAX) return MM_PICKLE_EUTF8;
    if (maxc > 0xff) return MM_PICKLE_EGLOBAL; /* not encodable as latin1 */
    if (!(res = obj_alloc(MM_PY_BYTES, n + 1))) return MM_PICKLE_ENOMEM;
    res->u.s.len = n;
    res->u.s.data = (unsigned char *)(res + 1);
    /* Every code point is below 256: only 1- and 2-byte UTF-8 forms. */
    const unsigned char *s = a[0]->u.s.data;
    for (size_t k = 0, j = 0; k < n; k++) {
      if (s[j] < 0x80) {
        res->u.s.data[k] = s[j++];
      } else {
        res->u.s.data[k] = (unsigned char)((s[j] & 0x1f) << 6 | (s[j + 1] & 0x3f));
        j += 2;
      }
    }
    res->u.s.data[n] = 0;
  }
  if (!res) return MM_PICKLE_ENOMEM;
  d->sp -= 2;
  mm_pyobj_free(fn);
  mm_pyobj_free(args);
  return push(d, res);
}

static int memo_put(decoder *d, uint64_t idx) {
  int rc = need(d, 1);
  if (rc) return rc;
  /* CPython numbers memo entries 0, 1, 2, ...: a sparse index is refused
   * rather than sizing a table by an untrusted number. */
  if (idx > d->nmemo) return MM_PICKLE_EMEMO;
  mm_pyobj *top = d->stack[d->sp - 1];
  if (top->refcnt == UINT32_MAX) return MM_PICKLE_ETOOBIG;
  if (idx == d->nmemo) {
    if (d->nmemo == d->memocap &&
        (rc = grow_ptrs((void **)&d->memo, &d->memocap, sizeof(mm_pyobj *), d->memo0)))
      return rc;
    d->nmemo++;
  } else {
    mm_pyobj_free(d->memo[idx]);
  }
  top->refcnt++;
  d->memo[idx] = top;
  return MM_PICKLE_OK;
}

static int memo_get(decoder *d, uint64_t idx) {
  if (idx >= d->nmemo) return MM_PICKLE_EMEMO;
  mm_pyobj *o = d->memo[idx];
  if (o->refcnt == UINT32_MAX) return MM_PICKLE_ETOOBIG;
  o->refcnt++;
  return push(d, o);
}

static int load_long1(decoder *d) {
  const unsigned char *p;
  int rc = take(d, 1, &p);
  if (rc) return rc;
  size_t n = *p;
  if ((rc = take(d, n, &p))) return rc;
  if (n > 8) return MM_PICKLE_EINTRANGE;
  uint64_t v = get_le(p, (int)n);
  if (n && n < 8 && (p[n - 1] & 0x80)) v |= ~(uint64_t)0 << (8 * n);
  mm_pyobj *o = scalar_alloc(MM_PY_INT);
  if (o) memcpy(&o->u.i, &v, 8); /* two's complement, no signed overflow */
  return push(d, o);
}

static int load_int(decoder *d, int nbytes, int is_signed) {
  const unsigned char *p;
  int rc = take(d, (size_t)nbytes, &p);
  if (rc) return rc;
  uint64_t v = get_le(p, nbytes);
  return push(d, mm_py_int(is_signed ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v));
}

/* The hot loop of the "floats" payload: a run of BINFLOATs (the first
 * opcode already consumed), in chunks whose stack room and input length
 * are checked once, not per float. */
static int load_floats(decoder *d) {
  const unsigned char *p;
  d->pos--; /* back to the first BINFLOAT */
  for (;;) {
    size_t room = (d->limit - d->pos) / 9, k = 0;
    if (room == 0) { /* a cut BINFLOAT: report it the usual way */
      d->pos++;
      return take(d, 8, &p);
    }
    if (room > 4096) room = 4096;
    while (d->scap - d->sp < room) {
      int rc = grow_ptrs((void **)&d->stack, &d->scap, sizeof(mm_pyobj *), d->stack0);
      if (rc) return rc;
    }
    p = d->in + d->pos;
    mm_pyobj **top = d->stack + d->sp;
    /* scalar_alloc() with the free list head kept in a register. */
    void *head = scalar_cache.head;
    size_t cached = scalar_cache.n;
    int rc = MM_PICKLE_OK;
    for (; k < room && p[0] == OP_BINFLOAT; k++, p += 9) {
      mm_pyobj *o = head;
      if (o) {
        memcpy(&head, (void *)o, sizeof head);
        cached--;
      } else if (!(o = malloc(SCALAR_SIZE))) {
        rc = MM_PICKLE_ENOMEM;
        break;
      }
      o->type = MM_PY_FLOAT;
      o->flags = 0;
      o->depth = 0;
      o->refcnt = 1;
      o->u.f = get_be_double(p + 1);
      top[k] = o;
    }
    scalar_cache.head = head;
    scalar_cache.n = cached;
    d->sp += k;
    if (rc) return rc;
    d->pos += 9 * k;
    if (k < room || d->pos == d->limit || d->in[d->pos] != OP_BINFLOAT)
      return MM_PICKLE_OK;
  }
}

static int run(decoder *d, mm_pyobj **out) {
  const unsigned char *p;
  size_t at;
  int rc;
  for (;;) {
    if (d->in_frame && d->pos == d->limit) {
      d->in_frame = 0;
      d->limit = d->len;
    }
    if (d->pos >= d->limit) return MM_PICKLE_ETRUNCATED;
    unsigned char op = d->in[d->pos++];
    switch (op) {
    case OP_PROTO:
      if ((rc = take(d, 1, &p))) return rc;
      if (*p > 5) return MM_PICKLE_EPROTO;
      break;
    case OP_FRAME: {
      if ((rc = take(d, 8, &p))) return rc;
      if (d->in_frame) return MM_PICKLE_EFRAME;
      uint64_t n = get_le(p, 8);
      if (n > d->len - d->pos) return MM_PICKLE_ELENGTH;
      d->in_frame = 1;
      d->limit = d->pos + (size_t)n;
      break;
    }
    case OP_STOP:
      if (d->sp == 0) return MM_PICKLE_EUNDERFLOW;
      if (d->nmarks) return MM_PICKLE_EMARK;
      if (d->sp != 1) return MM_PICKLE_ESTACK;
      if (d->pos != d->len) return MM_PICKLE_ETRAILING;
      if (d->stack[0]->type == MM_PY_GLOBAL) return MM_PICKLE_EGLOBAL;
      *out = d->stack[0];
      d->sp = 0;
      return MM_PICKLE_OK;
    case OP_MARK:
      if (d->nmarks == d->mcap &&
          (rc = grow_ptrs((void **)&d->marks, &d->mcap, sizeof(size_t), d->marks0)))
        return rc;
      d->marks[d->nmarks++] = d->sp;
      d->fence = d->sp;
      break;
    case OP_MEMOIZE:
      if ((rc = memo_put(d, d->nmemo))) return rc;
      break;
    case OP_BINPUT:
    case OP_LONG_BINPUT:
      if ((rc = take(d, op == OP_BINPUT ? 1 : 4, &p))) return rc;
      if ((rc = memo_put(d, get_le(p, op == OP_BINPUT ? 1 : 4)))) return rc;
      break;
    case OP_BINGET:
    case OP_LONG_BINGET:
      if ((rc = take(d, op == OP_BINGET ? 1 : 4, &p))) return rc;
      if ((rc = memo_get(d, get_le(p, op == OP_BINGET ? 1 : 4)))) return rc;
      break;
    case OP_NONE:
      if ((rc = push(d, mm_py_none()))) return rc;
      break;
    case OP_NEWTRUE:
    case OP_NEWFALSE:
      if ((rc = push(d, mm_py_bool(op == OP_NEWTRUE)))) return rc;
      break;
    case OP_BININT:
      if ((rc = load_int(d, 4, 1))) return rc;
      break;
    case OP_BININT1:
      if ((rc = load_int(d, 1, 0))) return rc;
      break;
    case OP_BININT2:
      if ((rc = load_int(d, 2, 0))) return rc;
      break;
    case OP_LONG1:
      if ((rc = load_long1(d))) return rc;
      break;
    case OP_BINFLOAT:
      if ((rc = load_floats(d))) return rc;
      break;
    case OP_SHORT_BINBYTES:
      if ((rc = load_string(d, MM_PY_BYTES, 1))) return rc;
      break;
    case OP_BINBYTES:
      if ((rc = load_string(d, MM_PY_BYTES, 4))) return rc;
      break;
    case OP_BINBYTES8:
      if ((rc = load_string(d, MM_PY_BYTES, 8))) return rc;
      break;
    case OP_BYTEARRAY8:
      if ((rc = load_string(d, MM_PY_BYTEARRAY, 8))) return rc;
      break;
    case OP_NEXT_BUFFER:
      if ((rc = load_next_buffer(d))) return rc;
      break;
    case OP_READONLY_BUFFER: /* the view becomes read-only: nothing to change here */
      if (!d->bufs) return MM_PICKLE_EOPCODE;
      if ((rc = need(d, 1))) return rc;
      if (d->stack[d->sp - 1]->type != MM_PY_BYTEARRAY) return MM_PICKLE_ETYPE;
      break;
    case OP_SHORT_BINUNICODE:
      if ((rc = load_string(d, MM_PY_STR, 1))) return rc;
      break;
    case OP_BINUNICODE:
      if ((rc = load_string(d, MM_PY_STR, 4))) return rc;
      break;
    case OP_BINUNICODE8:
      if ((rc = load_string(d, MM_PY_STR, 8))) return rc;
      break;
    case OP_EMPTY_LIST:
      if ((rc = push(d, mm_py_list(0)))) return rc;
      break;
    case OP_EMPTY_DICT:
      if ((rc = push(d, mm_py_dict(0)))) return rc;
      break;
    case OP_EMPTY_TUPLE:
      if ((rc = push(d, mm_py_tuple(0)))) return rc;
      break;
    case OP_TUPLE1:
    case OP_TUPLE2:
    case OP_TUPLE3:
      if ((rc = need(d, (size_t)(op - OP_TUPLE1 + 1)))) return rc;
      if ((rc = load_tuple(d, d->sp - (size_t)(op - OP_TUPLE1 + 1)))) return rc;
      break;
    case OP_TUPLE:
      if ((rc = pop_mark(d, &at)) || (rc = load_tuple(d, at))) return rc;
      break;
    case OP_APPEND:
      if ((rc = need(d, 2)) || (rc = load_appends(d, d->sp - 1))) return rc;
      break;
    case OP_APPENDS:
      if ((rc = pop_mark(d, &at)) || (rc = load_appends(d, at))) return rc;
      break;
    case OP_SETITEM:
      if ((rc = need(d, 3)) || (rc = load_setitems(d, d->sp - 2))) return rc;
      break;
    case OP_SETITEMS:
      if ((rc = pop_mark(d, &at)) || (rc = load_setitems(d, at))) return rc;
      break;
    case OP_GLOBAL:
      if ((rc = load_global(d))) return rc;
      break;
    case OP_STACK_GLOBAL:
      if ((rc = load_stack_global(d))) return rc;
      break;
    case OP_REDUCE:
      if ((rc = load_reduce(d))) return rc;
      break;
    case OP_BUILD:
      if ((rc = load_build(d))) return rc;
      break;
    default:
      return MM_PICKLE_EOPCODE;
    }
  }
}

static int loads(const unsigned char *in, size_t len, mm_pickle_buffer *bufs, size_t nbufs,
                 mm_pyobj **out) {
  if (!out) return MM_PICKLE_EINVAL;
  *out = NULL;
  if (!in && len) return MM_PICKLE_EINVAL;
  decoder d;
  memset(&d, 0, offsetof(decoder, stack0)); /* the inline arrays need no zeroing */
  d.bufs = bufs;
  d.nbufs = nbufs;
  d.in = in ? in : (const unsigned char *)"";
  d.len = d.limit = len;
  d.stack = d.stack0;
  d.scap = sizeof d.stack0 / sizeof d.stack0[0];
  d.marks = d.marks0;
  d.mcap = sizeof d.marks0 / sizeof d.marks0[0];
  d.memo = d.memo0;
  d.memocap = sizeof d.memo0 / sizeof d.memo0[0];
  int rc = run(&d, out);
  /* The stack and the memo own one reference each to what they hold. */
  for (size_t k = 0; k < d.sp; k++) mm_pyobj_free(d.stack[k]);
  for (size_t k = 0; k < d.nmemo; k++) mm_pyobj_free(d.memo[k]);
  if (d.stack != d.stack0) free(d.stack);
  if (d.marks != d.marks0) free(d.marks);
  if (d.memo != d.memo0) free(d.memo);
  return rc;
}

int mm_pickle_loads(const unsigned char *in, size_t len, mm_pyobj **out) {
  return loads(in, len, NULL, 0, out);
}

int mm_pickle_loads_oob(const unsigned char *in, size_t len, mm_pickle_buffer *bufs,
                        size_t nbufs, mm_pyobj **out) {
  if (nbufs && !bufs) {
    if (out) *out = NULL;
    return MM_PICKLE_EINVAL;
  }
  static mm_pickle_buffer none;
  return loads(in, len, bufs ? bufs : &none, nbufs, out);
}

/* ---- canonical text form ---- */

typedef struct {
  char *s;
  size_t len, cap;
  int err;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->err) return;
  if (n > b->cap - b->len - 1 || !b->s) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len - 1 < n) {
      if (cap > SIZE_MAX / 2) {
        b->err = MM_PICKLE_ETOOBIG;
        return;
      }
      cap *= 2;
    }
    char *p = realloc(b->s, cap);
    if (!p) {
      b->err = MM_PICKLE_ENOMEM;
      return;
    }
    b->s = p;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_hex(sbuf *b, const unsigned char *data, size_t n) {
  static const char digits[] = "0123456789abcdef";
  char chunk[512];
  size_t k = 0;
  while (k < n && !b->err) {
    size_t m = 0;
    for (; k < n && m < sizeof chunk; k++) {
      chunk[m++] = digits[data[k] >> 4];
      chunk[m++] = digits[data[k] & 15];
    }
    sb_add(b, chunk, m);
  }
}

static void repr(sbuf *b, const mm_pyobj *o) {
  char num[40];
  size_t n;
  switch (o->type) {
  case MM_PY_NONE:
    sb_str(b, "N");
    break;
  case MM_PY_BOOL:
    sb_str(b, o->u.i ? "T" : "F");
    break;
  case MM_PY_INT:
    snprintf(num, sizeof num, "i%lld", (long long)o->u.i);
    sb_str(b, num);
    break;
  case MM_PY_FLOAT:
    /* %.17g is exact and identical in C and Python; inf and nan spelled
     * the Python way. */
    if (isnan(o->u.f))
      sb_str(b, "fnan");
    else if (isinf(o->u.f))
      sb_str(b, o->u.f > 0 ? "finf" : "f-inf");
    else {
      snprintf(num, sizeof num, "f%.17g", o->u.f);
      sb_str(b, num);
    }
    break;
  case MM_PY_BYTES:
  case MM_PY_STR:
  case MM_PY_BYTEARRAY:
    sb_str(b, o->type == MM_PY_BYTES ? "b" : o->type == MM_PY_STR ? "s" : "y");
    sb_hex(b, o->u.s.data, o->u.s.len);
    break;
  case MM_PY_DTYPE:
    sb_str(b, "D<f8>");
    break;
  case MM_PY_NDARRAY:
    sb_str(b, "A");
    sb_hex(b, (const unsigned char *)o->u.arr.data, o->u.arr.n * sizeof(double));
    break;
  case MM_PY_LIST:
  case MM_PY_TUPLE:
    sb_str(b, o->type == MM_PY_LIST ? "[" : "(");
    for (n = 0; n < o->u.seq.len; n++) {
      if (n) sb_str(b, ",");
      repr(b, o->u.seq.items[n]);
    }
    sb_str(b, o->type == MM_PY_LIST ? "]" : ")");
    break;
  case MM_PY_DICT:
    sb_str(b, "{");
    for (n = 0; n < o->u.dict.len; n++) {
      if (n) sb_str(b, ",");
      repr(b, o->u.dict.keys[n]);
      sb_str(b, ":");
      repr(b, o->u.dict.values[n]);
    }
    sb_str(b, "}");
    break;
  default:
    sb_str(b, "?");
    break;
  }
}

int mm_pyobj_repr(const mm_pyobj *obj, char **text, size_t *len) {
  if (!obj || !text || !len) return MM_PICKLE_EINVAL;
  sbuf b = {0};
  sb_add(&b, "", 0);
  repr(&b, obj);
  if (b.err) {
    free(b.s);
    *text = NULL;
    *len = 0;
    return b.err;
  }
  *text = b.s;
  *len = b.len;
  return MM_PICKLE_OK;
}
