#include "heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

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

static void settle(size_t largest) {
  size_t n = largest > SIZE_MAX / 2 ? SIZE_MAX : 2 * largest;
  volatile unsigned char *block = malloc(n ? n : 1);
  if (!block) return; /* no such block to spare: the order of visits decides, as before */
  block[0] = 1;
  free((void *)block);
}

const char *mm_heap_prepare(bool pickles, bool pinned, size_t largest) {
  if (!pickles) return NULL;
  if (pinned) return pin();
  settle(largest);
  return "default";
}
