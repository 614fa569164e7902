"""The timing loop around the kernels: common/mpi/harness.c (calibration,
warm-up, batches, window and barrier sync, the clock sync)."""

import ctypes
import itertools
import math
import os
import time

from .. import core
from .. import stats as mmstats
from ..options import WARMUP_AUTO
from .mpi import MPI, np


MIN_SAMPLES, MAX_SAMPLES, FIXED_BATCHES, CI_TARGET = 6, 1000, 20, 0.03
# Automatic warmup (harness.h): up to AUTO_WARMUP iterations within a
# quarter of the budget.
AUTO_WARMUP = 10  # -x auto: at most this many (WARMUP_AUTO: mpimark_py.options)
REVISIT_WARMUP = 2  # ... and this many on a pickled cell's later visits (harness.h: MM_REVISIT_WARMUP)
# The clock sync (clocksync.h); the window's rules are the C core's
# (window.h), with this runner's own loop time between one call's exit and
# the next start (harness.c: MM_WINDOW_SLACK).
CLOCKSYNC_EXCHANGES = 25
WINDOW_SLACK = 2e-6
TAG_SYNC = 7
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
        self.batch, self.window, self.warmed = 0, 0.0, False
        self.first_window = 0.0  # the first visit's starting window (its runaway bound)


class Plan:
    def __init__(self, iterations, warmup, budget, min_samples, collective, sync, cache,
                 rank_time="slowest", heap_settles=False):
        self.iterations, self.warmup = iterations, warmup
        self.heap_settles = heap_settles  # pickled paths: REVISIT_WARMUP on later visits
        self.budget, self.min_samples = budget, min_samples
        self.collective, self.sync, self.cache = collective, sync, cache
        self.rank_time = rank_time  # collectives: which rank's time a sample is


# --rank-time: how every rank's own times become one per call (harness.h).
RANK_TIME_OP = {"slowest": MPI.MAX, "average": MPI.SUM, "fastest": MPI.MIN}


def _reduce_rank_times(comm, rank, how, mine):
    """Every rank's own times (an array) into one per call at rank 0, as
    --rank-time says (reduce_rank_times in harness.c); None elsewhere."""
    out = np.empty_like(mine) if rank == 0 else None
    comm.Reduce([mine, MPI.DOUBLE], [out, MPI.DOUBLE] if rank == 0 else None, RANK_TIME_OP[how], 0)
    if rank == 0 and how == "average":
        out /= comm.Get_size()
    return out


class SyncFacts:
    """What the window sync reports of one visit; merged into a cell's over
    its rounds and into the run's over its cells (mm_sync_facts)."""
    def __init__(self):
        self.late = 0
        self.window = self.max_offset = self.offset_uncertainty = 0.0
        self.max_drift = self.max_residual = self.estimate_seconds = 0.0
        self.estimates = 0
        self.offsets_estimated = False

    def merge(self, other):
        self.late += other.late
        # the drift of the latest model (most estimates), as mm_sync_facts_merge
        if (other.estimates, other.max_drift) > (self.estimates, self.max_drift):
            self.max_drift = other.max_drift
        for k in ("window", "max_offset", "offset_uncertainty", "max_residual", "estimates",
                  "estimate_seconds"):
            setattr(self, k, max(getattr(self, k), getattr(other, k)))
        self.offsets_estimated |= other.offsets_estimated


class Samples:
    """One visit's samples at rank 0 (mm_samples)."""
    def __init__(self):
        self.t, self.iterations, self.sync = [], 0, SyncFacts()
        self.runaway = False  # the window ran away (window.h): the visit failed
        self.spent = dict.fromkeys(core.spent_phases(), 0.0)  # seconds by phase (time_split.h)


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
    """plan.warmup iterations, or automatically: on a cell's first visit the
    slowest rank's first iteration decides how many more fit in a quarter of
    the budget, so every rank runs the same count; on later visits
    REVISIT_WARMUP (harness.c's warm_up)."""
    n = plan.warmup
    if n == WARMUP_AUTO and plan.cache.warmed:
        n = REVISIT_WARMUP if plan.heap_settles else 1
    elif n == WARMUP_AUTO:
        t0 = perf_counter()
        run()
        slowest = comm.allreduce(perf_counter() - t0, op=MPI.MAX)
        room = plan.budget / 4.0 / slowest if slowest > 0 else float(AUTO_WARMUP)
        n = AUTO_WARMUP - 1 if room >= AUTO_WARMUP - 1 else int(room)
    for _ in _repeat(None, n):
        run()
    plan.cache.warmed = True


def _measure_batches(comm, rank, run, plan, out):
    local, begin, timed = [], perf_counter(), 0.0
    if plan.iterations > 0:
        batches = min(plan.iterations, FIXED_BATCHES)
        for b in range(batches):
            k = plan.iterations // batches + (1 if b < plan.iterations % batches else 0)
            t = _time_batch(comm, run, k)
            timed += t
            local.append(t / float(k))
            out.iterations += k
    else:
        if plan.cache.batch == 0:
            plan.cache.batch = _calibrate(comm, run, _batch_target(plan.budget))
            out.spent["calibration"] = perf_counter() - begin
        k = plan.cache.batch
        start = perf_counter()
        more = np.ones(1, np.intc)
        while more[0]:
            t = _time_batch(comm, run, k)
            timed += t
            local.append(t / float(k))
            out.iterations += k
            if rank == 0:
                more[0] = _keep_sampling(local, perf_counter() - start, plan)
            comm.Bcast([more, MPI.INT], 0)
    if plan.collective:  # --rank-time's, after the loop, never inside it
        got = _reduce_rank_times(comm, rank, plan.rank_time, np.array(local, np.float64))
        local = got.tolist() if rank == 0 else []
    out.t = local
    out.spent["timed"] = timed
    out.spent["sampling"] = perf_counter() - begin - timed - out.spent["calibration"]


def _call_time(dt):
    """mm_call_time: minus one clock read, never below the resolution."""
    t = dt - CLOCK_READ
    return CLOCK_RESOLUTION if t < CLOCK_RESOLUTION else t


def clock_sync_method(estimated):
    """#@clock_sync (mm_clocksync_method): the C core's text."""
    return core.text("mm_clock_sync_estimated" if estimated else "mm_clock_sync_one_clock")


class ClockSync:
    """The global clock (rank 0's) on this rank, as common/mpi/clocksync.c
    keeps it: no estimate on one node (one clock); else the node leaders'
    binomial tree of SKaMPI ping-pongs and a line of offset and drift per
    rank (the C core's mm_clock_model), estimated twice at the start and
    again once its error bound has doubled. One per process: refresh()
    before each visit of a cell."""
    _the = None

    @classmethod
    def refresh(cls, comm):
        if cls._the is None:
            cls._the = cls(comm)
        cls._the._refresh(comm)
        return cls._the

    def __init__(self, comm):
        rank, nranks = comm.Get_rank(), comm.Get_size()
        env = os.environ.get
        hooked = env("MPIMARK_TEST_CLOCK_SKEW_US") is not None or env("MPIMARK_TEST_CLOCK_DRIFT_PPM") is not None
        self.skew = abs(float(env("MPIMARK_TEST_CLOCK_SKEW_US", "0"))) * 1e-6 * rank  # test hooks
        self.drift_hook = abs(float(env("MPIMARK_TEST_CLOCK_DRIFT_PPM", "0"))) * 1e-6 * rank
        self.drift = env("MPIMARK_TEST_CLOCK_OFFSETS_ONLY") is None
        self.start = perf_counter()
        self.rank = rank
        self.domain = comm.Split(rank, 0) if hooked else comm.Split_type(MPI.COMM_TYPE_SHARED)
        self.leaders = comm.Split(0 if self.domain.Get_rank() == 0 else MPI.UNDEFINED, rank)
        self.estimated = self.domain.Get_size() != nranks
        self.model = core.ClockModel()
        self.offset = self.rate = self.t_ref = 0.0  # the model's line, for now()
        self.facts = [0.0] * 5  # rank 0: |offset|, uncertainty, |drift|, residual, error rate
        self.seconds = 0.0
        self.max_abs_offset = self.max_uncertainty = self.max_drift = self.max_residual = 0.0

    def local(self):
        t = perf_counter()
        return t + self.skew + self.drift_hook * (t - self.start)

    def now(self):
        """mm_clock_model_global, inlined: the window's loop reads it per call."""
        t = self.local()
        return t + self.offset + self.rate * (t - self.t_ref)

    def _add(self, t, offset, u):
        core.lib().mm_clock_model_add(ctypes.byref(self.model), t, offset, u, self.drift)
        m = self.model
        self.offset, self.rate, self.t_ref = m.offset, m.drift, m.t_ref

    def _estimate(self, comm):
        est = np.array([self.local(), 0.0, 0.0])  # t, offset, uncertainty
        if self.leaders != MPI.COMM_NULL:
            me, n, lead = self.leaders.Get_rank(), self.leaders.Get_size(), self.leaders
            t, ping = np.zeros(1), np.zeros(1, np.uint8)
            step = 1
            while step < n:
                if me < step and me + step < n:  # answer with this rank's global clock
                    for _ in range(CLOCKSYNC_EXCHANGES):
                        lead.Recv([ping, MPI.BYTE], me + step, TAG_SYNC)
                        t[0] = self.now() if me else self.local()
                        lead.Send([t, MPI.DOUBLE], me + step, TAG_SYNC)
                    lead.Send([est[2:3], MPI.DOUBLE], me + step, TAG_SYNC)
                elif step <= me < 2 * step:
                    best = math.inf
                    for _ in range(CLOCKSYNC_EXCHANGES):
                        t_send = self.local()
                        lead.Send([ping, MPI.BYTE], me - step, TAG_SYNC)
                        lead.Recv([t, MPI.DOUBLE], me - step, TAG_SYNC)
                        t_recv = self.local()
                        if t_recv - t_send < best:
                            best, mid = t_recv - t_send, (t_send + t_recv) / 2.0
                            off = float(t[0]) - mid
                    u = np.zeros(1)
                    lead.Recv([u, MPI.DOUBLE], me - step, TAG_SYNC)
                    est[:] = (mid, off, best / 2.0 + float(u[0]))
                    self._add(*est)
                step *= 2
            if me == 0:
                self._add(float(est[0]), 0.0, 0.0)
        self.domain.Bcast([est, MPI.DOUBLE], 0)
        if self.leaders == MPI.COMM_NULL:
            self._add(*est)
        m = self.model
        mine = np.array([abs(m.offset), m.uncertainty, abs(core.lib().mm_clock_model_rate(ctypes.byref(m))),
                         m.residual, core.lib().mm_clock_model_error_rate(ctypes.byref(m))])
        worst = np.zeros(5)
        comm.Reduce([mine, MPI.DOUBLE], [worst, MPI.DOUBLE], MPI.MAX, 0)
        self.facts = worst.tolist()

    def _refresh(self, comm):
        if not self.estimated:
            return
        f = self.facts
        estimates = self.model.estimates
        due = np.array([not self.drift or estimates == 0 or
                        core.lib().mm_clock_model_due(self.local() - self.model.t_ref, f[1], f[4])],
                       np.intc)
        comm.Bcast([due, MPI.INT], 0)
        for k in range((2 if self.drift and estimates == 0 else 1) if due[0] else 0):
            if k == 1:
                time.sleep(core.const("mm_clock_baseline_first", ctypes.c_double))
            t0 = perf_counter()
            self._estimate(comm)
            self.seconds += perf_counter() - t0
        f = self.facts
        growth = core.const("mm_clock_error_growth", ctypes.c_double) if self.drift else 1.0
        self.max_abs_offset, self.max_uncertainty = f[0], growth * f[1]
        self.max_drift, self.max_residual = f[2], f[3]


def _slow_rank_hook(comm):
    """Test hook MPIMARK_TEST_SLOW_RANK=R:US (as in harness.c): rank R
    leaves every timed call US microseconds late; the --rank-time test."""
    spec = os.environ.get("MPIMARK_TEST_SLOW_RANK", "")
    rank, _, us = spec.partition(":")
    if not (rank.isdigit() and int(rank) == comm.Get_rank()):
        return lambda: None
    delay = float(us) * 1e-6
    return lambda: time.sleep(delay)  # a sleep: a spin would hold a shared core


def _barrier_calls(comm, run, n, how, slow=lambda: None):
    """Each call after a Barrier, timed alone; rank 0 gets the slowest rank's
    time per call (how: or the average or the fastest; the barrier's exit
    skew stays in)."""
    mine = np.empty(n)
    for k in range(n):
        comm.Barrier()
        t0 = perf_counter()
        run()
        slow()
        mine[k] = _call_time(perf_counter() - t0)
    got = _reduce_rank_times(comm, comm.Get_rank(), how, mine)
    return got.tolist() if got is not None else [0.0] * n


def _window_calls(comm, rank, run, n, w, sync, late_rank, how, slow):
    """Call k starts when the global clock reaches t0 + k w on every rank; a
    sample is the latest exit minus that start (how: or the mean or the
    earliest exit, as in harness.c); a call some rank reached
    after its start is dropped (mm_window_samples). Returns (samples, late,
    the valid calls' times by the latest exit) at rank 0."""
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
        slow()
        buf[k] = now_()
    red = np.zeros(2 * n)  # latest exits and late flags in one reduction; another for how
    comm.Reduce([buf, MPI.DOUBLE], [red, MPI.DOUBLE], MPI.MAX, 0)
    exits = red[:n] if how == "slowest" else _reduce_rank_times(comm, rank, how, buf[:n].copy())
    if rank != 0:
        return [], 0, []
    valid = [k for k in range(n) if red[n + k] == 0]
    out = [_call_time(exits[k] - (t0 + k * w)) for k in valid]
    fit = [_call_time(red[k] - (t0 + k * w)) for k in valid]  # what the window must hold
    return out, n - len(out), fit


def _measure_calls(comm, rank, run, plan, out):
    window = plan.sync == "window"
    sync, begin = None, perf_counter()
    if window:
        sync = ClockSync.refresh(comm)
        out.sync.max_offset, out.sync.offset_uncertainty = sync.max_abs_offset, sync.max_uncertainty
        out.sync.max_drift, out.sync.max_residual = sync.max_drift, sync.max_residual
        out.sync.estimates, out.sync.estimate_seconds = sync.model.estimates, sync.seconds
        out.sync.offsets_estimated = sync.estimated
    late_rank = int(os.environ.get("MPIMARK_TEST_LATE_RANK", "-1"))
    slow = _slow_rank_hook(comm)
    synced = perf_counter()
    out.spent["clock sync"] = synced - begin
    w = plan.cache.window  # an earlier visit's, else calibrated now (harness.c)
    if w == 0:
        probe = _barrier_calls(comm, run, 5, "slowest", slow)  # twice the slowest, plus sync error
        w = np.array([2.0 * max(probe) + 4.0 * (sync.max_uncertainty if sync else 0.0) + 1e-6
                      if rank == 0 else 0.0])
        comm.Bcast([w, MPI.DOUBLE], 0)
        w = float(w[0])
    if plan.cache.first_window == 0:
        plan.cache.first_window = w
    margin = 4.0 * (sync.max_uncertainty if sync else 0.0) + WINDOW_SLACK
    cap = max(MAX_SAMPLES, plan.iterations)
    sampling = perf_counter()
    out.spent["calibration"] = sampling - synced
    local, attempted = [], 0
    start = perf_counter()
    state = np.array([1.0, w, 0.0])  # more, window, samples: rank 0 decides
    while state[0]:
        m = max(1, math.ceil(_batch_target(plan.budget) / w))
        if plan.iterations > 0 and m > plan.iterations - attempted:
            m = plan.iterations - attempted if attempted < plan.iterations else 1
        m = min(m, cap - int(state[2]))
        fit = []
        if window:
            got, late, fit = _window_calls(comm, rank, run, m, w, sync, late_rank, plan.rank_time, slow)
        else:
            got, late = _barrier_calls(comm, run, m, plan.rank_time, slow), 0
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
            nxt = core.window_next(w, late, m) if window else w
            if window and nxt == w:  # few late: fit the window to the calls
                nxt = core.window_fit(w, fit, margin)
            state[:] = (1.0 if more else 0.0, nxt, n)
            if window and core.window_runaway(nxt, plan.cache.first_window, sync.max_uncertainty):
                state[0] = -1.0
        comm.Bcast([state, MPI.DOUBLE], 0)
        w = float(state[1])
        if state[0] < 0:
            out.runaway, state[0] = True, 0.0
    plan.cache.window = w
    out.sync.window = w if window else 0.0
    out.t = local
    out.spent["timed"] = sum(local)  # rank 0's samples
    out.spent["sampling"] = perf_counter() - sampling - out.spent["timed"]


def measure(comm, rank, run, plan):
    """One visit of a cell (mm_harness_measure): samples at rank 0, seconds
    per iteration, one per batch (point-to-point, --sync batch) or per valid
    call (window, barrier)."""
    out = Samples()
    t0 = perf_counter()
    warm_up(comm, run, plan)
    out.spent["warm-up"] = perf_counter() - t0
    if plan.collective and plan.sync != "batch":
        _measure_calls(comm, rank, run, plan, out)
    else:
        _measure_batches(comm, rank, run, plan, out)
    return out
