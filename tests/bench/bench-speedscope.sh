#!/bin/sh
# Benchmark of events2speedscope (issue 4): MiB/s of events in, output
# size and peak RSS, on the event stream of a >= 200 MB perf script text
# generated from real captures (tests/bench/gen-perf.sh), per thread and
# --merge, and on a stream of 1M samples whose consecutive stacks all
# differ (nothing to merge; 3 * 100 distinct frames). Prints figures;
# asserts nothing.
#   FP_BENCH_MB   size of the perf script text (default 480, which makes
#                 an event stream of about 200 MiB)
set -u
. "$(dirname "$0")/lib.sh"
bench_init speedscope "$@"
mb=${FP_BENCH_MB:-480}
bench_out=$tmp/out.json

bash "$here/gen-perf.sh" "$mb" - | "$bin/perf2events" >"$tmp/perf.events" 2>/dev/null
awk 'BEGIN {
	T = "\t"
	print "#flamepipe-events 1"
	print "E" T "-" T "cycles" T "period"
	for (i = 0; i < 1000000; i++)
		printf "S%s%d.%09d%s42%s42%s0%sbench%scycles%s1000%smain;a%d;b%d;c%d\n",
			T, i / 1000, (i % 1000) * 1000000, T, T, T, T, T, T, T, i % 100, int(i / 100) % 100, int(i / 10000)
}' >"$tmp/distinct.events"

# best of 3: wall seconds and peak RSS (KiB); figures for input $2
run() {
	label=$1 in=$2; shift 2
	bytes=$(wc -c <"$in")
	bench_floor "$in"
	bench_best3 "$label" "$@" "$in"
	bench_line "$label" "$bytes" "$(wc -c <"$tmp/out.json" | awk '{ printf "out %.1f MiB", $1 / 1048576 }')"
}
printf 'perf events: %d samples, %d threads\n' "$(grep -c '^S' "$tmp/perf.events")" \
	"$(awk -F'\t' '$1 == "S" { t[$3 "/" $4] = 1 } END { print length(t) }' "$tmp/perf.events")"
run "perf events, per thread" "$tmp/perf.events" "$bin/events2speedscope"
run "perf events, --merge" "$tmp/perf.events" "$bin/events2speedscope" --merge
run "perf events, --gzip" "$tmp/perf.events" "$bin/events2speedscope" --gzip
run "1M distinct consecutive stacks" "$tmp/distinct.events" "$bin/events2speedscope"
run "  events2folded, same input (reference)" "$tmp/distinct.events" "$bin/events2folded"
