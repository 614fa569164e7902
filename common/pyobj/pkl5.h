/* mpi4py.util.pkl5's protocols in C (mpi4py 4.x's pkl5.py; 3.1's has the
 * same point-to-point and bcast, and no scatter, gather, allgather or
 * alltoall): pickle
 * protocol 5 with out-of-band buffers, each buffer its own MPI message.
 *
 * A message is an info vector of int64 (MPI_LONG_LONG: the pickle's length,
 * then each buffer's), the pickle, then each buffer. An array of at least
 * `threshold` bytes travels out-of-band (pkl5's MPI4PY_PICKLE_THRESHOLD,
 * 256 KiB by default); bytes objects always travel in the pickle.
 *
 * As in objpath.h: every function does all the Python user pays for,
 * decoded objects are new (free with mm_pyobj_free()), MPI errors abort,
 * codec errors return an mm_err. */
#ifndef MM_PKL5_H
#define MM_PKL5_H

#include <stddef.h>

#include <mpi.h>

#include "pickle.h"


/* The most out-of-band buffers one message may carry here (mpimark's
 * payloads have one; a longer info vector is refused as undecodable). */
#define MM_PKL5_MAX_BUFFERS 8

/* pkl5.Intracomm.send(obj, dest, tag): pickle, then MPI_Send of the info,
 * the pickle and each buffer. */
int mm_pkl5_send(const mm_pyobj *obj, size_t threshold, int dest, int tag, MPI_Comm comm);

/* pkl5.Intracomm.recv(None, source, tag): MPI_Probe, the info's length from
 * MPI_Get_elements, MPI_Recv of the info, allocate, MPI_Recv of the pickle
 * and each buffer, unpickle (the buffers are adopted, not copied). */
int mm_pkl5_recv(mm_pyobj **out, int source, int tag, MPI_Comm comm);

/* pkl5.Intracomm.bcast(obj, root): MPI_Bcast of the info's length, the
 * info, the pickle and each buffer; every rank unpickles, the root too. */
int mm_pkl5_bcast(const mm_pyobj *obj, size_t threshold, mm_pyobj **out, int root,
                  MPI_Comm comm);

/* pkl5.Intracomm.scatter(items, root) (4.x): the root MPI_Isends each
 * rank's message (itself included); every rank receives its own as recv()
 * does; the root waits for its sends. */
int mm_pkl5_scatter(mm_pyobj *const *items, size_t threshold, mm_pyobj **out, int root,
                    MPI_Comm comm);

/* pkl5.Intracomm.gather(obj, root) (4.x): every rank MPI_Isends its message
 * to the root (itself included); the root receives them in rank order into
 * out[0..n); every rank waits for its sends. */
int mm_pkl5_gather(const mm_pyobj *obj, size_t threshold, mm_pyobj **out, int root,
                   MPI_Comm comm);

/* pkl5.Intracomm.allgather(obj) (4.x): every rank pickles once and
 * MPI_Isends it to every rank (itself included), receives one from each
 * rank in rank order into out[0..n), then waits for its sends. */
int mm_pkl5_allgather(const mm_pyobj *obj, size_t threshold, mm_pyobj **out, MPI_Comm comm);

/* pkl5.Intracomm.alltoall(items) (4.x): every rank pickles and MPI_Isends
 * item i to rank i, receives one from each rank in rank order into
 * out[0..n), then waits for its sends. */
int mm_pkl5_alltoall(mm_pyobj *const *items, size_t threshold, mm_pyobj **out, MPI_Comm comm);

/* The tag of the collectives' messages (mpi4py uses a private
 * communicator; this one stays clear of the benchmark's tags). */
#define MM_PKL5_TAG_COLLECTIVE 78

#endif
