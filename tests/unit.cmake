# Unit tests: no MPI, run directly.
foreach(name stats sizes options output atomic_file window rounds)
  add_executable(test_${name} ${CMAKE_CURRENT_LIST_DIR}/unit/test_${name}.c)
  target_link_libraries(test_${name} PRIVATE mmcore)
  target_include_directories(test_${name} PRIVATE ${CMAKE_CURRENT_LIST_DIR}/unit)
  add_test(NAME unit.${name} COMMAND test_${name})
  set_tests_properties(unit.${name} PROPERTIES LABELS unit TIMEOUT 60)
endforeach()
