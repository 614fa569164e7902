"""mmtools: what mpimark's Python tools share (the mpi4py runner, scripts/compare,
scripts/plot, scripts/report, the benchmark scripts).

- stats:   common/core/stats.c's statistics, bit for bit (tests/python/stats_agree.py)
- results: reading result files (#@key=value metadata, CSV header, rows)
- atomic:  writing result files atomically, never over earlier ones
- defs:    the project's one-definition lists (common/defs/*.def) read from Python
- errors:  the error codes of common/defs/errors.def
- options: the mpi4py runner's options (common/defs/options.def), parsed without MPI

Tools find it beside themselves: <root>/python, from a clone
(scripts/.., benchmarks/python/../..) and from an installed prefix
(share/mpimark/python) alike.
"""
