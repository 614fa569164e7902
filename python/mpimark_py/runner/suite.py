"""The sweep, as benchmarks/suite.c runs it: its cells and their fit to the
memory bound from common/core/sweep.c, rounds in the C order (rounds.c),
every visit timed by the C harness; here the kernels' set-up, validation
and the rows of their samples."""

import math
import pickle
import sys
import time

from .. import core, defs, stats as mmstats
from ..errors import ECLOCK, ENOMEM, ETOOBIG, EVALIDATE, EXIT_CODE, OK, STRERROR
from ..options import HUGEPAGE_ARRAY_BYTES, PATHS
from ..sizes import size_human
from . import harness
from .harness import CellCache
from .mpi import MPI, mpi4py, np
from .ops import Ctx, OPS
from .patterns import pattern_bytes

perf_counter = time.perf_counter

# The metrics each kernel shape gives (common/defs/metrics.def), each
# computed by its formula in the C core (common/core/metrics.c).
SHAPE_METRICS = {shape: [(metric, unit, formula) for metric, unit, formula in ms]
                 for shape, ms in defs.metrics().items()}


def _payload_name(op, path, payload):
    if path != "buffer":
        return payload
    return "MPI_DOUBLE" if op.float64 else "MPI_BYTE"


def agree(comm, err):
    """Every rank gets the largest error of any rank."""
    return comm.allreduce(err, MPI.MAX)


class Cell:
    """One (operation, path, size, kernel), sampled in every round (suite.c)."""
    def __init__(self, op, op_index, size_index, path, nbytes, kernel):
        self.op, self.op_index, self.size_index = op, op_index, size_index
        self.path, self.bytes, self.wire_bytes, self.kernel = path, nbytes, nbytes, kernel
        self.window_msgs, self.cache = 0, CellCache()
        self.t, self.round_end = [], []  # rank 0: every sample, and where each round's end
        self.iterations, self.sync = 0, core.SyncFacts()  # sync: over the rounds

    def keep(self, t, s):
        self.t.extend(t)
        self.round_end.append(len(self.t))
        self.iterations += s.iterations
        self.sync.merge(s.sync)


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
        self.sbuf = self.rbuf = None
        self.ack = np.zeros(1, np.uint8)
        self.pkl5 = self.pkl5_comm = None
        self.heap = core.heap_prepare(cfg.pickles, cfg.heap_pinned)  # #@heap
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

    def traits(self):
        """What the sweep (common/core/sweep.c) needs of each operation: the
        paths it has in this run, with the notes of those it lacks."""
        cfg, out = self.cfg, []
        notes = self.rank == 0 and not cfg.quiet
        for op in OPS:
            paths = [p for p in PATHS]
            if op.name in cfg.ops and op.float64 and cfg.user and not cfg.user.adds:
                paths = [PATHS[0]]
                if notes:
                    sys.stderr.write("mpimark: %s: --payload %s: the objects have no + (reductions of "
                                     "Python objects add them): pickled paths skipped\n" % (op.name, cfg.user_payload))
            lacks = "pkl5" in paths and self.pkl5 and self.pkl5_lacks(op)
            if lacks:
                paths.remove("pkl5")
                if notes and op.name in cfg.ops:
                    sys.stderr.write("mpimark: %s: no pkl5 path (%s): skipped\n" % (op.name, lacks))
            kernels = (1 << len(op.shapes)) - 1
            out.append(core.OpTraits(op.float64, op.root_sends_all, op.root_recvs_all,
                                     sum(1 << PATHS.index(p) for p in paths), (kernels,) * len(PATHS)))
        return out

    def allocate(self):
        """Buffers for the largest message, every page touched (main.c's
        allocate): the memory bound (the least over the nodes), the cells
        that fit it, and, after the ranks of each node have added up what
        they will touch, the buffers (common/core/sweep.c decides)."""
        node = self.comm.Split_type(MPI.COMM_TYPE_SHARED)
        avail = core.memory_available()
        bound = self.cfg.memory or (core.memory_auto(avail, node.Get_size()) if avail > 0 else math.inf)
        self.sweep = core.Sweep(self.cfg.c, self.traits())
        self.sweep.fit_to(self.comm.allreduce(bound, MPI.MIN), self.nranks)
        s, r = self.sweep.sbuf, self.sweep.rbuf
        node_need = node.allreduce(float(s) + float(r), MPI.SUM)
        node.Free()
        err, why = self.sweep.memory_verdict(avail, node_need)
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

    def build_sweep(self):
        """Cells (op, path, size, kernel) and units (the paths of one op,
        size and kernel, measured back to back), from common/core/sweep.c."""
        keys, unit_keys = self.sweep.cells_and_units(self.rank == 0 and not self.cfg.quiet)
        cells = [Cell(OPS[o], o, z, PATHS[p], nbytes, k) for o, z, p, k, nbytes in keys]
        return cells, [[cells[i] for i in u] for u in unit_keys]

    def run(self, results, seed):
        """R rounds over all cells, each in its seeded order (the C order for
        the same seed); within a unit the paths alternate which goes first."""
        cfg = self.cfg
        cells, units = self.build_sweep()
        self.spent = dict.fromkeys(core.spent_phases(), 0.0)
        start = perf_counter()
        probe, self.harness = harness.StateProbe(self.comm), harness.Run(self.comm, self.hooks)
        try:
            verdict = self.rounds(units, seed, probe, start)
        finally:
            probe.close()
            self.harness.close()
        if verdict != OK:
            return verdict
        if self.rank == 0:
            for cell in sorted(cells, key=lambda c: (c.op_index, c.size_index,
                                                     PATHS.index(c.path), c.kernel)):
                self.add_rows(results, cell)
            if cfg.sync == "window":
                run = core.SyncFacts()
                for c in cells:
                    run.merge(c.sync)
                for k, v in run.meta():
                    results.set_meta(k, v)
            for k, v in self.sweep.meta(perf_counter() - start, self.spent):
                results.set_meta(k, v)
            results.set_meta("state_probe_ns", probe.meta())
        return OK

    def rounds(self, units, seed, probe, start):
        """The rounds (suite.c's mm_suite_run): a failed check of round 0
        (agreed) stops the run after that round, so that one run names every
        cell that delivers wrong data; any other error stops it at once."""
        failed = OK
        for rnd in range(self.cfg.rounds):
            t = perf_counter()
            probe.run()
            self.spent["state probe"] += perf_counter() - t
            for done, u in enumerate(mmstats.round_order(seed, rnd, len(units))):
                for cell in (reversed(units[u]) if rnd % 2 else units[u]):
                    verdict = self.visit(cell, rnd)
                    if verdict not in (OK, EVALIDATE):
                        return verdict
                    failed = failed or verdict
                if self.rank == 0 and not self.cfg.quiet:
                    sys.stderr.flush()  # the C progress line comes after what Python wrote
                    core.lib().mm_progress(rnd, self.cfg.rounds, done + 1, len(units), perf_counter() - start)
            if failed != OK:
                return failed
        return OK

    def setup(self, op, path, c):
        """The kernels of one size, with the object path's wire size; every
        rank agrees on whether setup worked (memory for the payloads)."""
        kernels, err = None, OK
        try:
            if path == "object":  # first: irecv's buffer is sized from it
                c.wire_bytes = len(pickle.dumps(c.payload_obj(1, op.float64), protocol=5))
            elif path == "pkl5":  # the pickle and its out-of-band buffers
                data, bufs = pkl5_dumps(self.pkl5, c.payload_obj(1, op.float64))
                c.wire_bytes = len(data) + sum(memoryview(b).nbytes for b in bufs)
            kernels = op.paths[path].setup(c)
        except MemoryError:
            err = ENOMEM
        err = agree(self.comm, err)
        if err:
            if self.rank == 0:
                sys.stderr.write("mpimark: %s: setup failed: %s\n" % (op.name, STRERROR[err]))
            raise SystemExit(EXIT_CODE[err])
        return kernels

    def visit(self, cell, rnd):
        """One visit of a cell: set up, measure its kernel, keep the samples,
        validate (first round only, outside timing)."""
        cfg, op, path = self.cfg, cell.op, cell.path
        begin = perf_counter()
        c = Ctx(comm=self.pkl5_comm if path == "pkl5" else self.comm, rank=self.rank,
                nranks=self.nranks, root=cfg.root,
                bytes=cell.bytes, wire_bytes=cell.bytes, window=cfg.stream_window(cell.bytes),
                payload=cfg.payload, user=cfg.user, sbuf=self.sbuf, rbuf=self.rbuf, ack=self.ack)
        shape, run = self.setup(op, path, c)[cell.kernel]
        cell.wire_bytes, cell.window_msgs = c.wire_bytes, c.window
        core.heap_visit(PATHS.index(path), cfg.heap_pinned, self.sweep.traits[cell.op_index],
                        self.rank == cfg.root, self.nranks, c.wire_bytes)
        plan = harness.plan(cfg, op.kind == "collective", cell.cache, heap_settles=path != "buffer")
        measured = perf_counter()
        t, samples = self.harness.measure(run, plan)
        measured = perf_counter() - measured
        for k, v in harness.spent(samples).items():
            self.spent[k] += v
        if samples.runaway:  # every rank knows it; one line
            if self.rank == 0:
                sys.stderr.write("mpimark: %s (%s path), %s: %s\n" % (
                    op.name, path, size_human(c.bytes), core.window_runaway_text(
                        cell.cache.first_window, samples.sync.window, samples.sync.offset_uncertainty)))
            return ECLOCK
        cell.keep(t, samples)
        verdict = OK
        if cfg.validate and rnd == 0:
            rbuf_bytes = c.bytes * c.nranks if op.root_recvs_all else c.bytes
            verdict = self.validate(op, path, c, shape, run, rbuf_bytes)
        c.got = None
        self.spent["set-up and checks"] += perf_counter() - begin - measured
        return verdict

    def add_rows(self, results, cell):
        """One row per metric of the cell's kernel (mm_metric_row: the pooled
        samples' statistics, with the median and CI from the round medians)."""
        op = cell.op
        # collectives only: nccl-tests' bytes and bus-bandwidth factor (metrics.h)
        factor = op.busbw_factor(self.nranks) if op.busbw_factor else 0.0
        moved = op.algbw_bytes(float(cell.bytes), self.nranks) if op.algbw_bytes else float(cell.bytes)
        payload = _payload_name(op, cell.path, self.cfg.payload)
        for metric, unit, formula in SHAPE_METRICS[op.shapes[cell.kernel]]:
            row = core.Row(op=op.name.encode(), path=cell.path.encode(), payload=payload.encode(),
                           bytes=cell.bytes, wire_bytes=cell.wire_bytes, metric=metric.encode(),
                           unit=unit.encode(), iterations=cell.iterations, late=cell.sync.late)
            results.rows.append(core.metric_row(row, formula, moved, cell.window_msgs, factor,
                                                cell.t, cell.round_end))

    def validate(self, op, path, c, shape, run, rbuf_bytes):
        """One untimed run with known data, then every rank checks what it
        got; a rank that finds a mismatch names itself; all agree."""
        hit = self.hooks.corrupt_rank == c.rank  # the test hook: proves the checks fail
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
            sys.stderr.flush()
            core.lib().mm_validation_failed(op.name.encode(), path.encode(), c.bytes, c.rank,
                                            why.encode(errors="replace"))
        return agree(self.comm, EVALIDATE if why else OK)


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
