#!/bin/sh
# heatmap properties on real perf captures (tests/data/perf and the
# FlameGraph corpus inputs that have timestamps):
#  1. with -i the cell total is the number of S records perf2events emitted;
#  2. without -i it is that minus the idle samples, counted here by an
#     independent awk version of the rule in common/idle.h;
#  3. record order does not matter (the records reversed give the same map);
#  4. every non-empty cell's range, given to timeslice -f --no-idle, selects
#     exactly the cell's samples (cells and ranges agree);
#  5. the JSON and TSV outputs agree with the list output.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init heatmap-props "$@"
here=$(cd "$(dirname "$0")" && pwd)
corpus=${FLAMEPIPE_CORPUS:-$here/../data/corpus}
total() { sed -n '1s/.* total=\([-0-9]*\) .*/\1/p' "$1"; }

set -- "$here"/../data/perf/fp.perf "$here"/../data/perf/dwarf.perf.zst "$here"/../data/perf/multi.perf.zst
for f in example-perf-stacks.txt.gz perf-cycles-instructions-01.txt perf-dd-stacks-01.txt \
	perf-funcab-cmd-01.txt perf-iperf-stacks-pidtid-01.txt perf-java-faults-01.txt \
	perf-mirageos-stacks-01.txt perf-numa-stacks-01.txt perf-rust-Yamakaky-dcpu.txt; do
	[ -f "$corpus/perf/flamegraph/inputs/$f" ] && set -- "$@" "$corpus/perf/flamegraph/inputs/$f"
done
[ $# -ge 10 ] || no "expected the 3 captures and 9 corpus inputs, found $# (set FLAMEPIPE_CORPUS)"

for f in "$@"; do
	name=$(basename "$f")
	"$bin/perf2events" "$f" >"$tmp/ev" 2>/dev/null
	n=$(grep -c '^S' "$tmp/ev")
	idle=$(awk -F'\t' '
		function isidle(comm, stack,   n, f, i, name, in_idle) {
			if (comm !~ /swapper/) return 0
			n = split(stack, f, ";")
			for (i = 1; i <= n; i++) {
				name = f[i]; sub(/`.*/, "", name)
				if (!in_idle) {
					if (name ~ /cpuidle|cpu_idle|cpu_bringup_and_idle|native_safe_halt|xen_hypercall_sched_op|xen_hypercall_vcpu_op/ || f[i] ~ /`idle(`|$)/)
						in_idle = 1
				} else if (name ~ /softirq|irq_exit|do_IRQ|interrupt/) return 0
			}
			return in_idle
		}
		$1 == "S" && isidle($6, $9) { k++ } END { print k + 0 }' "$tmp/ev")
	"$bin/heatmap" -l -i "$tmp/ev" >"$tmp/all"
	"$bin/heatmap" -l "$tmp/ev" >"$tmp/list"
	[ "$n" -gt 0 ] && [ "$(total "$tmp/all")" = "$n" ] && ok ||
		no "$name: heatmap -i total $(total "$tmp/all") != $n samples"
	[ "$(total "$tmp/list")" = $((n - idle)) ] && ok ||
		no "$name: heatmap total $(total "$tmp/list") != $n samples - $idle idle"
	grep -q " idle=$idle (excluded)" "$tmp/list" && ok || no "$name: idle count is not $idle: $(head -n 1 "$tmp/list")"
	# 3. reversed
	{ grep '^#' "$tmp/ev"; grep -v '^#' "$tmp/ev" | tac; } >"$tmp/rev"
	"$bin/heatmap" -l "$tmp/rev" >"$tmp/rlist" 2>/dev/null
	cmp -s "$tmp/list" "$tmp/rlist" && ok || no "$name: reversed input gives another map"
	# 4. cells and timeslice ranges agree (first 40 cells)
	bad=0
	grep -v '^#' "$tmp/list" | head -n 40 >"$tmp/cells"
	while IFS="$(printf '\t')" read -r col row ms v s e; do
		got=$("$bin/timeslice" -f --no-idle "$s" "$e" "$tmp/ev" | grep -c '^S')
		[ "$got" = "$v" ] || { bad=$((bad+1)); echo "  $name: cell $col/$row [$s, $e): $v in heatmap, $got from timeslice"; }
	done <"$tmp/cells"
	[ $bad -eq 0 ] && ok || no "$name: $bad cells disagree with timeslice"
	# 5. JSON and TSV: the same cells
	"$bin/heatmap" -j "$tmp/ev" | tr -d '\n' |
		sed 's/.*"values":\[\[//; s/\]\],"maxvalue".*//; s/\],\[/\n/g' |
		awk -F, -v rows=50 '{ for (i = 1; i <= NF; i++) if ($i != 0) print NR - 1 "\t" i - 1 "\t" $i }' >"$tmp/jcells"
	grep -v '^#' "$tmp/list" | cut -f 1,2,4 >"$tmp/lcells"
	cmp -s "$tmp/jcells" "$tmp/lcells" && ok || no "$name: JSON values differ from the list"
	"$bin/heatmap" "$tmp/ev" | awk -F'\t' 'NR > 2 { for (i = 2; i <= NF; i++) if ($i != 0) print i - 2 "\t" NR - 3 "\t" $i }' |
		sort -n -k1,1 -k2,2 >"$tmp/tcells"
	sort -n -k1,1 -k2,2 "$tmp/lcells" >"$tmp/lsorted"
	cmp -s "$tmp/tcells" "$tmp/lsorted" && ok || no "$name: TSV matrix differs from the list"
done
check_done
