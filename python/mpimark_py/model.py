"""mpimark-py model RESULT.csv [...] [options]: your MPI in a few numbers.

    mpimark-py model results/run.csv
    mpimark-py model results/run.csv --predict 3000,48K --format json

For each operation, path and payload of a result file (a launch of
mpimark or the mpi4py runner, or a measurement that scripts/measure
merged), the latency curve as regimes of

    latency = alpha + bytes / beta

(the Hockney model: alpha the fixed cost of a message in us, beta the
bandwidth in MB/s, 10^6 bytes/s), with the breakpoints between regimes
found from the data: where the library changes protocol (eager to
rendezvous, shared-memory copy to single copy). Each parameter has its 95%
interval: where a repeat run's fit lands, from fits of each round's (or
launch's) medians; a file with one round has none. The fit's error at each
measured size says how well the regimes describe the curve. Where a file
has the buffer and a pickled path, the pickled path's cost on top of the
buffer path is fitted too ("object - buffer": what comm.send of N bytes
costs more than comm.Send). docs/model.md says how the fit works and what
it cannot do.

With two files or more (Open MPI's and MPICH's, this week's and last
month's), each curve of the others is also compared with the first
file's: the fixed cost of the smallest sizes (the first regime's alpha),
the bandwidth of the largest (the last regime's beta), each with the ratio
and "differs" when the two intervals do not overlap, and the breakpoints.
Where a curve was measured at 3 rank counts or more (a file per count,
#@ranks), how the number of ranks P grows its first regime's alpha and
its last regime's cost per byte: a + b * ceil(log2 P) (a tree) or
a + b * (P - 1) (a ring, a linear algorithm), the form that fits better.
A size of --predict that lies between two regimes' sizes is predicted by
the lower regime, and said so with both regimes' figures: the data cannot
tell which protocol it gets.

Options:
  --predict SIZES   also the fitted latency at these sizes (8,3000,48K or
                    1K:1M, as -m takes them)
  --format FMT      table (default) or json: a list with one object per
                    curve: file, ranks, op, path, payload, regimes (from_bytes,
                    to_bytes, alpha_us, alpha_us_95, beta_mb_s, beta_mb_s_95),
                    breakpoints ([last size of a regime, first of the next]),
                    errors ({size: relative error}), worst_error and, with
                    --predict, predictions ({size: us}) and between_regimes
                    ({size: [lower regime's us, upper's]}); with two files or
                    more, {"models": that list, "compared": [...],
                    "in_ranks": [{op, path, payload, ranks, alpha_us,
                    us_per_byte: {form, a, b, worst_error}}]}
  -h, --help        this text

Bad input (a file that is not an mpimark result, no latency curve of 3
sizes or more, a bad size) is one line and exit status 2.
"""

import json
import math
import os
import sys

from . import core, results
from .errors import UsageError
from .sizes import SizeError, size_human, sizes_parse


def add_arguments(ap):
    ap.add_argument("--predict")
    ap.add_argument("--format", choices=("table", "json"), default="table")
    ap.add_argument("files", nargs="*")


class Curve:
    """One (op, path, payload)'s latency against size, and its model."""

    def __init__(self, path, label, key, points, ranks=0):
        self.file, self.label, (self.op, self.path, self.payload) = path, label, key
        self.ranks = ranks  # the run's (#@ranks; 0: not said)
        points.sort()
        self.sizes = [p[0] for p in points]
        self.medians = [p[1] for p in points]
        rounds = [p[2] for p in points]
        same = rounds[0] and all(r and len(r) == len(rounds[0]) for r in rounds) and len(rounds[0]) >= 2
        self.model = core.model_fit(self.sizes, self.medians, rounds if same else None)

    def predict(self, at):
        return core.model_predict(self.model, self.sizes, at)

    def between(self, at):
        """(lower regime's, upper regime's latency) where `at` lies in a
        breakpoint's gap (no measured size tells which regime it gets), else None."""
        j = core.model_gap(self.model, self.sizes, at)
        return (self.predict(at), core.model_regime_at(self.model, j, at)) if j else None


def curves(path):
    """The latency curves of a result file, in its row order."""
    try:
        t = results.read(path, need_meta=True)
    except results.ResultsError as e:
        raise UsageError(str(e))
    if t.kind != "mpimark":
        raise UsageError("%s: not a latency sweep (a scaling CSV?); model reads mpimark's results" % path)
    return table_curves(t)


def table_curves(t):
    """The latency curves of a read result (results.Table), in its row order."""
    path, label = t.path, results.library_label(t.meta.get("mpi_library")) or os.path.basename(t.path)
    series = {}
    for row in t.rows:
        median = results.number(row, "median")
        if row["metric"] != "latency" or median is None or median <= 0:
            continue
        series.setdefault((row["op"], row["path"], row["payload"]), []).append(
            (int(row["bytes"]), median, results.round_medians(row)))
    ranks = t.meta.get("ranks", "")
    ranks = int(ranks) if ranks.isdigit() else 0  # not said (or not a count): no form in P
    return [Curve(path, label, k, v, ranks) for k, v in series.items() if len(v) >= 3]


def over_buffer(found):
    """The pickled paths' cost on top of the buffer path, per file and op: a
    curve of the difference at the sizes both have (where it is positive)."""
    out = []
    buffers = {(c.file, c.op): c for c in found if c.path == "buffer"}
    for c in found:
        b = buffers.get((c.file, c.op))
        if c.path == "buffer" or b is None or c.model is None:
            continue
        at = dict(zip(b.sizes, b.medians))
        points = [(x, y - at[x], None) for x, y in zip(c.sizes, c.medians) if x in at and y > at[x]]
        if len(points) >= 3:
            out.append(Curve(c.file, c.label, (c.op, "%s - buffer" % c.path, c.payload), points, c.ranks))
    return out


def _verdict(a, b):
    """Whether two values with their intervals ([lo, hi] or None) differ:
    "differs" when the intervals do not overlap."""
    if a["ci"] is None or b["ci"] is None:
        return "no interval"
    return "differs" if a["ci"][1] < b["ci"][0] or b["ci"][1] < a["ci"][0] else "within noise"


def compare(a, b):
    """b's model against a's (describe()'s data of the same curve in two
    files): the fixed cost of small messages (the first regime's alpha), the
    bandwidth of large ones (the last regime's beta), the breakpoints."""
    pairs = {"alpha_us": ({"v": a["regimes"][0]["alpha_us"], "ci": a["regimes"][0]["alpha_us_95"]},
                          {"v": b["regimes"][0]["alpha_us"], "ci": b["regimes"][0]["alpha_us_95"]}),
             "beta_mb_s": ({"v": a["regimes"][-1]["beta_mb_s"], "ci": a["regimes"][-1]["beta_mb_s_95"]},
                           {"v": b["regimes"][-1]["beta_mb_s"], "ci": b["regimes"][-1]["beta_mb_s_95"]})}
    out = {"op": a["op"], "path": a["path"], "payload": a["payload"], "a": a["label"], "b": b["label"],
           "breakpoints": [a["breakpoints"], b["breakpoints"]]}
    for name, (x, y) in pairs.items():
        ratio = y["v"] / x["v"] if x["v"] and y["v"] else None
        out[name] = {"a": x["v"], "b": y["v"], "ratio": ratio, "verdict": _verdict(x, y)}
    return out


def compared(first, others):
    """compare() of each of others' curves (describe()'s data) with the same
    (op, path, payload) of first's; curves first lacks are left out."""
    def key(d):
        return d["op"], d["path"], d["payload"]
    by_key = {key(d): d for d in first}
    return [compare(by_key[key(d)], d) for d in others if key(d) in by_key]


def fitted(t):
    """describe()'s data of every curve of a read result that has a model."""
    return [describe(c, []) for c in table_curves(t) if c.model is not None]


def in_ranks(data):
    """Each curve measured at 3 rank counts or more (describe()'s data of
    several files): how the first regime's alpha and the last regime's cost
    per byte grow with the number of ranks P (core.model_fit_p)."""
    series = {}
    for d in data:
        if d["ranks"] > 0:
            series.setdefault((d["op"], d["path"], d["payload"]), []).append(d)
    out = []
    for (op, path, payload), ds in series.items():
        ranks = [d["ranks"] for d in ds]
        if len(set(ranks)) < 3:
            continue
        fits = {}
        for name, value in (("alpha_us", lambda d: d["regimes"][0]["alpha_us"]),
                            ("us_per_byte", lambda d: 1 / d["regimes"][-1]["beta_mb_s"]
                             if d["regimes"][-1]["beta_mb_s"] else 0)):
            f = core.model_fit_p(ranks, [value(d) for d in ds])
            fits[name] = dict(zip(("form", "a", "b", "worst_error"), f)) if f else None
        out.append({"op": op, "path": path, "payload": payload, "ranks": sorted(set(ranks)), **fits})
    return out


def in_ranks_table(r):
    def line(what, unit, f):
        if f is None:
            return "  %s: no fit (a value that is not positive)" % what
        form = "(%s)" % f["form"] if " - " in f["form"] else f["form"]
        return "  %s = %s + %s * %s %s (within %.1f%% at every P)" % (what, _g(f["a"]), _g(f["b"]), form, unit,
                                                                     100 * f["worst_error"])
    return "\n".join(["# %s, %s path (%s) in the number of ranks P (%s):" % (
                          r["op"], r["path"], r["payload"], ", ".join(str(p) for p in r["ranks"])),
                       line("alpha of the smallest sizes' regime", "us", r["alpha_us"]),
                       line("1/beta of the largest sizes' regime", "us per byte", r["us_per_byte"])]) + "\n"


def compare_table(c):
    def bps(b):
        return "; ".join("%s | %s" % (size_human(x), size_human(y)) for x, y in b) or "none"

    def line(what, unit, d):
        return "  %s: %s vs %s %s: %s, %s" % (what, _g(d["a"]), _g(d["b"]), unit,
                                              "-" if d["ratio"] is None else "%.3gx" % d["ratio"], d["verdict"])
    return "\n".join(["# %s, %s path (%s): %s against %s" % (c["op"], c["path"], c["payload"], c["b"], c["a"]),
                      line("alpha of the smallest sizes' regime", "us", c["alpha_us"]),
                      line("beta of the largest sizes' regime", "MB/s", c["beta_mb_s"]),
                      "  breakpoints: %s vs %s" % (bps(c["breakpoints"][0]), bps(c["breakpoints"][1]))]) + "\n"


def _beta(us_per_byte):
    """MB/s (bytes per us) of a cost per byte; None when the time does not grow."""
    return 1.0 / us_per_byte if us_per_byte > 0 else None


def _interval(lo, hi, invert=False):
    if math.isnan(lo) or math.isnan(hi):
        return None
    if invert:  # a cost per byte's interval as bandwidths: (1/hi, 1/lo)
        return [_beta(hi), _beta(lo)]
    return [lo, hi]


def describe(c, predict):
    """The curve and its model as plain data (the JSON form)."""
    m = c.model
    regimes = []
    for g in m.regime[:m.n_regimes]:
        regimes.append({"from_bytes": c.sizes[g.first], "to_bytes": c.sizes[g.last],
                        "alpha_us": g.alpha, "alpha_us_95": _interval(g.alpha_low, g.alpha_high),
                        "beta_mb_s": _beta(g.us_per_byte),
                        "beta_mb_s_95": _interval(g.us_per_byte_low, g.us_per_byte_high, invert=True)})
    out = {"file": c.file, "label": c.label, "ranks": c.ranks, "op": c.op, "path": c.path, "payload": c.payload,
           "regimes": regimes,
           "breakpoints": [[r["to_bytes"], n["from_bytes"]] for r, n in zip(regimes, regimes[1:])],
           "errors": {str(x): abs(c.predict(x) - y) / y for x, y in zip(c.sizes, c.medians)},
           "worst_error": m.worst_error}
    if predict:
        out["predictions"] = {str(x): c.predict(x) for x in predict}
        # a size in a breakpoint's gap: the lower regime's figure above, and
        # both regimes' here, since the data cannot tell which it gets
        gaps = {str(x): c.between(x) for x in predict}
        out["between_regimes"] = {x: list(g) for x, g in gaps.items() if g}
    return out


def _g(v):
    """4 significant digits, whole numbers from 10,000 (no exponent); "-": none."""
    if v is None:
        return "-"
    return "%.0f" % v if abs(v) >= 1e4 else "%.4g" % v


def _range(v):
    return "" if v is None else "(%s .. %s)" % (_g(v[0]), _g(v[1]))


ROW = "  %-20s %9s %-20s %10s %s"


def table(d):
    """The table form of describe()'s data."""
    lines = ["# %s, %s path (%s), latency = alpha + bytes / beta: %d regime%s, within %.1f%% "
             "at every size" % (d["op"], d["path"], d["payload"], len(d["regimes"]),
                                "" if len(d["regimes"]) == 1 else "s", 100 * d["worst_error"]),
             ROW % ("sizes", "alpha us", "(95% interval)", "beta MB/s", "(95% interval)")]
    for r in d["regimes"]:
        lines.append(ROW % (
            "%s .. %s" % (size_human(r["from_bytes"]), size_human(r["to_bytes"])), _g(r["alpha_us"]),
            _range(r["alpha_us_95"]), _g(r["beta_mb_s"]), _range(r["beta_mb_s_95"])))
    if d["breakpoints"]:
        lines.append("  breakpoints: " + "; ".join("between %s and %s" % (size_human(a), size_human(b))
                                                   for a, b in d["breakpoints"]))
    if "predictions" in d:
        def predicted(x, v):
            gap = d["between_regimes"].get(x)
            return "%s %s us%s" % (size_human(int(x)), _g(v), " (between two regimes: %s .. %s us)" % (
                _g(gap[0]), _g(gap[1])) if gap else "")
        lines.append("  predicted: " + "; ".join(predicted(x, v) for x, v in d["predictions"].items()))
    return "\n".join(lines) + "\n"


def breakpoints(t, op, path, payload):
    """[(last size of a regime, first size of the next)] of one curve of a
    read result (payload "": any); [] when it has none or cannot be fitted.
    The curves of a table are fitted once."""
    if not hasattr(t, "model_curves"):
        t.model_curves = [c for c in table_curves(t) if c.model is not None]
    for c in t.model_curves:
        if (c.op, c.path) == (op, path) and payload in ("", c.payload):
            return [tuple(b) for b in describe(c, [])["breakpoints"]]
    return []


def report_rows(t):
    """The report's model section of a read result: (header, a row per
    regime of every curve and of the pickled paths' cost over the buffer
    path); no rows when no curve has 3 sizes or more."""
    found = table_curves(t)
    rows = []
    for c in [c for c in found + over_buffer(found) if c.model is not None]:
        d = describe(c, [])
        for r in d["regimes"]:
            rows.append([d["op"], "%s (%s)" % (d["path"], d["payload"]),
                         "%s .. %s" % (size_human(r["from_bytes"]), size_human(r["to_bytes"])),
                         ("%s %s" % (_g(r["alpha_us"]), _range(r["alpha_us_95"]))).strip(),
                         ("%s %s" % (_g(r["beta_mb_s"]), _range(r["beta_mb_s_95"]))).strip(),
                         "%.1f%%" % (100 * d["worst_error"])])
    return ["operation", "path", "sizes", "alpha us (95% interval)", "beta MB/s (95% interval)",
            "worst fit error"], rows


def run(args):
    if not args.files:
        raise UsageError("no result file given (mpimark-py model RESULT.csv; see --help)")
    predict = []
    if args.predict is not None:
        try:
            predict = sizes_parse(args.predict)
        except SizeError as e:
            raise UsageError("--predict: %s" % e)
    found = [c for p in args.files for c in curves(p)]
    extra = over_buffer(found)
    # each pickled path's cost over the buffer path right after the op's curves
    ranked = {(c.file, c.op): i for i, c in enumerate(found)}
    fitted = sorted((c for c in found + extra if c.model is not None),
                    key=lambda c: (ranked[(c.file, c.op)], c in extra))
    if not fitted:
        raise UsageError("%s: no latency curve of 3 sizes or more to model" % ", ".join(args.files))
    data = [describe(c, predict) for c in fitted]
    # every other file's curves against the first file's
    against = compared([d for d in data if d["file"] == args.files[0]],
                       [d for d in data if d["file"] != args.files[0]])
    grown = in_ranks(data)
    if args.format == "json":
        out = {"models": data, "compared": against, "in_ranks": grown} if len(args.files) > 1 else data
        sys.stdout.write(json.dumps(out, indent=1) + "\n")
    else:
        sys.stdout.write("\n".join([table(d) for d in data] + [compare_table(c) for c in against] +
                                    [in_ranks_table(r) for r in grown]))
    return 0
