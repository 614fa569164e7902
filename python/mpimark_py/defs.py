"""The project's one-definition lists, read where the C code compiles them
from: common/defs/, one folder (installed whole): ops.def (operations),
metrics.def (metrics per kernel shape), options.def (mpimark's options),
errors.def (error codes and messages), columns.def (result columns),
paths.def, payloads.def, mpi_env.def and equivalents.def (--help's OSU and IMB
rows). The package reads them from its own
defs/ folder: in a clone a link to common/defs, installed (pip or the CMake
install) a copy of it."""

import os
import re

DEFS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "defs")  # every list, one folder


def _arguments(text, start):
    """The arguments of the macro call whose '(' is at text[start], as
    values: adjacent "string" literals joined (C's concatenation), 'x'
    letters and bare words as written, NULL as None; and the index after
    the closing ')'."""
    args, cur, i = [], [], start + 1
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            end = text.index(ch, i + 1)
            cur.append(("s", text[i + 1:end]) if ch == '"' else ("w", text[i + 1:end]))
            i = end + 1
            continue
        if ch in ",)":
            words = [v for kind, v in cur if kind == "w" and v]
            strings = [v for kind, v in cur if kind == "s"]
            value = "".join(strings) if strings else (" ".join(words) if words else "")
            args.append(None if value == "NULL" and not strings else value)
            cur = []
            if ch == ")":
                return args, i + 1
        elif not ch.isspace():
            j = i
            while j < len(text) and not text[j].isspace() and text[j] not in ",)\"'":
                j += 1
            cur.append(("w", text[i:j]))
            i = j
            continue
        i += 1
    raise ValueError("unterminated %s" % text[start - 20:start])


def entries(name, macro):
    """The argument lists of every `MACRO(a, b, ...)` call at the start of a
    line of a .def file (spanning lines as C allows), as tuples; SystemExit
    when the file is missing or holds none (an install without its lists
    is broken, not a user error)."""
    path = os.path.join(DEFS, name)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise SystemExit("mpimark: cannot read %s: %s" % (path, e.strerror))
    found = []
    for m in re.finditer(r"^%s\(" % macro, text, re.M):
        args, _ = _arguments(text, m.end() - 1)
        found.append(tuple(args))
    if not found:
        raise SystemExit("mpimark: %s holds no %s list" % (path, macro))
    return found


def ops():
    """Operation names in ops.def's order (the order of --help and tables)."""
    return [e[0] for e in entries("ops.def", "MM_OP")]


# The operations whose figures are point-to-point ones (a half round trip,
# a stream's bandwidth; pairs: every pair's streams together), not a
# collective call's: the plots' panels and the report's headline.
POINT_TO_POINT = ("sendrecv", "isendirecv", "pairs")


def ops_named_only():
    """The operations that run only when named (not in the default run)."""
    return [e[0] for e in entries("ops.def", "MM_OP") if e[2].strip() == "0"]


def op_summaries():
    """[(name, its one line for --help)] in ops.def's order."""
    return [(e[0], e[-1]) for e in entries("ops.def", "MM_OP")]


def op_min_ranks():
    """{name: the fewest ranks it needs}."""
    return {e[0]: int(e[1]) for e in entries("ops.def", "MM_OP")}


def columns():
    """The result columns in order (CSV header, JSON keys)."""
    return [e[0] for e in entries("columns.def", "MM_COLUMN")]


def mpi_env(environ):
    """#@mpi_env's value (common/defs/mpi_env.def): the variables of environ
    whose names start with an MM_MPI_ENV prefix and no MM_MPI_ENV_SKIP
    prefix, NAME=value sorted and joined by ';', or "none"; as
    common/mpi/metadata.c writes it."""
    def prefixes(macro):
        return [p.strip('"') for (p,) in entries("mpi_env.def", macro)]
    take, skip = prefixes("MM_MPI_ENV"), prefixes("MM_MPI_ENV_SKIP")
    found = sorted("%s=%s" % (k, v) for k, v in environ.items()
                   if any(k.startswith(p) for p in take) and not any(k.startswith(p) for p in skip))
    return ";".join(found) if found else "none"


def paths():
    """The paths in order (common/defs/paths.def): the buffer path first, then
    the pickled ones compared with it."""
    return [e[1] for e in entries("paths.def", "MM_PATH")]


def payloads():
    """What the pickled paths send (common/defs/payloads.def), in order."""
    return [e[1] for e in entries("payloads.def", "MM_PAYLOAD")]


def user_payload():
    """The payload column of --payload MODULE:FUNCTION (payloads.def)."""
    return entries("payloads.def", "MM_USER_PAYLOAD")[0][0]


def datatypes():
    """What the buffer path sends: the MPI datatypes a payload column names."""
    return [e[0] for e in entries("payloads.def", "MM_DATATYPE")]


def metrics():
    """{shape: [(metric, unit, formula name)]} in output order (shape in
    lower case: 'pingpong', 'collective', 'stream', 'bistream')."""
    out = {}
    for shape, metric, unit, formula in entries("metrics.def", "MM_METRIC"):
        out.setdefault(shape.lower(), []).append((metric, unit, formula))
    return out


def options():
    """mpimark's options in --help order: (name, short letter or None,
    argument or None for a flag, default or None, setter name, help)."""
    return [(n, None if short == "0" else short, arg, default, setter, help_)
            for n, short, arg, default, setter, help_ in
            entries("options.def", "MM_OPTION")]


def old_option_names():
    """[(a long name an option had before, which still works, the option's
    name)] (options.def, MM_OPTION_OLD)."""
    return [tuple(e) for e in entries("options.def", "MM_OPTION_OLD")]


def equivalents():
    """[(an OSU or IMB figure, the mpimark row that gives it)] for --help."""
    return [tuple(e) for e in entries("equivalents.def", "MM_EQUIV")]


def errors():
    """(name, exit code, message) of every error, in errors.def's order."""
    return [(n, int(c), m) for n, c, m in entries("errors.def", "MM_ERROR")]
