"""mpimark-py merge -o OUT.csv [--force] [--table] [--command TEXT] LAUNCH1.csv LAUNCH2.csv ...
(scripts/compare --merge in a clone): one measurement from separate launches.

Merges the CSVs of separate launches (one MPI job each) of the same sweep
with the same MPI into one CSV, treating each launch's median as one
observation, so that what changes from one launch to the next (memory and
shared-memory placement, a machine that changed state) is in the interval:

  median       the median of the launch medians;
  PI           the 95% prediction interval of a repeat measurement's median,
               from the launch medians as mpimark computes it from its own
               rounds (Student's t on their log scale: median -+ t(L-1) * sd
               * sqrt(pi/L); the ci_low/ci_high columns);
  min/max over launches; p99 the max of the launches'; mean weighted by
  samples; samples, iterations and late summed.

The levels keep their names: a round is a sweep inside one launch, a launch
one MPI job, a measurement L launches merged. The merged CSV's columns say
`launches`, `launch_min`, `launch_max` and `launch_medians` where a launch's
CSV says `rounds`, `round_min`, `round_max` and `round_medians`; its
metadata adds #@launches, #@merge (this rule in words), #@launch_files and
#@launch_dates, and keeps #@rounds (the rounds inside each launch).

Options:
  -o, --output OUT.csv  the merged CSV (never replaced without --force)
  --force               replace OUT.csv
  --table               also print the merged results as mpimark's table (stdout)
  --command TEXT        record TEXT as #@command instead of the first launch's

Exit codes: 0 ok, 1 writing failed, 2 bad input (missing file, not an
mpimark CSV, launches of different setups, OUT.csv exists).
"""

import math
import os
import sys

from . import atomic, core, results, stats as mmstats
from .compare import Result
from .errors import Failure, UsageError


def merge_rule():
    """#@merge: the rule in words."""
    return ("each launch = one MPI job; median = median of the launch medians; interval "
            "(ci_low, ci_high) = the "
            + mmstats.CI_METHOD_ROUNDS.replace("round", "launch") + ", as mpimark computes it from its "
            "own rounds; launch_medians = the launches' medians in launch order (paired with "
            "another library's interleaved launches); min/max/p99 = min/max/max over launches; "
            "mean weighted by samples; samples, iterations and late summed")


def launch_probe(text):
    """A launch's state (#@state_probe_ns, one value per round; a row's
    round_probes_ns likewise): the median of its rounds' probes, or None
    when it has none."""
    try:
        values = [float(x) for x in text.split(";")]
    except ValueError:
        return None
    return mmstats.quantile_sorted(sorted(values), 0.5) if values and all(v > 0 for v in values) else None


def add_arguments(ap):
    ap.add_argument("-o", "--output")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--table", action="store_true")
    ap.add_argument("--command")
    ap.add_argument("files", nargs="*")


def run(args):
    if not args.output:
        raise UsageError("no -o OUT.csv given")
    if not args.files:
        raise UsageError("no launch CSV given")
    why = atomic.check(args.output, args.force)
    if why:
        raise UsageError(why)
    files = [Result(p) for p in args.files]
    lines = merge(files, args.output, args.force, args.command)
    print(f"merged {len(files)} launches, {len(lines)} rows -> {args.output}", file=sys.stderr)
    if args.table:  # the merged results as mpimark's table
        t = results.read(args.output)
        sys.stdout.write(core.results_text(t.meta.items(), t.rows, "table"))
    return 0


def merge(files, out_path, force=False, command=None, extra_meta=()):
    """Writes the merged CSV of files (compare.Result) to out_path, with
    extra_meta [(key, value)] after the merge's own; returns its rows."""
    first = files[0]
    for f in files[1:]:
        if f.header != first.header:
            raise UsageError(f"{f.path}: different schema from {first.path} (header rows differ)")
        for k in ("mpi_library", "ranks", "runner"):
            if f.meta.get(k) != first.meta.get(k):
                raise UsageError(f"{f.path}: {k} differs from {first.path} "
                                 f"({f.meta.get(k)!r} vs {first.meta.get(k)!r}); merge launches of one setup only")
        if "merge" in f.meta or "merge" in first.meta:
            raise UsageError(f"{f.path if 'merge' in f.meta else first.path}: already a merged measurement; "
                             "merge the launches' own CSVs")
        if set(f.rows) != set(first.rows):
            k = next(iter(set(f.rows) ^ set(first.rows)))
            raise UsageError(f"{f.path}: not the sweep of {first.path} (the row {' '.join(k)} is in one of them "
                             "only); merge launches of one command only")
    keys = list(first.rows)
    lines = []
    for k in keys:
        rs = [f.rows[k] for f in files if k in f.rows]
        m = dict(rs[0])
        med = [r["median"] for r in rs]
        st = mmstats.rounds(med)
        m["median"], m["ci_low"], m["ci_high"] = st.median, st.ci_low, st.ci_high
        # What the merge adds, whatever the launches' files had (output.c
        # writes every column: a merged measurement has the full schema).
        m.update(rounds=len(med), round_min=st.round_min, round_max=st.round_max,
                 round_medians=med)
        # Each launch's state for this row: the median of its rounds' probes.
        probes = [launch_probe(r.get("round_probes_ns", "")) for r in rs]
        m["round_probes_ns"] = probes if None not in probes else ""
        num = lambda r, c: float(r[c]) if c in r and r[c] != "" else math.nan
        if "late" in m:
            m["late"] = sum(int(float(r["late"] or 0)) for r in rs)
        if "min" in m:
            m["min"] = min(num(r, "min") for r in rs)
        if "max" in m:
            m["max"] = max(num(r, "max") for r in rs)
        if "p99" in m:
            m["p99"] = max(num(r, "p99") for r in rs)
        if "samples" in m:
            sam = [int(float(r["samples"] or 0)) for r in rs]
            m["samples"] = sum(sam)
            if "mean" in m and sum(sam) > 0:
                m["mean"] = sum(num(r, "mean") * s for r, s in zip(rs, sam)) / sum(sam)
        if "iterations" in m:
            m["iterations"] = sum(int(float(r["iterations"] or 0)) for r in rs)
        lines.append(m)
    # The launches' own CI rule, launch number and budget share give way to
    # the merge's: the rule below, the launch count, the budget of all launches.
    meta = [(k, first.meta[k]) for k in first.meta_order
            if k not in ("merge", "ci", "launch", "time_split_s", "state_probe_ns")]
    if command:  # what the user ran (mpimark-py measure), not the first launch's own command line
        meta = [(k, command if k == "command" else v) for k, v in meta]
    if all("time_budget_s" in f.meta for f in files):
        budget = sum(float(f.meta["time_budget_s"]) for f in files)
        meta = [(k, "%.4g" % budget if k == "time_budget_s" else v) for k, v in meta]
    probes = [launch_probe(f.meta.get("state_probe_ns", "")) for f in files]
    if all(p is not None for p in probes):  # one state per launch, as launch_medians
        meta.append(("state_probe_ns", ";".join("%.1f" % p for p in probes)))
    meta += [("launches", len(files)), ("merge", merge_rule()),
             ("launch_files", " ".join(os.path.basename(f.path) for f in files)),
             ("launch_dates", " ".join(f.meta.get("date_utc", "?") for f in files))] + list(extra_meta)
    text = core.results_text(meta, lines, "csv")  # output.c: the merged names under #@merge
    err = atomic.write(out_path, text, force)
    if err:
        raise (UsageError if "exists" in err else Failure)(err)
    return lines
