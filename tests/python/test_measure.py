#!/usr/bin/python3
"""scripts/measure's rule for adding launches (python/mpimark_py/measure.py)
without MPI: it adds a launch while a state of the machine was seen in
under 3 launches and, at the rate it was seen, would reach 3 within
--max-launches; a state too rare for that is named, not chased."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
from mpimark_py import core, measure, results  # noqa: E402


class MoreLaunches(unittest.TestCase):
    def test_rule(self):
        more = measure.more_launches
        self.assertFalse(more([(190, 6)], 6, 12))                 # one state: nothing to add
        self.assertFalse(more([(190, 2)], 2, 4))                  # ... however few the launches
        self.assertFalse(more([(50, 3), (190, 3)], 6, 12))        # both have intervals
        self.assertTrue(more([(50, 2), (190, 4)], 6, 12))         # 2 of 6: 3 more reach 3
        self.assertFalse(more([(50, 1), (190, 5)], 6, 12))        # 1 of 6: 12 more, over the bound
        self.assertTrue(more([(50, 1), (190, 5)], 6, 18))         # ... within a larger one
        self.assertFalse(more([(50, 2), (190, 4)], 6, 6))         # --max-launches = --launches
        self.assertTrue(more([(50, 2), (2000, 2)], 4, 8))
        self.assertTrue(more([(54, 1), (176, 2), (3704, 2)], 5, 12))  # the 2s can reach 3; the 1 cannot

    def test_text(self):
        self.assertEqual(measure.states_text([(190.4, 6)]),
                         "1: line 190 ns in 6 launches; one state seen: the machine may have others")
        self.assertEqual(measure.states_text([(53, 1), (190, 5)]),
                         "2: line 53 ns in 1 launch, line 190 ns in 5 launches; too rare for an interval: line 53 ns")
        self.assertTrue(measure.states_text(None).startswith("unknown"))
        self.assertEqual(measure.states_text([(55, 2.4), (450, 3.6)]),
                         "2: line 55 ns in 2.4 launches, line 450 ns in 3.6 launches; too rare for an "
                         "interval: line 55 ns")
        self.assertEqual(measure.launches_text(0.004), "under 0.1 launch")

    def test_states_from_rows(self):
        """A state counts the share of each launch's rows that ran in it:
        two launches all slow, one half fast; a launch without its rows'
        probes counts by its own; one without any probe: unknown."""
        seen = measure.states([[400, 500, 450, 420], [380, 700, 410, 390], [50, 52, 600, 480]])
        self.assertEqual([round(k, 2) for _, k in seen], [0.5, 2.5])
        self.assertTrue(seen[0][0] < 60 < 300 < seen[1][0])
        self.assertEqual([k for _, k in measure.states([[50], [400], [55]])], [2, 1])
        self.assertIsNone(measure.states([[50], []]))


class Schema(unittest.TestCase):
    def test_merged_and_launch_compare(self):
        """A merged measurement's header (launch_medians, launch_probes_ns)
        is the schema of one launch's, and so is a file's from before the
        modes and the rows' probes: compare takes any two of them."""
        launch, merged = list(core.columns()), list(core.columns(merged=True))
        self.assertIn("launch_probes_ns", merged)
        self.assertEqual(results.schema(merged), results.schema(launch))
        older = launch[:launch.index("modes")]
        self.assertEqual(results.schema(older), results.schema(merged))


if __name__ == "__main__":
    unittest.main()
