#!/usr/bin/python3
"""The mpi4py runner's pure parts without MPI: importing the runner loads
neither mpi4py nor NumPy; its options are the C parser's and request
check's (common/core/options.c, request.c), read through options.py's
ctypes mirror of mm_config, which every field's test guards; the request
check knows the job's size."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from mpimark_py import defs, options, run as runner  # noqa: E402
from mpimark_py.runner import startup  # noqa: E402,F401 (pure: imported here without MPI)


def parse(*argv):
    return runner.parse_request(list(argv), 2)


class Options(unittest.TestCase):
    def test_runner_imports_without_mpi(self):
        self.assertNotIn("mpi4py", sys.modules)
        self.assertNotIn("numpy", sys.modules)

    def test_defaults_are_options_def(self):
        c = parse()
        self.assertEqual(c.ops, [o for o in defs.ops() if o not in defs.ops_named_only()])
        self.assertEqual(defs.ops_named_only(), ["allgather", "alltoall", "reduce_scatter", "scan", "exscan", "barrier", "pairs", "ibcast", "iallreduce"])
        self.assertEqual(c.path, ["buffer", "object"])  # both
        self.assertEqual(len(c.sizes), 23)  # 1:4M: 1, 2, 4, ..., 4 MiB
        self.assertEqual((c.sizes[0], c.sizes[-1]), (1, 4 << 20))
        self.assertEqual((c.payload, c.mpi4py, c.sync, c.format), ("bytes", 4, "window", "table"))
        self.assertEqual((c.time_budget, c.rounds, c.root, c.iterations), (0.1, 6, 0, 0))
        self.assertEqual((c.warmup, c.window, c.window_auto), (options.WARMUP_AUTO, 64, True))
        self.assertFalse(c.hugepages or c.validate or c.force or c.quiet or c.output)

    def test_every_field_comes_through(self):
        # The C parser fills mm_config; the runner reads it through a ctypes
        # mirror: a value other than the default in every field.
        c = parse("bcast", "reduce", "-m", "8,1K", "-i", "5", "-x", "3", "--time", "0.5", "--rounds", "3",
                  "--seed", "7", "--launch", "1/2", "--sync", "barrier", "--rank-time", "fastest",
                  "-W", "8", "--root", "1", "--hugepages", "yes", "--heap", "pinned", "-M", "1G", "-c",
                  "--format", "csv", "-o", "x.csv", "--force", "-q", "--mpi4py", "3", "--numpy", "1",
                  "--pkl5-threshold", "1K", "--payload", "floats", "--path", "buffer,pkl5")
        self.assertEqual((c.ops, c.sizes, c.iterations, c.warmup), (["bcast", "reduce"], [8, 1024], 5, 3))
        self.assertEqual((c.time_budget, c.rounds, c.seed, c.launch, c.launches), (0.25, 2, 7, 1, 2))
        self.assertEqual((c.sync, c.rank_time, c.window, c.window_auto, c.root), ("barrier", "fastest", 8, False, 1))
        self.assertEqual((c.hugepages, c.heap_pinned, c.memory, c.validate), (True, True, float(1 << 30), True))
        self.assertEqual((c.format, c.output, c.force, c.quiet), ("csv", "x.csv", True, True))
        self.assertEqual((c.mpi4py, c.numpy, c.pkl5_threshold, c.payload), (3, 1, 1024, "floats"))
        self.assertEqual((c.path, c.user_payload, c.pickles), (["buffer", "pkl5"], None, True))
        self.assertEqual(parse("--wide").format, "wide")
        self.assertIsNone(parse().pkl5_threshold)  # auto: pkl5's own default
        c = parse("--payload", "mymod.py:make")  # the runner's own objects
        self.assertEqual((c.payload, c.user_payload), ("user", "mymod.py:make"))

    def test_forms(self):
        c = parse("bcast", "--sizes=64", "-W8", "-m1K", "-x", "0", "--path=buffer", "-c", "-q")
        self.assertEqual(c.ops, ["bcast"])
        self.assertEqual((c.sizes, c.window, c.warmup, c.path), ([1024], 8, 0, ["buffer"]))
        self.assertTrue(c.validate and c.quiet)
        c = parse("--launch", "2/3")  # this launch's share: rounds and budget
        self.assertEqual((c.launch, c.launches, c.rounds), (2, 3, 2))
        self.assertAlmostEqual(c.time_budget, 0.1 / 3)

    def test_refused(self):
        for argv, want in [(["allgatherv"], "unknown operation 'allgatherv' (choose from: sendrecv"),
                           (["--validate=yes"], "option --validate takes no value"),
                           (["-cq"], "option --validate takes no value"),
                           (["-m"], "needs a value"),
                           (["--root", "2"], "--root 2 is not a rank of this job (ranks 0..1)"),
                           (["-o", "r.txt"], "must end in .csv or .json")]:
            with self.assertRaises(runner.UsageError) as e:
                parse(*argv)
            self.assertIn(want, str(e.exception), argv)
        with self.assertRaises(runner.UsageError) as e:
            runner.parse_request(["sendrecv"], 1)
        self.assertIn("sendrecv needs at least 2 ranks, this job has 1", str(e.exception))

    def test_mpi4py_generation_asked_for_must_be_the_one_that_runs(self):
        def why(version, *argv, numpy="2.3.5"):
            return runner.model_mismatch(parse(*argv), list(argv), version, numpy)
        # Asked for by name, for a path that pickles, and another: refused.
        self.assertIn("--mpi4py 3: this Python has mpi4py 4.1.2, whose object and pkl5 paths "
                      "are generation 4", why("4.1.2", "--mpi4py", "3"))
        self.assertIn("--mpi4py 4: this Python has mpi4py 3.1.4", why("3.1.4", "--mpi4py=4", "--path", "pkl5"))
        # The default, the same generation, or only the buffer path: measured.
        self.assertIsNone(why("3.1.4"))
        self.assertIsNone(why("4.1.2", "--mpi4py", "4"))
        self.assertIsNone(why("4.1.2", "--mpi4py", "3", "--path", "buffer"))
        # --numpy: the same rule, where an array is pickled.
        self.assertIn("--numpy 1: this Python has NumPy 2.3.5", why("4.1.2", "--numpy", "1", "--payload", "ndarray"))
        self.assertIsNone(why("4.1.2", "--numpy", "1", "--payload", "bytes"))
        self.assertIsNone(why("3.1.4", "--numpy", "1", "--payload", "ndarray", numpy="1.24.2"))
        self.assertIsNone(why("3.1.4", "--payload", "ndarray", numpy="1.24.2"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
