#!/bin/sh
# Every callgrind file of tests/data/corpus/callgrind: the folded stacks of
# `callgrind2events -e EVENT | events2folded -n` against speedscope's
# reading (*.speedscope-folded.txt, one profile per event), and the total
# against the functions' self costs. The differences are deliberate and
# documented in docs/callgrind.md §5; this test states each one exactly:
#
#  - cfn-reset: gamma (self 10) is called from alpha and from delta with an
#    inclusive cost of 10 each; speedscope gives both calls 10 (gamma 20,
#    total 50), we split gamma's self cost 5 + 5 (total 40 = the self costs).
#  - multiple-event-types: speedscope converts Time_(10ns) to nanoseconds
#    (x10); we keep the file's units (the unit is the event's name).
#  - subposition-compression: the file writes costs as `*`, `+N`, `-N`,
#    which the format allows for position columns only; speedscope decodes
#    them relative to the previous cost, we skip and report those 3 lines
#    (13, 16, 24), leaving main's self cost 20.
# Then a generated file 10 times longer than another with the same call
# graph must not take more memory (bounded by the graph, not the file).
# usage: callgrind-corpus.sh BINDIR [CORPUS]
set -u
bin=$1
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${2:-$here/data/corpus/callgrind}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-cgcorpus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
LC_ALL=C
export LC_ALL
if [ ! -d "$corpus" ]; then
	echo "callgrind-corpus: no corpus at $corpus" >&2
	exit 1
fi
ok() { pass=$((pass+1)); }
no() { fail=$((fail+1)); echo "FAIL callgrind-corpus: $*"; }

# "stack weight" lines: sum equal stacks, divide, sort
sum_sorted() {
	awk -v div="$1" '{ w = $NF; sub(/ [^ ]*$/, ""); s[$0] += w }
		END { for (k in s) { if (s[k] % div) print "NOT-WHOLE " k; printf "%s %d\n", k, s[k] / div } }' |
		sort
}

# what we expect instead of speedscope's stacks (the documented differences)
expected() {	# NAME PROFILE-INDEX < speedscope's folded lines
	case $1 in
	callgrind.cfn-reset.log)
		sed -e 's/^alpha;gamma 10$/alpha;gamma 5/' -e 's/^alpha;delta;gamma 10$/alpha;delta;gamma 5/' ;;
	callgrind.subposition-compression.log)
		cat >/dev/null; echo "main 20" ;;
	*)
		cat ;;
	esac
}

for ref in $(find "$corpus" -name '*.speedscope-folded.txt' | sort); do
	in=${ref%.speedscope-folded.txt}
	name=$(basename "$in")
	events=$(sed -n 's/^events: *//p' "$in" | head -n 1)
	i=0
	for ev in $events; do
		div=1
		unit=$(sed -n "s/^profile\\[$i\\] .* unit=\\([^ ]*\\) .*/\\1/p" "$ref")
		case $ev in Time_\(10ns\)) [ "$unit" = nanoseconds ] && div=10 ;; esac
		awk -v p="profile[$i]" 'index($0, p) == 1 { on = 1; getline; next } /^profile\[/ { on = 0 } on && NF' "$ref" |
			sum_sorted "$div" | expected "$name" "$i" | sort >"$tmp/theirs"
		if ! "$bin/callgrind2events" -e "$ev" "$in" >"$tmp/ev" 2>"$tmp/err"; then
			no "$name $ev: callgrind2events failed: $(head -n 3 "$tmp/err")"
			i=$((i + 1))
			continue
		fi
		"$bin/events2folded" -n "$tmp/ev" | sum_sorted 1 >"$tmp/ours"
		if cmp -s "$tmp/theirs" "$tmp/ours"; then ok; else
			no "$name $ev: folded stacks differ from speedscope's (beyond docs/callgrind.md §5)"
			diff "$tmp/theirs" "$tmp/ours" | head -n 10
		fi
		# our total is the sum of the self costs (the cost lines after fn=)
		want=$(awk -v col="$i" '/^(fn|fl|fi|fe|ob)=/ { fn = 1 } /^calls=/ { call = 1; next }
			/^[0-9]/ { if (call) { call = 0; next } if (fn) s += $(col + 2) }
			END { printf "%d", s }' "$in")
		got=$(awk -F'\t' '$1 == "S" { s += $8 } END { printf "%d", s }' "$tmp/ev")
		[ "$want" = "$got" ] && ok || no "$name $ev: total $got, self costs $want"
		# the skipped lines are reported, nothing else is said
		case $name in
		callgrind.subposition-compression.log)
			want_err="13 16 24" ;;
		*)
			want_err="" ;;
		esac
		got_err=$(sed -n 's/^callgrind2events: [^:]*:\([0-9]*\): bad cost line$/\1/p' "$tmp/err" | tr '\n' ' ' | sed 's/ $//')
		[ "$got_err" = "$want_err" ] && ok || no "$name $ev: reported lines '$got_err', expected '$want_err'"
		i=$((i + 1))
	done
done
# memory is bounded by the call graph, not the file: 10x the cost lines
# of the same 50 functions (500 000 and 5 000 000 lines) through a pipe
gen() {
	awk -v n="$1" 'BEGIN { print "events: Ir"; print "fl=(1) a.c"
		for (i = 0; i < n; i++)
			printf "fn=(%d)%s\n%d 7\ncfn=(%d)%s\ncalls=1 +3\n+1 5\n", i % 50 + 1, (i < 50 ? " f" i % 50 : ""),
				i % 1000 + 1, (i + 1) % 50 + 1, (i < 49 ? " f" (i + 1) % 50 : "") }'
}
if [ -x /usr/bin/time ]; then
	for n in 100000 1000000; do
		gen $n | /usr/bin/time -f %M -o "$tmp/rss.$n" "$bin/callgrind2events" --lines >"$tmp/big.ev" 2>/dev/null
	done
	small=$(tail -n 1 "$tmp/rss.100000") big=$(tail -n 1 "$tmp/rss.1000000")
	got=$(awk -F'\t' '$1 == "S" { s += $8 } END { printf "%d", s }' "$tmp/big.ev")
	# the self costs: 7 per fn= block; the calls' 5 are inclusive, not self
	[ "$got" = 7000000 ] && ok || no "generated file: total $got, want 7000000"
	[ $((big - small)) -lt 2048 ] && ok || no "memory grows with the file: $small KiB for 0.5M lines, $big KiB for 5M"
else
	echo "callgrind-corpus: no /usr/bin/time: memory bound not measured"
fi
echo "callgrind-corpus: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
