#!/bin/sh
# bounds.sh - peak memory of the streaming filters stays within their bound
#
# usage: bounds.sh BINDIR      FP_BOUNDS_MB=200 for a quicker run (default 1024)
# perf script text is generated on the fly (tests/bench/gen-perf.sh, never
# stored) and piped through each filter; its peak RSS is the child's
# getrusage figure, read with /usr/bin/time -f %M. Bounds (docs/robustness.md):
#   perf2events     16 MiB whatever the input size
#   events2folded   grows with the distinct stacks only: the generated
#                   stream repeats one template, so the peak RSS at the
#                   full size may exceed the peak at a tenth of it by at
#                   most 4 MiB, and stays under 64 MiB
#   events2svg      as events2folded (--icicle: the distinct stacks;
#                   --chart: the boxes wide enough to draw, which a longer
#                   trace makes no more of)
#   eventsort       its sort(1) buffer (-S, default 32M) + 16 MiB; sort(1)
#                   works on disk and, as a waited-for child, is counted
#   timeslice       16 MiB (open frames per thread only)
#   heatmap         16 MiB (columns x rows; the generated stream spans
#                   fewer columns than --max-columns allows)
#   events2speedscope  64 MiB (distinct frames and threads; bodies spill
#                   to a temporary file)
#   trace2events    32 MiB on a generated trace (tests/bench/gen-trace.sh)
#   eventreduce     32 MiB with docs/examples/reduce.yaml (bounded caches,
#                   bucket's distinct stacks of one 10 ms window)
# Skipped (visibly) when the filters are built with ASan, whose shadow
# memory makes RSS meaningless.
set -u
bin=$(cd "${1:?usage: bounds.sh BINDIR}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
mb=${FP_BOUNDS_MB:-1024}
LC_ALL=C
export LC_ALL
pass=0 fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-bounds.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if nm "$bin/perf2events" 2>/dev/null | grep -q __asan_init; then
	echo "NOTE bounds: skipped, the filters are built with ASan (RSS means nothing there)"
	echo "bounds: 0 passed, 0 failed"
	exit 0
fi
if [ ! -x /usr/bin/time ]; then
	echo "FAIL bounds: /usr/bin/time missing (Debian package time)"
	echo "bounds: 0 passed, 1 failed"
	exit 1
fi
gen() {
	bash "$root/tests/bench/gen-perf.sh" "$1" - 2>/dev/null
}

# rss SIZE_MB FILTER [ARGS]: the filter's peak RSS in KiB over SIZE_MB of input
rss() {
	size=$1
	f=$2
	shift 2
	if [ "$f" = perf2events ]; then
		gen "$size" | /usr/bin/time -f %M -o "$tmp/rss" "$bin/perf2events" "$@" >/dev/null 2>"$tmp/err"
	else
		gen "$size" | "$bin/perf2events" 2>/dev/null |
			/usr/bin/time -f %M -o "$tmp/rss" "$bin/$f" "$@" >/dev/null 2>"$tmp/err"
	fi
	tail -n 1 "$tmp/rss"
}
judge() {	# judge NAME OK MESSAGE
	if [ "$2" = 0 ]; then
		pass=$((pass + 1))
		echo "ok   $1: $3"
	else
		fail=$((fail + 1))
		echo "FAIL $1: $3"
	fi
}

small=$((mb / 10))
[ "$small" -ge 1 ] || small=1

k=$(rss "$mb" perf2events)
[ "$k" -le 16384 ]
judge perf2events $? "peak RSS $k KiB over $mb MiB (bound 16384 KiB)"

f=events2folded
k1=$(rss "$small" "$f")
k2=$(rss "$mb" "$f")
[ "$k2" -le $((k1 + 4096)) ] && [ "$k2" -le 65536 ]
judge "$f" $? "peak RSS $k1 KiB over $small MiB, $k2 KiB over $mb MiB (bound: +4096 KiB, 65536 KiB)"
if [ -x "$bin/events2svg" ]; then
	for opt in --icicle --chart; do
		k1=$(rss "$small" events2svg $opt)
		k2=$(rss "$mb" events2svg $opt)
		[ "$k2" -le $((k1 + 4096)) ] && [ "$k2" -le 65536 ]
		judge events2svg $? "$opt: peak RSS $k1 KiB over $small MiB, $k2 KiB over $mb MiB (bound: +4096 KiB, 65536 KiB)"
	done
fi
if [ -x "$bin/eventsort" ]; then
	for s in 32 8; do
		k=$(rss "$mb" eventsort -S "${s}M")
		[ "$k" -le $((s * 1024 + 16384)) ]
		judge eventsort $? "-S ${s}M: peak RSS $k KiB over $mb MiB (bound: the sort buffer + 16384 KiB)"
	done
fi
for spec in timeslice:16 heatmap:16 events2speedscope:64; do
	f=${spec%%:*} bound=$((${spec#*:} * 1024))
	[ -x "$bin/$f" ] || continue
	args=
	[ "$f" = timeslice ] && args="- -"
	# shellcheck disable=SC2086
	k1=$(rss "$small" "$f" $args)
	# shellcheck disable=SC2086
	k2=$(rss "$mb" "$f" $args)
	[ "$k2" -le "$bound" ]
	judge "$f" $? "peak RSS $k1 KiB over $small MiB, $k2 KiB over $mb MiB (bound $bound KiB)"
done
if [ -x "$bin/eventreduce" ]; then
	# the example rules: caches of 4096 names and stacks, bucket's 10 ms windows
	k1=$(rss "$small" eventreduce -q -c "$root/docs/examples/reduce.yaml")
	k2=$(rss "$mb" eventreduce -q -c "$root/docs/examples/reduce.yaml")
	[ "$k2" -le 32768 ]
	judge eventreduce $? "peak RSS $k1 KiB over $small MiB, $k2 KiB over $mb MiB (bound 32768 KiB)"
fi
if [ -x "$bin/trace2events" ]; then
	sh "$root/tests/bench/gen-trace.sh" "$mb" 2>/dev/null |
		/usr/bin/time -f %M -o "$tmp/rss" "$bin/trace2events" >/dev/null 2>"$tmp/err"
	k=$(tail -n 1 "$tmp/rss")
	[ "$k" -le 32768 ]
	judge trace2events $? "peak RSS $k KiB over a $mb MiB trace (bound 32768 KiB)"
fi
echo "bounds: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
