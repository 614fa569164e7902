"""A plain mpi4py program, as a user writes it: nothing set (no mallopt,
no environment), bytes(SIZE) objects through the lowercase methods.

    mpirun -np 2 python3 bench/py/plain_send.py SIZE REPS [OP]

OP sendrecv (default): a ping-pong of comm.send between ranks 0 and 1;
prints the one-way latency in us: the time of REPS round trips, after
REPS // 10 + 1 untimed ones, over 2 REPS (no clock read inside the loop,
which would cost a small message as much as the message).
OP scatter, gather or bcast (root 0): REPS calls, each after a barrier,
as mpimark starts each call of a collective together; prints the time of
one call in us: that loop's time per call less a loop of barriers alone's.
Either way also faults_per_call: the minor page faults (getrusage) per
call at each rank, root first, which say whether the heap maps fresh pages
at every call.
"""
import resource
import sys

from mpi4py import MPI

comm = MPI.COMM_WORLD
rank, n = comm.Get_rank(), comm.Get_size()
size, reps = int(sys.argv[1]), int(sys.argv[2])
op = sys.argv[3] if len(sys.argv) > 3 else "sendrecv"
obj, got = bytes(size), None


def trips(k):
    global got
    for _ in range(k):
        if rank == 0:
            comm.send(obj, 1)
            got = comm.recv(source=1)
        elif rank == 1:
            got = comm.recv(source=0)
            comm.send(obj, 0)


def calls(k, collective=True):
    global got
    for _ in range(k):
        comm.Barrier()
        if not collective:
            continue
        if op == "scatter":
            got = comm.scatter([obj] * n if rank == 0 else None, root=0)
        elif op == "gather":
            got = comm.gather(obj, root=0)
        else:
            got = comm.bcast(obj if rank == 0 else None, root=0)


def timed(run, *args):
    """(seconds, minor faults) of run(reps, *args), after run(reps // 10 + 1,
    *args) untimed: the heap and the library settle."""
    run(reps // 10 + 1, *args)
    comm.Barrier()
    f = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    t = MPI.Wtime()
    run(reps, *args)
    return MPI.Wtime() - t, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f


if op == "sendrecv":
    t, faults = timed(trips)
    per_call = t / reps / 2
elif op in ("scatter", "gather", "bcast"):
    barriers, _ = timed(calls, False)
    t, faults = timed(calls)
    per_call = (t - barriers) / reps
else:
    sys.exit("plain_send.py: OP is sendrecv, scatter, gather or bcast, not %r" % op)
faults = comm.gather(faults / reps, 0)
if rank == 0:
    print("latency_us=%.4f" % (per_call * 1e6))
    print("faults_per_call=%s" % ",".join("%.2f" % f for f in faults))
