#!/usr/bin/python3
"""stats_agree.py STATS_TOOL: the Python statistics (python/mpimark_py/stats.py)
must agree bit for bit with common/core/stats.c (through tests/python/stats_tool)
on the same samples: sample sets of n = 1, 5, 6, 10, 37, 1000, 2500 with
and without ties, and the CI ranks for every n from 1 to 2500."""
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from mpimark_py import stats as mmstats  # noqa: E402

tool = sys.argv[1]
failures = 0


def c_stats(text, lines=False):
    flag = lines if isinstance(lines, str) else "--lines"
    out = subprocess.run([tool] + ([flag] if lines else []), input=text, text=True,
                         capture_output=True, check=True).stdout
    return out.splitlines()


def py_line(samples):
    st = mmstats.compute(samples)
    if st is None:
        return "0"
    return "%d " % st.n + " ".join("%.17g" % x for x in st.as_tuple()[1:])


def check(name, samples):
    global failures
    text = " ".join(repr(x) for x in samples) + "\n"
    want = c_stats(text)[0]
    got = py_line(samples)
    if want != got:
        failures += 1
        print("FAIL %s (n=%d):\n  C:      %s\n  Python: %s" % (name, len(samples), want, got))
    else:
        print("ok %s (n=%d)" % (name, len(samples)))


rng = random.Random(20240607)
for n in (1, 5, 6, 10, 37, 1000, 2500):
    # Latency-like samples: a floor plus a long tail, every value distinct.
    check("lognormal", [1.5e-6 * rng.lognormvariate(0, 0.3) for _ in range(n)])
    # Ties: few distinct values (as with a coarse clock), unsorted.
    check("ties", [rng.choice((1.25, 1.5, 1.5, 2.0, 7.0)) for _ in range(n)])
    # Magnitudes far apart, where the order of the summation shows.
    check("wide", [rng.choice((1e-9, 1.0, 3.3e3, 1e16)) * rng.random() for _ in range(n)])
check("all equal", [0.1] * 50)
check("one tie pair", [3.0, 1.0, 2.0, 2.0, 5.0, 4.0, 6.0])

# The CI ranks for every n: with samples 0..n-1, ci_low and ci_high are the
# 0-based ranks themselves.
lines = c_stats("".join(" ".join(str(i) for i in range(n)) + "\n" for n in range(1, 2501)),
                lines=True)
bad = 0
for n in range(1, 2501):
    f = lines[n - 1].split()
    lo, hi = mmstats.median_ci_ranks(n)
    if (int(float(f[6])), int(float(f[7]))) != (lo, hi):
        bad += 1
        if bad <= 5:
            print("FAIL CI ranks n=%d: C (%s, %s), Python (%d, %d)" % (n, f[6], f[7], lo, hi))
print("%s CI ranks for n = 1..2500" % ("ok" if not bad else "FAIL %d of" % bad))
failures += bad

# Rounds: the row's median, CI and flag from round medians, and paired
# ratios, for R = 1..12 rounds of two-state and one-state machines.
sets = []
for r in range(1, 13):
    for two_state in (False, True):
        med = [rng.choice((1.0, 2.0)) if two_state else 1.0 + 0.01 * rng.random() for _ in range(r)]
        lo = [m * (1 - 0.02 * rng.random()) for m in med]
        hi = [m * (1 + 0.02 * rng.random()) for m in med]
        sets.append((med, lo, hi))
lines = c_stats("".join(" ".join(repr(x) for x in m + l + h) + "\n" for m, l, h in sets),
                lines="--rounds")
bad = 0
for (med, lo, hi), want in zip(sets, lines):
    rs = mmstats.rounds(med)
    ratio = mmstats.paired_ratio(med, lo) or (0, 0, 0)
    predicted = mmstats.paired_ratio(med, lo, repeat=True) or (0, 0, 0)
    got = " ".join("%.17g" % x for x in (rs.median, rs.ci_low, rs.ci_high, rs.round_min,
                                         rs.round_max)) + " " + \
        " ".join("%.17g" % x for x in ratio + predicted[1:])
    if got != want:
        bad += 1
        print("FAIL rounds R=%d:\n  C:      %s\n  Python: %s" % (len(med), want, got))
print("%s round statistics for %d sets" % ("ok" if not bad else "FAIL", len(sets)))
failures += bad

# The check itself must be able to fail: a perturbed mean is noticed.
probe = [1.0, 2.0, 4.0]
if c_stats("1 2 4\n")[0] == py_line(probe[:2] + [4.000000000000001]):
    print("FAIL the comparison cannot tell different samples apart")
    failures += 1

sys.exit(1 if failures else 0)
