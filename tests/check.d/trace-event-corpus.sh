#!/bin/sh
# Every file under tests/data/corpus/trace-event: the self time per leaf
# function from `trace2events -a | eventsort | events2folded -n -r` must
# equal speedscope 1.25.0's reading (*.speedscope-folded.txt, MANIFEST.md
# §3), except for the differences listed below, each explained.
#
# Comparison: per leaf frame name, the sum of self weights over all
# profiles (threads) of the file, in nanoseconds (speedscope's µs x 1000).
# Self time per leaf is what both tools agree on even where they build
# different stacks (speedscope stacks "(program)" and "(garbage
# collector)" samples on the previous sample's stack; we put them at the
# root, as the profile's tree says). Names: speedscope shows an anonymous
# V8 function as "(anonymous FILE:LINE)", events2folded as "(anonymous)"
# (the location is in the frame's file=/line= attributes); both are
# compared as "(anonymous)". Idle time is left out on both sides: speedscope
# opens no frame for "(idle)" and for V8's "native dummy.js" placeholder.
# When the trace has samples (P events, the samples array, V8 profiles)
# speedscope reads only those, so we fold the sample event; else the spans.
# usage: trace-event-corpus.sh BINDIR [CORPUS]
set -u
bin=$(cd "${1:?usage: trace-event-corpus.sh BINDIR}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${2:-$here/data/corpus/trace-event}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-trace.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
LC_ALL=C
export LC_ALL
if [ ! -d "$corpus" ]; then
	echo "trace-event-corpus: no corpus at $corpus" >&2
	exit 1
fi

# FILE  FRAME  SPEEDSCOPE-NS  OURS-NS  (- = absent); the reasons:
#  bex-interaction: a B/E span and an X span with the same interval: the one
#    that begins first in the file encloses the other (Perfetto's and
#    catapult's file order); speedscope puts B/E outside X, so it reads D;C
#    where we read C;D.
#  mismatched-name: "E beta" matches no open B and is ignored; "B alpha"
#    never ends, so it ends at its thread's last time (10 µs), like
#    events2folded's unclosed spans; speedscope drops the whole profile.
#  zero-duration-events: "E C" comes before "B C" at the same ts: in file
#    order (catapult, Perfetto) it matches nothing, and B C lasts to the end
#    of the thread; speedscope reorders same-ts E events to match the stack.
#  chrome-116: 7 negative timeDeltas. We move a sample whose time goes back
#    to the previous sample's time (each sample weighs the time to the next;
#    the weights stay disjoint and add up to the elapsed time). speedscope
#    first merges runs of identical samples, then clamps only at stack
#    changes, which gives another 219 µs of (program) to (idle).
expected_diffs() {
	cat <<'TAB'
bex-interaction.json	C	2000	-
bex-interaction.json	D	-	2000
mismatched-name.json	alpha	-	10000
zero-duration-events.json	A	10000	2000
zero-duration-events.json	C	-	8000
chrome-116/Trace-20230603T221323.json	(program)	9312000	9531000
TAB
}

leaf='{ w = $NF; s = $0; sub(/ [^ ]*$/, "", s); n = split(s, f, ";"); l = f[n]
	sub(/^\(anonymous .*\)$/, "(anonymous)", l); t[l] += w * SCALE }
	END { for (k in t) if (t[k] != 0) printf "%s\t%.0f\n", k, t[k] }'

expected_diffs >"$tmp/expected"
cd "$corpus" || exit 1
for f in *.json */*.json; do
	[ -e "$f.speedscope-folded.txt" ] || continue
	if ! "$bin/trace2events" -a "$f" 2>"$tmp/err1" | "$bin/eventsort" >"$tmp/ev" 2>"$tmp/err2"; then
		echo "FAIL $f: the pipeline failed"; cat "$tmp/err1" "$tmp/err2"
		fail=$((fail+1)); continue
	fi
	ev=$(awk -F'\t' '$1 == "S" { print $7; exit }' "$tmp/ev")
	if [ -n "$ev" ]; then
		"$bin/events2folded" -n -r -e "$ev" "$tmp/ev"
	else
		"$bin/events2folded" -n -r "$tmp/ev"
	fi 2>/dev/null | grep -v '^(idle)\|^\[no frames\]' | awk -v SCALE=1 "$leaf" | sort >"$tmp/ours"
	awk '/^folded/ { on = 1; next } /^profile/ { on = 0 } on && NF' "$f.speedscope-folded.txt" |
		awk -v SCALE=1000 "$leaf" | sort >"$tmp/ref"
	# the differences, as FILE FRAME REF OURS lines
	join -t "$(printf '\t')" -a 1 -a 2 -e - -o 0,1.2,2.2 "$tmp/ref" "$tmp/ours" |
		awk -F'\t' -v f="$f" '$2 != $3 { print f "\t" $1 "\t" $2 "\t" $3 }' >"$tmp/diff"
	grep -F "$f	" "$tmp/expected" >"$tmp/want" || true
	if [ ! -s "$tmp/ref" ] && [ ! -s "$tmp/ours" ]; then
		echo "FAIL $f: nothing to compare"; fail=$((fail+1))
	elif cmp -s "$tmp/diff" "$tmp/want"; then
		pass=$((pass+1))
	else
		echo "FAIL $f: per-function self times differ from speedscope's (FILE FRAME SPEEDSCOPE OURS)"
		diff "$tmp/want" "$tmp/diff" | head -n 10
		fail=$((fail+1))
	fi
done
echo "trace-event-corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
