# The docs against the one definitions they show (no build, no MPI).
add_test(NAME docs.options_table
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/docs/options_table.py ${PROJECT_SOURCE_DIR}/README.md)
set_tests_properties(docs.options_table PROPERTIES LABELS unit TIMEOUT 60)
# Every script's --help: whole, at once, without side effects.
add_test(NAME docs.script_help COMMAND ${CMAKE_CURRENT_LIST_DIR}/docs/script_help.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(docs.script_help PROPERTIES LABELS unit TIMEOUT 120)
