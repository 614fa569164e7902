#!/usr/bin/python3
"""Interop of mpimark's C pickle codec with CPython's pickle, both ways.

usage: interop.py PATH/TO/pickle_tool

1. C -> Python: `pickle_tool dumps bytes|floats|ndarray N` must be
   byte-identical to pickle.dumps(obj, protocol=5) (frames, MEMOIZE, APPENDS
   batches..., and NumPy's own reduce for a float64 array).
2. Python -> C: pickles written here with protocols 2, 3, 4 and 5 must decode
   in C (`pickle_tool loads`) to the canonical form computed here by canon().
3. Objects CPython cannot hand to the codec's object model (too big ints,
   self-referencing lists) must be rejected with the expected error name.
4. Bonus encoder types: `pickle_tool redumps` re-encodes what it decoded and
   must match CPython for tree-shaped objects (no shared sub-objects).

Both sides generate the same deterministic payloads: byte i is
(i*31+7) & 255, float i is i*0.5 - 3.25. Exit status 0 only if all pass.
Run it with /usr/bin/python3 (Debian's CPython 3.11), the reference.
"""
import math
import os
import pickle

import numpy
import random
import subprocess
import sys

MiB = 1 << 20
BYTES_SIZES = [0, 1, 255, 256, 65535, 65536, MiB]
FLOAT_COUNTS = [0, 1, 999, 1000, 1001, 2500, 131072]
# Sizes around the first frame commit (7281 floats fill 64 KiB), around
# batch ends, and a few random ones (fixed seed) for later frames.
FLOAT_SWEEP = (list(range(7270, 7300)) + [2, 3, 1999, 2000, 2001, 14562, 14563]
               + random.Random(5).sample(range(3000, 300000), 12))

# float64 arrays: empty, one, 1000, 10^6 elements, and around the 64 KiB
# payload that moves the data out of the frame (8192 elements).
NDARRAY_COUNTS = [0, 1, 1000, 10**6] + list(range(8180, 8195))

failures = 0
checks = 0


def payload_bytes(n):
    return bytes((i * 31 + 7) & 255 for i in range(n))


def payload_floats(n):
    return [i * 0.5 - 3.25 for i in range(n)]


def payload_ndarray(n):
    return numpy.array(payload_floats(n), dtype=numpy.float64)


def canon(o):
    """The canonical text form printed by pickle_tool (see pickle.h)."""
    if isinstance(o, numpy.ndarray):
        return "A" + o.tobytes().hex()
    if isinstance(o, numpy.dtype):
        return "D<f8>"
    if isinstance(o, bytearray):
        return "y" + o.hex()
    if o is None:
        return "N"
    if o is True:
        return "T"
    if o is False:
        return "F"
    if isinstance(o, int):
        return "i%d" % o
    if isinstance(o, float):
        if math.isnan(o):
            return "fnan"
        if math.isinf(o):
            return "finf" if o > 0 else "f-inf"
        return "f%.17g" % o
    if isinstance(o, bytes):
        return "b" + o.hex()
    if isinstance(o, str):
        return "s" + o.encode("utf-8", "surrogatepass").hex()
    if isinstance(o, list):
        return "[" + ",".join(canon(x) for x in o) + "]"
    if isinstance(o, tuple):
        return "(" + ",".join(canon(x) for x in o) + ")"
    if isinstance(o, dict):
        return "{" + ",".join(canon(k) + ":" + canon(v) for k, v in o.items()) + "}"
    raise TypeError(type(o))


# The C tool writes arrays as this Python's NumPy pickles them (1.x and 2.x
# name the module of _frombuffer differently).
TOOL_ENV = dict(os.environ, MM_NUMPY=numpy.__version__.split(".")[0])


def run(tool, args, data=None):
    p = subprocess.run([tool] + args, input=data, capture_output=True, env=TOOL_ENV)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace").strip()


def check(ok, what, detail=""):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAIL:", what, detail)


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return "first difference at byte %d (C %02x, Python %02x)" % (i, x, y)
    return "lengths %d (C) vs %d (Python)" % (len(a), len(b))


def c_to_python(tool):
    for kind, sizes, make in (("bytes", BYTES_SIZES, payload_bytes),
                              ("floats", FLOAT_COUNTS + FLOAT_SWEEP, payload_floats),
                              ("ndarray", NDARRAY_COUNTS, payload_ndarray)):
        for n in sizes:
            rc, out, err = run(tool, ["dumps", kind, str(n)])
            ref = pickle.dumps(make(n), protocol=5)
            check(rc == 0 and out == ref, "dumps %s %d byte-identical" % (kind, n),
                  err if rc else first_difference(out, ref))
            # And the bytes written by C load in Python to the same object.
            if rc == 0:
                try:
                    back, why = pickle.loads(out), ""
                except Exception as e:  # noqa: BLE001 - any failure to load is the finding
                    back, why = None, repr(e)
                same = (isinstance(back, numpy.ndarray) and numpy.array_equal(back, make(n))
                        and back.dtype == numpy.float64 if kind == "ndarray" else back == make(n))
                check(same, "Python loads C's %s %d" % (kind, n), why)


def oob_stream(data, buffers):
    """The out-of-band stream pickle_tool reads and writes (see its source)."""
    out = len(buffers).to_bytes(8, "little")
    for b in buffers:
        out += len(b).to_bytes(8, "little") + bytes(b)
    return out + len(data).to_bytes(8, "little") + data


def oob_parse(stream):
    n, pos, bufs = int.from_bytes(stream[:8], "little"), 8, []
    for _ in range(n):
        k = int.from_bytes(stream[pos:pos + 8], "little")
        bufs.append(stream[pos + 8:pos + 8 + k])
        pos += 8 + k
    k = int.from_bytes(stream[pos:pos + 8], "little")
    return stream[pos + 8:pos + 8 + k], bufs


def python_dumps_oob(obj, threshold=0):
    """pickle.dumps with mpi4py.util.pkl5's buffer callback: a buffer of at
    least `threshold` bytes goes out-of-band, a smaller one stays in-band."""
    bufs = []

    def callback(b):
        if len(b.raw()) >= threshold:
            bufs.append(b)
            return False
        return True
    data = pickle.dumps(obj, protocol=5, buffer_callback=callback)
    return data, [bytes(b.raw()) for b in bufs]


def out_of_band(tool):
    """pickle.dumps(arr, protocol=5, buffer_callback=...) both ways: the same
    pickle and buffers from C; C decodes Python's, with buffers handed over
    (adopted) and lent (copied); a missing buffer is an error."""
    for n in NDARRAY_COUNTS:
        rc, out, err = run(tool, ["dumps-oob", "ndarray", str(n)])
        ref_data, ref_bufs = python_dumps_oob(payload_ndarray(n))
        data, bufs = oob_parse(out) if rc == 0 else (b"", [])
        check(rc == 0 and data == ref_data and bufs == ref_bufs,
              "dumps-oob ndarray %d identical to buffer_callback" % n,
              err if rc else first_difference(data, ref_data))
        if rc == 0:
            back = pickle.loads(data, buffers=bufs)
            check(numpy.array_equal(back, payload_ndarray(n)), "Python loads C's oob ndarray %d" % n)
    objs = [("ndarray %d" % n, payload_ndarray(n)) for n in (0, 1, 1000, 10**6)]
    objs += [("three arrays", [payload_ndarray(3), payload_ndarray(8200), payload_ndarray(1)]),
             ("read-only array", numpy.frombuffer(payload_bytes(24), numpy.float64))]
    for what, obj in objs:
        data, bufs = python_dumps_oob(obj)
        rc, out, err = run(tool, ["loads-oob"], oob_stream(data, bufs))
        got = out.decode(errors="replace").rstrip("\n")
        check(rc == 0 and got == canon(obj), "loads-oob %s" % what,
              err if rc else "got %s... want %s..." % (got[:60], canon(obj)[:60]))
    # pkl5's threshold: an array exactly at it goes out-of-band, one byte
    # more keeps it in-band; bytes are never out-of-band.
    for kind, n, threshold in (("ndarray", 1000, 8000), ("ndarray", 1000, 8001),
                               ("bytes", 4096, 0)):
        rc, out, err = run(tool, ["dumps-oob", kind, str(n), str(threshold)])
        obj = payload_ndarray(n) if kind == "ndarray" else payload_bytes(n)
        ref_data, ref_bufs = python_dumps_oob(obj, threshold)
        data, bufs = oob_parse(out) if rc == 0 else (b"", [])
        check(rc == 0 and data == ref_data and bufs == ref_bufs,
              "dumps-oob %s %d threshold %d identical to pkl5's callback (%d buffers)"
              % (kind, n, threshold, len(ref_bufs)), err if rc else first_difference(data, ref_data))
    data, bufs = python_dumps_oob([payload_ndarray(2), payload_ndarray(2)])
    rc, out, err = run(tool, ["loads-oob"], oob_stream(data, bufs[:1]))
    check(rc == 1 and "MM_PICKLE_EBUFFER" in err, "loads-oob with a buffer missing", err)


def small_objects():
    x = [1, 2]
    s = "shared"
    return [
        None, True, False, 0, 1, 255, 256, 65535, 65536, -1, -256,
        2**31 - 1, -2**31, 2**31, -2**31 - 1, 2**40, 2**63 - 1, -2**63,
        0.0, -0.0, 3.14, 1e300, -1e-300, float("inf"), float("-inf"), float("nan"),
        b"", b"\x00\x80\xff", "", "x", "h\u00e9llo \u20ac \U0001f600", "\ud800",
        "y" * 300, "z" * 70000,
        [], [1], [[]], [[1, 2], [3, [4.5, None]]], (), (1,), (1, 2), (1, 2, 3),
        (1, "x", None, True), {}, {"a": 7, "b": 3.14},
        {(1, "k"): [b"v"], 2: {"n": ()}, 1.5: False},
        {i: float(i) for i in range(2500)},
        [x, x, (x, s, s)],           # shared objects: BINGET
        list(range(3000)),
        [b"q" * 70000, b"r" * 10, "s" * 65536],   # payloads outside frames
        [[[[[[[[[[1]]]]]]]]]],
    ]


def python_to_c(tool):
    cases = [("bytes %d" % n, payload_bytes(n)) for n in BYTES_SIZES]
    cases += [("floats %d" % n, payload_floats(n)) for n in FLOAT_COUNTS]
    cases += [("object %r" % (o,) if len(repr(o)) < 60 else "object %s..." % repr(o)[:50], o)
              for o in small_objects()]
    for proto in (2, 3, 4, 5):
        for what, obj in cases:
            data = pickle.dumps(obj, protocol=proto)
            rc, out, err = run(tool, ["loads"], data)
            want = canon(obj)
            got = out.decode(errors="replace").rstrip("\n")
            detail = err if rc else "got %s... want %s..." % (got[:80], want[:80])
            check(rc == 0 and got == want, "loads protocol %d %s" % (proto, what), detail)
    # NumPy arrays, their dtype and bytearrays: protocol 5 (in-band buffers).
    for what, obj in ([("ndarray %d" % n, payload_ndarray(n)) for n in NDARRAY_COUNTS] +
                      [("dtype", numpy.dtype("f8")), ("bytearray", bytearray(b"ab\x00")),
                       ("tuple of arrays", (payload_ndarray(3), [payload_ndarray(2)])),
                       ("read-only array", numpy.frombuffer(payload_bytes(16), numpy.float64))]):
        data = pickle.dumps(obj, protocol=5)
        rc, out, err = run(tool, ["loads"], data)
        got, want = out.decode(errors="replace").rstrip("\n"), canon(obj)
        check(rc == 0 and got == want, "loads protocol 5 %s" % what,
              err if rc else "got %s... want %s..." % (got[:80], want[:80]))


def rejections(tool):
    rec = []
    rec.append(rec)
    d = {}
    d["self"] = [d]
    cases = [
        ("int above 64 bits", 2**64, "MM_PICKLE_EINTRANGE"),
        ("self-referencing list", rec, "MM_PICKLE_ERECURSIVE"),
        ("self-referencing dict", d, "MM_PICKLE_ERECURSIVE"),
        ("set", {1, 2}, "MM_PICKLE_EOPCODE"),

        ("complex", 1j, "MM_PICKLE_EOPCODE"),
    ]
    for proto in (2, 3, 4, 5):
        for what, obj, code in cases:
            rc, out, err = run(tool, ["loads"], pickle.dumps(obj, protocol=proto))
            # set/bytearray/complex are written with GLOBAL/STACK_GLOBAL +
            # REDUCE at some protocols: any of these names is a clean refusal.
            ok_codes = {code}
            if code == "MM_PICKLE_EOPCODE":
                ok_codes |= {"MM_PICKLE_EGLOBAL"}
            check(rc == 1 and any(c in err for c in ok_codes),
                  "rejects protocol %d %s" % (proto, what), "rc %d: %s" % (rc, err))
    # bytearray before protocol 5 is a REDUCE of builtins.bytearray.
    for proto in (2, 3, 4):
        rc, out, err = run(tool, ["loads"], pickle.dumps(bytearray(b"ab"), protocol=proto))
        check(rc == 1 and "MM_PICKLE_EGLOBAL" in err, "rejects protocol %d bytearray" % proto, err)
    # Malformed or unsupported NumPy pickles: a clean error, never a crash.
    good = pickle.dumps(payload_ndarray(4), protocol=5)
    oob = pickle.dumps(payload_ndarray(4), protocol=5, buffer_callback=lambda b: False)
    bad = [
        ("float32 array", pickle.dumps(numpy.zeros(4, numpy.float32), protocol=5), "MM_PICKLE_EGLOBAL"),
        ("2-D array", pickle.dumps(numpy.zeros((2, 2)), protocol=5), "MM_PICKLE_EGLOBAL"),
        ("shape 5 for 4 elements", good.replace(b"K\x04\x85", b"K\x05\x85"), "MM_PICKLE_ELENGTH"),
        ("big-endian state", good.replace(b"\x8c\x01<", b"\x8c\x01>"), "MM_PICKLE_EGLOBAL"),
        ("NEXT_BUFFER in an in-band stream", oob, "MM_PICKLE_EOPCODE"),
        ("array before protocol 5", pickle.dumps(payload_ndarray(4), protocol=4), "MM_PICKLE_EGLOBAL"),
    ]
    for what, data, code in bad:
        rc, out, err = run(tool, ["loads"], data)
        check(rc == 1 and code in err, "rejects %s" % what, "rc %d: %s" % (rc, err))
    # What NumPy 2 writes: the same stream with numpy._core.numeric (one
    # byte longer, so the one frame is too).
    assert good[2] == 0x95 and good.count(b"numpy.core.numeric") == 1
    body = good[11:].replace(b"\x8c\x12numpy.core.numeric", b"\x8c\x13numpy._core.numeric")
    numpy2 = good[:2] + b"\x95" + len(body).to_bytes(8, "little") + body
    assert pickle.loads(numpy2.replace(b"\x13numpy._core", b"\x12numpy.core").replace(
        len(body).to_bytes(8, "little"), (len(body) - 1).to_bytes(8, "little"), 1)).size == 4
    rc, out, err = run(tool, ["loads"], numpy2)
    check(rc == 0 and out.decode().rstrip("\n") == canon(payload_ndarray(4)),
          "loads NumPy 2's numpy._core.numeric._frombuffer", err)


def bonus_encoder(tool):
    # Tree-shaped objects, no object appearing twice (CPython would write
    # BINGET for a repeated object; the C encoder writes it again).
    objs = [None, True, 7, -300, 70000, -2**31 - 1, 2**40, -2**63, 2.5, b"ab",
            "h\u00e9", "w" * 70000, (), (1,), (1, 2, 3), (1, 2, 3, 4),
            {"a": 7, "b": 3.14}, {}, [[1, [2.5]], (None, "x")],
            {i: -i for i in range(1500)}]
    for obj in objs:
        ref = pickle.dumps(obj, protocol=5)
        rc, out, err = run(tool, ["redumps"], ref)
        check(rc == 0 and out == ref, "redumps %s" % repr(obj)[:40],
              err if rc else first_difference(out, ref))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: interop.py PATH/TO/pickle_tool")
    tool = sys.argv[1]
    c_to_python(tool)
    python_to_c(tool)
    rejections(tool)
    out_of_band(tool)
    bonus_encoder(tool)
    print("interop: %d checks, %d failures (Python %s)"
          % (checks, failures, sys.version.split()[0]))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
