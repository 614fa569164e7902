# The docs against the one definitions they show (no build, no MPI).
add_test(NAME docs.options_table
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/docs/options_table.py ${PROJECT_SOURCE_DIR}/README.md)
set_tests_properties(docs.options_table PROPERTIES LABELS unit TIMEOUT 60)
