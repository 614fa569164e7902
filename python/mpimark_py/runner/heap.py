"""--heap pinned on the pickled paths (common/defs/heap.def), applied and
recorded as the C binary does (common/pyobj: mm_obj_heap_pin)."""

import ctypes

from .. import defs


def heap_pin():
    """glibc's heap pinned (common/defs/heap.def), as the C binary pins it
    (mm_obj_heap_pin), so that a pickle's cost does not depend on the
    largest block this process happened to free before."""
    libc = ctypes.CDLL(None)
    for _, number, value in defs.heap():
        libc.mallopt(number, value)


def heap_settle(largest):
    """--heap default: one block of twice the largest message, touched and
    freed before measuring, as the C binary does (mm_obj_heap_settle): every
    launch starts as a program that has handled its largest message."""
    libc = ctypes.CDLL(None)
    libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    block = libc.malloc(2 * largest or 1)
    if block:
        ctypes.memset(block, 1, 1)
        libc.free(block)


def heap_text():
    """#@heap of a pinned heap, as mm_obj_heap_pin writes it."""
    return "mallopt" + "".join(" %s=%d" % (name, value) for name, _, value in defs.heap())
