# MPI tests: the real launcher with several ranks. The operation matrix is
# generated from common/defs/ops.def, the one list of operations.
set(MPI_TEST_ENV
  "MPIMARK=$<TARGET_FILE:mpimark>"
  "MPIEXEC=${MPIEXEC_EXECUTABLE}"
  "ASAN_OPTIONS=detect_leaks=0"  # Open MPI's own allocations at exit (docs/development.md)
)

function(mpimark_mpi_test name)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS mpi TIMEOUT 180 ENVIRONMENT "${MPI_TEST_ENV}"
    RUN_SERIAL TRUE SKIP_RETURN_CODE 77)  # 77: not applicable to this build
endfunction()

# The operation matrix: one launch of every operation per rank count,
# payload and protocol generation (a launch costs more than an operation's
# cells: one per operation took 90 launches), on every path that
# combination covers (one launch checks each operation's and path's rows):
# the buffer path at 2 and 4 ranks, the
# object path with each payload at 2 to 4 (oversubscribed) ranks, NumPy
# arrays on the pkl5 path (in-band and out-of-band) at 2 to 4 and bytes
# on it at 2, and mpi4py 3.1's protocol (MPI_INT lengths, pkl5 without
# scatter and gather) at 3.
#   NAME           NP  PATHS               PAYLOAD  MPI4PY
set(MPIMARK_OP_MATRIX
  "bytes.np2       2   buffer,object,pkl5  bytes    4"
  "floats.np2      2   object              floats   4"
  "ndarray.np2     2   object,pkl5         ndarray  4"
  "bytes.np3       3   object              bytes    4"
  "floats.np3      3   object              floats   4"
  "ndarray.np3     3   object,pkl5         ndarray  4"
  "mpi4py3.np3     3   object,pkl5         ndarray  3"
  "bytes.np4       4   buffer,object       bytes    4"
  "floats.np4      4   object              floats   4"
  "ndarray.np4     4   pkl5                ndarray  4")
string(REPLACE ";" "," MPIMARK_OPS_LIST "${MPIMARK_OPS}")
foreach(entry ${MPIMARK_OP_MATRIX})
  string(REGEX REPLACE " +" ";" f "${entry}")
  list(GET f 0 name)
  list(GET f 1 np)
  list(GET f 2 paths)
  list(GET f 3 payload)
  list(GET f 4 gen)
  mpimark_mpi_test(mpi.ops.${name}
    ${CMAKE_CURRENT_LIST_DIR}/mpi/op_matrix.sh ${np} ${MPIMARK_OPS_LIST} ${paths} ${payload} ${gen})
endforeach()

# Bad input: every case of the one table (tests/bad_input_cases.sh, "#@case"
# lines) at the rank counts it lists for the C binary.
mpimark_bad_input_tests(2 mpi ${CMAKE_CURRENT_LIST_DIR}/mpi/bad_input.sh mpimark_mpi_test)

foreach(np 2 3)
  mpimark_mpi_test(mpi.validation_detects_corruption.np${np}
    ${CMAKE_CURRENT_LIST_DIR}/mpi/validation.sh ${np})
endforeach()
mpimark_mpi_test(mpi.formats ${CMAKE_CURRENT_LIST_DIR}/mpi/formats.sh)
mpimark_mpi_test(mpi.hugepages ${CMAKE_CURRENT_LIST_DIR}/mpi/hugepages.sh)

# What goes on the wire, seen by a PMPI interposer (LD_PRELOAD), against real
# mpi4py 3.1 and 4.x for every operation (about a minute); not under
# the sanitizers, whose runtime must come first in a process.
add_library(mm_wire_log SHARED ${CMAKE_CURRENT_LIST_DIR}/mpi/wire_log.c)
target_link_libraries(mm_wire_log PRIVATE MPI::MPI_C)
if(NOT MPIMARK_SANITIZE)
  mpimark_mpi_test(mpi.wire ${CMAKE_CURRENT_LIST_DIR}/mpi/wire.sh $<TARGET_FILE:mm_wire_log>)
  set_tests_properties(mpi.wire PROPERTIES LABELS e2e TIMEOUT 300)
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
# #@binding, #@placement and the table's note, with CPUs set by taskset.
mpimark_mpi_test(mpi.placement.np2 ${CMAKE_CURRENT_LIST_DIR}/mpi/placement.sh c)
mpimark_mpi_test(mpi.state_probe.np2 ${CMAKE_CURRENT_LIST_DIR}/mpi/state_probe.sh c)
set_property(TEST mpi.state_probe.np2 APPEND PROPERTY ENVIRONMENT "MPIMARK_REPO=${PROJECT_SOURCE_DIR}")
# --memory: the sizes over the bound are skipped and named.
mpimark_mpi_test(mpi.memory.np2 ${CMAKE_CURRENT_LIST_DIR}/mpi/memory.sh c)
# The clock sync's tree and drift model against skewed, drifting clocks (test hooks).
foreach(np 2 4 8 16)
  mpimark_mpi_test(mpi.clock_drift.np${np} ${CMAKE_CURRENT_LIST_DIR}/mpi/clock_drift.sh ${np} c)
endforeach()
# ... with two ranks per emulated node: the ranks that are not a node's
# leader take its estimate (the path of every such rank on a cluster).
mpimark_mpi_test(mpi.clock_drift.np4.nodes2 ${CMAKE_CURRENT_LIST_DIR}/mpi/clock_drift.sh 4 c 2)
# algbw and busbw by nccl-tests' convention (bytes and factor per collective).
foreach(np 2 4 8)
  mpimark_mpi_test(mpi.busbw.np${np} ${CMAKE_CURRENT_LIST_DIR}/mpi/busbw.sh ${np} c)
endforeach()
# ibcast and iallreduce: the compute phase runs, as long as the call alone.
mpimark_mpi_test(mpi.overlap ${CMAKE_CURRENT_LIST_DIR}/mpi/overlap.sh c)
# --rank-time: slowest, average and fastest rank against a known slow rank.
foreach(np 2 3)
  mpimark_mpi_test(mpi.rank_time.np${np} ${CMAKE_CURRENT_LIST_DIR}/mpi/rank_time.sh ${np} c)
endforeach()
