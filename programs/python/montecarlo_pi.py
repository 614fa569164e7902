#!/usr/bin/env python3
"""montecarlo_pi.py N [--per-rank] [--seed S]: pi by Monte Carlo with mpi4py,
written the way an MPI course writes it: each rank throws its share of N
random points into the unit square with NumPy, counts those inside the
quarter circle, and comm.reduce sums the counts on rank 0, which prints

  pi=3.1415... error=1.2e-05 samples=N ranks=P time_s=T

T is the time from a barrier before the throws to the reduce's result on
rank 0 (MPI.Wtime), so it leaves out Python's and MPI's start-up. A scaling
study reads it with
  scripts/scaling --time-from 'time_s=([0-9.e+-]+)' \\
      -- python3 programs/python/montecarlo_pi.py 100M
N takes K, M, G (powers of 1000); with --per-rank N is each rank's share
(weak scaling). The C montecarlo_pi (build/bin) is the same computation with
its own random stream; their estimates differ, their accuracy does not.
"""

import argparse
import sys

CHUNK = 10_000_000  # points per NumPy call: bounded memory (160 MB) at any N


def count(n):
    return int(n[:-1]) * 1000 ** (1 + "KMG".index(n[-1].upper())) if n[-1:].upper() in ("K", "M", "G") else int(n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n")
    ap.add_argument("--per-rank", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    try:
        n = count(args.n)
    except ValueError:
        n = 0
    if n <= 0:
        print("montecarlo_pi.py: N must be a whole number > 0 (K, M, G allowed), not '%s'" % args.n, file=sys.stderr)
        return 2

    from mpi4py import MPI
    import numpy as np

    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    total = n * size if args.per_rank else n
    mine = total // size + (1 if rank < total % size else 0)
    rng = np.random.default_rng([args.seed, rank])

    comm.Barrier()
    start = MPI.Wtime()
    hits, left = 0, mine
    while left > 0:
        m = min(left, CHUNK)
        x, y = rng.random(m), rng.random(m)
        hits += int(np.count_nonzero(x * x + y * y <= 1.0))
        left -= m
    hits = comm.reduce(hits, op=MPI.SUM, root=0)
    if rank == 0:
        elapsed = MPI.Wtime() - start
        pi = 4.0 * hits / total
        print("pi=%.10f error=%.3e samples=%d ranks=%d time_s=%.6f" % (pi, abs(pi - np.pi), total, size, elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
