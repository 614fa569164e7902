# The mpi4py runner (programs/python/mpimark.py): its statistics against
# common/core/stats.c (label unit: the C side is compiled, so sanitized too), and
# real runs under mpiexec (label mpi4py: MPI,
# but nothing compiled, so not run again under the sanitizers): every operation
# on both paths at 2 and 3 ranks with -c, corruption caught by -c, the C
# binary's options, errors and output schema, mpi4py or numpy missing.
# The interpreter is Debian's /usr/bin/python3 (python3-mpi4py,
# python3-numpy), not whatever python3 comes first on PATH.

# stats_tool, sizes_tool: the C sides of tests/python/stats_agree.py and
# sizes_agree.py.
add_executable(stats_tool ${CMAKE_CURRENT_LIST_DIR}/python/stats_tool.c)
target_link_libraries(stats_tool PRIVATE mmcore)
add_executable(sizes_tool ${CMAKE_CURRENT_LIST_DIR}/python/sizes_tool.c)
target_link_libraries(sizes_tool PRIVATE mmcore)

find_program(MPIMARK_SYSTEM_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT MPIMARK_SYSTEM_PYTHON)
  message(STATUS "python tests not registered: no /usr/bin/python3")
  return()
endif()

set(PYTHON_TEST_ENV
  "MPIMARK=$<TARGET_FILE:mpimark>"
  "MPIEXEC=${MPIEXEC_EXECUTABLE}"
  "PYTHON=${MPIMARK_SYSTEM_PYTHON}"
  "MPIMARK_PY=${PROJECT_SOURCE_DIR}/programs/python/mpimark.py"
  "ASAN_OPTIONS=detect_leaks=0"  # Open MPI's own allocations at exit (docs/development.md)
  "OMPI_ALLOW_RUN_AS_ROOT=1"
  "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"
)

add_test(NAME python.stats_agree
  COMMAND ${MPIMARK_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/python/stats_agree.py
          $<TARGET_FILE:stats_tool>)
set_tests_properties(python.stats_agree PROPERTIES LABELS unit TIMEOUT 120
  ENVIRONMENT "${PYTHON_TEST_ENV}")
add_test(NAME python.sizes_agree
  COMMAND ${MPIMARK_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/python/sizes_agree.py
          $<TARGET_FILE:sizes_tool>)
set_tests_properties(python.sizes_agree PROPERTIES LABELS unit TIMEOUT 120
  ENVIRONMENT "${PYTHON_TEST_ENV}")

# The runner's pure parts (its options, the request check) without MPI.
add_test(NAME python.options COMMAND ${MPIMARK_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/python/test_options.py)
set_tests_properties(python.options PROPERTIES LABELS py TIMEOUT 60)

# Every C function the package binds with ctypes against its header's prototype.
add_test(NAME python.model COMMAND ${MPIMARK_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/python/test_model.py)
set_tests_properties(python.model PROPERTIES LABELS py TIMEOUT 60)

add_test(NAME python.signatures COMMAND ${MPIMARK_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/python/test_signatures.py)
set_tests_properties(python.signatures PROPERTIES LABELS py TIMEOUT 60)

# The scaling study's fit, rows and launcher rule, without MPI.
add_test(NAME python.scaling COMMAND ${MPIMARK_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/python/test_scaling.py)
set_tests_properties(python.scaling PROPERTIES LABELS py TIMEOUT 60)

# The report's ratios and the table's, one rule (results.row_ratio, mm_modes_widen).
add_test(NAME python.results COMMAND ${MPIMARK_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/python/test_results.py)
set_tests_properties(python.results PROPERTIES LABELS py TIMEOUT 60)

# scripts/measure's rule for adding launches while a state was seen too few times.
add_test(NAME python.measure COMMAND ${MPIMARK_SYSTEM_PYTHON} ${CMAKE_CURRENT_LIST_DIR}/python/test_measure.py)
set_tests_properties(python.measure PROPERTIES LABELS py TIMEOUT 60)

function(mpimark_python_test name)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS mpi4py TIMEOUT 300
    ENVIRONMENT "${PYTHON_TEST_ENV}" RUN_SERIAL TRUE SKIP_RETURN_CODE 77)
endfunction()

# The operations come from the one list, common/defs/ops.def (help.sh checks
# that the runner has exactly these); one launch runs them all (a launch of
# the runner costs more than an operation's cells).
string(REPLACE ";" "," MPIMARK_OPS_LIST "${MPIMARK_OPS}")
foreach(np 2 3)
  mpimark_python_test(python.ops.np${np}
    ${CMAKE_CURRENT_LIST_DIR}/python/op_matrix.sh ${np} ${MPIMARK_OPS_LIST} bytes)
endforeach()
foreach(payload floats ndarray)
  mpimark_python_test(python.ops.${payload}.np2
    ${CMAKE_CURRENT_LIST_DIR}/python/op_matrix.sh 2 ${MPIMARK_OPS_LIST} ${payload})
endforeach()

mpimark_python_test(python.placement.np2 ${CMAKE_CURRENT_LIST_DIR}/mpi/placement.sh python)
mpimark_python_test(python.memory.np2 ${CMAKE_CURRENT_LIST_DIR}/mpi/memory.sh python)
foreach(np 2 4)
  mpimark_python_test(python.clock_drift.np${np} ${CMAKE_CURRENT_LIST_DIR}/mpi/clock_drift.sh ${np} python)
endforeach()
mpimark_python_test(python.clock_drift.np4.nodes2 ${CMAKE_CURRENT_LIST_DIR}/mpi/clock_drift.sh 4 python 2)
foreach(np 2 4 8)
  mpimark_python_test(python.busbw.np${np} ${CMAKE_CURRENT_LIST_DIR}/mpi/busbw.sh ${np} python)
endforeach()
mpimark_python_test(python.overlap ${CMAKE_CURRENT_LIST_DIR}/mpi/overlap.sh python)
mpimark_python_test(python.state_probe.np2 ${CMAKE_CURRENT_LIST_DIR}/mpi/state_probe.sh python)
set_property(TEST python.state_probe.np2 APPEND PROPERTY ENVIRONMENT "MPIMARK_REPO=${PROJECT_SOURCE_DIR}")
# --rank-time is the C harness's (mpi.rank_time.* checks both syncs at 2
# and 3 ranks); the runner's test checks that its runs reach it.
mpimark_python_test(python.rank_time.np3 ${CMAKE_CURRENT_LIST_DIR}/mpi/rank_time.sh 3 python window)
foreach(np 2 3)
  mpimark_python_test(python.pkl5.np${np} ${CMAKE_CURRENT_LIST_DIR}/python/pkl5.sh ${np})
  mpimark_python_test(python.validation_detects_corruption.np${np}
    ${CMAKE_CURRENT_LIST_DIR}/python/validation.sh ${np})
endforeach()

# Bad input: every case of the one table (tests/bad_input_cases.sh, "#@case"
# lines) at the rank counts it lists for the mpi4py runner.
mpimark_bad_input_tests(3 python ${CMAKE_CURRENT_LIST_DIR}/python/bad_input.sh mpimark_python_test)

mpimark_python_test(python.formats ${CMAKE_CURRENT_LIST_DIR}/python/formats.sh)
mpimark_python_test(python.help ${CMAKE_CURRENT_LIST_DIR}/python/help.sh)

# The same runner on mpi4py 4.x and NumPy 2, the pinned versions users get
# from pip (scripts/venv: pyproject.toml's pypi-pins, mpi4py built against
# this Open MPI), beside Debian's 3.1 above. The venv is made once per build
# folder (label py: while the other pure tests run; under a minute of
# compiling) and kept while the pins stay the same.
set(MPIMARK_VENV_OPENMPI ${PROJECT_BINARY_DIR}/venv-openmpi)
add_test(NAME python.mpi4py4.venv COMMAND ${PROJECT_SOURCE_DIR}/scripts/venv ${MPIMARK_VENV_OPENMPI})
set_tests_properties(python.mpi4py4.venv PROPERTIES LABELS py TIMEOUT 1200
  FIXTURES_SETUP venv_openmpi)
set(PYTHON4_TEST_ENV ${PYTHON_TEST_ENV})
list(FILTER PYTHON4_TEST_ENV EXCLUDE REGEX "^PYTHON=")
list(APPEND PYTHON4_TEST_ENV "PYTHON=${MPIMARK_VENV_OPENMPI}/bin/python")
function(mpimark_python4_test name)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS mpi4py TIMEOUT 300 RUN_SERIAL TRUE
    ENVIRONMENT "${PYTHON4_TEST_ENV}" FIXTURES_REQUIRED venv_openmpi)
endfunction()
mpimark_python4_test(python.mpi4py4.ops.np2 ${CMAKE_CURRENT_LIST_DIR}/python/op_matrix.sh 2 ${MPIMARK_OPS_LIST} bytes)
mpimark_python4_test(python.mpi4py4.ndarray.np2
  ${CMAKE_CURRENT_LIST_DIR}/python/op_matrix.sh 2 allreduce ndarray)
foreach(np 2 3)
  mpimark_python4_test(python.mpi4py4.pkl5.np${np} ${CMAKE_CURRENT_LIST_DIR}/python/pkl5.sh ${np})
endforeach()
# --payload FILE:FUNCTION, the user's own objects, on both interpreters.
mpimark_python_test(python.user_payload.works ${CMAKE_CURRENT_LIST_DIR}/python/user_payload.sh works)
mpimark_python4_test(python.mpi4py4.user_payload.works ${CMAKE_CURRENT_LIST_DIR}/python/user_payload.sh works)
foreach(kind import module function raises unpicklable)
  mpimark_python_test(python.user_payload.bad.${kind} ${CMAKE_CURRENT_LIST_DIR}/python/user_payload.sh bad ${kind})
endforeach()
# Both interpreters: what each records of itself, and --mpi4py refused where
# it is not the generation that runs.
mpimark_python_test(python.versions.mpi4py3 ${CMAKE_CURRENT_LIST_DIR}/python/versions.sh 3)
mpimark_python4_test(python.versions.mpi4py4 ${CMAKE_CURRENT_LIST_DIR}/python/versions.sh 4)
# The wire test (tests/mpi.cmake) compares the C model with real 4.x too.
if(TEST mpi.wire)
  set_property(TEST mpi.wire APPEND PROPERTY ENVIRONMENT "PYTHON4=${MPIMARK_VENV_OPENMPI}/bin/python")
  set_property(TEST mpi.wire APPEND PROPERTY FIXTURES_REQUIRED venv_openmpi)
endif()
