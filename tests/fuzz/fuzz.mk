# tests/fuzz/fuzz.mk — libFuzzer targets of the core parsers (included by the
# Makefile; self-contained: its own variables, the core sources core/*.c).
#
#   make fuzz             builds build/fuzz/fuzz_NAME with clang (libFuzzer, ASan,
#                         UBSan) and runs each FUZZ_SECONDS (30) from its seed
#                         corpus; prints the executions of each.  A crash, leak,
#                         hang or broken property is copied into
#                         tests/fuzz/regressions/NAME/ and fails the run.
#   make fuzz FUZZ_TARGETS="csv kb" FUZZ_SECONDS=60
#   make fuzz-regress     replays tests/fuzz/corpus/NAME and tests/fuzz/regressions/NAME
#                         through each target built without libFuzzer (cc with
#                         ASan + UBSan, replay.c as main); last line "N passed, M failed".
#
# A target whose seeds depend on a file format the core may change has a
# generator, tests/fuzz/NAME_seeds.sh TRADESCOPE DIR (snapshot: snapshots
# saved by the binary): its seeds are written into build/fuzz/seeds/NAME
# whenever the binary is newer, and read beside tests/fuzz/corpus/NAME.

FZ_DIR      := tests/fuzz
FZ_OUT      := build/fuzz
FUZZ_CC     ?= clang
FUZZ_REPLAY_CC ?= cc
FUZZ_SECONDS ?= 30
FUZZ_TARGETS ?= csv period quantity date kb baci baci_file comtrade snapshot
# The binary the seed generators run (the Makefile's BIN when included by it).
FZ_TS       ?= $(if $(BIN),$(BIN),tradescope)

FZ_CORE_SRC := $(sort $(wildcard core/*.c))
FZ_CORE_HDR := $(wildcard core/*.h)
FZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# Core warnings are the main build's business (-Werror there); targets are ours.
FZ_CFLAGS   := -std=gnu11 -g -O1 -D_GNU_SOURCE -Icore -I$(FZ_DIR)
FZ_WERROR   := -Wall -Wextra -Werror

# Two builds of the core: instrumented for libFuzzer (lf) and plain (rp).
FZ_LF_LIB := $(FZ_OUT)/lf/libtscore.a
FZ_RP_LIB := $(FZ_OUT)/rp/libtscore.a
FZ_LF_OBJ := $(FZ_CORE_SRC:core/%.c=$(FZ_OUT)/lf/%.o)
FZ_RP_OBJ := $(FZ_CORE_SRC:core/%.c=$(FZ_OUT)/rp/%.o)

.PHONY: fuzz fuzz-build fuzz-regress

FZ_GENERATED := $(patsubst $(FZ_DIR)/%_seeds.sh,%,$(wildcard $(FZ_DIR)/*_seeds.sh))
FZ_SEEDS     := $(patsubst %,$(FZ_OUT)/seeds/%.stamp,$(filter $(FZ_GENERATED),$(FUZZ_TARGETS)))

$(FZ_OUT)/seeds/%.stamp: $(FZ_DIR)/%_seeds.sh $(FZ_TS)
	@rm -rf $(FZ_OUT)/seeds/$* $@
	@mkdir -p $(FZ_OUT)/seeds/$*
	bash $< $(abspath $(FZ_TS)) $(FZ_OUT)/seeds/$*
	@touch $@

$(FZ_OUT)/lf/%.o: core/%.c $(FZ_CORE_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FZ_CFLAGS) $(FZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

$(FZ_OUT)/rp/%.o: core/%.c $(FZ_CORE_HDR)
	@mkdir -p $(@D)
	$(FUZZ_REPLAY_CC) $(FZ_CFLAGS) $(FZ_SAN) -c $< -o $@

$(FZ_LF_LIB): $(FZ_LF_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FZ_RP_LIB): $(FZ_RP_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FZ_OUT)/fuzz_%: $(FZ_DIR)/fuzz_%.c $(FZ_DIR)/fuzz.h $(FZ_LF_LIB)
	$(FUZZ_CC) $(FZ_CFLAGS) $(FZ_WERROR) $(FZ_SAN) -fsanitize=fuzzer -o $@ $< $(FZ_LF_LIB) -lm -pthread

$(FZ_OUT)/replay_%: $(FZ_DIR)/fuzz_%.c $(FZ_DIR)/replay.c $(FZ_DIR)/fuzz.h $(FZ_RP_LIB)
	$(FUZZ_REPLAY_CC) $(FZ_CFLAGS) $(FZ_WERROR) $(FZ_SAN) -o $@ $< $(FZ_DIR)/replay.c $(FZ_RP_LIB) \
	  -lm -pthread

fuzz-build: $(FUZZ_TARGETS:%=$(FZ_OUT)/fuzz_%) $(FUZZ_TARGETS:%=$(FZ_OUT)/replay_%)

# Per target: a working corpus in build/fuzz/corpus/NAME (grows from run to
# run), the seeds read from tests/fuzz/corpus/NAME (and build/fuzz/seeds/NAME
# when generated), a dictionary when there is tests/fuzz/NAME.dict; -timeout
# makes a hang a finding.
fuzz: $(FUZZ_TARGETS:%=$(FZ_OUT)/fuzz_%) $(FZ_SEEDS)
	@status=0; \
	for t in $(FUZZ_TARGETS); do \
	  work=$(FZ_OUT)/corpus/$$t; found=$(FZ_OUT)/crashes/$$t; log=$(FZ_OUT)/$$t.log; \
	  rm -rf $$found; mkdir -p $$work $$found; \
	  dict=; [ -f $(FZ_DIR)/$$t.dict ] && dict=-dict=$(FZ_DIR)/$$t.dict; \
	  seeds=; [ -d $(FZ_OUT)/seeds/$$t ] && seeds=$(FZ_OUT)/seeds/$$t; \
	  $(FZ_OUT)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$$found/ $$dict $$work $(FZ_DIR)/corpus/$$t $$seeds >$$log 2>&1; \
	  runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log | tail -n 1); \
	  crashes=$$(ls $$found | wc -l); \
	  printf 'fuzz_%-9s %11s executions in %s s, corpus %s files, %s finding(s)\n' $$t \
	    "$${runs:-?}" $(FUZZ_SECONDS) "$$(ls $$work | wc -l)" $$crashes; \
	  if [ "$$crashes" -gt 0 ] || [ -z "$$runs" ]; then \
	    status=1; tail -n 30 $$log; \
	    mkdir -p $(FZ_DIR)/regressions/$$t; cp $$found/* $(FZ_DIR)/regressions/$$t/ 2>/dev/null; \
	    echo "  kept in $(FZ_DIR)/regressions/$$t/ (full log: $$log)"; \
	  fi; \
	done; \
	exit $$status

fuzz-regress: $(FUZZ_TARGETS:%=$(FZ_OUT)/replay_%) $(FZ_SEEDS)
	@pass=0; fail=0; \
	for t in $(FUZZ_TARGETS); do \
	  regs=; [ -d $(FZ_DIR)/regressions/$$t ] && regs=$(FZ_DIR)/regressions/$$t; \
	  seeds=; [ -d $(FZ_OUT)/seeds/$$t ] && seeds=$(FZ_OUT)/seeds/$$t; \
	  if $(FZ_OUT)/replay_$$t $(FZ_DIR)/corpus/$$t $$seeds $$regs; then pass=$$((pass + 1)); \
	  else fail=$$((fail + 1)); echo "FAIL replay_$$t"; fi; \
	done; \
	echo "$$pass passed, $$fail failed"; \
	[ $$fail -eq 0 ]
