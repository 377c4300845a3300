# Alert traffic is leakmon's only non-Tor traffic; it must stay in code the
# crawler cannot reach. Fails when a crawler/ source includes report/ code.
# Run as: cmake -DSRC=<source dir> -P crawler_isolation.cmake
file(GLOB files "${SRC}/crawler/*.h" "${SRC}/crawler/*.cpp")
foreach(f ${files})
  file(READ "${f}" text)
  if(text MATCHES "#include \"report/")
    message(FATAL_ERROR "${f} includes report/: alert code must stay out of the crawler")
  endif()
endforeach()
message(STATUS "crawler/ includes no report/ code (${SRC})")
