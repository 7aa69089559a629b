#!/bin/sh
# Our own real perf captures (tests/data/perf, see its README):
# compressed inputs read like plain ones; inlined, kernel, JIT and
# multi-event content reaches the events stream and the folded output;
# every sample header becomes exactly one S record and folded totals equal
# the S weights (conservation).
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init perf-captures "$@"
data=$(cd "$(dirname "$0")/../data/perf" && pwd)
ev() { "$bin/perf2events" "$@" 2>>"$tmp/err" | grep -v '^#input '; }

# 1. .zst and .gz give the same stream as the plain text.
ev "$data/fp.perf" >"$tmp/plain"
ev "$data/fp.perf.zst" >"$tmp/zst"
ev "$data/fp.perf.gz" >"$tmp/gz"
ev - <"$data/fp.perf.zst" >"$tmp/stdin-zst"
[ -s "$tmp/plain" ] && cmp -s "$tmp/plain" "$tmp/zst" && ok || no "fp.perf.zst differs from fp.perf"
cmp -s "$tmp/plain" "$tmp/gz" && ok || no "fp.perf.gz differs from fp.perf"
cmp -s "$tmp/plain" "$tmp/stdin-zst" && ok || no "zstd on stdin differs"

# 2. Content: inlined frames (dwarf), kernel and JIT frames, two events (multi).
ev "$data/dwarf.perf.zst" >"$tmp/dwarf"
grep -q '`inlined' "$tmp/dwarf" && ok || no "dwarf: no inlined frames"
"$bin/events2folded" --inlined "$tmp/dwarf" | grep -q '_\[i\]' && ok || no "dwarf: no _[i] in folded output"
ev "$data/multi.perf.zst" >"$tmp/multi"
grep -q '`kernel' "$tmp/multi" && ok || no "multi: no kernel frames"
grep -q '`jit' "$tmp/multi" && ok || no "multi: no JIT frames"
[ "$(grep -c '^E	' "$tmp/multi")" -eq 2 ] && ok || no "multi: expected 2 events"
"$bin/events2folded" -e page-faults "$tmp/multi" >"$tmp/pf" 2>/dev/null
[ -s "$tmp/pf" ] && ok || no "multi: no page-faults samples folded"
"$bin/events2folded" "$tmp/plain" | grep -q '^my_worker;' && ok || no "fp: thread 'my worker' root missing"

# 3. Conservation per file and event: S records == sample headers in the
#    input, and sum(folded counts) == sum(S weights).
for f in fp.perf dwarf.perf.zst multi.perf.zst; do
	zstd -dcf "$data/$f" >"$tmp/text" 2>/dev/null || cat "$data/$f" >"$tmp/text"
	headers=$(grep -c '^[^ 	#].* [0-9]*\.[0-9]\{6,9\}: ' "$tmp/text")
	ev "$data/$f" >"$tmp/s"
	records=$(grep -c '^S	' "$tmp/s")
	[ "$headers" -eq "$records" ] && ok || no "$f: $headers sample headers, $records S records"
	for e in $(awk -F'\t' '$1 == "E" { print $3 }' "$tmp/s"); do
		want=$(awk -F'\t' -v e="$e" '$1 == "S" && $7 == e { s += $8 } END { print s + 0 }' "$tmp/s")
		got=$("$bin/events2folded" -e "$e" "$tmp/s" 2>/dev/null | awk '{ s += $NF } END { print s + 0 }')
		[ "$want" = "$got" ] && ok || no "$f event $e: S weights $want, folded $got"
	done
done
[ -s "$tmp/err" ] && { echo "unexpected stderr:"; cat "$tmp/err"; no "perf2events warned on real captures"; }
check_done
