"""Fuzzes the Python tools' one reader of result files (results.read, which
plot, report, compare, merge and scaling use) for a bounded time: mutated
copies of the seed files (tests/fuzz/corpus/results/) must either read, with
every row holding names from the lists and finite numbers >= 0, or be
refused with ResultsError; any other exception, or one input taking over
10 s, is a failure. libFuzzer has no Python side; this is its loop, with
the mutations that matter to a CSV (bytes, cells, lines, hostile tokens).

usage: fuzz_results.py SECONDS CORPUS_DIR OUT_DIR [SEED]
A failing input is written to OUT_DIR/crash-results-N.csv; SEED replays a run."""

import math
import os
import random
import sys
import tempfile
import time
import traceback

from mpimark_py import results

TOKENS = ["nan", "-nan", "inf", "-inf", "1e999", "-5", "0", "", "=1+1", "@SUM(A1)", "+1", "`touch x`",
          "system(\"x\")", "\"", "\"\"", ",", ";", "\\", "\x00", "\r", "\n", "#@", "#@k=v", "#", "\ufeff",
          "\xff", "op", "median", "1;2;nan", "9" * 400, "x" * 5000, "é", "sendrecv", "buffer", "MPI_BYTE"]


def mutate(rng, data):
    """One to eight mutations of data (str)."""
    for _ in range(rng.randint(1, 8)):
        lines = data.split("\n")
        kind = rng.randrange(7)
        i = rng.randrange(len(lines))
        if kind == 0:  # a character changed, added or removed
            p = rng.randrange(len(data) + 1)
            c = chr(rng.choice([rng.randrange(32, 127), rng.randrange(0, 32), rng.randrange(128, 0x3000)]))
            data = data[:p] + rng.choice([c, "", c + c]) + data[p + rng.randint(0, 2):]
            continue
        if kind == 1:  # a cell replaced by a token
            cells = lines[i].split(",")
            cells[rng.randrange(len(cells))] = rng.choice(TOKENS)
            lines[i] = ",".join(cells)
        elif kind == 2:  # a line repeated
            lines[i:i] = [lines[i]] * rng.choice([1, 2, 50])
        elif kind == 3:  # a line dropped
            del lines[i]
        elif kind == 4:  # a token inserted in a line
            p = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:p] + rng.choice(TOKENS) + lines[i][p:]
        elif kind == 5:  # lines swapped
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        else:  # cut short
            lines = lines[:i]
        data = "\n".join(lines)
    return data


def check(t):
    """What a Table read must satisfy."""
    for row in t.rows:
        for col in ("median", "ci_low", "ci_high"):
            v = row.get(col, "")
            if v != "":
                x = float(v)
                assert math.isfinite(x) and x >= 0, (col, v)
        if t.kind == "mpimark":
            assert row["op"] in results._names()["op"], row["op"]


def main():
    seconds, corpus, out = float(sys.argv[1]), sys.argv[2], sys.argv[3]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else int(time.time())
    rng = random.Random(seed)
    seeds = []
    for name in sorted(os.listdir(corpus)):
        with open(os.path.join(corpus, name), encoding="utf-8") as f:
            seeds.append(f.read())
    os.makedirs(out, exist_ok=True)
    fd, path = tempfile.mkstemp(suffix=".csv", dir=out)
    os.close(fd)
    end, n, kinds = time.monotonic() + seconds, 0, {"read": 0, "refused": 0}
    try:
        while time.monotonic() < end:
            data = mutate(rng, rng.choice(seeds))
            with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
                f.write(data)
            start = time.monotonic()
            try:
                check(results.read(path))
                kinds["read"] += 1
            except results.ResultsError as e:
                assert "\n" not in str(e), "a refusal of more than one line"
                kinds["refused"] += 1
            except Exception:
                crash = os.path.join(out, "crash-results-%d.csv" % n)
                os.replace(path, crash)
                traceback.print_exc()
                print("fuzz_results: FAILED on input %d (seed %d): %s" % (n, seed, crash), file=sys.stderr)
                return 1
            if time.monotonic() - start > 10:
                print("fuzz_results: input %d (seed %d) took over 10 s" % (n, seed), file=sys.stderr)
                return 1
            n += 1
    finally:
        if os.path.exists(path):
            os.unlink(path)
    print("fuzz_results: %d inputs in %.0f s (seed %d): %d read, %d refused, no other outcome"
          % (n, seconds, seed, kinds["read"], kinds["refused"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
