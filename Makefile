# flamepipe - stream profiling data through Unix pipes
VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
SHAREDIR = $(PREFIX)/share/flamepipe
DESTDIR ?=

CC ?= cc
PKGS = yajl libzstd zlib sqlite3 yaml-0.1 libpcre2-8 libprotobuf-c
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lyajl -lzstd -lz -lsqlite3 -lyaml -lpcre2-8 -lprotobuf-c)
OPT ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
CFLAGS ?=
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DFP_VERSION='"$(VERSION)"' $(OPT) $(WARN) -I$(BUILD)/proto $(PKG_CFLAGS) $(CFLAGS)
LDLIBS = $(PKG_LIBS)

# Debian packages: what the build needs (the -dev packages that provide
# $(PKGS) are installed only when pkg-config cannot find them), then what
# the tests use: zstd/gzip, time(1) and bc (figures), man, rsvg-convert and
# xmllint (heatmap SVG), node and chromium (the real speedscope app), clang's
# libFuzzer (fuzz-smoke), valgrind, sqlite3 (Ferret span stores), Go and
# Google's pprof sources (real Go profiles and the pprof oracle, built offline).
# protoc-c compiles common/proto/*.proto at build time.
DEB_BUILD = build-essential pkg-config protobuf-c-compiler
DEB_LIBS = libyajl-dev libzstd-dev zlib1g-dev libsqlite3-dev libyaml-dev libpcre2-dev \
	libprotobuf-c-dev
DEB_TEST = zstd gzip time man-db groff-base bc sqlite3 \
	librsvg2-bin libxml2-utils nodejs chromium clang libclang-rt-dev valgrind \
	golang-go golang-github-google-pprof-dev parallel openssh-server \
	protobuf-compiler python3-protobuf bpftrace linux-perf

# One filter = filters/NAME.c + man/NAME.1; shared code = common/*.c.
FILTERS = $(sort $(basename $(notdir $(wildcard filters/*.c))))
COMMON = $(sort $(basename $(notdir $(wildcard common/*.c))))
BUILD ?= build
# Protocol buffers (pprof, nflxprofile): common/proto/NAME.proto is compiled
# by protoc-c into $(BUILD)/proto/NAME.pb-c.{c,h} (generated, never committed)
# and goes into the library with common/.
PROTOS = $(sort $(basename $(notdir $(wildcard common/proto/*.proto))))
PROTO_HDRS = $(PROTOS:%=$(BUILD)/proto/%.pb-c.h)
COMMON_OBJS = $(COMMON:%=$(BUILD)/common/%.o) $(PROTOS:%=$(BUILD)/proto/%.pb-c.o)
BINS = $(FILTERS:%=$(BUILD)/bin/%)
UNITS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/*.c))
MAN1 = $(FILTERS:%=man/%.1)
MAN5 = man/events.5

.PHONY: all deps test-deps check check-asan test bench install uninstall clean quickstart

all: $(BINS)

# $(BUILD)/.flags holds the compiler, flags and libraries the build was made
# with; it is rewritten (and so everything rebuilt) only when they change,
# so a build directory never mixes objects made with different flags.
FLAGS_NOW := $(strip $(CC) $(ALL_CFLAGS) $(LDFLAGS) $(LDLIBS))
ifneq ($(FLAGS_NOW),$(strip $(file <$(BUILD)/.flags)))
$(shell mkdir -p $(BUILD))
$(file >$(BUILD)/.flags,$(FLAGS_NOW))
endif

# The libraries must be there before anything is compiled (make deps
# installs them); say so instead of failing on a missing header.
$(BUILD)/.libs-ok:
	@pkg-config --exists $(PKGS) || { echo "missing libraries: $$(for p in $(PKGS); do pkg-config --exists $$p || printf '%s ' $$p; done)- run 'make deps' (Debian: $(DEB_LIBS))" >&2; exit 1; }
	@command -v protoc-c >/dev/null || { echo "missing protoc-c - run 'make deps' (Debian: protobuf-c-compiler)" >&2; exit 1; }
	@mkdir -p $(@D) && touch $@

$(BUILD)/common/%.o: common/%.c common/*.h $(BUILD)/.flags | $(BUILD)/.libs-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

PROTOC = protoc-c --c_out=$(@D) --proto_path=common/proto $<
# protoc-c writes the .c and .h of a .proto at once (a grouped pattern rule).
$(BUILD)/proto/%.pb-c.c $(BUILD)/proto/%.pb-c.h: common/proto/%.proto $(BUILD)/.flags
	@mkdir -p $(@D)
	$(PROTOC)

.SECONDARY: $(PROTOS:%=$(BUILD)/proto/%.pb-c.c)
$(BUILD)/proto/%.pb-c.o: $(BUILD)/proto/%.pb-c.c $(PROTO_HDRS) $(BUILD)/.flags | $(BUILD)/.libs-ok
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/common/libflamepipe.a: $(COMMON_OBJS)
	rm -f $@
	$(AR) rcs $@ $(COMMON_OBJS)

# A filter is filters/NAME.c, plus filters/NAME/*.c when it is split by
# concern (its private headers there too), plus filters/NAME/*.js when it
# writes a page with a script: those become one C string, NAME_js, in
# $(BUILD)/gen/NAME.js.c (sed: \ " ? escaped, a line a literal; ? so that
# no trigraph forms).
.SECONDEXPANSION:
filter_js = $(if $(wildcard filters/$(1)/*.js),$(BUILD)/gen/$(1).js.c)
# (kept: not an intermediate file to delete)
.PRECIOUS: $(BUILD)/gen/%.js.c
$(BUILD)/gen/%.js.c: $$(sort $$(wildcard filters/$$*/*.js))
	@mkdir -p $(@D)
	{ echo '/* made from $^ by the Makefile */'; echo 'const char $*_js[] ='; \
	  sed 's/[\\"?]/\\&/g; s/^/"/; s/$$/\\n"/' $^; echo ';'; } >$@.tmp && mv $@.tmp $@

$(BUILD)/bin/%: filters/%.c $$(wildcard filters/$$*/*.c filters/$$*/*.h) $$(call filter_js,$$*) $(BUILD)/common/libflamepipe.a common/*.h $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(wildcard filters/$*/*.c) $(call filter_js,$*) $(BUILD)/common/libflamepipe.a $(LDLIBS)

# toevents calls the converters of its table in-process (cmd_NAME,
# filters/cmds.h): it links their objects, built without main()
# (-DFP_NO_MAIN) into $(BUILD)/nomain.
TOEVENTS_CMDS = $(sort $(shell grep -o 'cmd_[a-z0-9_]*,' filters/toevents.c | sed 's/cmd_//; s/,//'))
TOEVENTS_OBJS = $(patsubst filters/%.c,$(BUILD)/nomain/%.o,$(foreach f,$(TOEVENTS_CMDS),filters/$(f).c $(wildcard filters/$(f)/*.c)))

$(BUILD)/nomain/%.o: filters/%.c $$(wildcard filters/*/*.h) filters/cmds.h common/*.h $(PROTO_HDRS) $(BUILD)/.flags | $(BUILD)/.libs-ok
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DFP_NO_MAIN -c -o $@ $<

$(BUILD)/bin/toevents: filters/toevents.c $(TOEVENTS_OBJS) $(BUILD)/common/libflamepipe.a common/*.h filters/cmds.h $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(TOEVENTS_OBJS) $(BUILD)/common/libflamepipe.a $(LDLIBS)

# (a unit test may include a filter's own source: tests/unit/p2e-write.c)
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/common/libflamepipe.a common/*.h $(wildcard filters/*/*.c filters/*/*.h) $(BUILD)/.flags
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/common/libflamepipe.a $(LDLIBS)

# Install the Debian packages the build and the tests need, only when missing.
deps:
	@sh tests/deps.sh $(DEB_BUILD)
	@pkg-config --exists $(PKGS) || sh tests/deps.sh $(DEB_LIBS)

test-deps: deps
	@sh tests/deps.sh $(DEB_TEST)

check: all $(UNITS)
	sh tests/run.sh $(BUILD)/bin

# The whole suite again, built with AddressSanitizer and UBSan.
check-asan:
	$(MAKE) BUILD=build-asan \
	    OPT='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined' check

bench: all
	sh tests/bench/run.sh $(BUILD)/bin

# The README's first command: install what is missing, build, run the main
# job on a real capture shipped in tests/data/perf.
# The libraries' flags are read when make starts, so the build runs in a
# second make, after deps has installed them.
quickstart: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/bin/perf2events tests/data/perf/fp.perf | $(BUILD)/bin/events2folded > $(BUILD)/quickstart.folded
	@echo "heaviest stacks of tests/data/perf/fp.perf (all in $(BUILD)/quickstart.folded):"
	@awk '{ print $$NF "\t" $$0 }' $(BUILD)/quickstart.folded | sort -rn | cut -f2- | head -n 8

# The README's second command, and what CI runs: the suite built with
# warnings as errors (in build-test/, so flags never go stale), the whole
# suite again under ASan+UBSan (build-asan/), then a short libFuzzer run of
# every parser (build-fuzz/). Every part runs even when one fails; the last
# line is the total over all three, "N passed, N failed".
test: test-deps
	@sh tests/all.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	cp $(BINS) $(DESTDIR)$(BINDIR)/
	cp $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	cp $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	mkdir -p $(DESTDIR)$(SHAREDIR)
	cp docs/examples/reduce.yaml $(DESTDIR)$(SHAREDIR)/
	cp docs/examples/flamepipe-hourly docs/examples/flamepipe-daily $(DESTDIR)$(SHAREDIR)/

uninstall:
	rm -f $(FILTERS:%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(FILTERS:%=$(DESTDIR)$(MANDIR)/man1/%.1) $(DESTDIR)$(MANDIR)/man5/events.5
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf build build-test build-asan build-fuzz
-include tests/fuzz/fuzz.mk
