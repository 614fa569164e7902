"""Payloads for tests/python/user_payload.sh (--payload FILE:FUNCTION),
written only for that test: objects as users send them."""
from dataclasses import dataclass

import numpy as np


def arrays(n):
    """A dict of two float64 arrays of n bytes in all (dicts have no +)."""
    k = max(n // 16, 1)
    return {"x": np.arange(k, dtype=np.float64), "y": np.ones(k)}


@dataclass
class Particles:
    xs: list
    name: str = "cloud"

    def __add__(self, other):  # reductions add objects with +
        return Particles([a + b for a, b in zip(self.xs, other.xs)], self.name)


def particles(n):
    return Particles([float(i) for i in range(max(n // 8, 1))])


def tuples(n):
    """A list of (int, float) tuples; + concatenates lists, as MPI.SUM does."""
    return [(i, float(i)) for i in range(max(n // 16, 1))]


def fails(n):
    if n > 100:
        raise ValueError("no objects over 100 bytes")
    return bytes(n)


def unpicklable(n):
    return lambda: n
