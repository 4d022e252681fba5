# Line coverage of the test suite, with gcc's gcov and nothing else.
#
#   make coverage   the library, command, tests and examples built with
#                   gcc --coverage -O0 in build-coverage/, the plain suite run
#                   on them (tests/run.sh build-coverage), then the share of
#                   the lines of src/ and of cli/ that ran, folder by folder.
#                   Per file: build-coverage/coverage/files.txt; the lines
#                   that never ran: build-coverage/coverage/uncovered.txt.
#
# Every object's counts (gcov -t) are merged line by line (mk/coverage.awk):
# a header's inline functions count once, however many files include them,
# and cli/backprop.c also as the fuzz replay's cli_main.o. The test scripts
# that link programs with the library find a `cc` that adds gcov's runtime
# to those links (as `make tsan` adds the sanitizer). A failing test fails
# the target, after the figures.

.PHONY: coverage

COV_BUILD = build-coverage
COV_CC   ?= gcc
COV_GCOV ?= gcov
COV_DIR   = $(COV_BUILD)/coverage

coverage:
	@$(MAKE) --no-print-directory CC=$(COV_CC) BUILD=$(COV_BUILD) OPT=-O0 \
	    CFLAGS='--coverage $(CFLAGS)' LDFLAGS='--coverage $(LDFLAGS)' all tests examples >/dev/null
	@find $(COV_BUILD) -name '*.gcda' -exec rm -f {} +
	@mkdir -p $(COV_BUILD)/bin $(COV_DIR)
	@cc=$$(command -v $(COV_CC)); { echo '#!/bin/sh'; \
	    echo 'case " $$* " in *libbackprop.a*|*" -lbackprop "*) exec '"$$cc"' "$$@" -lgcov ;; esac'; \
	    echo 'exec '"$$cc"' "$$@"'; } >$(COV_BUILD)/bin/cc
	@chmod +x $(COV_BUILD)/bin/cc
	@PATH="$(CURDIR)/$(COV_BUILD)/bin:$$PATH" sh tests/run.sh $(COV_BUILD); status=$$?; \
	echo "coverage: the lines of src/ and cli/ the suite ran ($(COV_BUILD)/)"; \
	find $(COV_BUILD) -name '*.gcno' ! -path '$(COV_DIR)/*' | sort | \
	    xargs $(COV_GCOV) -t -r 2>$(COV_DIR)/gcov.log | \
	    awk -v files=$(COV_DIR)/files.txt -v uncovered=$(COV_DIR)/uncovered.txt -f mk/coverage.awk; \
	exit $$status
