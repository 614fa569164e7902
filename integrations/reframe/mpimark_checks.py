# ReFrame tests of mpimark, in the style of ReFrame's hpctestlib (which
# wraps OSU the same way): a build fixture, and a run test parameterized
# over operations, paths and sizes whose performance variables are read
# from mpimark's JSON results, by key, not from its text by regular
# expression, and whose sanity check is mpimark's own validation (-c).
#
#   reframe -C integrations/reframe/config.py -c integrations/reframe/mpimark_checks.py -r
#
# References are the site's: set them per system in a test that inherits
# mpimark_check, or for a quick check from the command line:
#   -S mpimark_check.reference_latency_us=3.5      (+-10% by default)
# docs/integrations.md has the whole story.
import json
import os

import reframe as rfm
import reframe.utility.sanity as sn
from reframe.core.builtins import (fixture, parameter, performance_function, run_after,
                                   run_before, sanity_function, variable)

# This repository (a site may set MPIMARK_SOURCE to another clone or a
# release's unpacked sources).
SOURCE = os.environ.get("MPIMARK_SOURCE",
                        os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..")))


class build_mpimark(rfm.CompileOnlyRegressionTest):
    """mpimark built with CMake and the environment's MPI compiler."""

    descr = "Build mpimark with CMake"
    build_system = "CustomBuild"
    sourcesdir = None  # built from SOURCE into the stage folder, nothing copied

    @run_before("compile")
    def cmake(self):
        self.build_system.commands = [
            f"cmake -S {SOURCE} -B build -DCMAKE_BUILD_TYPE=Release "
            f"-DCMAKE_C_COMPILER={self.current_environ.cc}",
            "cmake --build build --target mpimark -j 2",
        ]

    @sanity_function
    def built(self):
        return sn.assert_true(os.path.isfile(os.path.join(self.stagedir, "build", "bin", "mpimark")),
                              msg="no build/bin/mpimark")


@rfm.simple_test
class mpimark_check(rfm.RunOnlyRegressionTest):
    """One mpimark operation, path and size on 2 ranks, validated (-c); the
    median latency (one operation, us) and the bandwidth of mpimark's
    results as performance variables."""

    op = parameter(["sendrecv", "bcast", "allreduce"])
    path = parameter(["buffer", "object"])
    size = parameter(["8", "1M"])
    #: The site's expected median latency in us (None: no reference).
    reference_latency_us = variable(float, type(None), value=None)
    #: Allowed relative deviation from the reference, both ways.
    reference_tolerance = variable(float, value=0.10)
    #: Time budget per size (mpimark --time) and rounds (--rounds).
    time_s = variable(str, value="0.05")
    rounds = variable(str, value="2")

    valid_systems = ["*"]
    valid_prog_environs = ["*"]
    num_tasks = 2
    num_tasks_per_node = None
    mpimark = fixture(build_mpimark, scope="environment")

    @run_after("setup")
    def command(self):
        self.descr = f"mpimark {self.op} --path {self.path} -m {self.size}"
        self.executable = os.path.join(self.mpimark.stagedir, "build", "bin", "mpimark")
        self.executable_opts = [self.op, "--path", self.path, "-m", self.size, "-c", "-q",
                                "--time", self.time_s, "--rounds", self.rounds,
                                "--format", "json", "-o", "mpimark.json"]

    @run_before("performance")
    def references(self):
        if self.reference_latency_us is not None:
            t = self.reference_tolerance
            self.reference = {"*": {"latency": (self.reference_latency_us, -t, t, "us")}}

    def _results(self):
        with open(os.path.join(self.stagedir, "mpimark.json")) as f:
            return json.load(f)

    def _row(self, metrics):
        """The row of this op, path and size whose metric is one of metrics
        (a bandwidth is `bandwidth` point to point, `algbw` for collectives;
        docs/output.md)."""
        size = int(self.size[:-1]) << {"K": 10, "M": 20}[self.size[-1]] \
            if self.size[-1] in "KM" else int(self.size)
        for r in self._results()["results"]:
            if (r["op"], r["path"], r["bytes"]) == (self.op, self.path, size) and r["metric"] in metrics:
                return r
        raise ValueError(f"mpimark.json has no {self.op} {self.path} {size} B row of {metrics}")

    @sanity_function
    def validated(self):
        # mpimark -c exits 1 when a received buffer is wrong (ReFrame fails
        # the run on that); here: its results say they were validated and
        # hold the row measured.
        meta = self._results()["metadata"]
        self._row(("latency",))  # raises, naming what is missing
        return sn.assert_eq(meta.get("validate"), "yes", msg="mpimark did not validate (-c)")

    @performance_function("us")
    def latency(self):
        return self._row(("latency",))["median"]

    @performance_function("MB/s")
    def bandwidth(self):
        return self._row(("bandwidth", "algbw"))["median"]

    @run_before("performance")
    def perf_variables_of_op(self):
        self.perf_variables = {"latency": self.latency(), "bandwidth": self.bandwidth()}
