#!/bin/sh
# timeslice properties:
#  1. on real perf captures, cut at sample times a < b < c (so samples sit
#     exactly on the cuts): slice(a,b) + slice(b,c) == slice(a,c) and
#     slice(-,b) + slice(b,-) == the whole stream (thread records S O C I,
#     byte for byte; metadata passes into every slice);
#     a sample exactly on b is in slice(b,c) only;
#  2. relative, -f and -a times select the same records when they name the
#     same instants (computed here in integer ns from the text);
#  3. on a generated span stream (3 threads, nested O/C): every slice is
#     balanced (per thread, each C closes the innermost open frame, nothing
#     is left open), and the self times of the slices add up to the self
#     times of the whole stream (events2folded);
#  4. with "#order sorted", reading stops at END (garbage after END is
#     never read), and --read-all reads it.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init timeslice-props "$@"
here=$(cd "$(dirname "$0")" && pwd)
corpus=${FLAMEPIPE_CORPUS:-$here/../data/corpus}
# thread records only: headers and metadata (E, T, P) pass into every slice
recs() { grep '^[SOCI]	' "$@"; }
ts() { "$bin/timeslice" "$@"; }

set -- "$here"/../data/perf/fp.perf "$here"/../data/perf/multi.perf.zst
for f in example-perf-stacks.txt.gz perf-iperf-stacks-pidtid-01.txt perf-numa-stacks-01.txt; do
	[ -f "$corpus/perf/flamegraph/inputs/$f" ] && set -- "$@" "$corpus/perf/flamegraph/inputs/$f"
done
for f in "$@"; do
	name=$(basename "$f")
	"$bin/perf2events" "$f" >"$tmp/ev" 2>/dev/null
	awk -F'\t' '$1 == "S" { print $2 }' "$tmp/ev" >"$tmp/times"
	n=$(wc -l <"$tmp/times")
	a=$(sed -n "$((n / 4 + 1))p" "$tmp/times")
	b=$(sed -n "$((n / 2 + 1))p" "$tmp/times")
	c=$(sed -n "$((n * 3 / 4 + 1))p" "$tmp/times")
	ts -a "$a" "$b" "$tmp/ev" | recs >"$tmp/ab"
	ts -a "$b" "$c" "$tmp/ev" | recs >"$tmp/bc"
	ts -a "$a" "$c" "$tmp/ev" | recs >"$tmp/ac"
	cat "$tmp/ab" "$tmp/bc" | cmp -s - "$tmp/ac" && ok || no "$name: slice($a,$b) + slice($b,$c) != slice($a,$c)"
	[ -s "$tmp/ab" ] && [ -s "$tmp/bc" ] && ok || no "$name: an empty slice ($a $b $c)"
	ts -a - "$b" "$tmp/ev" | recs >"$tmp/lo"
	ts -a "$b" - "$tmp/ev" | recs >"$tmp/hi"
	cat "$tmp/lo" "$tmp/hi" | cmp -s - "$(recs "$tmp/ev" >"$tmp/all"; echo "$tmp/all")" && ok ||
		no "$name: slice(-,$b) + slice($b,-) is not the stream"
	grep -q "^S	$b	" "$tmp/bc" && ! grep -q "^S	$b	" "$tmp/ab" && ok ||
		no "$name: the sample at $b is not in slice($b,$c) alone"
	# 2. relative and -f against -a, in integer ns (awk is exact below 2^53)
	first=$(awk -F'\t' '$1 ~ /^[SOCIPT]$/ && $2 != "-" { print $2; exit }' "$tmp/ev")
	set -- $(echo "$first $b $c" | awk '
		function ns(t,   a) { split(t, a, "."); return a[1] * 1000000000 + substr(a[2] "000000000", 1, 9) }
		function fmt(v) { return sprintf("%d.%09d", int(v / 1000000000), v % 1000000000) }
		{ o = ns($1); fl = int(o / 1000000000) * 1000000000
		  print fmt(ns($2) - o), fmt(ns($3) - o), fmt(ns($2) - fl), fmt(ns($3) - fl) }')
	ts "$1" "$2" "$tmp/ev" | recs >"$tmp/rel"
	ts -f "$3" "$4" "$tmp/ev" | recs >"$tmp/fs"
	cmp -s "$tmp/rel" "$tmp/bc" && ok || no "$name: relative $1 $2 != absolute $b $c"
	cmp -s "$tmp/fs" "$tmp/bc" && ok || no "$name: -f $3 $4 != absolute $b $c"
done

# 3. spans: 3 threads, random nesting, times in ms on a 1 ms grid
awk 'BEGIN {
	srand(7); print "#flamepipe-events 1"
	for (th = 1; th <= 3; th++) { depth[th] = 0 }
	for (t = 1000; t < 5000; t += 1 + int(rand() * 5)) {
		th = 1 + int(rand() * 3)
		if (depth[th] > 0 && (rand() < 0.45 || depth[th] >= 6)) {
			printf "C\t%d.%03d000000\t9\t%d\t-\tw%d\tspan\t-\t%s\n", t / 1000, t % 1000, th, th, st[th, depth[th]]
			depth[th]--
		} else {
			d = ++depth[th]
			st[th, d] = (d > 1 ? st[th, d - 1] ";" : "") "f" int(rand() * 4)
			printf "O\t%d.%03d000000\t9\t%d\t-\tw%d\tspan\t-\t%s\n", t / 1000, t % 1000, th, th, st[th, d]
		}
		if (rand() < 0.2)
			printf "S\t%d.%03d000000\t9\t%d\t-\tw%d\tcpu-clock\t1\t%s\n", t / 1000, t % 1000, th, th, "s"
	}
	for (th = 1; th <= 3; th++)
		for (d = depth[th]; d > 0; d--)
			printf "C\t5.000000000\t9\t%d\t-\tw%d\tspan\t-\t%s\n", th, th, st[th, d]
}' >"$tmp/spans"
balanced() {
	awk -F'\t' '
		$1 == "O" { k = $3 SUBSEP $4; s[k, ++d[k]] = $9 }
		$1 == "C" { k = $3 SUBSEP $4; if (d[k] == 0 || s[k, d[k]] != $9) { bad++; print "  unmatched: " $0 } else d[k]-- }
		END { for (k in d) if (d[k]) { bad++; print "  left open: " d[k] } exit bad > 0 }' "$1"
}
balanced "$tmp/spans" && ok || no "generated span stream is not balanced"
"$bin/events2folded" -e span "$tmp/spans" >"$tmp/whole.folded" 2>/dev/null
prev=-
: >"$tmp/concat"
for cut in 1.5 2.013 2.5 3 3.999 4.2 -; do
	ts -a "$prev" "$cut" "$tmp/spans" >"$tmp/slice"
	balanced "$tmp/slice" && ok || no "spans: slice($prev,$cut) is not balanced"
	recs "$tmp/slice" >>"$tmp/concat"
	prev=$cut
done
{ echo '#flamepipe-events 1'; cat "$tmp/concat"; } | "$bin/events2folded" -e span 2>/dev/null >"$tmp/concat.folded"
[ -s "$tmp/whole.folded" ] && cmp -s "$tmp/whole.folded" "$tmp/concat.folded" && ok ||
	{ no "spans: self times of the slices do not add up to the whole"; diff "$tmp/whole.folded" "$tmp/concat.folded" | head -n 5; }
# relative slicing on spans too (origin 1.000000000)
ts 0.5 1.5 "$tmp/spans" | recs >"$tmp/r"
ts -a 1.5 2.5 "$tmp/spans" | recs >"$tmp/a"
cmp -s "$tmp/r" "$tmp/a" && ok || no "spans: relative 0.5 1.5 != absolute 1.5 2.5"

# 4. early stop
{ echo '#flamepipe-events 1'; echo '#order sorted'; recs "$tmp/spans"; printf 'S\tgarbage\n'; } >"$tmp/sorted"
ts -a 2 3 "$tmp/sorted" >"$tmp/early" 2>"$tmp/early.err"
[ ! -s "$tmp/early.err" ] && ok || no "early stop: read past END: $(cat "$tmp/early.err")"
ts -a --read-all 2 3 "$tmp/sorted" >"$tmp/late" 2>"$tmp/late.err"
grep -q 'bad time\|too few' "$tmp/late.err" && ok || no "--read-all did not read to the end"
recs "$tmp/early" | cmp -s - "$(recs "$tmp/late" >"$tmp/late.r"; echo "$tmp/late.r")" && ok || no "early stop changed the records"
check_done
