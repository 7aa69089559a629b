#!/bin/sh
# pprof-go.sh - pprof2events on real Go profiles, against Google's pprof
#
# usage: pprof-go.sh BINDIR
# Needs Debian's golang-go and golang-github-google-pprof-dev (make
# test-deps), both used offline (GO111MODULE=off): it builds
# tests/data/pprof/prog.go, runs it to write a fresh CPU profile (with
# pprof.Do labels) and a heap profile, and builds the pprof command from
# the Debian sources as the oracle. Without them it skips, but under
# CI=true their absence is a failure. For each fresh profile, the committed
# ones (tests/data/pprof/*.pprof) and the corpus' simple.prof, and for each
# sample type:
#  - conservation: the sum of the type's values over `pprof -raw`'s
#    samples equals the sum of our S weights of that event;
#  - flat totals: per function, `pprof -top` (every node, exact units)
#    equals the weights of our samples whose leaf frame is that function.
#    pprof names an unsymbolized location by its mapping, "[libc.so.6]";
#    we keep its address as the frame name (0x7f0000012345`dso=...), so
#    the comparison maps ours to pprof's name; pprof marks inlined
#    functions " (inline)", we with the `inlined kind;
#  - stacks: per whole stack (root to leaf, inlined frames marked), the
#    values of `pprof -traces` equal our weights (label frames left out:
#    pprof prints labels apart; zero values left out: we write none).
set -u
. "$(dirname "$0")/../lib/check.sh"
. "$(dirname "$0")/../lib/pprof.sh"
check_init pprof-go "$@"
done_() { check_done; exit; }

pprof_build || done_
(cd "$root/tests/data/pprof" && go build -o "$tmp/prog" prog.go) 2>"$tmp/build.err" && ok ||
	{ cat "$tmp/build.err"; no "cannot build prog.go"; done_; }
"$tmp/prog" cpu "$tmp/fresh-cpu.pprof" 2>/dev/null && "$tmp/prog" heap "$tmp/fresh-heap.pprof" 2>/dev/null &&
	ok || no "prog.go did not write its profiles"

for f in "$tmp"/fresh-cpu.pprof "$tmp"/fresh-heap.pprof "$root"/tests/data/pprof/*.pprof \
	"$corpus"/pprof/simple.prof; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	"$bin/pprof2events" "$f" >"$tmp/ev" 2>"$tmp/err" || { no "$b: pprof2events failed"; cat "$tmp/err"; continue; }
	types "$f" >"$tmp/types"
	[ -s "$tmp/types" ] && ok || no "$b: pprof -raw shows no sample types"
	while read -r i t u; do
		want=$(raw_sum "$f" "$i")
		got=$(awk -F'\t' -v ev="$t" '$1 == "S" && $7 == ev { s += $8 } END { printf "%.0f\n", s }' "$tmp/ev")
		[ "$want" = "$got" ] && ok || no "$b: $t: pprof -raw sums to $want, our weights to $got"
		pprof_flat "$f" "$t" "$u" >"$tmp/want"
		our_flat "$tmp/ev" "$t" >"$tmp/got"
		if cmp -s "$tmp/want" "$tmp/got"; then ok; else
			no "$b: $t: flat per function differs from pprof -top (< pprof, > ours)"
			diff "$tmp/want" "$tmp/got" | head -n 10
		fi
		pprof_traces "$f" "$t" "$u" >"$tmp/want"
		our_traces "$tmp/ev" "$t" >"$tmp/got"
		if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then ok; else
			no "$b: $t: stacks differ from pprof -traces (< pprof, > ours)"
			diff "$tmp/want" "$tmp/got" | head -n 10
		fi
	done <"$tmp/types"
done
# the fresh CPU profile has the pprof.Do labels as root frames
grep -q 'worker=alpha`label' "$tmp/ev" 2>/dev/null ||
	"$bin/pprof2events" "$tmp/fresh-cpu.pprof" 2>/dev/null | grep -q 'worker=alpha`label' && ok ||
	no "fresh CPU profile: no worker=alpha label frame"
done_
