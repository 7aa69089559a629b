#!/bin/sh
# deep-nesting.sh - deeply nested spans cost memory and output by distinct
# stack nodes, not by the square of the depth (issue: a truncated trace of
# 200,000 B events that never end).
#
# A Trace Event file of 200,000 nested B events, never closed (13 MB), goes
# through trace2events | eventsort | events2folded. Checked:
#   - the pipeline succeeds, eventsort says how many spans it folded into
#     its marker frame, and no folded stack is deeper than the limit + 1;
#   - the time is all there: the folded weights add up to the trace's
#     199,999 us (the last B is an instant), also with --max-depth 0 on a
#     3,000-deep file (no limit: every level written);
#   - memory: each process's peak RSS stays under 100 MB (time(1)).
# usage: deep-nesting.sh BINDIR
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init deep-nesting "$@"

gen() {	# gen N: a Trace Event file of N nested B events, 1 us apart
	awk -v n="$1" 'BEGIN {
		printf "{\"traceEvents\":["
		for (i = 0; i < n; i++)
			printf "%s{\"name\":\"f%d\",\"ph\":\"B\",\"ts\":%d,\"pid\":1,\"tid\":1}", i ? "," : "", i, i
		print "]}"
	}'
}
gen 200000 >"$tmp/deep.json"
gen 3000 >"$tmp/deep3k.json"

TIME=/usr/bin/time
if [ -x "$TIME" ]; then
	$TIME -f '%M' -o "$tmp/rss1" "$bin/trace2events" "$tmp/deep.json" 2>"$tmp/err1" >"$tmp/d.events"
	$TIME -f '%M' -o "$tmp/rss2" "$bin/eventsort" "$tmp/d.events" 2>"$tmp/err2" >"$tmp/s.events"
	$TIME -f '%M' -o "$tmp/rss3" "$bin/events2folded" "$tmp/s.events" 2>"$tmp/err3" >"$tmp/out"
	for i in 1 2 3; do
		rss=$(tail -n 1 "$tmp/rss$i")
		if [ "${rss:-0}" -gt 0 ] && [ "$rss" -lt 102400 ]; then ok
		else no "step $i of the pipeline: peak RSS ${rss:-?} KB, over 100 MB"; fi
	done
else
	"$bin/trace2events" "$tmp/deep.json" 2>"$tmp/err1" >"$tmp/d.events"
	"$bin/eventsort" "$tmp/d.events" 2>"$tmp/err2" >"$tmp/s.events"
	"$bin/events2folded" "$tmp/s.events" 2>"$tmp/err3" >"$tmp/out"
	echo "deep-nesting: no /usr/bin/time: memory not checked"
fi
if grep -q 'spans nested deeper than 2000 levels (down to level 199999) were folded' "$tmp/err2"; then ok
else no "eventsort did not report the folding"; cat "$tmp/err2"; fi
total=$(awk '{ s += $NF } END { printf "%d", s }' "$tmp/out")
if [ "$total" = 199999000 ]; then ok; else no "folded total $total, expected 199999000 ns"; fi
depth=$(awk '{ sub(/ [0-9]+$/, ""); n = split($0, f, ";"); if (n > m) m = n } END { print m }' "$tmp/out")
# (thread 1/1 has no COMM and no T/P name: no root frame)
if [ "$depth" -le 2001 ] && grep -q '\[spans deeper than 2000 levels\] [0-9]' "$tmp/out"; then ok
else no "deepest folded stack has $depth frames, or no marker frame"; fi
size=$(wc -c <"$tmp/s.events")
if [ "$size" -lt 100000000 ]; then ok; else no "eventsort wrote $size bytes"; fi

# no limit: every level of a 3,000-deep file is written, time conserved
"$bin/trace2events" "$tmp/deep3k.json" 2>/dev/null | "$bin/eventsort" --max-depth 0 2>"$tmp/err4" |
	"$bin/events2folded" >"$tmp/out3k" 2>/dev/null
total=$(awk '{ s += $NF } END { printf "%d", s }' "$tmp/out3k")
lines=$(wc -l <"$tmp/out3k")
if [ "$total" = 2999000 ] && [ "$lines" -eq 2999 ] && ! grep -q folded "$tmp/err4"; then ok
else no "--max-depth 0: total $total, $lines lines"; fi

check_done
