#!/bin/sh
# reduce.sh - eventreduce on real captures (docs/reduce.md)
#
# usage: reduce.sh BINDIR
# For every perf capture of tests/data/perf (and FlameScope's perf.test01
# of the corpus, which has idle and softirq samples), through perf2events,
# and for one rule file per rule (and the issue's example):
#  - conservation: the #reduce-* headers of --stats say records in = out +
#    dropped + merged and, per event, weight in = out + dropped; and the
#    in and out figures equal what awk counts in the input and output
#    streams (S, O, C, I records; S weights per event);
#  - the output is a valid stream: eventsort --check accepts it (spans
#    well nested and each thread in time order);
#  - the caches change nothing: the output (and its figures) is the same
#    with EVENTREDUCE_NO_CACHE=1 (rule "mixed": rules on comms, pids,
#    threads and idle inside runs of stack rules);
# bucket: heatmap -w -e EVENT of the bucketed stream equals the original's
# at 10 ms, 20 ms and 100 ms cells (multiples of the 10 ms window; but the
# header's count of idle samples, which bucket merges), and
# events2folded -e EVENT of both is the same, for every event.
# A rule file that cannot be read: the message names it.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init reduce "$@"

rule() { printf 'rules:\n%s\n' "$2" >"$tmp/$1.yaml"; }
rule keep "  - keep: {comm: '[a-z]', from: 0, to: 100000000}"
rule drop "  - drop: {leaf: '^(hash|sum)'}
  - drop: {root: '^start_thread\$'}
  - drop: {pid: [0, 1], tid: 3606}"
rule idle "  - idle: true"
rule rename "  - rename: {frame: '\\.(constprop|isra|part)\\.[0-9]+\$', to: '', global: true}
  - rename: {comm: '^(kworker|swapper|my).*', to: '\$1'}"
rule strip "  - strip: all"
rule hide "  - hide: '^(start_thread|main|worker_entry)\$'"
rule focus "  - focus: {frame: 'worker|main'}"
rule ignore "  - ignore: hash"
rule prune "  - prune: 'worker_entry|run_main_thread|do_idle'"
rule depth "  - depth: {root: 2, leaf: 1}"
rule recursion "  - recursion: indirect"
rule threads "  - threads: process"
rule threads-all "  - threads: all"
rule bucket "  - bucket: 10ms"
# rules on comms, pids, threads and idle inside runs of stack rules (apply.c)
rule mixed "  - rename: {frame: '\\.(constprop|isra|part)\\.[0-9]+\$', to: '', global: true}
  - idle: true
  - drop: {comm: '^perf\$'}
  - rename: {comm: '^(kworker|swapper|my).*', to: '\$1'}
  - hide: '^(start_thread|main)\$'
  - drop: {pid: [0, 1], tid: 3606}
  - threads: process
  - depth: {root: 3, leaf: 2}
  - idle: true
  - ignore: hash
  - recursion: direct
  - bucket: 10ms"
cp "$root/tests/golden/eventreduce/example.yaml" "$tmp/example.yaml"

# awk: "records N" then "EVENT WEIGHT" lines, of a stream's thread records
count() {
	awk -F'\t' '$1 ~ /^[SOCI]$/ { n++ } $1 == "S" { w[$7] += $8 }
		END { print "records", n + 0; for (e in w) print e, w[e] }' | sort
}
# the same from the #reduce-in or #reduce-out header
figures() {
	sed -n "s/^#reduce-$1 //p" | tr ' ' '\n' | sed 's/^records=/records /; s/^weight:\(.*\)=\([-0-9]*\)$/\1 \2/' | sort
}
# records in = out + dropped + merged; per event, weight in = out + dropped
balance() {
	awk '
	/^#reduce-in / { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == "records") rin = a[2]; else { sub(/^weight:/, "", a[1]); win[a[1]] = a[2] } } }
	/^#reduce-out / { for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == "records") rout = a[2]; else { sub(/^weight:/, "", a[1]); wout[a[1]] = a[2] } } }
	/^#reduce-rule / { for (i = 4; i <= NF; i++) { split($i, a, "=");
		if (a[1] == "dropped" || a[1] == "merged") gone += a[2];
		else if (a[1] ~ /^dropped:/) { sub(/^dropped:/, "", a[1]); wd[a[1]] += a[2] } } }
	END {
		bad = rin != rout + gone
		for (e in win) if (win[e] != wout[e] + wd[e]) bad = 1
		exit bad
	}'
}

inputs=""
for f in "$root"/tests/data/perf/*.perf "$root"/tests/data/perf/*.perf.zst "$corpus/perf/flamescope/perf.test01"; do
	[ -f "$f" ] && inputs="$inputs $f"
done
for f in $inputs; do
	name=$(basename "$f")
	"$bin/perf2events" "$f" 2>/dev/null | "$bin/eventsort" >"$tmp/in.events" || { no "$name: perf2events | eventsort"; continue; }
	count <"$tmp/in.events" >"$tmp/in.count"
	for r in keep drop idle rename strip hide focus ignore prune depth recursion threads threads-all bucket mixed example; do
		if ! "$bin/eventreduce" -q --stats -c "$tmp/$r.yaml" "$tmp/in.events" >"$tmp/out.events" 2>"$tmp/err"; then
			no "$name $r: exit status $?: $(head -n 3 "$tmp/err")"
			continue
		fi
		balance <"$tmp/out.events" && ok || no "$name $r: in != out + dropped (+ merged)"
		figures in <"$tmp/out.events" >"$tmp/fig.in"
		cmp -s "$tmp/fig.in" "$tmp/in.count" && ok || no "$name $r: #reduce-in differs from the input: $(diff "$tmp/in.count" "$tmp/fig.in" | head -n 4)"
		figures out <"$tmp/out.events" >"$tmp/fig.out"
		count <"$tmp/out.events" >"$tmp/out.count"
		# events the output no longer has are 0 in the header
		grep -v ' 0$' "$tmp/fig.out" | grep -v '^records' >"$tmp/a"; grep -v '^records' "$tmp/out.count" | grep -v ' 0$' >"$tmp/b"
		{ cmp -s "$tmp/a" "$tmp/b" && [ "$(grep '^records' "$tmp/fig.out")" = "$(grep '^records' "$tmp/out.count")" ]; } &&
			ok || no "$name $r: #reduce-out differs from the output: $(diff "$tmp/out.count" "$tmp/fig.out" | head -n 4)"
		"$bin/eventsort" --check "$tmp/out.events" >/dev/null 2>"$tmp/err" && ok || no "$name $r: output not in order: $(head -n 2 "$tmp/err")"
		# the stack cache changes nothing
		EVENTREDUCE_NO_CACHE=1 "$bin/eventreduce" -q --stats -c "$tmp/$r.yaml" "$tmp/in.events" >"$tmp/nocache.events" 2>/dev/null
		cmp -s "$tmp/out.events" "$tmp/nocache.events" && ok || no "$name $r: output differs without the cache"
	done
	# bucket: heat maps of weights and folded stacks do not change
	"$bin/eventreduce" -q -c "$tmp/bucket.yaml" "$tmp/in.events" >"$tmp/b.events"
	for ev in $(awk -F'\t' '$1 == "S" { print $7 }' "$tmp/in.events" | sort -u); do
		for rows in 100 50 10; do
			# the header's idle=N counts samples, not weight: left out
			"$bin/heatmap" -w -e "$ev" -r $rows "$tmp/in.events" 2>/dev/null | sed 's/ idle=[0-9]*//' >"$tmp/h1"
			"$bin/heatmap" -w -e "$ev" -r $rows "$tmp/b.events" 2>/dev/null | sed 's/ idle=[0-9]*//' >"$tmp/h2"
			[ -s "$tmp/h1" ] && cmp -s "$tmp/h1" "$tmp/h2" && ok || no "$name bucket: heatmap -w -e $ev -r $rows differs"
		done
		"$bin/events2folded" -e "$ev" "$tmp/in.events" >"$tmp/f1" 2>/dev/null
		"$bin/events2folded" -e "$ev" "$tmp/b.events" >"$tmp/f2" 2>/dev/null
		[ -s "$tmp/f1" ] && cmp -s "$tmp/f1" "$tmp/f2" && ok || no "$name bucket: events2folded -e $ev differs"
	done
	n1=$(grep -c '^S' "$tmp/in.events"); n2=$(grep -c '^S' "$tmp/b.events")
	[ "$n2" -le "$n1" ] && ok || no "$name bucket: more samples after ($n2 > $n1)"
done
# --check reads no data: a bad stream on stdin does not matter
echo garbage | "$bin/eventreduce" --check -q -c "$tmp/example.yaml" && ok || no "--check read stdin"
# recursion: indirect on stacks long and short (over 64 frames eventreduce
# takes another way) equals a plain quadratic awk version
awk 'BEGIN { srand(7); print "#flamepipe-events 1"
	for (r = 0; r < 400; r++) { n = int(rand() * 200) + 1; a = int(rand() * 30) + 1; s = ""
		for (i = 0; i < n; i++) s = s (i ? ";" : "") "f" int(rand() * a) (rand() < 0.2 ? "`dso=x" : "")
		printf "S\t%d.0\t1\t1\t0\tc\tcycles\t1\t%s\n", r, s } }' >"$tmp/rec.events"
awk -F'\t' -v OFS='\t' '/^#/ { print; next } {
	n = split($9, f, ";"); k = 0
	for (i = 1; i <= n; i++) {
		name = f[i]; sub(/`.*/, "", name)
		for (j = k; j >= 1 && kn[j] != name; j--) ;
		if (j >= 1) { k = j; continue }
		k++; kn[k] = name; kf[k] = f[i]
	}
	s = kf[1]; for (i = 2; i <= k; i++) s = s ";" kf[i]; $9 = s; print }' "$tmp/rec.events" >"$tmp/rec.want"
printf 'rules:\n  - recursion: indirect\n' >"$tmp/rec.yaml"
"$bin/eventreduce" -q -c "$tmp/rec.yaml" "$tmp/rec.events" | grep -v '^#filter' >"$tmp/rec.out"
cmp -s "$tmp/rec.want" "$tmp/rec.out" && ok || no "recursion: indirect differs from awk's: $(diff "$tmp/rec.want" "$tmp/rec.out" | head -n 3)"
# a read error in the rule file names the rule file (/proc/self/mem: EIO
# on read, even for root); one in an input names the input (faults.sh
# inject-read-eio)
"$bin/eventreduce" -q -c /proc/self/mem </dev/null >"$tmp/out" 2>"$tmp/err"
st=$?
[ "$st" = 1 ] && [ ! -s "$tmp/out" ] && grep -q '^eventreduce: /proc/self/mem: ' "$tmp/err" && ok ||
	no "a rule file that cannot be read: status $st, $(head -n 1 "$tmp/err")"
check_done
