"""bench/heap: what a plain mpi4py program pays for comm.send against what
mpimark reports, with the heap as it is (the default) and pinned.

    bench/heap [--launches 6] [--sizes 8,64K,1M,16M] [--time 0.2] [--op sendrecv]

Each of the --launches repetitions runs, one after the other on 2 ranks
(the order reversed every other repetition):
  plain    bench/py/plain_send.py, a ping-pong of comm.send(bytes(SIZE)),
           one launch per size, nothing set (what a user's program sees);
           with --op scatter, gather or bcast, calls of comm.scatter ...
           (root 0), each after a barrier, less the barriers' time; its
           minor page faults per call at each rank go to stderr
  runner   mpimark-py run OP --path object (real mpi4py), --heap default
  pinned   the same with --heap pinned
  C        build/bin/mpimark OP --path object (the C model), --heap default
and prints per size the median latency of each (us) and the medians of the
per-repetition ratios runner/plain, pinned/runner and C/runner. The
interpreter is MPIMARK_PYTHON (default /usr/bin/python3, Debian's mpi4py).
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile

from mpimark_py.sizes import sizes_parse as parse_sizes, size_human as human

REPO = os.environ["MPIMARK_ROOT"]  # set by bench/heap
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
MPIRUN = ["mpirun", "-np", "2"]


def latencies(cmd, out):
    """{bytes: median latency in us} of one mpimark run."""
    r = subprocess.run(MPIRUN + cmd + ["-q", "-o", out], env=ENV, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode:
        sys.exit("bench/heap: %s failed (exit %d): %s" % (" ".join(cmd), r.returncode, r.stderr))
    rows = csv.DictReader(l for l in open(out) if not l.startswith("#"))
    return {int(w["bytes"]): float(w["median"]) for w in rows if w["metric"] == "latency"}


def plain(sizes, budget, op):
    """{bytes: latency in us} of the plain program, one launch per size,
    about budget seconds of calls each (from a first guess of 1 GB/s); its
    page faults per call go to stderr."""
    got = {}
    for b in sizes:
        reps = max(20, min(20000, int(budget / (2e-6 + 2 * b / 1e9))))
        r = subprocess.run(MPIRUN + [sys.executable, os.path.join(REPO, "bench/py/plain_send.py"),
                                     str(b), str(reps), op], env=ENV, capture_output=True, text=True)
        faults = [l for l in r.stdout.splitlines() if l.startswith("faults_per_call=")]
        if faults:
            sys.stderr.write("bench/heap: plain %s %s: minor page faults per call by rank (root first): %s\n"
                             % (op, human(b), faults[0].split("=")[1]))
        line = [l for l in r.stdout.splitlines() if l.startswith("latency_us=")]
        if r.returncode or not line:
            sys.exit("bench/heap: plain_send.py %d failed (exit %d): %s" % (b, r.returncode, r.stderr))
        got[b] = float(line[0].split("=")[1])
    return got


def main():
    ap = argparse.ArgumentParser(prog="bench/heap", description=__doc__.split("\n")[0],
                                 epilog="The figures it gave are in docs/performance.md.")
    ap.add_argument("--launches", type=int, default=6, help="repetitions of the four (default 6)")
    ap.add_argument("--sizes", default="8,64K,1M,16M", help="message sizes (default 8,64K,1M,16M)")
    ap.add_argument("--time", default="0.2", help="mpimark's --time (default 0.2)")
    ap.add_argument("--op", default="sendrecv", choices=("sendrecv", "scatter", "gather", "bcast"),
                    help="the operation (default sendrecv; the collectives with root 0)")
    a = ap.parse_args()
    sizes = parse_sizes(a.sizes)
    tmp = tempfile.mkdtemp(prefix="bench-heap-")
    common = [a.op, "--path", "object", "-m", a.sizes, "--time", a.time]
    runner = [sys.executable, "-m", "mpimark_py", "run"] + common
    variants = [("plain", lambda out: plain(sizes, float(a.time), a.op)),
                ("runner", lambda out: latencies(runner, out)),
                ("pinned", lambda out: latencies(runner + ["--heap", "pinned"], out)),
                ("C", lambda out: latencies([os.path.join(REPO, "build/bin/mpimark")] + common, out))]
    reps = []
    for r in range(a.launches):
        got = {}
        for name, run in (variants if r % 2 == 0 else variants[::-1]):
            got[name] = run(os.path.join(tmp, "rep%02d-%s.csv" % (r, name)))
        reps.append(got)
        sys.stderr.write("bench/heap: repetition %d of %d done\n" % (r + 1, a.launches))

    def med(name, b):
        return statistics.median(g[name][b] for g in reps)

    def ratio(top, bottom, b):
        return statistics.median(g[top][b] / g[bottom][b] for g in reps)

    print("| size | plain comm.%s (us) | runner, heap default (us) | runner, --heap pinned (us) | "
          "C model, heap default (us) | runner / plain | pinned / runner | C / runner |"
          % (a.op if a.op != "sendrecv" else "send"))
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for b in sizes:
        print("| %s | %.2f | %.2f | %.2f | %.2f | %.2fx | %.2fx | %.2fx |" % (
            human(b), med("plain", b), med("runner", b), med("pinned", b), med("C", b),
            ratio("runner", "plain", b), ratio("pinned", "runner", b), ratio("C", "runner", b)))
    print("\n%d repetitions, interleaved; medians of latencies and of per-repetition ratios; "
          "--time %s; %s; CSVs in %s" % (a.launches, a.time, sys.executable, tmp))


main()
