"""mpimark-py report DIR... [-o FILE] [--force]: one report of mpimark results
that a person can send as it is (scripts/report in a clone).

Reads the result files of each results folder by their metadata: mpimark
runs (C, mpi4py runner), compare-mpi folders (merged launches and compare.csv),
scaling folders (scaling.csv). Writes report.html, one self-contained file
(figures inline as SVG, CSS embedded, no script, nothing fetched; prints to
PDF), and report.md beside it, into the first folder unless -o FILE. Prints
the report's path. Contents: what ran where and when, the headline numbers
with their 95% intervals, per-operation tables with the stability marks, each latency
curve's model (alpha + bytes / beta, its breakpoints), the comparison verdicts, the scaling table, the figures, the method and the
notes the runs printed.

Options:
  -o, --output FILE  write the HTML report to FILE (FILE.md beside it
                     gets the markdown: FILE with .md for .html)
  --force            replace an existing report (never a result file)
  --no-figures       leave the figures out (no gnuplot needed)
  -h, --help         show this help

Exit codes: 0 ok, 1 writing failed, 2 bad input (not a results folder, no
mpimark results in it, a half-written .partial folder, a CSV that is not
mpimark's, the report exists).
"""

import html
import math
import os
import re
import shutil
import tempfile

from . import atomic, core, defs, model as cost_model, plot, results, stats
from .errors import Failure, UsageError as InputError
from .sizes import size_human

P2P_OPS = defs.POINT_TO_POINT
HEADLINE_SIZES = (8, 1024, 65536, 1048576)
# Metadata that says what ran where and when, in the order a reader wants it.
MODEL_NOTE = ("Each latency curve as regimes of latency = alpha + bytes / beta (alpha: the fixed "
              "cost of a message; beta: the bandwidth, MB/s), the breakpoints between regimes found "
              "from the data (where the library changes protocol), each parameter with the 95% "
              "interval of a repeat run's fit; \"object - buffer\": what pickling adds to the "
              "buffer path. scripts/model prints it with predictions; docs/model.md.")
WHERE_KEYS = (("runner", "runner"), ("mpi_library", "MPI library"), ("mpi_version", "MPI standard"),
              ("nodes", "nodes"), ("ranks", "ranks"), ("ranks_per_node", "ranks per node"),
              ("hosts", "hosts"), ("p2p_placement", "placement"),
              ("mpi_env", "MPI environment"),
              ("slurm_job_id", "Slurm job"),
              ("slurm_partition", "Slurm partition"), ("date_utc", "date (UTC)"),
              ("git_commit", "mpimark commit"), ("mpimark_version", "mpimark version"),
              ("python_version", "Python"), ("mpi4py_version", "mpi4py"),
              ("application", "application"), ("mode", "scaling mode"), ("ranks_list", "rank counts"),
              ("samples_arg", "samples"), ("reps", "repetitions per rank count"),
              ("study_command", "program studied"), ("time_source", "run time from"),
              ("launcher", "launcher (largest rank count)"), ("launch_cost_program", "launch cost measured with"),
              ("oversubscribed_ranks", "oversubscribed rank counts"),
              ("launches", "launches merged"), ("rounds", "rounds"), ("sync", "collective timing"),
              ("command", "command"))
DOCS = "docs/method.md of the mpimark source (installed: share/doc/mpimark/method.md)"


# ---------------------------------------------------------------- reading

class Folder:
    """One results folder: its mpimark runs, comparison and scaling tables,
    and the notes its text tables printed."""

    def __init__(self, path):
        self.path = path
        self.runs, self.compare, self.scaling, self.notes = [], None, None, []
        if not os.path.exists(path):
            raise InputError("%s: no such folder" % path)
        if not os.path.isdir(path):
            raise InputError("%s: not a results folder (give the folder that holds the CSVs)" % path)
        base = os.path.basename(os.path.normpath(path))
        if base.endswith(".partial"):
            raise InputError("%s: a half-written .partial folder (the run did not finish); "
                             "nothing to report" % path)
        if re.fullmatch(r"\..+-launches\..+", base):
            raise InputError("%s: the launches of a scripts/measure run that did not finish "
                             "(killed before it merged them); nothing to report" % path)
        tables = []
        for name in sorted(os.listdir(path)):
            full = os.path.join(path, name)
            if name.endswith(".csv") and os.path.isfile(full):
                try:
                    tables.append(results.read(full))
                except results.ResultsError as e:
                    raise InputError(str(e))
            elif name.endswith(".txt") and os.path.isfile(full):
                self.notes += table_notes(full)
        merged = set()
        for t in tables:
            merged.update((t.meta.get("launch_files") or t.meta.get("round_files", "")).split())
        for t in tables:
            if os.path.basename(t.path) in merged:
                continue  # a round that a merged file of this folder holds
            if t.kind == "mpimark":
                if t.rows:
                    self.runs.append(t)
            elif t.kind == "compare":
                self.compare = t
            elif t.kind == "scaling":
                self.scaling = t
        self.runs.sort(key=lambda t: t.meta.get("runner", "mpimark") != "mpimark")  # C first
        if self.compare:  # the runs in the comparison's order (A, B)
            order = [os.path.basename(self.compare.meta.get(k, "")) for k in ("a_file", "b_file")]
            self.runs.sort(key=lambda t: order.index(os.path.basename(t.path))
                           if os.path.basename(t.path) in order else len(order))
        if not (self.runs or self.scaling):
            raise InputError("%s: no mpimark results here (no mpimark, mpi4py or scaling CSV "
                             "with result rows)" % path)

    def kind(self):
        if self.compare:
            return "comparison"
        if self.scaling:
            return "scaling"
        return "runs" if len(self.runs) > 1 else "run"


def table_notes(path):
    """The notes and stability lines a text table printed (# note:, # !,
    # stability:, each with its continuation lines)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return notes_of(f)
    except OSError:
        return []


def notes_of(lines):
    notes, inside = [], False
    for line in lines:
        if line.startswith(("# note", "# !", "# stability", "# a noisy run", "# modes", "# states", "# across")):
            notes.append(line[1:].strip())
            inside = True
        elif inside and line.startswith("#   "):
            notes[-1] += " " + line[1:].strip()
        else:
            inside = False
    return notes


# ---------------------------------------------------------------- numbers

def g(x, digits=4):
    """A number for a table: 4 significant digits, no exponent below 1e6."""
    if x is None:
        return "–"
    if x != 0 and (abs(x) >= 1e6 or abs(x) < 1e-3):
        return "%.3g" % x
    return ("%%.%dg" % digits) % x if abs(x) < 10 ** digits else "%.0f" % x


def median_ci(row):
    """A row's median and interval as the text table shows them (output.c),
    or, when its rounds (launches) fall into modes, each mode (docs/method.md,
    Modes): "0.140 +-9.1% (3 of 6) | 0.358 (1 of 6, no interval)"."""
    modes = results.row_modes(row)
    if len(modes) > 1:
        nan = lambda x: math.nan if x is None else x
        return core.modes_text([core.Mode(m["median"], nan(m["ci_low"]), nan(m["ci_high"]), m["count"])
                                for m in modes], modes[0]["total"], [m["probe"] for m in modes])
    m, lo, hi = (results.number(row, k) for k in ("median", "ci_low", "ci_high"))
    if m is None:
        return "–"
    return core.cell(m, lo if lo is not None else math.nan, hi if hi is not None else math.nan)


def ratio_text(num, den):
    """Row num's median over row den's as the text table shows it, per mode
    of the per-round ratios where they fall into modes (results.ratio_modes:
    by the state each round ran in, where the rows have state probes)."""
    r = results.row_ratio(num, den)
    if not r:
        return "–"
    modes, probes = results.ratio_modes(num, den)
    if modes:
        return core.modes_text(modes, len(results.round_medians(num)), probes, ratio=True)
    return core.cell(*r, ratio=True)


def run_label(t):
    lib = results.library_label(t.meta.get("mpi_library")) or "unknown MPI"
    runner = t.meta.get("runner", "mpimark")
    return "%s (%s)" % (lib, "mpi4py" if runner == "mpi4py" else "C")


def op_order(ops):
    order = {op: n for n, op in enumerate(defs.ops())}
    return sorted(ops, key=lambda op: (order.get(op, 99), op))


def rows_of(t, op=None, path=None, metric=None):
    return [r for r in t.rows if (op is None or r["op"] == op) and (path is None or r["path"] == path)
            and (metric is None or r["metric"] == metric)]


def headline(runs):
    """(header, rows) of the headline table, one column per run: small-message
    latency and peak bandwidth of the point-to-point ops (buffer path), and
    the path ratios at a few sizes, each with its 95% interval."""
    cells, order = {}, []  # (op, figure) -> {run index: text}

    def put(op, figure, i, text):
        if (op, figure) not in cells:
            cells[(op, figure)] = {}
            order.append((op, figure))
        cells[(op, figure)][i] = text

    for i, t in enumerate(runs):
        for op in op_order({r["op"] for r in t.rows}):
            lat = [r for r in rows_of(t, op, "buffer", "latency") if int(r["bytes"]) > 0]
            if op in P2P_OPS and lat:
                r = min(lat, key=lambda r: int(r["bytes"]))
                put(op, "latency at %s (buffer path)" % size_human(r["bytes"]), i,
                    median_ci(r) + " " + r["unit"])
            bw = [r for r in rows_of(t, op, "buffer", "bandwidth") if results.number(r, "median")]
            if op in P2P_OPS and bw:
                r = max(bw, key=lambda r: results.number(r, "median"))
                put(op, "peak bandwidth (buffer path)", i,
                    "%s %s at %s" % (median_ci(r), r["unit"], size_human(r["bytes"])))
            buf = {r["bytes"]: r for r in rows_of(t, op, "buffer", "latency")}
            for path in sorted({r["path"] for r in rows_of(t, op, metric="latency")} - {"buffer"}):
                for r in rows_of(t, op, path, "latency"):
                    if int(r["bytes"]) in HEADLINE_SIZES and r["bytes"] in buf:
                        put(op, "%s/buffer latency at %s (%s)" % (path, size_human(r["bytes"]), r["payload"]),
                            i, ratio_text(r, buf[r["bytes"]]))
    header = ["operation", "figure"] + [run_label(t) + " median +-%s" % stats.interval_of(t.meta)
                                        for t in runs]
    return header, [[op, fig] + [cells[(op, fig)].get(i, "–") for i in range(len(runs))]
                    for op, fig in order]


def op_table(t, op):
    """(header, rows) of one operation, as the text table (output.c): per size
    and path, every metric's median +- its interval in %; a path ratio
    column; the marks of rows that stand out of the run (marks.h)."""
    rows = rows_of(t, op)
    metrics = []
    for r in rows:
        m = "%s (%s)" % (r["metric"], r["unit"])
        if m not in metrics:
            metrics.append(m)
    cells, order = {}, []
    for r in rows:
        k = (int(r["bytes"]), r["path"], r["payload"])
        if k not in cells:
            cells[k] = {}
            order.append(k)
        cells[k]["%s (%s)" % (r["metric"], r["unit"])] = r
    paths = {k[1] for k in order}
    header = ["size", "path", "payload"] + [m + " median +-%s" % stats.interval_of(t.meta)
                                            for m in metrics]
    ratio_col = len(paths) > 1 and "buffer" in paths and metric_key(metrics, "latency")
    if ratio_col:
        header.append("latency / buffer path +-%s" % stats.interval_of(t.meta))
    header.append("marks")
    out = []
    for k in sorted(order, key=lambda k: (k[0], k[1] != "buffer", k[1], k[2])):
        c = cells[k]
        line = [size_human(k[0]), k[1], k[2]] + [median_ci(c[m]) if m in c else "–" for m in metrics]
        if ratio_col:  # the path's latency over the buffer path's, paired by round
            lat = metric_key(metrics, "latency")
            base = next((cells[b] for b in order if b[0] == k[0] and b[1] == "buffer"), {})
            num, den = c.get(lat), base.get(lat)
            line.append(ratio_text(num, den) if k[1] != "buffer" and num and den else "")
        marks = []
        if any(r.get("unstable") == "1" for r in c.values()):
            marks.append("! stands out of the run")
        late = max((int(float(r.get("late") or 0)) for r in c.values()), default=0)
        if late:
            marks.append("%d late calls dropped" % late)
        line.append("; ".join(marks))
        out.append(line)
    return header, out


def metric_key(metrics, name):
    return next((m for m in metrics if m.startswith(name + " (")), None)


def compare_table(t):
    """(header, rows) of the verdicts of a scripts/compare CSV."""
    la = results.library_label(t.meta.get("a_mpi_library")) or "A"
    lb = results.library_label(t.meta.get("b_mpi_library")) or "B"
    out = []
    for r in t.rows:
        a = "%s [%s, %s]" % tuple(g(results.number(r, c)) for c in ("a_median", "a_ci_low", "a_ci_high"))
        b = "%s [%s, %s]" % tuple(g(results.number(r, c)) for c in ("b_median", "b_ci_low", "b_ci_high"))
        ratio = results.number(r, "ratio")
        out.append([r["op"], r["path"], size_human(r["bytes"]), "%s (%s)" % (r["metric"], r["unit"]),
                    a, b, "–" if ratio is None else "%.3f" % ratio, r["verdict"]])
    return (["operation", "path", "size", "metric",
             la + " median +-%s" % stats.interval_of(t.meta, "a_"),
             lb + " median +-%s" % stats.interval_of(t.meta, "b_"), "ratio B/A", "verdict"], out)


def scaling_table(t):
    out = []
    wall = any(results.number(r, "launch_cost_s") is not None for r in t.rows)
    mpi = any(results.number(r, "mpi_fraction") is not None for r in t.rows)
    for r in t.rows:
        n = lambda k: results.number(r, k)
        pi = lambda lo, hi, f, scale: (" [%s, %s]" % (f(scale * n(lo)), f(scale * n(hi)))
                                       if n(lo) is not None and n(hi) is not None else "")
        pct = lambda x: "%.1f%%" % x
        out.append([r["ranks"] + (" (oversubscribed)" if r.get("oversubscribed") == "1" else ""),
                    "%s [%s, %s]" % (g(n("time_s")), g(n("time_min_s")), g(n("time_max_s"))),
                    g(n("speedup"), 3) + pi("speedup_pi_low", "speedup_pi_high", lambda x: g(x, 3), 1),
                    ("–" if n("efficiency") is None else pct(100 * n("efficiency")) +
                     pi("efficiency_pi_low", "efficiency_pi_high", pct, 100))] +
                   ([g(n("launch_cost_s"))] if wall else []) +
                   (["%s [%s, %s]" % tuple(pct(100 * n(k)) for k in ("mpi_fraction", "mpi_fraction_min",
                                                                       "mpi_fraction_max")), r.get("mpi_top_calls", "")]
                    if mpi and n("mpi_fraction") is not None else ["–", ""] if mpi else []))
    mode = t.meta.get("mode", "strong")
    return (["ranks", "run time (s) median [min, max of reps]", "speedup [95% PI]",
             "parallel efficiency" + (" (weak)" if mode == "weak" else "") + " [95% PI]"] +
            (["launch cost (s), in the run time"] if wall else []) +
            (["time in MPI, median over ranks [min, max]", "costliest MPI calls"] if mpi else []), out)


def fit_text(t):
    """The fitted serial fraction of a scaling table, in words ('' if none)."""
    m = t.meta
    if not m.get("serial_fraction"):
        return ""
    return ("Serial fraction, %s fit to every run at %s ranks: %s [95%% CI %s, %s]." % (
        m.get("fit_model"), m.get("fit_ranks") or m.get("ranks_list"), g(float(m["serial_fraction"]), 3),
        g(float(m["serial_fraction_ci_low"]), 3), g(float(m["serial_fraction_ci_high"]), 3)))


def scaling_side_by_side(tables):
    """Several studies (C and Python, say) at the rank counts they share:
    time, speedup and efficiency of each, one column per study."""
    names = [t.meta.get("application") or os.path.basename(t.path) for t in tables]
    by = [{r["ranks"]: r for r in t.rows} for t in tables]
    ranks = sorted(set.intersection(*(set(b) for b in by)), key=int)
    header = ["ranks"] + ["%s: %s" % (what, n) for what in ("run time (s)", "speedup", "efficiency")
                          for n in names]
    rows = []
    for k in ranks:
        cells = [k + (" (oversubscribed)" if any(b[k].get("oversubscribed") == "1" for b in by) else "")]
        for col, f in (("time_s", g), ("speedup", lambda x: g(x, 3)), ("efficiency", lambda x: "%.1f%%" % (100 * x))):
            cells += [f(results.number(b[k], col)) for b in by]
        rows.append(cells)
    return header, rows


# ---------------------------------------------------------------- figures

def figures(folder, tmp):
    """[(title, svg text)] of the folder's results (mpimark-py plot); [] and
    a note when gnuplot is not there."""
    csvs = [t.path for t in folder.runs] + ([folder.scaling.path] if folder.scaling else [])
    out_dir = os.path.join(tmp, "f%d" % len(os.listdir(tmp)))
    if not shutil.which("gnuplot"):
        folder.notes.append("no figures: gnuplot is not installed")
        return []
    try:
        written, failed, total = plot.draw(csvs, out_dir, formats=("svg",))
    except InputError as e:  # nothing plottable in these results: the tables stand
        folder.notes.append("no figures: %s" % e)
        return []
    if failed:
        folder.notes.append("%d of %d figures failed (gnuplot's messages are on stderr)" % (failed, total))
    out = []
    for path in written:
        with open(path, encoding="utf-8") as f:
            out.append((os.path.splitext(os.path.basename(path))[0], f.read()))
    return out


def inline_svg(svg, prefix):
    """gnuplot's SVG as an element of the page: no XML prolog or doctype, ids
    made unique per figure (several figures share gnuplot's names), scaled
    to the page's width."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"""\bid=(["'])""", r"id=\1%s-" % prefix, svg)
    svg = re.sub(r"""(href=["'])#""", r"\1#%s-" % prefix, svg)
    svg = svg.replace("url(#", "url(#%s-" % prefix)
    # The page sets the width; the viewBox keeps the aspect ratio.
    return re.sub(r"""^<svg\s+width=["'][^"']*["']\s+height=["'][^"']*["']""", '<svg class="figure"', svg)


FIGURE_TITLES = {"bandwidth": "Bandwidth against message size",
                 "object-buffer-ratio": "Cost of the object (and pkl5) paths against the buffer path",
                 "collectives": "Collective latency", "scaling": "Speedup and parallel efficiency",
                 "overlap": "Overlap of the non-blocking collectives with a compute phase",
                 "scaling-mpi-time": "Run time outside and inside MPI calls (scaling --mpi-time)"}


def figure_title(name):
    if name.startswith("latency-"):
        return "Latency of %s against message size" % name[len("latency-"):]
    if name.startswith("scaling-mpi-time-"):
        return FIGURE_TITLES["scaling-mpi-time"] + ", study " + name[len("scaling-mpi-time-"):]
    return FIGURE_TITLES.get(name, name)


# ---------------------------------------------------------------- writing

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #111; margin: 2em auto; max-width: 62em;
       padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.25em; margin-top: 1.6em;
  border-bottom: 1px solid #999; } h3 { font-size: 1.05em; }
table { border-collapse: collapse; margin: .6em 0; font-size: .85em; }
th, td { border: 1px solid #bbb; padding: .2em .45em; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { background: #eee; } .meta td:first-child { font-weight: bold; white-space: nowrap; }
code { font-size: .9em; overflow-wrap: anywhere; }
figure { margin: 1em 0; } figcaption { font-size: .9em; color: #333; }
svg.figure { width: 100%; height: auto; display: block; }
.mark { color: #a00; } .sub { color: #444; }
@page { size: A4; margin: 14mm; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; }
  figure, table { break-inside: avoid; } h2, h3 { break-after: avoid; } }
"""


class Doc:
    """The report as HTML and markdown at once, section by section."""

    def __init__(self):
        self.h, self.m = [], []

    def heading(self, level, text):
        self.h.append("<h%d>%s</h%d>" % (level, html.escape(text), level))
        self.m.append("\n%s %s\n" % ("#" * level, text))

    def para(self, text, cls=None):
        self.h.append("<p%s>%s</p>" % (' class="%s"' % cls if cls else "", html.escape(text)))
        self.m.append("\n" + text + "\n")

    def items(self, lines):
        if lines:
            self.h.append("<ul>" + "".join("<li>%s</li>" % html.escape(x) for x in lines) + "</ul>")
            self.m.append("\n" + "\n".join("- " + x for x in lines) + "\n")

    def table(self, header, rows, cls=None):
        num = re.compile(r"^[–0-9.,×%\[\] eE+-]+( \S+)?$")
        h = ['<table%s><thead><tr>' % (' class="%s"' % cls if cls else "")]
        h += ["<th>%s</th>" % html.escape(c) for c in header]
        h.append("</tr></thead><tbody>")
        for r in rows:
            h.append("<tr>" + "".join('<td%s>%s</td>' % (' class="num"' if cls != "meta" and
                                                          num.match(str(c)) else "",
                                                          html.escape(str(c))) for c in r) + "</tr>")
        h.append("</tbody></table>")
        self.h.append("".join(h))
        esc = lambda c: str(c).replace("|", "\\|")
        self.m.append("\n| " + " | ".join(map(esc, header)) + " |\n|" + "---|" * len(header) + "\n" +
                      "".join("| " + " | ".join(map(esc, r)) + " |\n" for r in rows))

    def figure(self, name, svg, md_link, prefix):
        self.h.append('<figure>%s<figcaption>%s</figcaption></figure>'
                      % (inline_svg(svg, prefix), html.escape(figure_title(name))))
        self.m.append("\n![%s](%s)\n" % (figure_title(name), md_link) if md_link else
                      "\n- Figure: %s (inline in the HTML report)\n" % figure_title(name))

    def html(self, title):
        return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                "<title>%s</title>\n<style>%s</style></head><body>\n%s\n</body></html>\n"
                % (html.escape(title), CSS, "\n".join(self.h)))

    def markdown(self):
        return "".join(self.m).lstrip() + "\n"


def title_of(folders):
    kinds = [f.kind() for f in folders]
    libs = []
    for f in folders:
        for t in f.runs + ([f.scaling] if f.scaling else []):
            lib = results.library_label(t.meta.get("mpi_library"))
            if lib and lib not in libs:
                libs.append(lib)
    apps = [f.scaling.meta.get("application", "montecarlo_pi") for f in folders if f.scaling]
    what = {"comparison": "MPI library comparison", "scaling": "Scaling of " + " and ".join(dict.fromkeys(apps)),
            "runs": "MPI benchmark", "run": "MPI benchmark"}[kinds[0]]
    return "mpimark report: %s, %s" % (what, " vs ".join(libs) if libs else "unknown MPI")


def build(folders, out_path, with_figures):
    doc = Doc()
    title = title_of(folders)
    doc.heading(1, title)
    if any(f.runs for f in folders):
        doc.para("Median +- the half-width, in % of it, of its 95% prediction interval (PI): where "
                 "the median of a repeat run is expected to fall, from the spread of the run's "
                 "round medians (a run of one round: the 95% confidence interval, CI, of its "
                 "median; the CSV holds both ends). Latency in microseconds per operation "
                 "(point-to-point: half a round trip; collectives: one call, the rank #@rank_time "
                 "names, by default the slowest); bandwidth in MB/s (10^6 bytes/s).", "sub")
    if any(f.scaling for f in folders):
        doc.para("Scaling: run time is the median of the repetitions at each rank count, [min, max] "
                 "in brackets; speedup and parallel efficiency are against the smallest rank count K0 "
                 "(strong: K0 T(K0) / T(K) and speedup / K; weak: K T(K0) / T(K) and T(K0) / T(K)), "
                 "with the 95% prediction interval of a repeat study's from the repetitions' paired "
                 "ratios. Oversubscribed: more ranks than cores.", "sub")
    studies = [f.scaling for f in folders if f.scaling]
    if len(studies) > 1:
        doc.heading(2, "Scaling studies side by side")
        doc.table(*scaling_side_by_side(studies))
    out_dir = os.path.dirname(os.path.abspath(out_path))
    with tempfile.TemporaryDirectory(prefix="mpimark-report.") as tmp:
        nfig = 0
        for f in folders:
            if len(folders) > 1:
                doc.heading(2, "Folder " + os.path.basename(os.path.normpath(f.path)))
            sources = f.runs + ([f.scaling] if f.scaling else [])
            doc.heading(2, "What was measured, where and when")
            doc.table([""] + ["%s: %s" % (os.path.basename(t.path), run_label(t)) for t in sources],
                      [[label] + [t.meta.get(k) or ("mpimark (C)" if k == "runner" else "")
                                  for t in sources]
                       for k, label in WHERE_KEYS if any(t.meta.get(k) for t in sources)], "meta")
            placed = [t for t in sources if t.meta.get("binding")]
            if placed:  # collective figures depend on it as much as on the library
                doc.heading(2, "Placement")
                doc.items(["%s: %s; %s" % (os.path.basename(t.path), t.meta["binding"],
                                           t.meta.get("placement", "")) for t in placed])
            if f.runs:
                doc.heading(2, "Headline numbers")
                header, rows = headline(f.runs)
                if rows:
                    doc.table(header, rows)
                else:
                    doc.para("No point-to-point rows and no object path: see the tables below.")
            if f.compare:
                doc.heading(2, "Comparison: verdicts")
                doc.para(f.compare.meta.get("verdict_rule", ""), "sub")
                doc.table(*compare_table(f.compare))
            if f.scaling:
                doc.heading(2, "Scaling")
                doc.table(*scaling_table(f.scaling))
                if fit_text(f.scaling):
                    doc.para(fit_text(f.scaling))
                if f.scaling.meta.get("caveats"):  # what makes the numbers mean little (scaling.caveats)
                    doc.para("Caveat: " + f.scaling.meta["caveats"])
            for t in f.runs:
                doc.heading(2, "Results: " + run_label(t) + " (" + os.path.basename(t.path) + ")")
                for op in op_order({r["op"] for r in t.rows}):
                    doc.heading(3, op)
                    doc.table(*op_table(t, op))
            for t in f.runs:
                header, rows = cost_model.report_rows(t)
                if rows:
                    doc.heading(2, "Model: " + run_label(t) + " (" + os.path.basename(t.path) + ")")
                    doc.para(MODEL_NOTE, "sub")
                    doc.table(header, rows)
            if with_figures:
                figs = figures(f, tmp)
                if figs:
                    doc.heading(2, "Figures")
                for name, svg in figs:
                    nfig += 1
                    png = os.path.join(f.path, name + ".png")
                    link = os.path.relpath(png, out_dir) if os.path.isfile(png) else None
                    doc.figure(name, svg, link, "f%d" % nfig)
            doc.heading(2, "Method and notes")
            first = (f.runs or [f.scaling])[0]
            method = [first.meta[k] for k in ("ci", "merge", "statistic") if first.meta.get(k)]
            for k, label in (("sync", "collective timing"), ("rank_time", "collective call time, rank"),
                             ("clock_sync", "clocks"),
                             ("per_call_clock_read", "clock reads")):
                if first.meta.get(k):
                    method.append("%s: %s" % (label, first.meta[k]))
            doc.items(method + ["How mpimark measures and what each figure means: " + DOCS + "."])
            notes = list(f.notes)
            own = ("stability", "modes", "states")  # a run without its text table: those lines from output.c
            for t in f.runs:
                if not any(n.startswith("stability") for n in notes):
                    text = core.results_text(t.meta.items(), t.rows, "table")
                    notes += [n for n in notes_of(text.splitlines(True)) if n.startswith(own)]
            if notes:
                doc.heading(3, "Notes the runs printed")
                doc.items(notes)
    return title, doc


def add_arguments(ap):
    ap.add_argument("-o", "--output")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--no-figures", action="store_true")
    ap.add_argument("dirs", nargs="*")


def run(args):
    if not args.dirs:
        raise InputError("no results folder given. Usage: mpimark-py report DIR... [-o FILE] (see --help)")
    if args.output == "":
        raise InputError("--output needs a file name (see --help)")
    print(write(args.dirs, args.output, args.force, not args.no_figures))
    return 0


def write(dirs, output=None, force=False, with_figures=True):
    """Writes the report (.html and .md) of the results folders; returns its path."""
    folders = [Folder(d) for d in dirs]
    out = output or os.path.join(dirs[0], "report.html")
    if not out.endswith(".html"):
        raise InputError("the report file must end in .html, not '%s'" % out)
    md = out[:-len(".html")] + ".md"
    for p in (out, md):
        why = atomic.check(p, force)
        if why:
            raise InputError(why)
    title, doc = build(folders, out, with_figures)
    for path, text in ((out, doc.html(title)), (md, doc.markdown())):
        err = atomic.write(path, text, force)
        if err:
            raise Failure(err)
    return out
