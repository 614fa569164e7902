# Scaling studies: the montecarlo_pi application and scripts/scaling.
#
#   cd build && ctest -R scaling --output-on-failure
#
# scaling.kernel is a unit test (no MPI): Philox known answers and the
# range arithmetic behind "same hits at every rank count". The others are
# e2e tests that launch MPI (RUN_SERIAL: the machine has two cores).

add_executable(test_montecarlo ${CMAKE_CURRENT_LIST_DIR}/scaling/test_montecarlo.c)
target_include_directories(test_montecarlo PRIVATE ${PROJECT_SOURCE_DIR}/programs)
target_link_libraries(test_montecarlo PRIVATE mmcore)
add_test(NAME scaling.kernel COMMAND test_montecarlo)
set_tests_properties(scaling.kernel PROPERTIES LABELS unit TIMEOUT 120)

set(SCALING_TEST_ENV
  "MONTECARLO_PI=$<TARGET_FILE:montecarlo_pi>"
  "MPIEXEC=${MPIEXEC_EXECUTABLE}"
  "MPIMARK_REPO=${PROJECT_SOURCE_DIR}"
  "BUSY=$<TARGET_FILE:busy>"
  "MPISHARE=$<TARGET_FILE:mpishare>"
  "MPIMARK_MPITIME_LIB=$<TARGET_FILE:mpimark_mpitime>"
  "ASAN_OPTIONS=detect_leaks=0"  # Open MPI's own allocations at exit (docs/development.md)
)

function(scaling_test name)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS e2e TIMEOUT 300
    ENVIRONMENT "${SCALING_TEST_ENV}" RUN_SERIAL TRUE)
endfunction()

set(_mc ${CMAKE_CURRENT_LIST_DIR}/scaling/montecarlo.sh)
foreach(np 1 2 4)
  scaling_test(scaling.montecarlo.accuracy.np${np} ${_mc} accuracy ${np})
  scaling_test(scaling.montecarlo.seed.np${np} ${_mc} seed ${np})
endforeach()
scaling_test(scaling.montecarlo.strong-same-samples ${_mc} strong-same-samples)
scaling_test(scaling.montecarlo.weak ${_mc} weak)
scaling_test(scaling.montecarlo.formats ${_mc} formats)
scaling_test(scaling.montecarlo.check-fails ${_mc} check-fails)
foreach(case zero-samples bad-suffix negative-samples huge-samples weak-overflow bad-seed
    bad-sigmas bad-format unknown-option stray-argument missing-value output-exists bad-output-suffix
    unwritable-output)
  foreach(np 1 2)
    if(case STREQUAL weak-overflow AND np EQUAL 1)
      continue()  # the total only overflows with more than one rank
    endif()
    scaling_test(scaling.montecarlo.bad_input.${case}.np${np} ${_mc} bad-input ${np} ${case})
  endforeach()
endforeach()

set(_sc ${CMAKE_CURRENT_LIST_DIR}/scaling/scaling.sh)
foreach(mode strong weak)
  scaling_test(scaling.script.${mode} ${_sc} ${mode})
endforeach()
# scripts/scaling -- COMMAND: busy, a program written only for these tests
# (a known serial part; its own time on stdout), and montecarlo_pi.py.
add_executable(busy ${CMAKE_CURRENT_LIST_DIR}/scaling/busy.c)
target_link_libraries(busy PRIVATE MPI::MPI_C)
# mpishare: a known share of time in MPI, for --mpi-time.
add_executable(mpishare ${CMAKE_CURRENT_LIST_DIR}/scaling/mpishare.c)
target_link_libraries(mpishare PRIVATE MPI::MPI_C)
set(_cmd ${CMAKE_CURRENT_LIST_DIR}/scaling/command.sh)
foreach(case time-from wall-weak python fit-outside mpi-time mpi-time-python run-fails oversubscribe)
  scaling_test(scaling.command.${case} ${_cmd} ${case})
endforeach()
foreach(case no-command not-executable no-group two-groups bad-regex no-match samples empty-regex time-abc time-0
    time-negative time-huge)
  scaling_test(scaling.command.bad.${case} ${_cmd} bad ${case})
endforeach()

foreach(case bad-ranks zero-ranks empty-ranks bad-reps bad-samples zero-samples both-modes
    unknown-option missing-value missing-binary outdir-exists)
  scaling_test(scaling.script.bad_args.${case} ${_sc} bad-args ${case})
endforeach()
