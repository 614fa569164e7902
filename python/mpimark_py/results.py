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
import math
import os
import re

from . import core, stats

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
    return [back.get(c, c) for c in header]


class ResultsError(Exception):
    """A file that is not a readable result file: one line, 'path: why'."""


class Table:
    """One result file: kind, metadata (dict, and its keys in file order),
    comment lines, header, and rows as dicts of strings (file order)."""

    def __init__(self, path, kind, meta, meta_order, comments, header, rows):
        self.path, self.kind, self.meta, self.meta_order = path, kind, meta, meta_order
        self.comments, self.header, self.rows = comments, header, rows


def read(path, need_meta=False):
    """The Table in path; ResultsError when it is missing, not text, not a
    result file of a known kind, or malformed."""
    if not os.path.exists(path):
        raise ResultsError("%s: no such file" % path)
    if os.path.isdir(path):
        raise ResultsError("%s: is a folder, not a result file" % path)
    try:
        with open(path, encoding="utf-8", newline="") as fp:
            text = fp.read()
    except UnicodeDecodeError:
        raise ResultsError("%s: not an mpimark CSV (not a text file)" % path)
    except OSError as e:
        raise ResultsError("%s: cannot read: %s" % (path, e.strerror))
    if "\0" in text:
        raise ResultsError("%s: not an mpimark CSV (not a text file)" % path)
    meta, order, comments, body = {}, [], [], []
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("#@"):
            k, sep, v = line[2:].partition("=")
            if not sep or not k:
                raise ResultsError("%s:%d: malformed metadata line (expected #@key=value)" % (path, n))
            if k not in meta:
                order.append(k)
            meta[k] = v
        elif line.startswith("#"):
            comments.append(line[1:].strip())
        elif line.strip():
            body.append((n, line))
    if need_meta and not meta:
        raise ResultsError("%s: not an mpimark CSV (no #@key=value metadata lines)" % path)
    if not body:
        raise ResultsError("%s: not an mpimark CSV (no header row)" % path)
    header = [h.strip() for h in next(csv.reader([body[0][1]]))]
    kind = next((k for k, cols in KINDS if set(cols) <= set(header)), None)
    if kind is None:
        raise ResultsError("%s: not an mpimark CSV (header '%s'; expected op,path,payload,bytes,"
                           "...,median,...,ci_low,ci_high or a scaling CSV)"
                           % (path, ",".join(header)[:80]))
    rows = []
    for n, line in body[1:]:
        fields = next(csv.reader([line]))
        if len(fields) != len(header):
            raise ResultsError("%s:%d: %d fields, the header has %d"
                               % (path, n, len(fields), len(header)))
        rows.append(dict(zip(header, (v.strip() for v in fields))))
    return Table(path, kind, meta, order, comments, header, rows)


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


def round_medians(row):
    """The medians behind a row (launch_medians_text), as numbers, or None
    when it has none or one is not a number."""
    text = launch_medians_text(row)
    if not text:
        return None
    try:
        return [float(x) for x in text.split(";")]
    except ValueError:
        return None


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


def row_ratio(num, den):
    """(ratio, low, high) of row num's median over row den's: the median of
    the per-round ratios with the 95% interval of a repeat run's (as the
    table shows it) when both rows carry round medians from the same rounds
    (measured back to back), else the ratio of the medians (no interval:
    low = high = ratio); None when it cannot be formed."""
    rn, rd = round_medians(num), round_medians(den)
    if rn and rd and len(rn) == len(rd):
        return stats.paired_ratio(rn, rd, repeat=True)
    m, d = number(num, "median"), number(den, "median")
    return (m / d, m / d, m / d) if m and d else None
