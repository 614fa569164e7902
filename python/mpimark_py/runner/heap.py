"""The pickled paths' heap policy (common/defs/heap.def), applied and recorded
as the C binary does (common/pyobj: mm_obj_heap_like_python)."""

import ctypes

from .. import defs


def heap_like_c():
    """The pickled paths' heap policy (common/defs/heap.def), set as the C binary
    sets it (mm_obj_heap_like_python), so that a pickle's cost does not
    depend on the largest block this process happened to free before."""
    libc = ctypes.CDLL(None)
    for _, number, value in defs.heap():
        libc.mallopt(number, value)


def heap_text():
    """#@heap, as mm_obj_heap_like_python writes it."""
    return "mallopt" + "".join(" %s=%d" % (name, value) for name, _, value in defs.heap())
