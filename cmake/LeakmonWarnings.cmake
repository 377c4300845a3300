# One interface target carries the project's warning and sanitizer flags to
# every leakmon library, executable and test. Link it PRIVATE everywhere.
add_library(leakmon_flags INTERFACE)
target_compile_options(leakmon_flags INTERFACE
  -Wall -Wextra -Wshadow -Wconversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wformat=2)
if(LEAKMON_WERROR)
  target_compile_options(leakmon_flags INTERFACE -Werror)
endif()
if(LEAKMON_SANITIZE)
  target_compile_options(leakmon_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(leakmon_flags INTERFACE -fsanitize=address,undefined)
  # Every executable gets the default options (exit code 86 on any report).
  target_sources(leakmon_flags INTERFACE
    $<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:${PROJECT_SOURCE_DIR}/cmake/sanitizer_defaults.cpp>)
endif()
if(LEAKMON_FUZZ)
  # Coverage feedback for libFuzzer in every library; the fuzz targets add
  # the libFuzzer driver itself (fuzz/CMakeLists.txt).
  target_compile_options(leakmon_flags INTERFACE -fsanitize=fuzzer-no-link)
  target_link_options(leakmon_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
# Include paths are rooted at the repository: #include "matcher/scanner.h".
target_include_directories(leakmon_flags INTERFACE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
