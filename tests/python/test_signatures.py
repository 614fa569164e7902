#!/usr/bin/python3
"""The Python package's view of the C libraries is their public headers:
every function that python/mpimark_py binds with ctypes is declared in one
of the headers the library's public header includes (core.SIGNATURES:
common/core/mpimark_core.h; the runner harness's SIGNATURES:
common/mpi/pyharness.h and its includes) with the same number of arguments and, argument by argument and
for the result, the same kind of value (integers of the same size and
signedness, double, bool, or a pointer to the same struct, mirrored by a
ctypes class named after it: Row for mm_row, RunFacts for mm_run_facts).
A changed prototype without the matching change in Python fails here, not
as a wrong number at run time. Without MPI."""
import ctypes
import glob
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
from mpimark_py import core  # noqa: E402
from mpimark_py.runner import harness  # noqa: E402 (its mirrors load without MPI)

# C scalar types as (kind, bytes, signed) on the LP64 machines mpimark runs on;
# enums are ints.
SCALARS = {
    "double": ("float", 8, True), "int": ("int", 4, True), "bool": ("bool", 1, False),
    "size_t": ("int", 8, False), "long": ("int", 8, True), "long long": ("int", 8, True),
    "unsigned": ("int", 4, False), "unsigned int": ("int", 4, False),
    "unsigned long": ("int", 8, False), "unsigned long long": ("int", 8, False),
    "uint64_t": ("int", 8, False), "uint32_t": ("int", 4, False), "int32_t": ("int", 4, True),
    "intptr_t": ("int", 8, True), "ssize_t": ("int", 8, True),
}
CTYPES = {ctypes.c_double: ("float", 8, True), ctypes.c_bool: ("bool", 1, False)}
for t in (ctypes.c_int, ctypes.c_long, ctypes.c_longlong, ctypes.c_int32, ctypes.c_int64, ctypes.c_ssize_t):
    CTYPES[t] = ("int", ctypes.sizeof(t), True)
for t in (ctypes.c_uint, ctypes.c_ulong, ctypes.c_ulonglong, ctypes.c_uint32, ctypes.c_uint64, ctypes.c_size_t):
    CTYPES[t] = ("int", ctypes.sizeof(t), False)
FUNCTION_POINTERS = {"mm_metric_fn"}  # typedefs of function pointers: passed as c_void_p


def c_name(mirror):
    """The C struct a ctypes mirror stands for: Row -> mm_row, RunFacts -> mm_run_facts."""
    return "mm_" + re.sub(r"(?<!^)([A-Z])", r"_\1", mirror.__name__).lower()


def public(header):
    """A public header and the headers of common/ it includes (one level)."""
    path = glob.glob(os.path.join(ROOT, "common", "*", header))[0]
    with open(path) as f:
        names = re.findall(r'#include "(\w+\.h)"', f.read())
    return [path] + [p for n in names for p in glob.glob(os.path.join(ROOT, "common", "*", n))]


def prototypes(headers=None):
    """{name: (result, [argument])} of every mm_* function the headers (all
    of common/core and common/mpi by default) declare, and the enums."""
    out, enums = {}, set()
    if headers is None:
        headers = sorted(glob.glob(os.path.join(ROOT, "common", "core", "*.h")) +
                         glob.glob(os.path.join(ROOT, "common", "mpi", "*.h")))
    for path in headers:
        with open(path) as f:
            text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", f.read(), flags=re.S)
        text = re.sub(r"#[^\n]*", " ", text)
        enums |= set(re.findall(r"}\s*(mm_\w+)\s*;", text)) - set(re.findall(r"struct\s+(mm_\w+)", text))
        text = re.sub(r"static inline[^{]*\{[^}]*\}", " ", text)  # not exported
        for ret, name, args in re.findall(r"([\w\s\*]+?)\b(mm_\w+)\s*\(([^;{)]*)\)\s*;", text):
            ret = ret.split(";")[-1].split("}")[-1]
            args = [a.strip() for a in args.split(",")] if args.strip() not in ("", "void") else []
            out[name] = (ret.strip(), args)
    return out, enums


def c_kind(decl, enums):
    """What a C declaration ("const double *values", "mm_sync s", "char *") passes."""
    decl = re.sub(r"\b(const|struct|volatile)\b", " ", decl)
    decl = re.sub(r"\[[^\]]*\]", "*", decl)  # an array argument is a pointer
    stars = decl.count("*")
    words = decl.replace("*", " ").split()
    # the type's words: without the argument's name, when the words are more than a type
    base = " ".join(words[:-1]) if len(words) > 1 and " ".join(words) not in SCALARS else " ".join(words)
    if stars == 0:
        if base in enums:
            return ("int", 4, True)
        if base in FUNCTION_POINTERS:
            return ("pointer", "function")
        return SCALARS.get(base, ("unknown", base))
    if stars >= 2:
        return ("pointer", "pointer")
    return ("pointer", base)


def py_kind(t):
    """What a ctypes argtype or restype passes."""
    if t is None:
        return ("void",)
    if t is ctypes.c_void_p:
        return ("pointer", "any")
    if t is ctypes.c_char_p:
        return ("pointer", "char")
    if t is ctypes.py_object:
        return ("pointer", "PyObject")
    if t in CTYPES:
        return CTYPES[t]
    if isinstance(t, type) and issubclass(t, ctypes._Pointer):
        inner = t._type_
        if inner is ctypes.c_char_p:
            return ("pointer", "pointer")
        if inner in CTYPES:
            return ("pointer", {"float": "double", "bool": "bool"}.get(CTYPES[inner][0], CTYPES[inner]))
        return ("pointer", c_name(inner))
    if isinstance(t, type) and issubclass(t, ctypes.Structure):  # returned by value
        return ("struct", c_name(t))
    return ("unknown", repr(t))


def same(c, py):
    """Whether a C kind and a ctypes kind pass the same thing."""
    if c == py:
        return True
    if c[0] == "pointer" and py == ("pointer", "any"):
        return True  # an opaque pointer (or an owned string) is a c_void_p
    if c[0] == "pointer" and py[0] == "pointer":
        scalar = SCALARS.get(c[1])
        return scalar is not None and py[1] == scalar
    return False


def declared(ret, enums):
    if ret == "void":
        return ("void",)
    k = c_kind(ret + " x", enums)
    if k[0] == "unknown" and ret.startswith("mm_"):  # a struct returned by value
        return ("struct", ret)
    return k


class Signatures(unittest.TestCase):
    def check(self, table, header):
        protos, _ = prototypes(public(header))
        _, enums = prototypes()  # an argument's enum may be declared anywhere
        self.assertGreater(len(protos), 5)
        for name, (res, args) in table.items():
            with self.subTest(function=name):
                self.assertIn(name, protos, "%s is bound but %s does not declare it" % (name, header))
                ret, cargs = protos[name]
                self.assertEqual(len(args), len(cargs), "%s: %d arguments bound, %d declared (%s)"
                                 % (name, len(args), len(cargs), ", ".join(cargs)))
                self.assertTrue(same(declared(ret, enums), py_kind(res)),
                                "%s returns %s, bound as %s" % (name, ret, res))
                for i, (a, c) in enumerate(zip(args, cargs)):
                    self.assertTrue(same(c_kind(c, enums), py_kind(a)),
                                    "%s argument %d: '%s' bound as %s" % (name, i + 1, c, a))

    def test_core(self):
        self.assertGreater(len(core.SIGNATURES), 30)  # the table is there
        self.check(core.SIGNATURES, "mpimark_core.h")

    def test_harness(self):
        self.check(harness.SIGNATURES, "pyharness.h")

    def test_mirrors_name_their_structs(self):
        protos, _ = prototypes()
        text = ""
        for p in glob.glob(os.path.join(ROOT, "common", "*", "*.h")):
            with open(p) as f:
                text += f.read()
        for mirror in {t._type_ for sig in (core.SIGNATURES, harness.SIGNATURES) for res, args in sig.values()
                       for t in args + [res] if isinstance(t, type) and issubclass(t, ctypes._Pointer)
                       and issubclass(t._type_, ctypes.Structure)}:
            self.assertRegex(text, r"\b%s\b" % c_name(mirror), mirror.__name__)


if __name__ == "__main__":
    unittest.main()
