# scripts/plot: figures from real mpimark and scaling runs, and bad input.
#
#   cd build && ctest -R '^plot\.' --output-on-failure

set(PLOT_TEST_ENV
  "MPIMARK=$<TARGET_FILE:mpimark>"
  "MONTECARLO_PI=$<TARGET_FILE:montecarlo_pi>"
  "MPIEXEC=${MPIEXEC_EXECUTABLE}"
  "MPIMARK_REPO=${PROJECT_SOURCE_DIR}"
  "ASAN_OPTIONS=detect_leaks=0"  # Open MPI's own allocations at exit (docs/development.md)
)

function(plot_test name)
  cmake_parse_arguments(T "MPI" "" "" ${ARGN})
  add_test(NAME ${name} COMMAND ${T_UNPARSED_ARGUMENTS})
  set_tests_properties(${name} PROPERTIES LABELS e2e TIMEOUT 300 ENVIRONMENT "${PLOT_TEST_ENV}")
  if(T_MPI)
    set_tests_properties(${name} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

set(_plot ${CMAKE_CURRENT_LIST_DIR}/plot/plot.sh)
plot_test(plot.mpimark-overlay MPI ${_plot} mpimark-overlay)
plot_test(plot.scaling MPI ${_plot} scaling)
plot_test(plot.labels ${_plot} labels)
plot_test(plot.modes ${_plot} modes)
foreach(case missing-file not-csv binary-file header-only montecarlo-run no-args unknown-option
    bad-formats no-gnuplot)
  plot_test(plot.bad_input.${case} ${_plot} bad-input ${case})
endforeach()
