#!/bin/sh
# events2pprof.sh - events2pprof (docs/events2pprof.md) read back by
# pprof2events, by Google's pprof, by protoc and by speedscope
#
# usage: events2pprof.sh BINDIR
# Inputs: real perf captures through perf2events (frame pointers, DWARF
# with inline chains, two events), the committed Go profiles through
# pprof2events, and the golden streams (labels, several events, spans).
# Compared with what pprof can hold of the stream (pprof_view: frame
# kinds other than inlined dropped, a root frame not inlined). For each
# stream and each event E:
#  - round trip: `events2folded -n -e E` of the stream equals that of
#    `events2pprof | pprof2events` (every stack, every total; zero lines
#    left out: pprof2events writes no record for a zero value); with -t
#    (thread labels) the same with the thread roots (events2folded -t);
#  - Google's pprof (built offline, tests/lib/pprof.sh): the sum of the
#    sample type's values in `pprof -raw` equals events2folded's total of
#    E; the flat value per function (`pprof -top`) and the value per stack
#    (`pprof -traces`) equal the stream's (sample events; spans are self
#    times, which only events2folded computes);
#  - protoc --decode (protobuf-compiler) reads `events2pprof -u` against
#    common/proto/profile.proto, with the same sums per sample type;
#  - (speedscope's own pprof importer, in headless Chromium, is in
#    speedscope-browser.sh: case vertx-pprof)
#  - a terminal on stdout (script(1)) is refused: exit 2, a message.
set -u
. "$(dirname "$0")/../lib/check.sh"
. "$(dirname "$0")/../lib/pprof.sh"
check_init events2pprof "$@"

streams=
add() { streams="$streams $1"; }
for p in fp dwarf multi; do
	zstdcat "$root/tests/data/perf/$p.perf.zst" 2>/dev/null | "$bin/perf2events" >"$tmp/perf-$p.events" 2>/dev/null
	add "$tmp/perf-$p.events"
done
for p in cpu heap labels; do
	"$bin/pprof2events" "$root/tests/data/pprof/$p.pprof" >"$tmp/go-$p.events" 2>/dev/null
	add "$tmp/go-$p.events"
done
for g in several inline labels one; do add "$root/tests/golden/events2pprof/$g.events"; done

# the events of a stream, in order of first appearance: "EVENT KIND"
events_of() { awk -F'\t' '($1 == "S" || $1 == "O") && !($7 in s) { s[$7] = 1; print $7, $1 }' "$1"; }
# What pprof can hold of a stream: no frame kinds but inlined (and
# label), and no inlined frame without a caller (a root frame).
pprof_view() {
	awk -F'\t' 'BEGIN { OFS = FS } $1 ~ /^[SOCI]$/ { gsub(/`(unknown|jit|kernel|idle)/, "", $9)
		n = split($9, f, ";"); for (i = 1; i <= n && f[i] ~ /`label/; i++) ;
		if (i <= n) sub(/`inlined/, "", f[i]); s = f[1]; for (k = 2; k <= n; k++) s = s ";" f[k]; $9 = s }
		{ print }' "$1"
}
folded() { "$bin/events2folded" "$@" 2>/dev/null | grep -v ' 0$'; }
total() { folded -n -e "$2" "$1" | awk '{ s += $NF } END { printf "%.0f\n", s }'; }

have_pprof=0
pprof_build && have_pprof=1

for s in $streams; do
	b=$(basename "$s")
	pprof_view "$s" >"$tmp/view"
	if "$bin/events2pprof" "$s" >"$tmp/p.pb.gz" 2>"$tmp/err" && "$bin/pprof2events" "$tmp/p.pb.gz" >"$tmp/back" 2>>"$tmp/err"; then
		ok
	else
		no "$b: events2pprof | pprof2events failed"; cat "$tmp/err"; continue
	fi
	"$bin/events2pprof" -t "$s" 2>/dev/null | "$bin/pprof2events" >"$tmp/back-t" 2>/dev/null
	"$bin/events2pprof" -u "$s" >"$tmp/p.pb" 2>/dev/null
	[ "$have_pprof" = 1 ] && types "$tmp/p.pb.gz" >"$tmp/types"
	events_of "$s" >"$tmp/events"
	while read -r e kind; do
		folded -n -e "$e" "$tmp/view" >"$tmp/want"
		folded -n -e "$e" "$tmp/back" >"$tmp/got"
		if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then ok; else
			no "$b: $e: round trip changed the folded stacks (< stream, > round trip)"
			diff "$tmp/want" "$tmp/got" | head -n 6
		fi
		folded -t -e "$e" "$tmp/view" >"$tmp/want"
		folded -t -e "$e" "$tmp/back-t" >"$tmp/got"
		cmp -s "$tmp/want" "$tmp/got" && ok || { no "$b: $e: round trip with -t changed the stacks"; diff "$tmp/want" "$tmp/got" | head -n 6; }
		want=$(total "$s" "$e")
		i=$(awk -v e="$e" '$2 == e { print $1 }' "$tmp/types" 2>/dev/null)
		# protoc: the sum of value[i] over the samples
		if command -v protoc >/dev/null 2>&1; then
			k=$(grep -n "^$e " "$tmp/events" | cut -d: -f1)
			got=$(protoc --decode perftools.profiles.Profile -I "$root/common/proto" \
				"$root/common/proto/profile.proto" <"$tmp/p.pb" 2>/dev/null | awk -v k="$k" '
				/^sample \{/ { n = 0; in_s = 1 } in_s && /^  value:/ { if (++n == k) s += $2 }
				/^\}/ { in_s = 0 } END { printf "%.0f\n", s }')
			[ "$got" = "$want" ] && ok || no "$b: $e: protoc --decode sums to $got, events2folded to $want"
		fi
		[ "$have_pprof" = 1 ] || continue
		u=$(awk -v e="$e" '$2 == e { print $3 }' "$tmp/types")
		got=$(raw_sum "$tmp/p.pb.gz" "$i")
		[ -n "$i" ] && [ "$got" = "$want" ] && ok || no "$b: $e: pprof -raw sums to $got, events2folded to $want"
		[ "$kind" = S ] || continue	# spans: self times, which pprof does not compute
		pprof_flat "$tmp/p.pb.gz" "$e" "$u" >"$tmp/want"
		our_flat "$tmp/view" "$e" >"$tmp/got"
		if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then ok; else
			no "$b: $e: pprof -top flat per function differs from the stream's (< pprof, > stream)"
			diff "$tmp/want" "$tmp/got" | head -n 6
		fi
		pprof_traces "$tmp/p.pb.gz" "$e" "$u" >"$tmp/want"
		our_traces "$tmp/view" "$e" >"$tmp/got"
		if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then ok; else
			no "$b: $e: pprof -traces stacks differ from the stream's (< pprof, > stream)"
			diff "$tmp/want" "$tmp/got" | head -n 6
		fi
	done <"$tmp/events"
done
# a terminal on stdout: refused (exit 2), nothing binary written to it
if command -v script >/dev/null 2>&1; then
	script -qec "'$bin/events2pprof' '$root/tests/golden/events2pprof/one.events'" /dev/null >"$tmp/tty" 2>&1
	st=$?
	[ "$st" = 2 ] && grep -q 'not writing a binary profile to a terminal' "$tmp/tty" &&
		! grep -q "$(printf '\037')" "$tmp/tty" && ok || no "terminal: status $st, want 2 and the message"
fi
check_done
