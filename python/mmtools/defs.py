"""The project's one-definition lists, read where the C code compiles them
from: benchmarks/ops.def (operations), benchmarks/metrics.def (metrics per
kernel shape), common/errors.def (error codes and messages),
common/columns.def (result columns). Paths are relative to the
project root, which is python/.. in a clone and share/mpimark in an
installed prefix (the install keeps the layout)."""

import os
import re

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def entries(relpath, macro):
    """The argument lists of every `MACRO(a, b, ...)` line of a .def file, as
    tuples of strings (quotes stripped); SystemExit when the file is missing
    or holds none (an install without its lists is broken, not a user error)."""
    path = os.path.join(ROOT, relpath)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise SystemExit("mpimark: cannot read %s: %s" % (path, e.strerror))
    found = [tuple(a.strip().strip('"') for a in re.findall(r'"[^"]*"|[^,]+', args))
             for args in re.findall(r"^%s\((.*)\)$" % macro, text, re.M)]
    if not found:
        raise SystemExit("mpimark: %s holds no %s list" % (path, macro))
    return found


def ops():
    """Operation names in ops.def's order (the order of --help and tables)."""
    return [e[0] for e in entries(os.path.join("benchmarks", "ops.def"), "MM_OP")]


def columns():
    """The result columns in order (CSV header, JSON keys)."""
    return [e[0] for e in entries(os.path.join("common", "columns.def"), "MM_COLUMN")]


def metrics():
    """{shape: [(metric, unit, formula name)]} in output order (shape in
    lower case: 'pingpong', 'collective', 'stream', 'bistream')."""
    out = {}
    for shape, metric, unit, formula in entries(os.path.join("benchmarks", "metrics.def"), "MM_METRIC"):
        out.setdefault(shape.lower(), []).append((metric, unit, formula))
    return out


def errors():
    """(name, exit code, message) of every error, in errors.def's order."""
    return [(n, int(c), m) for n, c, m in entries(os.path.join("common", "errors.def"), "MM_ERROR")]
