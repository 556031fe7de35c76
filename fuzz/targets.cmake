# targets.cmake - the fuzz targets as fuzz/targets.txt lists them, and the library they share.
# Included by fuzz/CMakeLists.txt (libFuzzer build) and fuzz/replay.cmake (replay tests).
#
#   CONFORM_FUZZ_TARGETS      fuzz_<name> of every target (fuzzed, and replayed by the tests)
#   CONFORM_FUZZ_YARDSTICKS   fuzz_<name> of every speed yardstick (libFuzzer build only)
#   conform_fuzz_util(<lib>)  adds the static library <lib>: fuzz_util.c and fuzz_case.c with
#                             the bundled specs embedded (fuzz/embed.cmake), on conform_core
include(${CMAKE_CURRENT_LIST_DIR}/embed.cmake)

set(conform_fuzz_dir ${CMAKE_CURRENT_LIST_DIR})
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${conform_fuzz_dir}/targets.txt)
file(STRINGS ${conform_fuzz_dir}/targets.txt conform_fuzz_lines REGEX "^[a-z]")
set(CONFORM_FUZZ_TARGETS "")
set(CONFORM_FUZZ_YARDSTICKS "")
foreach(line IN LISTS conform_fuzz_lines)
  string(REGEX MATCHALL "[^ \t]+" fields "${line}")
  list(GET fields 0 name)
  list(LENGTH fields count)
  if(count GREATER 1)
    list(GET fields 1 kind)
    if(NOT kind STREQUAL "yardstick")
      message(FATAL_ERROR "fuzz/targets.txt: unknown kind '${kind}' of ${name}")
    endif()
    list(APPEND CONFORM_FUZZ_YARDSTICKS fuzz_${name})
  else()
    list(APPEND CONFORM_FUZZ_TARGETS fuzz_${name})
  endif()
endforeach()

function(conform_fuzz_util lib)
  conform_fuzz_specs_header(gen_dir)
  add_library(${lib} STATIC ${conform_fuzz_dir}/fuzz_util.c ${conform_fuzz_dir}/fuzz_case.c
              ${gen_dir}/fuzz_specs.h)
  target_include_directories(${lib} PUBLIC ${conform_fuzz_dir} PRIVATE ${gen_dir})
  target_link_libraries(${lib} PUBLIC conform_core)
  conform_harden(${lib})
endfunction()
