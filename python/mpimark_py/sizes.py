"""Message sizes ("-m 1:4M" or "-m 8,1K,64K"): common/core/sizes.c, called
through the C core (core.py), so that the C binary, the mpi4py runner and
the tools accept the same lists with the same messages; and the short
label the figures and tables use."""

import ctypes

from . import core


class SizeError(ValueError):
    """A bad size or size list; its text is the C code's message."""


def _max_count():
    return core.const("mm_sizes_max_count", ctypes.c_size_t)


def size_parse(text):
    """One size in bytes (mm_size_parse); raises SizeError."""
    out, err = ctypes.c_size_t(), ctypes.create_string_buffer(256)
    if core.lib().mm_size_parse(text.encode(), ctypes.byref(out), err, len(err)) != 0:
        raise SizeError(err.value.decode())
    return out.value


def sizes_parse(text):
    """MIN:MAX (MIN, then powers of two up to MAX) or a list like 8,1K,64K
    (mm_sizes_parse); raises SizeError."""
    n = _max_count()
    buf = (ctypes.c_size_t * (n + 1))()  # mm_sizes: the count, then the sizes
    err = ctypes.create_string_buffer(256)
    if core.lib().mm_sizes_parse(text.encode(), buf, err, len(err)) != 0:
        raise SizeError(err.value.decode())
    return list(buf[1:1 + buf[0]])


def size_human(n):
    """8 B, 1 KiB, 3 MiB (mm_size_human)."""
    buf = ctypes.create_string_buffer(32)
    return core.lib().mm_size_human(int(n), buf, len(buf)).decode()


def size_short(n):
    """1K, 64K, 1M, 999: a size in the fewest characters (a whole number of
    KiB, MiB or GiB with its letter, as -m takes it), for plot tics and
    table cells; what is not a whole number comes back as it is."""
    try:
        n = int(n)
    except (TypeError, ValueError):
        return str(n)
    for unit, scale in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if n >= scale and n % scale == 0:
            return "%d%s" % (n // scale, unit)
    return "%d" % n
