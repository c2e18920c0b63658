# padgraph_add_gtest(NAME SOURCES ... LIBS ... LABEL unit|gpu|multi_gpu [PROPERTIES ...])
# One GoogleTest executable whose test cases are listed right after it links (listing touches no
# GPU), so the build folder carries its test list to a GPU machine whose CMake differs. Every
# case is told that
# GoogleTest's SKIPPED marker means skipped: a GPU test on a machine without a GPU shows as
# skipped, never as passed. A case that runs past 300 s fails (a hung collective must not hold a
# GPU machine).
include(GoogleTest)

function(padgraph_add_gtest name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;LIBS;PROPERTIES" ${ARGN})
  if(NOT ARG_LABEL MATCHES "^(unit|gpu|multi_gpu)$")
    message(FATAL_ERROR "padgraph_add_gtest(${name}): LABEL must be unit, gpu or multi_gpu")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name}
    DISCOVERY_MODE POST_BUILD
    PROPERTIES LABELS ${ARG_LABEL} SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]" TIMEOUT 300
               ${ARG_PROPERTIES})
endfunction()
