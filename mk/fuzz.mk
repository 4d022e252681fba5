# Fuzzing with libFuzzer (clang), and replaying the saved corpus in tests.
#
#   make fuzz                         build-fuzz/fuzz_csv, fuzz_model, fuzz_cli
#   make fuzz-run FUZZ_TARGET=model   fuzz one target for FUZZ_SECONDS (300),
#                                     new inputs going to $(FUZZ_WORK)/corpus-TARGET
#   make fuzz-merge FUZZ_TARGET=model keep in fuzz/corpus/TARGET only the inputs
#                                     that add coverage (-merge=1), small ones,
#                                     and the regress-* inputs of fixed bugs
#
# Every build (make, make test) also links $(BUILD)/fuzz/replay_TARGET: the
# target with a plain main() that feeds it each file of a corpus, so the
# corpus is replayed by tests/fuzz_replay.sh under the build's own
# sanitizers, without the fuzzing engine. See docs/reliability.md.

FUZZ_CC       ?= clang
FUZZ_BUILD    ?= build-fuzz
# Where long runs keep what they find until fuzz-merge; give a directory
# outside build-* (FUZZ_WORK=/tmp/...) so that `make clean` spares it.
FUZZ_WORK     ?= $(FUZZ_BUILD)
FUZZ_TARGETS   = csv model cli
FUZZ_TARGET   ?= model
FUZZ_SECONDS  ?= 300
FUZZ_SANITIZE  = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS    = $(CSTD) -g -O1 $(WARN) $(FUZZ_SANITIZE)
FUZZ_LIB       = $(FUZZ_BUILD)/libbackprop.a
FUZZ_OBJ       = $(LIB_SRC:src/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BINS      = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
# The command's sources without its main(), which is compiled renamed.
CLI_BODY_SRC   = $(filter-out cli/backprop.c,$(CLI_SRC))
# The command-line target parses everything but never reads or writes a
# file (fuzz/fuzz_cli.c).
FUZZ_CLI_WRAP  = -Wl,--wrap=bp_dataset_load,--wrap=bp_model_load,--wrap=bp_atomic_open
# Per target: extra libFuzzer options, and seed directories beside the corpus.
FUZZ_OPTS_csv   = -max_len=8192
FUZZ_OPTS_model = -max_len=8192
FUZZ_OPTS_cli   = -max_len=1024 -close_fd_mask=3
FUZZ_SEEDS_csv   = tests/data/csv
FUZZ_SEEDS_model = tests/data/model
FUZZ_SEEDS_cli   =
# Corpus files larger than this are not kept in the repository.
FUZZ_KEEP_BYTES ?= 8192

.PHONY: fuzz fuzz-run fuzz-merge

fuzz: $(FUZZ_BINS)

$(FUZZ_BUILD)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_csv $(FUZZ_BUILD)/fuzz_model: $(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_LIB) $(HEADERS)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_LIB) $(LDLIBS_ALL) -o $@

$(FUZZ_BUILD)/cli_main.o: cli/backprop.c cli/cli.h $(HEADERS) | $(FUZZ_BUILD)/obj
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Dmain=bp_cli_main -c $< -o $@

$(FUZZ_BUILD)/fuzz_cli: fuzz/fuzz_cli.c $(FUZZ_BUILD)/cli_main.o $(CLI_BODY_SRC) cli/cli.h $(FUZZ_LIB) $(HEADERS)
	$(FUZZ_CC) $(CPPFLAGS_ALL) -Icli $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_CLI_WRAP) \
	    fuzz/fuzz_cli.c $(CLI_BODY_SRC) $(FUZZ_BUILD)/cli_main.o $(FUZZ_LIB) $(LDLIBS_ALL) -o $@

$(FUZZ_BUILD)/obj:
	mkdir -p $@

# It runs in a scratch directory, where any file a target might write lands.
fuzz-run: $(FUZZ_BUILD)/fuzz_$(FUZZ_TARGET)
	mkdir -p $(FUZZ_WORK)/corpus-$(FUZZ_TARGET) $(FUZZ_WORK)/run-$(FUZZ_TARGET) fuzz/corpus/$(FUZZ_TARGET)
	cd $(FUZZ_WORK)/run-$(FUZZ_TARGET) && $(abspath $<) -max_total_time=$(FUZZ_SECONDS) \
	    -print_final_stats=1 -artifact_prefix=$(abspath $(FUZZ_WORK))/ $(FUZZ_OPTS_$(FUZZ_TARGET)) \
	    $(abspath $(FUZZ_WORK)/corpus-$(FUZZ_TARGET) fuzz/corpus/$(FUZZ_TARGET) $(FUZZ_SEEDS_$(FUZZ_TARGET)))

# Merging into an empty directory keeps a minimal set with the coverage of
# everything found so far; it then replaces the saved corpus, but for the
# inputs of fixed bugs, kept as regress-NAME.
fuzz-merge: $(FUZZ_BUILD)/fuzz_$(FUZZ_TARGET)
	rm -rf $(FUZZ_WORK)/merged-$(FUZZ_TARGET)
	mkdir -p $(FUZZ_WORK)/merged-$(FUZZ_TARGET) $(FUZZ_WORK)/corpus-$(FUZZ_TARGET) fuzz/corpus/$(FUZZ_TARGET)
	$< -merge=1 -max_len=$(FUZZ_KEEP_BYTES) $(FUZZ_OPTS_$(FUZZ_TARGET)) \
	    $(FUZZ_WORK)/merged-$(FUZZ_TARGET) fuzz/corpus/$(FUZZ_TARGET) \
	    $(FUZZ_SEEDS_$(FUZZ_TARGET)) $(FUZZ_WORK)/corpus-$(FUZZ_TARGET)
	find fuzz/corpus/$(FUZZ_TARGET) -type f ! -name 'regress-*' -delete
	cp $(FUZZ_WORK)/merged-$(FUZZ_TARGET)/* fuzz/corpus/$(FUZZ_TARGET)/
	@echo "fuzz/corpus/$(FUZZ_TARGET): $$(ls fuzz/corpus/$(FUZZ_TARGET) | wc -l) files"

# --------------------------------------------------- replay in every build

FUZZ_REPLAY = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

tests: $(FUZZ_REPLAY)

$(BUILD)/fuzz/replay_csv $(BUILD)/fuzz/replay_model: $(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay_main.c $(LIB) $(HEADERS) | $(BUILD)/fuzz
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) $(LDFLAGS_ALL) $< fuzz/replay_main.c $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/fuzz/cli_main.o: cli/backprop.c cli/cli.h $(HEADERS) | $(BUILD)/fuzz
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS) $(CFLAGS_ALL) -Dmain=bp_cli_main -c $< -o $@

$(BUILD)/fuzz/replay_cli: fuzz/fuzz_cli.c fuzz/replay_main.c $(BUILD)/fuzz/cli_main.o $(CLI_BODY_OBJ) cli/cli.h $(LIB) $(HEADERS)
	$(CC) $(CPPFLAGS_ALL) -Icli $(CPPFLAGS) $(CFLAGS_ALL) $(LDFLAGS_ALL) $(FUZZ_CLI_WRAP) fuzz/fuzz_cli.c \
	    fuzz/replay_main.c $(CLI_BODY_OBJ) $(BUILD)/fuzz/cli_main.o $(LIB) $(LDLIBS_ALL) -o $@

$(BUILD)/fuzz:
	mkdir -p $@
