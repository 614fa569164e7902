"""The mpi4py runner (mpimark-py run): mpimark's sweep through real mpi4py,
one module per concept. startup (what it knows before MPI starts) is pure;
importing mpi (and with it ops, harness, metadata, suite) starts MPI.
run.py drives them."""
