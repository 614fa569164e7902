# Unit tests: no MPI, run directly.
foreach(name stats sizes options output marks atomic_file window rounds placement clockmodel errors modes sweep heap model metrics
    testhooks validate)
  add_executable(test_${name} ${CMAKE_CURRENT_LIST_DIR}/unit/test_${name}.c)
  target_link_libraries(test_${name} PRIVATE mmcore)
  target_include_directories(test_${name} PRIVATE ${CMAKE_CURRENT_LIST_DIR}/unit)
  add_test(NAME unit.${name} COMMAND test_${name})
  set_tests_properties(unit.${name} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()

# Bad input without MPI: every case of the one table (tests/bad_input_cases.sh)
# that needs no launch, through both runners' request checks (the C one
# below, the mpi4py runner imported without mpi4py).
add_executable(request_tool ${CMAKE_CURRENT_LIST_DIR}/unit/request_tool.c)
target_link_libraries(request_tool PRIVATE mmcore)
function(mpimark_unit_bad_input name script np case)
  add_test(NAME ${name} COMMAND ${script} ${np} ${case})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 60
    ENVIRONMENT "REQUEST_TOOL=$<TARGET_FILE:request_tool>;PYTHON=/usr/bin/python3;ASAN_OPTIONS=detect_leaks=1")
endfunction()
mpimark_bad_input_tests(1 unit ${CMAKE_CURRENT_LIST_DIR}/unit/bad_input.sh mpimark_unit_bad_input)
