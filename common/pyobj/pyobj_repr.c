/* The canonical text form of an object (mm_pyobj_repr), which the tests
 * compare with Python's repr. */
#include "pyobj_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
