"""--payload MODULE:FUNCTION: the user's own objects on the pickled paths.

FUNCTION(N) from MODULE (an importable module, or the path of a .py file)
returns the object a rank sends for a message of N bytes: a dict of arrays,
a dataclass, a list of tuples. Every rank imports it and makes the object of
every size before anything is measured; an import error, an exception and
an object that does not pickle are each one line, exit 2 (run.py). The
reductions add objects with + (MPI.SUM on Python objects); an object without
+ has no reduce or allreduce on the pickled paths, and a note says so."""

import importlib
import operator
import os
import pickle
import sys

from ..errors import UsageError


class UserPayload:
    def __init__(self, spec, sizes):
        self.spec = spec
        module, _, name = spec.rpartition(":")
        self.func = getattr(_module(spec, module), name, None)
        if not callable(self.func):
            raise UsageError("--payload %s: %s has no function %s" % (spec, module, name))
        self.adds = True
        for n in sizes:
            obj = self.make(n)
            try:
                pickle.dumps(obj, protocol=5)
            except Exception as e:  # noqa: BLE001 - whatever the object's pickling raises
                raise UsageError("--payload %s: %s(%d) returned a %s that does not pickle: %s"
                                 % (spec, name, n, type(obj).__name__, _what(e)))
            try:
                operator.add(obj, obj)
            except Exception:  # noqa: BLE001 - no +, or one that fails: no reductions
                self.adds = False

    def make(self, n):
        """FUNCTION(n), its exceptions as one line."""
        try:
            return self.func(n)
        except Exception as e:  # noqa: BLE001 - the user's code
            raise UsageError("--payload %s: %s(%d) raised %s" % (self.spec, self.func.__name__, n, _what(e)))

    def differs(self, got, n, copies=1):
        """None, or why got is not the sum of copies objects of size n (the
        same pickle: objects are compared as they travel)."""
        want = self.make(n)
        for _ in range(copies - 1):
            want = operator.add(want, self.make(n))
        if pickle.dumps(got, protocol=5) != pickle.dumps(want, protocol=5):
            return "received a %s whose pickle differs from %s" % (
                type(got).__name__, "%s(%d)" % (self.func.__name__, n) if copies == 1
                else "the sum of %d objects %s(%d)" % (copies, self.func.__name__, n))
        return None


def _module(spec, module):
    """MODULE imported by name; a .py path is imported by its name from its
    folder, put first on sys.path, so that the receiving rank's unpickler
    finds the classes it defines (pickle refers to them by module name)."""
    try:
        if module.endswith(".py"):
            if not os.path.isfile(module):
                raise UsageError("--payload %s: no file %s" % (spec, module))
            sys.path.insert(0, os.path.dirname(os.path.abspath(module)))
            module = os.path.basename(module)[:-3]
        return importlib.import_module(module)
    except UsageError:
        raise
    except Exception as e:  # noqa: BLE001 - the user's module may raise anything on import
        raise UsageError("--payload %s: cannot import %s: %s" % (spec, module, _what(e)))


def _what(e):
    return "%s: %s" % (type(e).__name__, e) if str(e) else type(e).__name__
