# Slurm e2e tests: a real private Slurm cluster on this machine
# (tests/slurm/cluster.sh) and the sbatch templates in slurm/ run on it.
#
#   cd build && ctest -L cluster --output-on-failure
#
# Three fixtures, one after the other (RESOURCE_LOCK slurm serializes them,
# DEPENDS orders them):
#   slurm   a one-node cluster: on-node runs and the failure cases;
#   slurm2  a two-node cluster (two slurmd in their own network and UTS
#           namespaces): cross-node runs of the unmodified templates;
#   slurm4  a four-node cluster the same way: collectives at 8 and 16 ranks.
# Needs root, slurm-wlm, munge, libpmix-dev, iproute2, util-linux; the
# compare-mpi cases also need the Open MPI and MPICH builds of the compare
# fixtures (openmpi-bin libopenmpi-dev mpich libmpich-dev).

set(_slurm_dir ${CMAKE_CURRENT_SOURCE_DIR}/slurm)
set(_slurm_env
  "MPIMARK_REPO=${PROJECT_SOURCE_DIR}"
  "MPIMARK_BUILD_DIR=${CMAKE_BINARY_DIR}"
  "MPIMARK_TEST_WORK=${CMAKE_CURRENT_BINARY_DIR}/slurm-e2e"
  # The Open MPI and MPICH builds of the compare fixtures (tests/compare.cmake).
  "MPIMARK_COMPARE_BUILDS=${CMAKE_CURRENT_BINARY_DIR}/compare")

function(_slurm_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "COMMAND;PROPS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 180)
  endif()
  add_test(NAME ${name} COMMAND ${T_COMMAND})
  set_tests_properties(${name} PROPERTIES
    LABELS cluster
    TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "${_slurm_env}"
    ${T_PROPS})
endfunction()

# One node.
_slurm_test(slurm.cluster.start COMMAND bash ${_slurm_dir}/cluster.sh start --nodes 1
  TIMEOUT 120 PROPS FIXTURES_SETUP slurm RESOURCE_LOCK slurm)
_slurm_test(slurm.cluster.stop COMMAND bash ${_slurm_dir}/cluster.sh stop
  TIMEOUT 120 PROPS FIXTURES_CLEANUP slurm RESOURCE_LOCK slurm)
foreach(case pingpong-1node collectives fail-build fail-launcher fail-args cancel
    scaling-1node scaling-command scaling-fail)
  _slurm_test(slurm.job.${case} COMMAND bash ${_slurm_dir}/job.sh ${case}
    PROPS FIXTURES_REQUIRED slurm RESOURCE_LOCK slurm)
endforeach()
# slurm/compare-mpi.slurm with the compare tests' Open MPI and MPICH builds
# (fixtures compare_openmpi, compare_mpich of tests/compare.cmake). The
# fixture list is set on its own: PROPS would split it into words.
foreach(case compare-mpi-1node compare-mpi-wrong-plugin)
  _slurm_test(slurm.job.${case} COMMAND bash ${_slurm_dir}/job.sh ${case}
    PROPS RESOURCE_LOCK slurm)
  set_tests_properties(slurm.job.${case} PROPERTIES
    FIXTURES_REQUIRED "slurm;compare_openmpi;compare_mpich")
endforeach()

# Two nodes, after the one-node cluster has stopped.
_slurm_test(slurm.cluster2.start COMMAND bash ${_slurm_dir}/cluster.sh start --nodes 2
  TIMEOUT 120 PROPS FIXTURES_SETUP slurm2 RESOURCE_LOCK slurm DEPENDS slurm.cluster.stop)
_slurm_test(slurm.cluster2.stop COMMAND bash ${_slurm_dir}/cluster.sh stop
  TIMEOUT 120 PROPS FIXTURES_CLEANUP slurm2 RESOURCE_LOCK slurm)
foreach(case pingpong-2node collectives-2node scaling-2node scaling-mpi-time-2node)
  _slurm_test(slurm.job.${case} COMMAND bash ${_slurm_dir}/job.sh ${case}
    PROPS FIXTURES_REQUIRED slurm2 RESOURCE_LOCK slurm)
endforeach()
_slurm_test(slurm.job.compare-mpi-2node COMMAND bash ${_slurm_dir}/job.sh compare-mpi-2node
  PROPS RESOURCE_LOCK slurm)
set_tests_properties(slurm.job.compare-mpi-2node PROPERTIES
  FIXTURES_REQUIRED "slurm2;compare_openmpi;compare_mpich")

# Four nodes, after the two-node cluster has stopped: collectives at 8 and
# 16 ranks, and the clock sync's drift model across the nodes.
_slurm_test(slurm.cluster4.start COMMAND bash ${_slurm_dir}/cluster.sh start --nodes 4
  TIMEOUT 120 PROPS FIXTURES_SETUP slurm4 RESOURCE_LOCK slurm DEPENDS slurm.cluster2.stop)
_slurm_test(slurm.cluster4.stop COMMAND bash ${_slurm_dir}/cluster.sh stop
  TIMEOUT 120 PROPS FIXTURES_CLEANUP slurm4 RESOURCE_LOCK slurm)
foreach(case collectives-4node-8 collectives-4node-16 clock-drift-4node)
  _slurm_test(slurm.job.${case} COMMAND bash ${_slurm_dir}/job.sh ${case}
    PROPS FIXTURES_REQUIRED slurm4 RESOURCE_LOCK slurm)
endforeach()

# The template outside Slurm (mpirun); no cluster needed.
_slurm_test(slurm.template.local COMMAND bash ${_slurm_dir}/job.sh local TIMEOUT 120)
set_tests_properties(slurm.template.local PROPERTIES LABELS e2e)  # mpirun, no cluster
