# MPI tests: the real launcher with several ranks. The operation matrix is
# generated from benchmarks/ops.def, the one list of operations.
set(MPI_TEST_ENV
  "MPIMARK=$<TARGET_FILE:mpimark>"
  "MPIEXEC=${MPIEXEC_EXECUTABLE}"
  "ASAN_OPTIONS=detect_leaks=0"  # Open MPI's own allocations at exit (see README)
)

file(STRINGS ${PROJECT_SOURCE_DIR}/benchmarks/ops.def op_lines REGEX "^MM_OP\\(")
set(MPIMARK_OPS "")
foreach(line ${op_lines})
  string(REGEX REPLACE "^MM_OP\\(([a-z0-9_]+)\\).*" "\\1" op "${line}")
  list(APPEND MPIMARK_OPS ${op})
endforeach()

function(mpimark_mpi_test name)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS mpi TIMEOUT 180 ENVIRONMENT "${MPI_TEST_ENV}"
    RUN_SERIAL TRUE SKIP_RETURN_CODE 77)  # 77: not applicable to this build
endfunction()

foreach(op ${MPIMARK_OPS})
  foreach(np 2 4)
    mpimark_mpi_test(mpi.${op}.buffer.np${np}
      ${CMAKE_CURRENT_LIST_DIR}/mpi/op_matrix.sh ${np} ${op} buffer)
  endforeach()
  foreach(np 2 3 4)
    foreach(payload bytes floats)
      mpimark_mpi_test(mpi.${op}.object.${payload}.np${np}
        ${CMAKE_CURRENT_LIST_DIR}/mpi/op_matrix.sh ${np} ${op} object ${payload})
    endforeach()
  endforeach()
  foreach(np 2 3)  # NumPy arrays: the floats' element logic in another object
    mpimark_mpi_test(mpi.${op}.object.ndarray.np${np}
      ${CMAKE_CURRENT_LIST_DIR}/mpi/op_matrix.sh ${np} ${op} object ndarray)
  endforeach()
  foreach(np 2 3 4)  # mpi4py.util.pkl5: arrays in-band and out-of-band
    mpimark_mpi_test(mpi.${op}.pkl5.ndarray.np${np}
      ${CMAKE_CURRENT_LIST_DIR}/mpi/op_matrix.sh ${np} ${op} pkl5 ndarray)
  endforeach()
  mpimark_mpi_test(mpi.${op}.pkl5.bytes.np2  # bytes stay in-band
    ${CMAKE_CURRENT_LIST_DIR}/mpi/op_matrix.sh 2 ${op} pkl5 bytes)
  foreach(path object pkl5)  # mpi4py 3.1's protocol: MPI_INT lengths, pkl5 without scatter, gather
    mpimark_mpi_test(mpi.${op}.${path}.mpi4py3.np3
      ${CMAKE_CURRENT_LIST_DIR}/mpi/op_matrix.sh 3 ${op} ${path} ndarray 3)
  endforeach()
endforeach()

# Bad input: every case of the one table (tests/bad_input_cases.sh, "#@case"
# lines) at the rank counts it lists for the C binary.
mpimark_bad_input_tests(1 mpi ${CMAKE_CURRENT_LIST_DIR}/mpi/bad_input.sh mpimark_mpi_test)

foreach(np 2 3)
  mpimark_mpi_test(mpi.validation_detects_corruption.np${np}
    ${CMAKE_CURRENT_LIST_DIR}/mpi/validation.sh ${np})
endforeach()
mpimark_mpi_test(mpi.formats ${CMAKE_CURRENT_LIST_DIR}/mpi/formats.sh)
mpimark_mpi_test(mpi.hugepages ${CMAKE_CURRENT_LIST_DIR}/mpi/hugepages.sh)

# What goes on the wire, seen by a PMPI interposer (LD_PRELOAD); not under
# the sanitizers, whose runtime must come first in a process.
add_library(mm_wire_log SHARED ${CMAKE_CURRENT_LIST_DIR}/mpi/wire_log.c)
target_link_libraries(mm_wire_log PRIVATE MPI::MPI_C)
if(NOT MPIMARK_SANITIZE)
  mpimark_mpi_test(mpi.wire ${CMAKE_CURRENT_LIST_DIR}/mpi/wire.sh $<TARGET_FILE:mm_wire_log>)
  set_tests_properties(mpi.wire PROPERTIES LABELS e2e)
endif()

# Collective sync modes: validation under each at 2-4 ranks, late calls
# dropped and reported, the clock-offset estimator against a known skew.
foreach(np 2 4)
  foreach(mode window barrier batch)
    mpimark_mpi_test(mpi.sync.${mode}.np${np} ${CMAKE_CURRENT_LIST_DIR}/mpi/sync.sh ${np} ${mode})
  endforeach()
endforeach()
foreach(mode late skew offsets rounds)
  mpimark_mpi_test(mpi.sync.${mode}.np2 ${CMAKE_CURRENT_LIST_DIR}/mpi/sync.sh 2 ${mode})
endforeach()
mpimark_mpi_test(mpi.sync.skew.np3 ${CMAKE_CURRENT_LIST_DIR}/mpi/sync.sh 3 skew)
