"""The mpi4py runner's options: common/defs/options.def, the table the C
binary compiles, with a setter of each name here (as benchmarks/options.c);
parsed once, the same on every rank, without MPI."""

import math
import os
import re
import sys

from . import core, defs, stats as mmstats
from .errors import UsageError
from .sizes import SizeError, size_parse, sizes_parse

WARMUP_AUTO = -1  # -x auto (options.h)

WINDOW_AUTO_MAX, WINDOW_AUTO_BYTES = 64, 16 << 20  # -W auto (options.h)

_LONG_MIN, _LONG_MAX = -2 ** 63, 2 ** 63 - 1


def _parse_long(arg, minimum, what):
    """strtol(arg, &end, 10) with the whole argument consumed and >= minimum."""
    m = re.fullmatch(r"[ \t\n\v\f\r]*([+-]?[0-9]+)", arg)
    v = int(m.group(1)) if m else None
    if v is None or v < _LONG_MIN or v > _LONG_MAX or v < minimum:
        raise UsageError("bad %s '%s': expected a whole number >= %d" % (what, arg, minimum))
    return v


_FLOAT = re.compile(r"[ \t\n\v\f\r]*[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                    r"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
                    r"|(?i:inf(?:inity)?|nan))")


def _parse_seconds(arg):
    """strtod with the whole argument consumed; overflow and underflow fail
    as strtod's ERANGE does."""
    v = None
    if _FLOAT.fullmatch(arg):
        text = arg.strip(" \t\n\v\f\r")
        try:
            v = float.fromhex(text) if "x" in text.lower() else float(text)
        except (ValueError, OverflowError):
            v = None
    bad = (v is None or not math.isfinite(v) or v <= 0 or v > 3600
           or 0 < abs(v) < sys.float_info.min)
    if bad:
        raise UsageError("bad --time '%s': expected seconds, > 0 and <= 3600" % arg)
    return v


def _choice(name, choices, words, kind=str):
    def set_(cfg, a):
        if a not in choices:
            raise UsageError("bad --%s '%s': expected %s" % (name, a, words))
        setattr(cfg, name.replace("-", "_"), kind(a))
    return set_


def set_sizes(cfg, a):
    try:
        cfg.sizes = sizes_parse(a)
    except SizeError as e:
        raise UsageError(str(e))


def set_iterations(cfg, a):
    cfg.iterations = _parse_long(a, 1, "iteration count")


def set_warmup(cfg, a):
    cfg.warmup = WARMUP_AUTO if a == "auto" else _parse_long(a, 0, "warmup count")


def set_window(cfg, a):
    cfg.window_auto = a == "auto"
    if cfg.window_auto:
        cfg.window = WINDOW_AUTO_MAX
        return
    v = _parse_long(a, 1, "window")
    if v > 4096:
        raise UsageError("bad window '%s': at most 4096" % a)
    cfg.window = v


def set_rounds(cfg, a):
    v = _parse_long(a, 1, "round count")
    if v > mmstats.MAX_ROUNDS:
        raise UsageError("bad round count '%s': at most %d" % (a, mmstats.MAX_ROUNDS))
    cfg.rounds = v


def set_seed(cfg, a):
    cfg.seed = 0 if a == "auto" else _parse_long(a, 1, "seed")


def set_root(cfg, a):
    v = _parse_long(a, 0, "root rank")
    if v > 1 << 30:
        raise UsageError("bad root rank '%s'" % a)
    cfg.root = v


def set_time(cfg, a):
    cfg.time_budget = _parse_seconds(a)


def set_output(cfg, a):
    if len(a) < 5 or not (a.endswith(".csv") or a.endswith(".json")):
        raise UsageError("bad --output '%s': the name must end in .csv or .json" % a)
    cfg.output = a


def _flag(attr):
    def set_(cfg, a):
        setattr(cfg, attr, True)
    return set_


def set_launch(cfg, a):
    m = re.fullmatch(r"([0-9]+)/([0-9]+)", a)
    i, n = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    if not (1 <= i <= 1000 and 1 <= n <= 1000):  # I past L: a launch measure added
        raise UsageError("bad --launch '%s': expected I/L with 1 <= I, L <= 1000" % a)
    cfg.launch, cfg.launches = i, n


PATHS = tuple(defs.paths())  # common/defs/paths.def, the list options.c compiles


def set_path(cfg, a):
    """A list of paths (buffer,object,pkl5), or both (buffer,object) or all."""
    names = {"both": ["buffer", "object"], "all": list(PATHS)}.get(a, a.split(","))
    if any(n not in PATHS for n in names) or len(set(names)) != len(names):
        raise UsageError("bad --path '%s': expected a list of buffer, object and pkl5 (each "
                         "once), or both or all" % a)
    cfg.path = [p for p in PATHS if p in names]


def set_hugepages(cfg, a):
    if a not in ("no", "yes"):
        raise UsageError("bad --hugepages '%s': expected no or yes" % a)
    cfg.hugepages = a == "yes"


def set_heap(cfg, a):
    if a not in ("default", "pinned"):
        raise UsageError("bad --heap '%s': expected default or pinned" % a)
    cfg.heap_pinned = a == "pinned"


def set_memory(cfg, a):
    """-M: bytes each rank may use for messages; 0: auto (the C core parses it)."""
    cfg.memory = core.memory_parse(a)


# The smallest array NumPy madvises for huge pages (numpy's alloc.c).
HUGEPAGE_ARRAY_BYTES = 4 << 20


def _thp_mode():
    """The kernel's transparent huge page mode (mm_thp_mode)."""
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            m = re.search(r"\[([a-z]+)\]", f.read())
            return m.group(1) if m else "unknown"
    except OSError:
        return "unknown"


def set_pkl5_threshold(cfg, a):
    """auto: mpi4py.util.pkl5's own rule, $MPI4PY_PICKLE_THRESHOLD (checked
    here, as pkl5 would fail on a bad one at import) or pkl5's default
    (None: read from pkl5 when it runs)."""
    env = os.environ.get("MPI4PY_PICKLE_THRESHOLD", "")
    if a == "auto" and not env:
        cfg.pkl5_threshold = None
        return
    text = env if a == "auto" else a
    try:
        cfg.pkl5_threshold = size_parse(text)
    except SizeError:
        raise UsageError("bad %s '%s': expected bytes such as 0, 1024 or 256K"
                         % ("MPI4PY_PICKLE_THRESHOLD" if a == "auto" else "--pkl5-threshold", text))


# The mpi4py generation and NumPy version asked for: the runner measures
# the installed ones, and refuses others asked for by name (run.py).
set_mpi4py = _choice("mpi4py", ("3", "4"), "3 or 4", int)
set_numpy = _choice("numpy", ("1", "2"), "1 or 2", int)
def set_payload(cfg, a):
    """A payload of payloads.def, or MODULE:FUNCTION: the user's own objects
    (runner/userpayload.py imports and checks them before measuring)."""
    module, colon, func = a.rpartition(":")
    if colon and module and func.isidentifier():
        cfg.payload, cfg.user_payload = defs.user_payload(), a
        return
    if a not in defs.payloads():
        raise UsageError("bad --payload '%s': expected bytes, floats, ndarray or MODULE:FUNCTION (mpi4py "
                         "runner only)" % a)
    cfg.payload, cfg.user_payload = a, None
set_sync = _choice("sync", ("window", "barrier", "batch"), "window, barrier or batch")
set_rank_time = _choice("rank-time", ("slowest", "average", "fastest"), "slowest, average or fastest")
set_format = _choice("format", ("table", "csv", "json"), "table, csv or json")
set_validate, set_force, set_quiet = _flag("validate"), _flag("force"), _flag("quiet")
set_wide = _flag("wide")
set_help, set_version = _flag("help"), _flag("version")

# (long name, short name, argument, default, setter, help): the table C
# compiles (common/defs/options.def), with this file's setter of each name.
OPTIONS = [(name, short, arg, default, globals()[setter], help_)
           for name, short, arg, default, setter, help_ in defs.options()]


class Config:
    """The parsed options. Whatever options.def gives a default is set from
    it by options_parse, through its setter (as options.c does), so no
    default is written twice; here only what a flag, an option without a
    default or the operation list leaves unset."""

    def __init__(self):
        self.ops = []
        self.iterations = 0  # -i: none, the time budget decides
        self.launch = self.launches = 0  # --launch I/L: none
        self.output = None
        self.user = None  # --payload MODULE:FUNCTION: runner/userpayload.UserPayload, made by run.py
        self.validate = self.force = self.quiet = self.help = self.version = self.wide = False

    def stream_window(self, nbytes):
        """Messages in flight for a bandwidth kernel at this size
        (mm_stream_window)."""
        if not self.window_auto or nbytes == 0:
            return self.window
        fit = WINDOW_AUTO_BYTES // nbytes
        return 2 if fit < 2 else min(fit, self.window)

    @property
    def paths(self):
        return self.path

    @property
    def pickles(self):
        """Whether a path that pickles is selected (mm_paths_pickle)."""
        return any(p != PATHS[0] for p in self.path)


def _find_option(arg):
    """(option, inline value) for an argument that starts with '-', or None."""
    if arg.startswith("--"):
        name, eq, value = arg[2:].partition("=")
        for o in OPTIONS:
            if o[0] == name:
                return o, (value if eq else None)
        return None
    for o in OPTIONS:
        if o[1] and o[1] == arg[1]:
            return o, (arg[2:] if len(arg) > 2 else None)  # -m1K as well as -m 1K
    return None


def options_parse(argv):
    """Parses argv (without the program name) into a Config, defaults first;
    operations by ops.def. Pure: every rank reaches the same verdict.
    Raises UsageError."""
    cfg = Config()
    for o in OPTIONS:
        if o[3] is not None:
            o[4](cfg, o[3])
    names = defs.ops()
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if not arg.startswith("-") or arg == "-":
            if arg not in names:
                raise UsageError("unknown operation '%s' (choose from: %s)"
                                 % (arg, " ".join(names)))
            if arg not in cfg.ops:
                cfg.ops.append(arg)
            continue
        found = _find_option(arg)
        if not found:
            raise UsageError("unknown option '%s' (see --help)" % arg)
        opt, value = found
        if opt[2] is None and value is not None:
            raise UsageError("option --%s takes no value" % opt[0])
        if opt[2] is not None and value is None:
            if i >= len(argv):
                raise UsageError("option --%s needs a value: %s" % (opt[0], opt[2]))
            value = argv[i]
            i += 1
        opt[4](cfg, value if value is not None else "")
    # Registry order, as the C bit mask gives.
    cfg.ops = [n for n in names if n in cfg.ops] if cfg.ops else names
    if cfg.wide and cfg.format != "table":
        raise UsageError("--wide is a layout of the table; --format %s has none" % cfg.format)
    if cfg.wide:
        cfg.format = "wide"
    if cfg.launches > 1:  # this launch's share of the measurement (options.c)
        cfg.rounds = (cfg.rounds + cfg.launches - 1) // cfg.launches
        cfg.time_budget /= cfg.launches
    return cfg


def usage(fp):
    """The --help text: the operations and the options (ops.def, options.def)."""
    fp.write(
        "Usage: mpirun -np N mpimark-py run [OP ...] [options]\n"
        "   or: mpirun -np N /usr/bin/python3 benchmarks/python/mpimark.py [OP ...] [options]\n"
        "\n"
        "mpimark's mpi4py runner: measures MPI latency and bandwidth through mpi4py\n"
        "itself, on the buffer path (NumPy arrays through comm.Send, comm.Bcast, ...)\n"
        "and the object path (Python objects, pickled by comm.send, comm.bcast, ...).\n"
        "Results use the C mpimark's CSV/JSON schema (#@runner=mpi4py).\n"
        "\n"
        "Operations (default: all):\n")
    for name, summary in defs.op_summaries():
        fp.write("  %-12s %s\n" % (name, summary))
    fp.write("\nOptions:\n")
    for name, short, arg, default, _, text in OPTIONS:
        left = ("-%s, --%s %s" % (short, name, arg or "") if short
                else "    --%s %s" % (name, arg or ""))
        fp.write("  %-30s %s%s\n" % (left, text, " (default %s)" % default if default else ""))
    fp.write("\nNext to OSU and IMB (docs/osu-imb.md):\n")
    for theirs, ours in defs.equivalents():
        fp.write("  %-26s %s\n" % (theirs, ours))
    fp.write(
        "\nSizes take K, M, G suffixes (powers of 1024). Latency is in microseconds\n"
        "(half a round trip for sendrecv/isendirecv), bandwidth in MB/s (10^6 bytes/s).\n"
        "Object-path reductions add the payloads elementwise as float64 (a Python\n"
        "callable as op), --payload MODULE:FUNCTION objects with +; a floats payload\n"
        "rounds sizes down to whole 8-byte floats.\n"
        "\nExit codes: 0 ok, 1 runtime or validation failure, 2 usage error.\n")


def check_request(cfg, nranks):
    """What cfg asks of an nranks-rank job (benchmarks/request.c): enough
    ranks for every selected operation (ops.def) and a root inside the job;
    None, or the reason."""
    if cfg.root >= nranks:
        return "--root %d is not a rank of this job (ranks 0..%d)" % (cfg.root, nranks - 1)
    for name, need in defs.op_min_ranks().items():
        if name in cfg.ops and nranks < need:
            return ("%s needs at least %d ranks, this job has %d (mpirun -np %d ...)"
                    % (name, need, nranks, need))
    return None

