#!/usr/bin/python3
"""The scaling study's numbers without MPI (python/mpimark_py/scaling.py):
the serial fraction fitted to synthetic runs with a known fraction comes
back inside its 95% interval about 95% of the time (Amdahl and Gustafson),
speedup and efficiency follow from the median times, and the launcher rule
(launcher.py) gives what docs and templates say."""
import os
import random
import sys
import unittest
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from mpimark_py import launcher, scaling  # noqa: E402

RANKS = [1, 2, 4, 8, 16]


def amdahl_runs(f, rng, reps=3, noise=0.02, t1=10.0):
    return {k: [t1 * (f + (1 - f) / k) * rng.lognormvariate(0, noise) for _ in range(reps)] for k in RANKS}


def gustafson_runs(f, rng, reps=3, noise=0.02, t1=10.0):
    # Weak scaling: work per rank fixed; scaled speedup K T(1) / T(K) = f + (1 - f) K.
    return {k: [k * t1 / (f + (1 - f) * k) * rng.lognormvariate(0, noise) for _ in range(reps)] for k in RANKS}


class SerialFraction(unittest.TestCase):
    def coverage(self, mode, make, f):
        rng = random.Random(20261203)
        inside, trials = 0, 200
        for _ in range(trials):
            got, lo, hi, _ = scaling.serial_fraction(mode, RANKS, make(f, rng))
            self.assertLess(lo, got)
            self.assertLess(got, hi)
            inside += lo <= f <= hi
        return inside / trials

    def test_amdahl_interval_holds_the_true_fraction(self):
        for f in (0.02, 0.1, 0.3):
            c = self.coverage("strong", amdahl_runs, f)
            self.assertGreaterEqual(c, 0.88, "f=%g: the 95%% CI held it in %.0f%% of 200 studies" % (f, 100 * c))

    def test_gustafson_interval_holds_the_true_fraction(self):
        for f in (0.02, 0.1, 0.3):
            c = self.coverage("weak", gustafson_runs, f)
            self.assertGreaterEqual(c, 0.88, "f=%g: the 95%% CI held it in %.0f%% of 200 studies" % (f, 100 * c))

    def test_exact_data_gives_the_fraction(self):
        rng = random.Random(1)
        got, lo, hi, model = scaling.serial_fraction("strong", RANKS, amdahl_runs(0.25, rng, noise=1e-9))
        self.assertEqual(model, "Amdahl")
        self.assertAlmostEqual(got, 0.25, places=6)
        got, _, _, model = scaling.serial_fraction("weak", RANKS, gustafson_runs(0.25, rng, noise=1e-9))
        self.assertEqual(model, "Gustafson")
        self.assertAlmostEqual(got, 0.25, places=6)

    def test_too_little_data_is_no_fit(self):
        self.assertIsNone(scaling.serial_fraction("strong", [1], {1: [1.0, 1.1, 1.2]}))
        self.assertIsNone(scaling.serial_fraction("strong", [1, 2], {1: [1.0], 2: [0.6]}))


class Rows(unittest.TestCase):
    def test_speedup_efficiency_from_median_times(self):
        times = {1: [10.0, 9.0, 11.0], 2: [6.0, 5.0, 7.0], 4: [4.0, 3.0, 3.5]}
        study = SimpleNamespace(ranks=[1, 2, 4], mode="strong", reps=3, oversubscribed=lambda k: k > 2,
                                mpitime=None)
        rows = scaling.rows_of(study, times, {k: [] for k in times}, {}, "")
        by = {r["ranks"]: r for r in rows}
        self.assertEqual(by["2"]["time_s"], "6.000000")
        self.assertEqual(by["2"]["speedup"], "%.4f" % (10 / 6))
        self.assertEqual(by["4"]["efficiency"], "%.4f" % (10 / 3.5 / 4))
        self.assertEqual(by["1"]["speedup_pi_low"], "1.0000")
        self.assertLessEqual(float(by["4"]["speedup_pi_low"]), float(by["4"]["speedup"]))
        self.assertGreaterEqual(float(by["4"]["speedup_pi_high"]), float(by["4"]["speedup"]))
        self.assertEqual([r["oversubscribed"] for r in rows], ["0", "0", "1"])
        study.mode = "weak"
        rows = scaling.rows_of(study, times, {k: [] for k in times}, {}, "")
        self.assertEqual(rows[2]["speedup"], "%.4f" % (4 * 10 / 3.5))
        self.assertEqual(rows[2]["efficiency"], "%.4f" % (10 / 3.5))

    def test_application_names_the_script(self):
        self.assertEqual(scaling.application(["python3", "-u", "dir/pi.py", "1G"]), "pi.py")
        self.assertEqual(scaling.application(["./a.out", "x.py"]), "a.out")


class Launcher(unittest.TestCase):
    def setUp(self):
        self.env = dict(os.environ)
        for k in ("SLURM_JOB_ID", "MPIMARK_SRUN_MPI", "MPIMARK_SRUN_ARGS", "MPIMARK_MPIRUN_ARGS"):
            os.environ.pop(k, None)

    def tearDown(self):
        os.environ.clear()
        os.environ.update(self.env)

    def test_outside_slurm(self):
        n = launcher.cores()
        self.assertEqual(launcher.command(n, "openmpi")[1:], ["-np", str(n)])
        self.assertEqual(launcher.command(n + 1, "openmpi")[-1], "--oversubscribe")
        self.assertEqual(launcher.command(3, "mpich"), ["mpiexec.mpich", "-n", "3"])
        os.environ["MPIMARK_MPIRUN_ARGS"] = "--bind-to core"
        self.assertEqual(launcher.command(3, "mpich")[-2:], ["--bind-to", "core"])

    def test_inside_slurm(self):
        os.environ["SLURM_JOB_ID"] = "7"
        self.assertEqual(launcher.command(4, "openmpi"), ["srun", "--mpi=pmix"])
        self.assertEqual(launcher.command(4, "mpich", srun_n=True), ["srun", "--mpi=pmi2", "-n", "4"])
        os.environ["MPIMARK_SRUN_MPI"] = "pmi2"
        self.assertEqual(launcher.command(4, "openmpi")[1], "--mpi=pmi2")
        os.environ.pop("MPIMARK_SRUN_MPI")
        with self.assertRaises(scaling.UsageError):
            launcher.command(4, "unknown")




class Caveats(unittest.TestCase):
    """scaling.caveats: what makes a study's numbers mean little."""

    def study(self, **kw):
        return SimpleNamespace(**dict(dict(ranks=[1, 2], regex=None, bundled=False), **kw))

    def test_a_fit_outside_0_1_is_said_and_bounded(self):
        fit = (1.26, -0.05, 2.58, "Amdahl")
        notes = scaling.caveats(self.study(), {1: [1.0], 2: [1.2]}, {1: [], 2: []}, {1: [], 2: []}, fit)
        self.assertEqual(len(notes), 1)
        self.assertIn("1.26, lies outside [0, 1]", notes[0])
        self.assertEqual(scaling.bounded(fit), (1.0, 0.0, 1.0, "Amdahl"))
        self.assertEqual(scaling.bounded((0.2, 0.1, 0.3, "Amdahl")), (0.2, 0.1, 0.3, "Amdahl"))

    def test_a_launch_over_a_quarter_of_a_run_is_said(self):
        # wall-clock times: the launch-cost runs against the runs
        notes = scaling.caveats(self.study(), {1: [1.0], 2: [0.6]}, {1: [0.2], 2: [0.3]}, {1: [1.0], 2: [0.6]}, None)
        self.assertEqual(len(notes), 1)
        self.assertIn("(the launch cost, 0.300 s) is 50% of a run at 2 rank(s)", notes[0])
        # own times: what each launch spent outside them
        notes = scaling.caveats(self.study(regex=True), {1: [1.0], 2: [0.5]}, {1: [], 2: []},
                                {1: [1.2], 2: [1.0]}, None)
        self.assertIn("50% of each launch at 2 rank(s) was spent outside", notes[0])
        self.assertEqual(scaling.caveats(self.study(regex=True, ranks=[1]), {1: [1.0]}, {1: []}, {1: [1.1]}, None), [])


class MpiTime(unittest.TestCase):
    """mpitime.read and summary on files as the interposer writes them."""

    def test_shares_and_costliest_calls(self):
        import tempfile
        from mpimark_py import mpitime
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.mpitime.csv")
            with open(path, "w") as f:
                f.write("#@program=mpitime\n#@ranks=2\nrank,function,calls,bytes,seconds,run_seconds\n"
                        "0,MPI_Send,10,80,0.1,2.0\n0,MPI_Barrier,2,0,0.3,2.0\n0,(all),12,80,0.4,2.0\n"
                        "1,MPI_Recv,10,80,1.0,2.0\n1,(all),10,80,1.0,2.0\n")
            runs = mpitime.read(path)
            self.assertEqual(runs[0][0], 0.4)
            self.assertEqual(runs[1][2], {"MPI_Recv": 1.0})
            med, lo, hi, calls = mpitime.summary([runs])
            self.assertAlmostEqual(med, (0.2 + 0.5) / 2)
            self.assertAlmostEqual(lo, 0.2)
            self.assertAlmostEqual(hi, 0.5)
            self.assertEqual(calls, "MPI_Recv 71%; MPI_Barrier 21%; MPI_Send 7%")
            with open(path, "a") as f:
                f.write("1,MPI_Send,1,1,nan,2.0\n")
            with self.assertRaises(Exception):
                mpitime.read(path)

if __name__ == "__main__":
    unittest.main()
