#!/bin/sh
# Benchmark of heatmap and timeslice (issue 3) on a >= 1 GiB events stream
# made by perf2events from tests/bench/gen-perf.sh output (real captures,
# replicated with monotonic times), with cat as the floor. Prints MiB/s
# (wall, and CPU = user + sys), and peak RSS as the input grows (streamed
# through a pipe). Asserts nothing.
#   FP_BENCH_EVENTS_MB   size of the events stream (default 1100)
set -u
. "$(dirname "$0")/lib.sh"
bench_init heatmap "$@"
mb=${FP_BENCH_EVENTS_MB:-1100}
TIME=/usr/bin/time

# perf script text is about 2.3 times the size of its events stream
bash "$here/gen-perf.sh" $((mb * 23 / 10)) - | "$bin/perf2events" 2>/dev/null >"$tmp/in.events"
size=$(wc -c <"$tmp/in.events")
first=$(awk -F'\t' '$1 == "S" { print $2; exit }' "$tmp/in.events")
last=$(tail -n 1 "$tmp/in.events" | cut -f 2)
printf 'input: %d MiB events, %s samples, %s .. %s s\n' $((size >> 20)) \
	"$(grep -c '^S' "$tmp/in.events")" "$first" "$last"

# best of 3 (by wall time)
run() {
	label=$1; shift
	bench_best3 "$label" sh -c "$*"
	bench_line "$label" "$size"
}
f=$tmp/in.events
bench_floor "$f"
run "heatmap (TSV)" "'$bin/heatmap' '$f'"
run "heatmap --svg" "'$bin/heatmap' --svg '$f'"
run "heatmap -w (weights)" "'$bin/heatmap' -w '$f'"
run "timeslice - - (everything passes)" "'$bin/timeslice' - - '$f'"
run "timeslice 100 200 (reads all)" "'$bin/timeslice' 100 200 '$f'"
run "timeslice -p 1 - - (selects nothing)" "'$bin/timeslice' -p 1 - - '$f'"
{ echo '#flamepipe-events 1'; echo '#order sorted'; tail -n +2 "$f"; } >"$tmp/sorted.events"
f=$tmp/sorted.events
run "timeslice 100 200, #order sorted (stops)" "'$bin/timeslice' 100 200 '$f'"

echo "peak RSS as the input grows (streamed through a pipe):"
for n in 100 300 $mb; do
	$TIME -f '%M' -o "$tmp/t" sh -c "head -c ${n}m '$tmp/in.events' | '$bin/heatmap' >/dev/null 2>&1"
	h=$(cat "$tmp/t")
	$TIME -f '%M' -o "$tmp/t" sh -c "head -c ${n}m '$tmp/in.events' | '$bin/timeslice' - - >/dev/null 2>&1"
	printf '  %5d MiB: heatmap %d KiB, timeslice %d KiB\n' "$n" "$h" "$(cat "$tmp/t")"
done
