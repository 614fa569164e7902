"""The mpi4py runner's options: parsed once, the same on every rank and
without MPI, by the C binary's own parser and request check
(common/core/options.c, request.c: the table of common/defs/options.def),
through the C core; this module only mirrors the config it fills and gives
its fields the names and Python types the runner uses. --payload
MODULE:FUNCTION, which the C binary refuses, is the runner's."""

import ctypes
import re

from . import core, defs
from .errors import UsageError

WARMUP_AUTO = -1  # -x auto (timing.h: MM_WARMUP_AUTO)

# The smallest array NumPy madvises for huge pages (numpy's alloc.c).
HUGEPAGE_ARRAY_BYTES = 4 << 20

PATHS = tuple(defs.paths())  # common/defs/paths.def, in the order of mm_path


_MAX_SIZES = 256  # MM_SIZES_MAX_COUNT (sizes.h), checked at load


class _Sizes(ctypes.Structure):  # mm_sizes (sizes.h)
    _fields_ = [("n", ctypes.c_size_t), ("v", ctypes.c_size_t * _MAX_SIZES)]


class _Config(ctypes.Structure):  # mm_config (options.h); its size is checked against mm_config_size
    _fields_ = [("ops", ctypes.c_uint32), ("paths", ctypes.c_uint), ("payload", ctypes.c_int),
                ("user_payload", ctypes.c_char_p), ("mpi4py", ctypes.c_int), ("numpy", ctypes.c_int),
                ("pkl5_threshold", ctypes.c_size_t), ("pkl5_threshold_auto", ctypes.c_bool),
                ("sizes", _Sizes), ("iterations", ctypes.c_long), ("warmup", ctypes.c_long),
                ("time_budget", ctypes.c_double), ("rounds", ctypes.c_int), ("seed", ctypes.c_ulong),
                ("launch", ctypes.c_int), ("launches", ctypes.c_int), ("sync", ctypes.c_int),
                ("rank_time", ctypes.c_int), ("window", ctypes.c_int), ("window_auto", ctypes.c_bool),
                ("root", ctypes.c_int), ("hugepages", ctypes.c_bool), ("heap_pinned", ctypes.c_bool),
                ("memory", ctypes.c_double), ("validate", ctypes.c_bool), ("format", ctypes.c_int),
                ("output", ctypes.c_char_p), ("force", ctypes.c_bool), ("wide", ctypes.c_bool),
                ("quiet", ctypes.c_bool), ("help", ctypes.c_bool), ("version", ctypes.c_bool)]


_declared = False


def _lib():
    global _declared
    lib = core.lib()
    if not _declared:
        lib.mm_request_parse.restype = ctypes.c_int
        lib.mm_request_parse.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int,
                                         ctypes.c_bool, ctypes.POINTER(_Config), ctypes.c_char_p,
                                         ctypes.c_size_t]
        lib.mm_request_op_names.restype = ctypes.c_void_p
        lib.mm_options_usage_text.restype = ctypes.c_void_p
        lib.mm_options_usage_text.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.mm_output_text_free.argtypes = [ctypes.c_void_p]
        for f in (lib.mm_sync_name, lib.mm_rank_time_name):
            f.restype, f.argtypes = ctypes.c_char_p, [ctypes.c_int]
        lib.mm_stream_window_of.restype = ctypes.c_int
        lib.mm_stream_window_of.argtypes = [ctypes.c_int, ctypes.c_bool, ctypes.c_size_t]
        if ctypes.c_size_t.in_dll(lib, "mm_config_size").value != ctypes.sizeof(_Config) or \
                core.const("mm_sizes_max_count", ctypes.c_size_t) != _MAX_SIZES:
            raise UsageError("mpimark's C core does not match options.py (mm_config): rebuild it "
                             "(scripts/build)")
        _declared = True
    return lib


class Config:
    """The parsed options, as the runner uses them: names where C has enums
    and bit sets, lists where it has arrays."""

    def __init__(self, c):
        lib = _lib()
        names = defs.ops()
        self.ops = [n for i, n in enumerate(names) if c.ops >> i & 1]
        self.path = [p for i, p in enumerate(PATHS) if c.paths >> i & 1]
        self.user_payload = c.user_payload.decode() if c.user_payload else None
        self.payload = defs.user_payload() if self.user_payload else defs.payloads()[c.payload]
        self.user = None  # --payload MODULE:FUNCTION: runner/userpayload.UserPayload, made by run.py
        # auto without $MPI4PY_PICKLE_THRESHOLD: pkl5's own default, read from pkl5 when it runs
        self.pkl5_threshold = None if c.pkl5_threshold_auto else c.pkl5_threshold
        self.sizes = list(c.sizes.v[:c.sizes.n])
        self.sync_code, self.rank_time_code = c.sync, c.rank_time  # mm_sync, mm_rank_time (the harness's)
        self.sync = lib.mm_sync_name(c.sync).decode()
        self.rank_time = lib.mm_rank_time_name(c.rank_time).decode()
        self.format = {v: k for k, v in core.FORMATS.items()}[c.format]  # mm_format (cli.h)
        self.output = c.output.decode() if c.output else None
        for name in ("mpi4py", "numpy", "iterations", "warmup", "time_budget", "rounds", "seed",
                     "launch", "launches", "window", "window_auto", "root", "hugepages", "heap_pinned",
                     "memory", "validate", "force", "wide", "quiet", "help", "version"):
            setattr(self, name, getattr(c, name))

    def stream_window(self, nbytes):
        """Messages in flight for a bandwidth kernel at this size
        (mm_stream_window)."""
        return _lib().mm_stream_window_of(self.window, self.window_auto, nbytes)

    @property
    def paths(self):
        return self.path

    @property
    def pickles(self):
        """Whether a path that pickles is selected (mm_paths_pickle)."""
        return any(p != PATHS[0] for p in self.path)


def parse_request(argv, nranks):
    """The options of argv (without the program name), checked against an
    nranks-rank job (not for --help or --version), by the C binary's parser
    and request check (request.h), with --payload MODULE:FUNCTION allowed.
    Pure: every rank reaches the same verdict. Raises UsageError."""
    args = [b"mpimark"] + [a.encode(errors="surrogateescape") for a in argv]
    cargv = (ctypes.c_char_p * (len(args) + 1))(*args)
    c, why = _Config(), ctypes.create_string_buffer(512)
    if _lib().mm_request_parse(len(args), cargv, nranks, True, ctypes.byref(c), why, len(why)):
        raise UsageError(why.value.decode(errors="replace"))
    return Config(c)  # read while cargv, which c points into, lives


_INTRO = (
    "Usage: mpirun -np N mpimark-py run [OP ...] [options]\n"
    "   or: mpirun -np N /usr/bin/python3 benchmarks/python/mpimark.py [OP ...] [options]\n"
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
    lib = _lib()
    p = lib.mm_options_usage_text(lib.mm_request_op_names(), _INTRO.encode(), _NOTES.encode())
    if not p:
        raise MemoryError("mm_options_usage_text")
    try:
        fp.write(ctypes.string_at(p).decode())
    finally:
        lib.mm_output_text_free(p)


def _thp_mode():
    """The kernel's transparent huge page mode (mm_thp_mode)."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            m = re.search(r"\[([a-z]+)\]", f.read())
            return m.group(1) if m else "unknown"
    except OSError:
        return "unknown"
