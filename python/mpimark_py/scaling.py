"""mpimark-py scaling [options] [-- COMMAND...]   (scripts/scaling in a clone):
a strong or weak scaling study of an MPI program.

Runs COMMAND (default: the bundled montecarlo_pi) at 1, 2, 4, ... ranks up
to N (N = SLURM_NTASKS inside a Slurm job, else the cores), R times each,
interleaved (rep 1 at every rank count, then rep 2, ...) so that a slow
spell of the machine does not land on one rank count, and writes per rank
count the median run time, the speedup and the parallel efficiency with
their 95% intervals, and a fitted serial fraction, to scaling.csv (with #@
metadata), scaling.md and stdout, in a new results/<UTC-stamp>-scaling/
folder with plots and report.html (its path is the last line printed).

  scripts/scaling --ranks 1,2 --time-from 'time_s=([0-9.e+-]+)' \\
      -- python3 programs/python/montecarlo_pi.py 100M
  scripts/scaling --weak -- ./my_code --cells '{ranks}000'

The run time of one run is, in this order: with the bundled montecarlo_pi
its own time (time_s of its CSV); with --time-from REGEX the number (in
seconds) that the regex's one capture group takes from the first line of
the run's stdout (then stderr) that it matches; else the launch's
wall-clock time. With wall-clock time the study also launches a trivial
MPI program (montecarlo_pi with one sample per rank, or `true` when the
command's MPI is not the one montecarlo_pi links) with the same launcher
before every run and reports its median as launch_cost_s, subtracted from
nothing: the run times include it, and the column shows how much of them
it is.

Options:
  --strong            fixed total work: speedup = K0 T(K0) / T(K),
                      efficiency = speedup / K (default)
  --weak              fixed work per rank: scaled speedup = K T(K0) / T(K),
                      efficiency = T(K0) / T(K); {ranks} in COMMAND is the
                      rank count, to scale the problem
  --ranks LIST        rank counts, e.g. 1,2,4,8 (default 1, 2, 4, ... N)
  --reps R            runs per rank count, 1..1000 (default 3); the table
                      shows their median, intervals need R >= 2
  --time-from REGEX   take each run's time from its output (one capture group)
  --oversubscribe     allow rank counts beyond the cores (outside Slurm);
                      such rows are marked oversubscribed
  --mpi NAME          the MPI of COMMAND: openmpi or mpich (default: what
                      the program links, else the mpiexec on PATH)
  -o, --outdir DIR    write into DIR (new, or empty) instead of a new
                      results/ folder ($MPIMARK_RESULTS_DIR, else results/)
  --no-plot           no plots and no figures in the report
  --mpi-time          also measure the share of each run spent in MPI: a
                      PMPI interposer (libmpimark_mpitime.so, built with
                      the program's MPI) preloaded into every rank times
                      each MPI call; per rank count mpi_fraction (median
                      over ranks, with min and max) and the costliest calls
montecarlo_pi only (no COMMAND):
  --samples N         total (strong) or per rank (weak); K, M, G, T are
                      powers of 1000 (default 1G strong, 200M weak)
  --seed S            seed of montecarlo_pi's random stream (default 1)
  --bin PATH          the montecarlo_pi binary (default: beside mpimark,
                      $MPIMARK_MONTECARLO_PI)

What the table means: the intervals of speedup and efficiency are 95%
prediction intervals of a repeat study's, from the per-repetition ratios
(runs of one repetition are paired, as they ran side by side). The serial
fraction f is fitted to every run: Amdahl for strong scaling (T(K) =
T1 (f + (1 - f) / K), least squares in 1/K), Gustafson for weak (scaled
speedup = K0 (f + (1 - f) K / K0)), with its 95% confidence interval, over
the rank counts that are not oversubscribed; the speedup plot draws the
fitted line.

Every run's stdout, stderr and exit status are kept in runs/ (runs.csv
lists them). A run that fails stops the study with one line naming the rank
count and the repetition, and keeps what was measured before it (no
scaling.csv). Bad input (a command that is not there, a regex without one
capture group or that matches no line of the first run, bad rank counts,
more ranks than the allocation): one line, exit 2, nothing written.

Exit codes: 0 ok, 1 a run failed, 2 bad input.
"""

import math
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time

from . import atomic, launcher, mpitime, results, stats
from .errors import Failure, UsageError
from .version import project_version

MAX_RANKS = 1000000
SAMPLES_RE = re.compile(r"^[0-9]+[kKmMgGtT]?$")
MONTECARLO_KEYS_VARYING = ("ranks", "ranks_per_node", "p2p_placement", "command", "samples", "mode", "program")
COLUMNS = ("mode", "ranks", "samples", "samples_per_rank", "reps", "time_s", "time_min_s", "time_max_s",
           "speedup", "efficiency", "weak_efficiency", "samples_per_s", "samples_per_s_per_rank",
           "estimate", "abs_error", "std_error", "speedup_pi_low", "speedup_pi_high",
           "efficiency_pi_low", "efficiency_pi_high", "launch_cost_s", "oversubscribed",
           "mpi_fraction", "mpi_fraction_min", "mpi_fraction_max", "mpi_top_calls")


def say(msg):
    print("[mpimark] " + msg, file=sys.stderr, flush=True)


def add_arguments(ap):
    ap.add_argument("--strong", action="store_true")
    ap.add_argument("--weak", action="store_true")
    ap.add_argument("--ranks")
    ap.add_argument("--reps", default="3")
    ap.add_argument("--time-from")
    ap.add_argument("--oversubscribe", action="store_true")
    ap.add_argument("--mpi", choices=("openmpi", "mpich"))
    ap.add_argument("-o", "--outdir")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--mpi-time", action="store_true")
    ap.add_argument("--samples")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--bin")
    ap.add_argument("command", nargs="*")


# ---------------------------------------------------------------- the plan

def whole(text, what, lo, hi):
    if not (text.isdigit() and lo <= int(text) <= hi):
        raise UsageError("bad %s '%s': expected a whole number %d..%d" % (what, text, lo, hi))
    return int(text)


def rank_counts(text, most, oversubscribe):
    """The rank counts to run, ascending; checked against the allocation."""
    slurm = launcher.in_slurm()
    where = "the job's tasks (SLURM_NTASKS=%d)" % most if slurm else "the cores (nproc=%d)" % most
    if text is None:
        ks, k = [], 1
        while k < most:
            ks.append(k)
            k *= 2
        return ks + [most]
    if not re.fullmatch(r"[0-9]+(,[0-9]+)*", text):
        raise UsageError("bad --ranks '%s': expected rank counts like 1,2,4" % text)
    ks = sorted({int(k) for k in text.split(",")})
    if ks[0] < 1:
        raise UsageError("bad --ranks '%s': rank counts start at 1" % text)
    if len(ks) > 64 or ks[-1] > MAX_RANKS:
        raise UsageError("bad --ranks '%s': too many or too large" % text)
    if ks[-1] > most and (slurm or not oversubscribe):
        raise UsageError("--ranks asks for %d ranks, more than %s%s" % (
            ks[-1], where, "" if slurm else "; add --oversubscribe to run them anyway"))
    return ks


def allocation():
    if launcher.in_slurm():
        n = os.environ.get("SLURM_NTASKS") or os.environ.get("SLURM_NPROCS")
        if not (n and n.isdigit()):
            raise UsageError("inside Slurm job %s but SLURM_NTASKS is not set (submit with -n)"
                             % os.environ["SLURM_JOB_ID"])
        return int(n)
    return launcher.cores()


def executable(word):
    """The path of a program as the launcher will find it, or None."""
    path = shutil.which(word)
    return path if path and os.path.isfile(path) else None


def montecarlo_pi(given):
    """The bundled montecarlo_pi: --bin, $MPIMARK_MONTECARLO_PI or beside this
    package's mpimark (None if there is none)."""
    for what, p in (("--bin", given), ("MPIMARK_MONTECARLO_PI", os.environ.get("MPIMARK_MONTECARLO_PI"))):
        if p:
            if not (os.path.isfile(p) and os.access(p, os.X_OK)):
                raise UsageError("%s '%s' is not an executable file" % (what, p))
            return os.path.abspath(p)
    return None


class Study:
    """What one study runs: the command per rank count, where its time comes
    from, and the launcher."""

    def __init__(self, args):
        if args.strong and args.weak:
            raise UsageError("choose one of --strong and --weak")
        self.mode = "weak" if args.weak else "strong"
        self.reps = whole(args.reps, "--reps", 1, 1000)
        self.command = list(args.command)
        self.bundled = not self.command
        self.mc = montecarlo_pi(args.bin)
        if self.bundled:
            self.samples = args.samples or ("1G" if self.mode == "strong" else "200M")
            if not (SAMPLES_RE.match(self.samples) and re.search("[1-9]", self.samples)):
                raise UsageError("bad --samples '%s': expected a whole number > 0 with an optional K, M, G or "
                                 "T (powers of 1000), e.g. 100M" % self.samples)
            if not re.fullmatch(r"[0-9]+|0[xX][0-9a-fA-F]+", args.seed):
                raise UsageError("bad --seed '%s': expected a whole number" % args.seed)
            self.seed = args.seed
            if self.mc is None:
                raise UsageError("no montecarlo_pi: give --bin PATH (scripts/scaling builds it in a clone)")
            if args.time_from is not None:
                raise UsageError("--time-from is for a COMMAND: montecarlo_pi reports its own time")
            self.program = self.mc
        else:
            if args.samples is not None:
                raise UsageError("--samples is montecarlo_pi's; give COMMAND its own problem size")
            self.program = executable(self.command[0])
            if self.program is None:
                raise UsageError("'%s' is not an executable program (not found on PATH, or not executable)"
                                 % self.command[0])
        self.regex = None
        if args.time_from == "":
            raise UsageError("--time-from '' is empty: give a regex with one group that takes the seconds, "
                             "or leave it out to time the launches")
        if args.time_from:
            try:
                self.regex = re.compile(args.time_from)
            except re.error as e:
                raise UsageError("bad --time-from '%s': %s" % (args.time_from, e))
            if self.regex.groups != 1:
                raise UsageError("bad --time-from '%s': it needs exactly one capture group (the seconds), "
                                 "it has %d" % (args.time_from, self.regex.groups))
        if not self.bundled and not self.regex and application(self.command) == "montecarlo_pi.py":
            self.regex = re.compile(PY_PI_TIME)  # the bundled Python pi prints its own time
        self.source = ("montecarlo_pi's own time (time_s)" if self.bundled else
                       "montecarlo_pi.py's own time (its time_s= line)" if self.regex and
                       self.regex.pattern == PY_PI_TIME and not args.time_from else
                       "the program's output (--time-from %s)" % args.time_from if self.regex else
                       "wall-clock time of the launch")
        self.most = allocation()
        self.ranks = rank_counts(args.ranks, self.most, args.oversubscribe)
        self.mpi = args.mpi or launcher.detect_mpi(self.program)
        if self.mpi == "unknown":
            self.mpi = launcher.mpi_on_path()
        self.launchers = {k: launcher.command(k, self.mpi, srun_n=True) for k in self.ranks}
        if os.getuid() == 0 and not launcher.in_slurm():
            # Containers and CI often run as root; Open MPI refuses that unless told twice.
            os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        self.mpitime = mpitime.library(self.mpi, self.mc) if args.mpi_time else None
        self.probe = None
        if not self.bundled and not self.regex:
            same = self.mc and launcher.detect_mpi(self.mc) == self.mpi
            self.probe = "montecarlo_pi" if same else "true"

    def oversubscribed(self, k):
        return not launcher.in_slurm() and k > self.most

    def argv(self, k, out_csv):
        """The run at k ranks; with --mpi-time, its ranks write their MPI
        times beside out_csv (mpitime_of)."""
        words = self.launchers[k] + (mpitime.preload(self.mpitime, mpitime_of(out_csv)) if self.mpitime else [])
        if self.bundled:
            return words + [self.mc, "--" + self.mode, "--samples", self.samples, "--seed", self.seed,
                            "-c", "-o", out_csv]
        return words + [w.replace("{ranks}", str(k)) for w in self.command]

    def probe_argv(self, k):
        if self.probe == "montecarlo_pi":
            return self.launchers[k] + [self.mc, "--weak", "--samples", "1"]
        return self.launchers[k] + ["true"]


# ---------------------------------------------------------------- running

class Runs:
    """runs/: every run's output and runs.csv, the list of runs so far."""

    HEADER = "ranks,rep,kind,exit_status,wall_s,time_s,stdout,stderr\n"

    def __init__(self, folder):
        self.folder = os.path.join(folder, "runs")
        os.mkdir(self.folder)
        self.lines = []

    def launch(self, argv, name):
        out, err = (os.path.join(self.folder, name + ext) for ext in (".out", ".err"))
        with open(out, "w") as o, open(err, "w") as e:
            start = time.monotonic()
            try:
                rc = launcher.run_group(argv, stdout=o, stderr=e)
            except OSError as x:
                e.write("cannot start %s: %s\n" % (argv[0], x.strerror))
                rc = 127
            wall = time.monotonic() - start
        return rc, wall, out, err

    def record(self, k, rep, kind, rc, wall, t, name):
        self.lines.append("%d,%d,%s,%d,%.6f,%s,runs/%s.out,runs/%s.err\n" % (
            k, rep, kind, rc, wall, "" if t is None else "%.9g" % t, name, name))
        err = atomic.write(os.path.join(self.folder, "runs.csv"), self.HEADER + "".join(self.lines), force=True)
        if err:
            raise Failure(err)


def time_from(regex, out, err):
    """(seconds, None) that the regex's group takes from the first matching
    line, or (None, why not): no line matched, or what it took is not a
    positive finite number of seconds (quoted, since the run's files may not
    be kept)."""
    for path in (out, err):
        with open(path, errors="replace") as f:
            for line in f:
                m = regex.search(line)
                if m:
                    try:
                        value = float(m.group(1))
                    except (TypeError, ValueError):
                        value = None
                    if value is not None and value > 0 and math.isfinite(value):
                        return value, None
                    return None, "its group took %s from the line %s: not a positive number of seconds" % (
                        results.shown(m.group(1)), results.shown(line.strip(), 80))
    return None, "no line of the run's output matches it"


def run_all(study, folder):
    """Runs the study; returns ({k: [time per rep]}, {k: [launch cost per rep]},
    {k: [wall-clock time of each rep's launch]})."""
    runs = Runs(folder)
    times = {k: [] for k in study.ranks}
    costs = {k: [] for k in study.ranks}
    walls = {k: [] for k in study.ranks}
    first = True
    for rep in range(1, study.reps + 1):
        for k in study.ranks:
            name = "np%d-rep%d" % (k, rep)
            if study.probe:
                argv = study.probe_argv(k)
                rc, wall, _, err = runs.launch(argv, name + "-launch")
                runs.record(k, rep, "launch-cost", rc, wall, None, name + "-launch")
                if rc != 0:
                    raise Failure("the launch-cost run (%s) at %d rank(s), rep %d, failed (exit %d): see %s"
                                  % (shlex.join(argv), k, rep, rc, err))
                costs[k].append(wall)
            argv = study.argv(k, os.path.join(runs.folder, name + ".csv"))
            say("rep %d/%d, %d rank(s): %s" % (rep, study.reps, k, shlex.join(argv)))
            rc, wall, out, err = runs.launch(argv, name)
            t, why = wall, "montecarlo_pi wrote no time_s"
            if rc == 0 and study.bundled:
                t, got = montecarlo_time(os.path.join(runs.folder, name + ".csv"))
                if got != k:
                    rc = -1
                    runs.record(k, rep, "run", rc, wall, None, name)
                    raise Failure("launched %d ranks but montecarlo_pi ran with '%s' (wrong srun --mpi plugin? "
                                  "MPI: %s)" % (k, got, study.mpi))
            elif rc == 0 and study.regex:
                t, why = time_from(study.regex, out, err)
            if rc == 0 and study.mpitime:  # its MPI times are there, or the study stops here
                try:
                    mpitime.read(mpitime_of(os.path.join(runs.folder, name + ".csv")))
                except Failure:
                    runs.record(k, rep, "run", rc, wall, None, name)
                    raise
            runs.record(k, rep, "run", rc, wall, t if rc == 0 else None, name)
            if rc != 0:
                raise Failure("the run at %d rank(s), rep %d, failed (exit %d): see %s; the runs before it are kept "
                              "in %s" % (k, rep, rc, err, runs.folder))
            if t is None:  # the first run's files go with the folder (the regex is wrong, not a run)
                raise NoTime("--time-from %s at %d rank(s), rep %d: %s%s"
                             % (results.shown(study.regex.pattern), k, rep, why,
                                "" if first else "; see %s" % out), first)
            times[k].append(t)
            walls[k].append(wall)
            first = False
    return times, costs, walls


def mpitime_of(out_csv):
    """Where a run's ranks write their MPI times (--mpi-time)."""
    return out_csv[:-len(".csv")] + ".mpitime.csv"


class NoTime(UsageError):
    def __init__(self, msg, first):
        super().__init__(msg)
        self.first = first


def montecarlo_time(csv_path):
    try:
        t = results.read(csv_path)
    except results.ResultsError as e:
        raise Failure("montecarlo_pi's results: %s" % e)
    row = t.rows[0]
    try:
        got = int(row.get("ranks", ""))
    except ValueError:
        got = row.get("ranks")
    return results.number(row, "time_s"), got


# ---------------------------------------------------------------- the numbers

def median(xs):
    return stats.quantile_sorted(sorted(xs), 0.5)


def serial_fraction(mode, ranks, times):
    """(f, ci_low, ci_high, model) fitted to every run, or None when the data
    cannot determine it (fewer than 3 runs, or one rank count).

    Both laws are a straight line in the right coordinates, y = a + b x, with
    f = a / (a + b x0):
      Amdahl (strong)    T(K) = T1 (f + (1 - f) / K):  y = T, x = 1 / K, x0 = 1
      Gustafson (weak)   K T(K0) / T(K) = K0 (f + (1 - f) K / K0):
                         y = K / T, x = K, x0 = K0
    fitted by least squares weighted by 1 / y^2 (timing noise is relative),
    with its 95% confidence interval by the delta method."""
    pts = [((1.0 / k, t) if mode == "strong" else (float(k), k / t)) for k in ranks for t in times[k]]
    if len(pts) < 3 or len(ranks) < 2:
        return None
    x0 = 1.0 if mode == "strong" else float(ranks[0])
    w = [1.0 / (y * y) for _, y in pts]
    sw = sum(w)
    mx = sum(wi * x for wi, (x, _) in zip(w, pts)) / sw
    my = sum(wi * y for wi, (_, y) in zip(w, pts)) / sw
    sxx = sum(wi * (x - mx) ** 2 for wi, (x, _) in zip(w, pts))
    b = sum(wi * (x - mx) * (y - my) for wi, (x, y) in zip(w, pts)) / sxx
    a = my - b * mx
    n = len(pts)
    s2 = sum(wi * (y - a - b * x) ** 2 for wi, (x, y) in zip(w, pts)) / (n - 2)
    var_b, var_a, cov = s2 / sxx, s2 * (1.0 / sw + mx * mx / sxx), -mx * s2 / sxx
    d = a + b * x0
    f = a / d
    ga, gb = b * x0 / d ** 2, -a * x0 / d ** 2  # the delta method: gradient of f in (a, b)
    h = stats.t975(n - 2) * math.sqrt(max(ga * ga * var_a + gb * gb * var_b + 2 * ga * gb * cov, 0.0))
    return f, f - h, f + h, "Amdahl" if mode == "strong" else "Gustafson"


def rows_of(study, times, costs, mc_rows, folder):
    k0 = study.ranks[0]
    t0 = median(times[k0])
    out = []
    for k in study.ranks:
        ts = sorted(times[k])
        med = median(ts)
        scale = k if study.mode == "weak" else k0
        s = scale * t0 / med
        e = s / k if study.mode == "strong" else t0 / med
        pi = stats.paired_ratio([scale * t for t in times[k0]], times[k], repeat=True) if study.reps >= 2 else None
        if k == k0:
            pi = (1.0, 1.0, 1.0) if study.reps >= 2 else None
        den = k if study.mode == "strong" else scale
        mc = mc_rows.get(k, {})
        samples = mc.get("samples")
        row = {
            "mode": study.mode, "ranks": str(k), "reps": str(study.reps),
            "samples": samples or "", "samples_per_rank": mc.get("samples_per_rank", ""),
            "time_s": "%.6f" % med, "time_min_s": "%.6f" % ts[0], "time_max_s": "%.6f" % ts[-1],
            "speedup": "%.4f" % s, "efficiency": "%.4f" % e,
            "weak_efficiency": "%.4f" % e if study.mode == "weak" else "",
            "samples_per_s": "%.6e" % (float(samples) / med) if samples else "",
            "samples_per_s_per_rank": "%.6e" % (float(samples) / med / k) if samples else "",
            "estimate": mc.get("estimate", ""), "abs_error": mc.get("abs_error", ""),
            "std_error": mc.get("std_error", ""),
            "speedup_pi_low": "%.4f" % pi[1] if pi else "", "speedup_pi_high": "%.4f" % pi[2] if pi else "",
            "efficiency_pi_low": "%.4f" % (pi[1] / den) if pi else "",
            "efficiency_pi_high": "%.4f" % (pi[2] / den) if pi else "",
            "launch_cost_s": "%.6f" % median(costs[k]) if costs[k] else "",
            "oversubscribed": "1" if study.oversubscribed(k) else "0",
            "mpi_fraction": "", "mpi_fraction_min": "", "mpi_fraction_max": "", "mpi_top_calls": "",
        }
        if study.mpitime:  # each rep's file (run_all has read it once: it is there and well formed)
            got = mpitime.summary([mpitime.read(mpitime_of(os.path.join(folder, "runs", "np%d-rep%d.csv" % (k, r))))
                                   for r in range(1, study.reps + 1)])
            row.update({"mpi_fraction": "%.4f" % got[0], "mpi_fraction_min": "%.4f" % got[1],
                        "mpi_fraction_max": "%.4f" % got[2], "mpi_top_calls": got[3]})
        out.append(row)
    return out


# The line the bundled Python pi (programs/python/montecarlo_pi.py) prints
# its own time on: a study of it reads that, as --time-from would.
PY_PI_TIME = r"time_s=([0-9.e+-]+)"
# A launch cost above this share of a run's launch makes a caveat.
LAUNCH_SHARE_NOTE = 0.25


def caveats(study, times, costs, walls, fit):
    """Plain sentences on what makes the study's numbers mean little: a
    fitted fraction outside [0, 1], and a launch that costs a large share of
    a run (measured: the launch-cost runs, or each launch's wall-clock time
    outside the program's own time)."""
    out = []
    if fit and not 0.0 <= fit[0] <= 1.0:
        out.append("The fitted serial fraction, %.3g, lies outside [0, 1], where it means nothing: the run "
                   "times do not follow %s's law (the problem is too small to scale, or starting MPI is most "
                   "of a run); it is shown bounded to [0, 1]. Use a larger problem%s." % (
                       fit[0], fit[3], "" if study.regex or study.bundled else
                       ", or --time-from to read the program's own time"))
    shares = {}
    for k in study.ranks:
        if costs[k]:  # wall-clock times: the launch-cost runs against the runs
            shares[k] = median(costs[k]) / median(times[k])
        elif study.regex or study.bundled:  # own times: what each launch spent outside them
            shares[k] = median([max(w - t, 0.0) / w for w, t in zip(walls[k], times[k]) if w > 0] or [0.0])
    worst = max(shares, key=shares.get, default=None)
    if worst is not None and shares[worst] > LAUNCH_SHARE_NOTE:
        if costs[worst]:
            out.append("Starting MPI (the launch cost, %.3f s) is %.0f%% of a run at %d rank(s): the times "
                       "are mostly the launch. Use a larger problem, or --time-from to read the program's "
                       "own time." % (median(costs[worst]), 100 * shares[worst], worst))
        else:
            out.append("%.0f%% of each launch at %d rank(s) was spent outside the program's own time (starting "
                       "the program, its interpreter and MPI): the table leaves it out, a job pays it. Use a larger "
                       "problem for a study of the computation." % (100 * shares[worst], worst))
    return out


def bounded(fit):
    """The fit with its fraction and interval bounded to [0, 1], where a
    serial fraction means something (caveats says when it was outside)."""
    if not fit:
        return fit
    clip = lambda x: min(max(x, 0.0), 1.0)
    return clip(fit[0]), clip(fit[1]), clip(fit[2]), fit[3]


def markdown(study, rows, fit, lib, nodes, notes=()):
    what = ("montecarlo_pi" if study.bundled else "`%s`" % shlex.join(study.command))
    size = ((": %s samples %s" % (study.samples, "in total" if study.mode == "strong" else "per rank"))
            if study.bundled else "")
    lines = ["%s scaling of %s%s; %s, %s node(s); median of %d run(s); time: %s." % (
        study.mode.capitalize(), what, size, lib or "MPI ?", nodes or "?", study.reps, study.source), ""]
    wall = any(r["launch_cost_s"] for r in rows)
    mpi = any(r["mpi_fraction"] for r in rows)
    head = "| ranks | run time (s) | speedup [95% PI] | parallel efficiency [95% PI] |" + \
           (" launch cost (s) |" if wall else "") + (" time in MPI [min, max over ranks] | costliest MPI calls |"
                                                       if mpi else "")
    lines += [head, "|------:|-------------:|-----------------:|-----------------------------:|" +
              ("----------------:|" if wall else "") + ("---:|---|" if mpi else "")]
    for r in rows:
        n = lambda c: float(r[c])
        pi_s = " [%.2f, %.2f]" % (n("speedup_pi_low"), n("speedup_pi_high")) if r["speedup_pi_low"] else ""
        pi_e = " [%.1f, %.1f]" % (100 * n("efficiency_pi_low"), 100 * n("efficiency_pi_high")) \
            if r["efficiency_pi_low"] else ""
        mark = " (oversubscribed)" if r["oversubscribed"] == "1" else ""
        lines.append("| %s%s | %.3f | %.2f%s | %.1f%%%s |%s%s" % (
            r["ranks"], mark, n("time_s"), n("speedup"), pi_s, 100 * n("efficiency"), pi_e,
            (" %.3f |" % n("launch_cost_s")) if wall else "",
            (" %.1f%% [%.1f, %.1f] | %s |" % (100 * n("mpi_fraction"), 100 * n("mpi_fraction_min"),
                                              100 * n("mpi_fraction_max"), r["mpi_top_calls"] or "none"))
            if mpi else ""))
    if fit:
        lines += ["", "Serial fraction (%s fit to every run%s): %.4f [95%% CI %.4f, %.4f]." % (
            fit[3], "" if not any(r["oversubscribed"] == "1" for r in rows) else " not oversubscribed",
            fit[0], fit[1], fit[2])]
    else:
        lines += ["", "Serial fraction: not fitted (needs 2 or more rank counts on their own cores and 3 or "
                      "more runs)."]
    for n in notes:
        lines += ["", "Caveat: " + n]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- the folder

INTERPRETERS = re.compile(r"(python[0-9.]*|pypy[0-9.]*|bash|sh|julia|Rscript|perl|ruby|node)$")


def application(command):
    """What a study ran, in a word: the script an interpreter runs
    (montecarlo_pi.py for python3 montecarlo_pi.py 1G), else the program."""
    first = os.path.basename(command[0])
    script = next((w for w in command[1:] if not w.startswith("-")), None)
    return os.path.basename(script) if INTERPRETERS.match(first) and script else first


def new_folder(outdir):
    """The study's folder: DIR (new or empty) or a new results/<stamp>-scaling[-job]/.
    Returns (path, created)."""
    if outdir:
        if os.path.lexists(os.path.join(outdir, "scaling.csv")):
            raise UsageError("'%s' exists; not overwriting results" % os.path.join(outdir, "scaling.csv"))
        if os.path.isdir(outdir):
            if os.listdir(outdir):
                raise UsageError("'%s' is not empty; use an empty or new folder" % outdir)
            if not os.access(outdir, os.W_OK | os.X_OK):
                raise UsageError("cannot write to '%s'" % outdir)
            return os.path.abspath(outdir), False
        try:
            os.makedirs(outdir)
        except OSError as e:
            raise UsageError("cannot create '%s': %s" % (outdir, e.strerror))
        return os.path.abspath(outdir), True
    root = os.environ.get("MPIMARK_RESULTS_DIR") or "results"
    job = os.environ.get("SLURM_JOB_ID")
    base = os.path.join(root, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-scaling" + ("-" + job if job else ""))
    try:
        os.makedirs(root, exist_ok=True)
    except OSError as e:
        raise UsageError("cannot create '%s': %s" % (root, e.strerror))
    path, n = base, 1
    while True:  # mkdir fails if it exists: a second study in the same second gets its own folder
        try:
            os.mkdir(path)
            return os.path.abspath(path), True
        except FileExistsError:
            n += 1
            path = "%s.%d" % (base, n)
        except OSError as e:
            raise UsageError("cannot create '%s': %s" % (path, e.strerror))


def run(args):
    study = Study(args)
    folder, created = new_folder(args.outdir)
    ok = False
    launcher.stop_on_signals()
    try:
        say("%s scaling of %s: ranks %s, %d rep(s), time: %s, MPI: %s" % (
            study.mode, "montecarlo_pi --samples %s" % study.samples if study.bundled else shlex.join(study.command),
            ",".join(map(str, study.ranks)), study.reps, study.source, study.mpi))
        try:
            times, costs, walls = run_all(study, folder)
        except NoTime as e:
            if e.first:  # the regex is wrong, not a run: nothing is kept
                shutil.rmtree(folder if created else os.path.join(folder, "runs"))
                ok = True
            raise
        mc_rows, meta = {}, []
        if study.bundled:
            for k in study.ranks:
                t = results.read(os.path.join(folder, "runs", "np%d-rep1.csv" % k))
                mc_rows[k] = t.rows[0]
                if k == study.ranks[-1]:
                    meta = [(key, v) for key, v in t.meta.items() if key not in MONTECARLO_KEYS_VARYING]
        else:
            meta = [("hostname", socket.gethostname()), ("date_utc", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
                    ("nodes", os.environ.get("SLURM_JOB_NUM_NODES", "1")), ("mpimark_version", project_version()),
                    ("mpi_library", launcher.library(study.mpi)),
                    ("mpi_library_from", "the launcher's --version (the command links no MPI mpimark can read)")]
        rows = rows_of(study, times, costs, mc_rows, folder)
        # Amdahl and Gustafson describe ranks on cores of their own: rank
        # counts beyond the cores stay out of the fit.
        fit_ranks = [k for k in study.ranks if not study.oversubscribed(k)]
        fit = serial_fraction(study.mode, fit_ranks, times)
        notes = caveats(study, times, costs, walls, fit)
        fit = bounded(fit)
        meta += [("program", "scaling"),
                 ("application", "montecarlo_pi" if study.bundled else application(study.command)),
                 ("mode", study.mode), ("ranks_list", ",".join(map(str, study.ranks))),
                 ("max_ranks", str(study.ranks[-1])), ("reps", str(study.reps)),
                 ("statistic", "median of reps; runs interleaved across rank counts; intervals: 95% PI of a "
                               "repeat study's, from the reps' paired ratios"),
                 ("time_source", study.source), ("launcher", shlex.join(study.launchers[study.ranks[-1]])), ("mpi", study.mpi),
                 ("cores", str(launcher.cores())),
                 ("command", "mpimark-py scaling " + shlex.join(sys.argv[2:] if len(sys.argv) > 2 else []))]
        if study.bundled:
            meta.append(("samples_arg", study.samples))
        else:
            meta.append(("study_command", shlex.join(study.command)))
        if study.probe:
            meta.append(("launch_cost_program", study.probe))
        if study.mpitime:
            meta += [("mpi_time", "PMPI interposer preloaded into every rank: the share of the time between "
                                  "MPI_Init and MPI_Finalize spent in MPI calls"), ("mpi_time_library", study.mpitime)]
        if fit:
            meta += [("fit_model", fit[3]), ("fit_ranks", ",".join(map(str, fit_ranks))),
                     ("serial_fraction", "%.6f" % fit[0]),
                     ("serial_fraction_ci_low", "%.6f" % fit[1]), ("serial_fraction_ci_high", "%.6f" % fit[2])]
        if notes:
            meta.append(("caveats", " ".join(notes)))
        over = [r["ranks"] for r in rows if r["oversubscribed"] == "1"]
        if over:
            meta.append(("oversubscribed_ranks", ",".join(over)))
        csv = results.csv_meta(meta) + results.csv_line(COLUMNS) + "".join(
            results.csv_line([r[c] for c in COLUMNS]) for r in rows)
        table = markdown(study, rows, fit, results.library_label(dict(meta).get("mpi_library")),
                         dict(meta).get("nodes"), notes)
        for name, text in (("scaling.csv", csv), ("scaling.md", table)):
            err = atomic.write(os.path.join(folder, name), text)
            if err:
                raise Failure(err)
        ok = True
    finally:
        if not ok and created and not os.path.isdir(os.path.join(folder, "runs")):
            shutil.rmtree(folder, ignore_errors=True)
    sys.stdout.write(table)
    sys.stdout.flush()
    csv_path = os.path.join(folder, "scaling.csv")
    if not args.no_plot and shutil.which("gnuplot"):
        from . import plot
        try:
            _, failed, _ = plot.draw([csv_path])
            if failed:
                say("plotting failed (results are kept)")
        except (UsageError, Failure) as e:
            say("plotting failed: %s (results are kept)" % e)
    say("results: %s" % folder)
    from . import report
    try:
        say("report: %s" % report.write([folder], with_figures=not args.no_plot))
    except (UsageError, Failure) as e:
        say("no report: %s (the results are kept)" % e)
    return 0
