#!/bin/sh
# nflxprofile-corpus.sh - nflxprofile2events against FlameScope's own reading
# of nflxprofile's fixture (tests/data/corpus/nflxprofile/nodejs1.*).
#
#  - flame graph: `nflxprofile2events | events2folded -r` equals
#    FlameScope's whole-profile flame graph byte for byte (the comm, the
#    node's function_name, is the root frame in both);
#  - one S record per sample, weights 1 (conservation);
#  - heat map: our cells equal the rows computed exactly from our sample
#    times (integer nanoseconds), and FlameScope's cells equal the rows
#    computed from the same times with FlameScope's double arithmetic
#    (row = rows - floor(rows * (ts % 1)) - 1): so our times are
#    FlameScope's, and the two cells where the heat maps differ (136087.3
#    and 136087.4 s, which FlameScope puts in the 280 and 380 ms rows) are
#    exactly its float rounding (formats.md §3.7 F1, heatmap-flamescope.sh).
set -u
bin=$(cd "${1:?usage: nflxprofile-corpus.sh BINDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
corpus=${FLAMEPIPE_CORPUS:-$here/../data/corpus}
dir=$corpus/nflxprofile
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-nflx.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
LC_ALL=C
export LC_ALL
pass=0 fail=0
ok() { pass=$((pass+1)); }
no() { fail=$((fail+1)); echo "FAIL $*"; }
ref=$dir/nodejs1.nflxprofile.flamescope-heatmap.txt

if [ ! -f "$dir/nodejs1.nflxprofile" ] || [ ! -f "$ref" ]; then
	no "corpus not found at $dir (set FLAMEPIPE_CORPUS)"
	echo "nflxprofile-corpus: $pass passed, $fail failed"
	exit 1
fi
"$bin/nflxprofile2events" "$dir/nodejs1.nflxprofile" >"$tmp/ev" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
	ok || no "nflxprofile2events failed or warned: $(cat "$tmp/err")"

# flame graph
"$bin/events2folded" -r "$tmp/ev" >"$tmp/ours.folded"
sed -n '/^# flamegraph/,$p' "$ref" | tail -n +2 | sort >"$tmp/fs.folded"
[ -s "$tmp/fs.folded" ] && cmp -s "$tmp/fs.folded" "$tmp/ours.folded" && ok ||
	{ no "flame graph differs from FlameScope's (< FlameScope, > ours)"; diff "$tmp/fs.folded" "$tmp/ours.folded" | head; }

# conservation: FlameScope's n= samples, each weighing 1
n=$(sed -n 's/^# offsets: n=\([0-9]*\) .*/\1/p' "$ref")
awk -F'\t' -v n="$n" '$1 == "S" { k++; w += $8 } END { exit !(k == n && w == n) }' "$tmp/ev" &&
	ok || no "want $n S records weighing $n in all"

# heat map
"$bin/heatmap" -l "$tmp/ev" | grep -v '^#' | awk -F'\t' '{ print $1, $2, $4 }' | sort >"$tmp/ours"
awk '/^# flamegraph/ { exit } !/^#/ { print $1, $2, $4 }' "$ref" | sort >"$tmp/fs"
awk -F'\t' '$1 == "S" { print $2 }' "$tmp/ev" | awk -v rows=50 '
	function fl(x) { return x == int(x) || x >= 0 ? int(x) : int(x) - 1 }
	NR == 1 { split($1, a, "."); s0 = a[1] + 0 }
	{ split($1, a, "."); sec = a[1] + 0; f = substr(a[2] "000000000", 1, 9) + 0
	  exact = rows - 1 - int(f * rows / 1000000000)
	  ts = $1 + 0; m = ts - fl(ts); float = rows - fl(rows * m) - 1
	  print sec - s0, exact, float }' >"$tmp/rows"
awk '{ n[$1 " " $2]++ } END { for (k in n) print k, n[k] }' "$tmp/rows" | sort >"$tmp/exact"
awk '{ n[$1 " " $3]++ } END { for (k in n) print k, n[k] }' "$tmp/rows" | sort >"$tmp/float"
[ -s "$tmp/ours" ] && cmp -s "$tmp/ours" "$tmp/exact" && ok ||
	{ no "heatmap cells differ from the exact rows of our times"; diff "$tmp/exact" "$tmp/ours"; }
[ -s "$tmp/fs" ] && cmp -s "$tmp/fs" "$tmp/float" && ok ||
	{ no "FlameScope's cells differ from its float rows of our times"; diff "$tmp/fs" "$tmp/float"; }
d=$(awk '$2 != $3' "$tmp/rows" | wc -l)
[ "$d" = 2 ] && ok || no "want 2 samples FlameScope's floats put in another row, got $d"
echo "nflxprofile-corpus: $pass passed, $fail failed"
[ "$fail" = 0 ]
