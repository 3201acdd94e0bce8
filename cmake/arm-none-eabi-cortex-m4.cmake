# CMake toolchain file: bare-metal Cortex-M4 (Thumb-2) with arm-none-eabi-gcc
# and newlib. Used by `make size`; configure with -DTERN_HOST=OFF so only the
# library is built:
#   cmake -S . -B build/size/minimal -DTERN_HOST=OFF -DTERN_WERROR=ON \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-cortex-m4.cmake \
#     -DTERN_CONFIG=$PWD/configs/minimal.h
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(TERN_ARM_PREFIX arm-none-eabi- CACHE STRING "Cross toolchain prefix")
set(CMAKE_C_COMPILER ${TERN_ARM_PREFIX}gcc)
set(CMAKE_AR ${TERN_ARM_PREFIX}ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${TERN_ARM_PREFIX}ranlib CACHE FILEPATH "")
set(CMAKE_SIZE ${TERN_ARM_PREFIX}size CACHE FILEPATH "")

# No OS to run a test program on: check the compiler by building a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(TERN_ARM_CPU_FLAGS "-mcpu=cortex-m4 -mthumb")
# The flags size comparisons use (lwIP's figures too). Not -ffreestanding: it
# implies -fno-builtin, which turns every small fixed-size memcpy/memcmp
# into a library call. The library still needs nothing beyond <string.h>
# (scripts/size.py checks); the firmware's own C code is freestanding.
set(CMAKE_C_FLAGS_INIT "${TERN_ARM_CPU_FLAGS} -Os -ffunction-sections -fdata-sections")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${TERN_ARM_CPU_FLAGS} --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")
# -Os comes from CMAKE_C_FLAGS_INIT; keep build types from adding -O2/-O3/-g.
set(CMAKE_C_FLAGS_RELEASE_INIT "")
set(CMAKE_C_FLAGS_MINSIZEREL_INIT "")
set(CMAKE_C_FLAGS_DEBUG_INIT "")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
