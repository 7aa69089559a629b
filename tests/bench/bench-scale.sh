#!/bin/sh
# Benchmark scale-out on one machine (docs/scale-out.md): the perf text of
# gen-perf.sh (MB, default 200) to folded stacks (perf2events |
# events2folded) and to a heat map (perf2events | heatmap), in one process
# chain on one core (taskset: the issue's baseline) and free, then over
# all cores (JOBS, default every core) and merged (events2folded,
# heatmap --merge), four ways: perf2events --part K/N (each job reads its
# byte range of the file itself) as background jobs of the shell (free,
# and each chain pinned to a core like the baseline) and as GNU parallel
# jobs; GNU parallel --pipepart (parallel's perl cuts the
# file at blank lines and feeds the jobs); and byte ranges aligned to
# sample headers (tests/lib/split-ranges.sh) copied through tail | head.
# Prints wall seconds, CPU seconds (user + sys, children included), each
# the least of SCALE_RUNS (3) runs, and the speed-up; asserts nothing. On a shared, loaded machine the wall figures
# say more about the load than about the tools: read the CPU seconds too.
# usage: bench-scale.sh BINDIR [MB] [JOBS]
set -u
. "$(dirname "$0")/lib.sh"
bench_init scale "$@"
mb=${2:-200}
jobs=${3:-$(nproc)}
command -v parallel >/dev/null 2>&1 || { echo "scale: GNU parallel is not installed"; exit 0; }
bash "$here/gen-perf.sh" "$mb" "$tmp/p.txt" 2>/dev/null
bytes=$(wc -c <"$tmp/p.txt")
block=$((bytes / (jobs * 4) + 1))	# four parts a core: the last ones end together
export bin tmp

# one: CMD (sh -c), run $runs times (SCALE_RUNS, default 3): the least
# wall and the least CPU seconds (user + sys) of it and its children (a
# shared machine slows some runs; the least is the nearest to a quiet one)
runs=${SCALE_RUNS:-3}
one() {
	_i=0 wall= cpu=
	while [ "$_i" -lt "$runs" ]; do
		_s=$(date +%s%N)
		/usr/bin/time -f '%e %U %S' -o "$tmp/t" sh -c "$1" 2>"$tmp/err" || bench_failed "$1"
		_e=$(date +%s%N)
		_w=$(echo "scale=2; ($_e - $_s) / 1000000000" | bc)
		bench_fields $(tail -n 1 "$tmp/t")
		_c=$(echo "$_f2 + $_f3" | bc)
		[ -z "$wall" ] || [ "$(echo "$_w < $wall" | bc)" = 1 ] && wall=$_w
		[ -z "$cpu" ] || [ "$(echo "$_c < $cpu" | bc)" = 1 ] && cpu=$_c
		_i=$((_i + 1))
	done
}

line() {	# LABEL: MiB/s wall and the figures
	awk -v l="$1" -v b="$bytes" -v w="$wall" -v c="$cpu" 'BEGIN {
		printf "%-50s %7.1f MiB in %6.2f s wall (%7.1f MiB/s), %7.2f s CPU\n", l, b / 1048576, w, b / 1048576 / w, c }'
}

for out in folded heatmap; do
	case $out in
	folded) conv="$bin/events2folded -e cpu-clock" merge="$bin/events2folded" ;;
	heatmap) conv="$bin/heatmap" merge="$bin/heatmap --merge" ;;
	esac
	# the issue's baseline: the chain on one core (both its processes
	# pinned to CPU 0), then the same chain free to use every core
	one "taskset -c 0 $bin/perf2events < $tmp/p.txt 2>/dev/null | taskset -c 0 $conv > $tmp/one.$out 2>/dev/null"
	w1=$wall c1=$cpu
	line "$out: 1 chain on 1 core"
	one "$bin/perf2events < $tmp/p.txt 2>/dev/null | $conv > $tmp/one.$out 2>/dev/null"
	wc=$wall
	line "$out: 1 chain, $(nproc) cores"
	# the N jobs + merge of CMD (sh -c), its figures and the speed-ups
	many() {	# HOW CMD
		rm -rf "$tmp/parts"
		mkdir "$tmp/parts"
		one "$2 && $merge $tmp/parts/* > $tmp/many.$out"
		line "$out: $1, $jobs jobs + merge"
		cmp -s "$tmp/one.$out" "$tmp/many.$out" && same=identical || same=DIFFERENT
		echo "$out: speed-up $(echo "scale=2; $w1 / $wall" | bc)x wall over 1 core ($(echo "scale=2; $wc / $wall" | bc)x over the free chain) with $1 ($jobs jobs, $(nproc) cores), CPU $c1 s -> $cpu s (a quiet machine: at most $(echo "scale=2; $jobs * $c1 / $cpu" | bc)x); outputs $same"
	}
	many "--part, shell jobs" "{ k=0; while [ \$k -lt $jobs ]; do k=\$((k + 1));
		$bin/perf2events --part \$k/$jobs $tmp/p.txt 2>/dev/null | $conv > $tmp/parts/\$k 2>/dev/null &
		done; wait; }"
	# the same, each job's chain pinned to a core of its own (as the
	# baseline is): its pipe stays in one core's caches
	many "--part, shell jobs pinned" "{ k=0; while [ \$k -lt $jobs ]; do k=\$((k + 1)); c=\$(((k - 1) % $(nproc)));
		taskset -c \$c $bin/perf2events --part \$k/$jobs $tmp/p.txt 2>/dev/null | taskset -c \$c $conv > $tmp/parts/\$k 2>/dev/null &
		done; wait; }"
	many "--part, parallel" "parallel -j $jobs '$bin/perf2events --part {}/$jobs $tmp/p.txt 2>/dev/null | $conv > $tmp/parts/{} 2>/dev/null' ::: \$(seq $jobs)"
	many "parallel --pipepart" "parallel -j $jobs --pipepart -a $tmp/p.txt --recend '\\n\\n' --block $block \
		'$bin/perf2events 2>/dev/null | $conv > $tmp/parts/{#} 2>/dev/null'"
	many "byte ranges, tail | head" "sh $here/../lib/split-ranges.sh $tmp/p.txt $jobs | { k=0; while read -r off len; do k=\$((k + 1));
		tail -c +\$((off + 1)) $tmp/p.txt | head -c \$len | $bin/perf2events 2>/dev/null | $conv > $tmp/parts/\$k 2>/dev/null &
		done; wait; }"
done
echo "scale: load average $(cut -d' ' -f1-3 /proc/loadavg) (a loaded machine slows the parallel run most)"
