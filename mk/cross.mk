# Another architecture: the library, command and test programs
# cross-compiled for 64-bit Arm, where only the portable code is built (the
# SIMD paths are x86-64's), and run there under QEMU's user-mode emulation:
# the test programs, and the command's scripts through a wrapper that runs
# it under QEMU (as `make valgrind` runs it under memcheck).
#
#   make aarch64    needs Debian's gcc-aarch64-linux-gnu and qemu-user

.PHONY: aarch64

AARCH64_BUILD   = build-aarch64
AARCH64_CC     ?= aarch64-linux-gnu-gcc
AARCH64_QEMU   ?= qemu-aarch64
AARCH64_SYSROOT ?= /usr/aarch64-linux-gnu
AARCH64_TESTS   = tests/cli.sh tests/model_cli.sh

aarch64:
	@$(MAKE) --no-print-directory CC=$(AARCH64_CC) BUILD=$(AARCH64_BUILD) all tests >/dev/null
	@mkdir -p $(AARCH64_BUILD)/run
	@printf '#!/bin/sh\nexec %s -L %s %s "$$@"\n' '$(AARCH64_QEMU)' '$(AARCH64_SYSROOT)' \
	    '$(CURDIR)/$(AARCH64_BUILD)/backprop' >$(AARCH64_BUILD)/run/backprop
	@chmod +x $(AARCH64_BUILD)/run/backprop
	@$(AARCH64_BUILD)/run/backprop --version | grep -q . || { echo "aarch64: the command does not run"; exit 1; }
	@pass=0; fail=0; \
	for t in $(AARCH64_BUILD)/tests/test_* $(AARCH64_TESTS); do \
	    case $$t in *.sh) out=$$(BUILD=$(AARCH64_BUILD)/run sh $$t 2>&1) ;; \
	                *) out=$$($(AARCH64_QEMU) -L $(AARCH64_SYSROOT) $$t 2>&1) ;; esac; \
	    status=$$?; line=$$(printf '%s\n' "$$out" | grep -E '^[0-9]+ passed' | tail -n 1); \
	    if [ $$status -eq 0 ] && [ -n "$$line" ]; then pass=$$((pass + 1)); echo "ok   $$t [aarch64]: $$line"; \
	    else fail=$$((fail + 1)); echo "FAIL $$t [aarch64] (exit $$status)"; printf '%s\n' "$$out" | tail -n 30; fi; \
	done; \
	echo "aarch64: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]
