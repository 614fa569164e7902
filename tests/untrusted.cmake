# Results files from anyone (docs/output.md, "Files from others"): hostile
# CSVs and file names through plot, report, compare and merge.
#
#   cd build && ctest -R '^untrusted\.' --output-on-failure
foreach(case gnuplot formula refuse together scaling full-disk)
  add_test(NAME untrusted.${case} COMMAND ${CMAKE_CURRENT_LIST_DIR}/untrusted/hostile.sh ${case})
  set_tests_properties(untrusted.${case} PROPERTIES LABELS e2e TIMEOUT 300
    ENVIRONMENT "MPIMARK_REPO=${PROJECT_SOURCE_DIR}" SKIP_RETURN_CODE 77)
endforeach()
set_tests_properties(untrusted.scaling PROPERTIES RUN_SERIAL TRUE)  # an MPI launch
