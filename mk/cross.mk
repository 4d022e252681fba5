# The code on other processors, run under QEMU's user-mode emulation (Debian's
# qemu-user): the test programs, and the command's scripts through a wrapper
# that runs the command under QEMU (as `make valgrind` runs it under memcheck).
#
#   make aarch64          the library, command and tests cross-compiled for
#                         64-bit Arm (Debian's gcc-aarch64-linux-gnu), where
#                         only the portable code is built
#   make x86-64-baseline  the plain build on an x86-64 without AVX (QEMU's
#                         qemu64 model): the run-time choice must take the
#                         portable code and nothing may use a newer instruction

.PHONY: aarch64 x86-64-baseline

AARCH64_BUILD   = build-aarch64
AARCH64_CC     ?= aarch64-linux-gnu-gcc
AARCH64_QEMU   ?= qemu-aarch64 -L /usr/aarch64-linux-gnu
BASELINE_QEMU  ?= qemu-x86_64 -cpu qemu64
EMULATED_TESTS  = tests/cli.sh tests/model_cli.sh

# $(call run_emulated,NAME,BUILD_DIR,QEMU): BUILD_DIR's test programs and
# EMULATED_TESTS under QEMU; the wrapper goes to BUILD_DIR/emulated/.
define run_emulated
	@mkdir -p $(2)/emulated
	@printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(3)' '$(CURDIR)/$(2)/backprop' >$(2)/emulated/backprop
	@chmod +x $(2)/emulated/backprop
	@$(2)/emulated/backprop --version >/dev/null 2>&1 || { echo "$(1): the command does not run"; exit 1; }
	@pass=0; fail=0; skip=0; \
	for t in $(TEST_SRC:tests/%.c=$(2)/tests/%) $(EMULATED_TESTS); do \
	    case $$t in *.sh) out=$$(BUILD=$(2)/emulated sh $$t 2>&1) ;; *) out=$$($(3) $$t 2>&1) ;; esac; \
	    status=$$?; $(call tally_run,$$t [$(1)],30); \
	done; \
	echo "$(1): $$pass passed, $$fail failed$$([ $$skip -eq 0 ] || echo ", $$skip skipped")"; [ $$fail -eq 0 ]
endef

aarch64:
	@$(MAKE) --no-print-directory CC=$(AARCH64_CC) BUILD=$(AARCH64_BUILD) all tests >/dev/null
	$(call run_emulated,aarch64,$(AARCH64_BUILD),$(AARCH64_QEMU))

x86-64-baseline: all tests
	@$(BASELINE_QEMU) $(BUILD)/backprop --version | grep -q 'SIMD: *portable' || \
	    { echo "x86-64-baseline: the emulated CPU did not get the portable code"; exit 1; }
	$(call run_emulated,x86-64-baseline,$(BUILD),$(BASELINE_QEMU))
