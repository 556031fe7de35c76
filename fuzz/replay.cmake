# replay.cmake - every fuzz target of fuzz/targets.txt built with fuzz/standalone_driver.c
# instead of libFuzzer and registered as a test that replays its committed corpus
# (corpora/<name>/), so plain gcc and sanitizer builds run the fuzzers' inputs too. Included from
# tests/CMakeLists.txt.
include(${CMAKE_CURRENT_LIST_DIR}/targets.cmake)
conform_fuzz_util(conform_replay_util)

foreach(target ${CONFORM_FUZZ_TARGETS})
  string(REGEX REPLACE "^fuzz_" "" name ${target})
  add_executable(replay_${name} ${PROJECT_SOURCE_DIR}/fuzz/${target}.c
                 ${PROJECT_SOURCE_DIR}/fuzz/standalone_driver.c)
  target_link_libraries(replay_${name} PRIVATE conform_replay_util)
  conform_harden(replay_${name})
  add_test(NAME replay_${name} COMMAND replay_${name} ${PROJECT_SOURCE_DIR}/corpora/${name})
  set_tests_properties(replay_${name} PROPERTIES TIMEOUT 600 ENVIRONMENT
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")
endforeach()
