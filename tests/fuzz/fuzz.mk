# tests/fuzz/fuzz.mk - libFuzzer targets (included by the Makefile)
#
#   make fuzz          run every target FUZZ_SECONDS (default 1800) in turn
#   make fuzz-smoke    run every target FUZZ_SMOKE_SECONDS (default 20), for CI
#   make fuzz-build    only build the targets into $(FUZZ_BUILD)/bin
#   make fuzz FUZZ_TARGETS=events FUZZ_SECONDS=600    one target
#
# Targets are tests/fuzz/*.c (but replay.c), built with clang's libFuzzer,
# ASan and UBSan; common/ is built again with coverage instrumentation into
# $(FUZZ_BUILD)/common, and so are the filters a target calls (cmd_NAME)
# into $(FUZZ_BUILD)/filters. tests/fuzz/run.sh seeds each corpus from tests/ and
# tests/data/corpus/, runs the target, keeps crashes under
# $(FUZZ_BUILD)/crashes/TARGET/ and prints a one-line summary. Needs the
# Debian packages clang and libclang-rt-dev (in the Makefile's DEB_TEST).
FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 1800
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_NICE ?= nice -n 19
FUZZ_TARGETS ?= $(sort $(basename $(filter-out replay.c,$(notdir $(wildcard tests/fuzz/*.c)))))
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -DFP_VERSION='"$(VERSION)"' -O1 -g $(FUZZ_SAN) $(WARN) -I$(FUZZ_BUILD)/proto $(PKG_CFLAGS)
FUZZ_PROTO_HDRS = $(PROTOS:%=$(FUZZ_BUILD)/proto/%.pb-c.h)
FUZZ_OBJS = $(COMMON:%=$(FUZZ_BUILD)/common/%.o) $(PROTOS:%=$(FUZZ_BUILD)/proto/%.pb-c.o)
FUZZ_BINS = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/bin/%)

.PHONY: fuzz fuzz-smoke fuzz-build

$(FUZZ_BUILD)/common/%.o: common/%.c common/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# the protobuf code (common/proto, see the Makefile), generated again here
$(FUZZ_BUILD)/proto/%.pb-c.c $(FUZZ_BUILD)/proto/%.pb-c.h: common/proto/%.proto
	@mkdir -p $(@D)
	$(PROTOC)

$(FUZZ_BUILD)/proto/%.pb-c.o: $(FUZZ_BUILD)/proto/%.pb-c.c $(FUZZ_PROTO_HDRS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# A target that calls cmd_NAME() (filters/cmds.h) links filter NAME's
# objects: filters/NAME.c and filters/NAME/*.c, compiled with -DFP_NO_MAIN
# (no main(): the target's is libFuzzer's) into $(FUZZ_BUILD)/filters.
fuzz_filters = $(sort $(shell grep -o '[^a-z0-9_]cmd_[a-z0-9_]*' tests/fuzz/$(1).c | sed 's/.*cmd_//'))
fuzz_filter_objs = $(foreach f,$(call fuzz_filters,$(1)),$(FUZZ_BUILD)/filters/$(f).o \
	$(patsubst %.c,$(FUZZ_BUILD)/%.o,$(wildcard filters/$(f)/*.c)))

# keep the instrumented objects between builds
.SECONDARY: $(FUZZ_OBJS) $(PROTOS:%=$(FUZZ_BUILD)/proto/%.pb-c.c) $(foreach t,$(FUZZ_TARGETS),$(call fuzz_filter_objs,$(t)))

$(FUZZ_BUILD)/filters/%.o: filters/%.c $(wildcard filters/*.h filters/*/*.h) common/*.h $(FUZZ_PROTO_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DFP_NO_MAIN -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/bin/%: tests/fuzz/%.c tests/fuzz/*.h $(FUZZ_OBJS) $$(call fuzz_filter_objs,$$*) common/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(call fuzz_filter_objs,$*) $(FUZZ_OBJS) $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# The corpora are seeded with perf2events output too: build it first.
fuzz: $(FUZZ_BINS) $(BUILD)/bin/perf2events
	@st=0; for t in $(FUZZ_TARGETS); do \
	    $(FUZZ_NICE) sh tests/fuzz/run.sh $(FUZZ_BUILD) $$t $(FUZZ_SECONDS) $(BUILD)/bin || st=1; \
	done; cat $(FUZZ_BUILD)/summary.txt; exit $$st

fuzz-smoke: $(FUZZ_BINS) $(BUILD)/bin/perf2events
	@st=0; for t in $(FUZZ_TARGETS); do \
	    $(FUZZ_NICE) sh tests/fuzz/run.sh $(FUZZ_BUILD) $$t $(FUZZ_SMOKE_SECONDS) $(BUILD)/bin || st=1; \
	done; exit $$st
