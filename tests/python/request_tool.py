#!/usr/bin/python3
"""request_tool.py NP [ARGS...]: the mpi4py runner's request check as rank 0
of an NP-rank job runs it, without MPI (the runner imports mpi4py only when
it runs): parse, check the job, check the -o file. Prints what the runner
prints for a usage error (one "mpimark:" line on stderr) and exits with its
code, so that tests/unit/bad_input.sh runs the bad-input table
(tests/bad_input_cases.sh) through it without mpiexec."""
import importlib.util
import os
import sys

RUNNER = os.environ.get("MPIMARK_PY") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "benchmarks", "python", "mpimark.py")
spec = importlib.util.spec_from_file_location("mpimark_runner", RUNNER)
runner = importlib.util.module_from_spec(spec)
spec.loader.exec_module(runner)
if "mpi4py" in sys.modules:
    sys.exit("request_tool: importing the runner imported mpi4py")

nranks, argv = int(sys.argv[1]), sys.argv[2:]
try:
    cfg = runner.parse_request(argv, nranks)
except runner.UsageError as e:
    sys.stderr.write("mpimark: %s\n" % e)
    sys.exit(runner.EXIT_CODE[runner.EUSAGE])
bad = runner.atomic_check(cfg.output, cfg.force) if cfg.output else None
if bad:
    sys.stderr.write("mpimark: %s\n" % bad[1])
    sys.exit(runner.EXIT_CODE[bad[0]])
