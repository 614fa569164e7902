# The tools HPC sites run and install benchmarks with (docs/integrations.md): ReFrame,
# real and pinned (scripts/venv --reframe, made while the pure part runs),
# runs integrations/reframe/ on this machine with mpirun and through the private
# Slurm cluster with srun; a wrong reference must fail it.
set(MPIMARK_VENV_REFRAME ${PROJECT_BINARY_DIR}/venv-reframe)
add_test(NAME integrations.reframe.venv
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/venv --reframe ${MPIMARK_VENV_REFRAME})
set_tests_properties(integrations.reframe.venv PROPERTIES LABELS py TIMEOUT 600
  FIXTURES_SETUP venv_reframe)
add_test(NAME integrations.reframe.local COMMAND ${CMAKE_CURRENT_LIST_DIR}/integrations/reframe.sh local)
set_tests_properties(integrations.reframe.local PROPERTIES LABELS e2e TIMEOUT 600 RUN_SERIAL TRUE
  ENVIRONMENT "REFRAME_VENV=${MPIMARK_VENV_REFRAME}" FIXTURES_REQUIRED venv_reframe)
add_test(NAME integrations.reframe.slurm COMMAND ${CMAKE_CURRENT_LIST_DIR}/integrations/reframe.sh slurm)
set_tests_properties(integrations.reframe.slurm PROPERTIES LABELS cluster TIMEOUT 600
  ENVIRONMENT "REFRAME_VENV=${MPIMARK_VENV_REFRAME}" RESOURCE_LOCK slurm
  FIXTURES_REQUIRED "slurm;venv_reframe")

# EasyBuild, real and pinned (scripts/venv --easybuild), builds the
# easyconfig with the system toolchain and Environment Modules.
set(MPIMARK_VENV_EASYBUILD ${PROJECT_BINARY_DIR}/venv-easybuild)
add_test(NAME integrations.easybuild.venv
  COMMAND ${PROJECT_SOURCE_DIR}/scripts/venv --easybuild ${MPIMARK_VENV_EASYBUILD})
set_tests_properties(integrations.easybuild.venv PROPERTIES LABELS py TIMEOUT 600
  FIXTURES_SETUP venv_easybuild)
add_test(NAME integrations.easybuild.build COMMAND ${CMAKE_CURRENT_LIST_DIR}/integrations/easybuild.sh)
set_tests_properties(integrations.easybuild.build PROPERTIES LABELS e2e TIMEOUT 600
  ENVIRONMENT "EB_VENV=${MPIMARK_VENV_EASYBUILD};OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
  FIXTURES_REQUIRED venv_easybuild)

# The Spack recipe, checked without Spack (not reachable here).
add_test(NAME integrations.spack.recipe
  COMMAND ${MPIMARK_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/integrations/spack_recipe.py ${PROJECT_SOURCE_DIR})
set_tests_properties(integrations.spack.recipe PROPERTIES LABELS py TIMEOUT 60)
