/* The Python object model of pickle.h: one allocation per object, as
 * CPython allocates them, scalars from a per-thread free list, reference
 * counts, and containers that cannot form cycles. */
#include "pyobj_internal.h"

#include <stdint.h>

_Thread_local struct mm_scalar_cache mm_pyobj_scalar_cache;

static inline void scalar_release(mm_pyobj *o) {
  if (mm_pyobj_scalar_cache.n < SCALAR_CACHE_MAX) {
    memcpy((void *)o, &mm_pyobj_scalar_cache.head, sizeof(void *));
    mm_pyobj_scalar_cache.head = o;
    mm_pyobj_scalar_cache.n++;
  } else {
    free(o);
  }
}

void mm_pyobj_trim(void) {
  while (mm_pyobj_scalar_cache.head) {
    void *next;
    memcpy(&next, mm_pyobj_scalar_cache.head, sizeof next);
    free(mm_pyobj_scalar_cache.head);
    mm_pyobj_scalar_cache.head = next;
  }
  mm_pyobj_scalar_cache.n = 0;
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
    void *head = mm_pyobj_scalar_cache.head;
    size_t cached = mm_pyobj_scalar_cache.n;
    for (size_t k = o->u.seq.len; k-- > 0;) {
      mm_pyobj *it = o->u.seq.items[k];
      if (!is_scalar(it->type)) {
        mm_pyobj_scalar_cache.head = head; /* the recursion may use the cache */
        mm_pyobj_scalar_cache.n = cached;
        mm_pyobj_free(it);
        head = mm_pyobj_scalar_cache.head;
        cached = mm_pyobj_scalar_cache.n;
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
    mm_pyobj_scalar_cache.head = head;
    mm_pyobj_scalar_cache.n = cached;
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

mm_pyobj *mm_py_bytearray(const void *data, size_t len) {
  return mm_pyobj_string_new(MM_PY_BYTEARRAY, data, len);
}

mm_pyobj *mm_py_ndarray(const double *values, size_t n, int numpy) {
  if ((n && !values) || n > SIZE_MAX / sizeof(double) - 1 || (numpy != 1 && numpy != 2)) return NULL;
  mm_pyobj *base = mm_py_bytearray(values, n * sizeof(double));
  if (!base) return NULL;
  mm_pyobj *o = mm_pyobj_ndarray_view(base, n);
  mm_pyobj_free(base); /* the array holds the only reference now */
  if (o && numpy == 1) o->flags |= F_NUMPY1;
  return o;
}

int mm_py_ndarray_numpy(const mm_pyobj *arr) { return (arr->flags & F_NUMPY1) ? 1 : 2; }

mm_pyobj *mm_py_bytes(const void *data, size_t len) {
  return mm_pyobj_string_new(MM_PY_BYTES, data, len);
}

mm_pyobj *mm_py_str(const char *utf8, size_t len) {
  return mm_pyobj_string_new(MM_PY_STR, utf8, len);
}

mm_pyobj *mm_py_list(size_t n) {
  if (n > SIZE_MAX / sizeof(mm_pyobj *)) return NULL;
  mm_pyobj *o = mm_pyobj_alloc(MM_PY_LIST, 0);
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
  mm_pyobj *o = mm_pyobj_alloc(MM_PY_TUPLE, n * sizeof(mm_pyobj *));
  if (!o) return NULL;
  o->u.seq.len = 0;
  o->u.seq.cap = n;
  o->u.seq.items = (mm_pyobj **)(o + 1);
  return o;
}

mm_pyobj *mm_py_dict(size_t n) {
  if (n > SIZE_MAX / sizeof(mm_pyobj *)) return NULL;
  mm_pyobj *o = mm_pyobj_alloc(MM_PY_DICT, 0);
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

/* The capacity for len + more entries of a pointer array of capacity cap:
 * *grown stays cap when that is enough, else doubles (at least 4), as
 * CPython's lists grow geometrically. */
static int grown_capacity(size_t len, size_t cap, size_t more, size_t *grown) {
  size_t need = len + more;
  *grown = cap;
  if (need <= cap) return MM_PICKLE_OK;
  if (need < len || need > SIZE_MAX / 2 / sizeof(mm_pyobj *)) return MM_PICKLE_ETOOBIG;
  *grown = cap * 2 > need ? cap * 2 : need;
  if (*grown < 4) *grown = 4;
  return MM_PICKLE_OK;
}

int mm_pyobj_seq_reserve(mm_pyobj *list, size_t more) {
  size_t cap;
  int rc = grown_capacity(list->u.seq.len, list->u.seq.cap, more, &cap);
  if (rc || cap == list->u.seq.cap) return rc;
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
    if ((rc = mm_pyobj_seq_reserve(seq, 1))) goto fail;
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

int mm_pyobj_dict_reserve(mm_pyobj *d, size_t more) {
  size_t cap;
  int rc = grown_capacity(d->u.dict.len, d->u.dict.cap, more, &cap);
  if (rc || cap == d->u.dict.cap) return rc;
  mm_pyobj **k = realloc(d->u.dict.keys, cap * sizeof(mm_pyobj *));
  if (!k) return MM_PICKLE_ENOMEM;
  d->u.dict.keys = k;
  mm_pyobj **v = realloc(d->u.dict.values, cap * sizeof(mm_pyobj *));
  if (!v) return MM_PICKLE_ENOMEM;
  d->u.dict.values = v;
  d->u.dict.cap = cap;
  return MM_PICKLE_OK;
}

int mm_pyobj_dict_set_check(mm_pyobj *d, const mm_pyobj *key,
                          const mm_pyobj *value) {
  int rc;
  if ((rc = adopt_check(d, key)) || (rc = adopt_check(d, value))) return rc;
  if (key->flags & F_UNHASHABLE) return MM_PICKLE_EUNHASHABLE;
  return MM_PICKLE_OK;
}

int mm_py_dict_set(mm_pyobj *d, mm_pyobj *key, mm_pyobj *value) {
  int rc = MM_PICKLE_EINVAL;
  if (!d || !key || !value || d->type != MM_PY_DICT) goto fail;
  if ((rc = mm_pyobj_dict_set_check(d, key, value)) || (rc = mm_pyobj_dict_reserve(d, 1)))
    goto fail;
  dict_put(d, key, value);
  return MM_PICKLE_OK;
fail:
  mm_pyobj_free(key);
  mm_pyobj_free(value);
  return rc;
}
