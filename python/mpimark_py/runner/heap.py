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


def heap_text():
    """#@heap of a pinned heap, as mm_obj_heap_pin writes it."""
    return "mallopt" + "".join(" %s=%d" % (name, value) for name, _, value in defs.heap())
