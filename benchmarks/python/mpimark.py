#!/usr/bin/python3
"""mpimark's mpi4py runner: the real mpi4py paths, measured into the same results.

    mpirun -np 2 /usr/bin/python3 benchmarks/python/mpimark.py [OP ...] [options]

The same operations, options, defaults, errors, exit codes and CSV/JSON
schema as the C binary (build/bin/mpimark), measured through mpi4py itself:

- buffer path: NumPy arrays through the uppercase methods (comm.Send/Recv,
  Isend/Irecv, Bcast, Scatter, Gather, Reduce/Allreduce with MPI.DOUBLE and
  MPI.SUM), payload column MPI_BYTE / MPI_DOUBLE as in C;
- object path: Python objects through the lowercase methods (comm.send/recv,
  isend/irecv, bcast, scatter, gather, reduce/allreduce), which pickle with
  protocol 5; the payload is a `bytes` object of N bytes or a `list` of N/8
  floats, and `wire_bytes` is len(pickle.dumps(payload, protocol=5)).

Reductions on the object path use ELEMENTWISE_SUM, a plain Python callable
(mpi4py's lowercase reduce accepts one as `op`): MPI.SUM would run `x + y`,
which concatenates bytes and lists instead of adding numbers.

One harness loop (measure) mirrors common/mpi/harness.c; the statistics
(python/mmtools/stats.py) are common/core/stats.c's, checked bit for bit by the tests. See
docs/mpi4py.md.
"""

import os
import sys


def _launcher_rank():
    """This process's rank from the launcher's environment, before MPI is up."""
    for var in ("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"):
        value = os.environ.get(var, "")
        if value.isdigit():
            return int(value)
    return 0


def _exit_before_mpi(code):
    """Exits without MPI. Rank 0 has printed why; the other ranks wait a
    moment first, because the launcher kills the whole job when the first
    rank exits, and rank 0 must have written its line by then."""
    if _launcher_rank() != 0:
        sys.stderr.flush()
        import time
        time.sleep(2.0)
    sys.exit(code)


def _require(modules):
    """Imports the modules this runner cannot work without. If any is
    missing, one line from rank 0 names the Debian packages, and every rank
    exits 2 before MPI starts (so no rank waits for another)."""
    import importlib
    loaded, missing = [], []
    for module, package in modules:
        try:
            loaded.append(importlib.import_module(module))
        except ImportError as e:
            missing.append((module, package, e))
    if not missing:
        return loaded
    if _launcher_rank() == 0:
        python = sys.executable or "python3"
        packages = " ".join(dict.fromkeys(p for _, p, _ in missing))
        hint = "apt-get install %s" % packages
        if os.path.realpath(python) != os.path.realpath("/usr/bin/python3"):
            hint += ", or run the runner with /usr/bin/python3"
        sys.stderr.write("mpimark: the mpi4py runner needs %s, which %s cannot import (%s): %s\n" % (
            " and ".join("'%s' (Debian package %s)" % (m, p) for m, p, _ in missing), python,
            "; ".join(str(e) for _, _, e in missing), hint))
    _exit_before_mpi(2)


# numpy, mpi4py and MPI: loaded by load_mpi() when the runner runs, so that
# importing this file (tests/python/request_tool.py) needs neither.
np = mpi4py = MPI = MPI4PY_GENERATION = None


def load_mpi():
    """Imports NumPy and mpi4py and starts MPI; refuses, on every rank and
    before MPI starts, what the runner cannot work with."""
    global np, mpi4py, MPI, MPI4PY_GENERATION
    np, mpi4py = _require([("numpy", "python3-numpy"), ("mpi4py", "python3-mpi4py")])
    # mpi4py asks MPI for MPI_THREAD_MULTIPLE unless told otherwise; that is
    # what its users get, so it is the default here too. MPIMARK_MPI4PY_THREAD_LEVEL
    # (single|funneled|serialized|multiple) sets mpi4py.rc.thread_level, to see
    # what the thread level costs; #@mpi_thread_level records what MPI granted.
    level = os.environ.get("MPIMARK_MPI4PY_THREAD_LEVEL", "multiple")
    if level not in THREAD_LEVELS:
        if _launcher_rank() == 0:
            sys.stderr.write("mpimark: bad MPIMARK_MPI4PY_THREAD_LEVEL '%s': expected single, "
                             "funneled, serialized or multiple\n" % level)
        _exit_before_mpi(2)
    mpi4py.rc.thread_level = level
    (MPI,) = _require([("mpi4py.MPI", "python3-mpi4py")])
    MPI4PY_GENERATION = int(mpi4py.__version__.split(".")[0])  # the protocol that runs


THREAD_LEVELS = ("single", "funneled", "serialized", "multiple")  # MPI.THREAD_SINGLE, ...


import errno  # noqa: E402
import itertools  # noqa: E402
import math  # noqa: E402
import pickle  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
# What mpimark's Python tools share: result files, atomic writes, statistics.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from mmtools import atomic, defs, stats as mmstats  # noqa: E402
from mmtools import results as mmresults, table as mmtable  # noqa: E402
from mmtools.sizes import size_human  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from mmtools.errors import EXIT_CODE, STRERROR, UsageError  # noqa: E402
from mmtools.errors import EEXIST, EIO, ENOMEM, EOUTPUT, ETOOBIG, EUSAGE, EVALIDATE, OK  # noqa: E402,F401
from mmtools.options import (HUGEPAGE_ARRAY_BYTES, PATHS, WARMUP_AUTO,  # noqa: E402
                             WINDOW_AUTO_BYTES, _thp_mode, check_request, options_parse, usage)


# ---- Patterns: common/core/buffers.h, vectorized ----

_CHUNK = 1 << 20


def pattern_bytes(n, seed):
    """mm_pattern_byte(i, seed) for i in 0..n-1, as a uint8 array."""
    out = np.empty(n, np.uint8)
    base = (seed * 40503 + 0x9E37) & 0xFFFFFFFF
    for start in range(0, n, _CHUNK):
        i = np.arange(start, min(n, start + _CHUNK), dtype=np.uint64)
        x = (i * np.uint64(2654435761) + np.uint64(base)) & np.uint64(0xFFFFFFFF)
        out[start:start + len(i)] = ((x >> np.uint64(13)) ^ (x >> np.uint64(24))) & np.uint64(0xFF)
    return out


def pattern_doubles(n, seed):
    """mm_pattern_double(i, seed): small whole numbers 1..13, sums stay exact."""
    i = np.arange(n, dtype=np.uint64)
    return ((i * np.uint64(7) + np.uint64(seed * 3)) % np.uint64(13) + np.uint64(1)).astype(
        np.float64)


def seed_of_rank(r):  # data sent by rank r
    return r + 1


def seed_for_rank(r):  # data the root sends to rank r in a scatter
    return 1000 + r


def expected_sums(count, nranks):
    want = np.zeros(count, np.float64)
    for r in range(nranks):
        want += pattern_doubles(count, seed_of_rank(r))
    return want


def check_bytes(buf, n, seed):
    """None, or why the first n bytes of buf differ from the pattern."""
    got = np.frombuffer(buf, np.uint8, count=n) if n else np.empty(0, np.uint8)
    bad = np.flatnonzero(got != pattern_bytes(n, seed))
    if bad.size == 0:
        return None
    i = int(bad[0])
    return "byte %d of %d is 0x%02x, expected 0x%02x" % (i, n, got[i], pattern_bytes(i + 1, seed)[i])


def check_values(got, want, what):
    """None, or why float64 array got differs from want."""
    bad = np.flatnonzero(got != want)
    if bad.size == 0:
        return None
    i = int(bad[0])
    return "%s element %d of %d is %.17g, expected %.17g" % (what, i, len(want), got[i], want[i])


# ---- The object path's reduction operator ----

def ELEMENTWISE_SUM(a, b):
    """The object path's reduction: add two payloads elementwise as float64
    and return a new object of the same type. `bytes` payloads are read as
    native float64 (np.frombuffer, no copy) and the sum is returned as new
    bytes; lists of floats give a new list; arrays give a + b, a new array.
    (MPI.SUM would call a + b, which concatenates bytes and lists.)"""
    if type(a) is np.ndarray:
        return a + b
    if type(a) is bytes:
        return (np.frombuffer(a, np.float64) + np.frombuffer(b, np.float64)).tobytes()
    return [x + y for x, y in zip(a, b)]


# ---- Operations: one table, kernels per path (benchmarks/op_*.c) ----

PINGPONG, COLLECTIVE, STREAM, BISTREAM = "pingpong", "collective", "stream", "bistream"
TAG_DATA, TAG_ACK = 1, 2


def _idle():
    pass


class Ctx:
    """Everything a kernel may use for one (operation, path, size)."""

    def __init__(self, **kw):
        self.got = None
        self.__dict__.update(kw)

    # Buffer path: views of the shared buffers, as mpi4py message specs.
    def bytes_msg(self, buf, count=1):
        return [buf[:self.bytes * count], MPI.BYTE]

    def doubles_msg(self, buf):
        return [buf[:self.bytes].view(np.float64), MPI.DOUBLE]

    # Object path: this size's payload with a pattern seed.
    def payload_obj(self, seed, doubles=False):
        if self.payload == "floats":
            return pattern_doubles(self.bytes // 8, seed).tolist()
        if self.payload == "ndarray":
            return pattern_doubles(self.bytes // 8, seed).copy()  # its own, C-contiguous
        if doubles:
            return pattern_doubles(self.bytes // 8, seed).tobytes()
        return pattern_bytes(self.bytes, seed).tobytes()

    def check_obj(self, obj, seed, doubles=False):
        """None, or why a received payload is not the one seed describes."""
        if self.payload == "floats":
            if type(obj) is not list:
                return "received a %s, expected a list" % type(obj).__name__
            if len(obj) != self.bytes // 8:
                return "received %d floats, expected %d" % (len(obj), self.bytes // 8)
            if any(type(x) is not float for x in obj):
                return "received a list holding something other than floats"
            return check_values(np.array(obj, np.float64), pattern_doubles(len(obj), seed), "float")
        if self.payload == "ndarray":
            return self._check_array(obj) or check_values(obj, pattern_doubles(len(obj), seed),
                                                          "float64")
        if type(obj) is not bytes:
            return "received a %s, expected bytes" % type(obj).__name__
        if len(obj) != self.bytes:
            return "received %d bytes, expected %d" % (len(obj), self.bytes)
        if doubles:
            return check_values(np.frombuffer(obj, np.float64), pattern_doubles(self.bytes // 8, seed),
                                "float64")
        return check_bytes(obj, self.bytes, seed)

    def _check_array(self, obj):
        """None, or why obj is not a float64 array of this size's elements."""
        if type(obj) is not np.ndarray or obj.dtype != np.float64 or obj.ndim != 1:
            return "received %s, expected a 1-D float64 array" % type(obj).__name__
        if len(obj) != self.bytes // 8:
            return "received %d elements, expected %d" % (len(obj), self.bytes // 8)
        return None

    def check_sum_obj(self, obj):
        if self.payload == "ndarray":
            why = self._check_array(obj)
            if why:
                return why
            got = obj
        elif self.payload == "floats":
            if type(obj) is not list or len(obj) != self.bytes // 8:
                return "received %s, expected a list of %d floats" % (type(obj).__name__,
                                                                     self.bytes // 8)
            got = np.array(obj, np.float64)
        else:
            if type(obj) is not bytes or len(obj) != self.bytes:
                return "received %s, expected %d bytes" % (type(obj).__name__, self.bytes)
            got = np.frombuffer(obj, np.float64)
        return check_values(got, expected_sums(self.bytes // 8, self.nranks), "float64")


class Path:
    """setup(ctx) -> [(shape, run)]: the kernels of one size (closures; the
    branch on the rank is taken once, outside the timed loop). prepare(ctx)
    fills what this rank sends before the validation run; check(ctx, shape)
    returns None or why what this rank received is wrong."""

    def __init__(self, setup, check, prepare=None):
        self.setup, self.check, self.prepare = setup, check, prepare


class Op:
    """pkl5: the mpi4py.util.pkl5 method the pkl5 path needs (it runs the
    object path's kernels on a pkl5.Intracomm), or None (4.x has none)."""

    def __init__(self, name, summary, kind, buffer, object_, float64=False,
                 root_sends_all=False, root_recvs_all=False, busbw=None, min_ranks=2,
                 shapes=(COLLECTIVE,), pkl5=None):
        self.name, self.summary, self.kind = name, summary, kind
        self.shapes = shapes  # what setup() returns, in order: one kernel per shape
        self.paths = {"buffer": buffer, "object": object_, "pkl5": object_}
        self.pkl5 = pkl5
        self.float64, self.min_ranks = float64, min_ranks
        self.root_sends_all, self.root_recvs_all = root_sends_all, root_recvs_all
        self.busbw_factor = busbw


def _busbw_one(n):
    return 1.0


def _busbw_gather(n):
    return float(n - 1) / n


def _busbw_allreduce(n):
    return 2.0 * (n - 1) / n


def _prepare_own_bytes(c):
    c.sbuf[:c.bytes] = pattern_bytes(c.bytes, seed_of_rank(c.rank))


def _prepare_own_doubles(c):
    c.sbuf[:c.bytes].view(np.float64)[:] = pattern_doubles(c.bytes // 8, seed_of_rank(c.rank))


# -- sendrecv --

def _sendrecv_buffer(c):
    comm, W = c.comm, c.window
    s, r, ack = c.bytes_msg(c.sbuf), c.bytes_msg(c.rbuf), [c.ack, MPI.BYTE]
    Send, Recv = comm.Send, comm.Recv
    if c.rank == 0:
        def pingpong():
            Send(s, 1, TAG_DATA)
            Recv(r, 1, TAG_DATA)

        def stream():
            for _ in range(W):
                Send(s, 1, TAG_DATA)
            Recv(ack, 1, TAG_ACK)
    elif c.rank == 1:
        def pingpong():
            Recv(r, 0, TAG_DATA)
            Send(s, 0, TAG_DATA)

        def stream():
            for _ in range(W):
                Recv(r, 0, TAG_DATA)
            Send(ack, 0, TAG_ACK)
    else:
        pingpong = stream = _idle
    return [(PINGPONG, pingpong), (STREAM, stream)]


def _sendrecv_buffer_check(c, shape):
    if c.rank == 1 or (c.rank == 0 and shape == PINGPONG):
        return check_bytes(c.rbuf, c.bytes, seed_of_rank(1 - c.rank))
    return None


def _sendrecv_object(c):
    comm, W, ack = c.comm, c.window, [c.ack, MPI.BYTE]
    obj = c.payload_obj(seed_of_rank(c.rank)) if c.rank < 2 else None
    send, recv = comm.send, comm.recv
    if c.rank == 0:
        def pingpong():
            send(obj, 1, TAG_DATA)
            c.got = recv(None, 1, TAG_DATA)

        def stream():
            for _ in range(W):
                send(obj, 1, TAG_DATA)
            comm.Recv(ack, 1, TAG_ACK)
    elif c.rank == 1:
        def pingpong():
            c.got = recv(None, 0, TAG_DATA)
            send(obj, 0, TAG_DATA)

        def stream():
            got = None
            for _ in range(W):
                got = recv(None, 0, TAG_DATA)
            comm.Send(ack, 0, TAG_ACK)
            c.got = got
    else:
        pingpong = stream = _idle
    return [(PINGPONG, pingpong), (STREAM, stream)]


def _sendrecv_object_check(c, shape):
    if c.rank == 1 or (c.rank == 0 and shape == PINGPONG):
        return c.check_obj(c.got, seed_of_rank(1 - c.rank))
    return None


# -- isendirecv --

def _isendirecv_buffer(c):
    comm, W, peer = c.comm, c.window, 1 - c.rank
    s, r, ack = c.bytes_msg(c.sbuf), c.bytes_msg(c.rbuf), [c.ack, MPI.BYTE]
    Isend, Irecv, Waitall = comm.Isend, comm.Irecv, MPI.Request.Waitall
    if c.rank == 0:
        def pingpong():
            Waitall([Irecv(r, peer, TAG_DATA), Isend(s, peer, TAG_DATA)])

        def stream():
            Waitall([Isend(s, 1, TAG_DATA) for _ in range(W)])
            comm.Recv(ack, 1, TAG_ACK)
    elif c.rank == 1:
        def pingpong():
            Irecv(r, peer, TAG_DATA).Wait()
            Isend(s, peer, TAG_DATA).Wait()

        def stream():
            Waitall([Irecv(r, 0, TAG_DATA) for _ in range(W)])
            comm.Send(ack, 0, TAG_ACK)
    else:
        pingpong = stream = _idle
    if c.rank < 2:
        def bistream():  # a window of receives and a window of sends at once
            reqs = [Irecv(r, peer, TAG_DATA) for _ in range(W)]
            reqs += [Isend(s, peer, TAG_DATA) for _ in range(W)]
            Waitall(reqs)
    else:
        bistream = _idle
    return [(PINGPONG, pingpong), (STREAM, stream), (BISTREAM, bistream)]


def _isendirecv_buffer_check(c, shape):
    if c.rank == 1 or (c.rank == 0 and shape != STREAM):
        return check_bytes(c.rbuf, c.bytes, seed_of_rank(1 - c.rank))
    return None


def _isendirecv_object(c):
    # mpi4py's irecv needs a buffer big enough for the pickle of a large
    # message: each receive of a window gets its own bytearray of the
    # message's pickled size (as the C object path), made once per size.
    comm, W, peer, ack = c.comm, c.window, 1 - c.rank, [c.ack, MPI.BYTE]
    obj = c.payload_obj(seed_of_rank(c.rank)) if c.rank < 2 else None
    bufs = [bytearray(c.wire_bytes) for _ in range(W)] if c.rank < 2 else None
    isend, irecv, waitall = comm.isend, comm.irecv, MPI.Request.waitall
    if c.rank == 0:
        buf = bufs[0]

        def pingpong():
            c.got = waitall([irecv(buf, peer, TAG_DATA), isend(obj, peer, TAG_DATA)])[0]

        def stream():
            waitall([isend(obj, 1, TAG_DATA) for _ in range(W)])
            comm.Recv(ack, 1, TAG_ACK)
    elif c.rank == 1:
        buf = bufs[0]

        def pingpong():
            c.got = irecv(buf, peer, TAG_DATA).wait()
            isend(obj, peer, TAG_DATA).wait()

        def stream():
            c.got = waitall([irecv(b, 0, TAG_DATA) for b in bufs])
            comm.Send(ack, 0, TAG_ACK)
    else:
        pingpong = stream = _idle
    if c.rank < 2:
        def bistream():
            reqs = [irecv(b, peer, TAG_DATA) for b in bufs]
            reqs += [isend(obj, peer, TAG_DATA) for _ in range(W)]
            c.got = waitall(reqs)[:W]
    else:
        bistream = _idle
    return [(PINGPONG, pingpong), (STREAM, stream), (BISTREAM, bistream)]


def _isendirecv_object_check(c, shape):
    if c.rank == 1 or (c.rank == 0 and shape != STREAM):
        received = c.got if shape != PINGPONG else [c.got]
        if not isinstance(received, list):
            return "received nothing"
        for i, obj in enumerate(received):
            why = c.check_obj(obj, seed_of_rank(1 - c.rank))
            if why:
                return "message %d of %d: %s" % (i, len(received), why) if shape != PINGPONG else why
    return None


# -- bcast --

def _bcast_buffer(c):
    # The root broadcasts from sbuf, the others receive into rbuf.
    msg, root, Bcast = c.bytes_msg(c.sbuf if c.rank == c.root else c.rbuf), c.root, c.comm.Bcast

    def bcast():
        Bcast(msg, root)
    return [(COLLECTIVE, bcast)]


def _bcast_buffer_check(c, shape):
    if c.rank == c.root:
        return None
    return check_bytes(c.rbuf, c.bytes, seed_of_rank(c.root))


def _bcast_object(c):
    obj = c.payload_obj(seed_of_rank(c.root)) if c.rank == c.root else None
    root, bcast_ = c.root, c.comm.bcast

    def bcast():
        c.got = bcast_(obj, root)
    return [(COLLECTIVE, bcast)]


def _bcast_object_check(c, shape):
    # Every rank decodes, the root included (it gets a copy).
    return c.check_obj(c.got, seed_of_rank(c.root))


# -- scatter --

def _scatter_buffer(c):
    s = c.bytes_msg(c.sbuf, c.nranks) if c.rank == c.root else None
    r, root, Scatter = c.bytes_msg(c.rbuf), c.root, c.comm.Scatter

    def scatter():
        Scatter(s, r, root)
    return [(COLLECTIVE, scatter)]


def _scatter_prepare(c):
    if c.rank != c.root:
        return
    n = c.bytes
    for r in range(c.nranks):
        c.sbuf[r * n:(r + 1) * n] = pattern_bytes(n, seed_for_rank(r))


def _scatter_buffer_check(c, shape):
    return check_bytes(c.rbuf, c.bytes, seed_for_rank(c.rank))


def _scatter_object(c):
    items = ([c.payload_obj(seed_for_rank(r)) for r in range(c.nranks)]
             if c.rank == c.root else None)
    root, scatter_ = c.root, c.comm.scatter

    def scatter():
        c.got = scatter_(items, root)
    return [(COLLECTIVE, scatter)]


def _scatter_object_check(c, shape):
    return c.check_obj(c.got, seed_for_rank(c.rank))


# -- gather --

def _gather_buffer(c):
    s = c.bytes_msg(c.sbuf)
    r = c.bytes_msg(c.rbuf, c.nranks) if c.rank == c.root else None
    root, Gather = c.root, c.comm.Gather

    def gather():
        Gather(s, r, root)
    return [(COLLECTIVE, gather)]


def _gather_buffer_check(c, shape):
    if c.rank != c.root:
        return None
    n = c.bytes
    for r in range(c.nranks):
        why = check_bytes(c.rbuf[r * n:(r + 1) * n], n, seed_of_rank(r))
        if why:
            return why
    return None


def _gather_object(c):
    obj, root, gather_ = c.payload_obj(seed_of_rank(c.rank)), c.root, c.comm.gather

    def gather():
        c.got = gather_(obj, root)
    return [(COLLECTIVE, gather)]


def _gather_object_check(c, shape):
    if c.rank != c.root:
        return None
    if type(c.got) is not list or len(c.got) != c.nranks:
        return "received %r instead of a list of %d items" % (type(c.got).__name__, c.nranks)
    for r, obj in enumerate(c.got):
        why = c.check_obj(obj, seed_of_rank(r))
        if why:
            return "item of rank %d: %s" % (r, why)
    return None


# -- reduce, allreduce --

def _reduce_buffer(c):
    s, r, root, Reduce = c.doubles_msg(c.sbuf), c.doubles_msg(c.rbuf), c.root, c.comm.Reduce

    def reduce():
        Reduce(s, r, MPI.SUM, root)
    return [(COLLECTIVE, reduce)]


def _reduce_buffer_check(c, shape):
    if c.rank != c.root:
        return None
    return check_values(c.rbuf[:c.bytes].view(np.float64), expected_sums(c.bytes // 8, c.nranks),
                        "float64")


def _reduce_object(c):
    obj, root, reduce_ = c.payload_obj(seed_of_rank(c.rank), True), c.root, c.comm.reduce

    def reduce():
        c.got = reduce_(obj, ELEMENTWISE_SUM, root)
    return [(COLLECTIVE, reduce)]


def _reduce_object_check(c, shape):
    return c.check_sum_obj(c.got) if c.rank == c.root else None


def _allreduce_buffer(c):
    s, r, Allreduce = c.doubles_msg(c.sbuf), c.doubles_msg(c.rbuf), c.comm.Allreduce

    def allreduce():
        Allreduce(s, r, MPI.SUM)
    return [(COLLECTIVE, allreduce)]


def _allreduce_buffer_check(c, shape):
    return check_values(c.rbuf[:c.bytes].view(np.float64), expected_sums(c.bytes // 8, c.nranks),
                        "float64")


def _allreduce_object(c):
    obj, allreduce_ = c.payload_obj(seed_of_rank(c.rank), True), c.comm.allreduce

    def allreduce():
        c.got = allreduce_(obj, ELEMENTWISE_SUM)
    return [(COLLECTIVE, allreduce)]


def _allreduce_object_check(c, shape):
    return c.check_sum_obj(c.got)


# The registry, in common/defs/ops.def order (a test checks the two lists agree).
OPS = [
    Op("sendrecv", "blocking Send/Recv, send/recv: ping-pong latency, windowed bandwidth",
       "p2p", Path(_sendrecv_buffer, _sendrecv_buffer_check, _prepare_own_bytes),
       Path(_sendrecv_object, _sendrecv_object_check), shapes=(PINGPONG, STREAM), pkl5="send"),
    Op("isendirecv", "non-blocking Isend/Irecv, isend/irecv: latency, windowed bandwidth, bibw",
       "p2p", Path(_isendirecv_buffer, _isendirecv_buffer_check, _prepare_own_bytes),
       Path(_isendirecv_object, _isendirecv_object_check), shapes=(PINGPONG, STREAM, BISTREAM)),
    Op("bcast", "Bcast, bcast from the root: latency, algbw, busbw", "collective",
       Path(_bcast_buffer, _bcast_buffer_check, _prepare_own_bytes),
       Path(_bcast_object, _bcast_object_check), busbw=_busbw_one, pkl5="bcast"),
    Op("scatter", "Scatter, scatter from the root, SIZE bytes to each rank: latency, algbw, busbw",
       "collective", Path(_scatter_buffer, _scatter_buffer_check, _scatter_prepare),
       Path(_scatter_object, _scatter_object_check), root_sends_all=True, busbw=_busbw_gather,
       pkl5="scatter"),
    Op("gather", "Gather, gather to the root, SIZE bytes from each rank: latency, algbw, busbw",
       "collective", Path(_gather_buffer, _gather_buffer_check, _prepare_own_bytes),
       Path(_gather_object, _gather_object_check), root_recvs_all=True, busbw=_busbw_gather,
       pkl5="gather"),
    Op("reduce", "Reduce, reduce: float64 sum to the root: latency, algbw, busbw", "collective",
       Path(_reduce_buffer, _reduce_buffer_check, _prepare_own_doubles),
       Path(_reduce_object, _reduce_object_check), float64=True, busbw=_busbw_one),
    Op("allreduce", "Allreduce, allreduce: float64 sum: latency, algbw, busbw", "collective",
       Path(_allreduce_buffer, _allreduce_buffer_check, _prepare_own_doubles),
       Path(_allreduce_object, _allreduce_object_check), float64=True, busbw=_busbw_allreduce),
]


# ---- The harness: common/mpi/harness.c ----

MIN_SAMPLES, MAX_SAMPLES, FIXED_BATCHES, CI_TARGET = 6, 1000, 20, 0.02
# Automatic warmup (harness.h): up to AUTO_WARMUP iterations within a
# quarter of the budget.
AUTO_WARMUP = 10  # -x auto: at most this many (WARMUP_AUTO: mmtools.options)
# The window (window.h) and the clock sync (clocksync.h).
WINDOW_LATE_MAX, WINDOW_GROWTH, CLOCKSYNC_EXCHANGES = 0.10, 1.5, 25
TAG_SYNC = 7
CLOCK_SYNC_METHOD = {  # mm_clocksync_method
    True: "offsets against rank 0 on every visit of a cell (SKaMPI: the shortest of 25 ping-pongs; "
          "uncertainty half its round trip)",
    False: "none needed: all ranks on one node read one CLOCK_MONOTONIC (offsets 0)"}
perf_counter = time.perf_counter
_repeat = itertools.repeat


def _clock_read_cost():
    """The median difference of back-to-back clock reads (mm_clock_read_cost)."""
    d = []
    for _ in range(257):
        a = perf_counter()
        d.append(perf_counter() - a)
    d.sort()
    return d[len(d) // 2]


CLOCK_READ = _clock_read_cost()
CLOCK_RESOLUTION = time.get_clock_info("perf_counter").resolution


class CellCache:
    """What the harness keeps of a cell between rounds (mm_cell_cache)."""
    def __init__(self):
        self.batch, self.window = 0, 0.0


class Plan:
    def __init__(self, iterations, warmup, budget, min_samples, collective, sync, cache):
        self.iterations, self.warmup = iterations, warmup
        self.budget, self.min_samples = budget, min_samples
        self.collective, self.sync, self.cache = collective, sync, cache


class SyncFacts:
    """What the window sync reports of one visit; merged into a cell's over
    its rounds and into the run's over its cells (mm_sync_facts)."""
    def __init__(self):
        self.late = 0
        self.window = self.max_offset = self.offset_uncertainty = 0.0
        self.offsets_estimated = False

    def merge(self, other):
        self.late += other.late
        self.window = max(self.window, other.window)
        self.max_offset = max(self.max_offset, other.max_offset)
        self.offset_uncertainty = max(self.offset_uncertainty, other.offset_uncertainty)
        self.offsets_estimated |= other.offsets_estimated


class Samples:
    """One visit's samples at rank 0 (mm_samples)."""
    def __init__(self):
        self.t, self.iterations, self.sync = [], 0, SyncFacts()


def _time_batch(comm, run, n):
    """One timed batch of n iterations, started together after a barrier."""
    comm.Barrier()
    t0 = perf_counter()
    for _ in _repeat(None, n):
        run()
    return perf_counter() - t0


def _batch_target(budget):
    t = budget / 100.0
    return 20e-6 if t < 20e-6 else 10e-3 if t > 10e-3 else t


def _calibrate(comm, run, target):
    """A batch size whose slowest rank takes about the target time; the
    calibration batches double as extra warmup."""
    n = 1
    t, slowest = np.zeros(1), np.zeros(1)
    while True:
        t[0] = _time_batch(comm, run, n)
        comm.Allreduce([t, MPI.DOUBLE], [slowest, MPI.DOUBLE], MPI.MAX)
        s = float(slowest[0])
        if s >= target or n >= (1 << 24):
            return n
        grow = target / s if s > 0 else 8.0
        n = math.ceil(float(n) * (8.0 if grow > 8.0 else 2.0 if grow < 2.0 else grow))


def _keep_sampling(t, elapsed, plan):
    """Rank 0 decides, from its own samples, whether to take more."""
    n = len(t)
    if n < plan.min_samples:
        return True
    if n >= MAX_SAMPLES or elapsed >= plan.budget:
        return False
    if n >= 10 and mmstats.rel_ci(mmstats.compute(t)) <= CI_TARGET:
        return False
    return True


def warm_up(comm, run, plan):
    """plan.warmup iterations, or automatically: the slowest rank's first
    iteration decides how many more fit in a quarter of the budget, so every
    rank runs the same count (harness.c's warm_up)."""
    n = plan.warmup
    if n == WARMUP_AUTO:
        t0 = perf_counter()
        run()
        slowest = comm.allreduce(perf_counter() - t0, op=MPI.MAX)
        room = plan.budget / 4.0 / slowest if slowest > 0 else float(AUTO_WARMUP)
        n = AUTO_WARMUP - 1 if room >= AUTO_WARMUP - 1 else int(room)
    for _ in _repeat(None, n):
        run()


def _measure_batches(comm, rank, run, plan, out):
    local = []
    if plan.iterations > 0:
        batches = min(plan.iterations, FIXED_BATCHES)
        for b in range(batches):
            k = plan.iterations // batches + (1 if b < plan.iterations % batches else 0)
            local.append(_time_batch(comm, run, k) / float(k))
            out.iterations += k
    else:
        if plan.cache.batch == 0:
            plan.cache.batch = _calibrate(comm, run, _batch_target(plan.budget))
        k = plan.cache.batch
        start = perf_counter()
        more = np.ones(1, np.intc)
        while more[0]:
            local.append(_time_batch(comm, run, k) / float(k))
            out.iterations += k
            if rank == 0:
                more[0] = _keep_sampling(local, perf_counter() - start, plan)
            comm.Bcast([more, MPI.INT], 0)
    if plan.collective:  # the slowest rank's, after the loop, never inside it
        mine = np.array(local, np.float64)
        slowest = np.empty_like(mine) if rank == 0 else None
        comm.Reduce([mine, MPI.DOUBLE], [slowest, MPI.DOUBLE] if rank == 0 else None,
                    MPI.MAX, 0)
        local = slowest.tolist() if rank == 0 else []
    out.t = local


def _call_time(dt):
    """mm_call_time: minus one clock read, never below the resolution."""
    t = dt - CLOCK_READ
    return CLOCK_RESOLUTION if t < CLOCK_RESOLUTION else t


class ClockSync:
    """Offsets against rank 0, SKaMPI style (common/mpi/clocksync.c)."""
    _one_node = None  # all ranks on one node read one clock: offsets are 0

    def __init__(self, comm, rank, nranks):
        self.rank, self.offset, self.uncertainty = rank, 0.0, 0.0
        skew = os.environ.get("MPIMARK_TEST_CLOCK_SKEW_US")  # test hook, as in C
        self.skew = abs(float(skew)) * 1e-6 * rank if skew else 0.0
        if ClockSync._one_node is None:
            node = comm.Split_type(MPI.COMM_TYPE_SHARED)
            ClockSync._one_node = node.Get_size() == nranks
            node.Free()
        self.estimated = not ClockSync._one_node or skew is not None
        self.max_abs_offset = self.max_uncertainty = 0.0
        if not self.estimated:
            return
        t = np.zeros(1)
        ping = np.zeros(1, np.uint8)
        for peer in range(1, nranks):
            if rank == 0:
                for _ in range(CLOCKSYNC_EXCHANGES):
                    comm.Recv([ping, MPI.BYTE], peer, TAG_SYNC)
                    t[0] = self.local()
                    comm.Send([t, MPI.DOUBLE], peer, TAG_SYNC)
            elif rank == peer:
                best = math.inf
                for _ in range(CLOCKSYNC_EXCHANGES):
                    t_send = self.local()
                    comm.Send([ping, MPI.BYTE], 0, TAG_SYNC)
                    comm.Recv([t, MPI.DOUBLE], 0, TAG_SYNC)
                    t_recv = self.local()
                    if t_recv - t_send < best:
                        best = t_recv - t_send
                        self.offset = float(t[0]) - (t_send + t_recv) / 2.0
                self.uncertainty = best / 2.0
        mine = np.array([abs(self.offset), self.uncertainty])
        worst = np.zeros(2)
        comm.Reduce([mine, MPI.DOUBLE], [worst, MPI.DOUBLE], MPI.MAX, 0)
        self.max_abs_offset, self.max_uncertainty = float(worst[0]), float(worst[1])

    def local(self):
        return perf_counter() + self.skew

    def now(self):
        return perf_counter() + self.skew + self.offset


def _barrier_calls(comm, run, n):
    """Each call after a Barrier, timed alone; rank 0 gets the slowest rank's
    time per call (the barrier's exit skew stays in)."""
    mine = np.empty(n)
    for k in range(n):
        comm.Barrier()
        t0 = perf_counter()
        run()
        mine[k] = _call_time(perf_counter() - t0)
    worst = np.empty(n)
    comm.Reduce([mine, MPI.DOUBLE], [worst, MPI.DOUBLE], MPI.MAX, 0)
    return worst.tolist()


def _window_calls(comm, rank, run, n, w, sync, late_rank):
    """Call k starts when the global clock reaches t0 + k w on every rank; a
    sample is the latest exit minus that start; a call some rank reached
    after its start is dropped (mm_window_samples). Returns (samples, late)
    at rank 0."""
    t0 = np.array([sync.now() + 50e-6 + 4.0 * sync.max_uncertainty + w])
    comm.Bcast([t0, MPI.DOUBLE], 0)
    t0 = float(t0[0])
    buf = np.empty(2 * n)
    now_ = sync.now
    for k in range(n):
        start = t0 + k * w
        if rank == late_rank and k % 4 == 0:  # test hook: arrive after the start
            while now_() <= start:
                pass
        now = now_()
        buf[n + k] = now > start
        while now < start:
            now = now_()
        run()
        buf[k] = now_()
    red = np.empty(2 * n)
    comm.Reduce([buf, MPI.DOUBLE], [red, MPI.DOUBLE], MPI.MAX, 0)
    if rank != 0:
        return [], 0
    out = [_call_time(red[k] - (t0 + k * w)) for k in range(n) if red[n + k] == 0]
    return out, n - len(out)


def _measure_calls(comm, rank, run, plan, out):
    window = plan.sync == "window"
    sync = None
    if window:
        sync = ClockSync(comm, rank, comm.Get_size())
        out.sync.max_offset, out.sync.offset_uncertainty = sync.max_abs_offset, sync.max_uncertainty
        out.sync.offsets_estimated = sync.estimated
    late_rank = int(os.environ.get("MPIMARK_TEST_LATE_RANK", "-1"))
    probe = _barrier_calls(comm, run, 5)  # the window: twice the slowest, plus sync error
    w = np.array([2.0 * max(probe) + 4.0 * (sync.max_uncertainty if sync else 0.0) + 1e-6
                  if rank == 0 else 0.0])
    comm.Bcast([w, MPI.DOUBLE], 0)
    w = max(float(w[0]), plan.cache.window)
    cap = max(MAX_SAMPLES, plan.iterations)
    per_chunk = max(1, math.ceil(_batch_target(plan.budget) / w))
    local, attempted = [], 0
    start = perf_counter()
    state = np.array([1.0, w, 0.0])  # more, window, samples: rank 0 decides
    while state[0]:
        m = per_chunk
        if plan.iterations > 0 and m > plan.iterations - attempted:
            m = plan.iterations - attempted if attempted < plan.iterations else 1
        m = min(m, cap - int(state[2]))
        if window:
            got, late = _window_calls(comm, rank, run, m, w, sync, late_rank)
        else:
            got, late = _barrier_calls(comm, run, m), 0
        attempted += m
        if rank == 0:
            local.extend(got)
            out.sync.late += late
            out.iterations += len(got)
            n = len(local)
            if plan.iterations > 0:
                more = (attempted < plan.iterations or n == 0) and n < cap
            else:
                more = _keep_sampling(local, perf_counter() - start, plan) and n < cap
            grow = window and m > 0 and late > WINDOW_LATE_MAX * m
            state[:] = (1.0 if more else 0.0, w * WINDOW_GROWTH if grow else w, n)
        comm.Bcast([state, MPI.DOUBLE], 0)
        w = float(state[1])
    plan.cache.window = w
    out.sync.window = w if window else 0.0
    out.t = local


def measure(comm, rank, run, plan):
    """One visit of a cell (mm_harness_measure): samples at rank 0, seconds
    per iteration, one per batch (point-to-point, --sync batch) or per valid
    call (window, barrier)."""
    out = Samples()
    warm_up(comm, run, plan)
    if plan.collective and plan.sync != "batch":
        _measure_calls(comm, rank, run, plan, out)
    else:
        _measure_batches(comm, rank, run, plan, out)
    return out


# ---- Results and output: common/core/results.c, common/core/output.c ----

CSV_COLUMNS = defs.columns()  # common/defs/columns.def, the list C compiles


class Row:
    def __init__(self, op, path, payload, nbytes, wire_bytes, metric, unit, iterations, st,
                 late=0, round_medians=(), round_min=0.0, round_max=0.0, unstable=0):
        self.op, self.path, self.payload, self.bytes = op, path, payload, nbytes
        self.wire_bytes, self.metric, self.unit = wire_bytes, metric, unit
        self.iterations, self.st, self.late = iterations, st, late
        self.round_medians, self.round_min, self.round_max = list(round_medians), round_min, round_max
        self.unstable = unstable


class Results:
    def __init__(self):
        self.meta = []  # [key, value], in insertion order
        self.rows = []

    def set_meta(self, key, value):
        # One line each, at most 1023 bytes, as mm_results_set_meta keeps them.
        value = re.sub(r"[\r\n]", " ", str(value)).encode()[:1023].decode(errors="ignore")
        for kv in self.meta:
            if kv[0] == key:
                kv[1] = value
                return
        self.meta.append([key, value])

    def get_meta(self, key):
        for k, v in self.meta:
            if k == key:
                return v
        return None


def _g(x):
    return "%.6g" % x


def _row_values(w):
    """A row's values in CSV_COLUMNS order (common/defs/columns.def)."""
    s = w.st
    return [w.op, w.path, w.payload, w.bytes, w.wire_bytes, w.metric, w.unit, s.n, w.iterations,
            float(s.min), float(s.median), float(s.mean), float(s.max), float(s.p99),
            float(s.ci_low), float(s.ci_high), len(w.round_medians), float(w.round_min),
            float(w.round_max), w.unstable, w.late, [float(x) for x in w.round_medians]]


def write_csv(fp, r):
    fp.write(mmresults.format_csv(r.meta, CSV_COLUMNS, [_row_values(w) for w in r.rows]))


def write_json(fp, r):
    fp.write(mmresults.format_json(r.meta, CSV_COLUMNS, [_row_values(w) for w in r.rows]))


def write_table(fp, r):
    fp.write(mmtable.format(r.meta, [dict(zip(CSV_COLUMNS, _row_values(w))) for w in r.rows]))


def write_results(fp, r, fmt):
    {"csv": write_csv, "json": write_json}.get(fmt, write_table)(fp, r)


def format_for(path):
    return "json" if path.endswith(".json") else "csv"


# ---- Result files: checked before the run (atomic.write writes them) ----

def atomic_check(path, force):
    """None, or (error, why): the folder must be writable, the file absent
    unless force."""
    folder = os.path.dirname(path) or "."
    if not os.access(folder, os.W_OK | os.X_OK):
        e = os.strerror(errno.ENOENT if not os.path.isdir(folder) and not os.path.exists(folder)
                        else errno.EACCES if os.path.isdir(folder) else errno.ENOTDIR)
        return EOUTPUT, "cannot write '%s': folder '%s': %s" % (path, folder, e)
    if not force and os.path.lexists(path):
        return EEXIST, "'%s' exists; mpimark never overwrites results (use --force)" % path
    return None


# ---- Run metadata: common/mpi/metadata.c, plus the runner's own keys ----

def _project_version():
    try:
        with open(os.path.join(REPO, "CMakeLists.txt")) as f:
            m = re.search(r"project\(\s*mpimark\s+VERSION\s+([0-9.]+)", f.read())
        return m.group(1) if m else "unknown"
    except OSError:
        return "unknown"


def _git_commit():
    """The commit of the source tree, as the C build records it
    (cmake/build_id.cmake): `git describe --always --dirty --abbrev=12` when
    REPO is the top of a git checkout, else "unknown"."""
    try:
        top = subprocess.run(["git", "-C", REPO, "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=10)
        if top.returncode != 0 or os.path.realpath(top.stdout.strip()) != os.path.realpath(REPO):
            return "unknown"
        out = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty", "--abbrev=12"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown" if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"




MEMBW_CACHE_BYTES, MEMBW_DRAM_BYTES = 1 << 20, 64 << 20


def _memcpy_mbs(nbytes, seconds):
    """MB/s of a contiguous copy (numpy.copyto: memcpy) of nbytes: the
    median of timed copies, at least 3, at most 64, within about seconds
    (mm_memcpy_mbs)."""
    try:
        src, dst = np.full(nbytes, 1, np.uint8), np.full(nbytes, 2, np.uint8)
    except MemoryError:
        return 0.0
    t, start = [], perf_counter()
    while len(t) < 64 and (len(t) < 3 or perf_counter() - start < seconds):
        t0 = perf_counter()
        np.copyto(dst, src)
        t.append(perf_counter() - t0)
    st = mmstats.compute(t)
    return nbytes / st.median / 1e6 if st.median > 0 else 0.0


def collect_metadata(comm, rank, nranks, cfg, seed, r):
    names = comm.gather(MPI.Get_processor_name(), 0)
    if rank != 0:
        return
    r.set_meta("mpimark_version", _project_version())
    r.set_meta("git_commit", _git_commit())
    r.set_meta("mpi_library", MPI.Get_library_version().split("\n")[0].rstrip("\x00"))
    r.set_meta("mpi_version", "%d.%d" % MPI.Get_version())
    r.set_meta("ranks", nranks)
    hosts = []
    for h in names:
        if h not in hosts:
            hosts.append(h)
    counts = [names.count(h) for h in hosts]
    r.set_meta("nodes", len(hosts))
    r.set_meta("ranks_per_node", counts[0] if len(set(counts)) == 1
               else " ".join(str(c) for c in counts))
    r.set_meta("hosts", " ".join(hosts))
    if nranks >= 2:
        r.set_meta("p2p_placement", "cross-node" if names[0] != names[1] else "same-node")
    if "SLURM_JOB_ID" in os.environ:
        for env, key in (("SLURM_JOB_ID", "slurm_job_id"), ("SLURM_JOB_NODELIST", "slurm_nodelist"),
                         ("SLURM_JOB_PARTITION", "slurm_partition"),
                         ("SLURM_NTASKS", "slurm_ntasks"),
                         ("SLURM_NTASKS_PER_NODE", "slurm_ntasks_per_node")):
            if env in os.environ:
                r.set_meta(key, os.environ[env])
    r.set_meta("mpi_env", defs.mpi_env(os.environ))
    r.set_meta("date_utc", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    r.set_meta("command", " ".join(getattr(sys, "orig_argv", [sys.executable] + sys.argv)))
    info = time.get_clock_info("perf_counter")
    r.set_meta("clock", "time.perf_counter: %s" % info.implementation)
    r.set_meta("clock_resolution_ns", "%g" % (info.resolution * 1e9))
    # The settings behind the numbers (main.c's settings_meta).
    r.set_meta("time_budget_s", "%g" % cfg.time_budget)
    r.set_meta("iterations", cfg.iterations)
    r.set_meta("warmup", "auto" if cfg.warmup == WARMUP_AUTO else cfg.warmup)
    r.set_meta("window", "auto (%d, at most %d MiB in flight)" % (cfg.window, WINDOW_AUTO_BYTES >> 20)
               if cfg.window_auto else cfg.window)
    r.set_meta("root", cfg.root)
    r.set_meta("validate", "yes" if cfg.validate else "no")
    r.set_meta("hugepages", "yes" if cfg.hugepages else "no")
    r.set_meta("thp", _thp_mode())
    r.set_meta("rounds", cfg.rounds)
    if cfg.launches:
        r.set_meta("launch", "%d/%d" % (cfg.launch, cfg.launches))
    r.set_meta("seed", seed)
    r.set_meta("ci", mmstats.CI_METHOD_ROUNDS if cfg.rounds >= 2 else mmstats.CI_METHOD_SAMPLES)
    r.set_meta("sync", cfg.sync)
    r.set_meta("clock_read_ns", "%.1f" % (CLOCK_READ * 1e9))
    # The ceiling for bandwidth figures (main.c, common/core/membw.c): one core's memcpy.
    if cfg.launch <= 1:  # once per measurement: its first launch (main.c)
        r.set_meta("memcpy_cache_mb_s", "%.0f" % _memcpy_mbs(MEMBW_CACHE_BYTES, 0.01))
        r.set_meta("memcpy_dram_mb_s", "%.0f" % _memcpy_mbs(MEMBW_DRAM_BYTES, 0.03))
        r.set_meta("memcpy_method", "one core, memcpy of 1 MiB (in cache) and 64 MiB (DRAM) "
                   "buffers, median of timed copies, MB/s = 10^6 bytes/s")
    r.set_meta("per_call_clock_read", "subtracted from each per-call sample (window, barrier); "
               "samples never go below clock_resolution_ns")
    # What this runner adds.
    r.set_meta("runner", "mpi4py")
    r.set_meta("python_version", platform.python_version())
    r.set_meta("mpi4py_version", mpi4py.__version__)
    r.set_meta("numpy_version", np.__version__)
    levels = (MPI.THREAD_SINGLE, MPI.THREAD_FUNNELED, MPI.THREAD_SERIALIZED, MPI.THREAD_MULTIPLE)
    granted = MPI.Query_thread()
    r.set_meta("mpi_thread_level", THREAD_LEVELS[levels.index(granted)] if granted in levels else "unknown")
    r.set_meta("pickle_protocol", MPI.pickle.PROTOCOL)
    if cfg.pickles:  # the generation that really ran
        r.set_meta("mpi4py_protocol", MPI4PY_GENERATION)
        r.set_meta("mpi_large_count_calls", "yes" if MPI4PY_GENERATION >= 4 and MPI.VERSION >= 4
                   else "no")
        r.set_meta("heap", _heap_text())
    if "pkl5" in cfg.paths:  # what mpi4py.util.pkl5 really used
        from mpi4py.util import pkl5
        r.set_meta("pkl5_threshold", pkl5.pickle.THRESHOLD)


# ---- The sweep: benchmarks/suite.c ----

# The formulas of common/defs/metrics.def (the list says which shape gives
# which metric, in what unit); t is seconds per iteration, as in suite.c.

def half_round_trip_us(op, c, t):
    return t * 1e6 / 2.0


def latency_us(op, c, t):
    return t * 1e6


def algbw(op, c, t):
    return float(c.bytes) / t / 1e6


def busbw(op, c, t):
    return algbw(op, c, t) * op.busbw_factor(c.nranks)


def stream_bw(op, c, t):
    return float(c.bytes) * c.window / t / 1e6


def bistream_bw(op, c, t):
    return 2.0 * stream_bw(op, c, t)


SHAPE_METRICS = {shape: [(metric, unit, globals()[formula]) for metric, unit, formula in ms]
                 for shape, ms in defs.metrics().items()}


def _payload_name(op, path, payload):
    if path != "buffer":
        return payload
    return "MPI_DOUBLE" if op.float64 else "MPI_BYTE"


def _memory_available():
    """MemAvailable from /proc/meminfo in bytes, or 0 (mm_memory_available)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                m = re.match(r"MemAvailable:\s*([0-9]+) kB", line)
                if m:
                    return int(m.group(1)) * 1024
    except OSError:
        pass
    return 0


def _heap_like_c():
    """The pickled paths' heap policy (common/defs/heap.def), set as the C binary
    sets it (mm_obj_heap_like_python), so that a pickle's cost does not
    depend on the largest block this process happened to free before."""
    import ctypes
    libc = ctypes.CDLL(None)
    for _, number, value in defs.heap():
        libc.mallopt(number, value)


def _heap_text():
    """#@heap, as mm_obj_heap_like_python writes it."""
    return "mallopt" + "".join(" %s=%d" % (name, value) for name, _, value in defs.heap())


def _agree(comm, err):
    """Every rank gets the largest error of any rank."""
    return comm.allreduce(err, MPI.MAX)


class Cell:
    """One (operation, path, size, kernel), sampled in every round (suite.c)."""
    def __init__(self, op, op_index, size_index, path, nbytes, kernel):
        self.op, self.op_index, self.size_index = op, op_index, size_index
        self.path, self.bytes, self.wire_bytes, self.kernel = path, nbytes, nbytes, kernel
        self.window_msgs, self.cache, self.rounds = 0, CellCache(), []
        self.iterations, self.sync = 0, SyncFacts()  # sync: over the rounds

    def keep(self, s):
        self.rounds.append(s.t)
        self.iterations += s.iterations
        self.sync.merge(s.sync)


class Suite:
    def __init__(self, comm, cfg):
        self.comm, self.cfg = comm, cfg
        self.rank, self.nranks = comm.Get_rank(), comm.Get_size()
        self.sbuf = self.rbuf = None
        self.ack = np.zeros(1, np.uint8)
        self.pkl5 = self.pkl5_comm = None
        if cfg.pickles:
            _heap_like_c()
        if "pkl5" in cfg.paths:  # the real mpi4py.util.pkl5, with the threshold asked for
            from mpi4py.util import pkl5
            if cfg.pkl5_threshold is not None:
                pkl5.pickle.THRESHOLD = cfg.pkl5_threshold
            self.pkl5, self.pkl5_comm = pkl5, pkl5.Intracomm(comm)

    def pkl5_lacks(self, op):
        """Why the pkl5 path skips op, or None: pkl5 (4.x) has no such
        method, or the installed mpi4py's pkl5 does not (3.1 has only
        point-to-point and bcast)."""
        if op.pkl5 is None:
            return "mpi4py.util.pkl5 has no %s" % op.name
        if op.pkl5 not in vars(self.pkl5.Comm):
            return "mpi4py %s's mpi4py.util.pkl5 has no %s" % (mpi4py.__version__, op.pkl5)
        return None

    def buffer_bytes(self):
        top = max(self.cfg.sizes) if self.cfg.sizes else 0
        s = r = top
        for op in self.selected():
            if op.root_sends_all:
                s = top * self.nranks
            if op.root_recvs_all:
                r = top * self.nranks
        return s, r

    def selected(self):
        return [op for op in OPS if op.name in self.cfg.ops]

    def allocate(self):
        """Buffers for the largest message, every page touched (main.c's
        allocate): the ranks of each node first add up what they will touch
        and compare it with the node's available memory, so that a request
        that would push a node into swap or the OOM killer is a usage error."""
        s, r = self.buffer_bytes()
        need = float(s) + float(r)
        node = self.comm.Split_type(MPI.COMM_TYPE_SHARED)
        node_need = node.allreduce(need, MPI.SUM)
        node.Free()
        avail = float(_memory_available())
        err = ETOOBIG if avail > 0 and node_need > avail else OK
        if err == OK:
            try:
                # NumPy madvises arrays of 4 MiB and more for huge pages by
                # default; --hugepages decides here, as in C (buffers.c).
                np.core.multiarray._set_madvise_hugepage(self.cfg.hugepages)
                least = HUGEPAGE_ARRAY_BYTES if self.cfg.hugepages else 4096
                self.sbuf = np.empty(max(s, least), np.uint8)
                self.sbuf.fill(0)
                self.rbuf = np.empty(max(r, least), np.uint8)
                self.rbuf.fill(0)
            except (MemoryError, ValueError):
                self.sbuf = self.rbuf = None
                err = ETOOBIG
        why = ("cannot allocate buffers for messages of %s: %.2f GiB per rank, %.2f GiB on this "
               "node, %.2f GiB available" % (size_human(max(self.cfg.sizes)), need / 1073741824.0,
                                             node_need / 1073741824.0, avail / 1073741824.0))
        return _agree(self.comm, err), why

    def progress(self, rnd, done, total, elapsed):
        if self.rank != 0 or self.cfg.quiet:
            return
        tty = sys.stderr.isatty()
        if done < total and not tty:
            return
        sys.stderr.write("%smpimark: round %d/%d: %d/%d cells, %.1f s%s" % (
            "\r" if tty else "", rnd + 1, self.cfg.rounds, done, total, elapsed,
            "\n" if done == total else ""))
        sys.stderr.flush()

    def effective_bytes(self, op, path, requested):
        """float64 operations, and the floats payload, round down to whole
        8-byte elements."""
        if op.float64 or (path != "buffer" and self.cfg.payload != "bytes"):
            return requested // 8 * 8
        return requested

    def build_sweep(self):
        """Cells (op, path, size, kernel) and units (the paths of one op,
        size and kernel, measured back to back), as suite.c's build_sweep."""
        cfg, cells, units = self.cfg, [], []
        for oi, op in enumerate(self.selected()):
            previous, skipped = {}, 0
            paths = [p for p in PATHS if p in cfg.paths]
            lacks = "pkl5" in paths and self.pkl5_lacks(op)
            if lacks:
                paths.remove("pkl5")
                if self.rank == 0 and not cfg.quiet:
                    sys.stderr.write("mpimark: %s: no pkl5 path (%s): skipped\n" % (op.name, lacks))
            for z, req in enumerate(cfg.sizes):
                measured, skip = {}, False
                for path in paths:
                    b = self.effective_bytes(op, path, req)
                    if (b == 0 and req != 0) or b == previous.get(path):
                        skip = True
                        continue
                    previous[path] = measured[path] = b
                skipped += skip
                for k in range(len(op.shapes)):
                    unit = [Cell(op, oi, z, path, measured[path], k)
                            for path in PATHS if path in measured]
                    if unit:
                        units.append(unit)
                        cells.extend(unit)
            if skipped and self.rank == 0 and not cfg.quiet:
                sys.stderr.write("mpimark: %s: %d size(s) skipped: float64 elements round "
                                 "sizes down to multiples of 8 bytes\n" % (op.name, skipped))
        return cells, units

    def run(self, results, seed):
        """R rounds over all cells, each in its seeded order (the C order for
        the same seed); within a unit the paths alternate which goes first."""
        cfg = self.cfg
        cells, units = self.build_sweep()
        start = perf_counter()
        for rnd in range(cfg.rounds):
            for done, u in enumerate(mmstats.round_order(seed, rnd, len(units))):
                for cell in (reversed(units[u]) if rnd % 2 else units[u]):
                    verdict = self.visit(cell, rnd)
                    if verdict != OK:
                        return verdict
                self.progress(rnd, done + 1, len(units), perf_counter() - start)
        if self.rank == 0:
            for cell in sorted(cells, key=lambda c: (c.op_index, c.size_index,
                                                     PATHS.index(c.path), c.kernel)):
                self.add_rows(results, cell)
            if cfg.sync == "window":
                run = SyncFacts()
                for c in cells:
                    run.merge(c.sync)
                results.set_meta("sync_window_us_max", "%.3f" % (run.window * 1e6))
                results.set_meta("clock_offset_max_us", "%.3f" % (run.max_offset * 1e6))
                results.set_meta("clock_offset_uncertainty_us", "%.3f" % (run.offset_uncertainty * 1e6))
                results.set_meta("late_calls", run.late)
                results.set_meta("clock_sync", CLOCK_SYNC_METHOD[run.offsets_estimated])
        return OK

    def setup(self, op, path, c):
        """The kernels of one size, with the object path's wire size; every
        rank agrees on whether setup worked (memory for the payloads)."""
        kernels, err = None, OK
        try:
            if path == "object":  # first: irecv's buffer is sized from it
                c.wire_bytes = len(pickle.dumps(c.payload_obj(1, op.float64), protocol=5))
            elif path == "pkl5":  # the pickle and its out-of-band buffers
                data, bufs = self.pkl5.pickle.dumps(c.payload_obj(1, op.float64))
                c.wire_bytes = len(data) + sum(memoryview(b).nbytes for b in bufs)
            kernels = op.paths[path].setup(c)
        except MemoryError:
            err = ENOMEM
        err = _agree(self.comm, err)
        if err:
            if self.rank == 0:
                sys.stderr.write("mpimark: %s: setup failed: %s\n" % (op.name, STRERROR[err]))
            raise SystemExit(EXIT_CODE[err])
        return kernels

    def visit(self, cell, rnd):
        """One visit of a cell: set up, measure its kernel, keep the samples,
        validate (first round only, outside timing)."""
        cfg, op, path = self.cfg, cell.op, cell.path
        c = Ctx(comm=self.pkl5_comm if path == "pkl5" else self.comm, rank=self.rank,
                nranks=self.nranks, root=cfg.root,
                bytes=cell.bytes, wire_bytes=cell.bytes, window=cfg.stream_window(cell.bytes),
                payload=cfg.payload, sbuf=self.sbuf, rbuf=self.rbuf, ack=self.ack)
        shape, run = self.setup(op, path, c)[cell.kernel]
        cell.wire_bytes, cell.window_msgs = c.wire_bytes, c.window
        plan = Plan(cfg.iterations, cfg.warmup, cfg.time_budget / cfg.rounds,
                    -(-MIN_SAMPLES // cfg.rounds), op.kind == "collective", cfg.sync, cell.cache)
        cell.keep(measure(self.comm, self.rank, run, plan))
        verdict = OK
        if cfg.validate and rnd == 0:
            rbuf_bytes = c.bytes * c.nranks if op.root_recvs_all else c.bytes
            verdict = self.validate(op, path, c, shape, run, rbuf_bytes)
        c.got = None
        return verdict

    def add_rows(self, results, cell):
        """One row per metric of the cell's kernel: the pooled samples'
        statistics, with the median and CI from the round medians."""
        op = cell.op
        c = Ctx(bytes=cell.bytes, nranks=self.nranks, window=cell.window_msgs)
        for metric, unit, value in SHAPE_METRICS[op.shapes[cell.kernel]]:
            per_round = [[value(op, c, t) for t in r] for r in cell.rounds]
            stats = [mmstats.compute(v) for v in per_round]
            st = mmstats.compute([v for r in per_round for v in r])
            medians = [x.median for x in stats]
            rs = mmstats.rounds(medians, [x.ci_low for x in stats], [x.ci_high for x in stats])
            if len(medians) >= 2:
                st.median, st.ci_low, st.ci_high = rs.median, rs.ci_low, rs.ci_high
            results.rows.append(Row(op.name, cell.path, _payload_name(op, cell.path, self.cfg.payload),
                                    cell.bytes, cell.wire_bytes, metric, unit, cell.iterations, st,
                                    cell.sync.late, medians, rs.round_min, rs.round_max, rs.unstable))

    def validate(self, op, path, c, shape, run, rbuf_bytes):
        """One untimed run with known data, then every rank checks what it
        got; a rank that finds a mismatch names itself; all agree."""
        corrupt = os.environ.get("MPIMARK_TEST_CORRUPT_RANK")  # test hook: proves checks fail
        hit = corrupt is not None and corrupt.strip().lstrip("-").isdigit() and int(corrupt) == c.rank
        p = op.paths[path]
        if path == "buffer":
            self.rbuf[:rbuf_bytes] = pattern_bytes(rbuf_bytes, 0xDEAD)
            p.prepare(c)
        else:
            c.got = None
        run()
        if hit:
            if path == "buffer" and rbuf_bytes > 0:
                self.rbuf[0] ^= 0xFF
            elif path != "buffer":
                c.got = _corrupt(c.got)
        why = p.check(c, shape)
        if why:
            sys.stderr.write("mpimark: validation failed: %s (%s path), %s: rank %d: %s\n"
                             % (op.name, path, size_human(c.bytes), c.rank, why))
            sys.stderr.flush()
        return _agree(self.comm, EVALIDATE if why else OK)


def _corrupt(obj):
    """The test hook on the object path: change the first received element."""
    if type(obj) is bytes and obj:
        return bytes([obj[0] ^ 0xFF]) + obj[1:]
    if type(obj) is list and obj:
        first = obj[0] + 1.0 if type(obj[0]) is float else _corrupt(obj[0])
        return [first] + obj[1:]
    if type(obj) is np.ndarray and len(obj):
        obj = obj.copy()
        obj[0] += 1.0
    return obj


# ---- The driver: benchmarks/main.c ----

def _excepthook(tp, value, tb):
    """An unexpected error on one rank ends the whole job: the other ranks
    would otherwise wait for it forever."""
    rank = MPI.COMM_WORLD.Get_rank() if MPI.Is_initialized() and not MPI.Is_finalized() else -1
    sys.stderr.write("mpimark: rank %d: %s\n" % (
        rank, "".join(traceback.format_exception_only(tp, value)).strip()))
    traceback.print_tb(tb, file=sys.stderr)
    sys.stderr.flush()
    if MPI.Is_initialized() and not MPI.Is_finalized():
        MPI.COMM_WORLD.Abort(1)
    os._exit(1)


def parse_request(argv, nranks):
    """The run argv asks of an nranks-rank job, as benchmarks/request.c
    checks it: options parsed, then (unless --help or --version) enough
    ranks and a root inside the job. Pure, without MPI (tests/python/
    request_tool.py runs the bad-input table through it). Raises UsageError."""
    cfg = options_parse(argv, OPS)
    why = None if cfg.help or cfg.version else check_request(cfg, nranks, OPS)
    if why:
        raise UsageError(why)
    return cfg


def main(argv):
    sys.excepthook = _excepthook
    comm = MPI.COMM_WORLD.Dup()
    rank, nranks = comm.Get_rank(), comm.Get_size()

    def fail(err, why):
        if err and rank == 0 and why:
            sys.stderr.write("mpimark: %s\n" % why)
            sys.stderr.flush()
        return EXIT_CODE[err]

    try:
        cfg = parse_request(argv, nranks)
    except UsageError as e:
        return fail(EUSAGE, str(e))
    if cfg.help or cfg.version:
        if rank == 0 and cfg.help:
            usage(sys.stdout, OPS)
        elif rank == 0:
            sys.stdout.write("mpimark %s (git %s), mpi4py runner (mpi4py %s, Python %s)\n" % (
                _project_version(), _git_commit(), mpi4py.__version__, platform.python_version()))
        return 0
    err, why = OK, None
    if cfg.output and rank == 0:
        bad = atomic_check(cfg.output, cfg.force)
        if bad:
            err, why = bad
    err = _agree(comm, err)
    if err:
        return fail(err, why)

    if (rank == 0 and not cfg.quiet and cfg.mpi4py != MPI4PY_GENERATION
            and any(a == "--mpi4py" or a.startswith("--mpi4py=") for a in argv)):
        sys.stderr.write("mpimark: --mpi4py %d asked for, but mpi4py %s is installed: the runner "
                         "measures its protocol (#@mpi4py_protocol=%d)\n"
                         % (cfg.mpi4py, mpi4py.__version__, MPI4PY_GENERATION))
    suite = Suite(comm, cfg)
    err, why = suite.allocate()
    if err:
        return fail(err, why)

    results = Results()
    # One seed for every rank: the rounds' orders must agree.
    seed = comm.bcast(cfg.seed or mmstats.round_seed_from_clock(perf_counter()), 0)
    collect_metadata(comm, rank, nranks, cfg, seed, results)
    err = suite.run(results, seed)
    if err == OK and rank == 0:
        write_results(sys.stdout, results, cfg.format)
        sys.stdout.flush()
        if cfg.output:
            import io
            text = io.StringIO()
            write_results(text, results, format_for(cfg.output))
            why = atomic.write(cfg.output, text.getvalue(), cfg.force)
            if why:
                sys.stderr.write("mpimark: %s\n" % why)
                err = EIO  # after a full run: a runtime failure, not a usage error
    err = _agree(comm, err)
    comm.Free()
    return EXIT_CODE[err]


if __name__ == "__main__":
    load_mpi()
    sys.exit(main(sys.argv[1:]))
