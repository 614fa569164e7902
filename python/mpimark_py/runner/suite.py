"""The sweep: benchmarks/suite.c (cells over operations, paths and sizes,
rounds in a seeded order, metrics from the timed calls, validation)."""

import math
import pickle
import sys
import time

from .. import core, defs, stats as mmstats
from ..errors import ECLOCK, ENOMEM, ETOOBIG, EVALIDATE, EXIT_CODE, OK, STRERROR
from ..options import HUGEPAGE_ARRAY_BYTES, PATHS
from ..sizes import size_human
from . import harness
from .harness import CellCache, SyncFacts
from .mpi import MPI, mpi4py, np
from .ops import Ctx, OPS
from .output import Row
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
        self.window_msgs, self.cache, self.rounds = 0, CellCache(), []
        self.iterations, self.sync = 0, SyncFacts()  # sync: over the rounds

    def keep(self, t, s):
        self.rounds.append(t)
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
        self.heap = core.heap_prepare(cfg.pickles, cfg.heap_pinned, max(cfg.sizes))  # #@heap
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

    def fit_memory(self, bound):
        """Fits the selected cells to the memory bound (suite.c's
        mm_suite_fit_memory): self.over[(op, path)] is the smallest message
        that does not fit; returns how many fit (of self.asked) and the
        buffers' bytes."""
        cfg, fit, n, self.asked = self.cfg, core.MemoryFit(bound, self.nranks), 0, 0
        self.memory_bound, self.over = bound, {}
        for op in self.selected():
            for path in (p for p in PATHS if p in cfg.paths):
                if path == "pkl5" and self.pkl5_lacks(op):
                    continue
                self.asked += len(cfg.sizes)
                for b in sorted(self.effective_bytes(op, path, req) for req in cfg.sizes):
                    if not fit.fits(b, op.root_sends_all, op.root_recvs_all, path != "buffer"):
                        self.over[(op.name, path)] = b
                        break
                    n += 1
        return n, fit.sbuf.value, fit.rbuf.value

    def memory_skipped(self):
        """#@memory_skipped (suite.c's finish)."""
        return "; ".join("%s %s from %s" % (op.name, path, size_human(self.over[(op.name, path)]))
                         for op in OPS for path in PATHS if (op.name, path) in self.over) or "none"

    def selected(self):
        return [op for op in OPS if op.name in self.cfg.ops]

    def allocate(self):
        """Buffers for the largest message, every page touched (main.c's
        allocate): the ranks of each node first add up what they will touch
        and compare it with the node's available memory, so that a request
        that would push a node into swap or the OOM killer is a usage error."""
        node = self.comm.Split_type(MPI.COMM_TYPE_SHARED)
        avail = core.memory_available()
        bound = self.cfg.memory or (core.memory_auto(avail, node.Get_size()) if avail > 0 else math.inf)
        n, s, r = self.fit_memory(self.comm.allreduce(bound, MPI.MIN))
        if n == 0 and self.asked > 0:
            node.Free()
            return ETOOBIG, "no message size fits the memory bound of %s per rank (%s)" % (
                core.bytes_human(self.memory_bound),
                "--memory" if self.cfg.memory else "3/4 of the available memory shared by the node's ranks")
        need = float(s) + float(r)
        node_need = node.allreduce(need, MPI.SUM)
        node.Free()
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
        return agree(self.comm, err), why

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
        if op.float64 or (path != "buffer" and self.cfg.payload in ("floats", "ndarray")):
            return requested // 8 * 8
        return requested

    def build_sweep(self):
        """Cells (op, path, size, kernel) and units (the paths of one op,
        size and kernel, measured back to back), as suite.c's build_sweep."""
        cfg, cells, units = self.cfg, [], []
        for oi, op in enumerate(self.selected()):
            previous, skipped = {}, 0
            paths = [p for p in PATHS if p in cfg.paths]
            if op.float64 and cfg.user and not cfg.user.adds:
                paths = [p for p in paths if p == "buffer"]
                if self.rank == 0 and not cfg.quiet:
                    sys.stderr.write("mpimark: %s: --payload %s: the objects have no + (reductions of "
                                     "Python objects add them): pickled paths skipped\n" % (op.name, cfg.user_payload))
            lacks = "pkl5" in paths and self.pkl5_lacks(op)
            if lacks:
                paths.remove("pkl5")
                if self.rank == 0 and not cfg.quiet:
                    sys.stderr.write("mpimark: %s: no pkl5 path (%s): skipped\n" % (op.name, lacks))
            for z, req in enumerate(cfg.sizes):
                measured, skip = {}, False
                for path in paths:
                    b = self.effective_bytes(op, path, req)
                    if b >= self.over.get((op.name, path), math.inf):
                        continue  # over the memory bound: #@memory_skipped says so
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
                run = SyncFacts()
                for c in cells:
                    run.merge(c.sync)
                results.set_meta("sync_window_us_max", "%.3f" % (run.window * 1e6))
                results.set_meta("clock_offset_max_us", "%.3f" % (run.max_offset * 1e6))
                results.set_meta("clock_offset_uncertainty_us", "%.3f" % (run.offset_uncertainty * 1e6))
                results.set_meta("late_calls", run.late)
                results.set_meta("clock_drift_max_ppm", "%.3f" % (run.max_drift * 1e6))
                results.set_meta("clock_residual_max_us", "%.3f" % (run.max_residual * 1e6))
                results.set_meta("clock_estimates", run.estimates)
                results.set_meta("clock_estimates_ms", "%.3f" % (run.estimate_seconds * 1e3))
                results.set_meta("clock_sync", harness.clock_sync_method(run.offsets_estimated))
            results.set_meta("memory_bound_bytes", "%.0f" % self.memory_bound)
            results.set_meta("memory_bound", "--memory" if cfg.memory else core.text("mm_memory_auto_text"))
            results.set_meta("memory_skipped", self.memory_skipped())
            results.set_meta("time_split_s", core.time_split_text(
                perf_counter() - start, self.spent))
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
                self.progress(rnd, done + 1, len(units), perf_counter() - start)
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
        """One row per metric of the cell's kernel: the pooled samples'
        statistics, with the median and CI from the round medians."""
        op = cell.op
        # collectives only: nccl-tests' bytes and bus-bandwidth factor (metrics.h)
        factor = op.busbw_factor(self.nranks) if op.busbw_factor else 0.0
        moved = op.algbw_bytes(float(cell.bytes), self.nranks) if op.algbw_bytes else float(cell.bytes)
        for metric, unit, formula in SHAPE_METRICS[op.shapes[cell.kernel]]:
            value = core.metric(formula)
            per_round = [[value(moved, cell.window_msgs, factor, t) for t in r]
                         for r in cell.rounds]
            stats = [mmstats.compute(v) for v in per_round]
            st = mmstats.compute([v for r in per_round for v in r])
            medians = [x.median for x in stats]
            rs = mmstats.rounds(medians)
            if len(medians) >= 2:
                st.median, st.ci_low, st.ci_high = rs.median, rs.ci_low, rs.ci_high
            results.rows.append(Row(op.name, cell.path, _payload_name(op, cell.path, self.cfg.payload),
                                    cell.bytes, cell.wire_bytes, metric, unit, cell.iterations, st,
                                    cell.sync.late, medians, rs.round_min, rs.round_max))

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
            sys.stderr.write("mpimark: validation failed: %s (%s path), %s: rank %d: %s\n"
                             % (op.name, path, size_human(c.bytes), c.rank, why))
            sys.stderr.flush()
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
