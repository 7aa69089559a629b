#!/bin/sh
# Benchmark of the foundation pipeline (issue 2): perf2events,
# events2folded, and perf2events | events2folded on a >= 200 MB perf script
# text generated from real captures, with `cat | cat` as the floor; then
# perf2events' peak RSS at 100 MB, 200 MB and 1 GB (streamed, not stored).
# Every figure is the best of 5 runs; "of floor" is the speed as a share
# of `cat | cat` on the same input in the same run (issue 16: wall times
# vary between machines, ratios hold; on a loaded machine compare CPU
# seconds). Prints figures; asserts nothing.
#   FP_BENCH_MB   size of the main input (default 200)
set -u
. "$(dirname "$0")/lib.sh"
bench_init perf "$@"
mb=${FP_BENCH_MB:-200}
TIME=/usr/bin/time
bench_runs=5

bash "$here/gen-perf.sh" "$mb" "$tmp/in.perf"
# perf2events' warnings (the generated input mixes captures) are shown once
"$bin/perf2events" "$tmp/in.perf" >"$tmp/in.events"
size=$(wc -c <"$tmp/in.perf")
esize=$(wc -c <"$tmp/in.events")
printf 'input: %d MiB perf script (%d samples), %d MiB events\n' \
	$((size >> 20)) "$(grep -c '^S' "$tmp/in.events")" $((esize >> 20))

# best of 5: wall seconds and peak RSS (KiB) of the last command of a
# pipeline; the floor is that of the input named (bench_floor)
run() {
	label=$1 bytes=$2; shift 2
	bench_best3 "$label" sh -c "$*"
	bench_line "$label" "$bytes"
}
bench_floor "$tmp/in.perf"
run "perf2events" "$size" "'$bin/perf2events' '$tmp/in.perf'"
run "perf2events | events2folded" "$size" "'$bin/perf2events' '$tmp/in.perf' | '$bin/events2folded'"
zstd -q -1 -c "$tmp/in.perf" >"$tmp/in.zst"
run "zstd input: perf2events" "$size" "'$bin/perf2events' '$tmp/in.zst'"
bench_floor "$tmp/in.events"
run "events2folded (events in)" "$esize" "'$bin/events2folded' '$tmp/in.events'"
run "events2folded -e cpu-clock" "$esize" "'$bin/events2folded' -e cpu-clock '$tmp/in.events'"

echo "perf2events peak RSS as input grows (streamed through a pipe):"
for n in 100 200 1024; do
	# time(1) on perf2events alone: on the whole pipeline it gave the
	# largest of its processes (the generator's bash and awk, 4 MiB)
	bash "$here/gen-perf.sh" "$n" - | $TIME -f '%M' -o "$tmp/t" "$bin/perf2events" >/dev/null 2>&1
	printf '  %5d MiB: %d KiB\n' "$n" "$(cat "$tmp/t")"
done
