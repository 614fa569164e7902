"""A plain mpi4py program, as a user writes it: a ping-pong of
comm.send(bytes(SIZE)) between ranks 0 and 1, nothing set (no mallopt, no
environment). Prints the one-way latency in us: the time of REPS round
trips, after REPS // 10 + 1 untimed ones, over 2 REPS (no clock read inside
the loop, which would cost a small message as much as the message).

    mpirun -np 2 python3 bench/py/plain_send.py SIZE REPS
"""
import sys

from mpi4py import MPI

comm = MPI.COMM_WORLD
rank = comm.Get_rank()
size, reps = int(sys.argv[1]), int(sys.argv[2])
obj, got = bytes(size), None


def trips(n):
    global got
    for _ in range(n):
        if rank == 0:
            comm.send(obj, 1)
            got = comm.recv(source=1)
        elif rank == 1:
            got = comm.recv(source=0)
            comm.send(obj, 0)


trips(reps // 10 + 1)
comm.Barrier()
t = MPI.Wtime()
trips(reps)
t = MPI.Wtime() - t
if rank == 0:
    print("latency_us=%.4f" % (t / reps / 2 * 1e6))
