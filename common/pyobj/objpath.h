/* mpi4py's object path in C: the MPI protocols of the lowercase methods
 * (comm.send, comm.bcast, ...), as mpi4py's msgpickle.pxi runs them (4.x by
 * default, or 3.1), on objects pickled with protocol 5 by the codec of pickle.h.
 *
 * Every function does all that the Python user pays for: encode (a new
 * pickle buffer), length exchange, transfer, allocation, decode, and
 * freeing the pickle buffers. Decoded objects are new; the caller frees
 * them with mm_pyobj_free(). MPI errors abort the job (mm_mpi.h); codec
 * errors return an mm_err (MM_ENOMEM, MM_EDECODE). */
#ifndef MM_OBJPATH_H
#define MM_OBJPATH_H

#include <stdbool.h>

#include <mpi.h>

#include "pickle.h"

/* Where and how a call speaks mpi4py's protocol: the communicator and the
 * protocol generation, 4 (mpi4py 4.x, the default: lengths as MPI_COUNT,
 * the MPI-4 large-count calls where the library has them) or 3 (mpi4py
 * 3.1: lengths as MPI_INT). Every call takes it: no process-wide setting. */
typedef struct mm_obj_comm {
  MPI_Comm comm;
  int generation;
} mm_obj_comm;

/* A receive buffer of count bytes (at least one, so that a zero-length
 * message still has an address); free() it. */
unsigned char *mm_obj_alloc_bytes(size_t count);

/* The mm_err of a codec result: MM_OK, MM_ENOMEM or MM_EDECODE. */
int mm_obj_codec_error(int pickle_rc);

/* comm.send(obj, dest, tag): pickle, then one MPI_Send of the bytes. */
int mm_obj_send(const mm_pyobj *obj, int dest, int tag, mm_obj_comm oc);

/* comm.recv(source, tag): MPI_Mprobe, MPI_Get_count, allocate, MPI_Mrecv,
 * unpickle. */
int mm_obj_recv(mm_pyobj **out, int source, int tag, mm_obj_comm oc);

/* comm.isend(obj, dest, tag): pickle, then MPI_Isend. The pickle lives in
 * the request until mm_obj_wait(). */
typedef struct mm_obj_request {
  MPI_Request req;
  unsigned char *pickle; /* isend: the bytes in flight */
  unsigned char *buf;    /* irecv: the caller's buffer */
  int generation;        /* the call's, for the wait */
} mm_obj_request;
int mm_obj_isend(const mm_pyobj *obj, int dest, int tag, mm_obj_comm oc, mm_obj_request *r);

/* comm.irecv(buf, source, tag): MPI_Irecv into the caller's buffer of cap
 * bytes (mpi4py needs one passed in for large messages). */
int mm_obj_irecv(unsigned char *buf, size_t cap, int source, int tag, mm_obj_comm oc,
                 mm_obj_request *r);

/* Request.waitall(): completes n requests; for receives, unpickles into
 * out[i] (out may be NULL when all are sends), for sends frees the pickle. */
int mm_obj_waitall(size_t n, mm_obj_request *r, mm_pyobj **out);

/* comm.bcast(obj, root): the root pickles; MPI_Bcast of the length, then of
 * the bytes; every rank unpickles, the root included. *out is new. */
int mm_obj_bcast(const mm_pyobj *obj, mm_pyobj **out, int root, mm_obj_comm oc);

/* comm.scatter(items, root): the root pickles each rank's item; MPI_Scatter
 * of the lengths, MPI_Scatterv of the bytes; each rank unpickles its own. */
int mm_obj_scatter(mm_pyobj *const *items, mm_pyobj **out, int root, mm_obj_comm oc);

/* comm.gather(obj, root): each rank pickles; MPI_Gather of the lengths,
 * MPI_Gatherv of the bytes; the root unpickles every item into out[0..n). */
int mm_obj_gather(const mm_pyobj *obj, mm_pyobj **out, int root, mm_obj_comm oc);

/* comm.allgather(obj): each rank pickles; MPI_Allgather of the lengths,
 * MPI_Allgatherv of the bytes; every rank unpickles every item into
 * out[0..n). */
int mm_obj_allgather(const mm_pyobj *obj, mm_pyobj **out, mm_obj_comm oc);

/* comm.alltoall(items): each rank pickles one item per rank into one buffer
 * (pickle.dumpv); MPI_Alltoall of the lengths, MPI_Alltoallv of the bytes;
 * every rank unpickles what each rank sent it into out[0..n). */
int mm_obj_alltoall(mm_pyobj *const *items, mm_pyobj **out, mm_obj_comm oc);

/* A reduction operator on decoded objects: *out = a op b, a new object. */
typedef int (*mm_obj_op)(const mm_pyobj *a, const mm_pyobj *b, mm_pyobj **out);

/* comm.reduce(obj, op, root): each rank copies its object (pickle and
 * unpickle), then a binomial tree of point-to-point messages (the length,
 * then the bytes) reduces to rank 0 with op applied to decoded objects;
 * rank 0 forwards the result to the root if root != 0. *out is the result
 * at the root, NULL elsewhere. */
int mm_obj_reduce(const mm_pyobj *obj, mm_obj_op op, mm_pyobj **out, int root, mm_obj_comm oc);

/* comm.allreduce(obj, op): the same reduction to rank 0, then the two-step
 * bcast from rank 0. *out is new on every rank. */
int mm_obj_allreduce(const mm_pyobj *obj, mm_obj_op op, mm_pyobj **out, mm_obj_comm oc);

/* comm.scan(obj, op): each rank copies its object (pickle and unpickle),
 * then log2(n) steps of MPI_Sendrecv with rank ^ 2^k (the length, then the
 * pickle), op applied to decoded objects (PyMPI_scan_p2p). *out is the
 * sum over ranks 0 .. this one, new on every rank. */
int mm_obj_scan(const mm_pyobj *obj, mm_obj_op op, mm_pyobj **out, mm_obj_comm oc);

/* comm.exscan(obj, op): the same steps (PyMPI_exscan_p2p); *out is the sum
 * over ranks 0 .. this one less one, NULL at rank 0 (mpi4py's None). */
int mm_obj_exscan(const mm_pyobj *obj, mm_obj_op op, mm_pyobj **out, mm_obj_comm oc);

/* The tag of the reduction tree's messages (mpi4py uses a private
 * communicator; this one stays clear of the benchmark's tags). */
#define MM_OBJ_TAG_REDUCE 77

#endif
