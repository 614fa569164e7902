# The harnesses HPC sites run benchmarks in (docs/harnesses.md): ReFrame,
# real and pinned (scripts/venv --reframe, made while the pure part runs),
# runs harness/reframe/ on this machine with mpirun and through the private
# Slurm cluster with srun; a wrong reference must fail it.
set(MPIMARK_VENV_REFRAME ${PROJECT_BINARY_DIR}/venv-reframe)
add_test(NAME harness.reframe.venv
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/venv --reframe ${MPIMARK_VENV_REFRAME})
set_tests_properties(harness.reframe.venv PROPERTIES LABELS py TIMEOUT 600
  FIXTURES_SETUP venv_reframe)
add_test(NAME harness.reframe.local COMMAND ${CMAKE_CURRENT_LIST_DIR}/harness/reframe.sh local)
set_tests_properties(harness.reframe.local PROPERTIES LABELS e2e TIMEOUT 600 RUN_SERIAL TRUE
  ENVIRONMENT "REFRAME_VENV=${MPIMARK_VENV_REFRAME}" FIXTURES_REQUIRED venv_reframe)
add_test(NAME harness.reframe.slurm COMMAND ${CMAKE_CURRENT_LIST_DIR}/harness/reframe.sh slurm)
set_tests_properties(harness.reframe.slurm PROPERTIES LABELS cluster TIMEOUT 600
  ENVIRONMENT "REFRAME_VENV=${MPIMARK_VENV_REFRAME}" RESOURCE_LOCK slurm
  FIXTURES_REQUIRED "slurm;venv_reframe")
