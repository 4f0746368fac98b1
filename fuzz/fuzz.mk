# Fuzzing (fuzz/README.md), included by the Makefile.
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="upf cif"]   build the harnesses and run each for FUZZ_SECONDS
#   make fuzz-build                                        build only (build/fuzz/fuzzers/fuzz_*)
# The harnesses are built with clang's libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer
# (BUILD=build/fuzz: the library is compiled with -fsanitize=fuzzer-no-link for coverage).

FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
FUZZ_CC      ?= clang
FUZZ_SRC     := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN     := $(patsubst fuzz/%.c,$(BUILD)/fuzzers/%,$(FUZZ_SRC))

.PHONY: fuzz fuzz-build fuzz-bins
fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh fuzz/run.sh build/fuzz $(FUZZ_TARGETS)

fuzz-build:
	@$(MAKE) --no-print-directory CC=$(FUZZ_CC) BUILD=build/fuzz SANITIZE=1 \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(EXTRA_CFLAGS)" fuzz-bins

fuzz-bins: $(FUZZ_BIN) $(BUILD)/fuzzers/make_seeds

$(BUILD)/fuzzers/fuzz_%: fuzz/fuzz_%.c $(wildcard fuzz/*.h) $(LIB) $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# The seed generator of the checkpoint corpora (fuzz/make_seeds.c): an ordinary program.
$(BUILD)/fuzzers/make_seeds: fuzz/make_seeds.c $(wildcard fuzz/*.h) $(LIB) $(CONFIG_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)
