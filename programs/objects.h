/* What the object-path kernels share: the payload objects a rank sends,
 * the objects it received in the last iteration (kept for validation), the
 * elementwise sum used by reductions, and the checks. */
#ifndef MM_OBJECTS_H
#define MM_OBJECTS_H

#include "objpath.h"
#include "op.h"
#include "pkl5.h"

typedef struct mm_obj_state {
  mm_pyobj *payload;     /* this rank's object: a bytes object or a list of floats */
  mm_pyobj **items;      /* a scatter's root, every rank of an alltoall: the object for each rank */
  mm_pyobj **received;   /* slots for what the last iteration decoded (2 n: mm_obj_fresh) */
  size_t n_slots;
  unsigned char *rbufs;  /* mm_obj_setup_window: 2 * window buffers of rcap bytes */
  size_t rcap;
  mm_obj_request *reqs;  /* 2 * window */
} mm_obj_state;

static inline mm_obj_state *mm_obj(mm_ctx *c) { return c->state; }

/* The object protocol's communicator and generation for a context. */
static inline mm_obj_comm mm_obj_comm_of(const mm_ctx *c) { return (mm_obj_comm){c->comm, c->mpi4py}; }

/* The lowercase methods of the cell's path, on ctx->comm with MM_TAG_DATA
 * (point-to-point) or ctx->root (rooted collectives): mpi4py's comm.send,
 * comm.recv, ... on the object path (objpath.h), pkl5.Intracomm's on the
 * pkl5 path (pkl5.h). */
int mm_lower_send(const mm_ctx *c, const mm_pyobj *obj, int dest);
int mm_lower_recv(const mm_ctx *c, mm_pyobj **out, int source);
int mm_lower_bcast(const mm_ctx *c, const mm_pyobj *obj, mm_pyobj **out);
int mm_lower_scatter(const mm_ctx *c, mm_pyobj *const *items, mm_pyobj **out);
int mm_lower_gather(const mm_ctx *c, const mm_pyobj *obj, mm_pyobj **out);
int mm_lower_allgather(const mm_ctx *c, const mm_pyobj *obj, mm_pyobj **out);
int mm_lower_alltoall(const mm_ctx *c, mm_pyobj *const *items, mm_pyobj **out);

/* Builds the payloads for ctx->bytes and ctx->payload, as ctx->data says
 * the operation moves them (values from the sender's pattern, float64 for
 * reductions; the root's item per rank for a scatter, every rank's for an
 * alltoall), and sets ctx->wire_bytes to the pickled size. The _window
 * variant adds the irecv buffers of a window of messages (isendirecv,
 * pairs). */
int mm_obj_setup(mm_ctx *c);
int mm_obj_setup_window(mm_ctx *c);
void mm_obj_teardown(mm_ctx *c);

/* comm.irecv into receive buffer i (mm_obj_setup_window: each sized for
 * the peer's pickle), request i. */
int mm_obj_irecv_slot(mm_ctx *c, int i, int from);

/* A stream of the object path (isendirecv, pairs): a window of
 * comm.isend(obj) to `to`, Request.waitall, then the ack; or the window's
 * comm.irecv from `from` into slots 0 .. window-1 (the last window's
 * objects dropped first), waitall, then the ack. */
int mm_obj_window_send(mm_ctx *c, int to);
int mm_obj_window_recv(mm_ctx *c, int from);

/* Stores a decoded object in slot i, freeing the one it replaces: the
 * free is part of the cost, as Python drops the previous object. */
void mm_obj_keep(mm_ctx *c, size_t slot, mm_pyobj *obj);

/* A call that returns a list (gather, allgather, alltoall) decodes into
 * mm_obj_fresh (the second half of the slots); mm_obj_keep_fresh then
 * keeps it in the first, freeing the previous list after the call, as
 * Python drops it only when the new list is assigned (freed before the
 * call, the heap differs: the C model's gather read 4x real mpi4py at
 * 64 KiB, bench/heap --op gather). */
mm_pyobj **mm_obj_fresh(mm_ctx *c);
void mm_obj_keep_fresh(mm_ctx *c);

/* prepare() of every object path: forget what earlier iterations decoded,
 * so that validation sees only the validation run. */
void mm_obj_forget(mm_ctx *c);

/* Test hook (MPIMARK_TEST_CORRUPT_RANK): changes the first element of the
 * first object decoded, to prove that validation catches it. */
void mm_obj_corrupt(mm_ctx *c);

/* Elementwise float64 sum of two payloads of one kind: a bytes object read
 * as float64s, or a list of floats. The result is a new object. */
int mm_obj_sum(const mm_pyobj *a, const mm_pyobj *b, mm_pyobj **out);

/* Checks what the validation run decoded (the slots): as many messages
 * as ops.def's data says this rank receives on a pickled path
 * (mm_data_messages), each of the payload's kind and length, its values by
 * the core's rule for the buffer path (mm_data_check_message). */
int mm_obj_check_received(mm_ctx *c, mm_shape shape, char *why, size_t len);

#endif
