#!/usr/bin/python3
"""generated.py --check|--write ROOT: the docs made from the one lists:
docs/options.md whole from common/defs/options.def, and the column table of
docs/output.md (between its two "columns" markers) from common/defs/columns.def.
--write writes them; --check fails, with a diff, when a file differs from
what --write would write by one character or more."""
import difflib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from mpimark_py import defs  # noqa: E402

HEAD = """# Options

<!-- Made from common/defs/options.def by tests/docs/generated.py --write .;
     test docs.generated fails when this file differs. Edit options.def. -->

The C binary and the mpi4py runner take the same options (both read
`common/defs/options.def`, which also makes `--help`):

```
mpirun -np 2 build/bin/mpimark [OP ...] [options]
mpirun -np 2 /usr/bin/python3 programs/python/mpimark.py [OP ...] [options]
```

OP is one or more of %s (default: all but %s, which run only when
named). Point-to-point operations
use ranks 0 and 1 (other ranks wait); every operation needs at least 2
ranks.

| option | default | meaning |
|---|---|---|
"""

TAIL = """
Exit codes: 0 ok, 1 runtime or validation failure, 2 usage error. Bad
input (an unknown operation or option, a malformed value, sizes beyond
2 GiB - 1, a root outside the job, too few ranks, an output file that
exists or cannot be written, buffers that cannot be allocated) gives one
line from rank 0 on stderr and exit 2 on every rank, before anything is
measured; nothing waits. MPI errors are reported with `MPI_Error_string`
and end in `MPI_Abort`.

Sizes that are not whole float64 elements are rounded down for `reduce`,
`allreduce` and the `floats` and `ndarray` payloads (999 B measures 992 B,
the row says 992); sizes that round to 0 are skipped with a note.
"""


def cell(text):
    return text.replace("|", "\\|")


def render():
    rows = []
    for name, short, arg, default, _, help_ in defs.options():
        flag = ("-%s, " % short if short else "") + "--" + name + (" " + arg if arg else "")
        shown = default if default is not None else ("off" if arg is None else "none")
        rows.append("| `%s` | %s | %s |" % (cell(flag), cell(shown), cell(help_)))
    ops = ", ".join("`%s`" % o for o in defs.ops())
    named_only = ["`%s`" % o for o in defs.ops_named_only()]
    named = ", ".join(named_only[:-1]) + " and " + named_only[-1] if len(named_only) > 1 else "".join(named_only)
    old = "".join("\n`--%s` is still accepted for `--%s` (its name before)." % e
                  for e in defs.old_option_names())
    return HEAD % (ops, named) + "\n".join(rows) + "\n" + old + ("\n" if old else "") + TAIL


COLUMNS_BEGIN = "<!-- columns: made from common/defs/columns.def by tests/docs/generated.py -->\n"
COLUMNS_END = "<!-- end of columns -->\n"


def with_columns(text):
    """text (docs/output.md) with its column table made anew."""
    rows = ["| column | what it holds |", "|---|---|"]
    rows += ["| `%s` | %s |" % (name, cell(what))
             for name, what in defs.entries("columns.def", "MM_COLUMN")]
    head, _, rest = text.partition(COLUMNS_BEGIN)
    _, found, tail = rest.partition(COLUMNS_END)
    if not found:
        raise SystemExit("docs/output.md lacks the columns markers")
    return head + COLUMNS_BEGIN + "\n".join(rows) + "\n" + COLUMNS_END + tail


def main(argv):
    if len(argv) != 3 or argv[1] not in ("--check", "--write"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    options, output = (os.path.join(argv[2], "docs", f) for f in ("options.md", "output.md"))
    made = {options: render(), output: with_columns(open(output, encoding="utf-8").read())}
    bad = 0
    for path, want in made.items():
        if argv[1] == "--write":
            with open(path, "w", encoding="utf-8") as f:
                f.write(want)
            continue
        have = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        if have == want:
            print("ok: %s as made from the lists" % path)
            continue
        sys.stdout.writelines(difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                                   path, "made from the lists"))
        print("FAIL: %s differs from what the lists make (tests/docs/generated.py --write)" % path)
        bad = 1
    return bad


sys.exit(main(sys.argv))
