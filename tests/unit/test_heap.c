/* --heap default: each pickled size gets the heap of a program that sends
 * only that size. The mmap threshold glibc's own rule reaches (the
 * page-rounded mapped chunk of one bytes object of the message, or of the
 * scatter or gather root's joined buffer, inside (128 KiB, 32 MiB]); that
 * glibc then maps the 1.5x pickle buffer of that size and serves the
 * message-sized receive buffer from its heap; and that glibc's trim
 * threshold follows it. And mm_heap_plug: the call's blocks come from the
 * top of the heap, not from holes below it. */
#include <malloc.h>
#include <stdlib.h>

#include "heap.h"
#include "unit.h"

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)

#if !defined(__SANITIZE_ADDRESS__) /* AddressSanitizer replaces glibc's malloc */
/* Whether a block of n bytes is a mapping of its own (mallinfo2's count of
 * mapped blocks goes up while it is held). */
static int mapped(size_t n) {
  size_t before = mallinfo2().hblks;
  volatile unsigned char *p = malloc(n);
  if (!p) return -1;
  p[0] = 1;
  int yes = mallinfo2().hblks > before;
  free((void *)p);
  return yes;
}
#endif

int main(void) {
  CHECK(mm_heap_threshold(8) == 128 * KIB);
  CHECK(mm_heap_threshold(64 * KIB) == 128 * KIB); /* never mapped: the start value */
  CHECK(mm_heap_threshold(MIB) == MIB + 4 * KIB);   /* 1 MiB + 33 + 16: one more page */
  CHECK(mm_heap_threshold(16 * MIB) == 16 * MIB + 4 * KIB);
  CHECK(mm_heap_threshold(32 * MIB - 100) == 32 * MIB); /* the top of glibc's range */
  CHECK(mm_heap_threshold(32 * MIB) == 128 * KIB);      /* past it: never moved */
  CHECK(mm_heap_threshold(1024 * MIB) == 128 * KIB);
  CHECK(mm_heap_threshold((size_t)-1) == 128 * KIB);

#if defined(__SANITIZE_ADDRESS__)
  /* AddressSanitizer replaces glibc's malloc: nothing of mallopt to see */
#else
  const mm_op_traits one = {0}, joined = {.root_sends_all = true};
  mm_heap_visit(MM_PATH_OBJECT, false, &one, true, 2, MIB);
  CHECK(mapped(MIB + 33) == 0);      /* the receive buffer: from the heap */
  CHECK(mapped(3 * MIB / 2) == 1);   /* the pickle buffer: fresh pages */
  mm_heap_visit(MM_PATH_OBJECT, true, &one, true, 2, 16 * MIB); /* pinned: nothing */
  CHECK(mapped(3 * MIB / 2) == 1);
  /* The buffer path as well (the MPI library's allocations), joined where
   * the library holds the nranks messages: 4 x 1 MiB at reduce_scatter's
   * every rank (rootless), not a plain 1 MiB message's */
  const mm_op_traits rs = {.root_sends_all = true, .rootless = true};
  mm_heap_visit(MM_PATH_BUFFER, false, &rs, false, 4, MIB);
  CHECK(mapped(3 * MIB) == 0);
  mm_heap_visit(MM_PATH_BUFFER, false, &one, false, 4, MIB);
  CHECK(mapped(3 * MIB) == 1);
  mm_heap_visit(MM_PATH_PKL5, false, &one, true, 2, 16 * MIB);
  CHECK(mapped(3 * MIB / 2) == 0);   /* after larger messages: reused */
  CHECK(mapped(24 * MIB) == 1);
  mm_heap_visit(MM_PATH_OBJECT, false, &one, true, 2, 64 * KIB);
  CHECK(mapped(256 * KIB) == 1);     /* back to glibc's start value */
  /* The root of the object path's scatter holds a joined buffer of a
   * message per rank (4 x 1 MiB here) and frees it: its threshold is that
   * block's; not on another rank, nor on pkl5, which sends one by one. */
  mm_heap_visit(MM_PATH_OBJECT, false, &joined, true, 4, MIB);
  CHECK(mapped(3 * MIB) == 0);
  mm_heap_visit(MM_PATH_OBJECT, false, &joined, false, 4, MIB);
  CHECK(mapped(3 * MIB) == 1);
  mm_heap_visit(MM_PATH_PKL5, false, &joined, true, 4, MIB);
  CHECK(mapped(3 * MIB) == 1);
  /* And glibc's trim threshold with it (twice the mmap threshold, 128 KiB
   * at the start): ten 100 KiB blocks freed into the top of the heap are
   * given back, as in a program that never mapped a block. */
  mm_heap_visit(MM_PATH_OBJECT, false, &one, false, 2, 64 * KIB);
  void *blocks[10];
  for (int i = 0; i < 10; i++) blocks[i] = malloc(100 * KIB);
  for (int i = 9; i >= 0; i--) free(blocks[i]);
  CHECK(mallinfo2().arena < 1000 * KIB);

  /* mm_heap_plug: a 64 KiB hole below a held block serves the next 64 KiB
   * block (the runner's heap, where the call's blocks then never reach the
   * top: 0.59x the time of a plain program's 64 KiB scatter); plugged, the
   * next block comes from the top, above the one held. */
  mm_heap_visit(MM_PATH_OBJECT, false, &one, true, 2, 64 * KIB);
  char *hole = malloc(64 * KIB), *held = malloc(1024);
  free(hole);
  char *again = malloc(64 * KIB);
  CHECK(again == hole); /* the hole serves it: what the plug is for */
  free(again);
  void *plugs = mm_heap_plug(MM_PATH_OBJECT, false, 64 * KIB);
  CHECK(plugs != NULL);
  char *next = malloc(64 * KIB);
  CHECK(next > held);
  free(next);
  mm_heap_unplug(plugs);
  CHECK(mm_heap_plug(MM_PATH_BUFFER, false, 64 * KIB) == NULL);  /* the buffer path: nothing */
  CHECK(mm_heap_plug(MM_PATH_OBJECT, true, 64 * KIB) == NULL);   /* pinned: nothing */
  CHECK(mm_heap_plug(MM_PATH_OBJECT, false, 1 * KIB) == NULL);   /* small blocks: nothing */
  free(held);
#endif
  return unit_report("test_heap");
}
