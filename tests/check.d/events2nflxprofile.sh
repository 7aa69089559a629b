#!/bin/sh
# events2nflxprofile.sh - events2nflxprofile on real inputs (docs/nflxprofile.md §4.4)
#
#  - round trip: `events2nflxprofile -e EVENT | nflxprofile2events` gives
#    every sample of EVENT back, in order, with its time to the nanosecond
#    (the format's precision for times below 2^23 s), pid, tid, CPU, COMM,
#    weight (as event "value" when a weight is not 1) and frames (names,
#    and the one kind the libtype keeps: inlined, kernel or jit);
#  - protoc --decode reads the output against upstream's .proto (required
#    fields required) and sees every sample;
#  - FlameScope: tests/lib/flamescope-nflx.py reads the file as FlameScope
#    and nflxprofile's get_flame_graph do (python3-protobuf); its heat map
#    equals `heatmap -i -e EVENT -l` (FlameScope has no idle filter for an
#    nflxprofile) and its flame graph of several ranges equals
#    `timeslice -f S E | events2folded -r -c --no-inlined` (it counts
#    samples; its folded text by events2folded's rules: a comm's spaces as
#    _, ';' in a name as ':'), on the stream without dso= and addr=, which
#    the format has no place for (an unknown frame stays [unknown]);
#  - times far from 0 (epoch seconds) come back within half a double's ulp;
#  - inputs over the 64 KiB in-memory part spill and come back whole;
#  - a terminal on stdout is refused: exit 2, a message.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init events2nflxprofile "$@"
# a terminal on stdout: refused (exit 2, as events2pprof), nothing written to it
if command -v script >/dev/null 2>&1; then
	printf '#flamepipe-events 1\nS\t1.000000000\t1\t1\t0\tapp\tcpu\t1\tmain\n' >"$tmp/one.ev"
	script -qec "'$bin/events2nflxprofile' '$tmp/one.ev'" /dev/null >"$tmp/tty" 2>&1
	st=$?
	[ "$st" = 2 ] && grep -q 'not writing a binary nflxprofile to a terminal' "$tmp/tty" &&
		! grep -q 'main' "$tmp/tty" && ok || no "terminal: status $st, want 2 and the message"
fi
py=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import google.protobuf' 2>/dev/null; then
		py=$p
		break
	fi
done
have=0
command -v protoc >/dev/null 2>&1 && [ -n "$py" ] && have=1
check_needs $have "needs protoc and python3 with google.protobuf (Debian protobuf-compiler python3-protobuf)" ||
	{ echo "events2nflxprofile: skipped (no protoc or python3-protobuf)"; check_done; exit; }

# upstream's .proto: ours with the required fields required again (formats.md §8.1)
sed -e 's/optional string file_name = 1/required string file_name = 1/' \
	-e 's/optional string function_name = 1/required string function_name = 1/' \
	-e 's/optional double start_time/required double start_time/' \
	-e 's/optional double end_time/required double end_time/' \
	-e 's/optional uint32 hit_count/required uint32 hit_count/' \
	"$root/common/proto/nflxprofile.proto" >"$tmp/nflxprofile.proto"
protoc --python_out="$tmp" -I "$tmp" "$tmp/nflxprofile.proto" || no "protoc --python_out failed"
fs() { "$py" "$root/tests/lib/flamescope-nflx.py" "$tmp" "$@"; }

# S records of event $2 in $1 as "time pid tid cpu comm weight stack",
# frames as name`kind with the kind the libtype keeps.
norm() {
	awk -F'\t' -v ev="$2" -v anyev="${3:-}" '
	$1 == "S" && ($7 == ev || anyev != "") {
		n = split($9, f, ";"); s = ""
		for (i = 1; i <= n; i++) {
			k = split(f[i], a, "`"); kind = ""
			for (j = 2; j <= k; j++) {
				if (a[j] == "inlined") kind = "inlined"
				else if (a[j] == "kernel" && kind != "inlined") kind = "kernel"
				else if (a[j] == "jit" && kind == "") kind = "jit"
			}
			s = s (i > 1 ? ";" : "") a[1] (kind != "" ? "`" kind : "")
		}
		print $2, $3, $4, $5, $6, $8, s
	}' "$1"
}

# roundtrip NAME EVENTS EVENT: every check on one events stream and event
roundtrip() {
	name=$1 ev=$2 event=${3:-$(awk -F'\t' '$1 == "S" { print $7; exit }' "$2")}
	"$bin/events2nflxprofile" -e "$event" "$ev" >"$tmp/$name.pb" 2>"$tmp/$name.err" ||
		{ no "$name: events2nflxprofile failed: $(cat "$tmp/$name.err")"; return; }
	"$bin/nflxprofile2events" "$tmp/$name.pb" >"$tmp/$name.back" 2>"$tmp/$name.err2" &&
		[ ! -s "$tmp/$name.err2" ] && ok || no "$name: nflxprofile2events failed or warned: $(cat "$tmp/$name.err2")"
	norm "$ev" "$event" >"$tmp/$name.want"
	norm "$tmp/$name.back" - any >"$tmp/$name.got"
	n=$(wc -l <"$tmp/$name.want")
	[ "$n" -gt 0 ] && cmp -s "$tmp/$name.want" "$tmp/$name.got" && ok ||
		{ no "$name: round trip differs ($n samples; < in, > back)"; diff "$tmp/$name.want" "$tmp/$name.got" | head -5; }
	# protoc reads it against upstream's .proto
	d=$(protoc --decode nflxprofile.Profile -I "$tmp" "$tmp/nflxprofile.proto" <"$tmp/$name.pb" 2>"$tmp/$name.perr" |
		grep -c '^samples:')
	[ "$d" = "$n" ] && ok || no "$name: protoc --decode sees $d samples, want $n: $(head -c 300 "$tmp/$name.perr")"
	# FlameScope's heat map
	fs "$tmp/$name.pb" heatmap 50 >"$tmp/$name.fsh" || no "$name: flamescope-nflx.py heatmap failed"
	"$bin/heatmap" -i -l -e "$event" "$ev" 2>/dev/null | grep -v '^#' |
		awk -F'\t' '{ print $1, $2, $4 }' | sort >"$tmp/$name.hm"
	grep -v '^#' "$tmp/$name.fsh" | sort >"$tmp/$name.fsh.cells"
	[ -s "$tmp/$name.hm" ] && cmp -s "$tmp/$name.hm" "$tmp/$name.fsh.cells" && ok ||
		{ no "$name: heat map differs from FlameScope's (< heatmap, > FlameScope)"; diff "$tmp/$name.hm" "$tmp/$name.fsh.cells" | head -5; }
	# FlameScope's flame graphs of ranges: the whole file, the first
	# second, a half second, one cell, and an empty range
	# the format has no dso= and addr= (events2folded names an unknown
	# frame after its dso): the stream without them
	awk 'BEGIN { FS = OFS = "\t" } $1 == "S" { gsub(/`(dso|addr)=[^`;]*/, "", $9) } { print }' "$ev" >"$tmp/$name.nodso"
	last=$(tail -n 1 "$tmp/$name.hm" | cut -d' ' -f1)
	cell=$("$bin/heatmap" -i -l -e "$event" "$ev" 2>/dev/null | grep -v '^#' | sed -n 3p | cut -f5,6)
	[ -n "$cell" ] || cell="0 1"
	for range in "0 $((last + 1))" "0 1" "0.5 1" "$(echo "$cell" | tr '\t' ' ')" "0.001 0.001"; do
		set -- $range
		fs "$tmp/$name.pb" flamegraph "$1" "$2" >"$tmp/$name.fsf" || no "$name: flamescope-nflx.py flamegraph failed"
		"$bin/timeslice" -f -e "$event" "$1" "$2" "$tmp/$name.nodso" 2>/dev/null |
			"$bin/events2folded" -r -c --no-inlined 2>/dev/null >"$tmp/$name.ours"
		cmp -s "$tmp/$name.fsf" "$tmp/$name.ours" && ok ||
			{ no "$name: range $1 $2: flame graph differs from FlameScope's (< FlameScope, > timeslice | events2folded)"
			  diff "$tmp/$name.fsf" "$tmp/$name.ours" | head -5; }
	done
	# conservation of weights
	a=$(awk -F'\t' -v e="$event" '$1 == "S" && $7 == e { w += $8 } END { print w + 0 }' "$ev")
	b=$(awk -F'\t' '$1 == "S" { w += $8 } END { print w + 0 }' "$tmp/$name.back")
	[ "$a" = "$b" ] && ok || no "$name: weights $a in, $b back"
}

for f in fp dwarf; do
	"$bin/perf2events" "$root/tests/data/perf/$f.perf.zst" >"$tmp/$f.ev" 2>/dev/null
	roundtrip "$f" "$tmp/$f.ev"
done
"$bin/perf2events" "$root/tests/data/perf/multi.perf.zst" >"$tmp/multi.ev" 2>/dev/null
for e in $(awk -F'\t' '$1 == "S" { print $7 }' "$tmp/multi.ev" | sort -u); do
	roundtrip "multi-$e" "$tmp/multi.ev" "$e"
done
"$bin/nflxprofile2events" "$corpus/nflxprofile/nodejs1.nflxprofile" >"$tmp/nodejs1.ev" 2>/dev/null
roundtrip nodejs1 "$tmp/nodejs1.ev" samples
# the fixture's own bytes: the same samples and stacks as upstream's file
"$bin/nflxprofile2events" "$tmp/nodejs1.pb" | grep -v '^#input' >"$tmp/n2"
grep -v '^#input' "$tmp/nodejs1.ev" >"$tmp/n1"
cmp -s "$tmp/n1" "$tmp/n2" && ok || no "nodejs1: nflxprofile2events of ours differs from of upstream's"

# several MiB of samples: the streams spill to temporary files
bash "$root/tests/bench/gen-perf.sh" 12 - 2>/dev/null | "$bin/perf2events" 2>/dev/null >"$tmp/big.ev"
roundtrip big "$tmp/big.ev"

# epoch times: within half an ulp of the double (2^-22 s / 2 = 119.2 ns)
{
	echo '#flamepipe-events 1'
	awk 'BEGIN { for (i = 0; i < 3000; i++)
		printf "S\t%d.%09d\t1\t1\t0\tapp\tcpu\t1\tmain;f%d\n", 1764500000 + int(i / 7),
			(i * 123456789) % 1000000000, i % 5 }' | sort -t "$(printf '\t')" -k2,2n
} >"$tmp/epoch.ev"
"$bin/events2nflxprofile" "$tmp/epoch.ev" >"$tmp/epoch.pb" 2>/dev/null
fs "$tmp/epoch.pb" times | awk '{ print $1 }' >"$tmp/epoch.fst"
# (ns as text: seconds and nanoseconds apart, awk's doubles hold neither whole)
awk -F'\t' '$1 == "S" { split($2, a, "."); print a[1], a[2] }' "$tmp/epoch.ev" | paste -d' ' - "$tmp/epoch.fst" |
	awk '{ l = length($3); d = (substr($3, 1, l - 9) - $1) * 1e9 + (substr($3, l - 8) - $2)
		if (d < 0) d = -d; if (d > m) m = d; n++ } END { print n + 0, m + 0 }' >"$tmp/epoch.err"
read -r n m <"$tmp/epoch.err"
[ "$n" = 3000 ] && [ "$m" -le 120 ] && [ "$m" -gt 0 ] && ok ||
	no "epoch times: $n samples, largest error $m ns (want 3000, 0 < error <= 120)"
check_done
