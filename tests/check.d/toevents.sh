#!/bin/sh
# toevents.sh - toevents (docs/toevents.md) on every file of tests/data
#
# usage: toevents.sh BINDIR
#  - every file in tests/data (all subdirectories) is recognised as the
#    kind the table below gives (the converter toevents --detect names;
#    "none" for files that are not profiles: licences, READMEs, sources,
#    reference outputs); a file the table does not cover is a failure;
#  - for each profile run in-process, toevents FILE gives the converter's
#    output and status exactly; the others (converters that are separate
#    programs) are run through a stand-in program that checksums what it
#    is given, from a file and from a pipe; when missing, toevents says so;
#  - files that are not profiles get the "not a profile" error, exit 1,
#    nothing on stdout; so do garbage and cut-off gzip/zstd inputs;
#  - stdin and pipes, gzip and zstd (files and pipes) give the plain
#    file's output; compressed perf.data and SQLite through a pipe work;
#  - several files give the concatenation of the converters' streams;
#  - -O CONVERTER:ARG reaches that converter only.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init toevents "$@"
data=$root/tests/data
te=$bin/toevents

# The expected kind of every file under tests/data, as the converter
# toevents runs (none: not a profile; pass-through: an events stream).
# First matching pattern wins (shell case patterns, relative to tests/data).
expected() {
	case $1 in
	*.speedscope-folded.txt) echo none ;;		# speedscope's summary + folded: a reference output
	*.flamescope-heatmap*.txt) echo none ;;		# FlameScope's heat map dump: a reference output
	*.md | */LICENSES/* | *.c | *.h | *.sh | *.sql | *.go | *.py) echo none ;;
	corpus/nflxprofile/*.json) echo none ;;		# d3 flame graph JSON, package.json: outputs
	corpus/nflxprofile/*.nflxprofile) echo nflxprofile2events ;;
	corpus/callgrind/*) echo callgrind2events ;;
	corpus/cpuprofile/*) echo cpuprofile2events ;;
	corpus/folded/*) echo folded2events ;;
	corpus/perf/flamegraph/expected*/*) echo folded2events ;;
	corpus/perf/flamegraph/inputs/*) echo perf2events ;;
	corpus/perf/flamescope/perf.test01) echo perf2events ;;
	corpus/pprof/*.prof) echo pprof2events ;;
	pprof/*.pprof) echo pprof2events ;;
	pprof/*.pb) echo pprof2events ;;		# hand-made (Google's pprof refuses it: not *.pprof)
	nflxprofile/*.nflxprofile) echo nflxprofile2events ;;
	corpus/speedscope/*) echo speedscope2events ;;	# invalid/ too: speedscope2events judges
	corpus/trace-event/*) echo trace2events ;;
	perf/*.data) echo perf2events ;;
	perf/*.perf | perf/*.perf.gz | perf/*.perf.zst) echo perf2events ;;
	spans/*.json | spans/*.jsonl) echo spans2events ;;
	stacks/*.txt) echo stacks2events ;;
	wrongkind/otlp.json | wrongkind/spans.sqlite) echo spans2events ;;
	wrongkind/perf.txt | wrongkind/perf.data) echo perf2events ;;
	wrongkind/trace*.json) echo trace2events ;;
	wrongkind/callgrind.out) echo callgrind2events ;;
	wrongkind/profile.speedscope.json) echo speedscope2events ;;
	wrongkind/events.txt) echo pass-through ;;
	wrongkind/stacks.folded) echo folded2events ;;
	wrongkind/profile.pb.gz) echo pprof2events ;;
	wrongkind/profile.cpuprofile) echo cpuprofile2events ;;
	wrongkind/profile.nflxprofile) echo nflxprofile2events ;;
	wrongkind/program.elf) echo none ;;
	*) echo '?' ;;
	esac
}
in_process() {
	case $1 in
	perf2events | trace2events | cpuprofile2events | spans2events | callgrind2events | \
	folded2events | stacks2events | pprof2events | nflxprofile2events | speedscope2events) return 0 ;;
	esac
	return 1
}
detected() {	# the converter toevents --detect names for a file
	"$te" --detect "$1" 2>/dev/null | sed -n 's/.* -> \([a-z0-9-]*\): .*/\1/p'
}

# ---- every file of tests/data ----
find "$data" -type f | sort >"$tmp/files"
while read -r f; do
	rel=${f#"$data"/}
	want=$(expected "$rel")
	if [ "$want" = '?' ]; then
		bad "$rel: not in the table of tests/check.d/toevents.sh"
		continue
	fi
	got=$(detected "$f")
	[ "$got" = "$want" ] && ok || bad "$rel: detected as '$got', want '$want': $("$te" --detect "$f" 2>&1)"
	"$te" "$f" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$want" = none ]; then
		{ [ "$st" = 1 ] && [ ! -s "$tmp/out" ] &&
			grep -q -e 'not a profile toevents knows' -e 'looks like an ELF' "$tmp/err"; } && ok ||
			bad "$rel: not a profile: status $st, want 1, the error and nothing on stdout: $(head -c 300 "$tmp/err")"
	elif [ "$want" = pass-through ]; then
		{ [ "$st" = 0 ] && cmp -s "$f" "$tmp/out"; } && ok || bad "$rel: events not passed through (status $st)"
	elif in_process "$want"; then
		"$bin/$want" "$f" >"$tmp/ref" 2>"$tmp/referr"
		rst=$?
		{ [ "$st" = "$rst" ] && cmp -s "$tmp/out" "$tmp/ref" && cmp -s "$tmp/err" "$tmp/referr"; } && ok ||
			bad "$rel: toevents (status $st) differs from $want (status $rst)"
	elif [ -x "$bin/$want" ]; then
		"$bin/$want" "$f" >"$tmp/ref" 2>/dev/null
		rst=$?
		{ [ "$st" = "$rst" ] && cmp -s "$tmp/out" "$tmp/ref"; } && ok ||
			bad "$rel: toevents (status $st) differs from $want (status $rst)"
	else
		{ [ "$st" = 1 ] && grep -q "its converter $want is not installed" "$tmp/err"; } && ok ||
			bad "$rel: $want missing: status $st, want 1 and 'not installed': $(head -c 300 "$tmp/err")"
	fi
done <"$tmp/files"

# ---- stdin, pipes, gzip, zstd ----
same_but_input() {	# outputs equal but for the #input header
	grep -v '^#input ' "$1" >"$tmp/a"
	grep -v '^#input ' "$2" >"$tmp/b"
	cmp -s "$tmp/a" "$tmp/b"
}
# ---- speedscope2events runs in-process too: options and a long pipe ----
ss=$data/corpus/speedscope/0.6.0/two-sampled.speedscope.json
"$bin/speedscope2events" --strict "$ss" >"$tmp/ref" 2>"$tmp/referr"
rst=$?
"$te" -O speedscope2events:--strict -O folded2events:--comm "$ss" >"$tmp/out" 2>"$tmp/err"
st=$?
{ [ "$st" = "$rst" ] && cmp -s "$tmp/out" "$tmp/ref"; } && ok || bad "-O speedscope2events:--strict: status $st, differs from speedscope2events --strict (status $rst)"
# a speedscope file of several MB through a pipe: the head sniffed, the rest
# handed over, nothing lost
awk 'BEGIN { OFS = "\t"; print "#flamepipe-events 1"; print "E", "-", "cycles", "count"
	for (i = 0; i < 60000; i++) print "S", i / 1000, 1, 1 + i % 7, "-", "main", "cycles", 1, "main;f" i % 5000 ";g" i }' |
	"$bin/events2speedscope" >"$tmp/big.json" 2>/dev/null
"$bin/speedscope2events" "$tmp/big.json" >"$tmp/ref" 2>/dev/null
cat "$tmp/big.json" | "$te" >"$tmp/out" 2>"$tmp/err"
{ [ $? = 0 ] && [ "$(wc -c <"$tmp/big.json")" -gt 2000000 ] && same_but_input "$tmp/out" "$tmp/ref"; } && ok ||
	bad "speedscope, $(wc -c <"$tmp/big.json") bytes through a pipe differs from speedscope2events on the file: $(head -c 300 "$tmp/err")"

for rel in perf/fp.perf corpus/trace-event/simple.json corpus/cpuprofile/chrome-65/simple.cpuprofile \
	spans/otlp.jsonl corpus/callgrind/callgrind.example.log corpus/folded/simple-utf16-be.txt \
	stacks/dtrace-ustack.txt stacks/bpftrace-two-maps.txt corpus/speedscope/0.6.0/two-sampled.speedscope.json \
	wrongkind/events.txt; do
	f=$data/$rel
	conv=$(expected "$rel")
	if [ "$conv" = pass-through ]; then cp "$f" "$tmp/ref"; else "$bin/$conv" <"$f" >"$tmp/ref" 2>/dev/null; fi
	"$te" <"$f" >"$tmp/out" 2>"$tmp/err"
	{ [ $? = 0 ] && cmp -s "$tmp/out" "$tmp/ref"; } && ok || bad "$rel on stdin differs from $conv"
	cat "$f" | "$te" - >"$tmp/out" 2>"$tmp/err"
	{ [ $? = 0 ] && cmp -s "$tmp/out" "$tmp/ref"; } && ok || bad "$rel through a pipe differs from $conv"
	for z in gzip zstd; do
		command -v $z >/dev/null || continue
		$z -c "$f" >"$tmp/in.$z"
		"$te" "$tmp/in.$z" >"$tmp/out" 2>"$tmp/err"
		{ [ $? = 0 ] && same_but_input "$tmp/out" "$tmp/ref"; } && ok || bad "$rel, $z file: $(head -c 300 "$tmp/err")"
		$z -c "$f" | "$te" >"$tmp/out" 2>"$tmp/err"
		{ [ $? = 0 ] && cmp -s "$tmp/out" "$tmp/ref"; } && ok || bad "$rel, $z pipe: $(head -c 300 "$tmp/err")"
		"$te" --detect "$tmp/in.$z" | grep -q ", $z -> $conv: " && ok || bad "$rel: --detect does not say $z"
		n=$(wc -c <"$tmp/in.$z")
		for cut in 5 $((n / 2)); do
			head -c "$cut" "$tmp/in.$z" >"$tmp/cut"
			"$te" "$tmp/cut" >"$tmp/out" 2>"$tmp/err"
			st=$?
			{ [ "$st" = 1 ] && grep -q -i -e truncated -e corrupt -e 'unknown frame' -e 'not a profile' "$tmp/err"; } && ok ||
				bad "$rel, $z cut to $cut of $n bytes: status $st, want 1 and a message: $(head -c 300 "$tmp/err")"
		done
	done
done

# perf.data and SQLite need a file: compressed and piped ones are copied
pd=$data/perf/workload.data
"$bin/perf2events" "$pd" >"$tmp/ref" 2>/dev/null
rst=$?
zstd -q -c "$pd" | "$te" >"$tmp/out" 2>"$tmp/err"
st=$?
{ [ "$st" = "$rst" ] && same_but_input "$tmp/out" "$tmp/ref"; } && ok || bad "perf.data, zstd through a pipe: status $st (perf2events on the file: $rst): $(head -c 300 "$tmp/err")"
"$te" <"$pd" >"$tmp/out" 2>"$tmp/err"
st=$?
"$bin/perf2events" <"$pd" >"$tmp/ref" 2>/dev/null
{ [ "$st" = "$rst" ] && cmp -s "$tmp/out" "$tmp/ref"; } && ok || bad "perf.data on stdin differs from perf2events on stdin"
db=$data/wrongkind/spans.sqlite
"$bin/spans2events" "$db" >"$tmp/ref" 2>/dev/null
rst=$?
for how in stdin gzip; do
	if [ $how = stdin ]; then "$te" <"$db" >"$tmp/out" 2>"$tmp/err"; else gzip -c "$db" | "$te" >"$tmp/out" 2>"$tmp/err"; fi
	st=$?
	{ [ "$st" = "$rst" ] && same_but_input "$tmp/out" "$tmp/ref"; } && ok || bad "SQLite, $how: status $st (spans2events on the file: $rst): $(head -c 300 "$tmp/err")"
done

# ---- garbage, cut-off files, empty input ----
printf 'hello world\nthis is not a profile\n' >"$tmp/text"
awk 'BEGIN { srand(7); for (i = 0; i < 8192; i++) printf "%c", 1 + int(rand() * 255) }' >"$tmp/garbage"
printf '\0\0\0\0garbage' >>"$tmp/garbage"
for g in "$tmp/text" "$tmp/garbage" "$te"; do
	"$te" "$g" >"$tmp/out" 2>"$tmp/err"
	st=$?
	{ [ "$st" = 1 ] && [ ! -s "$tmp/out" ] && grep -q -F "$g" "$tmp/err"; } && ok ||
		bad "garbage $(basename "$g"): status $st, want 1, a message naming it, nothing on stdout"
done
grep -q 'it looked for a flamepipe events stream, perf script text' "$tmp/err" 2>/dev/null ||
	"$te" "$tmp/text" 2>&1 | grep -q 'it looked for a flamepipe events stream, perf script text' && ok ||
	bad "the unknown-input error does not list what toevents looked for"
head -c 3000 "$data/corpus/trace-event/chrome-70/worker.json" >"$tmp/cut.json"
"$te" "$tmp/cut.json" >"$tmp/out" 2>"$tmp/err"
st=$?
"$bin/trace2events" "$tmp/cut.json" >"$tmp/ref" 2>"$tmp/referr"
{ [ "$st" = $? ] && cmp -s "$tmp/out" "$tmp/ref" && cmp -s "$tmp/err" "$tmp/referr"; } && ok ||
	bad "a cut Trace Event file: toevents differs from trace2events"
: >"$tmp/empty"
"$te" "$tmp/empty" >"$tmp/out" 2>"$tmp/err"
st=$?
printf '#flamepipe-events 1\n#input %s\n' "$tmp/empty" >"$tmp/want"
{ [ "$st" = 0 ] && cmp -s "$tmp/out" "$tmp/want" && [ ! -s "$tmp/err" ]; } && ok || bad "empty input: status $st, want an empty stream"
printf '#flamepipe-events 1\nE\t-\tx\tcount' >"$tmp/nolf.events"
"$te" "$tmp/nolf.events" "$tmp/nolf.events" >"$tmp/out"
printf '#flamepipe-events 1\nE\t-\tx\tcount\n#flamepipe-events 1\nE\t-\tx\tcount\n' | cmp -s - "$tmp/out" && ok ||
	bad "events without a final newline: not ended before the next stream"

# ---- several files: one stream ----
set -- "$data/perf/fp.perf" "$data/corpus/folded/simple.txt" "$data/corpus/callgrind/callgrind.example.log" "$data/stacks/dtrace-ustack.txt"
"$te" "$@" >"$tmp/out" 2>"$tmp/err"
st=$?
{ "$bin/perf2events" "$1"; "$bin/folded2events" "$2"; "$bin/callgrind2events" "$3"; "$bin/stacks2events" "$4"; } >"$tmp/ref" 2>/dev/null
{ [ "$st" = 0 ] && cmp -s "$tmp/out" "$tmp/ref"; } && ok || bad "four files: not the concatenation of the converters' streams"
"$bin/events2folded" "$tmp/out" >/dev/null 2>"$tmp/err" && ok || bad "four files: events2folded cannot read the stream: $(head -c 300 "$tmp/err")"
"$te" "$data/perf/fp.perf" "$tmp/text" "$data/corpus/folded/simple.txt" >"$tmp/out" 2>"$tmp/err"
st=$?
{ "$bin/perf2events" "$data/perf/fp.perf"; "$bin/folded2events" "$data/corpus/folded/simple.txt"; } >"$tmp/ref" 2>/dev/null
{ [ "$st" = 1 ] && cmp -s "$tmp/out" "$tmp/ref" && grep -q -F "$tmp/text" "$tmp/err"; } && ok ||
	bad "an unknown file between two profiles: status $st, want 1, the others converted"

# ---- options for one converter ----
cg=$data/corpus/callgrind/callgrind.multiple-event-types.log
"$te" -O 'callgrind2events:--event=Memory_(bytes)' -O folded2events:--comm "$cg" >"$tmp/out" 2>"$tmp/err"
st=$?
"$bin/callgrind2events" '--event=Memory_(bytes)' "$cg" >"$tmp/ref" 2>/dev/null
{ [ "$st" = 0 ] && cmp -s "$tmp/out" "$tmp/ref" && grep -q 'Memory_(bytes)' "$tmp/out"; } && ok || bad "-O callgrind2events:--event: $(head -c 300 "$tmp/err")"
"$te" -O nosuch:--x "$cg" >"$tmp/out" 2>"$tmp/err"
st=$?
{ [ "$st" = 2 ] && [ ! -s "$tmp/out" ]; } && ok || bad "-O with an unknown converter: status $st, want 2"

check_done
