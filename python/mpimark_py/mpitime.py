"""The time a program spends in MPI (scaling --mpi-time): which interposer
to preload (common/pmpi/mpitime.c, libmpimark_mpitime.so), the words that
preload it into each rank, and what its files say."""

import csv
import math
import os
import re
import statistics

from . import launcher
from .errors import Failure, UsageError

LIBRARY = "libmpimark_mpitime.so"
FUNCTION = re.compile(r"MPI_[A-Za-z_]+|\(all\)")
ALL = "(all)"


def library(mpi, near):
    """The interposer built with the program's MPI: $MPIMARK_MPITIME_LIB, or
    lib/ beside the bin/ of near (the bundled montecarlo_pi), or the
    clone's build-<mpi>/lib; UsageError when none links that MPI."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # python/
    candidates = [os.environ.get("MPIMARK_MPITIME_LIB")]
    if near:
        candidates.append(os.path.join(os.path.dirname(os.path.dirname(near)), "lib", LIBRARY))
    candidates += [os.path.join(os.path.dirname(root), d, "lib", LIBRARY) for d in ("build", "build-" + mpi)]
    for path in (c for c in candidates if c):
        if os.path.isfile(path) and launcher.detect_mpi(path) == mpi:
            return os.path.abspath(path)
    raise UsageError("--mpi-time: no %s built with %s (scripts/build%s builds it; or set MPIMARK_MPITIME_LIB)"
                     % (LIBRARY, mpi, "" if mpi == "openmpi" else " --mpi " + mpi))


def preload(lib, out):
    """The words, after the launcher's, that run the program with the
    interposer preloaded and writing to out (env passes both through every
    launcher: mpirun, mpiexec, srun)."""
    old = os.environ.get("LD_PRELOAD")
    return ["env", "LD_PRELOAD=" + lib + (":" + old if old else ""), "MPIMARK_MPITIME_OUT=" + out]


def read(path):
    """{rank: (seconds in MPI, seconds between MPI_Init and MPI_Finalize,
    {function: seconds})} of one run's file; Failure when it is missing or
    malformed."""
    try:
        with open(path, encoding="utf-8") as f:
            rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    except OSError:
        raise Failure("--mpi-time: the run wrote no MPI times (%s): it did not reach MPI_Finalize, or "
                      "its MPI calls do not go through the C library the interposer wraps" % path)
    out = {}
    for n, r in enumerate(rows, 2):
        try:
            rank, secs, run = int(r["rank"]), float(r["seconds"]), float(r["run_seconds"])
        except (KeyError, TypeError, ValueError):
            raise Failure("%s:%d: not a line of the MPI-time interposer" % (path, n))
        if not (FUNCTION.fullmatch(r["function"] or "") and math.isfinite(secs) and math.isfinite(run)
                and secs >= 0 and run >= 0 and rank >= 0):
            raise Failure("%s:%d: not a line of the MPI-time interposer" % (path, n))
        mpi, total, funcs = out.get(rank, (0.0, run, {}))
        if r["function"] == ALL:
            mpi = secs
        else:
            funcs[r["function"]] = secs
        out[rank] = (mpi, total, funcs)
    if not out:
        raise Failure("%s: no ranks in the MPI-time file" % path)
    return out


def summary(runs):
    """Per rank count, from its runs' files (read): the share of the time
    between MPI_Init and MPI_Finalize spent in MPI, as (median over ranks,
    min, max) each the median over runs, and the three costliest functions
    with their shares of the time in MPI."""
    med, lo, hi, per_func = [], [], [], {}
    for ranks in runs:
        shares = sorted(mpi / total if total > 0 else 0.0 for mpi, total, _ in ranks.values())
        med.append(statistics.median(shares))
        lo.append(shares[0])
        hi.append(shares[-1])
        for _, _, funcs in ranks.values():
            for f, s in funcs.items():
                per_func[f] = per_func.get(f, 0.0) + s
    spent = sum(per_func.values())
    top = sorted(per_func.items(), key=lambda x: -x[1])[:3]
    calls = "; ".join("%s %.0f%%" % (f, 100 * s / spent) for f, s in top if spent > 0)
    return statistics.median(med), statistics.median(lo), statistics.median(hi), calls
