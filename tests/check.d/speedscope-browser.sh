#!/bin/sh
# events2speedscope output in the real speedscope app: tests/browser/view.js
# serves the speedscope npm package's dist/release and each file on
# 127.0.0.1, opens index.html#profileURL=... in headless Chromium, checks
# that Time Order and Left Heavy render without the error screen, and that
# the Sandwich table's Total and Self of the top functions (sorted by self,
# then by total) equal events2folded's for the same stream. Screenshots:
# tests/browser/out/CASE/*.png.
# Runs when node and Chromium are present; under CI=true their absence is
# a failure, not a skip.
# usage: speedscope-browser.sh BINDIR
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init speedscope-browser "$@"
here=$(cd "$(dirname "$0")/.." && pwd)
shared=$here/data/corpus
corpus=$shared/perf/flamegraph/inputs
out=$here/browser/out

browser_dir=$here/browser
. "$browser_dir/setup.sh"
if ! check_needs "$browser_ok" "$why"; then
	echo "speedscope-browser: skipped: $why"
	echo "speedscope-browser: 0 passed, 0 failed"
	exit 0
fi

. "$here/lib/sandwich.sh"

# view CASE FILE EXPECT: run the app on FILE
view() {
	rm -rf "${out:?}/$1"
	if nice node "$here/browser/view.js" "$out/$1" "$2" "$3" >"$tmp/log" 2>&1; then
		pass=$((pass+1))
	else
		fail=$((fail+1))
		echo "FAIL $1"
	fi
	sed "s/^/  /" "$tmp/log"
}

sh "$here/browser/gen-cases.sh" "$tmp/cases"

# 1. a real Java capture, all threads merged under their comm root frame
"$bin/perf2events" "$corpus/perf-vertx-stacks-01.txt" >"$tmp/vertx.events"
"$bin/events2speedscope" --merge "$tmp/vertx.events" >"$tmp/vertx-merged.speedscope.json"
"$bin/events2folded" --raw "$tmp/vertx.events" | totals >"$tmp/vertx.tsv"
view vertx-merged "$tmp/vertx-merged.speedscope.json" "$tmp/vertx.tsv"

# 1b. events2pprof's profile of the same capture through speedscope's own
# pprof importer (gzip'd protobuf): no thread root, names raw, no _[i]
"$bin/events2pprof" "$tmp/vertx.events" >"$tmp/vertx.pb.gz"
"$bin/events2folded" -n --raw --no-inlined "$tmp/vertx.events" | totals >"$tmp/vertx-pprof.tsv"
view vertx-pprof "$tmp/vertx.pb.gz" "$tmp/vertx-pprof.tsv"

# 2. one thread of a multi-threaded capture (the busiest), gzip-compressed
"$bin/perf2events" "$corpus/perf-iperf-stacks-pidtid-01.txt" >"$tmp/iperf.events"
tid=$(awk -F'\t' '$1 == "S" { n[$4]++ } END { for (t in n) print n[t], t }' "$tmp/iperf.events" |
	sort -rn | awk 'NR == 1 { print $2 }')
"$bin/events2speedscope" --gzip -t "$tid" "$tmp/iperf.events" >"$tmp/iperf-thread.speedscope.json.gz"
awk -F'\t' -v t="$tid" '/^#/ || $1 !~ /^[SOCI]$/ || $4 == t' "$tmp/iperf.events" |
	"$bin/events2folded" --raw --no-comm | totals >"$tmp/iperf.tsv"
view iperf-thread "$tmp/iperf-thread.speedscope.json.gz" "$tmp/iperf.tsv"

# 3. nested spans: durations exact to the displayed precision
"$bin/events2speedscope" -t 11 "$tmp/cases/spans.events" >"$tmp/spans.speedscope.json"
awk -F'\t' '/^#/ || $4 == 11' "$tmp/cases/spans.events" |
	"$bin/events2folded" --raw --no-comm | totals >"$tmp/spans.tsv"
view spans "$tmp/spans.speedscope.json" "$tmp/spans.tsv"

# 4. a real Chrome 65 CPU profile (Node, sucrase's benchmark): cpuprofile2events
"$bin/cpuprofile2events" "$shared/cpuprofile/chrome-65/sucrase.cpuprofile" >"$tmp/sucrase.events"
"$bin/events2speedscope" "$tmp/sucrase.events" >"$tmp/sucrase.speedscope.json"
"$bin/events2folded" --raw --no-comm "$tmp/sucrase.events" | totals >"$tmp/sucrase.tsv"
mark "$tmp/sucrase.events" "$tmp/sucrase.tsv"
view sucrase-cpuprofile "$tmp/sucrase.speedscope.json" "$tmp/sucrase.tsv"

# 5. a real Chrome 70 trace (a page and its web worker, spans and CPU profile
# samples): trace2events | eventsort, the main thread's samples
"$bin/trace2events" "$shared/trace-event/chrome-70/worker.json" 2>/dev/null | "$bin/eventsort" >"$tmp/worker.events"
"$bin/events2speedscope" -e cpu-profile -t 775 "$tmp/worker.events" >"$tmp/worker.speedscope.json" 2>/dev/null
awk -F'\t' '/^#/ || $1 !~ /^[SOCI]$/ || $4 == 775' "$tmp/worker.events" |
	"$bin/events2folded" -e cpu-profile --raw --no-comm 2>/dev/null | totals >"$tmp/worker.tsv"
mark "$tmp/worker.events" "$tmp/worker.tsv"
view worker-trace "$tmp/worker.speedscope.json" "$tmp/worker.tsv"

# 6. edge cases that must open: odd names, deep stacks, 1000 threads, nothing
for c in names deep threads; do
	"$bin/events2speedscope" "$tmp/cases/$c.events" >"$tmp/$c.speedscope.json" 2>/dev/null
	view "$c" "$tmp/$c.speedscope.json" ""
done
# the 3000-frame sample (the profile shown first is the span recursion)
"$bin/events2speedscope" -e cycles "$tmp/cases/deep.events" >"$tmp/deep-sampled.speedscope.json" 2>/dev/null
view deep-sampled "$tmp/deep-sampled.speedscope.json" ""
"$bin/events2speedscope" "$tmp/cases/empty.events" >"$tmp/empty.speedscope.json" 2>/dev/null
view empty "$tmp/empty.speedscope.json" empty

check_done
