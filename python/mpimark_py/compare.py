"""mpimark-py compare: mpimark results side by side, with verdicts that respect noise
(scripts/compare in a clone).

usage:
  mpimark-py compare [--format table|csv|markdown] [--plot [--plot-dir DIR] [--force]] A.csv B.csv [C.csv ...]
  mpimark-py compare --baseline OLD.csv [--tolerance 5%] NEW.csv [NEW2.csv ...]
  (merging launches into one measurement: mpimark-py merge, or scripts/compare --merge)

Rows are matched on (op, path, payload, bytes, metric). For each row it prints
the medians with their 95% intervals (prediction intervals for runs of
several rounds), the ratio B/A of the medians and a verdict for B against
A.

Paired (both files merged from interleaved launches, e.g. by compare-mpi,
with the same number of launches): launch i of A is paired with launch i of
B, which ran next to it in time, and the verdict comes from the per-launch
ratios:

  faster / slower             the 95% CI of the median of the ratios B_i/A_i
                              (order statistics; 6-8 launches: their min and
                              max) excludes 1; the direction comes from the
                              metric (latency: lower is better; bandwidth,
                              bibw, algbw, busbw: higher is better)
  no significant difference   it includes 1
  The ratio column is then the median of the per-launch ratios.

Unpaired (two separate runs):

  no significant difference   the two rows' 95% intervals overlap
  faster / slower             they do not overlap

Rows found in only one file are listed. With more than two files, each file
is compared with the first. A summary line per operation and a metadata
line per file (MPI library, ranks, hosts) come with the table.

--baseline OLD.csv NEW.csv (regression mode): exit 1 when a row of NEW is
significantly worse than in OLD (intervals do not overlap) AND worse by more than
--tolerance (default 5%; "5%" or "5" both mean five percent; latency: NEW >
OLD * (1 + tol); bandwidths: NEW < OLD * (1 - tol)); the rows are listed.
Exit 0 otherwise.

--plot draws the overlay figures of A.csv B.csv ... (mpimark-py plot) into
DIR (default compare-plots/ next to the last file; figures there are kept
unless --force); when it cannot (no gnuplot), it says so and the table
stands.

Exit codes: 0 ok, 1 regression found (--baseline), 2 usage error or bad
input (missing file, not an mpimark CSV, different schemas).
"""

import functools
import math
import os
import sys

from . import core, model, plot as mmplot, results, stats as mmstats
from .errors import Failure, UsageError as InputError
from .sizes import size_short

KEY = ("op", "path", "payload", "bytes", "metric")
REQUIRED = KEY + ("unit", "median", "ci_low", "ci_high")
LOWER_IS_BETTER = {"latency", "time", "overhead"}
HIGHER_IS_BETTER = {"bandwidth", "bibw", "algbw", "busbw", "rate", "msgrate"}
# Metadata worth showing when two files differ in it.
CONTEXT_KEYS = ("runner", "mpi_version", "ranks", "nodes", "ranks_per_node",
                "hosts", "p2p_placement", "mpi_env", "mpi_thread_level", "slurm_partition",
                "mpimark_version", "git_commit",
                "time_budget_s", "iterations", "warmup", "window", "root", "validate", "clock")

NSD = "no significant difference"
VERDICT_RULE = ("paired by launch (files merged from interleaved launches, as many in each): the 95% CI "
                "of the median per-launch ratio B/A includes 1 -> no significant difference; "
                "unpaired: the rows' 95% intervals overlap -> no significant difference; "
                "otherwise faster/slower by the metric (latency lower is better, bandwidths higher)")


# ---------------------------------------------------------------- reading

class Result:
    """One mpimark CSV: metadata, header, rows keyed by (op, path, payload, bytes, metric)."""

    def __init__(self, path):
        self.path = path
        self.meta = {}
        self.meta_order = []
        self.header = None
        self.rows = {}  # key -> dict (ordered as in the file)
        self._read()

    @functools.cached_property
    def models(self):
        """The cost model of each latency curve (model.fitted), fitted once."""
        return model.fitted(self.table)

    def _read(self):
        try:
            t = results.read(self.path, need_meta=True)
        except results.ResultsError as e:
            raise InputError(str(e))
        missing = [c for c in REQUIRED if c not in t.header]
        if missing:
            raise InputError(f"{self.path}: not an mpimark CSV (header lacks {', '.join(missing)})")
        self.meta, self.meta_order, self.header = t.meta, t.meta_order, t.header
        self.table = t  # for the cost models
        for n, row in enumerate(t.rows, 2):
            for c in ("median", "ci_low", "ci_high"):
                row[c] = _number(row[c], self.path, n, c)
            # Medians pair with another file's only across interleaved
            # launches: files merged from whole launches (#@merge).
            medians = results.launch_medians_text(row) if "merge" in self.meta else ""
            if medians:
                row["_launches_paired"] = [_number(x, self.path, n, "launch_medians")
                                         for x in medians.split(";")]
            key = tuple(row[k] for k in KEY)
            if key in self.rows:
                raise InputError(f"{self.path}: duplicate row {_key_text(key)}")
            self.rows[key] = row

    def label(self):
        """A short name of what produced the file: the MPI library, else the file name."""
        lib = results.library_label(self.meta.get("mpi_library"))
        runner = self.meta.get("runner")
        if runner and runner != "mpimark":
            lib = f"{lib} ({runner})" if lib else runner
        return lib or os.path.basename(self.path)

    def context(self):
        m = self.meta
        parts = [self.label()]
        if m.get("ranks"):
            parts.append(f"{m['ranks']} ranks")
        if m.get("hosts"):
            parts.append(f"hosts {m['hosts']}")
        if m.get("p2p_placement"):
            parts.append(m["p2p_placement"])
        if m.get("date_utc"):
            parts.append(m["date_utc"])
        if "merge" in m:
            parts.append(f"merged from {mmstats.meta_rounds(m)} launches")
        return ", ".join(parts)


def _number(text, path, n, col):
    try:
        return float(text)
    except ValueError:
        if text.strip() == "":
            return math.nan
        raise InputError(f"{path}:{n}: column {col} is not a number: {text!r}")


def _key_text(key):
    op, path, payload, nbytes, metric = key
    return f"{op} {path} {payload} {nbytes} B {metric}"


# ---------------------------------------------------------------- judging

def direction(metric, unit):
    """+1 when higher is better, -1 when lower is better, 0 when unknown."""
    m = metric.lower()
    if m in LOWER_IS_BETTER:
        return -1
    if m in HIGHER_IS_BETTER:
        return +1
    u = unit.lower()
    if u.endswith("/s"):
        return +1
    if u in ("s", "ms", "us", "ns", "cycles"):
        return -1
    return 0


def overlap(a, b):
    return a["ci_low"] <= b["ci_high"] and b["ci_low"] <= a["ci_high"]


def finite(*xs):
    return all(not math.isnan(x) and not math.isinf(x) for x in xs)


def ratio(a, b):
    paired = paired_ratio(a, b)
    if paired:
        return paired[0]
    if not finite(a["median"], b["median"]) or a["median"] == 0:
        return math.nan
    return b["median"] / a["median"]


def paired_ratio(a, b):
    """(median, ci_low, ci_high) of the per-launch ratios B_i/A_i, when both
    rows carry the medians of interleaved launches; else None."""
    ra, rb = a.get("_launches_paired"), b.get("_launches_paired")
    if not ra or not rb or len(ra) != len(rb) or len(ra) < 2:
        return None
    return mmstats.paired_ratio(rb, ra)


DIFFERENT_STATES = "different states"


def state_pairs(ma, mb):
    """The modes of A and B that ran in the same state, each mode in one
    pair at most: by their probes where both have them (one state:
    core.same_state; the closest probes first), else, as many modes in
    each, in order (fast with fast)."""
    if all(m["probe"] for m in ma + mb):
        near = sorted((abs(math.log(y["probe"] / x["probe"])), i, j)
                      for i, x in enumerate(ma) for j, y in enumerate(mb))
        used_a, used_b, out = set(), set(), []
        for _, i, j in near:
            if i not in used_a and j not in used_b and core.same_state(ma[i]["probe"], mb[j]["probe"]):
                used_a.add(i)
                used_b.add(j)
                out.append((ma[i], mb[j]))
        return sorted(out, key=lambda p: p[0]["median"])
    return list(zip(ma, mb)) if len(ma) == len(mb) else []


def state_judgements(a, b):
    """[(verdict, A's median, B's median)] of each state seen by both rows
    with intervals (each mode's interval against the same state's); None
    when neither row has modes (the rows are judged as a whole)."""
    ma, mb = results.row_modes(a), results.row_modes(b)
    if len(ma) < 2 and len(mb) < 2:
        return None
    out = []
    for x, y in state_pairs(ma, mb):
        if None in (x["ci_low"], x["ci_high"], y["ci_low"], y["ci_high"]):
            continue
        same = x["ci_low"] <= y["ci_high"] and y["ci_low"] <= x["ci_high"]
        out.append((NSD if same else _direction_word(a, y["median"] > x["median"]), x["median"], y["median"]))
    return out


def verdict_by_state(a, b):
    """B against A state by state: one word when the states agree,
    'mixed' when they do not, DIFFERENT_STATES when no state was seen by
    both with intervals to judge; None when neither row has modes."""
    j = state_judgements(a, b)
    if j is None:
        return None
    words = {v for v, _, _ in j} - {NSD}
    if not j:
        return DIFFERENT_STATES
    return NSD if not words else words.pop() if len(words) == 1 else "mixed (by state)"


def _direction_word(a, higher):
    d = direction(a["metric"], a["unit"])
    if d == 0:
        return "higher" if higher else "lower"
    return "faster" if (higher == (d > 0)) else "slower"


def verdict(a, b):
    """B against A: 'faster', 'slower', NSD, DIFFERENT_STATES, or why it
    cannot be judged."""
    paired = paired_ratio(a, b)
    if paired:
        _, lo, hi = paired
        if lo <= 1.0 <= hi:
            return NSD
        higher = lo > 1.0
    else:
        by_state = verdict_by_state(a, b)
        if by_state is not None:
            return by_state
        if not finite(a["ci_low"], a["ci_high"], b["ci_low"], b["ci_high"]):
            return "no CI (cannot judge)"
        if overlap(a, b):
            return NSD
        higher = b["median"] > a["median"]
    return _direction_word(a, higher)


def worse_beyond(a, b, tol):
    """True when B is significantly worse than A by more than tol (a
    fraction): as a whole, or, for rows with modes, in a state both saw."""
    d = direction(a["metric"], a["unit"])
    beyond = lambda x, y: y > x * (1 + tol) if d < 0 else y < x * (1 - tol)
    j = state_judgements(a, b) if not paired_ratio(a, b) else None
    if j is not None:
        return any(v == "slower" and beyond(x, y) for v, x, y in j)
    return verdict(a, b) == "slower" and beyond(a["median"], b["median"])


class Pair:
    def __init__(self, a, b):
        self.a, self.b = a, b
        self.common = [k for k in a.rows if k in b.rows]
        self.only_a = [k for k in a.rows if k not in b.rows]
        self.only_b = [k for k in b.rows if k not in a.rows]
        self.lines = []
        for k in self.common:
            ra, rb = a.rows[k], b.rows[k]
            self.lines.append((k, ra, rb, ratio(ra, rb), verdict(ra, rb)))

    def summaries(self):
        """One summary per operation, in file order."""
        ops = {}
        for k, ra, rb, r, v in self.lines:
            s = ops.setdefault(k[0], {"n": 0, "faster": 0, "slower": 0, NSD: 0, "other": 0,
                                      "paths": [], "lat": [], "bw": []})
            s["n"] += 1
            s[v if v in ("faster", "slower", NSD) else "other"] += 1
            if k[1] not in s["paths"]:
                s["paths"].append(k[1])
            if finite(r) and r > 0:
                d = direction(ra["metric"], ra["unit"])
                if d < 0:
                    s["lat"].append(r)
                elif d > 0 and ra["metric"] in ("bandwidth", "algbw"):
                    s["bw"].append(r)
        out = []
        for op, s in ops.items():
            text = (f"{op} ({'+'.join(s['paths'])}): {s['n']} rows: B faster in {s['faster']}, "
                    f"slower in {s['slower']}, no significant difference in {s[NSD]}")
            if s["other"]:
                text += f", not judged in {s['other']}"
            if s["lat"]:
                text += f"; latency B/A geometric mean {_gmean(s['lat']):.3g}"
                text += f" (range {min(s['lat']):.3g}-{max(s['lat']):.3g})"
            if s["bw"]:
                text += f"; bandwidth B/A geometric mean {_gmean(s['bw']):.3g}"
            out.append((op, s, text))
        return out


def _gmean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


# ---------------------------------------------------------------- output

def fmt(x):
    if not finite(x):
        return "-"
    if x == 0:
        return "0"
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        return f"{x:.3e}"
    return f"{x:.4g}" if abs(x) < 1000 else f"{x:.0f}"


def fmt_ci(row):
    return f"{fmt(row['median'])} [{fmt(row['ci_low'])}, {fmt(row['ci_high'])}]"


def meta_lines(files):
    """Lines naming each file's library and context, and the metadata that differs."""
    lines = []
    for i, f in enumerate(files):
        lines.append(f"{chr(ord('A') + i)} = {f.path}: {f.context()}")
    def short(i, f):
        where = f" on {f.meta['hosts']}" if f.meta.get("hosts") else ""
        ranks = f"{f.meta['ranks']} ranks" if f.meta.get("ranks") else "? ranks"
        return f"{chr(ord('A') + i)}: {f.label()} ({ranks}{where})"
    lines.insert(0, "comparing " + " vs ".join(short(i, f) for i, f in enumerate(files)))
    base = files[0]
    for i, f in enumerate(files[1:], 1):
        diffs = []
        for k in CONTEXT_KEYS:
            va, vb = base.meta.get(k), f.meta.get(k)
            if va != vb and (va or vb):
                diffs.append(f"{k}: {' '.join((va or '-').split())} -> {' '.join((vb or '-').split())}")
        if diffs:
            lines.append(f"A vs {chr(ord('A') + i)} differ in: " + "; ".join(diffs))
        for k in ("ranks", "nodes", "p2p_placement", "payload"):
            va, vb = base.meta.get(k), f.meta.get(k)
            if va and vb and va != vb:
                lines.append(f"warning: {k} differs ({va} vs {vb}): the runs measure different setups")
    return lines


def table(headers, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)] if rows else [len(h) for h in headers]
    out = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for r in rows:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    return out


def markdown(headers, rows):
    esc = lambda s: str(s).replace("|", "\\|")
    out = ["| " + " | ".join(esc(h) for h in headers) + " |",
           "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        out.append("| " + " | ".join(esc(c) for c in r) + " |")
    return out


def render_text(pairs, files, style, regressions=None, tol=None):
    out = []
    md = style == "markdown"
    for line in meta_lines(files):
        out.append(f"- {line}" if md else f"# {line}")
    out.append("")
    for i, p in enumerate(pairs):
        bn = chr(ord("A") + i + 1)
        if len(pairs) > 1:
            out.append(f"{'### ' if md else '## '}A vs {bn}")
            out.append("")
        headers = ["op", "path", "payload", "size", "metric", "unit",
                   f"A median [{mmstats.interval_of(p.a.meta)}]",
                   f"{bn} median [{mmstats.interval_of(p.b.meta)}]",
                   f"{bn}/A", f"verdict ({bn} vs A)"]
        rows = [[k[0], k[1], k[2], size_short(k[3]), k[4], ra["unit"], fmt_ci(ra), fmt_ci(rb),
                 fmt(r) if finite(r) else "-", v] for k, ra, rb, r, v in p.lines]
        out += (markdown if md else table)(headers, rows)
        out.append("")
        for name, keys, f in (("A", p.only_a, p.a), (bn, p.only_b, p.b)):
            if keys:
                out.append(f"only in {name} ({f.path}): {len(keys)} row{'s' if len(keys) != 1 else ''}")
                for k in keys:
                    out.append(f"{'- ' if md else '  '}{_key_text(k)}")
                out.append("")
        if not p.only_a and not p.only_b:
            out.append(f"all {len(p.lines)} rows are in both files")
            out.append("")
        for _, _, text in p.summaries():
            out.append(f"{'- ' if md else ''}summary {text.replace(' B ', f' {bn} ').replace('B/A', f'{bn}/A')}")
        out.append("")
        models = model.compared([dict(d, label="A") for d in p.a.models], [dict(d, label=bn) for d in p.b.models])
        if models:
            out.append(f"cost models, {bn} against A (latency = alpha + bytes / beta per regime; "
                       "mpimark-py model shows the fits):")
            for c in models:
                out += [("- " if md else "  ") + line.lstrip("# ").strip() if line.startswith("#") else
                        ("  " if md else "    ") + line.strip() for line in model.compare_table(c).splitlines()]
            out.append("")
    out.append(f"verdict: {VERDICT_RULE}")
    if regressions is not None:
        out.append("")
        if regressions:
            out.append(f"REGRESSION: {len(regressions)} row{'s' if len(regressions) != 1 else ''} "
                       f"significantly worse than the baseline by more than {tol * 100:g}%:")
            for name, k, ra, rb, r in regressions:
                out.append(f"{'- ' if md else '  '}{_key_text(k)}: {fmt_ci(ra)} -> {fmt_ci(rb)} "
                           f"{ra['unit']} ({name}/A {fmt(r)})")
        else:
            out.append(f"no regression: no row is significantly worse than the baseline by more than {tol * 100:g}%")
    return "\n".join(out).rstrip("\n") + "\n"


def render_csv(pairs, files, regressions=None, tol=None):
    meta = []
    for i, f in enumerate(files):
        n = chr(ord("a") + i)
        meta.append((f"{n}_file", f.path))
        for k in ("mpi_library", "ranks", "hosts", "p2p_placement", "date_utc", "runner", "rounds", "launches"):
            if k in f.meta:
                meta.append((f"{n}_{k}", f.meta[k]))
    meta.append(("verdict_rule", VERDICT_RULE))
    if tol is not None:
        meta += [("tolerance", f"{tol * 100:g}%"), ("regressions", len(regressions))]
    out = [results.csv_meta(meta), results.csv_line(
        ["a", "b", "op", "path", "payload", "bytes", "metric", "unit", "a_median", "a_ci_low", "a_ci_high",
         "b_median", "b_ci_low", "b_ci_high", "ratio", "verdict"])]
    g = lambda x: "" if not finite(x) else f"{x:.6g}"
    for i, p in enumerate(pairs):
        an, bn = "A", chr(ord("A") + i + 1)
        for k, ra, rb, r, v in p.lines:
            out.append(results.csv_line([an, bn, *k, ra["unit"], g(ra["median"]), g(ra["ci_low"]),
                                         g(ra["ci_high"]), g(rb["median"]), g(rb["ci_low"]), g(rb["ci_high"]),
                                         g(r), v]))
        for k in p.only_a:
            ra = p.a.rows[k]
            out.append(results.csv_line([an, bn, *k, ra["unit"], g(ra["median"]), g(ra["ci_low"]),
                                         g(ra["ci_high"]), "", "", "", "", "only in A"]))
        for k in p.only_b:
            rb = p.b.rows[k]
            out.append(results.csv_line([an, bn, *k, rb["unit"], "", "", "", g(rb["median"]), g(rb["ci_low"]),
                                         g(rb["ci_high"]), "", f"only in {bn}"]))
    return "".join(out)


# ---------------------------------------------------------------- main

def parse_tolerance(text):
    t = text.strip()
    if t.endswith("%"):
        t = t[:-1]
    try:
        v = float(t)
    except ValueError:
        raise InputError(f"--tolerance {text!r}: expected a percentage such as 5% or 2.5")
    if not finite(v) or v < 0 or v >= 100:
        raise InputError(f"--tolerance {text!r}: must be at least 0% and below 100%")
    return v / 100


def add_arguments(ap):
    ap.add_argument("--format", choices=("table", "csv", "markdown"), default="table")
    ap.add_argument("--baseline", metavar="OLD.csv")
    ap.add_argument("--tolerance")
    ap.add_argument("--plot", action="store_true")
    ap.add_argument("--plot-dir")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("files", nargs="*")


def run(args):
    if args.tolerance is not None and args.baseline is None:
        raise InputError("--tolerance needs --baseline OLD.csv")
    paths = ([args.baseline] if args.baseline else []) + args.files
    if len(paths) < 2:
        raise InputError("need two CSV files to compare (A.csv B.csv, or --baseline OLD.csv NEW.csv)")
    tol = parse_tolerance(args.tolerance if args.tolerance is not None else "5%") if args.baseline else None
    files = [Result(p) for p in paths]
    for f in files[1:]:
        if results.schema(f.header) != results.schema(files[0].header):
            raise InputError(f"different schemas: {f.path} and {files[0].path} have different header rows "
                             f"({','.join(f.header)} vs {','.join(files[0].header)})")
    pairs = [Pair(files[0], f) for f in files[1:]]
    for p in pairs:
        if not p.lines:
            raise InputError(f"{p.b.path} and {p.a.path} have no row in common (op, path, payload, size "
                             "and metric): nothing to compare")

    regressions = None
    if args.baseline:
        regressions = []
        for i, p in enumerate(pairs):
            for k, ra, rb, r, v in p.lines:
                if worse_beyond(ra, rb, tol):
                    regressions.append((chr(ord("A") + i + 1), k, ra, rb, r))

    if args.format == "csv":
        sys.stdout.write(render_csv(pairs, files, regressions, tol))
    else:
        sys.stdout.write(render_text(pairs, files, args.format, regressions, tol))
    sys.stdout.flush()

    if args.plot:
        plot(files, args.plot_dir, args.force)
    return 1 if regressions else 0


def plot(files, out_dir, force=False):
    """The overlay figures of the compared files (compare-plots/ beside the
    last file by default); a failure is a warning: the table is complete."""
    if out_dir is None:
        out_dir = os.path.join(os.path.dirname(os.path.abspath(files[-1].path)), "compare-plots")
    try:
        written, failed, total = mmplot.draw([f.path for f in files], out_dir, force=force)
    except InputError as e:
        print(f"mpimark-py compare: no overlay plot: {e} (the table above is complete)", file=sys.stderr)
        return
    if failed:  # the table stands; the exit code says the figures did not
        raise Failure(f"{failed} of {total} overlay figures failed (the table above is complete)")
    print(f"mpimark-py compare: overlay plots in {out_dir}", file=sys.stderr)
