"""Summary statistics of a set of samples: common/core/stats.c and rounds.c,
called through the C core (core.py), so that the C binary, the mpi4py runner
and the tools compute every median, interval, ratio and flag with the same
code; and what a result file's metadata says about its intervals.

- compute: median and p99 by linear interpolation between order statistics
  ("type 7"), the mean, and the 95% CI of the median from order statistics;
- rounds: a row from R rounds (or launches): the median of their medians,
  the 95% prediction interval of a repeat run's median, the flag;
- paired_ratio: the median of per-round ratios with its CI or PI;
- round_order: the rounds' visiting orders, as the C harness draws them.
"""

import ctypes
from functools import lru_cache

from . import core

__all__ = ["Stats", "compute", "quantile_sorted", "median_ci_ranks", "rel_ci", "rounds",
           "paired_ratio", "predict", "t975", "interval_name", "meta_rounds", "interval_of",
           "round_order"]

Stats = core.Stats  # n, min, median, mean, max, p99, ci_low, ci_high; as_tuple()
RoundStats = core.RoundStats  # median, ci_low, ci_high, round_min, round_max

# The C core's constants, read when first asked for (so that importing this
# module, for --help, needs no library).
_CONSTANTS = {
    "MAX_ROUNDS": lambda: core.const("mm_stats_max_rounds", ctypes.c_size_t),
    "CI_METHOD_ROUNDS": lambda: core.text("mm_ci_method_rounds"),
    "CI_METHOD_SAMPLES": lambda: core.text("mm_ci_method_samples"),
    "ONE_LAUNCH_NOTE": lambda: core.text("mm_one_launch_note"),
}


def __getattr__(name):
    if name in _CONSTANTS:
        value = _CONSTANTS[name]()
        globals()[name] = value
        return value
    raise AttributeError(name)


def compute(samples):
    """Stats of samples (n >= 1), or None when there are none (mm_stats_compute)."""
    if len(samples) == 0:
        return None
    out = Stats()
    if core.lib().mm_stats_compute(core.doubles(samples), len(samples), ctypes.byref(out)) != 0:
        raise MemoryError("mm_stats_compute")
    return out


def quantile_sorted(s, q):
    """The quantile q (0..1) of the sorted sequence s (mm_quantile_sorted)."""
    return core.lib().mm_quantile_sorted(core.doubles(s), len(s), q) if len(s) else float("nan")


@lru_cache(maxsize=None)
def median_ci_ranks(n):
    """0-based (lo, hi) indices of the sorted samples bounding the 95% CI of
    the median (mm_median_ci_ranks). Cached: the harness asks after every
    batch."""
    lo, hi = ctypes.c_size_t(), ctypes.c_size_t()
    core.lib().mm_median_ci_ranks(n, ctypes.byref(lo), ctypes.byref(hi))
    return lo.value, hi.value


def rel_ci(st):
    """Relative half-width of the CI, (ci_high - ci_low) / (2 * median) (mm_stats_rel_ci)."""
    return core.lib().mm_stats_rel_ci(ctypes.byref(st))


def rounds(medians):
    """A row's median and 95% prediction interval from its round medians (in
    round order), the smallest and largest (mm_stats_rounds). None when
    there are none, or more than MAX_ROUNDS."""
    out = RoundStats()
    if core.lib().mm_stats_rounds(core.doubles(medians), len(medians), ctypes.byref(out)) != 0:
        return None
    return out


def t975(df):
    """Student's t 97.5% quantile for df >= 1 (mm_t975)."""
    return core.lib().mm_t975(df)


def predict(values, centre):
    """(lo, hi): the 95% prediction interval of a repeat run's median of R
    rounds from this run's R >= 2 round values (mm_stats_predict). None when
    R < 2."""
    lo, hi = ctypes.c_double(), ctypes.c_double()
    if core.lib().mm_stats_predict(core.doubles(values), len(values), centre, ctypes.byref(lo),
                                   ctypes.byref(hi)) != 0:
        return None
    return lo.value, hi.value


def interval_name(rounds):
    """A row's interval in table headers (mm_interval_name)."""
    return core.lib().mm_interval_name(rounds).decode()


def meta_rounds(meta, prefix=""):
    """How many medians are behind each interval of a result file: a merged
    measurement's #@launches, else a launch's #@rounds (a comparison's
    #@a_launches or #@a_rounds with prefix "a_"), 1 when it records none.
    (Files merged before the levels had their names say #@rounds for both.)"""
    merged = prefix + "merge" in meta and prefix + "launches" in meta
    rounds = str(meta.get(prefix + ("launches" if merged else "rounds"), ""))
    return int(rounds) if rounds.isdigit() else 1


def interval_of(meta, prefix=""):
    """What the brackets of a run with this metadata are (interval_name)."""
    return interval_name(meta_rounds(meta, prefix))


def paired_ratio(num, den, repeat=False):
    """(median, low, high) of the per-round ratios num[i] / den[i] (pairs
    with a positive denominator), or None: the 95% CI of their median
    (what a verdict tests), or with repeat the prediction interval of a
    repeat run's (what a table shows) (mm_stats_paired_ratio)."""
    n = min(len(num), len(den))
    m, lo, hi = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    if core.lib().mm_stats_paired_ratio(core.doubles(num[:n]), core.doubles(den[:n]), n, repeat,
                                        ctypes.byref(m), ctypes.byref(lo), ctypes.byref(hi)) != 0:
        return None
    return m.value, lo.value, hi.value


def round_seed_from_clock():
    """A seed from the clock (mm_round_seed_from_clock)."""
    return core.lib().mm_round_seed_from_clock()
