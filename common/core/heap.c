#define _DEFAULT_SOURCE /* sbrk */
#include "heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* glibc's malloc/malloc.c: DEFAULT_MMAP_THRESHOLD_MIN (the start value of
 * both thresholds) and DEFAULT_MMAP_THRESHOLD_MAX (4 MiB * sizeof(long)),
 * the range in which freeing a mapped block moves the thresholds. */
#define GLIBC_THRESHOLD_START ((size_t)128 * 1024)
#define GLIBC_THRESHOLD_MAX ((size_t)4 * 1024 * 1024 * sizeof(long))
#define PYBYTES_HEADER 33 /* offsetof(PyBytesObject, ob_sval) + the NUL */

static const char *pin(void) {
#define MM_HEAP(param, number, value) mallopt(param, value);
#include "heap.def"
#undef MM_HEAP
  return "mallopt"
#define MM_HEAP(param, number, value) " " #param "=" #value
#include "heap.def"
#undef MM_HEAP
      ;
}

const char *mm_heap_prepare(bool pickles, bool pinned) {
  if (!pickles) return NULL;
  return pinned ? pin() : "default";
}

size_t mm_heap_threshold(size_t message_bytes) {
  size_t word = sizeof(size_t), page = (size_t)sysconf(_SC_PAGESIZE);
  if (message_bytes > GLIBC_THRESHOLD_MAX) return GLIBC_THRESHOLD_START;
  /* request2size, then a mapped chunk: its header word, whole pages */
  size_t nb = (message_bytes + PYBYTES_HEADER + word + 2 * word - 1) & ~(2 * word - 1);
  size_t chunk = (nb + word + page - 1) / page * page;
  bool moves = chunk > GLIBC_THRESHOLD_START && chunk <= GLIBC_THRESHOLD_MAX;
  return moves ? chunk : GLIBC_THRESHOLD_START;
}

void mm_heap_visit(mm_path path, bool pinned, const mm_op_traits *op, bool root, int nranks,
                   size_t wire_bytes) {
  if (pinned) return;
  /* The buffer path too: the MPI library allocates per call (Open MPI's
   * reduce_scatter_block, a buffer of the nranks messages) */
  bool joined = path != MM_PATH_PKL5 && (root || op->rootless) &&
                (op->root_sends_all || op->root_recvs_all);
  size_t block = joined && nranks > 0 && wire_bytes <= SIZE_MAX / (size_t)nranks
                     ? wire_bytes * (size_t)nranks : wire_bytes;
  size_t t = mm_heap_threshold(block);
  mallopt(M_MMAP_THRESHOLD, (int)t);
  /* glibc's rule sets the trim threshold to twice the mmap threshold once
   * the latter moved; it starts at the same 128 KiB */
  mallopt(M_TRIM_THRESHOLD, (int)(t == GLIBC_THRESHOLD_START ? t : 2 * t));
  malloc_trim(0);
}

void *mm_heap_plug(mm_path path, bool pinned, size_t message_bytes) {
  if (!mm_path_pickles(path) || pinned || message_bytes < MM_HEAP_PLUG_MIN) return NULL;
  size_t block = message_bytes;
  char *top = sbrk(0);
  void *plugs = NULL;
  for (size_t held = 0; held < MM_HEAP_PLUG_MAX; held += block) {
    char *p = malloc(block);
    if (!p) break;
    if (p + block > top) { /* from the top of the heap (or mapped): no hole is left */
      free(p);
      break;
    }
    memcpy(p, &plugs, sizeof plugs); /* the plugs are a list through themselves */
    plugs = p;
  }
  malloc_trim(0);
  return plugs;
}

void mm_heap_unplug(void *plugs) {
  while (plugs) {
    void *next;
    memcpy(&next, plugs, sizeof next);
    free(plugs);
    plugs = next;
  }
}
