#!/bin/sh
# faults.sh - every filter in BINDIR against bad input and failing I/O
#
# usage: faults.sh BINDIR          (FP_FAULT_BIG_MB=100 sets the size of the
#                                   "one huge line" case, in MiB)
# Every executable in BINDIR is tested, so a new filter is covered as soon
# as it is built. Its input type comes from its name (tests/fault/inputs
# says how, and lists known failures); a filter with no known input type
# gets only the option tests and a visible note.
#
# For each filter:
#   output to /dev/full -> exit 1, a message naming stdout (also --help)
#   | head -c1, | head -1, with SIGPIPE default or ignored -> exit 0 or 141,
#       nothing on stderr
#   missing file, directory, unreadable file (/proc/self/mem: open works,
#       read fails with EIO, even for root) next to a good file -> exit 1,
#       a message naming the file, the good file's output unchanged
#   injected faults (tests/fault/inject.c, LD_PRELOAD): read EIO, write EIO
#       and ENOSPC, close(stdout) EIO -> exit 1 with a message; short
#       reads/writes and EINTR -> the same output
#   truncated .gz and .zst -> an error, never a short success; whole ones
#       read like the plain file
#   binary garbage -> exit 0 or 1 with something said on stderr
#   a 1 MiB frame name, a 100 000-frame stack, a 100 MiB line, invalid
#       UTF-8, CRLF line ends, empty input
#   --help (stdout, exit 0), --version, a bad option (exit 2)
# Every run also fails on a sanitizer report or a death by signal.
set -u
bin=$(cd "${1:?usage: faults.sh BINDIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${FLAMEPIPE_CORPUS:-$root/tests/data/corpus}
table=$root/tests/fault/inputs
big_mb=${FP_FAULT_BIG_MB:-100}
LC_ALL=C
export LC_ALL
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-faults.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0 xfail=0 notes=0
T0=${FP_FAULT_TIMEOUT:-300}
T=$T0
fenv=

note() { notes=$((notes + 1)); echo "NOTE $*"; }

# known failures: "FILTER CASE reason" lines in the table, after "xfail"
is_xfail() {
	awk -v f="$1" -v c="$2" '$1 == "xfail" && $2 == f && $3 == c { found = 1 } END { exit !found }' "$table"
}

# tmo FILTER CASE: the timeout for a case (short for a known failure)
tmo() {
	if is_xfail "$1" "$2"; then T=${FP_FAULT_XFAIL_TIMEOUT:-10}; else T=$T0; fi
}

# check FILTER CASE CONDITION-STATUS MESSAGE: count a result
check() {
	if [ "$3" = 0 ]; then
		if is_xfail "$1" "$2"; then
			note "$1: $2: passes but is listed as xfail in tests/fault/inputs"
		fi
		pass=$((pass + 1))
	elif is_xfail "$1" "$2"; then
		xfail=$((xfail + 1))
		echo "XFAIL $1: $2: $4"
	else
		fail=$((fail + 1))
		echo "FAIL $1: $2: $4"
		[ -s "$tmp/err" ] && head -c 600 "$tmp/err" | sed 's/^/    /'
	fi
}

# run FILTER ARGS...: stdout to $tmp/out, stderr to $tmp/err, status in $st.
# Sets $crash to a reason when the run died by a signal or a sanitizer spoke.
run() {
	f=$1
	shift
	# $fenv: environment for the filter only (never for grep and the
	# rest of this script: the shim would break them)
	# shellcheck disable=SC2086
	env $fenv timeout "$T" "$bin/$f" $fargs "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	crashed "$st"
	# OUTPUT pprof: a profile, read back as events for the checks on names
	if [ "${outtype:-}" = pprof ] && [ -s "$tmp/out" ]; then
		"$bin/pprof2events" "$tmp/out" >"$tmp/out.events" 2>>"$tmp/err" && mv "$tmp/out.events" "$tmp/out"
	fi
}
crashed() {
	crash=
	if [ "$1" = 124 ]; then
		crash="timed out after ${T}s"
	elif [ "$1" -ge 128 ]; then
		crash="killed by signal $(($1 - 128))"
	elif grep -q -E 'Sanitizer|runtime error:|LeakSanitizer' "$tmp/err"; then
		crash="sanitizer report"
	fi
}

# The variants of an input (gzip, zstd, CRLF) are files named "input" in
# directories $tmp/vNAME, so outputs that show the file name compare equal
# once the directory is taken out.
norm() {
	sed -e "s|$tmp/v[a-z0-9]*/||g" "$1"
}
same_as_base() {
	norm "$tmp/out" >"$tmp/a"
	norm "$tmp/base.out" >"$tmp/b"
	cmp -s "$tmp/a" "$tmp/b"
}
variant() {	# variant NAME: the path of a new variant's file
	mkdir -p "$tmp/v$1"
	echo "$tmp/v$1/input"
}

# Fields of the table: "filter NAME KIND OUTPUT [ARGS...]".
table_field() {
	awk -v f="$1" -v n="$2" '$1 == "filter" && $2 == f {
		if (n == "args") { s = ""; for (i = 5; i <= NF; i++) s = s (s ? " " : "") $i; print s }
		else print $n; exit }' "$table"
}
kind_of() {
	k=$(table_field "$1" 3)
	if [ -n "$k" ]; then echo "$k"; return; fi
	case $1 in
	perf2events) echo perf ;;
	trace2events) echo trace ;;
	cpuprofile2events) echo cpuprofile ;;
	spans2events) echo spans ;;
	callgrind2events) echo callgrind ;;
	folded2events) echo folded ;;
	stacks2events) echo stacks ;;
	pprof2events) echo pprof ;;
	nflxprofile2events) echo nflxprofile ;;
	speedscope2events) echo speedscope ;;
	events2* | eventsort | timeslice | heatmap) echo events ;;
	*) echo none ;;
	esac
}
out_of() {
	o=$(table_field "$1" 4)
	echo "${o:-text}"
}

# ---- the shim ----
inject=
if cc -shared -fPIC -o "$tmp/inject.so" "$root/tests/fault/inject.c" -ldl 2>"$tmp/cc.err"; then
	inject=$tmp/inject.so
else
	note "cannot build tests/fault/inject.c: injected faults not tested"
	cat "$tmp/cc.err"
fi
asan=0
if nm "$bin/perf2events" 2>/dev/null | grep -q __asan_init; then
	asan=1
fi
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS

# ---- inputs of each kind ----
big_q() {	# N bytes of Q
	head -c "$1" /dev/zero | tr '\0' Q
}
name_of() {	# CASE: the name a name or utf8 case puts in: $NAME bytes of Q, or bad UTF-8
	if [ "$1" = name ]; then big_q "$NAME"; else printf 'bad\377\376\303\303name'; fi
}
wrap() {	# PREFIX SUFFIX CMD...: CMD's output between PREFIX and SUFFIX (printf formats)
	_pre=$1 _suf=$2
	shift 2
	printf "$_pre"
	"$@"
	printf "$_suf"
}
mkdir "$tmp/in" "$tmp/dir"
perf_base=$root/tests/data/perf/fp.perf
cp "$perf_base" "$tmp/in/base.perf"
if [ -x "$bin/perf2events" ]; then
	"$bin/perf2events" "$perf_base" >"$tmp/in/base.events" 2>/dev/null
else
	printf '#flamepipe-events 1\nE\t-\tcycles\tperiod\nS\t1.000000000\t1\t1\t0\tcomm\tcycles\t10\tmain;work\n' >"$tmp/in/base.events"
fi
cp "$corpus/trace-event/multiprocess.json" "$tmp/in/base.trace" 2>/dev/null
cp "$corpus/cpuprofile/chrome-65/simple.cpuprofile" "$tmp/in/base.cpuprofile" 2>/dev/null
cp "$root/tests/data/spans/otlp.json" "$tmp/in/base.spans" 2>/dev/null
cp "$corpus/callgrind/callgrind.example.log" "$tmp/in/base.callgrind" 2>/dev/null
cp "$corpus/perf/flamegraph/expected/perf-vertx-stacks-01-collapsed-all.txt" "$tmp/in/base.folded" 2>/dev/null
cp "$root/tests/data/stacks/bpftrace-kstack-ustack-comm.txt" "$tmp/in/base.stacks" 2>/dev/null
cp "$corpus/speedscope/0.6.0/two-sampled.speedscope.json" "$tmp/in/base.speedscope" 2>/dev/null
# heatmap --merge: a TSV map of the events (kind hmap)
"$bin/heatmap" "$tmp/in/base.events" >"$tmp/in/base.hmap" 2>/dev/null
# protobuf kinds (binary: no CRLF case; inputs made by gen_pprof, gen_nflx)
cp "$root/tests/data/pprof/labels.raw.pprof" "$tmp/in/base.pprof" 2>/dev/null
cp "$corpus/nflxprofile/nodejs1.nflxprofile" "$tmp/in/base.nflxprofile" 2>/dev/null

# protobuf wire format in awk (mawk and gawk write any byte with %c in
# the C locale): vi varint, vf varint field, ld length-delimited field
PB_AWK='
function vi(n,   s) { s = ""; while (n >= 128) { s = s sprintf("%c", n % 128 + 128); n = int(n / 128) } return s sprintf("%c", n) }
function vf(f, n) { return vi(f * 8) vi(n) }
function ld(f, d) { return vi(f * 8 + 2) vi(length(d)) d }
function big(n,   s) { s = "Q"; while (length(s) * 2 <= n) s = s s; return s substr(s, 1, n - length(s)) }
function zeros(n,   s) { s = ""; while (n-- > 0) s = s sprintf("%c", 0); return s }
function join(a, lo, hi,   m) { if (lo == hi) return a[lo]; m = int((lo + hi) / 2); return join(a, lo, m) join(a, m + 1, hi) }
'
# a pprof profile: one sample of frames "main;NAME" (name, utf8), or of
# fr0 (root) ... fr99999 (deep); "samples" in "count"
gen_pprof() {
	awk -v name="$2" -v deep="$3" -v size="${NAME:-0}" "$PB_AWK"'BEGIN {
		p = ld(1, vf(1, 1) vf(2, 2)) ld(6, "") ld(6, "samples") ld(6, "count")
		if (deep) {
			# fields are written as they come (repeated fields may be
			# anywhere): no quadratic string building
			printf "%s", p
			p = ""
			for (i = 0; i < deep; i++) {
				printf "%s", ld(6, "fr" i) ld(5, vf(1, i + 1) vf(2, i + 3)) ld(4, vf(1, i + 1) ld(4, vf(1, i + 1)))
				a[i] = vf(1, deep - i)	# leaf first
			}
			st = join(a, 0, deep - 1)
		} else {
			if (name == "") name = big(size)
			p = p ld(6, "main") ld(6, name) ld(5, vf(1, 1) vf(2, 3)) ld(5, vf(1, 2) vf(2, 4))
			p = p ld(4, vf(1, 1) ld(4, vf(1, 1))) ld(4, vf(1, 2) ld(4, vf(1, 2)))
			st = vf(1, 2) vf(1, 1)
		}
		printf "%s", p ld(2, st vf(2, 1)) }' >"$1"
}
# an nflxprofile (has_parent): one sample of node "NAME" under "main", or
# of the end of a chain fr0 ... fr99999 (deep); start_time 1.0, delta 0
gen_nflx() {
	awk -v name="$2" -v deep="$3" -v size="${NAME:-0}" "$PB_AWK"'BEGIN {
		one = zeros(6) sprintf("%c%c", 240, 63)
		p = vi(9) one vi(17) one ld(8, ld(1, "has_parent") ld(2, "true"))
		if (deep) {
			for (i = 1; i <= deep; i++)
				printf "%s", ld(5, vf(1, i) ld(2, ld(1, "fr" (i - 1)) vf(2, 1) vf(5, i - 1)))
			leaf = deep
		} else {
			if (name == "") name = big(size)
			p = p ld(5, vf(1, 1) ld(2, ld(1, "main") vf(2, 0) vf(5, 0)))
			p = p ld(5, vf(1, 2) ld(2, ld(1, name) vf(2, 1) vf(5, 1)))
			leaf = 2
		}
		printf "%s", p ld(3, vi(leaf)) ld(4, zeros(8)) }' >"$1"
}

# make KIND CASE FILE: write the input for a case
gen() {
	kind=$1 case=$2 out=$3
	case $kind.$case in
	perf.name | perf.utf8)
		wrap 'comm 1/1 [000] 1.000000: 1 cycles: \n\tffff ' ' (/bin/x)\n\n' name_of "$case" >"$out" ;;
	perf.deep)
		wrap 'comm 1/1 [000] 1.000000: 1 cycles: \n' '\n' \
			awk -v n=100000 'BEGIN { for (i = n - 1; i >= 0; i--) printf "\t%x fr%d (/bin/x)\n", i + 4096, i }' >"$out" ;;
	events.name | events.utf8)
		wrap '#flamepipe-events 1\nS\t1.0\t1\t1\t0\tcomm\tcycles\t1\tmain;' '\n' name_of "$case" >"$out" ;;
	events.deep)
		wrap '#flamepipe-events 1\nS\t1.0\t1\t1\t0\tcomm\tcycles\t1\t' '\n' \
			awk -v n=100000 'BEGIN { for (i = 0; i < n; i++) printf "%sfr%d", (i ? ";" : ""), i }' >"$out" ;;
	trace.name | trace.utf8)
		wrap '{"traceEvents":[{"name":"' '","ph":"X","ts":1,"dur":2,"pid":1,"tid":1}]}\n' name_of "$case" >"$out" ;;
	trace.deep)
		# spans carry their whole stack (events.md 3.1): output grows with
		# depth squared, so 1000 nested spans, not 100 000
		awk -v n=1000 'BEGIN { printf "{\"traceEvents\":["
			for (i = 0; i < n; i++) printf "%s{\"name\":\"fr%d\",\"ph\":\"B\",\"ts\":%d,\"pid\":1,\"tid\":1}", (i ? "," : ""), i, i
			for (i = n - 1; i >= 0; i--) printf ",{\"ph\":\"E\",\"ts\":%d,\"pid\":1,\"tid\":1}", 2 * n - i
			printf "]}\n" }' >"$out" ;;
	cpuprofile.name | cpuprofile.utf8)
		{ printf '{"nodes":[{"id":1,"callFrame":{"functionName":"(root)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"children":[2]},'
		  printf '{"id":2,"callFrame":{"functionName":"'; name_of "$case"
		  printf '","scriptId":"1","url":"a.js","lineNumber":1,"columnNumber":1}}],"startTime":0,"endTime":30,"samples":[2,2],"timeDeltas":[10,10]}\n'; } >"$out" ;;
	cpuprofile.deep)
		awk -v n=100000 'BEGIN { printf "{\"nodes\":["
			for (i = 1; i <= n; i++) {
				printf "%s{\"id\":%d,\"callFrame\":{\"functionName\":\"fr%d\",\"scriptId\":\"1\",\"url\":\"a.js\",\"lineNumber\":1,\"columnNumber\":1}", (i > 1 ? "," : ""), i, i - 1
				if (i < n) printf ",\"children\":[%d]", i + 1
				printf "}"
			}
			printf "],\"startTime\":0,\"endTime\":30,\"samples\":[%d],\"timeDeltas\":[10]}\n", n }' >"$out" ;;
	spans.name | spans.utf8)
		otlp_span() { printf '{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"%016x",%s"name":"' "$1" "$2"; }
		{ printf '{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"s"},"spans":['
		  otlp_span 1 ''
		  name_of "$case"
		  printf '","startTimeUnixNano":"1000","endTimeUnixNano":"2000"}]}]}]}\n'; } >"$out" ;;
	spans.deep)
		# spans carry their whole stack: 1000 nested spans (see trace.deep)
		awk -v n=1000 'BEGIN { printf "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"scope\":{\"name\":\"s\"},\"spans\":["
			for (i = 0; i < n; i++) {
				printf "%s{\"traceId\":\"0102030405060708090a0b0c0d0e0f10\",\"spanId\":\"%016x\",", (i ? "," : ""), i + 1
				if (i) printf "\"parentSpanId\":\"%016x\",", i
				printf "\"name\":\"fr%d\",\"startTimeUnixNano\":\"%d\",\"endTimeUnixNano\":\"%d\"}", i, 1000 + i, 100000 - i
			}
			printf "]}]}]}\n" }' >"$out" ;;
	callgrind.name)
		{ printf 'events: Ir\nfl=a.c\nfn=main\n1 1\ncfn='; big_q "$NAME"; printf '\ncalls=1 1\n2 5\nfn='
		  big_q "$NAME"; printf '\n1 5\n'; } >"$out" ;;
	callgrind.deep)
		# a call chain: each function's stack is the chain above it, so
		# the output grows with depth squared (see trace.deep): 1000 deep
		awk -v n=1000 'BEGIN { print "events: Ir"; print "fl=a.c"
			for (i = 0; i < n; i++) {
				printf "fn=fr%d\n1 1\n", i
				if (i + 1 < n) printf "cfn=fr%d\ncalls=1 1\n2 %d\n", i + 1, n - i - 1
			} }' >"$out" ;;
	callgrind.utf8)
		printf 'events: Ir\nfl=a.c\nfn=bad\377\376\303\303name\n1 5\n' >"$out" ;;
	folded.name | folded.utf8)
		wrap 'main;' ' 1\n' name_of "$case" >"$out" ;;
	folded.deep)
		awk -v n=100000 'BEGIN { for (i = 0; i < n; i++) printf "%sfr%d", (i ? ";" : ""), i; printf " 1\n" }' >"$out" ;;
	stacks.name)
		{ printf '@[\n    '; big_q "$NAME"; printf '+1\n, comm]: 1\n'; } >"$out" ;;
	stacks.deep)
		awk -v n=100000 'BEGIN { printf "@[\n"; for (i = n - 1; i >= 0; i--) printf "    fr%d+1\n", i; printf "]: 1\n" }' >"$out" ;;
	stacks.utf8)
		printf '@[\n    bad\377\376\303\303name+1\n]: 1\n' >"$out" ;;
	# protobuf: a name of more than 16 MiB (the "huge line" case) is not
	# a line; each input is decoded whole in memory (docs/pprof.md)
	pprof.name | nflxprofile.name)
		[ "$NAME" -le 16777216 ] || return 1
		if [ "$kind" = pprof ]; then gen_pprof "$out" "" 0; else gen_nflx "$out" "" 0; fi ;;
	pprof.deep) gen_pprof "$out" "" 100000 ;;
	nflxprofile.deep) gen_nflx "$out" "" 100000 ;;
	pprof.utf8) gen_pprof "$out" "$(printf 'bad\377\376\303\303name')" 0 ;;
	nflxprofile.utf8) gen_nflx "$out" "$(printf 'bad\377\376\303\303name')" 0 ;;
	speedscope.name)
		{ printf '{"profiles":[{"type":"sampled","name":"p","unit":"none","samples":[[0,1]],"weights":[1]}],'
		  printf '"shared":{"frames":[{"name":"main"},{"name":"'; big_q "$NAME"; printf '"}]}}\n'; } >"$out" ;;
	speedscope.deep)
		# a sampled stack of 100 000 frames (an evented one writes its
		# whole stack per event: depth squared, see trace.deep)
		awk -v n=100000 'BEGIN { printf "{\"shared\":{\"frames\":["
			for (i = 0; i < n; i++) printf "%s{\"name\":\"fr%d\"}", (i ? "," : ""), i
			printf "]},\"profiles\":[{\"type\":\"sampled\",\"name\":\"p\",\"unit\":\"none\",\"samples\":[["
			for (i = 0; i < n; i++) printf "%s%d", (i ? "," : ""), i
			printf "]],\"weights\":[1]}]}\n" }' >"$out" ;;
	speedscope.utf8)
		printf '{"shared":{"frames":[{"name":"bad\377\376\303\303name"}]},"profiles":[{"type":"sampled","name":"p","unit":"none","samples":[[0]],"weights":[1]}]}\n' >"$out" ;;
	*)
		return 1 ;;
	esac
}

# an input big enough that the output fills a pipe, for the head tests
gen_big() {
	case $1 in
	perf) bash "$root/tests/bench/gen-perf.sh" 8 - >"$2" 2>/dev/null ;;
	events)
		bash "$root/tests/bench/gen-perf.sh" 8 - 2>/dev/null | "$bin/perf2events" >"$2" 2>/dev/null ;;
	cpuprofile) cp "$corpus/cpuprofile/chrome-65/sucrase.cpuprofile" "$2" ;;
	spans) cp "$root/tests/data/spans/otlp.json" "$2" ;;
	callgrind)
		awk 'BEGIN { print "events: Ir"; print "fl=a.c"; print "fn=main"; print "1 1"
			for (i = 0; i < 20000; i++) printf "cfn=(%d) function_number_%d\ncalls=1 1\n2 %d\n", i + 1, i, i + 1
			for (i = 0; i < 20000; i++) printf "fn=(%d)\n%d %d\n", i + 1, i, i + 1 }' >"$2" ;;
	folded) cp "$tmp/in/base.folded" "$2" ;;
	hmap)	# a long map: its TSV fills a pipe
		gen_big events "$tmp/big.events" && "$bin/heatmap" -r 10000 "$tmp/big.events" >"$2" 2>/dev/null ;;
	stacks) for i in 1 2 3 4 5 6 7 8; do cat "$tmp/in/base.stacks"; done >"$2" ;;
	pprof) cp "$root/tests/data/pprof/heap.pprof" "$2" ;;
	nflxprofile) cp "$tmp/in/base.nflxprofile" "$2" ;;
	speedscope)
		awk 'BEGIN { printf "{\"shared\":{\"frames\":[{\"name\":\"main\"},{\"name\":\"work\"}]},\"profiles\":[{\"type\":\"sampled\",\"name\":\"p\",\"unit\":\"none\",\"samples\":["
			for (i = 0; i < 200000; i++) printf "%s[0,1]", (i ? "," : "")
			printf "],\"weights\":["
			for (i = 0; i < 200000; i++) printf "%s%d", (i ? "," : ""), i % 7 + 1
			printf "]}]}\n" }' >"$2" ;;
	trace) cp "$(ls -S $(find "$corpus/trace-event" -name '*.json') | head -n 1)" "$2" ;;
	*) return 1 ;;
	esac
}

# ---- the option tests every filter gets ----
options() {
	f=$1
	fargs=
	run "$f" --help
	{ [ -z "$crash" ] && [ "$st" = 0 ] && grep -q "^usage: $f" "$tmp/out" && [ ! -s "$tmp/err" ]; }
	check "$f" help $? "--help: status $st, want 0, usage on stdout, nothing on stderr $crash"
	run "$f" --version
	{ [ -z "$crash" ] && [ "$st" = 0 ] && grep -q "$f" "$tmp/out"; }
	check "$f" version $? "--version: status $st, want 0 and the name on stdout $crash"
	run "$f" --no-such-option-xyz
	{ [ -z "$crash" ] && [ "$st" = 2 ] && [ -s "$tmp/err" ] && [ ! -s "$tmp/out" ]; }
	check "$f" bad-option $? "bad option: status $st, want 2 with a message on stderr only $crash"
	timeout "$T" "$bin/$f" --help >/dev/full 2>"$tmp/err"
	st=$?
	crashed $st
	{ [ -z "$crash" ] && [ "$st" = 1 ] && grep -q stdout "$tmp/err"; }
	check "$f" help-full $? "--help >/dev/full: status $st, want 1 and a message naming stdout $crash"
}

# ---- the input tests ----
inputs() {
	f=$1 kind=$2 outtype=$3
	in=$(variant 0)
	cp "$tmp/in/base.$kind" "$in"
	run "$f" "$in"
	{ [ -z "$crash" ] && [ "$st" = 0 ] && [ -s "$tmp/out" ]; }
	check "$f" baseline $? "on $(basename "$in"): status $st, want 0 and output $crash"
	if [ "$st" != 0 ]; then
		note "$f: no valid baseline run, input tests skipped"
		return
	fi
	cp "$tmp/out" "$tmp/base.out"

	# stdout is full
	# shellcheck disable=SC2086
	timeout "$T" "$bin/$f" $fargs "$in" >/dev/full 2>"$tmp/err"
	st=$?
	crashed $st
	{ [ -z "$crash" ] && [ "$st" = 1 ] && grep -q stdout "$tmp/err"; }
	check "$f" dev-full $? ">/dev/full: status $st, want 1 and a message naming stdout $crash"

	# a closed pipe
	if gen_big "$kind" "$tmp/big"; then
		# messages about the input itself are fine; nothing may be added
		# because the pipe closed
		# shellcheck disable=SC2086
		timeout "$T" "$bin/$f" $fargs "$tmp/big" >/dev/null 2>"$tmp/full.err"
		for h in "head -c 1" "head -n 1"; do
			for sig in default ignored; do
				# shellcheck disable=SC2086
				if [ $sig = ignored ]; then
					( trap '' PIPE; timeout "$T" "$bin/$f" $fargs "$tmp/big" 2>"$tmp/err"; echo $? >"$tmp/st" ) | $h >/dev/null
				else
					( timeout "$T" "$bin/$f" $fargs "$tmp/big" 2>"$tmp/err"; echo $? >"$tmp/st" ) | $h >/dev/null
				fi
				st=$(cat "$tmp/st")
				grep -v -x -F -f "$tmp/full.err" "$tmp/err" >"$tmp/extra"
				{ [ "$st" = 0 ] || [ "$st" = 141 ]; } && [ ! -s "$tmp/extra" ]
				check "$f" "head" $? "| $h (SIGPIPE $sig): status $st, want 0 or 141 and nothing more on stderr than without head: $(head -c 200 "$tmp/extra")"
			done
		done
		# a write error after the first buffer: stdout holds whole
		# records only, a prefix of the full output ending in '\n'
		if [ -n "$inject" ] && [ "$outtype" != json ]; then
			# shellcheck disable=SC2086
			timeout "$T" "$bin/$f" $fargs "$tmp/big" >"$tmp/full.out" 2>/dev/null
			if [ "$(wc -c <"$tmp/full.out")" -gt 300000 ]; then
				fenv="FP_INJECT=write-eio:131073 LD_PRELOAD=$inject"
				run "$f" "$tmp/big"
				fenv=
				n=$(wc -c <"$tmp/out")
				{ [ -z "$crash" ] && [ "$st" = 1 ] && [ "$n" -gt 0 ] &&
					[ "$(tail -c 1 "$tmp/out" | od -An -c | tr -d ' ')" = '\n' ] &&
					head -c "$n" "$tmp/full.out" | cmp -s - "$tmp/out"; }
				check "$f" whole-records $? "write EIO after the first buffer: status $st, want 1 and $n bytes of whole lines, a prefix of the output $crash"
			fi
		fi
		# --strict stops at a bad last line: whole records only
		if [ "$kind" = perf ]; then
			{ cat "$tmp/big"; echo 'not a perf script line'; } >"$tmp/bad"
			run "$f" --strict "$tmp/bad"
			n=$(wc -c <"$tmp/out")
			"$bin/$f" "$tmp/bad" >"$tmp/full.out" 2>/dev/null
			{ [ -z "$crash" ] && [ "$st" = 1 ] && [ "$n" -gt 0 ] &&
				[ "$(tail -c 1 "$tmp/out" | od -An -c | tr -d ' ')" = '\n' ] &&
				head -c "$n" "$tmp/full.out" | cmp -s - "$tmp/out"; }
			check "$f" strict-whole-records $? "--strict, bad last line: status $st, want 1 and $n bytes of whole lines, a prefix of the output $crash"
			rm -f "$tmp/bad" "$tmp/full.out"
		fi
		rm -f "$tmp/big"
	fi

	# bad operands next to a good one
	for bad in "$tmp/no-such-file" "$tmp/dir" /proc/self/mem; do
		run "$f" "$bad" "$in"
		{ [ -z "$crash" ] && [ "$st" = 1 ] && grep -q -F "$bad" "$tmp/err" && same_as_base; }
		check "$f" "operand" $? "$bad then a good file: status $st, want 1, a message naming it, the good file's output $crash"
	done

	# injected faults
	if [ -n "$inject" ]; then
		size=$(wc -c <"$in")
		for spec in read-eio:0 "read-eio:$((size / 2))" write-eio:0 write-eio:100 write-enospc:0 close-eio; do
			rm -f "$tmp/log"
			fenv="FP_INJECT=$spec FP_INJECT_LOG=$tmp/log LD_PRELOAD=$inject"
			run "$f" "$in"
			fenv=
			if [ ! -s "$tmp/log" ]; then
				# read-eio:N past the last byte: the filter got all the data in one read
				case $spec in read-eio:0) note "$f: $spec: never injected (the filter does not read with read(2))" ;; esac
				continue
			fi
			case $spec in
			read*) want=$(basename "$in") ;;
			*) want=stdout ;;
			esac
			{ [ -z "$crash" ] && [ "$st" = 1 ] && grep -q -F "$want" "$tmp/err"; }
			check "$f" "inject-${spec%%:*}" $? "$spec: status $st, want 1 and a message naming $want $crash"
		done
		fenv="FP_INJECT=short LD_PRELOAD=$inject"
		run "$f" "$in"
		fenv=
		{ [ -z "$crash" ] && [ "$st" = 0 ] && same_as_base; }
		check "$f" inject-short $? "short reads/writes and EINTR: status $st, want 0 and the same output $crash"
	fi

	# compressed input
	gzip -c "$in" >"$(variant gz)"
	zstd -q -c "$in" >"$(variant zst)" 2>/dev/null || note "zstd(1) missing: .zst cases skipped"
	for z in gz zst; do
		[ -s "$tmp/v$z/input" ] || continue
		cp "$tmp/v$z/input" "$tmp/in.$z"
		run "$f" "$tmp/v$z/input"
		{ [ -z "$crash" ] && [ "$st" = 0 ] && same_as_base; }
		check "$f" "$z" $? "whole .$z: status $st, want 0 and the plain file's output $crash"
		n=$(wc -c <"$tmp/in.$z")
		for cut in $((n / 2)) $((n - 1)) 5; do
			head -c "$cut" "$tmp/in.$z" >"$tmp/cut.$z"
			run "$f" "$tmp/cut.$z"
			{ [ -z "$crash" ] && [ "$st" = 1 ] && [ -s "$tmp/err" ]; }
			check "$f" "truncated-$z" $? ".$z cut to $cut of $n bytes: status $st, want 1 and a message $crash"
		done
	done

	# binary garbage, alone and after an events magic line
	run "$f" "$bin/$f"
	{ [ -z "$crash" ] && { [ "$st" = 0 ] || [ "$st" = 1 ]; } && [ -s "$tmp/err" ]; }
	check "$f" garbage $? "an ELF file: status $st, want 0 or 1 and a message $crash"
	if [ "$kind" = events ]; then
		{ echo '#flamepipe-events 1'; cat "$bin/$f"; } >"$tmp/garbage"
		run "$f" "$tmp/garbage"
		{ [ -z "$crash" ] && { [ "$st" = 0 ] || [ "$st" = 1 ]; } && [ -s "$tmp/err" ]; }
		check "$f" garbage $? "magic line + ELF: status $st, want 0 or 1 and a message $crash"
	fi

	# CRLF (text kinds: a CR in a binary protobuf is data)
	case $kind in
	pprof | nflxprofile) ;;
	*)
	sed 's/$/\r/' "$in" >"$(variant crlf)"
	run "$f" "$tmp/vcrlf/input"
	{ [ -z "$crash" ] && [ "$st" = 0 ] && same_as_base; }
	check "$f" crlf $? "CRLF line ends: status $st, want 0 and the same output $crash"
	;;
	esac

	# empty input
	: >"$tmp/empty"
	run "$f" "$tmp/empty"
	case $kind in
	perf | events | folded | stacks) { [ -z "$crash" ] && [ "$st" = 0 ]; } ;;
	*) { [ -z "$crash" ] && { [ "$st" = 0 ] || { [ "$st" = 1 ] && [ -s "$tmp/err" ]; }; }; } ;;
	esac
	check "$f" empty $? "empty input: status $st $crash"

	# a 1 MiB frame name
	NAME=1048576
	if gen "$kind" name "$tmp/name"; then
		run "$f" "$tmp/name"
		q=$(tr -cd Q <"$tmp/out" | wc -c)
		{ [ -z "$crash" ] && [ "$st" = 0 ] && { [ "$outtype" = none ] || [ "$q" -ge 1048576 ]; }; }
		check "$f" name-1mb $? "a 1 MiB name: status $st, $q of 1048576 bytes in the output $crash"
	fi
	# a 100 000-frame stack
	if gen "$kind" deep "$tmp/deep"; then
		tmo "$f" deep-stack
		run "$f" "$tmp/deep"
		T=$T0
		{ [ -z "$crash" ] && [ "$st" = 0 ] && { [ "$outtype" = none ] ||
			{ grep -q -E 'fr0([^0-9]|$)' "$tmp/out" && grep -q -E 'fr(99999|999)([^0-9]|$)' "$tmp/out"; }; }; }
		check "$f" deep-stack $? "a deep stack: status $st, first and last frame in the output $crash"
	fi
	# invalid UTF-8, byte-exact
	if gen "$kind" utf8 "$tmp/utf8"; then
		run "$f" "$tmp/utf8"
		case $outtype in
		text | pprof) { [ -z "$crash" ] && [ "$st" = 0 ] && grep -q "$(printf 'bad\377\376\303\303name')" "$tmp/out"; } ;;
		*) { [ -z "$crash" ] && { [ "$st" = 0 ] || { [ "$st" = 1 ] && [ -s "$tmp/err" ]; }; }; } ;;
		esac
		check "$f" invalid-utf8 $? "invalid UTF-8 in a name: status $st, bytes kept exactly $crash"
	fi
	rm -f "$tmp/name" "$tmp/deep"
	# one huge line
	if [ "$big_mb" -gt 0 ]; then
		NAME=$((big_mb * 1048576))
		if gen "$kind" name "$tmp/huge"; then
			# shellcheck disable=SC2086
			( timeout "$T" "$bin/$f" $fargs "$tmp/huge" 2>"$tmp/err"; echo $? >"$tmp/st" ) |
				tr -cd Q | wc -c >"$tmp/q"
			st=$(cat "$tmp/st")
			q=$(cat "$tmp/q")
			crashed "$st"
			{ [ -z "$crash" ] && [ "$st" = 0 ] && { [ "$outtype" = none ] || [ "$q" -ge "$NAME" ]; }; }
			check "$f" huge-line $? "a ${big_mb} MiB line: status $st, $q of $NAME bytes of the name in the output $crash"
			rm -f "$tmp/huge"
		fi
	fi
}

for exe in "$bin"/*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	f=$(basename "$exe")
	fargs= outtype=	# the last filter's OUTPUT must not apply to this one's options
	options "$f"
	kind=$(kind_of "$f")
	fargs=$(table_field "$f" args | sed "s|@ROOT@|$root|g")
	if [ "$kind" = none ] || [ ! -e "$tmp/in/base.$kind" ]; then
		note "$f: no known input type (add a line to tests/fault/inputs): only option tests run"
		continue
	fi
	inputs "$f" "$kind" "$(out_of "$f")"
	fargs=
done
# the inputs of options: events2folded sums folded inputs (partial
# results), heatmap --merge partial maps
if [ -x "$bin/events2folded" ] && [ -e "$tmp/in/base.folded" ]; then
	inputs events2folded folded text
fi
if [ -x "$bin/heatmap" ] && [ -s "$tmp/in/base.hmap" ]; then
	fargs=--merge
	inputs heatmap hmap none
	fargs=
fi
[ $asan = 1 ] && echo "faults: filters built with ASan (LD_PRELOAD with verify_asan_link_order=0)"
echo "faults: $xfail known failures (tests/fault/inputs), $notes notes"
echo "faults: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
