"""bench/model: does the cost model (mpimark-py model) predict sizes it
never saw?

    bench/model [--repeats 3] [--ops sendrecv,bcast] [--path both] [--unseen 3000,48K,300K,3M]
                [--launcher "mpirun -np 2"] [--mpimark build/bin/mpimark] [-- MCA=VALUE ...]

Each repetition launches, on 2 ranks, mpimark's sweep of the operations
(-m 1:4M, both paths by default), fits its model, then right after launches
the unseen sizes alone, and prints per operation, path and size the
prediction, the measured median and measured / predicted. The machine
changes state by itself (docs/method.md, Modes): a repetition whose state
probe (#@state_probe_ns) differs by more than 2x between the sweep and the
check is marked. A size in a breakpoint's gap (between the last size of
one regime and the first of the next) is predicted by the lower regime,
and the model says so with both regimes' figures: the last column, and the
summary counts how many such sizes measured inside that range (+-20%).
Environment variables after -- are set for both launches
(OMPI_MCA_btl_vader_single_copy_mechanism=none ...).
"""
import argparse
import csv
import os
import shlex
import subprocess
import sys
import tempfile

from mpimark_py import core, model, results
from mpimark_py.sizes import size_human, sizes_parse

REPO = os.environ["MPIMARK_ROOT"]  # set by bench/model


def launch(cmd, env, out):
    r = subprocess.run(cmd + ["-q", "-o", out], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode:
        sys.exit("bench/model: %s failed (exit %d): %s" % (" ".join(cmd), r.returncode, r.stderr))
    return results.read(out)


def probe(t):
    values = [float(x) for x in t.meta.get("state_probe_ns", "").split(";") if x]
    return sorted(values)[len(values) // 2] if values else None


def main():
    ap = argparse.ArgumentParser(prog="bench/model", description=__doc__.split("\n")[0],
                                 epilog="docs/model.md quotes its figures.")
    ap.add_argument("--repeats", type=int, default=3, help="sweep-and-check repetitions (default 3)")
    ap.add_argument("--ops", default="sendrecv,bcast", help="operations (default sendrecv,bcast)")
    ap.add_argument("--path", default="both", help="mpimark's --path (default both)")
    ap.add_argument("--unseen", default="3000,48K,300K,3M", help="the sizes to predict")
    ap.add_argument("--launcher", default="mpirun -np 2", help="the launch command (default mpirun -np 2)")
    ap.add_argument("--mpimark", default=os.path.join(REPO, "build", "bin", "mpimark"),
                    help="the binary (default build/bin/mpimark)")
    ap.add_argument("env", nargs="*", help="NAME=VALUE for both launches")
    a = ap.parse_args()
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    env.update(kv.split("=", 1) for kv in a.env)
    unseen = sizes_parse(a.unseen)
    base = shlex.split(a.launcher) + [a.mpimark] + a.ops.split(",") + ["--path", a.path]
    tmp = tempfile.mkdtemp(prefix="bench-model-")
    print("| repeat | op | path | size | predicted (us) | measured (us) | measured / predicted "
          "| between regimes (us) |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    ratios, gaps = [], []
    for rep in range(a.repeats):
        sweep = launch(base + ["-m", "1:4M"], env, os.path.join(tmp, "sweep%d.csv" % rep))
        check = launch(base + ["-m", a.unseen], env, os.path.join(tmp, "check%d.csv" % rep))
        p, q = probe(sweep), probe(check)
        moved = " (state moved: probe %.0f -> %.0f ns)" % (p, q) if p and q and not core.same_state(p, q) else ""
        fits = {(c.op, c.path): c for c in model.table_curves(sweep) if c.model is not None}
        for r in check.rows:
            c = fits.get((r["op"], r["path"]))
            if r["metric"] != "latency" or c is None:
                continue
            want, got = c.predict(int(r["bytes"])), float(r["median"])
            ratios.append(got / want)
            gap = c.between(int(r["bytes"]))
            if gap:
                gaps.append(0.8 * min(gap) <= got <= 1.2 * max(gap))
            print("| %d%s | %s | %s | %s | %.4g | %.4g | %.2f | %s |" % (
                rep + 1, moved, r["op"], r["path"], size_human(int(r["bytes"])), want, got, got / want,
                "%.4g .. %.4g" % gap if gap else ""))
    within = sum(1 for x in ratios if 0.8 <= x <= 1.2)
    print("\n%d of %d predictions within 20%% (measured / predicted %.2f .. %.2f); %d of the sizes "
          "lie in a breakpoint's gap, %d of those measured within 20%% of their two regimes' range; %d repetitions, "
          "CSVs in %s" % (within, len(ratios), min(ratios), max(ratios), len(gaps), sum(gaps), a.repeats, tmp))


if __name__ == "__main__":
    main()
