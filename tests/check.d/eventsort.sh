#!/bin/sh
# eventsort.sh - eventsort's in-memory window gives the bytes sort(1) gives
# (docs/ordering.md §2.1).
#
# The test hook FLAMEPIPE_EVENTSORT_WINDOW=BYTES sets the reordering window
# (0: every timed record goes through sort(1), the fallback path alone;
# tiny windows: most records arrive too late for the window and the two
# sorted runs are merged; the headers, untimed records and the run then
# spill to temporary files too). For each input, the output, messages and
# exit status with windows of 1, 300, 4096 bytes and the default must equal
# those with 0. Inputs: every Trace Event file of the corpus through
# trace2events -a, spans2events and perf2events output of tests/data, the
# eventsort goldens' inputs, a generated trace (tests/bench/gen-trace.sh)
# and shuffled copies of some of them (records in random order, seeded).
# Then: the generated trace's events sort with no sort(1) on PATH (the
# window holds all the reordering it needs), the fallback fails there
# ("cannot run sort"), and no temporary file is left behind.
# usage: eventsort.sh BINDIR
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init eventsort "$@"

mkdir "$tmp/in" "$tmp/t"
i=0
for f in $(find "$corpus/trace-event" -type f -name '*.json' | sort); do
	i=$((i + 1))
	"$bin/trace2events" -a "$f" >"$tmp/in/trace$i.events" 2>/dev/null || rm -f "$tmp/in/trace$i.events"
done
"$bin/spans2events" "$root/tests/data/spans/otlp.json" >"$tmp/in/otlp.events" 2>/dev/null
"$bin/perf2events" "$root/tests/data/perf/fp.perf" >"$tmp/in/fp.events" 2>/dev/null
for f in "$root"/tests/golden/eventsort/*.in; do
	cp "$f" "$tmp/in/golden-$(basename "$f" .in).events"
done
sh "$root/tests/bench/gen-trace.sh" 2 8 2>/dev/null | "$bin/trace2events" >"$tmp/in/gen.events"

# shuffle IN OUT SEED: the first line (magic) stays, the rest in random order
shuffle() {
	awk -v seed="$3" 'NR == 1 { print; next } { l[n++] = $0 }
		END { srand(seed); for (i = n - 1; i > 0; i--) { j = int(rand() * (i + 1)); t = l[i]; l[i] = l[j]; l[j] = t }
		for (i = 0; i < n; i++) print l[i] }' "$1" >"$2"
}
shuffle "$tmp/in/gen.events" "$tmp/in/gen-shuffled.events" 1
shuffle "$tmp/in/fp.events" "$tmp/in/fp-shuffled.events" 2
shuffle "$tmp/in/otlp.events" "$tmp/in/otlp-shuffled.events" 3
for f in "$tmp"/in/trace1[0-9].events; do
	shuffle "$f" "${f%.events}-shuffled.events" 4
done

# run WINDOW IN: stdout, stderr (without the program's own name) and status
run() {
	if [ "$1" = default ]; then
		"$bin/eventsort" "$2" >"$tmp/out" 2>"$tmp/err"
	else
		FLAMEPIPE_EVENTSORT_WINDOW=$1 TMPDIR="$tmp/t" "$bin/eventsort" "$2" >"$tmp/out" 2>"$tmp/err"
	fi
	echo "status $?" >>"$tmp/err"
}

n=0
for f in "$tmp"/in/*.events; do
	n=$((n + 1))
	run 0 "$f"
	mv "$tmp/out" "$tmp/ref.out"
	mv "$tmp/err" "$tmp/ref.err"
	for w in 1 300 4096 default; do
		run "$w" "$f"
		if cmp -s "$tmp/out" "$tmp/ref.out" && cmp -s "$tmp/err" "$tmp/ref.err"; then ok
		else no "$(basename "$f"): window $w differs from sort(1) alone"; diff "$tmp/ref.err" "$tmp/err" | head -5; fi
	done
done
[ "$n" -ge 50 ] && ok || no "only $n inputs"

# the nearly sorted trace needs no sort(1); the fallback alone does
mkdir "$tmp/nopath"
run 0 "$tmp/in/gen.events"
mv "$tmp/out" "$tmp/ref.out"
PATH="$tmp/nopath" "$bin/eventsort" "$tmp/in/gen.events" >"$tmp/out" 2>"$tmp/err"
st=$?
if [ $st = 0 ] && [ -s "$tmp/out" ] && cmp -s "$tmp/out" "$tmp/ref.out"; then ok
else no "generated trace without sort(1) on PATH: status $st, $(cat "$tmp/err")"; fi
PATH="$tmp/nopath" FLAMEPIPE_EVENTSORT_WINDOW=0 "$bin/eventsort" "$tmp/in/gen.events" >/dev/null 2>"$tmp/err"
st=$?
if [ $st = 1 ] && grep -q "cannot run sort" "$tmp/err"; then ok; else no "window 0 without sort(1): status $st"; fi
if [ -z "$(ls -A "$tmp/t")" ]; then ok; else no "temporary files left: $(ls "$tmp/t")"; fi

check_done
