/* The pickle protocol 5 decoder of pickle.h: a strict stack machine. It
 * accepts what CPython writes and reports everything else with an error
 * code, never a crash. See docs/pickle-codec.md. */
#include "pickle_format.h"
#include "pyobj_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Which callable an MM_PY_GLOBAL stands for (u.i). */
enum { G_CODECS_ENCODE = 1, G_BUILTINS_BYTES = 2, G_NUMPY_FROMBUFFER = 3, G_NUMPY_DTYPE = 4,
       G_NUMPY1_FROMBUFFER = 5 };

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
  return push(d, mm_pyobj_string_new(type, data, (size_t)n));
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
  if ((rc = mm_pyobj_seq_reserve(list, n))) return rc;
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
    if ((rc = mm_pyobj_dict_set_check(dict, d->stack[from + k], d->stack[from + k + 1])))
      return rc;
  if ((rc = mm_pyobj_dict_reserve(dict, n / 2))) return rc;
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
  if (IS(mod, mlen, NUMPY2_FROMBUFFER_MODULE) && IS(name, nlen, NUMPY_FROMBUFFER_NAME))
    return G_NUMPY_FROMBUFFER;
  if (IS(mod, mlen, NUMPY_FROMBUFFER_MODULE) && IS(name, nlen, NUMPY_FROMBUFFER_NAME))
    return G_NUMPY1_FROMBUFFER;
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
  return (*res = mm_pyobj_ndarray_view(a[0], (size_t)len)) ? MM_PICKLE_OK : MM_PICKLE_ENOMEM;
}

/* NEXT_BUFFER: the next out-of-band buffer as a bytearray, adopted when
 * the caller owns it or viewed when it is shared (the array made from it
 * then views it: no copy), else copied. */
static int load_next_buffer(decoder *d) {
  if (!d->bufs) return MM_PICKLE_EOPCODE;
  if (d->next_buf >= d->nbufs) return MM_PICKLE_EBUFFER;
  mm_pickle_buffer *b = &d->bufs[d->next_buf++];
  if (!b->owned && !b->shared) return push(d, mm_pyobj_string_new(MM_PY_BYTEARRAY, b->data, b->len));
  mm_pyobj *o = mm_pyobj_alloc(MM_PY_BYTEARRAY, 0);
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
  } else if (fn->u.i == G_NUMPY_FROMBUFFER || fn->u.i == G_NUMPY1_FROMBUFFER) {
    if ((rc = reduce_frombuffer(a, args->u.seq.len, &res))) return rc;
    if (fn->u.i == G_NUMPY1_FROMBUFFER) res->flags |= F_NUMPY1; /* re-encoded as read */
  } else if (fn->u.i == G_BUILTINS_BYTES) {
    if (args->u.seq.len != 0) return MM_PICKLE_EGLOBAL;
    res = mm_pyobj_string_new(MM_PY_BYTES, "", 0);
  } else {
    if (args->u.seq.len != 2 || a[0]->type != MM_PY_STR ||
        a[1]->type != MM_PY_STR || a[1]->u.s.len != 6 ||
        memcmp(a[1]->u.s.data, "latin1", 6))
      return MM_PICKLE_EGLOBAL;
    uint32_t maxc;
    size_t n = utf8_check(a[0]->u.s.data, a[0]->u.s.len, &maxc);
    if (n == SIZE_MAX) return MM_PICKLE_EUTF8;
    if (maxc > 0xff) return MM_PICKLE_EGLOBAL; /* not encodable as latin1 */
    if (!(res = mm_pyobj_alloc(MM_PY_BYTES, n + 1))) return MM_PICKLE_ENOMEM;
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
    void *head = mm_pyobj_scalar_cache.head;
    size_t cached = mm_pyobj_scalar_cache.n;
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
    mm_pyobj_scalar_cache.head = head;
    mm_pyobj_scalar_cache.n = cached;
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
