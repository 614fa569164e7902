#!/usr/bin/python3
"""results.py's ratios without MPI: the report's object/buffer ratio
(results.row_ratio) is the table's (output.c), its interval widened over
the per-round ratios' modes by the same rule (mm_modes_widen)."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from mpimark_py import results  # noqa: E402


def row(path, rounds, probes):
    return {"op": "sendrecv", "path": path, "metric": "latency", "median": str(sorted(rounds)[len(rounds) // 2]),
            "round_medians": ";".join("%g" % v for v in rounds), "rounds": str(len(rounds)),
            "round_probes_ns": ";".join("%g" % p for p in probes)}


class Ratio(unittest.TestCase):
    def test_widened_over_modes(self):
        # 18 rounds at 2.0x in the fast state, 2 at 1.1x in the slow one
        # (tests/unit/test_output.c: the table says 2.00x +-45%)
        buf = [3.0 if i >= 18 else 1.0 + 0.001 * i for i in range(20)]
        obj = [b * (1.1 if i >= 18 else 2.0) for i, b in enumerate(buf)]
        probes = [400 if i >= 18 else 50 for i in range(20)]
        ratio, low, high = results.row_ratio(row("object", obj, probes), row("buffer", buf, probes))
        self.assertAlmostEqual(ratio, 2.0, places=6)
        self.assertAlmostEqual(low, 1.1, places=6)  # the slow state's ratio (2 rounds: its median)
        self.assertEqual(round(100 * max(high / ratio - 1, 1 - low / ratio)), 45)
        modes, states = results.ratio_modes(row("object", obj, probes), row("buffer", buf, probes))
        self.assertEqual([round(m.median, 3) for m in modes], [1.1, 2.0])  # the table's "to buffer:"
        self.assertEqual(states, [400, 50])
        # one state: the paired ratios' own interval, not widened
        ratio, low, high = results.row_ratio(row("object", obj[:18], probes[:18]),
                                             row("buffer", buf[:18], probes[:18]))
        self.assertGreater(low, 1.9)


if __name__ == "__main__":
    unittest.main()
