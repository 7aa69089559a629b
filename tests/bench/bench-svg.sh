#!/bin/sh
# Benchmark of events2svg (issue 14): MiB/s of events in (CPU seconds,
# user + sys, best of 3: the machine is shared), peak RSS and output size,
# against events2folded on the same stream (events2svg should be at least
# as fast: the same model and aggregation, then one tree of distinct
# frames), on the event stream of the perf script text made by
# tests/bench/gen-perf.sh from real captures. Prints figures; asserts
# nothing.
#   FP_BENCH_MB   size of the perf script text (default 480, which makes
#                 an event stream of about 200 MiB)
# usage: bench-svg.sh BINDIR
set -u
. "$(dirname "$0")/lib.sh"
bench_init svg "$@"
mb=${FP_BENCH_MB:-480}

bash "$here/gen-perf.sh" "$mb" - | "$bin/perf2events" >"$tmp/perf.events" 2>/dev/null

# run LABEL CMD...: best of 3 by CPU seconds; figures for $tmp/perf.events
run() {
	label=$1; shift
	bytes=$(wc -c <"$tmp/perf.events")
	bench_floor "$tmp/perf.events"
	bench_by=cpu bench_out=$tmp/out bench_best3 "$label" "$@" "$tmp/perf.events"
	bench_line "$label" "$bytes" "$(wc -c <"$tmp/out" | awk '{ printf "out %.1f KiB", $1 / 1024 }')"
}
# the event with the most samples (the stream mixes captures)
ev=$(awk -F'\t' '$1 == "S" { n[$7]++ } END { for (e in n) print n[e], e }' "$tmp/perf.events" | sort -rn | awk 'NR == 1 { print $2 }')
printf 'perf events: %d samples, %d threads; drawn: %d samples of %s\n' "$(grep -c '^S' "$tmp/perf.events")" \
	"$(awk -F'\t' '$1 == "S" { t[$3 "/" $4] = 1 } END { print length(t) }' "$tmp/perf.events")" \
	"$(awk -F'\t' -v e="$ev" '$1 == "S" && $7 == e { n++ } END { print n }' "$tmp/perf.events")" "$ev"
run "events2folded -e EV (reference)" "$bin/events2folded" -e "$ev"
run "events2svg -e EV" "$bin/events2svg" -e "$ev"
run "events2svg -e EV --icicle -t" "$bin/events2svg" -e "$ev" --icicle -t
run "events2svg -e EV --chart" "$bin/events2svg" -e "$ev" --chart
