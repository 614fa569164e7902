# The docs against the one definitions they show (no build, no MPI).
# docs/options.md (whole) and the columns of docs/output.md are made from
# options.def and columns.def; checked to the character.
add_test(NAME docs.generated
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/docs/generated.py --check ${PROJECT_SOURCE_DIR})
# Every relative link of README.md and docs/*.md resolves (file and heading).
add_test(NAME docs.links COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/docs/links.py ${PROJECT_SOURCE_DIR})
# Every script's --help: whole, at once, without side effects.
add_test(NAME docs.script_help COMMAND ${CMAKE_CURRENT_LIST_DIR}/docs/script_help.sh ${PROJECT_SOURCE_DIR})
set_tests_properties(docs.generated docs.links docs.script_help PROPERTIES LABELS py TIMEOUT 120)
