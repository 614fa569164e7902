"""bench/compare-c: latency of the C binary against the mpi4py runner,
measured interleaved, for docs/mpi4py.md.

    bench/compare-c [--mpimark build/bin/mpimark]
        [--launches 8] [--time 0.2] [--sizes 8,1K,64K,1M] [--payload bytes|floats|ndarray]
        [--path LIST|all] [OP ...]

Each of the --launches repetitions launches, one after the other on 2
ranks, the C buffer path, the mpi4py runner (mpimark-py run, both paths in
one job) and, when it is built, the C object path; odd repetitions reverse
the order. With --path (all: buffer, object and pkl5), each repetition
launches the C binary and the runner once each on those paths
(the paths of a size back to back in each job), and the table gives, per
path, the C model, real mpi4py, their ratio and each pickled path's ratio
to the buffer path. Machines that switch performance
states every few seconds make a single A-then-B comparison meaningless;
over repetitions, each variant's figure is the median of its launches'
medians, and each ratio the median of the per-repetition (paired) ratios. Prints a
Markdown table; --csv DIR also keeps every run's CSV.
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile

from mpimark_py.sizes import size_human as human
from mpimark_py.defs import paths

REPO = os.environ["MPIMARK_ROOT"]  # set by bench/compare-c
RUNNER = [sys.executable, "-m", "mpimark_py", "run"]  # the package bench/compare-c puts on the path
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def run(cmd, out, env=ENV, prog="compare-c"):
    """One launch of cmd on 2 ranks, its results in out: {(op, path, bytes):
    latency median}; bench/runner-ab launches with it too."""
    r = subprocess.run(["mpirun", "--oversubscribe", "-np", "2"] + cmd + ["-q", "-o", out],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("%s: %s failed (exit %d): %s" % (prog, " ".join(cmd), r.returncode, r.stderr))
    rows = [l for l in open(out) if not l.startswith("#")]
    return {(w["op"], w["path"], int(w["bytes"])): float(w["median"])
            for w in csv.DictReader(rows) if w["metric"] == "latency"}


def main():
    ap = argparse.ArgumentParser(prog="bench/compare-c", description=__doc__.split("\n")[0],
                                 epilog="The figures it gave are in docs/mpi4py.md.")
    ap.add_argument("ops", nargs="*", default=["sendrecv", "bcast", "allreduce"])
    ap.add_argument("--mpimark", default=os.path.join(REPO, "build", "bin", "mpimark"))
    ap.add_argument("--launches", type=int, default=8)
    ap.add_argument("--time", default="0.2")
    ap.add_argument("--sizes", default="8,1K,64K,1M")
    ap.add_argument("--payload", default="bytes", choices=("bytes", "floats", "ndarray"))
    ap.add_argument("--path", help="paths measured in one job each by C and mpi4py (see above)")
    ap.add_argument("--csv", help="keep every run's CSV in this folder")
    a = ap.parse_args()
    keep = a.csv or tempfile.mkdtemp(prefix="compare-c-")
    os.makedirs(keep, exist_ok=True)
    common = a.ops + ["-m", a.sizes, "--time", a.time, "--payload", a.payload]
    probe = subprocess.run(["mpirun", "-np", "2", a.mpimark, "sendrecv", "--path", "object",
                            "-m", "8", "-i", "1", "-q", "--format", "csv"], env=ENV,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    c_object = probe.returncode == 0
    variants = [("c_buffer", [a.mpimark, "--path", "buffer"] + common),
                ("py", RUNNER + ["--path", "both"]
                 + common)]
    if a.path:
        variants = [("c", [a.mpimark, "--path", a.path] + common),
                    ("py", RUNNER + ["--path", a.path]
                     + common)]
    elif c_object:
        variants.append(("c_object", [a.mpimark, "--path", "object"] + common))
    reps = []
    for r in range(a.launches):
        got = {}
        for name, cmd in (variants if r % 2 == 0 else variants[::-1]):
            got[name] = run(cmd, os.path.join(keep, "launch%02d-%s.csv" % (r, name)))
        reps.append(got)
        sys.stderr.write("compare-c: repetition %d of %d done\n" % (r + 1, a.launches))

    def series(op, size, name, path):
        return [g[name].get((op, path, size)) for g in reps if name in g]

    def med(xs):
        xs = [x for x in xs if x is not None]
        return statistics.median(xs) if xs else None

    def ratio(op, size, top, bottom):
        pairs = [(t, b) for t, b in zip(series(op, size, *top), series(op, size, *bottom))
                 if t is not None and b]
        return statistics.median(t / b for t, b in pairs) if pairs else None

    def fmt(x, spec="%.2f"):
        return spec % x if x is not None else "n/a"

    if a.path:
        paths_table(a, reps, series, med, ratio, fmt, keep)
        return
    sizes = sorted({k[2] for k in reps[0]["c_buffer"]})
    print("| op | size | C buffer (us) | mpi4py buffer (us) | mpi4py pickled (us) | "
          "C object (us) | mpi4py buffer / C buffer | mpi4py pickled / C object | "
          "mpi4py pickled / mpi4py buffer |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for op in a.ops:
        for size in sizes:
            cb = med(series(op, size, "c_buffer", "buffer"))
            pb = med(series(op, size, "py", "buffer"))
            po = med(series(op, size, "py", "object"))
            co = med(series(op, size, "c_object", "object")) if c_object else None
            print("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                op, human(size), fmt(cb), fmt(pb), fmt(po),
                fmt(co) if c_object else "not built",
                fmt(ratio(op, size, ("py", "buffer"), ("c_buffer", "buffer")), "%.2fx"),
                fmt(ratio(op, size, ("py", "object"), ("c_object", "object")), "%.2fx")
                if c_object else "n/a",
                fmt(ratio(op, size, ("py", "object"), ("py", "buffer")), "%.2fx")))
    print("\n%d launches of each, --time %s per size and metric, payload %s, CSVs in %s"
          % (a.launches, a.time, a.payload, keep))


def paths_table(a, reps, series, med, ratio, fmt, keep):
    """--path: per op, size and path, the C model and real mpi4py, and for the
    pickled paths their ratio to the buffer path in each. Python's fixed
    cost per call (interpreter, the methods' Python code) is what a C model
    does not have: "mpi4py - C" is the median per-repetition difference, and the
    last column divides mpi4py by the C model plus that difference at the
    run's smallest size, measured in the same repetitions (the "constant"), so
    that what is left is the size-dependent part of the protocol."""
    keys = sorted({k for g in reps for name in g for k in g[name]},
                  key=lambda k: (a.ops.index(k[0]) if k[0] in a.ops else 99, k[2],
                                 paths().index(k[1])))

    def pairs(op, size, path):  # (mpi4py, C) of each repetition that has both
        return [(p, c) for p, c in zip(series(op, size, "py", path), series(op, size, "c", path))
                if p is not None and c is not None]

    def diff(op, size, path):
        return med([p - c for p, c in pairs(op, size, path)])

    def with_constant(op, size, path, smallest):
        const = diff(op, smallest, path)
        return None if const is None else med([p / (c + const) for p, c in pairs(op, size, path)])

    print("| op | size | path | C (us) | mpi4py (us) | mpi4py / C | mpi4py - C (us) | "
          "mpi4py / (C + constant) | C path / buffer | mpi4py path / buffer |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for op, path, size in keys:
        smallest = min(k[2] for k in keys if k[0] == op and k[1] == path)
        c, py = med(series(op, size, "c", path)), med(series(op, size, "py", path))
        rel = [fmt(ratio(op, size, (v, path), (v, "buffer")), "%.2fx") if path != "buffer" else ""
               for v in ("c", "py")]
        adjusted = ("(the constant)" if size == smallest
                    else fmt(with_constant(op, size, path, smallest), "%.2fx"))
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            op, human(size), path, fmt(c), fmt(py),
            fmt(ratio(op, size, ("py", path), ("c", path)), "%.2fx"), fmt(diff(op, size, path)),
            adjusted, rel[0], rel[1]))
    print("\n%d launches of each, --time %s per size and metric, payload %s, paths %s, CSVs in %s; the "
          "constant: mpi4py - C at each op's and path's smallest size" % (
              a.launches, a.time, a.payload, a.path, keep))


if __name__ == "__main__":
    main()
