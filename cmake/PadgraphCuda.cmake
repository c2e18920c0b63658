# Decides whether the CUDA parts are built (PADGRAPH_CUDA = AUTO | ON | OFF) and finds NCCL, which
# they need. Sets PADGRAPH_HAVE_CUDA. AUTO builds them only when a CUDA compiler is found, so a
# machine without the toolkit still builds and tests the host-only parts.
include(CheckLanguage)

set(PADGRAPH_HAVE_CUDA OFF)
if(NOT PADGRAPH_CUDA MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "PADGRAPH_CUDA must be AUTO, ON or OFF, not '${PADGRAPH_CUDA}'")
endif()
if(NOT PADGRAPH_CUDA STREQUAL "OFF")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 90)
    endif()
    enable_language(CUDA)
    # CMake 3.25 knows no C++20 dialect for nvcc 13; the .cu files are C++17.
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
    # The CUDA runner takes the engine's NCCL communicator (its watchdog revokes it): the CUDA
    # parts need NCCL.
    find_package(NCCL)
    if(NCCL_FOUND)
      set(PADGRAPH_HAVE_CUDA ON)
    elseif(PADGRAPH_CUDA STREQUAL "ON")
      message(FATAL_ERROR "PADGRAPH_CUDA=ON needs NCCL (set NCCL_ROOT)")
    else()
      message(STATUS "padgraph: NCCL not found; building the host-only parts")
    endif()
  elseif(PADGRAPH_CUDA STREQUAL "ON")
    message(FATAL_ERROR "PADGRAPH_CUDA=ON but no CUDA compiler was found (set CMAKE_CUDA_COMPILER)")
  else()
    message(STATUS "padgraph: no CUDA compiler found; building the host-only parts")
  endif()
endif()
