# backprop — build, test, demo and benchmarks.
#
#   make                 library and CLI (build/libbackprop.a, build/backprop)
#   make demo            build and run the tutorial's wheat-seeds case study
#   make test            the whole test suite: plain, ASan+UBSan, float, clang
#   make check           the plain build and its tests, for the edit-test loop
#   make coverage        line coverage of src/ and cli/ by the plain suite
#                        (gcc --coverage, in build-coverage/; mk/coverage.mk)
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
# Each object's header dependencies, written by the compiler as it builds it.
DEPFLAGS = -MMD -MP
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

# The library: one folder a group of concepts (ARCHITECTURE.md).
LIB_SRC  = $(sort $(wildcard src/*/*.c))
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
LIB      = $(BUILD)/libbackprop.a
CLI      = $(BUILD)/backprop
CLI_SRC  = $(sort $(wildcard cli/*.c))
CLI_OBJ  = $(CLI_SRC:cli/%.c=$(BUILD)/cli/%.o)
# Everything but main(): the fuzz replay and the allocation sweep link it too.
CLI_BODY_OBJ = $(filter-out $(BUILD)/cli/backprop.o,$(CLI_OBJ))
TEST_SRC = $(sort $(wildcard tests/test_*.c))
TESTS    = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
EX_SRC   = $(sort $(wildcard examples/*.c))
EXAMPLES = $(EX_SRC:examples/%.c=$(BUILD)/examples/%)
HEADERS  = include/backprop.h $(wildcard src/*/*.h)

.PHONY: all lib cli tests examples demo test test-plain check test-san bench clean

all: $(LIB) $(CLI)
lib: $(LIB)
cli: $(CLI)
tests: $(TESTS)
examples: $(EXAMPLES)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(DEPFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(DEPFLAGS) -c $< -o $@

$(CLI): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS_ALL) $(CLI_OBJ) $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/tests/%: tests/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(DEPFLAGS) $(LDFLAGS_ALL) $< $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/examples/%: examples/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(DEPFLAGS) $(LDFLAGS_ALL) $< $(LIB) $(LDLIBS_ALL) -o $@

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)

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

# The edit-test loop: the plain build and its tests, without the sanitizer,
# float and clang builds of `make test`.
check: test-plain

bench: all
	@sh bench/run.sh $(BUILD)

clean:
	rm -rf build build-float build-san build-float-san build-*

# Optional parts of the build (install, fuzzing, checks) live in mk/.
-include $(sort $(wildcard mk/*.mk))
