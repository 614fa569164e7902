"""The operations: one table, kernels per path (programs/op_*.c), in
common/defs/ops.def's order; the kernels call real mpi4py."""

import operator
from time import perf_counter

from .. import defs
from .mpi import MPI, np
from .patterns import ELEMENTWISE_SUM, pattern_bytes, pattern_doubles, seed_for_rank, seed_from_to, seed_of_rank


TAG_DATA, TAG_ACK = 1, 2


def _idle():
    pass


def _what(obj):
    return "None" if obj is None else "a %s" % type(obj).__name__


class Ctx:
    """Everything a kernel may use for one (operation, path, size)."""

    def __init__(self, **kw):
        self.got = self.gots = self.user = None
        self.__dict__.update(kw)

    # Buffer path: views of the shared buffers, as mpi4py message specs
    # (count messages of this size: one per rank for the rooted and
    # all-to-all collectives).
    def bytes_msg(self, buf, count=1):
        return [buf[:self.bytes * count], MPI.BYTE]

    def doubles_msg(self, buf, count=1):
        return [buf[:self.bytes * count].view(np.float64), MPI.DOUBLE]

    # Object path: this size's payload with a pattern seed (float64s where
    # the operation reduces: ops.def's data, self.float64).
    def payload_obj(self, seed):
        if self.user:  # --payload MODULE:FUNCTION: the same object on every rank
            return self.user.make(self.bytes)
        if self.payload == "floats":
            return pattern_doubles(self.bytes // 8, seed).tolist()
        if self.payload == "ndarray":
            return pattern_doubles(self.bytes // 8, seed).copy()  # its own, C-contiguous
        if self.float64:
            return pattern_doubles(self.bytes // 8, seed).tobytes()
        return pattern_bytes(self.bytes, seed).tobytes()

    def own(self):
        """The payload this rank sends."""
        return self.payload_obj(seed_of_rank(self.rank))

    def message_of(self, obj, floats):
        """(obj's message as the buffer path would hold it, None), or (None,
        why obj is not a payload of this size and kind). floats: a bytes
        payload holds float64s (reductions)."""
        if self.payload == "bytes":
            want = self.bytes // 8 * 8 if floats else self.bytes
            if type(obj) is not bytes or len(obj) != want:
                return None, "received %s, expected %d bytes" % (_what(obj), want)
            return np.frombuffer(obj, np.uint8), None
        if self.payload == "floats" and type(obj) is list and all(type(x) is float for x in obj):
            obj = np.array(obj, np.float64)
        elif self.payload == "floats" or type(obj) is not np.ndarray or obj.dtype != np.float64 or obj.ndim != 1:
            return None, "received %s, expected %s" % (_what(obj), "a list of floats" if self.payload == "floats"
                                                      else "a 1-D float64 array")
        if len(obj) != self.bytes // 8:
            return None, "received %d float64s, expected %d" % (len(obj), self.bytes // 8)
        return np.ascontiguousarray(obj), None

    @property
    def sum_op(self):
        """The pickled paths' reduction: the user's objects add with +
        (MPI.SUM on Python objects), the built-in payloads elementwise."""
        return operator.add if self.user else ELEMENTWISE_SUM


class Op:
    """The kernels of an operation, per path: setup(ctx) -> the kernels of
    one size, in the order of its line of ops.def's kernels column, which
    says the shape of each (closures; the branch on the rank is taken
    once, outside the timed loop; a receiving object kernel keeps what it
    got in ctx.got, a window's list in ctx.gots, for the validation run:
    suite.py). What it is (collective, its data, pkl5, its kernels' shapes)
    is its line of ops.def (core.op_traits). The pkl5 path runs the object
    path's kernels on a pkl5.Intracomm, whose method `method` it needs
    (mpi4py.util.pkl5 names it as the lowercase call)."""

    def __init__(self, name, buffer, object_, method=None):
        self.name, self.method = name, method or name
        self.paths = {"buffer": buffer, "object": object_, "pkl5": object_}  # None: no such method


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
    return [pingpong, stream]


def _sendrecv_object(c):
    comm, W, ack = c.comm, c.window, [c.ack, MPI.BYTE]
    obj = c.own() if c.rank < 2 else None
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
    return [pingpong, stream]


# -- isendirecv --

def _window_buffer(c, sends, peer):
    """A stream of the buffer path (isendirecv, pairs): a window of Isends to
    peer then its ack, or the window's Irecvs (into one buffer, as osu_bw)
    then the ack."""
    comm, W, Waitall = c.comm, c.window, MPI.Request.Waitall
    s, r, ack = c.bytes_msg(c.sbuf), c.bytes_msg(c.rbuf), [c.ack, MPI.BYTE]
    Isend, Irecv = comm.Isend, comm.Irecv
    if sends:
        def stream():
            Waitall([Isend(s, peer, TAG_DATA) for _ in range(W)])
            comm.Recv(ack, peer, TAG_ACK)
    else:
        def stream():
            Waitall([Irecv(r, peer, TAG_DATA) for _ in range(W)])
            comm.Send(ack, peer, TAG_ACK)
    return stream


def _window_object(c, sends, peer, obj, bufs):
    """A stream of the object path: a window of isend(obj) then the ack, or
    the window's irecv into bufs (one per message) then the ack."""
    comm, ack, waitall = c.comm, [c.ack, MPI.BYTE], MPI.Request.waitall
    isend, irecv, W = comm.isend, comm.irecv, c.window
    if sends:
        def stream():
            waitall([isend(obj, peer, TAG_DATA) for _ in range(W)])
            comm.Recv(ack, peer, TAG_ACK)
    else:
        def stream():
            c.gots = waitall([irecv(b, peer, TAG_DATA) for b in bufs])
            comm.Send(ack, peer, TAG_ACK)
    return stream


def _isendirecv_buffer(c):
    comm, W, peer = c.comm, c.window, 1 - c.rank
    s, r, ack = c.bytes_msg(c.sbuf), c.bytes_msg(c.rbuf), [c.ack, MPI.BYTE]
    Isend, Irecv, Waitall = comm.Isend, comm.Irecv, MPI.Request.Waitall
    if c.rank == 0:
        def pingpong():
            Waitall([Irecv(r, peer, TAG_DATA), Isend(s, peer, TAG_DATA)])
        stream = _window_buffer(c, True, peer)
    elif c.rank == 1:
        def pingpong():
            Irecv(r, peer, TAG_DATA).Wait()
            Isend(s, peer, TAG_DATA).Wait()
        stream = _window_buffer(c, False, peer)
    else:
        pingpong = stream = _idle
    if c.rank < 2:
        def bistream():  # a window of receives and a window of sends at once
            reqs = [Irecv(r, peer, TAG_DATA) for _ in range(W)]
            reqs += [Isend(s, peer, TAG_DATA) for _ in range(W)]
            Waitall(reqs)
    else:
        bistream = _idle
    return [pingpong, stream, bistream]


def _isendirecv_object(c):
    # mpi4py's irecv needs a buffer big enough for the pickle of a large
    # message: each receive of a window gets its own bytearray of the
    # message's pickled size (as the C object path), made once per size.
    comm, W, peer, ack = c.comm, c.window, 1 - c.rank, [c.ack, MPI.BYTE]
    obj = c.own() if c.rank < 2 else None
    bufs = [bytearray(c.wire_bytes) for _ in range(W)] if c.rank < 2 else None
    isend, irecv, waitall = comm.isend, comm.irecv, MPI.Request.waitall
    if c.rank == 0:
        buf = bufs[0]

        def pingpong():
            c.got = waitall([irecv(buf, peer, TAG_DATA), isend(obj, peer, TAG_DATA)])[0]
        stream = _window_object(c, True, peer, obj, bufs)
    elif c.rank == 1:
        buf = bufs[0]

        def pingpong():
            c.got = irecv(buf, peer, TAG_DATA).wait()
            isend(obj, peer, TAG_DATA).wait()
        stream = _window_object(c, False, peer, obj, bufs)
    else:
        pingpong = stream = _idle
    if c.rank < 2:
        def bistream():
            reqs = [irecv(b, peer, TAG_DATA) for b in bufs]
            reqs += [isend(obj, peer, TAG_DATA) for _ in range(W)]
            c.gots = waitall(reqs)[:W]
    else:
        bistream = _idle
    return [pingpong, stream, bistream]


# -- the blocking collectives: one call each, its arguments per path --

def _call(fn, args, keep=None):
    """A kernel: fn(*args) written as a user's code writes it, each argument
    on the stack (through *args mpi4py 3.1 skips making its argument tuple,
    and reads 0.02-0.05 us below a user's call at 8 B); keep: the Ctx whose
    got takes what fn returns, as `got = comm.bcast(obj)` does (the old
    object lives until the new one is there)."""
    n = len(args)
    a, b, d, e = args + (None,) * (4 - n)
    if keep is None:
        return (lambda: fn(), lambda: fn(a), lambda: fn(a, b), lambda: fn(a, b, d),
                lambda: fn(a, b, d, e))[n]

    def k0():
        keep.got = fn()

    def k1():
        keep.got = fn(a)

    def k2():
        keep.got = fn(a, b)

    def k3():
        keep.got = fn(a, b, d)

    def k4():
        keep.got = fn(a, b, d, e)
    return (k0, k1, k2, k3, k4)[n]


def _collective(call, buffer_args, object_call=None, object_args=None, receives=True):
    """The paths of a collective of one call: comm.<call>(*buffer_args(c))
    on the buffer path; c.got = comm.<object_call>(*object_args(c)) on the
    pickled paths (the call alone where it receives nothing: barrier)."""
    def buffer(c):
        return [_call(getattr(c.comm, call), buffer_args(c))]

    def object_(c):
        return [_call(getattr(c.comm, object_call), object_args(c), c if receives else None)]
    return buffer, object_ if object_call else None


def _bcast_args(c):  # the root broadcasts from sbuf, the others receive into rbuf
    return c.bytes_msg(c.sbuf if c.rank == c.root else c.rbuf), c.root


def _sum_args(c):  # reduce (with the root), allreduce, scan, exscan
    return c.doubles_msg(c.sbuf), c.doubles_msg(c.rbuf), MPI.SUM


# -- pairs: rank r < P/2 streams windows to r + P/2, every pair at once
# (osu_mbw_mr); the last rank of an odd P idles --

def _pairs_peer(c):
    """(this rank's partner or None, whether it sends)."""
    half = c.nranks // 2
    if c.rank < half:
        return c.rank + half, True
    return (c.rank - half if c.rank < 2 * half else None), False


def _pairs_buffer(c):
    peer, sends = _pairs_peer(c)
    return [_idle if peer is None else _window_buffer(c, sends, peer)]


def _pairs_object(c):
    peer, sends = _pairs_peer(c)
    if peer is None:
        return [_idle]
    return [_window_object(c, sends, peer, c.own(), [bytearray(c.wire_bytes) for _ in range(c.window)])]


# -- ibcast, iallreduce: the call and its wait, alone (kernel 0, which the
# sweep run also times for the compute phase) and with a compute phase of
# c.compute_s between them (the CPU busy, no MPI call: OSU's overlap) --

def _nbc(call, args):
    """The buffer path of a non-blocking collective: comm.<call>(*args(c))
    posts it (the arguments of its blocking twin)."""
    def setup(c):
        start, compute_s = _call(getattr(c.comm, call), args(c)), c.compute_s

        def alone():
            start().Wait()

        def overlap():
            req = start()
            end = perf_counter() + compute_s
            while perf_counter() < end:
                pass
            req.Wait()
        return [alone, overlap]
    return setup


# The registry, in common/defs/ops.def order (a test checks the two lists agree).
OPS = [
    Op("sendrecv", _sendrecv_buffer, _sendrecv_object, method="send"),
    Op("isendirecv", _isendirecv_buffer, _isendirecv_object),
    Op("bcast", *_collective("Bcast", _bcast_args,
                             "bcast", lambda c: (c.own() if c.rank == c.root else None, c.root))),
    Op("scatter", *_collective("Scatter", lambda c: (c.bytes_msg(c.sbuf, c.nranks) if c.rank == c.root else None,
                                                     c.bytes_msg(c.rbuf), c.root),
                               "scatter", lambda c: ([c.payload_obj(seed_for_rank(r)) for r in range(c.nranks)]
                                                     if c.rank == c.root else None, c.root))),
    Op("gather", *_collective("Gather", lambda c: (c.bytes_msg(c.sbuf), c.bytes_msg(c.rbuf, c.nranks)
                                                   if c.rank == c.root else None, c.root),
                              "gather", lambda c: (c.own(), c.root))),
    Op("reduce", *_collective("Reduce", lambda c: _sum_args(c) + (c.root,),
                              "reduce", lambda c: (c.own(), c.sum_op, c.root))),
    Op("allreduce", *_collective("Allreduce", _sum_args, "allreduce", lambda c: (c.own(), c.sum_op))),
    Op("allgather", *_collective("Allgather", lambda c: (c.bytes_msg(c.sbuf), c.bytes_msg(c.rbuf, c.nranks)),
                                 "allgather", lambda c: (c.own(),))),
    Op("alltoall", *_collective("Alltoall", lambda c: (c.bytes_msg(c.sbuf, c.nranks), c.bytes_msg(c.rbuf, c.nranks)),
                                "alltoall", lambda c: ([c.payload_obj(seed_from_to(c.rank, r))
                                                        for r in range(c.nranks)],))),
    Op("reduce_scatter", *_collective("Reduce_scatter_block", lambda c: (c.doubles_msg(c.sbuf, c.nranks),
                                                                         c.doubles_msg(c.rbuf), MPI.SUM))),
    # scan: the sum over ranks 0 .. r; exscan over 0 .. r-1 (rank 0 gets
    # nothing: MPI leaves its buffer undefined, mpi4py returns None)
    Op("scan", *_collective("Scan", _sum_args, "scan", lambda c: (c.own(), c.sum_op))),
    Op("exscan", *_collective("Exscan", _sum_args, "exscan", lambda c: (c.own(), c.sum_op))),
    # no data: one 0-byte row per path; comm.barrier() is MPI_Barrier in
    # mpi4py 3.1 and 4.x, with no pickle
    Op("barrier", *_collective("Barrier", lambda c: (), "barrier", lambda c: (), receives=False)),
    Op("pairs", _pairs_buffer, _pairs_object),
    Op("ibcast", _nbc("Ibcast", _bcast_args), None),
    Op("iallreduce", _nbc("Iallreduce", _sum_args), None),
]
if [op.name for op in OPS] != defs.ops():  # one kernel per line of ops.def
    raise SystemExit("mpimark: the mpi4py runner's operations (%s) are not ops.def's (%s)"
                     % (" ".join(op.name for op in OPS), " ".join(defs.ops())))
