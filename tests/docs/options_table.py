#!/usr/bin/python3
"""options_table.py README.md: the README's option table shows mpimark's
options as benchmarks/options.def defines them: every option, no other, in
the same order, with the same default where the option has one."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from mmtools import defs  # noqa: E402

text = open(sys.argv[1], encoding="utf-8").read()
start = text.index("| option | default | meaning |")
table = text[start:text.index("\n\n", start)].splitlines()[2:]
shown = []  # (long names in the row, default cell)
for line in table:
    cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
    shown.append((re.findall(r"--([a-z0-9-]+)", cells[0]), cells[1]))
names = [n for row, _ in shown for n in row]
wanted = [o[0] for o in defs.options()]
errors = []
if names != wanted:
    errors.append("README options %s, options.def %s" % (names, wanted))
for name, _, _, default, _, _ in defs.options():
    cell = next((d for row, d in shown if name in row), None)
    if default is not None and cell != default:
        errors.append("--%s: README default '%s', options.def '%s'" % (name, cell, default))
for e in errors:
    print("FAIL:", e)
print("ok: %d options" % len(wanted) if not errors else "%d mismatches" % len(errors))
sys.exit(1 if errors else 0)
