"""Reading mpimark's result files: `#@key=value` metadata lines, `#` comment
lines, then a CSV header and rows (the C writer is common/core/output.c, its
columns common/defs/columns.def). One reader for every Python tool, so that a
file means the same to scripts/compare, scripts/plot and scripts/report.

The kind of a file comes from its header:
  mpimark     a run of mpimark or the mpi4py runner (or rounds merged by
              scripts/compare --merge: #@merge in the metadata)
  scaling     scripts/scaling's scaling.csv
  montecarlo  one montecarlo_pi run
  compare     scripts/compare --format csv (the side-by-side verdicts)
"""

import csv
import errno
import math
import os
import re
from functools import lru_cache

from . import core, defs, stats

MPIMARK_COLUMNS = ("op", "path", "payload", "bytes", "metric", "unit", "median", "ci_low", "ci_high")
SCALING_COLUMNS = ("ranks", "time_s", "speedup", "efficiency")
MONTECARLO_COLUMNS = ("estimate", "hits")
COMPARE_COLUMNS = ("a", "b", "op", "a_median", "b_median", "ratio", "verdict")
KINDS = (("mpimark", MPIMARK_COLUMNS), ("scaling", SCALING_COLUMNS),
         ("compare", COMPARE_COLUMNS), ("montecarlo", MONTECARLO_COLUMNS))


def schema(header):
    """The columns of a header as one launch names them, so that a merged
    measurement and a single launch compare as the same schema (the merged
    names are output.c's: core.launch_columns)."""
    back = {v: k for k, v in core.launch_columns().items()}
    return [c for c in (back.get(c, c) for c in header) if c not in MODE_COLUMNS]


class ResultsError(Exception):
    """A file that is not a readable result file: one line, 'path: why'."""


class Table:
    """One result file: kind, metadata (dict, and its keys in file order),
    comment lines, header, and rows as dicts of strings (file order)."""

    def __init__(self, path, kind, meta, meta_order, comments, header, rows):
        self.path, self.kind, self.meta, self.meta_order = path, kind, meta, meta_order
        self.comments, self.header, self.rows = comments, header, rows


# Bounds on what one file may hold: far above any real run (a full sweep
# of every operation and path is about 1,500 rows), low enough that a
# hostile or runaway file is refused before it costs gigabytes.
MAX_ROWS = 20000
MAX_LINE = 1 << 20
MAX_META = 2000

# Columns that hold names from the lists; every other known column of the
# kind holds a number (finite, not negative) or a ';'-list of them.
NAME_COLUMNS = ("op", "path", "payload", "metric", "unit", "a", "b", "verdict")
LIST_COLUMNS = ("round_medians", "launch_medians", "mode_medians", "mode_ci_low", "mode_ci_high", "mode_shares",
                "mode_probe_ns", "round_probes_ns", "launch_probes_ns")
# The modes' columns and the rows' state probes (docs/method.md, Modes):
# files written before them compare with files that have them.
MODE_COLUMNS = ("modes", "mode_medians", "mode_ci_low", "mode_ci_high", "mode_shares", "mode_probe_ns",
                "round_probes_ns")
KEY = ("op", "path", "payload", "bytes", "metric")


def shown(text, most=60):
    """text as a message quotes it: control characters escaped, at most
    `most` characters (then an ellipsis), so that an error stays one line."""
    t = str(text).encode("unicode_escape").decode("ascii", "replace") if \
        re.search(r"[\x00-\x1f\x7f]", str(text)) else str(text)
    return "'" + (t if len(t) <= most else t[:most - 1] + "\u2026") + "'"


@lru_cache(maxsize=None)
def _names():
    """{column: the names it may hold}: the lists (common/defs)."""
    metrics = defs.metrics().values()
    return {"op": set(defs.ops()), "path": set(defs.paths()),
            "payload": set(defs.payloads()) | {defs.user_payload()} | set(defs.datatypes()),
            "metric": {m for ms in metrics for m, _, _ in ms},
            "unit": {u for ms in metrics for _, u, _ in ms}}


@lru_cache(maxsize=None)
def _numeric():
    """The columns that hold numbers, in whatever kind of file they appear."""
    mpimark = set(defs.columns()) | set(core.launch_columns().values())
    compare = {"a_median", "a_ci_low", "a_ci_high", "b_median", "b_ci_low", "b_ci_high", "ratio"}
    return (mpimark | compare | set(SCALING_COLUMNS + MONTECARLO_COLUMNS)) - set(NAME_COLUMNS) - \
        set(LIST_COLUMNS) - {"estimate"}


def _check_row(path, n, kind, row):
    """ResultsError unless every name of row is in its list and every
    number finite and not negative (the one rule for every tool)."""
    names = _names()
    for col, v in row.items():
        if col in names and not (kind == "compare" and v == ""):
            if v not in names[col]:
                raise ResultsError("%s:%d: column %s: %s is not a known %s (common/defs)"
                                   % (path, n, col, shown(v), col))
        elif col in _numeric() or col in LIST_COLUMNS:
            for x in (v.split(";") if col in LIST_COLUMNS else [v]):
                if x == "" and col != "median":
                    continue
                try:
                    f = float(x)
                except ValueError:
                    f = None
                if f is None or not math.isfinite(f) or f < 0:
                    raise ResultsError("%s:%d: column %s: %s is not a finite number >= 0"
                                       % (path, n, col, shown(x)))


def _lines(path):
    """(line number, line) of the file, streamed; ResultsError when it
    cannot be read, is not text, or has a line longer than MAX_LINE."""
    try:
        fp = open(path, encoding="utf-8", newline="")
    except OSError as e:
        raise ResultsError("%s: cannot read: %s" % (path, e.strerror))
    with fp:
        n = 0
        try:
            while True:
                line = fp.readline(MAX_LINE + 1)
                if not line:
                    return
                n += 1
                if len(line) > MAX_LINE:
                    raise ResultsError("%s:%d: a line longer than %d characters; not an mpimark CSV"
                                       % (path, n, MAX_LINE))
                if "\0" in line:
                    raise ResultsError("%s: not an mpimark CSV (not a text file)" % path)
                yield n, line.rstrip("\r\n")
        except UnicodeDecodeError:
            raise ResultsError("%s: not an mpimark CSV (not a text file)" % path)
        except OSError as e:
            raise ResultsError("%s: cannot read: %s" % (path, e.strerror))


def read(path, need_meta=False):
    """The Table in path; ResultsError when it is missing, not text, not a
    result file of a known kind, or malformed: a name not in the lists, a
    number that is not finite and >= 0, a repeated row, more than MAX_ROWS
    rows. Read line by line: memory grows with the rows kept, not the file."""
    try:
        os.stat(path)
    except OSError as e:
        raise ResultsError("%s: %s" % (path, "no such file" if e.errno == errno.ENOENT else e.strerror))
    if os.path.isdir(path):
        raise ResultsError("%s: is a folder, not a result file" % path)
    meta, order, comments = {}, [], []
    header, kind, rows, seen = None, None, [], set()
    for n, line in _lines(path):
        if line.startswith("#@"):
            k, sep, v = line[2:].partition("=")
            if not sep or not re.fullmatch(r"[A-Za-z0-9_.]+", k):
                raise ResultsError("%s:%d: malformed metadata line (expected #@key=value)" % (path, n))
            if k not in meta:
                if len(order) >= MAX_META:
                    raise ResultsError("%s:%d: more than %d metadata keys; not an mpimark CSV"
                                       % (path, n, MAX_META))
                order.append(k)
            meta[k] = v
        elif line.startswith("#"):
            if len(comments) < MAX_META:
                comments.append(line[1:].strip())
        elif not line.strip():
            continue
        elif header is None:
            header = [h.strip() for h in _fields(path, n, line)]
            kind = next((k for k, cols in KINDS if set(cols) <= set(header)), None)
            if kind is None:
                raise ResultsError("%s: not an mpimark CSV (header %s; expected op,path,payload,bytes,"
                                   "...,median,...,ci_low,ci_high or a scaling CSV)"
                                   % (path, shown(",".join(header), 80)))
        else:
            fields = _fields(path, n, line)
            if len(fields) != len(header):
                raise ResultsError("%s:%d: %d fields, the header has %d"
                                   % (path, n, len(fields), len(header)))
            row = dict(zip(header, (v.strip() for v in fields)))
            _check_row(path, n, kind, row)
            if kind == "mpimark":
                key = tuple(row[k] for k in KEY)
                if key in seen:
                    raise ResultsError("%s:%d: a second row for %s" % (path, n, " ".join(key)))
                seen.add(key)
            if len(rows) >= MAX_ROWS:
                raise ResultsError("%s:%d: more than %d rows; not one mpimark run" % (path, n, MAX_ROWS))
            rows.append(row)
    if need_meta and not meta:
        raise ResultsError("%s: not an mpimark CSV (no #@key=value metadata lines)" % path)
    if header is None:
        raise ResultsError("%s: not an mpimark CSV (no header row)" % path)
    return Table(path, kind, meta, order, comments, header, rows)


def _fields(path, n, line):
    try:
        return next(csv.reader([line]))
    except (csv.Error, StopIteration) as e:
        raise ResultsError("%s:%d: not a CSV line (%s)" % (path, n, e))


def csv_meta(meta):
    """#@key=value lines of [(key, value)], values through core.csv_text."""
    return "".join("#@%s=%s\n" % (k, core.csv_text(v, meta=True)) for k, v in meta)


def csv_line(cells):
    """One CSV row, each cell through core.csv_text (quoted where needed,
    never a formula)."""
    return ",".join(core.csv_text(c) for c in cells) + "\n"


def number(row, key):
    """A float from a row, or None when missing, empty or not a finite number."""
    try:
        x = float(row.get(key, ""))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def launch_medians_text(row):
    """The medians behind a row as written: a merged measurement's
    `launch_medians` (`round_medians` in files merged before the levels had
    their names), else a launch's `round_medians`; "" when it has none."""
    return row.get("launch_medians") or row.get("round_medians") or ""


def round_probes(row):
    """The state probe (ns) of each round (launch) behind a row
    (`launch_probes_ns`, a launch's `round_probes_ns`), or None when it has
    none."""
    return _numbers(row.get("launch_probes_ns") or row.get("round_probes_ns") or "")


def round_medians(row):
    """The medians behind a row (launch_medians_text), as numbers, or None
    when it has none or one is not a number."""
    return _numbers(launch_medians_text(row))


def _numbers(text):
    """A ';'-list column's numbers, or None when it is empty or an item is
    not a number."""
    if not text:
        return None
    try:
        return [float(x) for x in text.split(";")]
    except ValueError:
        return None


def row_modes(row):
    """A row's modes (docs/method.md, Modes) as dicts of median, ci_low,
    ci_high (None: no interval), probe (ns; None: not measured), share and
    count (of its rounds or launches, total); [] for a file without the mode
    columns."""
    if not row.get("mode_medians"):
        return []
    num = lambda x: float(x) if x not in ("", None) else None
    names = ("mode_medians", "mode_ci_low", "mode_ci_high", "mode_probe_ns", "mode_shares")
    cols = [(row.get(c) or "").split(";") for c in names]
    n = len(cols[0])
    cols = [c if len(c) == n else [""] * n for c in cols]
    total = len(round_medians(row) or []) or int(number(row, "rounds") or 0)
    return [{"median": float(m), "ci_low": num(lo), "ci_high": num(hi), "probe": num(p), "share": num(s),
             "count": round((num(s) or 0) * total), "total": total}
            for m, lo, hi, p, s in zip(*cols)]


_LIBRARIES = (
    (r"Open MPI v?([0-9][\w.]*)", "Open MPI %s"),
    (r"MPICH Version:?\s*([0-9][\w.]*)", "MPICH %s"),
    (r"Intel\(R\) MPI Library\s+([0-9][\w.]*)", "Intel MPI %s"),
    (r"MVAPICH2? Version\s*:?\s*([0-9][\w.]*)", "MVAPICH %s"),
    (r"CRAY MPICH version\s*([0-9][\w.]*)", "Cray MPICH %s"),
)


def library_label(lib):
    """A short name of an MPI library string (#@mpi_library): 'Open MPI
    v4.1.4, package: ...' -> 'Open MPI 4.1.4', 'MPICH Version: 4.0.2' ->
    'MPICH 4.0.2'; '' when there is none."""
    lib = " ".join((lib or "").split())
    for pat, fmt in _LIBRARIES:
        m = re.search(pat, lib, re.IGNORECASE)
        if m:
            return fmt % m.group(1).rstrip(".")
    first = lib.split(",")[0].strip()
    return first if len(first) <= 28 else first[:27] + "\u2026"


def ratio_modes(num, den):
    """The modes of row num's per-round (launch) ratios over row den's (both
    paths measured back to back), by the state each round ran in where the
    rows carry probes (core.ratio_modes: the table's rule): ([Mode], [each mode's
    median probe in ns, or None]) by ascending ratio; ([], []) when the
    ratios are one group or cannot be paired."""
    rn, rd = round_medians(num), round_medians(den)
    if not (rn and rd and len(rn) == len(rd)):
        return [], []
    probes = round_probes(den)
    return core.ratio_modes(rn, rd, probes if probes and len(probes) == len(rn) else None)


def row_ratio(num, den):
    """(ratio, low, high) of row num's median over row den's: the median of
    the per-round ratios with the 95% interval of a repeat run's, widened
    over their modes (as the table shows it: mm_modes_widen) when both rows
    carry round medians from the same rounds (measured back to back), else
    the ratio of the medians (no interval: low = high = ratio); None when
    it cannot be formed."""
    rn, rd = round_medians(num), round_medians(den)
    if rn and rd and len(rn) == len(rd):
        got = stats.paired_ratio(rn, rd, repeat=True)
        return got and core.modes_widen(ratio_modes(num, den)[0], *got)
    m, d = number(num, "median"), number(den, "median")
    return (m / d, m / d, m / d) if m and d else None
