#!/usr/bin/python3
"""sizes_agree.py SIZES_TOOL: the Python size rules (python/mpimark_py/sizes.py,
which the mpi4py runner and the scripts use) must take and refuse exactly
what common/core/sizes.c does, with the same sizes and the same message, and
print sizes alike: checked on hand-picked edge cases and on thousands of
seeded random texts (digits, suffixes, separators, signs, spaces, non-ASCII
digits, overlong numbers and items), through tests/python/sizes_tool."""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from mpimark_py import sizes  # noqa: E402

EDGES = ["", "0", "1", "8,1K,64K", "1:4M", "0:16", "0:0", "4M:1", "1:", ":4", "1:2:3",
         "1,2:3", "1,", ",1", "1,,2", "8,8", "1K,1024", "1KiB", "1kib", "1KB", "1kB", "1Ki",
         "1iB", "1B", "1b", "1BB", "2G", "1G", "2147483647", "2147483648", "2047M", "2048M",
         "18446744073709551615", "18446744073709551616", "99999999999999999999999", "-1",
         "+1", " 1", "1 ", "0x10", "1.5K", "1e3", "１", "1２", "²", "1:2147483647",
         ",".join(str(i) for i in range(1, 257)), ",".join(str(i) for i in range(1, 258)),
         "1" * 63, "1" * 64, "0" * 62 + "1", "0" * 64 + "1", "1:" + "0" * 70 + "4",
         "0" * 63 + ":4", "é", "1Mé", "K", "M1"]
ALPHABET = "0123456789" * 4 + "KkMmGgBbIi" + ":,,:" + "-+ .xe" + "é１²"


def random_text(rng):
    n = rng.choice((1, 2, 3, 4, 6, 10, 24, 70))
    text = "".join(rng.choice(ALPHABET) for _ in range(n))
    if rng.random() < 0.3:  # a plausible list with one thing changed
        items = [rng.choice(("8", "1K", "64K", "1M", "4M", "0", "2G", "3")) for _ in range(rng.randint(1, 5))]
        text = (":" if rng.random() < 0.3 else ",").join(items)
        i = rng.randrange(len(text) + 1)
        text = text[:i] + rng.choice(ALPHABET) + text[i + 1:]
    return text


def python_line(text):
    try:
        out = sizes.sizes_parse(text)
    except sizes.SizeError as e:
        return "error %s" % e
    return "ok %s\t%s" % (",".join(map(str, out)), ",".join(sizes.size_human(v) for v in out))


def main():
    rng = random.Random(20261130)
    texts = EDGES + [random_text(rng) for _ in range(6000)]
    data = "".join(t + "\n" for t in texts).encode()
    out = subprocess.run([sys.argv[1]], input=data, capture_output=True, check=True).stdout
    c_lines = out.decode("utf-8", "surrogateescape").split("\n")[:-1]
    if len(c_lines) != len(texts):
        print("FAIL: sizes_tool answered %d lines for %d texts" % (len(c_lines), len(texts)))
        return 1
    failures = 0
    for text, want in zip(texts, c_lines):
        got = python_line(text)
        if got != want:
            failures += 1
            if failures <= 10:
                print("FAIL %r:\n  C:      %s\n  Python: %s" % (text, want, got))
    taken = sum(line.startswith("ok ") for line in c_lines)
    print("%d texts (%d taken, %d refused): %d disagree" % (len(texts), taken, len(texts) - taken, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
