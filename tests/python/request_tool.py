#!/usr/bin/python3
"""request_tool.py NP [ARGS...]: the mpi4py runner's request check as rank 0
of an NP-rank job runs it, without MPI (the runner imports mpi4py only when
it runs): parse, check the job, check the -o file. Prints what the runner
prints for a usage error (one "mpimark:" line on stderr) and exits with its
code, so that tests/unit/bad_input.sh runs the bad-input table
(tests/bad_input_cases.sh) through it without mpiexec."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from mpimark_py import core, run as runner  # noqa: E402
from mpimark_py.errors import EUSAGE, EXIT_CODE, UsageError  # noqa: E402

if "mpi4py" in sys.modules or "numpy" in sys.modules:
    sys.exit("request_tool: importing the runner imported mpi4py or NumPy")

nranks, argv = int(sys.argv[1]), sys.argv[2:]
try:
    cfg = runner.parse_request(argv, nranks)
except UsageError as e:
    sys.stderr.write("mpimark: %s\n" % e)
    sys.exit(EXIT_CODE[EUSAGE])
err, why = core.atomic_check(cfg.output, cfg.force) if cfg.output else (0, "")
if err:
    sys.stderr.write("mpimark: %s\n" % why)
    sys.exit(EXIT_CODE[err])
