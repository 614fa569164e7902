# The build itself: the commit it records (cmake/build_id.cmake).
add_test(NAME build.commit_id COMMAND ${CMAKE_CURRENT_LIST_DIR}/build_id.sh)
set_tests_properties(build.commit_id PROPERTIES LABELS e2e TIMEOUT 300)
add_test(NAME build.install COMMAND ${CMAKE_CURRENT_LIST_DIR}/install.sh)
set_tests_properties(build.install PROPERTIES LABELS e2e TIMEOUT 300)
# Adding an operation is one file and one line (tests/add_op.sh).
add_test(NAME build.add_op COMMAND ${CMAKE_CURRENT_LIST_DIR}/add_op.sh)
set_tests_properties(build.add_op PROPERTIES LABELS e2e TIMEOUT 300)
# pip install . into a fresh venv gives mpimark-py, whose --help works without MPI (tests/pip.sh).
add_test(NAME build.pip COMMAND ${CMAKE_CURRENT_LIST_DIR}/pip.sh)
set_tests_properties(build.pip PROPERTIES LABELS e2e TIMEOUT 300)
