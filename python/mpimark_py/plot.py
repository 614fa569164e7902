"""mpimark-py plot CSV... [-o DIR] [--force]: report-ready figures from mpimark results
(scripts/plot in a clone).

Reads one or more mpimark CSVs (build/bin/mpimark -o x.csv, the mpi4py
runner's CSVs, merged compare CSVs) and scaling CSVs (scripts/scaling's
scaling.csv, recognised by their header), and renders with gnuplot, as PNG
(pngcairo) and SVG, into the folder of the first CSV unless -o DIR:

  latency-<op>.png/.svg    latency vs message size (log-log), one figure per
                           operation, median with its 95% interval (PI from rounds) as error bars
  bandwidth.png/.svg       bandwidth vs size: point-to-point bandwidth and
                           bibw, collectives' bus bandwidth (busbw)
  object-buffer-ratio.png  object-path (and pkl5-path) / buffer-path latency
                           vs size (when they were measured)
  collectives.png/.svg     every collective's latency, one panel each
  scaling.png/.svg         speedup and parallel efficiency vs ranks, with the
                           ideal lines (scaling CSVs); bars: range of the reps

Several CSVs overlay as several series, labelled from their metadata (MPI
library and version, runner, nodes and ranks; then date or file name when
that is not enough to tell them apart), so comparisons need no editing.

Options:
  -o, --outdir DIR   write the figures into DIR (created if missing)
  --formats LIST     png,svg (default both)
  --keep-scripts     also write the gnuplot scripts (<figure>.gp) into DIR
  --force            replace figures drawn before (without it, a figure that
                     exists stops the command before anything is drawn)
  -h, --help         show this help

Exit codes: 0 ok, 1 gnuplot failed, 2 bad input (missing file, not an
mpimark CSV, no gnuplot).
"""

import errno
import math
import os
import shutil
import sys

# What mpimark's Python tools share: result files, atomic writes, statistics.
from . import defs, model as cost_model, results
from .errors import Failure, UsageError as InputError
from .gnuplot import (COMMON, INSTALL_HINT, TERMINALS, Series, datablock, gq, gq_lines, legend_panel,
                      plot_command, render, size_tics)
from .results import number as num


P2P_OPS = defs.POINT_TO_POINT

# Colour-blind-safe, print-safe colours (Okabe-Ito, then darker extras).
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
          "#882255", "#44AA99", "#999933", "#AA4499", "#661100"]
POINTS = [7, 5, 9, 11, 13, 15, 4, 6, 8, 10, 12, 14]  # filled circle, square, triangle, ...


def path_point(file_index, path):
    """The point type of a series: one shape per file, filled for the buffer
    path and hollow (gnuplot's odd/even pairs) for the object path. Lines stay
    solid: dashes between sparse points read as gaps in the data."""
    p = POINTS[file_index % len(POINTS)]
    return p - 1 if path == "object" and p % 2 == 1 else p


# ---------------------------------------------------------------- reading

def read_table(path):
    """A result file plot can draw: mpimark rows or a scaling CSV, with rows."""
    try:
        t = results.read(path)
    except results.ResultsError as e:
        raise InputError(str(e))
    if t.kind == "montecarlo":
        raise InputError("%s: a single montecarlo_pi run has nothing to plot; plot the "
                         "scaling.csv that scripts/scaling writes" % path)
    if t.kind not in ("mpimark", "scaling"):
        raise InputError("%s: not an mpimark CSV (a %s CSV; plot the runs it compares)" % (path, t.kind))
    if not t.rows:
        raise InputError("%s: no result rows (the run wrote only the header)" % path)
    t.label = t.common = ""
    return t


# ---------------------------------------------------------------- labels

def mpi_short(lib):
    return results.library_label(lib) or "unknown MPI"


def plural(n, word):
    return "%s %s%s" % (n, word, "" if str(n) == "1" else "s")


def label_parts(t, any_runner):
    """(name, value) pairs that describe where a file's numbers come from."""
    parts = []
    if any_runner:
        parts.append(("runner", t.meta.get("runner") or "C"))
    parts.append(("lib", mpi_short(t.meta.get("mpi_library"))))
    if t.meta.get("nodes"):
        parts.append(("nodes", plural(t.meta["nodes"], "node")))
    if t.kind == "mpimark" and t.meta.get("ranks"):
        parts.append(("ranks", plural(t.meta["ranks"], "rank")))
    if t.kind == "scaling" and t.meta.get("mode"):
        parts.append(("mode", t.meta["mode"]))
    if t.kind == "scaling":  # the program studied: montecarlo_pi, montecarlo_pi.py, ...
        parts.insert(0, ("app", t.meta.get("application") or "montecarlo_pi"))
    return parts


def assign_labels(tables):
    """Series names that tell the files apart, from their metadata: only the
    parts that differ (MPI library, runner, nodes, ranks); the parts all
    files share go to the figure's title (t.common). One file: the library
    and where it ran, in the title; the legend names paths and operations."""
    for kind in ("mpimark", "scaling"):
        group = [t for t in tables if t.kind == kind]
        if not group:
            continue
        any_runner = any(t.meta.get("runner") for t in group)
        parts = [label_parts(t, any_runner) for t in group]
        names = [n for n, _ in parts[0]]
        differ = {n for n in names if len({dict(p).get(n) for p in parts}) > 1}
        if kind == "scaling":
            for n in ("mode", "app"):  # in the title (scaling_figure) unless they differ
                if n not in differ and n in names:
                    names.remove(n)
        common = ", ".join(v for n, v in parts[0] if n not in differ and n in names)
        if len(group) == 1:
            labels = [", ".join(v for n, v in parts[0] if n in names)]
        elif differ:
            labels = [", ".join(v for n, v in p if n in differ) for p in parts]
        else:
            labels = [dict(p)["lib"] for p in parts]
        for extra in (lambda t: t.meta.get("date_utc", "").replace("T", " ").rstrip("Z"),
                      lambda t: os.path.basename(os.path.dirname(os.path.abspath(t.path))) + "/" +
                      os.path.basename(t.path)):
            if len(set(labels)) == len(labels):
                break
            dup = {l for l in labels if labels.count(l) > 1}
            labels = [l + (" (" + extra(t) + ")" if l in dup and extra(t) else "")
                      for l, t in zip(labels, group)]
        for t, l in zip(group, labels):
            t.label, t.common = l, common


# ---------------------------------------------------------------- gnuplot text

def context(tables):
    """The second title line: what every series shares (library, nodes, ...)."""
    return tables[0].common


def source_note(tables, top=False):
    """A small footnote naming where the data came from (bottom right, or
    top right when a key fills the bottom)."""
    bits = []
    for t in tables:
        d = t.meta.get("date_utc", "")[:10]
        bits.append(os.path.basename(t.path) + (" (" + d + ")" if d else ""))
    txt = "data: " + "; ".join(bits)
    if len(txt) > 110:
        txt = txt[:109] + "…"
    return "set label 99 %s at screen 0.995, screen %s right font \",8\" tc rgb \"#888888\"\n" % (
        gq(txt), "0.975" if top else "0.012")


# ---------------------------------------------------------------- figures

class Figure:
    def __init__(self, name, width, height, body, blocks):
        self.name, self.width, self.height, self.body, self.blocks = name, width, height, body, blocks


def path_name(path, payload):
    if path != "buffer":
        return "%s (%s)" % (path, payload) if payload else path
    return path


def latency_series_keys(tables, op):
    """(table index, path, payload) of every latency series of op, in a stable order."""
    keys = []
    for i, t in enumerate(tables):
        for r in t.rows:
            if r["op"] == op and r["metric"] == "latency":
                k = (i, r["path"], r["payload"] if r["path"] != "buffer" else "")
                if k not in keys:
                    keys.append(k)
    return sorted(keys, key=lambda k: (k[0], k[1] != "buffer", k[2]))


def series_title(tables, key, many_paths):
    i, path, payload = key
    parts = [tables[i].label] if len(tables) > 1 or not many_paths else []
    if many_paths:
        parts.append(path_name(path, payload))
    return ", ".join(parts) if parts else tables[i].label


def style_for(keys, k):
    """Colour per series, point shape per file, hollow points for the object path."""
    idx = keys.index(k)
    return COLORS[idx % len(COLORS)], path_point(k[0], k[1]), 1


def latency_points(t, op, path, payload, metric="latency", log_axis=True):
    """(bytes, median, ci_low, ci_high) of op's rows of a metric; on a log
    axis (log_axis) only values above 0, on a linear one (the overlap, a
    share that can be 0) every value."""
    pts = []
    for r in t.rows:
        if r["op"] != op or r["metric"] != metric or r["path"] != path:
            continue
        if path != "buffer" and r["payload"] != payload:
            continue
        b, m, lo, hi = num(r, "bytes"), num(r, "median"), num(r, "ci_low"), num(r, "ci_high")
        if not log_axis and b and b > 0 and m is not None:
            pts.append((b, m, m if lo is None else lo, m if hi is None else hi))
            continue
        if b is None or m is None or b <= 0 or m <= 0:
            continue  # 0 bytes and non-positive times have no place on a log axis
        pts.append((b, m, lo if lo and lo > 0 else m, hi if hi and hi > 0 else m))
    return sorted(pts)


def mode_points(t, op, path, payload):
    """(bytes, mode median) of each mode of the latency rows that fall into
    two modes or more (docs/method.md, Modes)."""
    pts = []
    for r in t.rows:
        if r["op"] != op or r["metric"] != "latency" or r["path"] != path or \
                (path != "buffer" and r["payload"] != payload):
            continue
        b = num(r, "bytes")
        medians = [m["median"] for m in results.row_modes(r)]
        if b and b > 0 and len(medians) > 1:
            pts += [(b, m) for m in medians if m > 0]
    return sorted(pts)


def size_range(points_lists):
    xs = [p[0] for pts in points_lists for p in pts]
    return min(xs), max(xs)


def size_axis(lo, hi, most=12):
    return ("set logscale x 2\nset xrange [%g:%g]\n" % (lo / 1.4, hi * 1.4) + size_tics(lo, hi, most) +
            'set xlabel "Message size (bytes)"\n')


def latency_figure(tables, op):
    keys = latency_series_keys(tables, op)
    many_paths = len({(k[1], k[2]) for k in keys}) > 1
    series = []
    for k in keys:
        pts = latency_points(tables[k[0]], op, k[1], k[2])
        if pts:
            c, p, d = style_for(keys, k)
            series.append(Series(series_title(tables, k, many_paths), pts, c, p, d))
    if not series:
        return None
    lo, hi = size_range([s.points for s in series])
    kind = "point-to-point, half round trip" if op in P2P_OPS else "collective, slowest rank"
    blocks, extra = [], []
    for k in keys:  # each mode of a row whose launches fall into modes, in its series' colour
        pts = mode_points(tables[k[0]], op, k[1], k[2])
        if pts:
            name = "m%d" % len(blocks)
            blocks.append(datablock(name, pts))
            extra.append("$%s using 1:2 with points pt 2 ps 1.2 lc rgb %s %s" % (
                name, gq(style_for(keys, k)[0]),
                "notitle" if len(extra) else "title " + gq("a mode (the launches fall into groups)")))
    marks = ""
    for k in keys:  # the model's breakpoints (scripts/model): a tick in the series' colour
        for a, b in cost_model.breakpoints(tables[k[0]], op, k[1], k[2]):
            x = math.sqrt(a * b)
            marks += "set arrow from %g, graph 0 to %g, graph 0.05 nohead lw 3 lc rgb %s\n" % (
                x, x, gq(style_for(keys, k)[0]))
    if marks:
        marks += 'set label 98 "ticks: the breakpoints of the model (scripts/model)" at graph 0.01, ' \
                 'graph 0.08 font ",8" tc rgb "#666666"\n'
    body = (COMMON + source_note(tables) + size_axis(lo, hi) + marks +
            "set logscale y 10\nset format y \"%%g\"\nset ylabel \"Latency (µs)\"\n"
            "set title %s\n" % gq_lines("%s latency (%s): median and 95%% interval" % (op, kind), context(tables)) +
            plot_command(blocks, series, extra=extra))
    return Figure("latency-" + op, 900, 620, body, blocks)


BW_METRICS = {"bandwidth": "bandwidth", "bibw": "bidirectional bandwidth", "busbw": "bus bandwidth"}


def bandwidth_panels(tables):
    """[(panel title, [Series])]: point-to-point (bandwidth, bibw), collectives (busbw)."""
    panels = []
    for panel_title, ops, metrics in (("Point-to-point", P2P_OPS, ("bandwidth", "bibw")),
                                ("Collectives (bus bandwidth)", None, ("busbw",))):
        keys = []
        for i, t in enumerate(tables):
            for r in t.rows:
                if r["metric"] in metrics and (ops is None and r["op"] not in P2P_OPS or
                                               ops is not None and r["op"] in ops):
                    k = (i, r["op"], r["metric"], r["path"], r["payload"] if r["path"] != "buffer" else "")
                    if k not in keys:
                        keys.append(k)
        if not keys:
            continue
        order = {op: n for n, op in enumerate(defs.ops())}
        keys.sort(key=lambda k: (order.get(k[1], 99), k[1], k[2], k[3] != "buffer", k[4], k[0]))
        many_files = len({k[0] for k in keys}) > 1
        many_paths = len({(k[3], k[4]) for k in keys}) > 1
        series, groups = [], []
        for k in keys:
            i, op, metric, path, payload = k
            if (i, op, metric) not in groups:
                groups.append((i, op, metric))
            n = groups.index((i, op, metric))  # one colour per line, hollow points for the object path
            pts = []
            for r in tables[i].rows:
                if (r["op"], r["metric"], r["path"]) != (op, metric, path):
                    continue
                if path != "buffer" and r["payload"] != payload:
                    continue
                b, m, lo, hi = num(r, "bytes"), num(r, "median"), num(r, "ci_low"), num(r, "ci_high")
                if b and m and b > 0 and m > 0:
                    pts.append((b, m, lo if lo and lo > 0 else m, hi if hi and hi > 0 else m))
            if not pts:
                continue
            title = op if metric in ("bandwidth", "busbw") else "%s %s" % (op, metric)
            if many_paths:
                title += ", " + path_name(path, payload)
            if many_files:
                title = tables[i].label + ": " + title
            series.append(Series(title, sorted(pts), COLORS[n % len(COLORS)], path_point(i, path)))
        if series:
            panels.append((panel_title, series))
    return panels


def memcpy_lines(tables):
    """Labelled horizontal lines at the node's one-core memcpy bandwidth
    (#@memcpy_cache_mb_s, #@memcpy_dram_mb_s): the physical ceiling a
    transfer's bandwidth is read against."""
    lines, seen = [], set()
    for t in tables:
        for key, what, dash in (("memcpy_cache_mb_s", "in cache", 2), ("memcpy_dram_mb_s", "DRAM", 4)):
            try:
                v = float(t.meta.get(key, ""))
            except ValueError:
                continue
            if v > 0 and (key, round(v, -2)) not in seen:
                seen.add((key, round(v, -2)))
                lines.append('%g with lines lw 1.2 lc rgb "#555555" dt %d title %s'
                             % (v, dash, gq("memcpy, one core, %s: %.0f MB/s" % (what, v))))
    return lines


def bandwidth_figure(tables):
    panels = bandwidth_panels(tables)
    if not panels:
        return None
    lo, hi = size_range([s.points for _, ss in panels for s in ss])
    # A crowded key goes below the axes, in two columns.
    key_rows = max((len(ss) + 1) // 2 if len(ss) > 8 else 0 for _, ss in panels)
    blocks = []
    body = COMMON + source_note(tables, top=bool(key_rows))
    if len(panels) > 1:
        body += "set multiplot layout 1,%d title %s\n" % (
            len(panels), gq_lines("Bandwidth vs message size: median and 95% interval (MB/s = 10^6 bytes/s)",
                                  context(tables)))
    for title, series in panels:
        body += (size_axis(lo, hi) + "set logscale y 10\nset format y \"%g\"\n"
                 "set ylabel \"Bandwidth (MB/s)\"\n" +
                 ("set key inside bottom right\nset bmargin\n" if not key_rows else
                  "set key below Left reverse maxcols 2 maxrows %d\nset bmargin %d\n"
                  % (key_rows, key_rows + 6)) +
                 "set title %s\n" % (gq(title) if len(panels) > 1 else gq_lines(
                     title + " bandwidth vs message size: median and 95% interval", context(tables))) +
                 plot_command(blocks, series, extra=memcpy_lines(tables)))
    if len(panels) > 1:
        body += "unset multiplot\n"
    return Figure("bandwidth", 900 * len(panels) if len(panels) > 1 else 900, 620 + 20 * key_rows, body, blocks)


def ratio_figure(tables):
    keys, series = [], []
    for i, t in enumerate(tables):
        for r in t.rows:
            if r["path"] != "buffer" and r["metric"] == "latency":
                k = (i, r["op"], r["path"], r["payload"])
                if k not in keys:
                    keys.append(k)
    order = {op: n for n, op in enumerate(defs.ops())}
    keys.sort(key=lambda k: (order.get(k[1], 99), k[1], k[2], k[3], k[0]))
    many_files = len({k[0] for k in keys}) > 1
    many_paths = len({k[2] for k in keys}) > 1
    many_payloads = len({k[3] for k in keys}) > 1
    blocks, extra = [], []
    for n, (i, op, path, payload) in enumerate(keys):
        buf = {}
        for r in tables[i].rows:
            if r["op"] == op and r["metric"] == "latency" and r["path"] == "buffer":
                buf[num(r, "bytes")] = r
        pts, modes = [], []  # modes: each state's ratio where the rounds fall into modes
        for r in tables[i].rows:
            if r["op"] == op and r["metric"] == "latency" and r["path"] == path and r["payload"] == payload:
                b = num(r, "bytes")
                if b and b > 0 and b in buf:
                    p = results.row_ratio(r, buf[b])
                    if p:
                        pts.append((b,) + p)
                        modes += [(b, m.median) for m in results.ratio_modes(r, buf[b])[0]]
        if pts:
            title = op + (" %s" % path if many_paths else "") + (" (%s)" % payload if many_payloads else "")
            if many_files:
                title = tables[i].label + ": " + title
            series.append(Series(title, sorted(pts), COLORS[n % len(COLORS)], POINTS[n % len(POINTS)],
                                 1 + i % 3))
        if pts and modes:
            name = "m%d" % len(blocks)
            blocks.append(datablock(name, sorted(modes)))
            extra.append("$%s using 1:2 with points pt 2 ps 1.2 lc rgb %s %s" % (
                name, gq(COLORS[n % len(COLORS)]),
                "notitle" if extra else "title " + gq("a mode (the launches fall into groups)")))
    if not series:
        return None
    lo, hi = size_range([s.points for s in series])
    body = (COMMON + source_note(tables) + size_axis(lo, hi) +
            "set logscale y 10\nset format y \"%g×\"\n" +
            "set ylabel \"Pickled / buffer latency (median of per-round ratios, 95% interval)\"\n" +
            "set title %s\n" % gq_lines("Cost of the pickled-object paths: object (pkl5) latency / buffer latency",
                                         context(tables)) +
            plot_command(blocks, series,
                         extra=extra + ['1 with lines lw 1.2 lc rgb "#777777" dt 3 title "equal cost"']))
    return Figure("object-buffer-ratio", 900, 620, body, blocks)


def collectives_figure(tables):
    ops = [op for op in defs.ops() if op not in P2P_OPS and
           any(r["op"] == op and r["metric"] == "latency" for t in tables for r in t.rows)]
    ops += sorted({r["op"] for t in tables for r in t.rows if r["metric"] == "latency"} -
                  set(ops) - set(P2P_OPS))
    if not ops:
        return None
    # One style per (file, path, payload), the same in every panel.
    keys = []
    for op in ops:
        for k in latency_series_keys(tables, op):
            if k not in keys:
                keys.append(k)
    keys.sort(key=lambda k: (k[0], k[1] != "buffer", k[2]))
    many_paths = len({(k[1], k[2]) for k in keys}) > 1
    panels, all_pts = [], []
    for op in ops:
        series = []
        for k in latency_series_keys(tables, op):
            pts = latency_points(tables[k[0]], op, k[1], k[2])
            if pts:
                c, p, d = style_for(keys, k)
                series.append(Series(series_title(tables, k, many_paths), pts, c, p, d))
                all_pts.append(pts)
        if series:
            panels.append((op, series))
    if not panels:
        return None
    lo, hi = size_range(all_pts)
    ymin = min(p[2] for pts in all_pts for p in pts)
    ymax = max(p[3] for pts in all_pts for p in pts)
    ncells = len(panels) + 1  # + the key
    cols = min(3, ncells)
    rows = (ncells + cols - 1) // cols
    blocks = []
    body = (COMMON + source_note(tables) +
            "set multiplot layout %d,%d title %s\n" % (rows, cols, gq_lines(
                "Collective latency vs message size (median and 95% interval, one call)",
                context(tables))) + "set key off\n")
    legend = {}
    for op, series in panels:
        body += (size_axis(lo, hi, 6) + "set logscale y 10\nset format y \"%g\"\n" +
                 "set yrange [%g:%g]\n" % (ymin / 1.5, ymax * 1.5) +
                 "set ylabel \"Latency (µs)\"\nset title %s\n" % gq(op) + plot_command(blocks, series))
        for s in series:
            legend.setdefault(s.title, s)
    body += legend_panel(list(legend.values())) + "unset multiplot\n"
    return Figure("collectives", 420 * cols, 360 * rows + 40, body, blocks)


def overlap_figure(tables):
    """The non-blocking collectives' overlap (%, OSU's definition) against
    size: one series per operation, file and path."""
    keys = []  # (table index, op, path)
    for i, t in enumerate(tables):
        for r in t.rows:
            if r["metric"] == "overlap" and (i, r["op"], r["path"]) not in keys:
                keys.append((i, r["op"], r["path"]))
    series = []
    for n, (i, op, path) in enumerate(keys):
        pts = latency_points(tables[i], op, path, "", "overlap", log_axis=False)
        if pts:
            title = ", ".join(([tables[i].label] if len(tables) > 1 else []) + [op] +
                              ([path] if path != "buffer" else []))
            series.append(Series(title, pts, COLORS[n % len(COLORS)], POINTS[n % len(POINTS)]))
    if not series:
        return None
    lo, hi = size_range([s.points for s in series])
    blocks = []
    body = (COMMON + source_note(tables) + size_axis(lo, hi) +
            "set yrange [0:105]\nset ylabel \"Overlap (%%)\"\n"
            "set title %s\n" % gq_lines("Overlap with a compute phase as long as the call (OSU's definition): "
                                        "median and 95% interval", context(tables)) +
            plot_command(blocks, series))
    return Figure("overlap", 900, 620, body, blocks)


def pow2_ytics(lo, hi):
    """Powers of two from lo to hi as y tics (0.25, 0.5, 1, 2, 4, ...)."""
    e0, e1 = int(math.floor(math.log2(lo))), int(math.ceil(math.log2(hi)))
    step = 1
    while (e1 - e0) // step + 1 > 10:
        step *= 2
    tics = ["%s %.10g" % (gq("%g" % 2.0 ** e), 2.0 ** e) for e in range(e0, e1 + 1, step)
            if lo <= 2.0 ** e <= hi]
    return "set ytics (%s)\n" % ", ".join(tics) if tics else "set ytics autofreq\n"


def scaling_figure(tables):
    series_s, series_e, ranks_all, modes, fits, bars, over = [], [], set(), set(), [], set(), set()
    ymax_s = 1.0
    for n, t in enumerate(tables):
        mode = t.meta.get("mode") or t.rows[0].get("mode", "strong")
        modes.add(mode)
        pts_s, pts_e = [], []
        rows = [r for r in t.rows if num(r, "ranks") and num(r, "speedup") is not None]
        rows.sort(key=lambda r: num(r, "ranks"))
        if not rows:
            continue
        kb, tb = num(rows[0], "ranks"), num(rows[0], "time_s")
        for r in rows:
            k, s, e = num(r, "ranks"), num(r, "speedup"), num(r, "efficiency")
            tmin, tmax = num(r, "time_min_s"), num(r, "time_max_s")
            # Error bars: the 95% PI of the paired per-repetition speedups
            # (scripts/scaling since it has them), else the spread of the
            # repetitions (speedup from the slowest and the fastest run).
            scale = (k if mode == "weak" else kb) * tb if tb else None
            s_lo = num(r, "speedup_pi_low") or (scale / tmax if scale and tmax else s)
            s_hi = num(r, "speedup_pi_high") or (scale / tmin if scale and tmin else s)
            bars.add("95% PI" if num(r, "speedup_pi_low") else "min-max")
            pts_s.append((k, s, s_lo, s_hi))
            pts_e.append((k, 100 * e, 100 * s_lo / k, 100 * s_hi / k))
            ranks_all.add(int(k))
            if r.get("oversubscribed") == "1":
                over.add(int(k))
            ymax_s = max(ymax_s, s_hi, k)
        c, p = COLORS[n % len(COLORS)], POINTS[n % len(POINTS)]
        series_s.append(Series(t.label, pts_s, c, p))
        f, model = num(t.meta, "serial_fraction"), t.meta.get("fit_model")
        if f is not None and model:
            # The fitted model as a curve: Amdahl's or Gustafson's speedup
            # against the smallest rank count kb.
            curve = ("%.10g * (%.10g + %.10g / %.10g) / (%.10g + %.10g / x)" % (kb, f, 1 - f, kb, f, 1 - f)
                     if model == "Amdahl" else "%.10g * (%.10g + %.10g * x / %.10g)" % (kb, f, 1 - f, kb))
            fits.append("%s with lines lw 1.2 lc rgb %s dt 3 title %s" % (
                curve, gq(c), gq("%s fit%s, f = %.3g" % (model, (" (%s)" % t.label) if len(tables) > 1 else "",
                                                            f))))
        series_e.append(Series(t.label, pts_e, c, p))
    if not series_s:
        return None
    ranks = sorted(ranks_all)
    lo, hi = ranks[0], ranks[-1]
    if lo == hi:
        lo, hi = lo / 2, hi * 2
    xaxis = ("set logscale x 2\nset xrange [%g:%g]\n" % (lo / 1.25, hi * 1.25) +
             "set xtics (%s)\n" % ", ".join("%s %d" % (gq("%d%s" % (k, "*" if k in over else "")), k)
                                             for k in ranks) +
             'set xlabel "MPI ranks%s"\n' % (" (* oversubscribed)" if over else ""))
    emax = max([p[3] for s in series_e for p in s.points] + [100])
    what = {"strong": "strong scaling (fixed total work)", "weak": "weak scaling (fixed work per rank)"}
    mode_txt = " / ".join(what.get(m, m) for m in sorted(modes))
    samples = sorted({t.meta.get("samples_arg", "") for t in tables} - {""})
    app = " and ".join(dict.fromkeys(t.meta.get("application", "montecarlo_pi") for t in tables))
    title = "%s, %s%s" % (app, mode_txt, (", %s samples%s" % ("/".join(samples), " per rank" if modes == {"weak"} else ""))
                          if samples else "")
    reps = sorted({t.meta.get("reps", "") for t in tables} - {""})
    blocks = []
    body = (COMMON + source_note(tables) +
            "set multiplot layout 1,2 title %s\n" % gq(title + ("; median of %s runs, bars: %s" % ("/".join(reps), "/".join(sorted(bars)))
                                                                if reps else "")))
    ideal_s = 'x with lines lw 1.2 lc rgb "#777777" dt 2 title "ideal"'
    smin = min([p[2] for s in series_s for p in s.points] + [lo])
    # Log-log, so that the ideal line is the diagonal whatever the range.
    body += (xaxis + "set logscale y 2\nset yrange [%g:%g]\n" % (smin / 1.25, max(hi, ymax_s) * 1.25) +
             pow2_ytics(smin / 1.25, max(hi, ymax_s) * 1.25) + "set format y \"%g\"\n" +
             ("set ylabel \"Scaled speedup (×)\"\n" if modes == {"weak"} else "set ylabel \"Speedup (×)\"\n") +
             "set title \"Speedup\"\nset key top left\n" +
             plot_command(blocks, series_s, extra=[ideal_s] + fits))
    body += (xaxis + "set ytics autofreq\nunset logscale y\nset yrange [0:%g]\nset format y \"%%g%%%%\"\n" % (max(emax, 100) * 1.12) +
             "set ylabel \"Parallel efficiency (%)\"\nset title \"Parallel efficiency\"\n"
             "set key bottom left\n" +
             plot_command(blocks, series_e,
                          extra=['100 with lines lw 1.2 lc rgb "#777777" dt 2 title "ideal"']))
    body += "unset multiplot\n"
    return Figure("scaling", 1300, 560, body, blocks)


def mpi_time_figure(t, name):
    """Per rank count, the run time split into the program's own work and
    its time in MPI (scaling --mpi-time: time_s x mpi_fraction), stacked."""
    rows = sorted((r for r in t.rows if num(r, "ranks") and num(r, "time_s") is not None
                   and num(r, "mpi_fraction") is not None), key=lambda r: num(r, "ranks"))
    if not rows:
        return None
    pts = [(i, num(r, "time_s") * (1 - num(r, "mpi_fraction")), num(r, "time_s") * num(r, "mpi_fraction"))
           for i, r in enumerate(rows)]
    blocks = [datablock("mpitime", pts)]
    body = (COMMON + source_note([t]) +
            "set title %s\n" % gq("%s: run time outside and inside MPI calls (median of the ranks' shares)"
                                   % t.meta.get("application", "montecarlo_pi")) +
            "set style data histograms\nset style histogram rowstacked\nset style fill solid 0.85 border -1\n"
            "set boxwidth 0.6\nset yrange [0:*]\nset xrange [-0.6:%g]\n" % (len(rows) - 0.4) +
            "set xtics (%s)\n" % ", ".join("%s %d" % (gq(r["ranks"]), i) for i, r in enumerate(rows)) +
            'set xlabel "MPI ranks"\nset ylabel "Run time (s)"\nset key top right\n'
            "plot $mpitime using 2 lc rgb %s title %s, '' using 3 lc rgb %s title %s\n" % (
                gq(COLORS[0]), gq("outside MPI calls"), gq(COLORS[1]), gq("in MPI calls")))
    return Figure(name, 800, 500, body, blocks)


# ---------------------------------------------------------------- the command

def add_arguments(ap):
    ap.add_argument("-o", "--outdir")
    ap.add_argument("--formats", default="png,svg")
    ap.add_argument("--keep-scripts", action="store_true")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("files", nargs="*")


def run(args):
    if not args.files:
        raise InputError("no CSV given. Usage: mpimark-py plot CSV... [-o DIR] (see --help)")
    formats = [f for f in args.formats.split(",") if f]
    if not formats or any(f not in TERMINALS for f in formats):
        raise InputError("bad --formats '%s': expected png, svg or png,svg" % args.formats)
    if args.outdir == "":
        raise InputError("option -o needs a folder")
    written, failed, total = draw(args.files, args.outdir, formats, args.keep_scripts, args.force)
    for f in written:
        print(f)
    if failed:
        raise Failure("%d of %d figures failed" % (failed, total))
    return 0


def draw(files, outdir=None, formats=("png", "svg"), keep_scripts=False, force=False):
    """Draws every figure the CSVs hold into outdir (default: the first CSV's
    folder). Returns (files written, figures failed, figures). Raises
    UsageError on bad input, before anything is drawn."""
    tables = [read_table(f) for f in files]
    if not shutil.which("gnuplot"):
        raise InputError("gnuplot is not installed; install it with: " + INSTALL_HINT)
    outdir = outdir or os.path.dirname(os.path.abspath(files[0]))
    assign_labels(tables)

    mm = [t for t in tables if t.kind == "mpimark"]
    sc = [t for t in tables if t.kind == "scaling"]
    figures = []
    if mm:
        ops = []
        for t in mm:
            for r in t.rows:
                if r["metric"] == "latency" and r["op"] not in ops:
                    ops.append(r["op"])
        order = {op: n for n, op in enumerate(defs.ops())}
        ops.sort(key=lambda op: (order.get(op, 99), op))
        figures += [latency_figure(mm, op) for op in ops]
        figures += [bandwidth_figure(mm), ratio_figure(mm), collectives_figure(mm), overlap_figure(mm)]
    if sc:
        figures.append(scaling_figure(sc))
        timed = [t for t in sc if any(num(r, "mpi_fraction") is not None for r in t.rows)]
        figures += [mpi_time_figure(t, "scaling-mpi-time" + ("-%d" % (n + 1) if len(timed) > 1 else ""))
                    for n, t in enumerate(timed)]
    figures = [f for f in figures if f]
    if not figures:
        raise InputError("nothing to plot in %s (no latency, bandwidth or scaling rows with sizes > 0)"
                         % ", ".join(files))
    created = not os.path.isdir(outdir)
    try:
        os.makedirs(outdir, exist_ok=True)
    except OSError as e:
        raise InputError("cannot create the output folder '%s': %s" % (outdir, e.strerror))
    if not os.access(outdir, os.W_OK | os.X_OK):
        raise InputError("cannot write to the output folder '%s': %s" % (outdir, os.strerror(errno.EACCES)))
    if not force:  # figures already drawn are kept unless asked (one rule for every output)
        for fig in figures:
            for fmt in formats:
                path = os.path.join(outdir, "%s.%s" % (fig.name, fmt))
                if os.path.lexists(path):
                    raise InputError("'%s' exists; not overwriting it (use --force)" % path)
    written, failed = [], 0
    for fig in figures:
        try:
            written += render(fig, outdir, formats, keep_scripts)
        except Failure as e:
            sys.stderr.write("mpimark-py plot: %s\n" % e)
            failed += 1
    if created and not written:  # no empty folder left to look like a result
        os.rmdir(outdir)
    return written, failed, len(figures)
