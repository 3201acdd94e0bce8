# Tern: convenience targets around CMake. The CMake build is the real one;
# this file only strings the steps together.
#
#   make / make all   configure and build (configs/host.h) in build/
#   make test         everything CI runs, in order, stopping at the first failure
#   make test-tsan    the sockets tests under ThreadSanitizer (stress: STRESS_SECONDS, 60)
#   make demo         build, then run scripts/demo.sh
#   make size         Cortex-M4 size report for the presets (build/size/summary.tsv)
#   make fuzz         run every libFuzzer target FUZZ_SECONDS (default 60) each
#   make bench        run what exists under bench/
#   make firmware     the mps2-an386 firmware (build-fw/tern-fw.elf) and its
#                     -mno-unaligned-access variant (build-fw-unaligned/)
#   make firmware-run boot the firmware in QEMU on a TAP in a private namespace
#   make test-firmware  interop tests against both firmware builds (root)
#   make deps         install missing Debian packages (root) or list them
#   make clean        remove every build directory
#
# Variables: JOBS (parallel build jobs, 2), HOST_CC (gcc), BUILD_TYPE (RelWithDebInfo:
# -O2 -g, so optimiser-driven warnings count), WERROR (for make/make demo: OFF;
# make test always builds with -Werror), FUZZ_SECONDS (60),
# PYTHON (/usr/bin/python3: the Debian interpreter that has pytest and scapy).

JOBS ?= 2
MAKEFLAGS += --no-print-directory
HOST_CC ?= gcc
BUILD_TYPE ?= RelWithDebInfo
WERROR ?= OFF
FUZZ_SECONDS ?= 60
STRESS_SECONDS ?= 60
FUZZ_MAX_LEN ?= 4096
PYTHON ?= /usr/bin/python3
CTEST_FLAGS ?= --output-on-failure --no-tests=error --timeout 300 -j$(JOBS)

BUILD := build
BUILD_ASAN := build-asan
BUILD_CLANG := build-clang
BUILD_FUZZ := build-fuzz
BUILD_TSAN := build-tsan
BUILD_FW := build-fw
BUILD_FW_UNALIGNED := build-fw-unaligned
FW_CMAKE = cmake -S . -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-cortex-m4.cmake -DTERN_HOST=OFF \
	-DTERN_FIRMWARE=ON -DTERN_WERROR=ON -DTERN_CONFIG=$(CURDIR)/port/mps2-an386/fw_config.h
# The interop tests the firmware runs (host-only tests inside them skip with a reason).
FW_TESTS := tests/interop/test_firmware.py tests/interop/test_interop.py tests/interop/test_tcp.py \
	tests/interop/test_hostile.py tests/interop/test_hostile_tcp.py tests/interop/test_dhcp.py \
	tests/interop/test_dns.py tests/interop/test_multicast.py tests/interop/test_shell.py
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))

# Print a section header: $(call section,text)
section = @printf '\n==== %s ====\n' "$(1)"

.PHONY: all deps configure test test-gcc test-asan test-clang test-tsan test-interop demo size fuzz bench clean help \
	firmware firmware-run test-firmware

all:
	cmake -S . -B $(BUILD) -DCMAKE_C_COMPILER=$(HOST_CC) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DTERN_WERROR=$(WERROR)
	cmake --build $(BUILD) -j$(JOBS)

help:
	@sed -n '\%^#   make / make all%,/^# PYTHON/p' Makefile

# As root: install what is missing. Otherwise: list what is missing (and fail).
deps:
	@if [ "$$(id -u)" -eq 0 ]; then scripts/install-deps.sh; else scripts/install-deps.sh --check; fi

test:
	$(call section,dependencies)
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory test-gcc
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory test-clang
	@$(MAKE) --no-print-directory test-tsan
	@$(MAKE) --no-print-directory test-interop
	@$(MAKE) --no-print-directory test-firmware
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory size
	$(call section,make test: all steps passed)

test-gcc:
	$(call section,$(HOST_CC) -Werror: build and run unit + simulation tests ($(BUILD)/))
	cmake -S . -B $(BUILD) -DCMAKE_C_COMPILER=$(HOST_CC) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DTERN_WERROR=ON
	cmake --build $(BUILD) -j$(JOBS)
	ctest --test-dir $(BUILD) $(CTEST_FLAGS)

test-asan:
	$(call section,ASan + UBSan: build and run unit + simulation tests ($(BUILD_ASAN)/))
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DTERN_WERROR=ON \
		-DTERN_SANITIZE=ON
	cmake --build $(BUILD_ASAN) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir $(BUILD_ASAN) $(CTEST_FLAGS)

test-clang:
	$(call section,clang -Werror: build library$(,) port and tests ($(BUILD_CLANG)/))
	cmake -S . -B $(BUILD_CLANG) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DTERN_WERROR=ON
	cmake --build $(BUILD_CLANG) -j$(JOBS)

# The sockets layer's tests under ThreadSanitizer: conformance, bad arguments,
# the example and the 16-thread stress test (STRESS_SECONDS).
TSAN_TESTS := sockets_stress test_sockets_args test_sockets_behaviour test_sockets_ipv6 test_sockets_ipv6only \
	conformance_linux conformance_tern sockets_example_echo
test-tsan:
	$(call section,ThreadSanitizer: sockets tests$(,) stress $(STRESS_SECONDS) s ($(BUILD_TSAN)/))
	cmake -S . -B $(BUILD_TSAN) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DTERN_WERROR=ON \
		-DTERN_TSAN=ON -DTERN_STRESS_SECONDS=$(STRESS_SECONDS)
	cmake --build $(BUILD_TSAN) -j$(JOBS) $(addprefix --target ,$(TSAN_TESTS))
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		ctest --test-dir $(BUILD_TSAN) $(CTEST_FLAGS) -R '^(sockets_|test_sockets_)'

test-interop:
	$(call section,interop tests against Linux peers (tests/interop/))
	@if [ -z "$$(find tests/interop -name 'test_*.py' 2>/dev/null)" ]; then \
		echo "tests/interop has no tests yet: skipping"; \
	elif [ "$$(id -u)" -ne 0 ]; then \
		echo "interop tests need root (network namespaces, TAP): run make test as root" >&2; exit 1; \
	else \
		[ -x $(BUILD)/tern ] || $(MAKE) --no-print-directory all; \
		echo "$(PYTHON) -m pytest -q tests/interop"; \
		$(PYTHON) -m pytest -q tests/interop; \
	fi

firmware:
	$(call section,firmware: mps2-an386 (Cortex-M4$(,) arm-none-eabi-gcc -Os) in $(BUILD_FW)/ and $(BUILD_FW_UNALIGNED)/)
	$(FW_CMAKE) -B $(BUILD_FW)
	cmake --build $(BUILD_FW) -j$(JOBS)
	$(FW_CMAKE) -B $(BUILD_FW_UNALIGNED) -DTERN_FW_UNALIGNED_TRAP=ON
	cmake --build $(BUILD_FW_UNALIGNED) -j$(JOBS)
	arm-none-eabi-size $(BUILD_FW)/tern-fw.elf $(BUILD_FW_UNALIGNED)/tern-fw.elf

firmware-run: firmware
	bash scripts/firmware-run.sh $(BUILD_FW)/tern-fw.elf

test-firmware: firmware
	$(call section,interop tests against the firmware in QEMU (TERN_TARGET=firmware))
	@if [ "$$(id -u)" -ne 0 ]; then \
		echo "firmware interop tests need root (network namespaces, TAP): run make test as root" >&2; exit 1; \
	fi
	TERN_TARGET=firmware TERN_FW_ELF=$(CURDIR)/$(BUILD_FW)/tern-fw.elf $(PYTHON) -m pytest -q $(FW_TESTS)
	TERN_TARGET=firmware TERN_FW_ELF=$(CURDIR)/$(BUILD_FW_UNALIGNED)/tern-fw.elf TERN_FW_UNALIGNED=1 \
		$(PYTHON) -m pytest -q $(FW_TESTS)

demo:
	$(call section,demo (scripts/demo.sh))
	@if [ ! -f scripts/demo.sh ]; then \
		echo "scripts/demo.sh does not exist yet: there is no demo to run" >&2; exit 1; \
	fi
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	bash scripts/demo.sh

size:
	$(call section,size: Cortex-M4 (arm-none-eabi-gcc -Os) for the presets)
	$(PYTHON) scripts/size.py

# Each target fuzzes a scratch copy of its corpus (build-fuzz/corpus/NAME),
# so the checked-in seeds stay as they are.
fuzz:
	$(call section,fuzz: $(FUZZ_SECONDS) s per target$(,) $(JOBS) at a time ($(FUZZ_TARGETS)))
	@if [ -z "$(FUZZ_TARGETS)" ]; then echo "no fuzz targets in tests/fuzz/" >&2; exit 1; fi
	cmake -S . -B $(BUILD_FUZZ) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DTERN_FUZZ=ON \
		-DTERN_CONFIG=$(CURDIR)/tests/variants/fuzz.h
	cmake --build $(BUILD_FUZZ) -j$(JOBS) $(addprefix --target ,$(FUZZ_TARGETS))
	@bash scripts/fuzz-run.sh $(BUILD_FUZZ) $(FUZZ_SECONDS) $(FUZZ_MAX_LEN) $(JOBS) $(FUZZ_TARGETS)

bench:
	$(call section,bench (bench/))
	bash bench/run.sh

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_CLANG) $(BUILD_FUZZ) $(BUILD_FW) $(BUILD_FW_UNALIGNED) $(BUILD_TSAN)

# A literal comma for $(call ...) arguments.
, := ,
