#!/bin/sh
# Benchmark of events2trace next to events2speedscope: MiB/s of events in
# (by CPU seconds, user + sys: the machine may be shared), output size and
# peak RSS, on the event stream of a >= 200 MB perf script text generated
# from real captures (tests/bench/gen-perf.sh); then trace2events reading
# events2trace's output back. Prints figures; asserts nothing.
#   FP_BENCH_MB      size of the perf script text (default 480, which makes
#                    an event stream of about 200 MiB)
#   FP_BENCH_EVENTS  an events stream to use instead (e.g. a kept
#                    /tmp/perf208.events)
set -u
. "$(dirname "$0")/lib.sh"
bench_init trace-out "$@"
mb=${FP_BENCH_MB:-480}
ev=${FP_BENCH_EVENTS:-}
if [ -z "$ev" ]; then
	ev=$tmp/perf.events
	bash "$here/gen-perf.sh" "$mb" - | "$bin/perf2events" >"$ev" 2>/dev/null
fi
bytes=$(wc -c <"$ev")
bench_floor "$ev"
for f in events2trace events2speedscope; do
	bench_once "$f" "$ev" "$bin/$f"
	bench_report "$f ($((outbytes >> 20)) MiB out)" "$bytes"
done
"$bin/events2trace" "$ev" >"$tmp/out.json" 2>/dev/null
jbytes=$(wc -c <"$tmp/out.json")
bench_floor "$tmp/out.json"
bench_once "trace2events (its output)" "$tmp/out.json" "$bin/trace2events"
bench_report "trace2events (its output)" "$jbytes"
