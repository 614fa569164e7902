/* What the object model (pyobj.c) shares with the codec (pickle_encode.c,
 * pickle_decode.c) and its text form (pyobj_repr.c): the object flags, the
 * scalar free list and the checks made when an object gains a child. Not
 * part of pickle.h's contract. The hot ones are inline here, so that the
 * decoder allocates a float or adopts an item without a call, as it did
 * when all of this was one file. */
#ifndef MM_PYOBJ_INTERNAL_H
#define MM_PYOBJ_INTERNAL_H

#include "pickle.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* flags bits */
#define F_HAS_PARENT 1u  /* added to a container: may not gain children */
#define F_UNHASHABLE 2u  /* list, dict, or tuple holding one of them */
#define F_OWNS_DATA 4u   /* bytearray adopted from an out-of-band buffer: free(u.s.data) */
#define F_NUMPY1 8u      /* ndarray pickled as NumPy 1.x pickles it (else 2.x) */

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

struct mm_scalar_cache {
  void *head;
  size_t n;
};
extern _Thread_local struct mm_scalar_cache mm_pyobj_scalar_cache;

static inline int is_scalar(int type) {
  return type <= MM_PY_FLOAT || type == MM_PY_DTYPE || type == MM_PY_GLOBAL;
}

static inline mm_pyobj *scalar_alloc(mm_pytype type) {
  mm_pyobj *o = mm_pyobj_scalar_cache.head;
  if (o) {
    memcpy(&mm_pyobj_scalar_cache.head, (void *)o, sizeof(void *));
    mm_pyobj_scalar_cache.n--;
  } else if (!(o = malloc(SCALAR_SIZE))) {
    return NULL;
  }
  o->type = (uint8_t)type;
  o->flags = 0;
  o->depth = 0;
  o->refcnt = 1;
  return o;
}

/* A header-only object of type with extra bytes after it, refcount 1. */
static inline mm_pyobj *mm_pyobj_alloc(mm_pytype type, size_t extra) {
  if (extra > SIZE_MAX - sizeof(mm_pyobj)) return NULL;
  mm_pyobj *o = malloc(sizeof(mm_pyobj) + extra);
  if (!o) return NULL;
  o->type = (uint8_t)type;
  o->flags = 0;
  o->depth = 0;
  o->refcnt = 1;
  return o;
}

/* bytes and str keep their data in the object's own allocation, as
 * CPython's PyBytesObject does: one malloc and one memcpy per object. A
 * NUL follows the data for the convenience of C callers. */
static inline mm_pyobj *mm_pyobj_string_new(mm_pytype type, const void *data, size_t len) {
  if (len == SIZE_MAX) return NULL;
  mm_pyobj *o = mm_pyobj_alloc(type, len + 1);
  if (!o) return NULL;
  o->u.s.len = len;
  o->u.s.data = (unsigned char *)(o + 1);
  if (len) memcpy(o->u.s.data, data, len);
  o->u.s.data[len] = 0;
  if (type == MM_PY_BYTEARRAY) o->flags = F_UNHASHABLE;
  return o;
}

_Static_assert(sizeof(mm_pyobj) % sizeof(double) == 0, "string data must be 8-aligned");

/* An array viewing base (a BYTEARRAY or BYTES of n float64), taking one
 * reference to it. */
static inline mm_pyobj *mm_pyobj_ndarray_view(mm_pyobj *base, size_t n) {
  mm_pyobj *o = mm_pyobj_alloc(MM_PY_NDARRAY, 0);
  if (!o) return NULL;
  o->flags = F_UNHASHABLE;
  base->refcnt++;
  o->u.arr.base = base;
  o->u.arr.n = n;
  o->u.arr.data = (double *)(void *)base->u.s.data; /* 8-aligned: after the header */
  return o;
}

/* Room for more items in a list, or entries in a dict (MM_PICKLE_*). */
int mm_pyobj_seq_reserve(mm_pyobj *list, size_t more);
int mm_pyobj_dict_reserve(mm_pyobj *d, size_t more);
/* adopt_check() for a key and a value, and the key hashable. */
int mm_pyobj_dict_set_check(mm_pyobj *d, const mm_pyobj *key, const mm_pyobj *value);

/* The checks made whenever child becomes a child of parent. A container
 * may only gain children while it has no parent itself; with that rule no
 * reference cycle can ever form (the last edge closing a cycle would have
 * to be added to a container already inside the cycle), so reference
 * counting frees everything, and depths never need to be propagated up. */
static inline int adopt_check(mm_pyobj *parent, const mm_pyobj *child) {
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

/* Caller has checked and reserved. */
static inline void dict_put(mm_pyobj *d, mm_pyobj *key, mm_pyobj *value) {
  adopt(d, key);
  adopt(d, value);
  d->u.dict.keys[d->u.dict.len] = key;
  d->u.dict.values[d->u.dict.len++] = value;
}

#endif
