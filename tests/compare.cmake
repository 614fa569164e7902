# Comparing MPI implementations (issue #6): scripts/build --mpi,
# scripts/compare, scripts/compare-mpi, slurm/compare-mpi.slurm.
#
#   cd build && ctest -R '^compare\.' --output-on-failure
#
# Two fixtures build mpimark with Open MPI (mpicc.openmpi) and with MPICH
# (mpicc.mpich) into this build tree's compare/ folder (never into the
# repository's build-openmpi/ or build-mpich/); the MPI tests then run
# each build under its own launcher (mpiexec.openmpi, mpiexec.mpich).
# Needs: openmpi-bin libopenmpi-dev mpich libmpich-dev python3.

set(_cmp_dir ${CMAKE_CURRENT_LIST_DIR}/compare)
set(_cmp_builds ${CMAKE_CURRENT_BINARY_DIR}/compare)
set(_cmp_env
  "COMPARE_BUILD_OPENMPI=${_cmp_builds}/build-openmpi"
  "COMPARE_BUILD_MPICH=${_cmp_builds}/build-mpich"
  "ASAN_OPTIONS=detect_leaks=0"  # the MPI libraries' own allocations at exit (docs/development.md)
)

# The builds (script tests of scripts/build --mpi; fixtures for the rest).
# A sanitizer tree builds its compare builds with the sanitizers too.
foreach(lib openmpi mpich)
  add_test(NAME compare.build.${lib}
    COMMAND ${_cmp_dir}/build.sh ${lib} ${_cmp_builds}/build-${lib}
      -DMPIMARK_SANITIZE=${MPIMARK_SANITIZE})
  set_tests_properties(compare.build.${lib} PROPERTIES LABELS e2e TIMEOUT 600
    ENVIRONMENT "${_cmp_env}" FIXTURES_SETUP compare_${lib} RESOURCE_LOCK compare_build_${lib})
endforeach()

# Each build passes every operation (one launch) with -c at 2 ranks under
# its own launcher.
# A sanitizer tree checks the MPICH build alone: its Open MPI build is the
# tree's own mpimark again (the same compiler and library), whose operations
# the mpi.* matrix runs under the sanitizers already.
set(_cmp_check_libs openmpi mpich)
if(MPIMARK_SANITIZE)
  set(_cmp_check_libs mpich)
endif()
string(REPLACE ";" "," _cmp_ops "${MPIMARK_OPS}")  # common/defs/ops.def
foreach(lib ${_cmp_check_libs})
  add_test(NAME compare.mpi.${lib}.ops COMMAND ${_cmp_dir}/mpi_check.sh ${lib} ${_cmp_ops})
  set_tests_properties(compare.mpi.${lib}.ops PROPERTIES LABELS mpi TIMEOUT 180
    ENVIRONMENT "${_cmp_env}" FIXTURES_REQUIRED compare_${lib} RUN_SERIAL TRUE)
endforeach()

# Scripts that run both builds (MPI, so serial).
foreach(case real compare_mpi template_local)
  add_test(NAME compare.e2e.${case} COMMAND ${_cmp_dir}/${case}.sh)
  set_tests_properties(compare.e2e.${case} PROPERTIES LABELS e2e TIMEOUT 300
    ENVIRONMENT "${_cmp_env}" FIXTURES_REQUIRED "compare_openmpi;compare_mpich" RUN_SERIAL TRUE)
endforeach()

# The MPICH build makes mpi4py 4.x's large-count calls (a PMPI interposer,
# LD_PRELOAD; not under the sanitizers, whose runtime must come first).
# Real mpi4py 4.x built against MPICH (scripts/venv --mpi mpich; label py,
# made while the other pure tests run) makes the same calls.
if(NOT MPIMARK_SANITIZE)
  set(MPIMARK_VENV_MPICH ${PROJECT_BINARY_DIR}/venv-mpich)
  add_test(NAME compare.venv.mpich COMMAND ${PROJECT_SOURCE_DIR}/scripts/venv --mpi mpich ${MPIMARK_VENV_MPICH})
  set_tests_properties(compare.venv.mpich PROPERTIES LABELS py TIMEOUT 1200 FIXTURES_SETUP venv_mpich)
  add_test(NAME compare.wire.mpich COMMAND ${_cmp_dir}/wire_mpich.sh)
  set_tests_properties(compare.wire.mpich PROPERTIES LABELS e2e TIMEOUT 120
    ENVIRONMENT "${_cmp_env};PYTHON4_MPICH=${MPIMARK_VENV_MPICH}/bin/python"
    FIXTURES_REQUIRED "compare_mpich;venv_mpich" RUN_SERIAL TRUE)
endif()

# The verdict logic on hand-made CSVs (tests/compare/fixtures/); no MPI.
foreach(case slower faster overlap mismatch metadata formats regression-fails
    regression-passes tolerance merge plot-kept plot-present missing-file
    different-schema not-mpimark usage paired-slower paired-flip paired-regression by-state)
  add_test(NAME compare.verdict.${case} COMMAND ${_cmp_dir}/verdicts.sh ${case})
  set_tests_properties(compare.verdict.${case} PROPERTIES LABELS py TIMEOUT 60)
endforeach()
