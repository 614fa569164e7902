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
largest, which say what the machine's noise alone does to a ratio; then
the same median over the pairs whose two rows ran in one machine state
(their rounds' state probes, round_probes_ns, within MM_STATE_RATIO of
each other and of one another: the machine's two states are ~3x apart,
docs/method.md), with how many pairs that was.
"""
import argparse
import csv
import os
import statistics
import sys
import tempfile

import compare_c  # bench/py, beside this file

from mpimark_py import core
from mpimark_py.results import round_probes
from mpimark_py.sizes import size_human as human

REPO = os.environ["MPIMARK_ROOT"]  # set by bench/runner-ab
ENV = compare_c.ENV


def run(tree, python, args, out):
    """{(op, path, bytes): (latency median, the state its rounds ran in:
    their median probe, ns, or 0 where they ran in two states or have no
    probe)} of one launch of tree's runner."""
    env = dict(ENV, PYTHONPATH=os.path.join(tree, "python"))
    if not os.path.isdir(os.path.join(tree, "build", "lib")):
        env["MPIMARK_CORE_LIB"] = os.path.join(REPO, "build", "lib", "libmpimark_core.so")
    medians = compare_c.run([python, "-m", "mpimark_py", "run"] + args, out, env, "runner-ab")
    states = {}
    for w in csv.DictReader(l for l in open(out) if not l.startswith("#")):
        probes = round_probes(w) or []
        one = probes and core.same_state(min(probes), max(probes))
        states[(w["op"], w["path"], int(w["bytes"]))] = statistics.median(probes) if one else 0
    return {k: (m, states.get(k, 0)) for k, m in medians.items()}


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
    print("| op | path | size | old (us) | new (us) | new / old | smallest, largest | same state [pairs] |")
    print("|---|---|---:|---:|---:|---:|---|---:|")
    all_ratios, same_ratios = [], []
    for key in sorted(reps[0]["old"], key=lambda k: (a.ops.index(k[0]), k[1], k[2])):
        pairs = [(g["new"][key], g["old"][key]) for g in reps if key in g["new"] and g["old"][key][0] > 0]
        ratios = sorted(n[0] / o[0] for n, o in pairs)
        same = [n[0] / o[0] for n, o in pairs if core.same_state(n[1], o[1])]
        if not ratios:
            continue
        all_ratios.append(statistics.median(ratios))
        if same:
            same_ratios.append(statistics.median(same))
        print("| %s | %s | %s | %.3f | %.3f | %.2fx | %.2f, %.2f | %s [%d] |" % (
            key[0], key[1], human(key[2]), statistics.median(o[0] for _, o in pairs),
            statistics.median(n[0] for n, _ in pairs), statistics.median(ratios), ratios[0], ratios[-1],
            "%.2fx" % statistics.median(same) if same else "-", len(same)))
    print("\n%d figures: median new / old %.3fx (smallest %.2fx, largest %.2fx); in the same state, %d "
          "figures: %s; %d repetitions, --time %s, %s, CSVs in %s" % (
              len(all_ratios), statistics.median(all_ratios), min(all_ratios), max(all_ratios),
              len(same_ratios), "median %.3fx (%.2f-%.2fx)" % (statistics.median(same_ratios), min(same_ratios),
                                                               max(same_ratios)) if same_ratios else "none",
              a.launches, a.time, a.python, keep))


if __name__ == "__main__":
    main()
