"""bench/runner-ab: the mpi4py runner of another tree (OLD, e.g. a git
worktree of an earlier commit) against this tree's, interleaved, for a
change to how the runner times (docs/development.md).

    bench/runner-ab OLD_TREE [--python PY] [--launches 6] [--time 0.2]
        [--sizes 8,64K,1M,16M] [--path all] [OP ...]

Each of the --launches repetitions launches, on 2 ranks, OLD's runner and
this tree's (odd repetitions the other way round), every operation and
path in one job each, with PY (default /usr/bin/python3: Debian's mpi4py).
OLD's runner uses OLD's Python package with OLD's own libraries when OLD
has a build (OLD/build/lib: a change to the C side), else with this
tree's C core library (MPIMARK_CORE_LIB), so that OLD needs no build of its
own while the core's interface is unchanged. Per (operation, path, size) the table gives each
tree's latency (the median of its launches' medians) and new / old: the
median of the per-repetition (paired) ratios, with their smallest and
largest, which say what the machine's noise alone does to a ratio.
"""
import argparse
import os
import statistics
import sys
import tempfile

import compare_c  # bench/py, beside this file

from mpimark_py.sizes import size_human as human

REPO = os.environ["MPIMARK_ROOT"]  # set by bench/runner-ab
ENV = compare_c.ENV


def run(tree, python, args, out):
    env = dict(ENV, PYTHONPATH=os.path.join(tree, "python"))
    if not os.path.isdir(os.path.join(tree, "build", "lib")):
        env["MPIMARK_CORE_LIB"] = os.path.join(REPO, "build", "lib", "libmpimark_core.so")
    return compare_c.run([python, "-m", "mpimark_py", "run"] + args, out, env, "runner-ab")


def main():
    ap = argparse.ArgumentParser(prog="bench/runner-ab", description=__doc__.split("\n")[0],
                                 epilog="Quote its table, with the command, in the note of the change.")
    ap.add_argument("old", help="the other tree (its python/ is run)")
    ap.add_argument("ops", nargs="*", default=["sendrecv", "isendirecv", "bcast", "scatter", "gather",
                                               "reduce", "allreduce"])
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--launches", type=int, default=6)
    ap.add_argument("--time", default="0.2")
    ap.add_argument("--sizes", default="8,64K,1M,16M")
    ap.add_argument("--path", default="all")
    ap.add_argument("--csv", help="keep every run's CSV in this folder")
    a = ap.parse_args()
    keep = a.csv or tempfile.mkdtemp(prefix="runner-ab-")
    os.makedirs(keep, exist_ok=True)
    args = a.ops + ["-m", a.sizes, "--time", a.time, "--path", a.path]
    trees = [("old", os.path.abspath(a.old)), ("new", REPO)]
    reps = []
    for r in range(a.launches):
        got = {}
        for name, tree in (trees if r % 2 == 0 else trees[::-1]):
            got[name] = run(tree, a.python, args, os.path.join(keep, "rep%02d-%s.csv" % (r, name)))
        reps.append(got)
        sys.stderr.write("runner-ab: repetition %d of %d done\n" % (r + 1, a.launches))
    print("| op | path | size | old (us) | new (us) | new / old | smallest, largest |")
    print("|---|---|---:|---:|---:|---:|---|")
    all_ratios = []
    for key in sorted(reps[0]["old"], key=lambda k: (a.ops.index(k[0]), k[1], k[2])):
        old = [g["old"][key] for g in reps if key in g["new"]]
        new = [g["new"][key] for g in reps if key in g["new"]]
        ratios = sorted(n / o for n, o in zip(new, old) if o > 0)
        if not ratios:
            continue
        all_ratios.append(statistics.median(ratios))
        print("| %s | %s | %s | %.3f | %.3f | %.2fx | %.2f, %.2f |" % (
            key[0], key[1], human(key[2]), statistics.median(old), statistics.median(new),
            statistics.median(ratios), ratios[0], ratios[-1]))
    print("\n%d figures: median new / old %.3fx (smallest %.2fx, largest %.2fx); %d repetitions, "
          "--time %s, %s, CSVs in %s" % (len(all_ratios), statistics.median(all_ratios),
                                          min(all_ratios), max(all_ratios), a.launches, a.time,
                                          a.python, keep))


if __name__ == "__main__":
    main()
