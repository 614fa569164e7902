"""Summary statistics of a set of samples, exactly as common/core/stats.c computes
them (tests/python/stats_agree.py checks the two agree bit for bit).

- median and p99: linear interpolation between order statistics ("type 7",
  numpy's default);
- mean: the plain left-to-right sum of the sorted samples divided by n (not
  math.fsum, not the compensated sum() of Python 3.12+), as the C loop does;
- 95% CI of the median: the order statistics [x_(l), x_(n-l+1)], with l from
  the binomial(n, 1/2) distribution of the ranks, summed term by term in log
  space (lgamma) up to n = 2000 and from the normal approximation above; for
  n < 6 no pair reaches 95% and the CI is [min, max];
- a row from R >= 2 rounds: the 95% prediction interval of a repeat run's
  median (predict), with the same operations in the same order as C, so
  that libm gives the same bits.
"""

import math
from functools import lru_cache

__all__ = ["Stats", "compute", "quantile_sorted", "median_ci_ranks", "rel_ci", "rounds",
           "paired_ratio", "predict", "t975", "interval_name", "meta_rounds", "interval_of",
           "round_order"]


class Stats:
    __slots__ = ("n", "min", "median", "mean", "max", "p99", "ci_low", "ci_high")

    def __init__(self, n, min_, median, mean, max_, p99, ci_low, ci_high):
        self.n, self.min, self.median, self.mean = n, min_, median, mean
        self.max, self.p99, self.ci_low, self.ci_high = max_, p99, ci_low, ci_high

    def as_tuple(self):
        return (self.n, self.min, self.median, self.mean, self.max, self.p99,
                self.ci_low, self.ci_high)


def quantile_sorted(s, q):
    """The quantile q (0..1) of the sorted sequence s (mm_quantile_sorted)."""
    n = len(s)
    if n == 0:
        return math.nan
    h = float(n - 1) * q
    lo = math.floor(h)
    if lo + 1 >= n:
        return s[n - 1]
    return s[lo] + (h - lo) * (s[lo + 1] - s[lo])


def _binom_half_pmf(n, i):
    return math.exp(math.lgamma(n + 1.0) - math.lgamma(i + 1.0) -
                    math.lgamma(float(n - i) + 1.0) - float(n) * math.log(2.0))


@lru_cache(maxsize=None)
def median_ci_ranks(n):
    """0-based (lo, hi) indices of the sorted samples bounding the 95% CI of
    the median (mm_median_ci_ranks). Cached: the harness asks after every
    batch."""
    lo, hi = 0, (n - 1 if n else 0)
    if n < 6:
        return lo, hi
    l = 0
    if n <= 2000:
        cdf = _binom_half_pmf(n, 0)
        while cdf <= 0.025:
            l += 1
            cdf += _binom_half_pmf(n, l)
    else:
        l = math.floor(n / 2.0 - 1.959964 * math.sqrt(n) / 2.0)
    if l < 1:
        l = 1
    return l - 1, n - l


def compute(samples):
    """Stats of samples (n >= 1), or None when there are none."""
    n = len(samples)
    if n == 0:
        return None
    s = sorted(samples)
    total = 0.0
    for v in s:  # the C loop's order and rounding
        total += v
    lo, hi = median_ci_ranks(n)
    return Stats(n, s[0], quantile_sorted(s, 0.5), total / n, s[n - 1],
                 quantile_sorted(s, 0.99), s[lo], s[hi])


def rel_ci(st):
    """Relative half-width of the CI, (ci_high - ci_low) / (2 * median)."""
    if not st.median > 0:
        return math.inf
    return (st.ci_high - st.ci_low) / (2.0 * st.median)


# ---- Rounds (common/core/stats.c: mm_stats_rounds, mm_stats_paired_ratio) ----

MAX_ROUNDS = 64
UNSTABLE_SPREAD = 0.20
CI_METHOD_ROUNDS = ("95% prediction interval of a repeat run's median, from the round medians "
                    "(Student's t on their log scale: median -+ t(R-1) * sd * sqrt(pi/R))")
ONE_LAUNCH_NOTE = ("# intervals: from this launch's rounds; another launch of the job can differ "
                   "by a few percent more (scripts/measure merges launches)")
CI_METHOD_SAMPLES = "95% CI of the median from the samples of one round (order statistics)"


class RoundStats:
    __slots__ = ("median", "ci_low", "ci_high", "round_min", "round_max", "unstable")


def rounds(medians, round_ci_low, round_ci_high):
    """A row's median and 95% prediction interval (predict) from its round
    medians (in round order),
    the smallest and largest round median, and whether the rounds disagree:
    they differ by more than UNSTABLE_SPREAD and the lowest and highest
    rounds' own CIs do not overlap. None when there are no rounds."""
    r = len(medians)
    if r == 0 or r > MAX_ROUNDS:
        return None
    lowest = highest = 0
    for i in range(r):
        if medians[i] < medians[lowest]:
            lowest = i
        if medians[i] > medians[highest]:
            highest = i
    out = RoundStats()
    st = compute(medians)  # the round medians as samples: their median
    out.median, out.ci_low, out.ci_high = st.median, st.ci_low, st.ci_high
    if r >= 2:
        out.ci_low, out.ci_high = predict(medians, st.median)
    out.round_min, out.round_max = medians[lowest], medians[highest]
    out.unstable = int(r >= 2 and out.round_max > (1.0 + UNSTABLE_SPREAD) * out.round_min
                       and round_ci_high[lowest] < round_ci_low[highest])
    return out


def t975(df):
    """Student's t 97.5% quantile for df >= 1 (mm_t975): exact for 1 and 2,
    Cornish-Fisher (Abramowitz & Stegun 26.7.5) from 3."""
    p, z = 0.975, 1.959963984540054
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2.0 * p - 1.0) * math.sqrt(2.0 / (4.0 * p * (1.0 - p)))
    z2 = z * z
    z3 = z2 * z
    z5 = z3 * z2
    z7 = z5 * z2
    z9 = z7 * z2
    v = float(df)
    g1 = (z3 + z) / 4.0
    g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0
    g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0
    g4 = (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / 92160.0
    return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v)


def predict(values, centre):
    """(lo, hi): the 95% prediction interval of a repeat run's median of R
    rounds from this run's R >= 2 round values (mm_stats_predict): centre
    -+ t(R-1) * sd * sqrt(pi/R) on the log scale when every value is
    positive, else on the linear scale. None when R < 2."""
    x = list(values[:MAX_ROUNDS])
    n = len(x)
    if n < 2:
        return None
    logs = centre > 0 and all(v > 0 for v in x)
    if logs:
        x = [math.log(v) for v in x]
    mean = 0.0
    for v in x:  # the C loops' order and rounding
        mean += v
    mean /= float(n)
    ss = 0.0
    for v in x:
        ss += (v - mean) * (v - mean)
    h = t975(n - 1) * math.sqrt(ss / float(n - 1)) * math.sqrt(math.pi / float(n))
    return (centre * math.exp(-h), centre * math.exp(h)) if logs else (centre - h, centre + h)


def interval_name(rounds):
    """A row's interval in table headers (mm_interval_name)."""
    return "95% PI" if rounds >= 2 else "95% CI"


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
    repeat run's (what a table shows)."""
    v = [a / b for a, b in zip(num[:MAX_ROUNDS], den[:MAX_ROUNDS]) if b > 0]
    st = compute(v)
    if not st:
        return None
    if repeat and len(v) >= 2:
        return (st.median,) + predict(v, st.median)
    return (st.median, st.ci_low, st.ci_high)


# ---- The rounds' visiting orders (common/core/rounds.c: the same permutation) ----

_M64 = (1 << 64) - 1


def _splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & _M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return state, z ^ (z >> 31)


def round_order(seed, rnd, n):
    """The visiting order of round rnd (0-based) under seed: mm_round_order."""
    s = (seed ^ ((0x5851F42D4C957F2D * (rnd + 1)) & _M64)) & _M64
    order = list(range(n))
    for i in range(n, 1, -1):  # Fisher-Yates
        s, v = _splitmix64(s)
        j = v % i
        order[i - 1], order[j] = order[j], order[i - 1]
    return order


def round_seed_from_clock(now):
    """A seed from a clock reading in seconds (mm_round_seed_from_clock)."""
    _, v = _splitmix64(int(now * 1e9) & _M64)
    v %= 1000000000
    return v or 1
