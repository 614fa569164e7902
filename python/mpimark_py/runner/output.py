"""The runner's results and result files: rows as common/core/results.h
holds them (core.Row, made by mm_metric_row), written by common/core/output.c
itself (CSV, JSON, the table; through core.py), and the check before a run
that the result file can be written."""

import errno
import os

from .. import core
from ..errors import EEXIST, EOUTPUT


class Results:
    """The run's metadata, in insertion order (a repeated key replaces), and
    its rows; common/core/output.c writes them (write_results)."""

    def __init__(self):
        self.meta = []  # [key, value]
        self.rows = []

    def set_meta(self, key, value):
        for kv in self.meta:
            if kv[0] == key:
                kv[1] = value
                return
        self.meta.append([key, value])


def write_results(fp, r, fmt):
    """r in fmt (csv, json or table), written by output.c."""
    fp.write(core.results_text(r.meta, r.rows, fmt))


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
    if os.path.isdir(path):  # --force or not: a folder is never replaced
        return EOUTPUT, "'%s' is a folder; -o names a results file (.csv or .json)" % path
    if not force and os.path.lexists(path):
        return EEXIST, "'%s' exists; mpimark never overwrites results (use --force)" % path
    return None
