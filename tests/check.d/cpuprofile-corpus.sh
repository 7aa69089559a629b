#!/bin/sh
# Every .cpuprofile of tests/data/corpus/cpuprofile: the folded stacks of
# `cpuprofile2events | events2folded` (weights in µs) equal speedscope's
# reading (*.speedscope-folded.txt, lines with the same stack summed), with
# and the total is speedscope's nonIdle weight. With --raw, the same after
# cutting speedscope's stacks below (program) and (garbage collector).
#
# One documented difference (docs/cpuprofile.md): speedscope ends every
# frame at the last sample, so the last sample weighs 0 there; ours lasts
# until the old format's extra timestamp or, like DevTools, the mean sample
# interval. This test drops the last S record before folding, which proves
# it is the only difference, and checks that the dropped weight is exactly
# that (extra timestamp or mean interval).
# usage: cpuprofile-corpus.sh BINDIR [CORPUS]
set -u
bin=$1
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${2:-$here/data/corpus/cpuprofile}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-cpuprofile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
LC_ALL=C
export LC_ALL
if [ ! -d "$corpus" ]; then
	echo "cpuprofile-corpus: no corpus at $corpus" >&2
	exit 1
fi
ok() { pass=$((pass+1)); }
no() { fail=$((fail+1)); echo "FAIL cpuprofile-corpus: $*"; }

# "stack weight" lines: sum equal stacks, sort
sum_sorted() {
	awk -v div="$1" '{ w = $NF; sub(/ [^ ]*$/, ""); s[$0] += w }
		END { for (k in s) { if (s[k] % div) print "NOT-WHOLE " k; printf "%s %d\n", k, s[k] / div } }' |
		sort
}

for ref in $(find "$corpus" -name '*.cpuprofile.speedscope-folded.txt' | sort); do
	in=${ref%.speedscope-folded.txt}
	name=${in#"$corpus"/}
	if ! "$bin/cpuprofile2events" "$in" >"$tmp/ev" 2>"$tmp/err"; then
		no "$name: cpuprofile2events failed: $(head -n 3 "$tmp/err")"
		continue
	fi
	# drop the last sample (speedscope gives it no weight)
	awk -F'\t' '{ l[NR] = $0 } $1 == "S" { last = NR } END { for (i = 1; i <= NR; i++) if (i != last) print l[i] }' \
		"$tmp/ev" >"$tmp/ev-trim"
	sed '1,/^folded/d' "$ref" | sum_sorted 1 >"$tmp/theirs"
	# --raw: (program) and (garbage collector) are top-level stacks of their own
	sed '1,/^folded/d' "$ref" | sed 's/^.*;\((program)\|(garbage collector)\) /\1 /' |
		sum_sorted 1 >"$tmp/theirs--raw"
	for opt in "" --raw; do
		# shellcheck disable=SC2086
		"$bin/cpuprofile2events" $opt "$in" |
			awk -F'\t' '{ l[NR] = $0 } $1 == "S" { last = NR } END { for (i = 1; i <= NR; i++) if (i != last) print l[i] }' |
			"$bin/events2folded" | sum_sorted 1000 >"$tmp/ours"
		if cmp -s "$tmp/theirs$opt" "$tmp/ours"; then ok; else
			no "$name ${opt:-default}: folded stacks differ from speedscope's"
			diff "$tmp/theirs$opt" "$tmp/ours" | head -n 10
		fi
	done
	# total = speedscope's nonIdle
	want=$(sed -n 's/.* nonIdle=\([0-9]*\).*/\1/p' "$ref" | head -n 1)
	got=$(awk -F'\t' '$1 == "S" { s += $8 } END { printf "%d", s / 1000 }' "$tmp/ev-trim")
	[ "$want" = "$got" ] && ok || no "$name: total $got µs, speedscope nonIdle $want"
	# the dropped last sample: extra timestamp (old format) or mean interval
	last=$(awk -F'\t' '$1 == "S" { w = $8 } END { print w }' "$tmp/ev")
	if grep -q '"head"' "$in"; then
		want=$(tr -d ' \n' <"$in" | sed 's/.*"timestamps":\[\([^]]*\)\].*/\1/' | tr ',' '\n' |
			tail -n 2 | awk 'NR == 1 { a = $1 } NR == 2 { printf "%d", ($1 - a) * 1000 }')
	else
		want=$(awk -F'\t' '$1 == "S" { split($2, t, "."); ns = t[1] * 1000000000 + t[2]; if (!n++) first = ns; lastt = ns }
			END { printf "%d", (lastt - first) / (n - 1) }' "$tmp/ev")
	fi
	[ "$last" = "$want" ] && ok || no "$name: last sample weighs $last ns, expected $want"
done
echo "cpuprofile-corpus: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
