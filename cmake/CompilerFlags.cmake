# Warnings and sanitizers shared by every target of the project, through the mxh_build_flags target.
add_library(mxh_build_flags INTERFACE)
target_compile_options(mxh_build_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  -Wformat=2)
if(MXH_WERROR)
  target_compile_options(mxh_build_flags INTERFACE -Werror)
endif()
if(MXH_SANITIZE)
  target_compile_options(mxh_build_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(mxh_build_flags INTERFACE -fsanitize=address,undefined)
endif()
if(MXH_TSAN)
  target_compile_options(mxh_build_flags INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(mxh_build_flags INTERFACE -fsanitize=thread)
endif()
if(MXH_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MXH_FUZZ needs clang (cmake -DCMAKE_CXX_COMPILER=clang++)")
  endif()
  # Coverage feedback for libFuzzer in every library; the fuzz targets add the fuzzer main.
  target_compile_options(mxh_build_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
