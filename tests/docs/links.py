#!/usr/bin/python3
"""links.py ROOT: every relative link in README.md and docs/*.md resolves:
the file exists, and a #fragment names a heading of that file (GitHub's
rule: lower case, punctuation dropped, spaces to hyphens)."""
import glob
import os
import re
import sys

root = sys.argv[1]
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def anchors(path):
    text = FENCE.sub("", open(path, encoding="utf-8").read())
    out = set()
    for h in re.findall(r"^#+ (.+)$", text, re.M):
        out.add(re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-"))
    return out


errors = []
files = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
for f in files:
    text = FENCE.sub("", open(f, encoding="utf-8").read())
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto: ...: not checked here (no network)
        path, _, frag = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(f), path)) if path else f
        where = os.path.relpath(f, root)
        if not os.path.exists(dest):
            errors.append("%s: link to %s: no such file" % (where, target))
        elif frag and dest.endswith(".md") and frag not in anchors(dest):
            errors.append("%s: link to %s: no such heading" % (where, target))
for e in errors:
    print("FAIL:", e)
print("ok: links of %d files" % len(files) if not errors else "%d broken links" % len(errors))
sys.exit(1 if errors else 0)
