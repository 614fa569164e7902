/* The heap the pickled paths measure with, in both runners (the mpi4py
 * runner calls this through the C core library). */
#ifndef MM_HEAP_H
#define MM_HEAP_H

#include <stdbool.h>
#include <stddef.h>

/* Before measuring, once; returns #@heap, or NULL when no pickled path runs
 * (the buffer path allocates once and does not depend on the heap).
 *
 * --heap pinned: sets the heap policy of common/defs/heap.def: freed memory
 * is kept for reuse instead of being unmapped, so that fresh allocations do
 * not pay a page fault per 4 KiB, whatever sizes the run holds. A plain
 * program does not have it. Returns the policy ("mallopt M_...=...").
 *
 * --heap default (the heap as the user's program has it): glibc raises its
 * mmap threshold to the largest block freed so far, so a large pickle's cost
 * depends on the largest message the process handled before, and a launch's
 * first visits would depend on the order it visits the sizes in. One block
 * of twice the largest message (CPython's pickler asks for up to 1.5x),
 * touched and freed, puts every launch in the state of a program that has
 * handled its largest message, which later rounds are in anyway. Returns
 * "default". */
const char *mm_heap_prepare(bool pickles, bool pinned, size_t largest);

#endif
