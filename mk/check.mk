# Reliability checks beyond `make test` (see docs/reliability.md).
#
#   make tsan       library, tests and command under ThreadSanitizer in
#                   build-tsan/, then the test programs and scripts
#   make lint       cppcheck and clang-tidy (.cppcheck-suppressions, .clang-tidy)
#   make valgrind   tests/cli.sh and tests/model_cli.sh with the command run
#                   under valgrind memcheck (the wrapper build-valgrind/backprop)
#   make reliability all three (`make check` is the quick plain suite)
#
# Every build also links $(BUILD)/alloc/backprop, the command with
# tests/alloc_fail.c's allocation-failure injection, which tests/alloc.sh
# sweeps on the sanitizer build.

.PHONY: reliability tsan lint lint-cppcheck lint-tidy valgrind

# $(call tally_run,NAME,LINES): shell code that counts one test run, from
# its $$out and $$status, into $$pass, $$fail or $$skip and prints its line
# (mk/cross.mk uses it too). Exit 0 with a result line is a pass, unless
# the line says "0 passed, 0 failed": nothing was checked, a skip; anything
# else fails, with the output's last LINES lines.
tally_run = line=$$(printf '%s\n' "$$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1); \
	    if [ $$status -ne 0 ] || [ -z "$$line" ]; then fail=$$((fail + 1)); \
	        echo "FAIL $(1) (exit $$status)"; printf '%s\n' "$$out" | tail -n $(2); \
	    elif printf '%s\n' "$$line" | grep -qE '^0 passed, 0 failed'; then skip=$$((skip + 1)); \
	        echo "skip $(1): $$line"; \
	    else pass=$$((pass + 1)); echo "ok   $(1): $$line"; fi

reliability: tsan lint valgrind

# ------------------------------------------------- allocation failures

ALLOC_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup \
             -Wl,--wrap=aligned_alloc
ALLOC_CLI  = $(BUILD)/alloc/backprop

tests: $(ALLOC_CLI)

# The command's own objects: the wrapping happens when they are linked.
$(ALLOC_CLI): $(CLI_OBJ) tests/alloc_fail.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(LDFLAGS_ALL) $(ALLOC_WRAP) $(CLI_OBJ) \
	    tests/alloc_fail.c $(LIB) $(LDLIBS_ALL) -o $@

# ------------------------------------------------------ ThreadSanitizer

TSAN_BUILD    = build-tsan
TSAN_SANITIZE = -fsanitize=thread -fno-omit-frame-pointer
# Any report fails the run; 66 tells it from the programs' own statuses.
TSAN_RUN_OPTIONS = halt_on_error=1 exitcode=66 second_deadlock_stack=1
# install.sh builds and links through pkg-config, which does not carry
# -fsanitize; the allocation sweep belongs to the AddressSanitizer build.
TSAN_SKIP     = tests/run.sh tests/install.sh tests/alloc.sh

# The scripts find a `cc` that adds the sanitizer to the programs they link
# with the library (the README's example), and only to those.
tsan:
	@$(MAKE) --no-print-directory BUILD=$(TSAN_BUILD) SAN=1 OPT='-O1 -g' \
	    SANITIZE='$(TSAN_SANITIZE)' all tests examples >/dev/null
	@mkdir -p $(TSAN_BUILD)/bin
	@# the README's quickstart saves its model in build/, as after a plain `make`
	@mkdir -p $(BUILD)
	@cc=$$(command -v $(CC)); { echo '#!/bin/sh'; \
	    echo 'case " $$* " in *libbackprop.a*) exec '"$$cc"' $(TSAN_SANITIZE) "$$@" ;; esac'; \
	    echo 'exec '"$$cc"' "$$@"'; } >$(TSAN_BUILD)/bin/cc
	@chmod +x $(TSAN_BUILD)/bin/cc
	@PATH="$(CURDIR)/$(TSAN_BUILD)/bin:$$PATH"; \
	TSAN_OPTIONS='$(TSAN_RUN_OPTIONS) $(TSAN_OPTIONS)'; export PATH TSAN_OPTIONS; pass=0; fail=0; skip=0; \
	for t in $(TEST_SRC:tests/%.c=$(TSAN_BUILD)/tests/%) $(filter-out $(TSAN_SKIP),$(wildcard tests/*.sh)); do \
	    case $$t in *.sh) out=$$(BUILD=$(TSAN_BUILD) sh $$t 2>&1) ;; *) out=$$($$t 2>&1) ;; esac; \
	    status=$$?; $(call tally_run,$$t,40); \
	done; \
	echo "tsan: $$pass passed, $$fail failed$$([ $$skip -eq 0 ] || echo ", $$skip skipped")"; [ $$fail -eq 0 ]

# ------------------------------------------------------ static analysis

CPPCHECK       ?= cppcheck
CLANG_TIDY     ?= clang-tidy
LINT_FILES      = $(LIB_SRC) $(CLI_SRC) $(wildcard fuzz/*.c) tests/alloc_fail.c
LINT_CPPFLAGS   = -Iinclude -Isrc -Icli -D_POSIX_C_SOURCE=200809L
# mk/analyzer.h tells clang-tidy what the error helpers return; it cannot be
# put before the files that define them. BP_LINT_CLI adds the command's
# helpers for the files that use them.
lint_model      = $(if $(filter src/util/error.c,$1),,-include mk/analyzer.h \
                  $(if $(filter cli/options.c,$1),,$(if $(filter cli/% fuzz/fuzz_cli.c,$1),-DBP_LINT_CLI)))

CPPCHECK_FLAGS  = --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
                  --inline-suppr --suppressions-list=.cppcheck-suppressions \
                  --template='{file}:{line}: {severity}: {message} [{id}]'

lint: lint-cppcheck lint-tidy

# Both scalar types: the float build compiles other lines.
lint-cppcheck:
	$(CPPCHECK) $(CPPCHECK_FLAGS) $(LINT_CPPFLAGS) $(LINT_FILES)
	$(CPPCHECK) $(CPPCHECK_FLAGS) $(LINT_CPPFLAGS) -DBP_REAL_FLOAT $(LINT_FILES)

# One clang-tidy per file, so `make -j2 lint` runs two at a time.
lint-tidy: $(LINT_FILES:%=lint-tidy/%)

lint-tidy/%: %
	@out=$$($(CLANG_TIDY) --quiet $< -- -std=c11 $(LINT_CPPFLAGS) $(call lint_model,$<) 2>&1); \
	    status=$$?; printf '%s\n' "$$out" | grep -vE '^([0-9]+ (warning|error)s? (and [0-9]+ errors? )?generated\.)?$$'; \
	    exit $$status

# --------------------------------------------------------------- valgrind

VALGRIND_BUILD = build-valgrind
VALGRIND      ?= valgrind
# 97: an error or a leak, told apart from the command's own statuses.
VALGRIND_FLAGS = --error-exitcode=97 --leak-check=full --show-leak-kinds=definite,indirect,possible \
                 --errors-for-leak-kinds=definite,indirect,possible --fair-sched=yes -q
VALGRIND_TESTS = tests/cli.sh tests/model_cli.sh

# The tests run $(VALGRIND_BUILD)/backprop: a script that runs the plain
# build's command under memcheck, each process logging to its own file.
valgrind: all
	@mkdir -p $(VALGRIND_BUILD)/logs
	@rm -f $(VALGRIND_BUILD)/logs/*
	@printf '#!/bin/sh\nexec %s %s --log-file=%s/%%p.log %s "$$@"\n' '$(VALGRIND)' '$(VALGRIND_FLAGS)' \
	    '$(CURDIR)/$(VALGRIND_BUILD)/logs' '$(CURDIR)/$(BUILD)/backprop' >$(VALGRIND_BUILD)/backprop
	@chmod +x $(VALGRIND_BUILD)/backprop
	@pass=0; fail=0; skip=0; for s in $(VALGRIND_TESTS); do \
	    out=$$(BUILD=$(VALGRIND_BUILD) sh $$s 2>&1); status=$$?; \
	    $(call tally_run,$$s [valgrind],30); \
	done; \
	runs=$$(ls $(VALGRIND_BUILD)/logs | wc -l); \
	for log in $(VALGRIND_BUILD)/logs/*.log; do \
	    if [ -s "$$log" ]; then fail=1; echo "memcheck report ($$log):"; head -n 40 "$$log"; fi; \
	done; \
	echo "valgrind: $$pass passed, $$fail failed$$([ $$skip -eq 0 ] || echo ", $$skip skipped");" \
	    "$$runs runs of the command checked"; [ $$fail -eq 0 ]
