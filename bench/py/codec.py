"""Pickle codec throughput: mpimark's C codec vs CPython's pickle.

usage: bench/codec [--build DIR] [--rounds N] [--sizes LIST]
                           [--min-time S] [--samples N] [--check]

Times, per call and for each size (1 KiB, 64 KiB, 1 MiB, 16 MiB) and
payload (a bytes object of SIZE bytes; a list of SIZE/8 floats; a float64
NumPy array of SIZE/8 elements, pickled in-band as NumPy does):
  C enc / C dec    mm_pickle_dumps + free / mm_pickle_loads + mm_pyobj_free
                   (DIR/bin/bench_codec, built by CMake)
  Py enc / Py dec  pickle.dumps(obj, protocol=5) / pickle.loads(data), timed
                   here with time.perf_counter (this is /usr/bin/python3, the
                   interpreter mpi4py runs on); a loop of loads also frees
                   each result, like C dec
  memcpy           a plain memcpy of SIZE bytes between two warm buffers
Each figure is the median of --samples samples of at least --min-time
seconds; C and Python alternate (C, Py, Py, C, ...) over --rounds rounds
because the machine changes speed by itself, and the table shows the median
over rounds. Targets: C >= 3x faster than CPython on floats (enc+dec), C
bytes enc and dec each within 2x of memcpy, C ndarray enc and dec each
within 1.5x of memcpy from 1 MiB; --check exits 1 if one is missed.
"""
import argparse
import gc
import os
import pickle
import statistics
import subprocess
import sys
import time

import numpy

from mpimark_py.sizes import SizeError, size_human as human, sizes_parse

ROOT = os.environ["MPIMARK_ROOT"]  # set by bench/codec


KINDS = ("bytes", "floats", "ndarray")


def payload(kind, size):
    # The payloads of bench_codec.c and tests/pickle/interop.py: byte i is
    # (i*31+7) & 255 (period 256), float i is i*0.5 - 3.25.
    if kind == "bytes":
        block = bytes((i * 31 + 7) & 255 for i in range(256))
        return (block * (size // 256 + 1))[:size]
    floats = [i * 0.5 - 3.25 for i in range(size // 8)]
    return numpy.array(floats, dtype=numpy.float64) if kind == "ndarray" else floats


def time_py(fn, min_time, samples):
    calls = 1
    while True:  # calibrate; also the warmup
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time:
            break
        calls = int(calls * 1.2 * min_time / dt) + 1 if dt > 0 else calls * 10
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        out.append((time.perf_counter() - t0) / calls * 1e9)
    return statistics.median(out)


def run_python(sizes, min_time, samples):
    res = {}
    for size in sizes:
        for kind in KINDS:
            obj = payload(kind, size)
            data = pickle.dumps(obj, protocol=5)
            res[(kind, size, "enc")] = time_py(lambda: pickle.dumps(obj, protocol=5),
                                               min_time, samples)
            res[(kind, size, "dec")] = time_py(lambda: pickle.loads(data), min_time, samples)
            del obj, data
            gc.collect()
    return res


def run_c(binary, sizes, min_time, samples):
    out = subprocess.run([binary, "-s", ",".join(map(str, sizes)), "-t", str(min_time),
                          "-n", str(samples)], check=True, capture_output=True, text=True).stdout
    res, wire = {}, {}
    for line in out.splitlines()[1:]:
        kind, size, op, ns, wbytes = line.split("\t")
        res[(kind, int(size), op)] = float(ns)
        wire[(kind, int(size))] = int(wbytes)
    return res, wire


def positive(kind):
    """An argparse type: a number of this kind above 0."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError("needs a positive number, not '%s'" % text)
        return value
    return parse


def size_list(text):
    """An argparse type: a size list as mpimark's -m reads it."""
    try:
        return sizes_parse(text)
    except SizeError as e:
        raise argparse.ArgumentTypeError(str(e))


def main():
    ap = argparse.ArgumentParser(prog="bench/codec", description=__doc__,
                                 usage=argparse.SUPPRESS,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"),
                    help="CMake build directory holding bin/bench_codec (default build/)")
    ap.add_argument("--rounds", type=positive(int), default=3,
                    help="interleaved rounds of C and Python (default %(default)s)")
    ap.add_argument("--sizes", type=size_list, default="1K,64K,1M,16M",
                    help="sizes as mpimark's -m takes them (default %(default)s)")
    ap.add_argument("--min-time", type=positive(float), default=0.05,
                    help="seconds per sample, at least (default %(default)s)")
    ap.add_argument("--samples", type=positive(int), default=5,
                    help="samples per figure, their median is taken (default %(default)s)")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed.")
    a = ap.parse_args()
    binary = os.path.join(a.build, "bin", "bench_codec")
    if not os.access(binary, os.X_OK):
        sys.exit("bench-codec: %s not found; build first: cmake -S . -B %s && "
                 "cmake --build %s" % (binary, a.build, a.build))
    sizes = a.sizes
    c_rounds, py_rounds, wire = [], [], {}
    for r in range(a.rounds):
        order = ("c", "py") if r % 2 == 0 else ("py", "c")
        for who in order:
            if who == "c":
                res, wire = run_c(binary, sizes, a.min_time, a.samples)
                c_rounds.append(res)
            else:
                py_rounds.append(run_python(sizes, a.min_time, a.samples))
        print("round %d/%d done" % (r + 1, a.rounds), file=sys.stderr)

    def med(rounds, key):
        return statistics.median(r[key] for r in rounds)

    print("# pickle codec: C (mpimark) vs CPython %s, protocol 5; median of %d rounds"
          % (sys.version.split()[0], a.rounds))
    print("# times in microseconds per call; speedup = Py (enc+dec) / C (enc+dec); "
          "x memcpy = C time / memcpy time")
    hdr = ("payload", "size", "wire_bytes", "C_enc_us", "C_dec_us", "Py_enc_us", "Py_dec_us",
           "memcpy_us", "speedup", "speedup_range", "C_enc_x_memcpy", "C_dec_x_memcpy")
    rows, missed = [], []
    for kind in KINDS:
        for size in sizes:
            ce, cd = med(c_rounds, (kind, size, "enc")), med(c_rounds, (kind, size, "dec"))
            pe, pd = med(py_rounds, (kind, size, "enc")), med(py_rounds, (kind, size, "dec"))
            mc = med(c_rounds, ("memcpy", size, "memcpy"))
            per_round = [(p[(kind, size, "enc")] + p[(kind, size, "dec")]) /
                         (c[(kind, size, "enc")] + c[(kind, size, "dec")])
                         for c, p in zip(c_rounds, py_rounds)]
            speed = (pe + pd) / (ce + cd)
            rows.append((kind, human(size), str(wire[(kind, size)]),
                         "%.3f" % (ce / 1e3), "%.3f" % (cd / 1e3), "%.3f" % (pe / 1e3),
                         "%.3f" % (pd / 1e3), "%.3f" % (mc / 1e3), "%.1fx" % speed,
                         "%.1f-%.1f" % (min(per_round), max(per_round)),
                         "%.2f" % (ce / mc), "%.2f" % (cd / mc)))
            if kind == "floats" and speed < 3:
                missed.append("floats %s: C only %.1fx faster than CPython" % (human(size), speed))
            if kind == "bytes" and max(ce, cd) > 2 * mc:
                missed.append("bytes %s: C %.1fx memcpy" % (human(size), max(ce, cd) / mc))
            if kind == "ndarray" and size >= 1 << 20 and max(ce, cd) > 1.5 * mc:
                missed.append("ndarray %s: C %.1fx memcpy" % (human(size), max(ce, cd) / mc))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(hdr)]
    for r in [hdr] + rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    if missed:
        print("# targets missed: " + "; ".join(missed))
    else:
        print("# targets met: floats >= 3x CPython, bytes enc/dec within 2x memcpy, "
              "ndarray enc/dec within 1.5x memcpy from 1 MiB")
    sys.exit(1 if (a.check and missed) else 0)


if __name__ == "__main__":
    main()
