#!/bin/sh
# eventdiff properties (docs/eventdiff.md), on real captures
# (tests/data/perf/*, perf2events) compared pairwise:
#  1. conservation: the totals in the report are the sums of the S weights
#     of the compared event in each input (awk); the --folded columns add
#     up to the same totals; every function's raw self weights add up to
#     the totals too;
#  2. --folded's BASE column is events2folded --no-comm --no-inlined of
#     BASE, stack for stack (the NEW column likewise of NEW);
#  3. a stream against itself: every change +0.00, status same, and
#     --fail-above=0 exits 0; swapping BASE and NEW negates every change;
#  4. total >= self for every function and total <= the side's total
#     (recursion counted once per stack);
#  5. --fail-above: exit 3 exactly when some row's self change (all rows,
#     -n 0) exceeds PCT; the FAIL lines name those functions.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init eventdiff "$@"
here=$(cd "$(dirname "$0")" && pwd)
t() { if "$@"; then ok; else no "$desc"; fi; }
rows() { grep -v -e '^#' -e '^self.change' "$1"; }

caps="fp.perf multi.perf.zst dwarf.perf.zst sideband.perf.zst sideband-none.perf.zst"
for c in $caps; do
	"$bin/perf2events" "$here/../data/perf/$c" >"$tmp/$c.ev" 2>/dev/null
done
# pairs of captures of one event
for pair in cpu-clock:pppH,fp.perf,dwarf.perf.zst cpu-clock,multi.perf.zst,sideband.perf.zst \
	cpu-clock,sideband.perf.zst,sideband-none.perf.zst cpu-clock,sideband-none.perf.zst,multi.perf.zst; do
	IFS=, read -r e a b <<PAIR
$pair
PAIR
	A=$tmp/$a.ev B=$tmp/$b.ev
	"$bin/eventdiff" -e "$e" -n 0 "$A" "$B" >"$tmp/r" 2>"$tmp/err"
	st=$?
	desc="$a vs $b: exit 0 ($st)"; t test "$st" = 0
	for side in base new; do
		f=$A; [ $side = new ] && f=$B
		want=$(awk -F'\t' -v e="$e" '$1 == "S" && $7 == e { w += $8 } END { print w + 0 }' "$f")
		got=$(awk -F'\t' -v s="$side" '$1 == "# " s { sub(/^total /, "", $3); print $3 }' "$tmp/r")
		desc="$a vs $b: the $side total in the report ($got) is the input's ($want), not 0"
		t test "$got" = "$want" -a "$want" -gt 0
		col=7; [ $side = new ] && col=8
		sum=$(rows "$tmp/r" | awk -F'\t' -v c=$col '{ s += $c } END { print s + 0 }')
		desc="$a vs $b: raw $side self weights add up to the total ($sum)"; t test "$sum" = "$want"
	done
	"$bin/eventdiff" -e "$e" --folded "$A" "$B" >"$tmp/fo"
	for side in base new; do
		f=$A; col=2; [ $side = new ] && { f=$B; col=1; }
		"$bin/events2folded" -e "$e" --no-comm --no-inlined "$f" >"$tmp/want" 2>/dev/null
		awk -v c=$col '{ n = split($0, w, " "); v = w[n - c + 1]; if (v != 0) { sub(/ [-0-9]+ [-0-9]+$/, ""); print $0 " " v } }' "$tmp/fo" >"$tmp/got"
		desc="$a vs $b: --folded's $side column is events2folded --no-comm --no-inlined"; t cmp -s "$tmp/want" "$tmp/got"
	done
	desc="$a vs $b: total >= self, total <= the side's total"
	tb=$(awk -F'\t' '$1 == "# base" { sub(/^total /, "", $3); print $3 }' "$tmp/r")
	tn=$(awk -F'\t' '$1 == "# new" { sub(/^total /, "", $3); print $3 }' "$tmp/r")
	t test "$(rows "$tmp/r" | awk -F'\t' -v tb="$tb" -v tn="$tn" '$9 < $7 || $10 < $8 || $9 > tb || $10 > tn' | wc -l)" = 0
	"$bin/eventdiff" -e "$e" -n 0 "$B" "$A" >"$tmp/r2"
	desc="$a vs $b: swapping BASE and NEW negates every change"
	rows "$tmp/r" | awk -F'\t' '{ print $12 "\t" $1 "\t" $4 }' | sort >"$tmp/x"
	rows "$tmp/r2" | awk -F'\t' '{ for (i = 1; i <= 4; i += 3) { s = $i; if (s == "+0.00") {} else if (s ~ /^\+/) sub(/^\+/, "-", s); else sub(/^-/, "+", s); $i = s } print $12 "\t" $1 "\t" $4 }' FS='\t' | sort >"$tmp/y"
	t cmp -s "$tmp/x" "$tmp/y"
	# --fail-above at the largest self change: exit 0 at it, 3 just below
	top=$(rows "$tmp/r" | awk -F'\t' '$1 ~ /^\+/ { v = substr($1, 2) + 0; if (v > m) m = v } END { printf "%.2f", m }')
	if [ "$top" != 0.00 ]; then
		below=$(awk -v t="$top" 'BEGIN { printf "%.2f", t - 0.01 }')
		"$bin/eventdiff" -e "$e" -n 0 --fail-above="$below" "$A" "$B" >"$tmp/r3" 2>"$tmp/e3"
		st=$?
		n=$(rows "$tmp/r" | awk -F'\t' -v p="$below" '$1 ~ /^\+/ && substr($1, 2) + 0 > p + 0.005' | wc -l)
		desc="$a vs $b: --fail-above=$below: exit 3 ($st), $n FAIL lines and $n messages"
		t test "$st" = 3 -a "$(grep -c '^# FAIL' "$tmp/r3")" = "$n" -a "$(grep -c 'share grew' "$tmp/e3")" = "$n"
		above=$(awk -v t="$top" 'BEGIN { printf "%.2f", t + 0.01 }')
		"$bin/eventdiff" -e "$e" --fail-above="$above" "$A" "$B" >"$tmp/r3" 2>"$tmp/e3"
		st=$?
		desc="$a vs $b: --fail-above=$above: exit 0 ($st), ok line"; t test "$st" = 0 -a "$(grep -c '^# ok' "$tmp/r3")" = 1
	fi
done
for c in $caps; do
	"$bin/eventdiff" -n 0 --fail-above=0 "$tmp/$c.ev" "$tmp/$c.ev" >"$tmp/r" 2>"$tmp/err"
	st=$?
	desc="$c against itself: exit 0 ($st) with --fail-above=0"; t test "$st" = 0
	desc="$c against itself: every change +0.00, status same"
	t test "$(rows "$tmp/r" | awk -F'\t' '$1 != "+0.00" || $4 != "+0.00" || $11 != "same"' | wc -l)" = 0 -a "$(rows "$tmp/r" | wc -l)" -gt 3
done
check_done
