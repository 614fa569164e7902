# scripts/measure: one measurement over several launches, merged.
#
#   cd build && ctest -R '^measure\.' --output-on-failure
add_test(NAME measure.merge COMMAND ${CMAKE_CURRENT_LIST_DIR}/measure/measure.sh merge)
foreach(case failed-launch exists bad-usage signal states span)
  add_test(NAME measure.${case} COMMAND ${CMAKE_CURRENT_LIST_DIR}/measure/measure.sh ${case})
endforeach()
foreach(case merge failed-launch exists bad-usage signal states span)
  set_tests_properties(measure.${case} PROPERTIES LABELS e2e TIMEOUT 300 RUN_SERIAL TRUE
    ENVIRONMENT "MPIMARK=$<TARGET_FILE:mpimark>;MPIMARK_REPO=${PROJECT_SOURCE_DIR};PYTHON=/usr/bin/python3;OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1")
endforeach()

# bench/reproducibility, a smoke run (its figures are not checked).
add_test(NAME measure.bench-reproducibility COMMAND ${CMAKE_CURRENT_LIST_DIR}/measure/bench_reproducibility.sh)
set_tests_properties(measure.bench-reproducibility PROPERTIES LABELS e2e TIMEOUT 300 RUN_SERIAL TRUE
  ENVIRONMENT "MPIMARK_REPO=${PROJECT_SOURCE_DIR}")
