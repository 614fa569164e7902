# Slurm e2e tests: a real private Slurm cluster on this machine
# (tests/slurm/cluster.sh) and the sbatch templates in slurm/ run on it.
#
#   cd build && ctest -L e2e -R slurm --output-on-failure
#
# Two fixtures, one after the other (RESOURCE_LOCK slurm serializes them,
# DEPENDS orders them):
#   slurm   a one-node cluster: on-node runs and the failure cases;
#   slurm2  a two-node cluster (two slurmd in their own network and UTS
#           namespaces): cross-node runs of the unmodified templates.
# Needs root, slurm-wlm, munge, libpmix-dev, iproute2, util-linux.

set(_slurm_dir ${CMAKE_CURRENT_SOURCE_DIR}/slurm)
set(_slurm_env
  "MPIMARK_REPO=${PROJECT_SOURCE_DIR}"
  "MPIMARK_BUILD_DIR=${CMAKE_BINARY_DIR}"
  "MPIMARK_TEST_WORK=${CMAKE_CURRENT_BINARY_DIR}/slurm-e2e")

function(_slurm_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "COMMAND;PROPS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 180)
  endif()
  add_test(NAME ${name} COMMAND ${T_COMMAND})
  set_tests_properties(${name} PROPERTIES
    LABELS e2e
    TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "${_slurm_env}"
    ${T_PROPS})
endfunction()

# One node.
_slurm_test(slurm.cluster.start COMMAND bash ${_slurm_dir}/cluster.sh start --nodes 1
  TIMEOUT 120 PROPS FIXTURES_SETUP slurm RESOURCE_LOCK slurm)
_slurm_test(slurm.cluster.stop COMMAND bash ${_slurm_dir}/cluster.sh stop
  TIMEOUT 120 PROPS FIXTURES_CLEANUP slurm RESOURCE_LOCK slurm)
foreach(case pingpong-1node collectives fail-build fail-launcher fail-args cancel)
  _slurm_test(slurm.job.${case} COMMAND bash ${_slurm_dir}/job.sh ${case}
    PROPS FIXTURES_REQUIRED slurm RESOURCE_LOCK slurm)
endforeach()

# Two nodes, after the one-node cluster has stopped.
_slurm_test(slurm.cluster2.start COMMAND bash ${_slurm_dir}/cluster.sh start --nodes 2
  TIMEOUT 120 PROPS FIXTURES_SETUP slurm2 RESOURCE_LOCK slurm DEPENDS slurm.cluster.stop)
_slurm_test(slurm.cluster2.stop COMMAND bash ${_slurm_dir}/cluster.sh stop
  TIMEOUT 120 PROPS FIXTURES_CLEANUP slurm2 RESOURCE_LOCK slurm)
foreach(case pingpong-2node collectives-2node)
  _slurm_test(slurm.job.${case} COMMAND bash ${_slurm_dir}/job.sh ${case}
    PROPS FIXTURES_REQUIRED slurm2 RESOURCE_LOCK slurm)
endforeach()

# The template outside Slurm (mpirun); no cluster needed.
_slurm_test(slurm.template.local COMMAND bash ${_slurm_dir}/job.sh local TIMEOUT 120)
