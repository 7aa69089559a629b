#!/bin/sh
# Benchmark scale-out on one machine (docs/scale-out.md §3, §7): the perf
# text of gen-perf.sh (MB, default 200) to folded stacks (perf2events |
# events2folded -e cpu-clock) and to a heat map (perf2events | heatmap), in
# one process chain on one core (taskset: the issue's baseline) and free,
# then over all cores (JOBS, default every core) and merged (events2folded
# PARTS, heatmap --merge PARTS), the ways of docs/scale-out.md:
# perf2events --part K/N (each job reads its byte range of the file
# itself) as background jobs of the shell (the §3 recipe: one file a part,
# merged; free, and each chain pinned to a core like the baseline) and as
# GNU parallel jobs (the §3 recipe: the jobs' outputs on parallel's
# stdout, one file, merged); GNU parallel --pipepart (parallel's perl cuts
# the file at blank lines and feeds the jobs); and byte ranges aligned to
# sample headers (tests/lib/split-ranges.sh) copied through tail | head.
# Prints wall seconds and CPU seconds (user + sys, children included),
# each the least of SCALE_RUNS (default 5) runs, whether the merged output
# is the one chain's, and at the end a table of the speed-ups over the
# chain on one core: wall, and the bound the CPU seconds set on a quiet
# machine (JOBS x the chain's CPU / the parts' CPU). Asserts nothing. On a
# shared, loaded machine the wall figures say more about the load than
# about the tools (the load average is printed before and after): read
# the CPU seconds too.
# usage: bench-scale.sh BINDIR [MB] [JOBS]
set -u
. "$(dirname "$0")/lib.sh"
bench_init scale "$@"
mb=${2:-200}
jobs=${3:-$(nproc)}
command -v parallel >/dev/null 2>&1 || { echo "scale: GNU parallel is not installed"; exit 0; }
bash "$here/gen-perf.sh" "$mb" "$tmp/p.txt" 2>/dev/null
bytes=$(wc -c <"$tmp/p.txt")
load0=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$tmp/summary"
block=$((bytes / (jobs * 4) + 1))	# four parts a core: the last ones end together
export bin tmp

# one: CMD (sh -c), run $runs times (SCALE_RUNS, default 5): the least
# wall and the least CPU seconds (user + sys) of it and its children (a
# shared machine slows some runs; the least is the nearest to a quiet one)
runs=${SCALE_RUNS:-5}
one() {
	_i=0 wall= cpu=
	while [ "$_i" -lt "$runs" ]; do
		_s=$(date +%s%N)
		/usr/bin/time -f '%e %U %S' -o "$tmp/t" sh -c "$1" 2>"$tmp/err" || bench_failed "$1"
		_e=$(date +%s%N)
		_w=$(echo "scale=3; ($_e - $_s) / 1000000000" | bc)
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
		_sw=$(echo "scale=2; $w1 / $wall" | bc) _sc=$(echo "scale=2; $jobs * $c1 / $cpu" | bc)
		echo "$out: speed-up $(printf %.2f "$_sw")x wall over 1 core ($(echo "scale=2; $wc / $wall" | bc)x over the free chain) with $1 ($jobs jobs, $(nproc) cores), CPU $c1 s -> $cpu s (a quiet machine: at most $(printf %.2f "$_sc")x); outputs $same"
		printf '%-8s %-32s %6.2f s %6.2fx %6.2f s %6.2fx  %s\n' "$out" "$1" "$wall" "$_sw" "$cpu" "$_sc" "$same" >>"$tmp/summary"
	}
	printf '%-8s %-32s %6.2f s %7s %6.2f s %7s\n' "$out" "1 chain on 1 core (baseline)" "$w1" "" "$c1" "" >>"$tmp/summary"
	many "--part, shell jobs" "{ k=0; while [ \$k -lt $jobs ]; do k=\$((k + 1));
		$bin/perf2events --part \$k/$jobs $tmp/p.txt 2>/dev/null | $conv > $tmp/parts/\$k 2>/dev/null &
		done; wait; }"
	# the same, each job's chain pinned to a core of its own (as the
	# baseline is): its pipe stays in one core's caches
	many "--part, shell jobs pinned" "{ k=0; while [ \$k -lt $jobs ]; do k=\$((k + 1)); c=\$(((k - 1) % $(nproc)));
		taskset -c \$c $bin/perf2events --part \$k/$jobs $tmp/p.txt 2>/dev/null | taskset -c \$c $conv > $tmp/parts/\$k 2>/dev/null &
		done; wait; }"
	# GNU parallel: as docs/scale-out.md §3 has it for folded stacks, the
	# jobs' outputs on parallel's stdout (it keeps them apart), one file
	# to merge; a heat map a file a job (its TSV is not a stream of lines
	# to concatenate)
	case $out in
	folded) many "--part, parallel" "parallel -j $jobs '$bin/perf2events --part {}/$jobs $tmp/p.txt 2>/dev/null | $conv 2>/dev/null' ::: \$(seq $jobs) > $tmp/parts/all" ;;
	*) many "--part, parallel" "parallel -j $jobs '$bin/perf2events --part {}/$jobs $tmp/p.txt 2>/dev/null | $conv > $tmp/parts/{} 2>/dev/null' ::: \$(seq $jobs)" ;;
	esac
	many "parallel --pipepart" "parallel -j $jobs --pipepart -a $tmp/p.txt --recend '\\n\\n' --block $block \
		'$bin/perf2events 2>/dev/null | $conv > $tmp/parts/{#} 2>/dev/null'"
	many "byte ranges, tail | head" "sh $here/../lib/split-ranges.sh $tmp/p.txt $jobs | { k=0; while read -r off len; do k=\$((k + 1));
		tail -c +\$((off + 1)) $tmp/p.txt | head -c \$len | $bin/perf2events 2>/dev/null | $conv > $tmp/parts/\$k 2>/dev/null &
		done; wait; }"
done
echo
echo "scale: $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB, $jobs jobs on $(nproc) cores; speed-up over the chain on 1 core, wall and (CPU) the bound on a quiet machine, least of $runs runs:"
printf '%-8s %-32s %8s %7s %8s %7s  %s\n' output way wall x CPU x merged
cat "$tmp/summary"
echo "scale: load average $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after (a loaded machine slows the parallel runs most)"
