#!/bin/sh
# folded.sh - folded2events (docs/folded.md): round trips, speedscope's
# readings, conservation
#
# usage: folded.sh BINDIR
#  - round trip: `folded2events --comm F | events2folded -r -a` is F byte
#    for byte for every folded output of stackcollapse-perf.pl in the
#    corpus (perf/flamegraph/expected*/: sorted, merged, the comm first,
#    annotated or not), and so is the gzip and zstd compressed F;
#  - weights: the S weights add up to the counts of F (conserve.sh);
#  - speedscope: for every tests/data/corpus/folded/F, `folded2events F |
#    events2folded -r -a` is speedscope's reading (F.speedscope-folded.txt,
#    lines summed per stack and sorted), and the S weights add up to its
#    totalWeight;
#  - a generated canonical file with awkward names round-trips the same way;
#  - --diff: a differential file made from F (counts c and 2c, a 0 in
#    every third line) gives back F's two sides with -e before / -e after;
#  - another format (JSON, an events stream, perf script text, bpftrace
#    output) is an error: exit 1, nothing on stdout.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init folded "$@"
. "$root/tests/lib/conserve.sh"
# the sum of the S weights of an events stream
weights() { awk -F'\t' '$1 == "S" { w += $8 } END { printf "%.0f\n", w }' "$1"; }

for f in "$corpus"/perf/flamegraph/expected*/*; do
	[ -f "$f" ] || continue
	name=$(basename "$(dirname "$f")")/$(basename "$f")
	if ! "$bin/folded2events" --comm "$f" >"$tmp/ev" 2>"$tmp/err"; then
		bad "$name: folded2events failed"; head -n 3 "$tmp/err"; continue
	fi
	[ -s "$tmp/err" ] && { bad "$name: messages"; head -n 3 "$tmp/err"; }
	"$bin/events2folded" -r -a "$tmp/ev" >"$tmp/rt" 2>"$tmp/err"
	if cmp -s "$f" "$tmp/rt"; then ok; else bad "$name: round trip differs"; diff "$f" "$tmp/rt" | head -n 6; fi
	[ "$(conserve_folded "$f")" = "$(weights "$tmp/ev")" ] && ok ||
		bad "$name: weights $(weights "$tmp/ev"), counts $(conserve_folded "$f")"
done

# compressed input reads the same (one file is enough)
f=$corpus/perf/flamegraph/expected/perf-vertx-stacks-01-collapsed-all.txt
if [ -f "$f" ]; then
	"$bin/folded2events" --comm "$f" | sed 1,5d >"$tmp/plain"
	gzip -c "$f" >"$tmp/f.gz"
	"$bin/folded2events" --comm "$tmp/f.gz" | sed 1,5d >"$tmp/gz"
	cmp -s "$tmp/plain" "$tmp/gz" && ok || bad "gzip input differs"
	if command -v zstd >/dev/null 2>&1; then
		zstd -q -c "$f" >"$tmp/f.zst"
		"$bin/folded2events" --comm "$tmp/f.zst" | sed 1,5d >"$tmp/zst"
		cmp -s "$tmp/plain" "$tmp/zst" && ok || bad "zstd input differs"
	fi
fi

for f in "$corpus"/folded/*.txt; do
	case $f in *.speedscope-folded.txt) continue ;; esac
	ref=$f.speedscope-folded.txt
	[ -f "$ref" ] || continue
	name=folded/$(basename "$f")
	"$bin/folded2events" "$f" >"$tmp/ev" 2>"$tmp/err"
	st=$?
	[ $st = 0 ] && ok || { bad "$name: status $st"; head -n 3 "$tmp/err"; }
	"$bin/events2folded" -r -a "$tmp/ev" >"$tmp/ours"
	sed '1,/^folded (grouped/d' "$ref" | awk '{ n = $NF; sub(/ [0-9]+$/, ""); w[$0] += n }
		END { for (s in w) print s " " w[s] }' | sort >"$tmp/theirs"
	if cmp -s "$tmp/ours" "$tmp/theirs"; then ok; else
		bad "$name: differs from speedscope's reading (< speedscope, > ours)"
		diff "$tmp/theirs" "$tmp/ours" | head -n 6
	fi
	total=$(sed -n 's/.* totalWeight=\([0-9]*\) .*/\1/p' "$ref" | head -n 1)
	[ "$total" = "$(weights "$tmp/ev")" ] && ok ||
		bad "$name: weights $(weights "$tmp/ev"), speedscope's total $total"
done

# a generated canonical file with awkward names round-trips too: spaces,
# backslashes, backquotes, quotes, brackets, [unknown], annotations,
# UTF-8 and bytes that are not UTF-8 (sorted and merged in byte order)
awk 'BEGIN {
	srand(7)
	split("main|do work|a\\b|mod`fn|\"quoted\"|[unknown]|f_[k]|g_[j]|h_[i]|w_[w]|--|caf\303\251|bad\377byte|x+0x1a|(anonymous namespace)::f()|std::function<int (int)>::operator()|-", n, "|")
	for (i = 0; i < 3000; i++) {
		d = 1 + int(rand() * 8); s = ""
		for (j = 0; j < d; j++) s = s (j ? ";" : "") n[1 + int(rand() * 17)]
		print s " " int(rand() * 1000)
	}
}' | sort | awk '{ c = $NF; k = $0; sub(/ [0-9]+$/, "", k)
	if (k == prev) { sum += c } else { if (NR > 1) print prev " " sum; prev = k; sum = c } }
	END { print prev " " sum }' >"$tmp/gen"
"$bin/folded2events" "$tmp/gen" 2>"$tmp/err" | "$bin/events2folded" -r -a >"$tmp/rt"
if cmp -s "$tmp/gen" "$tmp/rt" && [ ! -s "$tmp/err" ]; then ok; else
	bad "generated canonical file: round trip differs"; diff "$tmp/gen" "$tmp/rt" | head -n 6; head -n 3 "$tmp/err"
fi

# --diff: both sides come back
f=$corpus/perf/flamegraph/expected/perf-dd-stacks-01-collapsed-all.txt
if [ -f "$f" ]; then
	awk '{ n = $NF; s = $0; sub(/ [0-9]+$/, "", s); a = NR % 3 ? n : 0
		print s " " a " " 2 * n }' "$f" >"$tmp/diff"
	awk '{ n = $NF; s = $0; sub(/ [0-9]+$/, "", s); if (NR % 3) print s " " n }' "$f" >"$tmp/want-before"
	awk '{ n = $NF; s = $0; sub(/ [0-9]+$/, "", s); print s " " 2 * n }' "$f" >"$tmp/want-after"
	"$bin/folded2events" --comm --diff "$tmp/diff" >"$tmp/ev" 2>"$tmp/err" && [ ! -s "$tmp/err" ] && ok ||
		{ bad "--diff: status or messages"; head -n 3 "$tmp/err"; }
	"$bin/events2folded" -r -a -e before "$tmp/ev" 2>/dev/null >"$tmp/before"
	"$bin/events2folded" -r -a -e after "$tmp/ev" 2>/dev/null >"$tmp/after"
	cmp -s "$tmp/before" "$tmp/want-before" && ok || bad "--diff: the before side differs"
	cmp -s "$tmp/after" "$tmp/want-after" && ok || bad "--diff: the after side differs"
	# without --diff every line ends in two numbers: a warning says so
	"$bin/folded2events" --comm "$tmp/diff" 2>"$tmp/err" >/dev/null
	grep -q 'use --diff' "$tmp/err" && ok || bad "no --diff hint for a differential file"
fi

# other formats: exit 1, nothing on stdout, a message naming the format
other() { refused folded2events "$@"; }
other json '{"traceEvents": [\n' JSON
other json-array '[{"name": "a", "ph": "X"}]\n' JSON
other events '#flamepipe-events 1\nE\t-\tcycles\tperiod\n' 'events stream'
other perf 'perf 1234 [000] 417.502694: 250000 cycles: \n\tffffffff8100 do_syscall_64+0x1 ([kernel.kallsyms])\n' 'perf script'
other perf-no-event 'dd 22901/22901 417.502694:\n\t7f00 write (/lib/libc.so.6)\n' 'perf script'
other bpftrace 'Attaching 2 probes...\n\n@[\n    do_syscall_64+70\n]: 3\n' bpftrace
other bpftrace-map '@[dd]: 1\n' bpftrace

check_done
