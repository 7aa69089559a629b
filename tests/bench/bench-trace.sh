#!/bin/sh
# bench-trace.sh - trace2events and eventsort on a generated Trace Event file
# (tests/bench/gen-trace.sh: 64 threads, X events in completion order),
# with the floors: `cat | cat` of each input, and for trace2events yajl's
# own parse of the same file with empty callbacks (yajl-floor.c, built
# here). Prints figures (bench_line); asserts nothing.
# usage: bench-trace.sh BINDIR      size: FLAMEPIPE_BENCH_TRACE_MB (default 1024)
# Needs about 2.5 times the size in free space under ${TMPDIR:-/tmp}.
set -u
. "$(dirname "$0")/lib.sh"
bench_init trace "$@"
mb=${FLAMEPIPE_BENCH_TRACE_MB:-1024}
LC_ALL=C
export LC_ALL

sh "$here/gen-trace.sh" "$mb" >"$tmp/t.json" 2>/dev/null
bytes=$(wc -c <"$tmp/t.json")
# the floor of trace2events: yajl alone, empty callbacks, the same blocks
floor=
if cc -std=c11 -O2 -o "$tmp/yajl-floor" "$here/yajl-floor.c" $(pkg-config --cflags --libs yajl) 2>"$tmp/err"; then
	floor=$tmp/yajl-floor
else
	echo "yajl-floor: not built"; cat "$tmp/err"
fi

bench_floor "$tmp/t.json"
# best of 3 each (one run varies by 20% on a shared VM); trace2events
# writes to /dev/null as yajl does: writing 540 MiB into the page cache
# (a file) costs it 0.7 to 1.4 s of system time yajl never pays
if [ -n "$floor" ]; then
	bench_best3 "yajl, empty callbacks" "$floor" "$tmp/t.json"
	yajl_s=$best yajl_cpu=$bcpu
	bench_line "yajl, empty callbacks" "$bytes"
fi
bench_best3 "trace2events" "$bin/trace2events" "$tmp/t.json"
vs_yajl=
[ -z "$floor" ] || vs_yajl=$(echo "$yajl_s $best $yajl_cpu $bcpu" |
	awk '{ printf "%.2f of yajl'"'"'s speed (wall), %.2f (CPU)", $1 / $2, $3 / $4 }')
bench_line "trace2events" "$bytes" "$vs_yajl"
"$bin/trace2events" "$tmp/t.json" >"$tmp/t.events"	# eventsort's input
evbytes=$(wc -c <"$tmp/t.events")
rm -f "$tmp/t.json"
bench_floor "$tmp/t.events"
bench_once "eventsort" /dev/null sh -c "'$bin/eventsort' -T '$tmp' '$tmp/t.events' >/dev/null"
bench_line "eventsort" "$evbytes"
du -sh "$tmp" | awk '{ print "disk used by the inputs: " $1 }'
