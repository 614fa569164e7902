/* The heap the pickled paths measure with, in both runners (the mpi4py
 * runner calls this through the C core library). */
#ifndef MM_HEAP_H
#define MM_HEAP_H

#include <stdbool.h>
#include <stddef.h>

#include "sweep.h"

/* Before measuring, once; returns #@heap, or NULL when no pickled path runs
 * (the buffer path's buffers are allocated once; the MPI library's own
 * allocations are mm_heap_visit's).
 *
 * --heap pinned: sets the heap policy of common/defs/heap.def: freed memory
 * is kept for reuse instead of being unmapped, so that fresh allocations do
 * not pay a page fault per 4 KiB, whatever sizes the run holds. A plain
 * program does not have it. Returns the policy ("mallopt M_...=...").
 *
 * --heap default: the heap as the user's program has it; each visit then
 * calls mm_heap_visit. Returns "default". */
const char *mm_heap_prepare(bool pickles, bool pinned);

/* Before each visit of a cell, after its set-up: with the heap as it is
 * (--heap default), the heap of a program that sends only messages of this
 * cell's size (wire_bytes each), on every path; nothing with --heap pinned.
 * The buffer path needs it too, for the MPI library's own allocations: Open
 * MPI's reduce_scatter_block allocates a buffer of the nranks messages at
 * each call, and its 512 KiB row read 3x faster when a 2 MiB size had been
 * visited before (rank 0 then faulted no pages; 313 minor faults a call
 * without), where OSU and a plain program see the slow figure.
 * glibc moves its mmap threshold up to the largest mapped block freed so
 * far (up to 32 MiB), and its trim threshold to twice that, so a program
 * that has handled 16 MiB pickles serves a 1 MiB one from pages it keeps,
 * where a program that sends only 1 MiB maps fresh pages for CPython's
 * pickle buffer (1.5x the message) at every call: 2x the cost (issue 37,
 * bench/heap). This sets both thresholds to where glibc's own rule puts
 * them in the latter program (mm_heap_threshold of its largest freed
 * block: one message, or, at the root of scatter and gather
 * (op->root_sends_all, root_recvs_all; every rank of allgather, alltoall
 * and reduce_scatter, op->rootless), the nranks messages mpi4py joins into
 * one buffer, pickle.dumpv and allocv, or the MPI library holds; pkl5
 * sends those one by one) and gives back the pages the heap holds spare (malloc_trim), so
 * that a size's figure does not depend on the sizes visited before it;
 * the visit's warm-up brings the heap to that program's steady state.
 * What it cannot set is the heap's layout: mm_heap_plug below
 * (docs/performance.md). */
void mm_heap_visit(mm_path path, bool pinned, const mm_op_traits *op, bool root, int nranks,
                   size_t wire_bytes);

/* After mm_heap_visit, for a pickled path at --heap default: fills the
 * heap's free holes of at least message_bytes with blocks held until
 * mm_heap_unplug (a list through the blocks themselves; NULL when none),
 * so that the call's large blocks come from the top of the heap, as in a
 * plain program whose heap holds nothing else. Nothing below
 * MM_HEAP_PLUG_MIN bytes, at most MM_HEAP_PLUG_MAX held. */
#define MM_HEAP_PLUG_MIN ((size_t)16 * 1024)
#define MM_HEAP_PLUG_MAX ((size_t)1 << 30)
void *mm_heap_plug(mm_path path, bool pinned, size_t message_bytes);
void mm_heap_unplug(void *plugs);

/* The mmap threshold glibc's rule reaches in a program whose largest freed
 * block holds message_bytes (a receive buffer mpi4py allocates, a bytes
 * object: 33 bytes of header, in a mapped chunk of whole pages): that
 * chunk's size when it lies in glibc's dynamic range
 * (128 KiB, 32 MiB], else glibc's start value, 128 KiB (smaller blocks are
 * never mapped; larger ones do not move it). */
size_t mm_heap_threshold(size_t message_bytes);

#endif
