"""mpimark_py: mpimark's Python side, one package and one command
(mpimark-py, cli.py) with a module per concept:

- run, runner/: the mpi4py runner (real mpi4py, mpimark's rules)
- measure, merge: separate launches, merged into one measurement
- compare, plot (gnuplot.py), report: reading results into verdicts,
  figures and reports
- core: the C core's statistics, size lists and result writers, loaded
  from libmpimark_core with ctypes (one implementation, in C)
- results, atomic: reading result files; writing them atomically
- defs, errors, options: the project's one-definition lists (defs/ is
  common/defs), error codes, mpimark's options parsed without MPI
"""
