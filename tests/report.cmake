# scripts/report: each report kind from real runs, checked in headless
# Chromium (tests/report/browser.py), and bad input.
#
#   cd build && ctest -R '^report\.' --output-on-failure
#
# Needs: chromium chromium-driver poppler-utils gnuplot-nox (scripts/test
# installs them); the compare case uses the compare tests' two builds.

set(REPORT_TEST_ENV
  "MPIMARK=$<TARGET_FILE:mpimark>"
  "MONTECARLO_PI=$<TARGET_FILE:montecarlo_pi>"
  "MPIEXEC=${MPIEXEC_EXECUTABLE}"
  "MPIMARK_REPO=${PROJECT_SOURCE_DIR}"
  "PYTHON=/usr/bin/python3"
  "OMPI_ALLOW_RUN_AS_ROOT=1"
  "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
  ${_cmp_env}
)
set(_report ${CMAKE_CURRENT_LIST_DIR}/report/report.sh)

function(report_test name)
  add_test(NAME report.${name} COMMAND ${_report} ${ARGN})
  set_tests_properties(report.${name} PROPERTIES LABELS e2e TIMEOUT 300
    ENVIRONMENT "${REPORT_TEST_ENV}" RUN_SERIAL TRUE)
endfunction()

foreach(case single python scaling modes browser-detects)
  report_test(${case} ${case})
endforeach()
report_test(compare compare)
set_tests_properties(report.compare PROPERTIES FIXTURES_REQUIRED "compare_openmpi;compare_mpich")
foreach(case empty-folder not-mpimark partial a-file no-such-folder no-args unknown-option bad-output)
  report_test(bad_input.${case} bad-input ${case})
  set_tests_properties(report.bad_input.${case} PROPERTIES RUN_SERIAL FALSE)
endforeach()
