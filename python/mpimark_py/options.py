"""The mpi4py runner's options: parsed once, the same on every rank and
without MPI, by the C binary's own parser and request check
(common/core/options.c, request.c: the table of common/defs/options.def),
through the C core; this module only mirrors the config it fills and gives
its fields the names and Python types the runner uses. --payload
MODULE:FUNCTION, which the C binary refuses, is the runner's."""

import ctypes

from . import core, defs
from .errors import UsageError

WARMUP_AUTO = -1  # -x auto (timing.h: MM_WARMUP_AUTO)

# The smallest array NumPy madvises for huge pages (numpy's alloc.c).
HUGEPAGE_ARRAY_BYTES = 4 << 20

PATHS = tuple(defs.paths())  # common/defs/paths.def, in the order of mm_path


class Config:
    """The parsed options, as the runner uses them: names where C has enums
    and bit sets, lists where it has arrays."""

    def __init__(self, c, argv):
        lib = core.lib()
        self.c, self._argv = c, argv  # the mm_config (core.Config), and the argv its strings point into
        names = defs.ops()
        self.ops = [n for i, n in enumerate(names) if c.ops >> i & 1]
        self.path = [p for i, p in enumerate(PATHS) if c.paths >> i & 1]
        self.user_payload = c.user_payload.decode() if c.user_payload else None
        self.payload = defs.user_payload() if self.user_payload else defs.payloads()[c.payload]
        self.user = None  # --payload MODULE:FUNCTION: runner/userpayload.UserPayload, made by run.py
        # auto without $MPI4PY_PICKLE_THRESHOLD: pkl5's own default, read from pkl5 when it runs
        self.pkl5_threshold = None if c.pkl5_threshold_auto else c.pkl5_threshold
        self.sizes = list(c.sizes.v[:c.sizes.n])
        self.sync = lib.mm_sync_name(c.sync).decode()
        self.rank_time = lib.mm_rank_time_name(c.rank_time).decode()
        self.format = {v: k for k, v in core.FORMATS.items()}[c.format]  # mm_format (cli.h)
        self.output = c.output.decode() if c.output else None
        for name in ("mpi4py", "numpy", "iterations", "warmup", "time_budget", "rounds", "seed",
                     "launch", "launches", "window", "window_auto", "root", "hugepages", "heap_pinned",
                     "memory", "validate", "force", "wide", "quiet", "help", "version"):
            setattr(self, name, getattr(c, name))

    @property
    def paths(self):
        return self.path

    @property
    def pickles(self):
        """Whether a path that pickles is selected (mm_paths_pickle)."""
        return any(p != PATHS[0] for p in self.path)


def parse_request(argv, nranks=0):
    """The options of argv (without the program name), checked against an
    nranks-rank job (not for --help or --version; nranks 0: not yet, see
    check_job), by the C binary's parser and request check (request.h),
    with --payload MODULE:FUNCTION allowed. Pure: every rank reaches the
    same verdict. Raises UsageError."""
    args = [b"mpimark"] + [a.encode(errors="surrogateescape") for a in argv]
    cargv = (ctypes.c_char_p * (len(args) + 1))(*args)
    c, why = core.Config(), ctypes.create_string_buffer(512)
    if core.lib().mm_request_parse(len(args), cargv, nranks, True, ctypes.byref(c), why, len(why)):
        raise UsageError(why.value.decode(errors="replace"))
    return Config(c, cargv)


def check_job(cfg, nranks):
    """Raises UsageError when what cfg asks does not fit an nranks-rank job
    (mm_request_check_job: enough ranks for every operation, the root
    inside it)."""
    why = ctypes.create_string_buffer(512)
    if core.lib().mm_request_check_job(ctypes.byref(cfg.c), nranks, why, len(why)):
        raise UsageError(why.value.decode(errors="replace"))


_INTRO = (
    "Usage: mpirun -np N mpimark-py run [OP ...] [options]\n"
    "   or: mpirun -np N /usr/bin/python3 programs/python/mpimark.py [OP ...] [options]\n"
    "\n"
    "mpimark's mpi4py runner: measures MPI latency and bandwidth through mpi4py\n"
    "itself, on the buffer path (NumPy arrays through comm.Send, comm.Bcast, ...)\n"
    "and the object path (Python objects, pickled by comm.send, comm.bcast, ...).\n"
    "Results use the C mpimark's CSV/JSON schema (#@runner=mpi4py).\n")
_NOTES = (
    "Object-path reductions add the payloads elementwise as float64 (a Python\n"
    "callable as op), --payload MODULE:FUNCTION objects with +; a floats payload\n"
    "rounds sizes down to whole 8-byte floats.\n")


def usage(fp):
    """The --help text: the C binary's (mm_options_usage), with the runner's
    usage lines and notes."""
    lib = core.lib()
    p = lib.mm_options_usage_text(lib.mm_request_op_names(), _INTRO.encode(), _NOTES.encode())
    if not p:
        raise MemoryError("mm_options_usage_text")
    try:
        fp.write(ctypes.string_at(p).decode())
    finally:
        lib.mm_output_text_free(p)
