#!/bin/sh
# bench-trace.sh - trace2events and eventsort on a generated Trace Event file
# (tests/bench/gen-trace.sh: 64 threads, X events in completion order).
# Prints MiB/s of input and peak RSS (/usr/bin/time %M); asserts nothing.
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

# run LABEL INPUT-BYTES COMMAND...: elapsed, MiB/s, peak RSS
run() {
	label=$1 in=$2
	shift 2
	bench_once "$label" /dev/null "$@"
	awk -v l="$label" -v b="$in" -v ns="$ns" -v rss="$rss" 'BEGIN {
		s = ns / 1e9; printf "%-28s %8.1f MiB in %6.2f s  %7.1f MiB/s  peak RSS %6.1f MiB\n",
		l, b / 1048576, s, b / 1048576 / s, rss / 1024 }'
}

run "trace2events" "$bytes" sh -c "'$bin/trace2events' '$tmp/t.json' >'$tmp/t.events'"
evbytes=$(wc -c <"$tmp/t.events")
rm -f "$tmp/t.json"
run "eventsort (sort -S 32M)" "$evbytes" sh -c "'$bin/eventsort' -T '$tmp' '$tmp/t.events' >/dev/null"
du -sh "$tmp" | awk '{ print "disk used by the inputs: " $1 }'
