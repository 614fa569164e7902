"""The runner's results and result files: rows as common/core/results.h
holds them, written as common/core/output.c writes them (CSV, JSON, the
table), and the check before a run that the result file can be written."""

import errno
import os
import re

from .. import defs, results as mmresults, table as mmtable
from ..errors import EEXIST, EOUTPUT


CSV_COLUMNS = defs.columns()  # common/defs/columns.def, the list C compiles


class Row:
    def __init__(self, op, path, payload, nbytes, wire_bytes, metric, unit, iterations, st,
                 late=0, round_medians=(), round_min=0.0, round_max=0.0, unstable=0):
        self.op, self.path, self.payload, self.bytes = op, path, payload, nbytes
        self.wire_bytes, self.metric, self.unit = wire_bytes, metric, unit
        self.iterations, self.st, self.late = iterations, st, late
        self.round_medians, self.round_min, self.round_max = list(round_medians), round_min, round_max
        self.unstable = unstable


class Results:
    def __init__(self):
        self.meta = []  # [key, value], in insertion order
        self.rows = []

    def set_meta(self, key, value):
        # One line each, at most 1023 bytes, as mm_results_set_meta keeps them.
        value = re.sub(r"[\r\n]", " ", str(value)).encode()[:1023].decode(errors="ignore")
        for kv in self.meta:
            if kv[0] == key:
                kv[1] = value
                return
        self.meta.append([key, value])

    def get_meta(self, key):
        for k, v in self.meta:
            if k == key:
                return v
        return None


def _g(x):
    return "%.6g" % x


def _row_values(w):
    """A row's values in CSV_COLUMNS order (common/defs/columns.def)."""
    s = w.st
    return [w.op, w.path, w.payload, w.bytes, w.wire_bytes, w.metric, w.unit, s.n, w.iterations,
            float(s.min), float(s.median), float(s.mean), float(s.max), float(s.p99),
            float(s.ci_low), float(s.ci_high), len(w.round_medians), float(w.round_min),
            float(w.round_max), w.unstable, w.late, [float(x) for x in w.round_medians]]


def write_csv(fp, r):
    fp.write(mmresults.format_csv(r.meta, CSV_COLUMNS, [_row_values(w) for w in r.rows]))


def write_json(fp, r):
    fp.write(mmresults.format_json(r.meta, CSV_COLUMNS, [_row_values(w) for w in r.rows]))


def write_table(fp, r):
    fp.write(mmtable.format(r.meta, [dict(zip(CSV_COLUMNS, _row_values(w))) for w in r.rows]))


def write_results(fp, r, fmt):
    {"csv": write_csv, "json": write_json}.get(fmt, write_table)(fp, r)


def format_for(path):
    return "json" if path.endswith(".json") else "csv"


# ---- Result files: checked before the run (atomic.write writes them) ----

def atomic_check(path, force):
    """None, or (error, why): the folder must be writable, the file absent
    unless force."""
    folder = os.path.dirname(path) or "."
    if not os.access(folder, os.W_OK | os.X_OK):
        e = os.strerror(errno.ENOENT if not os.path.isdir(folder) and not os.path.exists(folder)
                        else errno.EACCES if os.path.isdir(folder) else errno.ENOTDIR)
        return EOUTPUT, "cannot write '%s': folder '%s': %s" % (path, folder, e)
    if not force and os.path.lexists(path):
        return EEXIST, "'%s' exists; mpimark never overwrites results (use --force)" % path
    return None
