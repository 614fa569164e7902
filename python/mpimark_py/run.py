"""mpimark-py run [OP ...] [options]: mpimark's sweep through real mpi4py (the
mpi4py runner; programs/python/mpimark.py in a clone and an install).

    mpirun -np 2 mpimark-py run [OP ...] [options]

The same operations, options, defaults, errors, exit codes and CSV/JSON
schema as the C binary (build/bin/mpimark), measured through mpi4py itself:

- buffer path: NumPy arrays through the uppercase methods (comm.Send/Recv,
  Isend/Irecv, Bcast, Scatter, Gather, Allgather, Alltoall, and
  Reduce/Allreduce/Scan/Exscan with MPI.DOUBLE and MPI.SUM), payload column
  MPI_BYTE / MPI_DOUBLE as in C;
- object path: Python objects through the lowercase methods (comm.send/recv,
  isend/irecv, bcast, scatter, gather, allgather, alltoall,
  reduce/allreduce/scan/exscan), which pickle with
  protocol 5; the payload is a `bytes` object of N bytes or a `list` of N/8
  floats, and `wire_bytes` is len(pickle.dumps(payload, protocol=5)).

Reductions on the object path use ELEMENTWISE_SUM, a plain Python callable
(mpi4py's lowercase reduce accepts one as `op`): MPI.SUM would run `x + y`,
which concatenates bytes and lists instead of adding numbers. The modules
are in runner/; see docs/mpi4py.md. `--help` lists the options.
"""

import os
import platform
import sys
import traceback

from . import core, stats as mmstats, version
from .errors import EUSAGE, EXIT_CODE, OK, UsageError
from .options import check_job, parse_request, usage
from .runner.startup import launcher_rank


def _asked(argv, name):
    return any(a == name or a.startswith(name + "=") for a in argv)


def model_mismatch(cfg, argv, mpi4py_version, numpy_version):
    """Why the runner refuses the request's --mpi4py or --numpy, or None. It
    measures the mpi4py and NumPy it runs, so another version, asked for by
    name where it matters (a path that pickles; for --numpy an ndarray
    payload), cannot be honoured; the defaults (the C model's) and the
    buffer path do not depend on them (#@mpi4py_protocol, #@numpy_pickle
    say what ran)."""
    if not cfg.pickles:
        return None
    generation = int(mpi4py_version.split(".")[0])
    if _asked(argv, "--mpi4py") and cfg.mpi4py != generation:
        where = "scripts/venv builds one" if cfg.mpi4py == 4 else "Debian's python3-mpi4py is 3.1"
        return ("--mpi4py %d: this Python has mpi4py %s, whose object and pkl5 paths are "
                "generation %d; run the runner on a Python with mpi4py %d.x (%s), or the C "
                "binary, which models both" % (cfg.mpi4py, mpi4py_version, generation, cfg.mpi4py,
                                               where))
    major = int(numpy_version.split(".")[0])
    if _asked(argv, "--numpy") and cfg.payload == "ndarray" and cfg.numpy != major:
        return ("--numpy %d: this Python has NumPy %s, which pickles arrays as %d.x does; run the "
                "runner on a Python with NumPy %d.x, or the C binary, which models both"
                % (cfg.numpy, numpy_version, major, cfg.numpy))
    return None


def main(argv):
    # Parsed once, before MPI starts: --help and --version need none (rank 0
    # of a launch prints, as the C binary's rank 0 does); the job's size is
    # checked once MPI has started, and a bad request is reported then, by
    # every rank together.
    try:
        cfg, bad = parse_request(argv), None
    except UsageError as e:
        cfg, bad = None, e
    if cfg is not None and (cfg.help or cfg.version):
        if launcher_rank() == 0 and cfg.help:
            usage(sys.stdout)
        elif launcher_rank() == 0:
            sys.stdout.write("mpimark %s (git %s), mpi4py runner (Python %s)\n" % (
                version.project_version(), version.git_commit(), platform.python_version()))
        return 0
    from .runner.mpi import MPI, mpi4py, np  # starts MPI
    from .runner import harness
    from .runner.metadata import collect_metadata
    from .runner.suite import Suite, agree

    sys.excepthook = _excepthook
    comm = MPI.COMM_WORLD.Dup()
    rank, nranks = comm.Get_rank(), comm.Get_size()

    def fail(err, why):
        if err and rank == 0 and why:
            sys.stderr.write("mpimark: %s\n" % core.error_line(why))
            sys.stderr.flush()
        return EXIT_CODE[err]

    try:
        if bad:
            raise bad
        check_job(cfg, nranks)
        hooks = harness.test_hooks()  # from the C harness the kernels are timed by
    except UsageError as e:
        return fail(EUSAGE, str(e))
    err, why = OK, None
    if cfg.output and rank == 0:
        err, why = core.atomic_check(cfg.output, cfg.force)
    err = agree(comm, err)
    if err:
        return fail(err, why)

    why = model_mismatch(cfg, argv, mpi4py.__version__, np.__version__)
    if why:  # the same on every rank: one interpreter
        return fail(EUSAGE, why)
    if cfg.user_payload:  # the user's objects, made and checked on every rank before measuring
        from .runner.userpayload import UserPayload
        why = None
        try:
            cfg.user = UserPayload(cfg.user_payload, cfg.sizes)
        except UsageError as e:
            why = str(e)
        if agree(comm, EUSAGE if why else OK):
            return fail(EUSAGE, why or "--payload %s failed on another rank" % cfg.user_payload)
    suite = Suite(comm, cfg, hooks)
    err, why = suite.allocate()
    if err:
        return fail(err, why)

    # One seed for every rank: the rounds' orders must agree.
    seed = comm.bcast(cfg.seed or mmstats.round_seed_from_clock(), 0)
    meta = collect_metadata(comm, rank, cfg, seed, suite.heap)
    err, rows, facts = suite.run(seed)
    meta.update(facts)
    if err == OK and rank == 0:
        sys.stdout.flush()
        err = core.output_results(meta.items(), rows, cfg.format, cfg.output, cfg.force)
    err = agree(comm, err)
    comm.Free()
    return EXIT_CODE[err]


def _excepthook(tp, value, tb):
    """An unexpected error on one rank ends the whole job: the other ranks
    would otherwise wait for it forever."""
    from .runner.mpi import MPI
    rank = MPI.COMM_WORLD.Get_rank() if MPI.Is_initialized() and not MPI.Is_finalized() else -1
    sys.stderr.write("mpimark: rank %d: %s\n" % (
        rank, "".join(traceback.format_exception_only(tp, value)).strip()))
    traceback.print_tb(tb, file=sys.stderr)
    sys.stderr.flush()
    if MPI.Is_initialized() and not MPI.Is_finalized():
        MPI.COMM_WORLD.Abort(1)
    os._exit(1)
