"""The run's metadata: common/mpi/metadata.c's keys, plus the runner's own
(Python, mpi4py, pickle protocol, thread level)."""

import ctypes
import os
import platform
import sys
import time

from .. import core, defs, stats as mmstats, version
from ..options import WARMUP_AUTO, _thp_mode
from .harness import clock_meta
from .mpi import MPI, MPI4PY_GENERATION, THREAD_LEVELS, mpi4py, np


perf_counter = time.perf_counter


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


def collect_metadata(comm, rank, nranks, cfg, seed, heap, r):
    names = comm.gather(MPI.Get_processor_name(), 0)
    mine = np.frombuffer(core.place_self(), np.uint8)  # one MPI_Gather of bytes, as metadata.c
    places = np.empty(nranks * mine.size, np.uint8) if rank == 0 else None
    comm.Gather([mine, MPI.BYTE], [places, MPI.BYTE] if rank == 0 else None, 0)
    if rank != 0:
        return
    r.set_meta("mpimark_version", version.project_version())
    r.set_meta("git_commit", version.git_commit())
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
    size = mine.size
    binding, placement = core.placement_texts(
        [places[i * size:(i + 1) * size].tobytes() for i in range(nranks)], names)
    r.set_meta("binding", binding)
    r.set_meta("placement", placement)
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
    clock, resolution, read = clock_meta()  # the harness's (C) clock, as the C binary's
    r.set_meta("clock", clock)
    r.set_meta("clock_resolution_ns", resolution)
    # The settings behind the numbers (main.c's settings_meta).
    r.set_meta("time_budget_s", "%g" % cfg.time_budget)
    r.set_meta("iterations", cfg.iterations)
    r.set_meta("warmup", "auto" if cfg.warmup == WARMUP_AUTO else cfg.warmup)
    auto_bytes = core.const("mm_window_auto_bytes", ctypes.c_size_t)
    r.set_meta("window", "auto (%d, at most %d MiB in flight)" % (cfg.window, auto_bytes >> 20)
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
    r.set_meta("rank_time", cfg.rank_time)
    r.set_meta("clock_read_ns", read)
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
        if cfg.user:  # --payload MODULE:FUNCTION (the row's payload column says user)
            r.set_meta("payload", cfg.user_payload)
        if cfg.payload == "ndarray":  # the NumPy that pickled the arrays
            r.set_meta("numpy_pickle", np.__version__.split(".")[0])
        r.set_meta("heap", heap)
    if "pkl5" in cfg.paths:  # what mpi4py.util.pkl5 really used
        from mpi4py.util import pkl5
        r.set_meta("pkl5_threshold", pkl5.pickle.THRESHOLD)
