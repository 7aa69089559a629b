#!/bin/sh
# Benchmark of events2html: the generated 200 MB perf stream
# (tests/bench/gen-perf.sh 480 MB of perf script text, through perf2events;
# /tmp/perf208.events is reused when it is there) and the largest real perf
# capture in the repository, next to events2folded (which reads the same
# model) and `cat | cat` (the floor). Prints MiB/s (CPU: user + sys, the machine may be shared),
# CPU seconds, peak RSS and the size of the page. Asserts nothing.
#   FP_BENCH_HTML_EVENTS  an events file to use instead
set -u
. "$(dirname "$0")/lib.sh"
bench_init html "$@"
ev=${FP_BENCH_HTML_EVENTS:-/tmp/perf208.events}
if [ ! -s "$ev" ]; then
	ev=$tmp/perf208.events
	bash "$here/gen-perf.sh" 480 - | "$bin/perf2events" 2>/dev/null >"$ev"
fi
size=$(wc -c <"$ev")
printf 'input: %d MiB events, %s samples\n' $((size >> 20)) "$(grep -c '^S' "$ev")"
bench_floor "$ev"
bench_once "events2folded (reference)" "$ev" "$bin/events2folded"
bench_report "events2folded (reference)" "$size"
bench_once "events2html" "$ev" "$bin/events2html"
bench_report "events2html" "$size"
printf '  page: %d bytes (%.2f MiB)\n' "$outbytes" "$(echo "$outbytes / 1048576" | bc -l)"
# the largest real capture in the repository with timed samples (there
# is no 30 MB one: the largest, perf-vertx-stacks-01.txt, has no times)
for real in $(ls -S "$here"/../data/corpus/perf/flamegraph/inputs/perf-* "$here"/../data/corpus/perf/flamescope/perf.*); do
	"$bin/perf2events" "$real" 2>/dev/null >"$tmp/real.events"
	awk -F'\t' '$1 == "S" && $2 != "-" { f = 1; exit } END { exit !f }' "$tmp/real.events" && break
done
rsize=$(wc -c <"$tmp/real.events")
bench_once "events2html $(basename "$real")" "$tmp/real.events" "$bin/events2html"
bench_report "events2html $(basename "$real")" "$rsize"
printf '  page: %d bytes from %d bytes of perf script (%d of events)\n' "$outbytes" "$(wc -c <"$real")" "$rsize"
