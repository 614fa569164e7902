"""Message sizes as common/core/sizes.c parses and prints them ("-m 1:4M" or
"-m 8,1K,64K"), for the mpi4py runner and the scripts: the same rules and
the same messages as the C code."""

import re

SIZE_MAX = 2147483647  # MPI counts are C ints (MM_SIZE_MAX)
SIZES_MAX_COUNT = 256
_SHIFT = {"K": 10, "M": 20, "G": 30}


class SizeError(ValueError):
    """A bad size or size list; its text is the C code's message."""


def size_parse(text):
    if not text[:1].isdigit() or not text[:1].isascii():
        raise SizeError("bad size '%s': expected a number such as 64, 1K or 4M" % text)
    m = re.match(r"[0-9]+", text)
    digits, end = m.group(0), text[m.end():]
    value = int(digits)
    if value > 2 ** 64 - 1:
        raise SizeError("bad size '%s': number out of range" % text)
    shift = _SHIFT.get(end[:1].upper(), 0)
    if shift:
        end = end[1:]
    if end.lower() == "b" or (shift and end.lower() == "ib"):
        end = ""
    if end:
        raise SizeError("bad size '%s': unknown suffix '%s' (use K, M or G)" % (text, end))
    if value > (SIZE_MAX >> shift):
        raise SizeError("size '%s' exceeds the largest MPI message (%d bytes)"
                         % (text, SIZE_MAX))
    return value << shift


def _add_size(out, size):
    if size in out:
        raise SizeError("size %d is listed twice" % size)
    if len(out) == SIZES_MAX_COUNT:
        raise SizeError("too many sizes (at most %d)" % SIZES_MAX_COUNT)
    out.append(size)


def sizes_parse(text):
    """MIN:MAX (MIN, then powers of two up to MAX) or a list like 8,1K,64K."""
    out = []
    if not text:
        raise SizeError("empty size list")
    if ":" in text:
        if "," in text:
            raise SizeError("bad sizes '%s': use either MIN:MAX or a list, not both" % text)
        lo_text, hi_text = text.split(":", 1)
        if (not lo_text or len(lo_text.encode()) >= 64 or len(hi_text.encode()) >= 64
                or ":" in hi_text):
            raise SizeError("bad size range '%s': expected MIN:MAX such as 1:4M" % text)
        lo, hi = size_parse(lo_text), size_parse(hi_text)
        if lo > hi:
            raise SizeError("bad size range '%s': MIN is larger than MAX" % text)
        if lo == 0:
            _add_size(out, 0)
            lo = 1
        s = lo
        while s <= hi and s != 0:
            _add_size(out, s)
            s = s * 2 if s <= hi // 2 else 0
        return out
    for item in text.split(","):
        if not item or len(item.encode()) >= 64:
            raise SizeError("bad size list '%s': empty or overlong item" % text)
        _add_size(out, size_parse(item))
    return out


def size_human(n):
    """8 B, 1 KiB, 3 MiB: as common/core/sizes.c's mm_size_human."""
    n, units, u = int(n), ("B", "KiB", "MiB", "GiB"), 0
    while u < 3 and n >= 1024 and n % 1024 == 0:
        n //= 1024
        u += 1
    return "%d %s" % (n, units[u])


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
