#!/bin/sh
# Benchmark of events2pprof and pprof2events (issue 13): MiB/s of input
# (by CPU seconds, user + sys: the machine is shared) and peak RSS.
#  - events2pprof on the event stream of a >= 200 MB perf script text
#    generated from real captures (tests/bench/gen-perf.sh), next to
#    events2speedscope on the same stream;
#  - pprof2events reading events2pprof's profile of it (small: the
#    profile is aggregated), and a large one: 1M samples whose stacks all
#    differ (3 * 100 distinct frames, files and lines, two events, thread
#    labels), so the figure is MiB/s of protobuf, not of gzip.
# Prints figures; asserts nothing.
#   FP_BENCH_MB      size of the perf script text (default 480, which makes
#                    an event stream of about 200 MiB)
#   FP_BENCH_EVENTS  an events file to use instead of generating one
set -u
. "$(dirname "$0")/lib.sh"
bench_init pprof "$@"
bench_by=cpu
mb=${FP_BENCH_MB:-480}
events=${FP_BENCH_EVENTS:-}
if [ -z "$events" ]; then
	events=$tmp/perf.events
	bash "$here/gen-perf.sh" "$mb" - | "$bin/perf2events" >"$events" 2>/dev/null
fi
awk 'BEGIN {
	T = "\t"
	print "#flamepipe-events 1"
	print "E" T "-" T "cycles" T "period"
	print "E" T "-" T "cpu-clock" T "nanoseconds"
	for (i = 0; i < 1000000; i++)
		printf "S%s%d.%09d%s42%s%d%s0%sbench%s%s%s1000%smain`file=m.c`line=1;a%d`file=a%d.c`line=%d;b%d`dso=/lib/b.so`addr=%x;c%d\n",
			T, i / 1000, (i % 1000) * 1000000, T, T, i % 7, T, T, T, (i % 2 ? "cycles" : "cpu-clock"), T, T,
			i % 100, i % 100, i % 1000, int(i / 100) % 100, 4096 + i % 10000, int(i / 10000)
}' >"$tmp/distinct.events"

# best of 3 by CPU seconds: MiB/s of input per CPU second, peak RSS
run() {
	label=$1 in=$2; shift 2
	bytes=$(wc -c <"$in")
	bench_floor "$in"
	bench_best3 "$label" "$@" "$in"
	bench_line "$label" "$bytes" "$(printf 'out %.2f MiB' "$(echo "$(wc -c <"${bench_out:-/dev/null}") / 1048576" | bc -l)")"
}
printf 'perf events: %d samples, %d threads\n' "$(grep -c '^S' "$events")" \
	"$(awk -F'\t' '$1 == "S" { t[$3 "/" $4] = 1 } END { print length(t) }' "$events")"
bench_out=$tmp/perf.pb.gz run "events2pprof, perf events" "$events" "$bin/events2pprof"
bench_out=$tmp/perf-t.pb.gz run "events2pprof -t, perf events" "$events" "$bin/events2pprof" -t
bench_out=$tmp/perf.pb run "events2pprof -u, perf events" "$events" "$bin/events2pprof" -u
bench_out=$tmp/out.json run "events2speedscope, perf events" "$events" "$bin/events2speedscope"
bench_out=$tmp/distinct.pb run "events2pprof -u -t, 1M distinct stacks" "$tmp/distinct.events" "$bin/events2pprof" -u -t
bench_out=$tmp/out.events run "pprof2events, perf profile (plain)" "$tmp/perf.pb" "$bin/pprof2events"
bench_out=$tmp/out.events run "pprof2events, 1M distinct samples (plain)" "$tmp/distinct.pb" "$bin/pprof2events"
gzip -1 -c "$tmp/distinct.pb" >"$tmp/distinct.pb.gz"
bench_out=$tmp/out.events run "pprof2events, 1M distinct samples (gzip)" "$tmp/distinct.pb.gz" "$bin/pprof2events"
