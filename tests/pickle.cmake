# The pickle codec (common/pyobj: pyobj*.c, pickle*.c): unit test, interop with the system
# CPython both ways, libFuzzer run, and the codec benchmark's C half.

add_executable(test_pickle ${CMAKE_CURRENT_LIST_DIR}/unit/test_pickle.c)
target_link_libraries(test_pickle PRIVATE mmcore)
target_include_directories(test_pickle PRIVATE ${CMAKE_CURRENT_LIST_DIR}/unit)
add_test(NAME pickle.unit COMMAND test_pickle)
set_tests_properties(pickle.unit PROPERTIES LABELS unit TIMEOUT 60)

# pickle_tool: the C side of tests/pickle/interop.py.
add_executable(pickle_tool ${CMAKE_CURRENT_LIST_DIR}/pickle/pickle_tool.c)
target_link_libraries(pickle_tool PRIVATE mmcore)

# The reference is Debian's CPython (/usr/bin/python3), not whatever
# python3 comes first on PATH.
find_program(MPIMARK_SYSTEM_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(MPIMARK_SYSTEM_PYTHON)
  add_test(NAME pickle.interop
    COMMAND ${MPIMARK_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/pickle/interop.py
            $<TARGET_FILE:pickle_tool>)
  set_tests_properties(pickle.interop PROPERTIES LABELS unit TIMEOUT 120)  # the C codec, sanitized in build-asan/
else()
  message(STATUS "pickle.interop not registered: no /usr/bin/python3")
endif()

# libFuzzer needs clang: scripts/fuzz builds each target itself in
# build-fuzz/ at the top of the source tree and runs it for a bounded time:
# the pickle decoder 30 s, the -m size lists 15 s (a far smaller grammar),
# the Python tools' reader of result files 20 s (Python: no build).
# The three share no file there (fuzz_TARGET, corpus/TARGET/), so they run
# side by side, one core each.
add_test(NAME pickle.fuzz COMMAND ${CMAKE_SOURCE_DIR}/scripts/fuzz 30 pickle)
add_test(NAME sizes.fuzz COMMAND ${CMAKE_SOURCE_DIR}/scripts/fuzz 15 sizes)
add_test(NAME results.fuzz COMMAND ${CMAKE_SOURCE_DIR}/scripts/fuzz 20 results)
set_tests_properties(pickle.fuzz sizes.fuzz results.fuzz PROPERTIES LABELS fuzz TIMEOUT 150)

# The C half of bench/codec, and a smoke run of it (tiny timings:
# checks that it runs and prints every row, not its figures).
add_executable(bench_codec ${CMAKE_SOURCE_DIR}/bench/tools/bench_codec.c)
target_link_libraries(bench_codec PRIVATE mmcore)
add_test(NAME pickle.bench_smoke COMMAND bench_codec -s 1024,70000 -t 0.001 -n 1)
set_tests_properties(pickle.bench_smoke PROPERTIES LABELS unit TIMEOUT 60
  PASS_REGULAR_EXPRESSION "memcpy\t70000\tmemcpy")
