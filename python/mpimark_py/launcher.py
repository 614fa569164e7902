"""mpimark-py launcher [--mpi openmpi|mpich|unknown | --binary BIN] [--srun-n] NP
(slurm/lib.sh's mm_detect_mpi and mm_launcher in the scripts): the command
that starts NP ranks of an MPI program here, one word per line after a
first line naming the MPI. With --binary and no NP: only that line.

The one rule of every mpimark script and Slurm template:
  inside a Slurm job   srun --mpi=pmix (Open MPI), --mpi=pmi2 (MPICH and
                       derivatives), $MPIMARK_SRUN_MPI overriding it, then
                       $MPIMARK_SRUN_ARGS; with --srun-n also -n NP (a step
                       of NP tasks, as scripts/scaling runs them)
  outside Slurm        mpirun -np NP (Open MPI; --oversubscribe beyond the
                       cores), mpiexec.mpich -n NP (MPICH), then
                       $MPIMARK_MPIRUN_ARGS
The MPI is the one BIN links (ldd), or --mpi. A program that links no MPI
itself (python3 running mpi4py, a script) takes the MPI of the mpiexec on
PATH.

Options:
  --binary BIN   detect the MPI from what BIN links
  --mpi NAME     openmpi, mpich or unknown (what --binary found)
  --srun-n       inside Slurm, start NP tasks (-n NP) instead of the job's

Exit codes: 0 ok, 2 no launcher for that MPI here, or bad input.
"""

import os
import re
import shlex
import shutil
import signal
import subprocess

from .errors import UsageError


class Stopped(Exception):
    """A signal (SIGTERM from scancel or a time limit, SIGINT, SIGHUP) ends the measurement."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _stop(signum, frame):
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # the clean-up runs once, whole
        signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signum)


def stop_on_signals():
    """From here on SIGTERM (scancel, a time limit), SIGINT and SIGHUP raise
    Stopped, once: what runs under run_group is ended, the caller cleans up."""
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _stop)


# A launch told to stop has this long to end its ranks before it is killed.
STOP_GRACE_S = 3.0


def run_group(argv, **kw):
    """Runs one launch (the launcher and its ranks) in a process group of
    its own and returns its exit code; on Stopped, ends the whole group
    (SIGTERM, then SIGKILL after STOP_GRACE_S) before passing it on, so that
    no rank outlives the measurement. OSError when argv cannot start."""
    kw.setdefault("stdin", subprocess.DEVNULL)  # a new session has no terminal to read
    proc = subprocess.Popen(argv, start_new_session=True, **kw)
    try:
        return proc.wait()
    except Stopped:
        for sig, wait in ((signal.SIGTERM, STOP_GRACE_S), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                # the launcher is gone; its ranks may not be: one more pass
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                pass
        raise


MPIS = ("openmpi", "mpich", "unknown")


def add_arguments(ap):
    ap.add_argument("--mpi", choices=MPIS)
    ap.add_argument("--binary")
    ap.add_argument("--srun-n", action="store_true")
    ap.add_argument("np", nargs="?")


def run(args):
    mpi = args.mpi or (detect_mpi(args.binary) if args.binary else "unknown")
    if args.np is None and args.binary:  # only which MPI the binary links
        print(mpi)
        return 0
    if not args.np or not args.np.isdigit() or int(args.np) < 1:
        raise UsageError("the number of ranks must be a whole number > 0, not '%s'" % (args.np or ""))
    print(mpi)
    print("\n".join(command(int(args.np), mpi, args.srun_n)))
    return 0


def detect_mpi(binary):
    """openmpi, mpich (MPICH, Intel MPI, MVAPICH, Cray MPICH: all take PMI-2
    from srun) or unknown: the MPI library that binary links."""
    try:
        libs = subprocess.run(["ldd", binary], capture_output=True, text=True)
    except OSError as e:
        raise UsageError("ldd %s failed: %s" % (binary, e.strerror))
    text = libs.stdout + libs.stderr
    missing = [line.strip() for line in text.splitlines() if "not found" in line]
    if missing:
        raise UsageError("%s cannot find its libraries (load the MPI it was built with?): %s"
                         % (binary, "; ".join(missing)))
    if re.search(r"libmpich|libmpi_(intel|cray)|libmpi\.so\.12", text):
        return "mpich"
    if re.search(r"libmpi\.so\.[0-9]|libopen-rte|libopen-pal", text):
        return "openmpi"
    return "unknown"


def _version_of(program):
    try:
        return subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _mpirun_of(mpi):
    """The launcher program of that MPI on PATH, or None."""
    if mpi == "openmpi":
        if shutil.which("mpirun.openmpi"):
            return "mpirun.openmpi"
        if shutil.which("mpirun") and "Open MPI" in _version_of("mpirun"):
            return "mpirun"
    elif mpi == "mpich":
        if shutil.which("mpiexec.mpich"):
            return "mpiexec.mpich"
        if shutil.which("mpiexec") and re.search("hydra", _version_of("mpiexec"), re.I):
            return "mpiexec"
    return None


def library(mpi):
    """The MPI library as its launcher names its version ('Open MPI v4.1.4',
    'MPICH Version: 4.0.2'; #@mpi_library's form), '' when unknown: what a
    program that links no MPI itself (python3) runs with."""
    run = _mpirun_of(mpi)
    v = _version_of(run) if run else ""
    m = re.search(r"\((?:Open MPI|OpenRTE)\) ([0-9][^\s]*)", v) or re.search(r"Version:\s*([0-9][^\s]*)", v)
    if not m:
        return ""
    return ("Open MPI v%s" if mpi == "openmpi" else "MPICH Version: %s") % m.group(1)


def mpi_on_path():
    """The MPI of the mpiexec on PATH (for programs that link no MPI)."""
    if not shutil.which("mpiexec"):
        return "unknown"
    v = _version_of("mpiexec")
    return "openmpi" if re.search("Open MPI|OpenRTE|open-mpi", v) else "mpich" if re.search("hydra", v, re.I) else "unknown"


def cores():
    """The cores this process may run on (nproc)."""
    return len(os.sched_getaffinity(0))


def in_slurm():
    return bool(os.environ.get("SLURM_JOB_ID"))


def command(np, mpi, srun_n=False):
    """The words before the program that start np ranks of an mpi program."""
    if in_slurm():
        if not shutil.which("srun"):
            raise UsageError("inside a Slurm job but srun is not on PATH")
        plugin = os.environ.get("MPIMARK_SRUN_MPI") or mpi
        if plugin == "unknown":
            raise UsageError("cannot tell which MPI the program links (ldd shows neither Open MPI nor MPICH); "
                             "set MPIMARK_SRUN_MPI to the srun --mpi= value to use")
        plugin = {"openmpi": "pmix", "mpich": "pmi2"}.get(plugin, plugin)
        words = ["srun", "--mpi=" + plugin] + shlex.split(os.environ.get("MPIMARK_SRUN_ARGS", ""))
        return words + (["-n", str(np)] if srun_n else [])
    extra = shlex.split(os.environ.get("MPIMARK_MPIRUN_ARGS", ""))
    if mpi == "unknown":
        mpi = mpi_on_path()
        if mpi == "unknown":
            if not shutil.which("mpiexec"):
                raise UsageError("cannot tell which MPI the program links and no mpiexec is on PATH")
            return ["mpiexec", "-n", str(np)] + extra
    run = _mpirun_of(mpi)
    if run is None:
        raise UsageError("the program links %s but no %s launcher is on PATH"
                         % ({"openmpi": "Open MPI", "mpich": "MPICH"}[mpi], {"openmpi": "Open MPI mpirun",
                                                                          "mpich": "MPICH mpiexec"}[mpi]))
    if mpi == "openmpi":
        # More ranks than cores needs --oversubscribe with Open MPI.
        return [run, "-np", str(np)] + (["--oversubscribe"] if np > cores() else []) + extra
    return [run, "-n", str(np)] + extra
