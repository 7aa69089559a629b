#!/bin/sh
# A generated Trace Event file (tests/bench/gen-trace.sh: 64 threads, X
# events in completion order, children before parents) converts in bounded
# memory and nests correctly:
#  - trace2events' peak RSS stays under 32 MiB (it is independent of the
#    input size: nothing of the document is kept);
#  - eventsort (with sort -S 16M, so sort(1) must merge from disk) and its
#    sort child stay under 64 MiB;
#  - eventsort --check accepts the result;
#  - the folded self times are exactly what the generator built (the
#    generator's task count, times the per-task nanoseconds).
# Size: FLAMEPIPE_TRACE_MB (default 50); the 1 GB run is in tests/bench.
# usage: trace-event-large.sh BINDIR
set -u
bin=$(cd "${1:?usage: trace-event-large.sh BINDIR}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
mb=${FLAMEPIPE_TRACE_MB:-50}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-large.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
LC_ALL=C
export LC_ALL
ok() { pass=$((pass+1)); }
no() { fail=$((fail+1)); echo "FAIL $*"; }

nice sh "$here/bench/gen-trace.sh" "$mb" >"$tmp/t.json" 2>"$tmp/gen" || { echo "FAIL generator"; exit 1; }
tasks=$(sed -n 's/^tasks //p' "$tmp/gen")
nice /usr/bin/time -f %M -o "$tmp/rss1" "$bin/trace2events" "$tmp/t.json" >"$tmp/t.events" 2>"$tmp/err1" &&
	ok || no "trace2events failed: $(cat "$tmp/err1")"
nice /usr/bin/time -f %M -o "$tmp/rss2" "$bin/eventsort" -S 16M -T "$tmp" "$tmp/t.events" >"$tmp/s.events" 2>"$tmp/err2" &&
	ok || no "eventsort failed: $(cat "$tmp/err2")"
rss1=$(tail -n 1 "$tmp/rss1") rss2=$(tail -n 1 "$tmp/rss2")
echo "trace-event-large: ${mb} MiB, $tasks tasks: trace2events peak RSS ${rss1} KiB, eventsort+sort ${rss2} KiB"
# ASan's allocator keeps redzones and a quarantine of freed memory: the
# bounds mean nothing there (bounds.sh and eventmerge.sh skip them too)
if nm "$bin/eventsort" 2>/dev/null | grep -q __asan_init; then
	echo "NOTE trace-event-large: built with ASan, the RSS bounds are not checked"
else
	[ "$rss1" -le 32768 ] && ok || no "trace2events used ${rss1} KiB > 32 MiB"
	[ "$rss2" -le 65536 ] && ok || no "eventsort used ${rss2} KiB > 64 MiB"
fi
"$bin/eventsort" --check "$tmp/s.events" && ok || no "eventsort --check rejects the sorted stream"
"$bin/eventsort" --check "$tmp/t.events" 2>/dev/null && no "eventsort --check accepts the unsorted stream" || ok
nice "$bin/events2folded" -n "$tmp/s.events" >"$tmp/folded" 2>"$tmp/err3" || no "events2folded failed"
awk -v n="$tasks" 'BEGIN { printf "root %.0f\nroot;a %.0f\nroot;a;b %.0f\nroot;c %.0f\n", 30000*n, 20000*n, 10000*n, 40000*n }' >"$tmp/want"
if cmp -s "$tmp/want" "$tmp/folded"; then ok; else no "folded self times"; diff "$tmp/want" "$tmp/folded" | head -n 5; fi
[ -s "$tmp/err1" ] && no "trace2events warned: $(head -n 3 "$tmp/err1")" || ok
echo "trace-event-large: $pass passed, $fail failed"
[ "$fail" = 0 ]
