"""Summary statistics of a set of samples, exactly as common/stats.c computes
them (tests/python/stats_agree.py checks the two agree bit for bit).

- median and p99: linear interpolation between order statistics ("type 7",
  numpy's default);
- mean: the plain left-to-right sum of the sorted samples divided by n (not
  math.fsum, not the compensated sum() of Python 3.12+), as the C loop does;
- 95% CI of the median: the order statistics [x_(l), x_(n-l+1)], with l from
  the binomial(n, 1/2) distribution of the ranks, summed term by term in log
  space (lgamma) up to n = 2000 and from the normal approximation above; for
  n < 6 no pair reaches 95% and the CI is [min, max].
"""

import math
from functools import lru_cache

__all__ = ["Stats", "compute", "quantile_sorted", "median_ci_ranks", "rel_ci"]


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
