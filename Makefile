# backprop — build, test, demo and benchmarks.
#
#   make                 library and CLI (build/libbackprop.a, build/backprop)
#   make demo            build and run the tutorial's wheat-seeds case study
#   make test            the test suite, plain and under ASan+UBSan
#   make REAL=float      single-precision build (in build-float/)
#   make BLAS=openblas   matrix products through OpenBLAS (in build-openblas/)
#   make bench           side-by-side benchmarks (see bench/README.md)

CC      ?= cc
REAL    ?= double
SAN     ?=
BUILD   ?= build$(if $(filter float,$(REAL)),-float)$(if $(BLAS),-$(BLAS))$(if $(SAN),-san)

WARN     = -Wall -Wextra -Werror
# No floating-point contraction: the tutorial's figures are reproduced bit
# for bit only when a*b+c is rounded twice, as Python does.
CSTD     = -std=c11 -ffp-contract=off
OPT     ?= -O2
CPPFLAGS_ALL = -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L $(if $(filter float,$(REAL)),-DBP_REAL_FLOAT) $(BLAS_CPPFLAGS)
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SANFLAGS = $(if $(SAN),$(SANITIZE))
CFLAGS_ALL = $(CSTD) $(OPT) $(WARN) $(SANFLAGS) $(CFLAGS)
# BLAS=openblas: the matrix products go to OpenBLAS (Debian libopenblas-dev)
# instead of the built-in kernels, for comparison.
ifeq ($(BLAS),openblas)
BLAS_CPPFLAGS = -DBP_USE_CBLAS
BLAS_LDLIBS = -lopenblas
else ifneq ($(BLAS),)
$(error BLAS=$(BLAS) is not supported: use BLAS=openblas, or no BLAS at all)
endif
LDLIBS_ALL = $(BLAS_LDLIBS) -lm -lpthread $(LDLIBS)
LDFLAGS_ALL = $(SANFLAGS) $(LDFLAGS)

LIB_SRC  = $(sort $(wildcard src/*.c))
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
LIB      = $(BUILD)/libbackprop.a
CLI      = $(BUILD)/backprop
CLI_SRC  = $(sort $(wildcard cli/*.c))
TEST_SRC = $(sort $(wildcard tests/test_*.c))
TESTS    = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
EX_SRC   = $(sort $(wildcard examples/*.c))
EXAMPLES = $(EX_SRC:examples/%.c=$(BUILD)/examples/%)
HEADERS  = include/backprop.h $(wildcard src/*.h)

.PHONY: all lib cli tests examples demo test test-plain test-san bench clean

all: $(LIB) $(CLI)
lib: $(LIB)
cli: $(CLI)
tests: $(TESTS)
examples: $(EXAMPLES)

$(BUILD)/obj/%.o: src/%.c $(HEADERS) | $(BUILD)/obj
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) -c $< -o $@

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(CLI): $(CLI_SRC) $(wildcard cli/*.h) $(LIB) $(HEADERS)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(LDFLAGS_ALL) $(CLI_SRC) $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/tests/%: tests/%.c tests/harness.h $(LIB) $(HEADERS) | $(BUILD)/tests
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(LDFLAGS_ALL) $< $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/examples/%: examples/%.c $(LIB) $(HEADERS) | $(BUILD)/examples
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(LDFLAGS_ALL) $< $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/obj $(BUILD)/tests $(BUILD)/examples:
	mkdir -p $@

demo: $(CLI)
	@echo '$$ $(CLI) cv --tutorial data/wheat-seeds.csv'
	@./$(CLI) cv --tutorial data/wheat-seeds.csv
	@echo '$$ $(CLI) cv --tutorial --classes 2,1,3 data/wheat-seeds.csv   # the class order the tutorial ends up with'
	@./$(CLI) cv --tutorial --classes 2,1,3 data/wheat-seeds.csv

# The suite runs three times: as built, under AddressSanitizer + UBSan, and
# in single precision; the library must also compile warning-free with clang.
test:
	@$(MAKE) --no-print-directory all tests examples >/dev/null
	@$(MAKE) --no-print-directory SAN=1 OPT=-O1 all tests examples >/dev/null
	@$(MAKE) --no-print-directory REAL=float all tests examples >/dev/null
	@if command -v clang >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory CC=clang BUILD=build-clang all tests examples >/dev/null || exit 1; \
	else echo "clang not found: the clang build was not checked"; fi
	@sh tests/run.sh $(BUILD) $(BUILD)-san build-float

test-plain: all tests examples
	@sh tests/run.sh $(BUILD)

bench: all
	@sh bench/run.sh $(BUILD)

clean:
	rm -rf build build-float build-san build-float-san build-*

# Optional parts of the build (install, fuzzing, checks) live in mk/.
-include $(sort $(wildcard mk/*.mk))
