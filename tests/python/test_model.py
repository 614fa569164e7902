#!/usr/bin/python3
"""mpimark-py model on result files made here with known curves (no MPI):
a two-regime latency curve gives its breakpoint, its parameters inside
their intervals and predictions from the right regime; a pickled path
gives its cost over the buffer path; two files' models are compared; bad
input is one line and exit 2."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
from mpimark_py import core  # noqa: E402

SIZES = [1 << i for i in range(23)]  # 1 B .. 4 MiB
A1, C1, A2, C2 = 0.3, 1 / 20000, 2.0, 1 / 6000  # us, us per byte; the switch at 4 KiB


def buffer_us(x):
    return A1 + C1 * x if x < 4096 else A2 + C2 * x


def object_us(x):  # pickling adds 1 us and 1 us per 4000 bytes
    return buffer_us(x) + 1.0 + x / 4000


def rows(path, payload, f):
    """One latency row per size, with six launches' medians around f (+-2%)."""
    out = []
    for x in SIZES:
        launches = [f(x) * (1 + d) for d in (-0.02, -0.01, 0.0, 0.0, 0.01, 0.02)]
        out.append({"op": "sendrecv", "path": path, "payload": payload, "bytes": x, "wire_bytes": x,
                    "metric": "latency", "unit": "us", "samples": 6, "median": f(x),
                    "ci_low": f(x) * 0.98, "ci_high": f(x) * 1.02, "min": f(x) * 0.98, "mean": f(x),
                    "max": f(x) * 1.02, "p99": f(x) * 1.02, "iterations": 100, "rounds": 6,
                    "round_medians": ";".join("%.9g" % v for v in launches)})
    return out


def model(*args):
    return subprocess.run([sys.executable, "-m", "mpimark_py", "model"] + list(args), capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python")))


class Model(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.csv = os.path.join(self.dir.name, "run.csv")
        with open(self.csv, "w") as f:
            f.write(core.results_text([("mpimark_version", "test")],
                                      rows("buffer", "MPI_BYTE", buffer_us) + rows("object", "bytes", object_us),
                                      "csv"))

    def tearDown(self):
        self.dir.cleanup()

    def test_regimes_breakpoint_and_predictions(self):
        r = model(self.csv, "--format", "json", "--predict", "3000,48K")
        self.assertEqual(r.returncode, 0, r.stderr)
        curves = {c["path"]: c for c in json.loads(r.stdout)}
        self.assertEqual(sorted(curves), ["buffer", "object", "object - buffer"])
        b = curves["buffer"]
        self.assertEqual(b["breakpoints"], [[2048, 4096]])
        first, second = b["regimes"]
        for g, a, c in ((first, A1, C1), (second, A2, C2)):
            self.assertAlmostEqual(g["alpha_us"], a, places=4)
            self.assertAlmostEqual(g["beta_mb_s"], 1 / c, delta=1e-3 / c)
            lo, hi = g["alpha_us_95"]
            self.assertTrue(lo <= a <= hi, (lo, a, hi))
        self.assertLess(b["worst_error"], 1e-4)  # the CSV keeps 6 digits or so
        # 3000 B lies between the regimes' points: the lower regime's line
        self.assertAlmostEqual(b["predictions"]["3000"], A1 + C1 * 3000, places=4)
        self.assertAlmostEqual(b["predictions"]["49152"], A2 + C2 * 49152, places=4)
        # and says so, with both regimes' figures; 48 KiB is inside a regime
        lo, hi = b["between_regimes"]["3000"]
        self.assertAlmostEqual(lo, A1 + C1 * 3000, places=4)
        self.assertAlmostEqual(hi, A2 + C2 * 3000, places=4)
        self.assertEqual(list(b["between_regimes"]), ["3000"])
        extra = curves["object - buffer"]
        self.assertEqual(len(extra["regimes"]), 1)
        self.assertAlmostEqual(extra["regimes"][0]["alpha_us"], 1.0, places=4)
        self.assertAlmostEqual(extra["regimes"][0]["beta_mb_s"], 4000, delta=0.01)
        self.assertEqual(len(extra["errors"]), len(SIZES))

    def test_in_ranks(self):
        # runs at 2, 4 and 8 ranks: a tree's fixed cost (0.3 + 0.2 per level)
        # and a ring's cost per byte (1/20000 + 1/40000 per added rank)
        files = []
        for p in (2, 4, 8):
            levels = {2: 1, 4: 2, 8: 3}[p]
            a, c = 0.3 + 0.2 * levels, 1 / 20000 + (p - 1) / 40000
            files.append(os.path.join(self.dir.name, "np%d.csv" % p))
            with open(files[-1], "w") as f:
                f.write(core.results_text([("mpimark_version", "test"), ("ranks", str(p))],
                                          rows("buffer", "MPI_BYTE", lambda x: a + c * x), "csv"))
        r = model(*files, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        (g,) = json.loads(r.stdout)["in_ranks"]
        self.assertEqual((g["op"], g["path"], g["ranks"]), ("sendrecv", "buffer", [2, 4, 8]))
        self.assertEqual(g["alpha_us"]["form"], "ceil(log2 P)")
        self.assertAlmostEqual(g["alpha_us"]["a"], 0.3, places=4)
        self.assertAlmostEqual(g["alpha_us"]["b"], 0.2, places=4)
        self.assertEqual(g["us_per_byte"]["form"], "P - 1")
        self.assertAlmostEqual(g["us_per_byte"]["a"], 1 / 20000, places=8)
        self.assertAlmostEqual(g["us_per_byte"]["b"], 1 / 40000, places=8)
        r = model(*files)
        self.assertIn("# sendrecv, buffer path (MPI_BYTE) in the number of ranks P (2, 4, 8):", r.stdout)
        self.assertIn("alpha of the smallest sizes' regime = 0.3 + 0.2 * ceil(log2 P) us", r.stdout)
        # two rank counts: no form in P
        r = model(files[0], files[1], "--format", "json")
        self.assertEqual(json.loads(r.stdout)["in_ranks"], [])

    def test_table(self):
        r = model(self.csv)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("# sendrecv, buffer path (MPI_BYTE), latency = alpha + bytes / beta: 2 regimes", r.stdout)
        self.assertIn("breakpoints: between 2 KiB and 4 KiB", r.stdout)
        r = model(self.csv, "--predict", "3000")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"predicted: 3000 B [0-9.]+ us \(between two regimes: [0-9.]+ \.\. [0-9.]+ us\)")
        self.assertIn("# sendrecv, object - buffer path (bytes)", r.stdout)

    def test_compare(self):
        # another library: small messages cost twice as much, large ones the same
        other = os.path.join(self.dir.name, "other.csv")
        with open(other, "w") as f:
            f.write(core.results_text([("mpimark_version", "test")],
                                      rows("buffer", "MPI_BYTE", lambda x: buffer_us(x) + (A1 if x < 4096 else 0)),
                                      "csv"))
        r = model(self.csv, other, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        (c,) = json.loads(r.stdout)["compared"]  # the buffer path: other has no object path
        self.assertEqual((c["op"], c["path"]), ("sendrecv", "buffer"))
        self.assertAlmostEqual(c["alpha_us"]["ratio"], 2.0, places=3)
        self.assertEqual(c["alpha_us"]["verdict"], "differs")
        self.assertAlmostEqual(c["beta_mb_s"]["ratio"], 1.0, places=3)
        self.assertEqual(c["beta_mb_s"]["verdict"], "within noise")
        self.assertEqual(c["breakpoints"], [[[2048, 4096]], [[2048, 4096]]])
        self.assertIn("against", model(self.csv, other).stdout)

    def test_bad_input(self):
        short = os.path.join(self.dir.name, "short.csv")
        with open(short, "w") as f:
            f.write(core.results_text([("mpimark_version", "test")], rows("buffer", "MPI_BYTE", buffer_us)[:2],
                                      "csv"))
        for args, says in (([], "no result file given"),
                           ([os.path.join(self.dir.name, "none.csv")], "no such file"),
                           ([short], "no latency curve of 3 sizes or more"),
                           ([self.csv, "--predict", "1Q"], "--predict"),
                           ([self.csv, "--format", "xml"], "invalid choice")):
            with self.subTest(args=args):
                r = model(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
                self.assertIn(says, r.stderr)


if __name__ == "__main__":
    unittest.main()
