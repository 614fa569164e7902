"""The runner's kernels as the one sweep run takes them (common/mpi/sweeprun.h,
through harness.py): what each operation is (its traits), the buffers for
the largest message, and for each visit of a cell its set-up (the kernels
of one size, with the object path's wire size), the check of what it
delivered, and its end. The rounds, the timing and the rows are C's."""

import ctypes
import pickle

from .. import core
from ..errors import ETOOBIG, OK
from ..options import HUGEPAGE_ARRAY_BYTES, PATHS
from . import harness
from .mpi import MPI, MPI4PY_GENERATION, np
from .ops import Ctx, OPS


def agree(comm, err):
    """Every rank gets the largest error of any rank."""
    return comm.allreduce(err, MPI.MAX)


def pkl5_dumps(pkl5, obj):
    """(pickle, out-of-band buffers) as mpi4py.util.pkl5 makes them: 4.x
    calls its pickle's dumps_oob (its dumps is in-band), 3.1's dumps
    returns both."""
    p = pkl5.pickle
    return p.dumps_oob(obj) if hasattr(p, "dumps_oob") else p.dumps(obj)


class Suite:
    def __init__(self, comm, cfg, hooks):
        self.comm, self.cfg, self.hooks = comm, cfg, hooks  # hooks: harness.test_hooks()
        self.rank, self.nranks = comm.Get_rank(), comm.Get_size()
        self.defs = core.op_traits()  # what each operation is (ops.def)
        self.sync = core.names("mm_shape_names", "mm_shape_count").index("sync")  # barrier's shape
        self.sbuf = self.rbuf = None
        self.ack = np.zeros(1, np.uint8)
        self.pkl5 = self.pkl5_comm = None
        self.heap = core.heap_prepare(cfg.pickles, cfg.heap_pinned)  # #@heap
        # The mpi4py and NumPy that run, for the metadata and the notes on
        # what they lack (the C binary's cfg holds those it models).
        cfg.c.mpi4py, cfg.c.numpy = MPI4PY_GENERATION, int(np.__version__.split(".")[0])
        if "pkl5" in cfg.paths:  # the real mpi4py.util.pkl5, with the threshold asked for
            from mpi4py.util import pkl5
            if cfg.pkl5_threshold is not None:
                pkl5.pickle.THRESHOLD = cfg.pkl5_threshold
            self.pkl5, self.pkl5_comm = pkl5, pkl5.Intracomm(comm)
            cfg.c.pkl5_threshold = pkl5.pickle.THRESHOLD

    def traits(self):
        """What the sweep (common/core/sweep.c) needs of each operation: what
        it is (ops.def, with its kernels' shapes: core.op_traits), the paths
        it has kernels for (pkl5 where the installed mpi4py.util.pkl5 has
        the method)."""
        for op, t in zip(OPS, self.defs):
            t.paths = sum(1 << i for i, p in enumerate(PATHS) if op.paths[p] is not None and not (
                p == "pkl5" and self.pkl5 and op.method not in vars(self.pkl5.Comm)))
        return self.defs

    def allocate(self):
        """Buffers for the largest message, every page touched (main.c's
        allocate): the paths of this run, with the notes on those an
        operation lacks (mm_sweep_paths), the cells that fit the job's
        memory (mm_sweep_fit_job, as the C binary), then the buffers."""
        cfg = self.cfg
        self.sweep = core.Sweep(self.traits())
        core.lib().mm_sweep_paths(self.sweep.traits, ctypes.byref(cfg.c), not cfg.user or cfg.user.adds,
                                  self.rank == 0 and not cfg.quiet)
        err, why = harness.sweep_fit(self.comm, self.cfg, self.sweep)
        s, r = self.sweep.sbuf, self.sweep.rbuf
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
        return agree(self.comm, err), why

    def run(self, seed):
        """The sweep (mm_sweep_run), with this object's setup, check and
        teardown as its kernels: (error, rows, [(key, value)] of the run's
        facts), rows and facts at rank 0."""
        return harness.sweep_run(self.comm, self.cfg, self.hooks, seed, self.sweep, self)

    def setup(self, op_index, path_index, nbytes, kernel, window, compute_s):
        """The kernel of one cell and its wire bytes per message; a MemoryError
        is this rank's ENOMEM (the sweep run agrees). compute_s: an overlap
        kernel's compute phase, s (the call alone's time, which the sweep run
        measured)."""
        op, t, path = OPS[op_index], self.defs[op_index], PATHS[path_index]
        c = Ctx(comm=self.pkl5_comm if path == "pkl5" else self.comm, rank=self.rank,
                nranks=self.nranks, root=self.cfg.root, bytes=nbytes, wire_bytes=nbytes, window=window,
                compute_s=compute_s, float64=t.float64, payload=self.cfg.payload, user=self.cfg.user,
                sbuf=self.sbuf, rbuf=self.rbuf, ack=self.ack)
        if t.shapes[0] == self.sync:
            pass  # it moves no data (barrier): nothing on the wire
        elif path == "object":  # first: irecv's buffer is sized from it
            c.wire_bytes = len(pickle.dumps(c.payload_obj(1), protocol=5))
        elif path == "pkl5":  # the pickle and its out-of-band buffers
            data, bufs = pkl5_dumps(self.pkl5, c.payload_obj(1))
            c.wire_bytes = len(data) + sum(memoryview(b).nbytes for b in bufs)
        run = op.paths[path](c)[kernel]
        self.visit = op, t, path, c, t.shapes[kernel], run
        return run, c.wire_bytes

    def check(self, corrupt):
        """One untimed run with known data; None, or why what this rank got is
        wrong: what ops.def's data says it receives, by the C core's rule
        (validate.h), in the buffer, or in the objects the pickled paths
        decoded. corrupt: the test hook that proves the checks fail."""
        op, t, path, c, shape, run = self.visit
        lib, why = core.lib(), ctypes.create_string_buffer(256)
        data = core.DataCtx(c.rank, c.nranks, c.root, c.bytes, self.sbuf.ctypes.data, self.rbuf.ctypes.data)
        if path == "buffer":
            lib.mm_data_prepare(t.data, ctypes.byref(data))
            run()
            bad = lib.mm_data_check(t.data, shape, ctypes.byref(data), corrupt, why, len(why))
            return why.value.decode() if bad else None
        run()
        if corrupt:
            c.got, c.gots = _corrupt(c.got), _corrupt(c.gots)
        messages = lib.mm_data_messages(t.data, shape, ctypes.byref(data), True)
        sums = lib.mm_data_sums(t.data, ctypes.byref(data))
        if messages == 0:
            return None if c.got is None and c.gots is None else "received an object, expected nothing"
        if messages > 1 and (type(c.got) is not list or len(c.got) != messages):
            return "received %s, expected a list of %d objects" % (type(c.got).__name__, messages)
        got = c.got if messages > 1 else c.gots or [c.got]  # a window's messages are one, repeated
        for i, obj in enumerate(got):
            if c.user:
                bad = c.user.differs(obj, c.bytes, max(sums, 1))
            else:
                msg, bad = c.message_of(obj, sums > 0)
                if not bad and lib.mm_data_check_message(t.data, ctypes.byref(data), i if messages > 1 else 0,
                                                         msg.ctypes.data, c.payload != "bytes", why, len(why)):
                    bad = why.value.decode()
            if bad:
                return bad if messages > 1 or len(got) == 1 else "message %d of %d: %s" % (i, len(got), bad)
        return None

    def teardown(self):
        self.visit = None


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
