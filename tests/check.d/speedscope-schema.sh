#!/bin/sh
# events2speedscope output, structurally: every output validates against the
# JSON schema shipped in the speedscope npm package and follows the rules
# speedscope's importer enforces beyond it (tests/browser/validate.js), on
# every FlameGraph corpus input (per thread and --merge) and on generated
# edge cases (tests/browser/gen-cases.sh); sampled weights add up to the
# stream's positive S weights (nothing lost or invented, merged runs
# included); deep stacks are cut to --max-depth; gzip output inflates to the
# same document; a thread spilled in chunks among 300 interleaved threads
# gives the same profile as that thread alone; the temporary file never
# outlives the run, not even a kill -9.
# Without node the JSON checks cannot run: skipped, except under CI=true.
# usage: speedscope-schema.sh BINDIR
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init speedscope-schema "$@"
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=$here/data/corpus/perf/flamegraph/inputs

browser_dir=$here/browser
. "$browser_dir/setup.sh"
check_needs "$node_ok" "$why" || echo "speedscope-schema: skipping the JSON checks: $why"

# the weights of S records with a positive weight
s_total() { awk -F'\t' '$1 == "S" && $8 > 0 { s += $8 } END { printf "%d\n", s }' "$1"; }

# convert $2 with options $3..., list the output for validation with the
# expected weight total (TOTAL=- : none to check); $1 names the case
: >"$tmp/list"
check() {
	label=$1 ev=$2; shift 2
	out=$tmp/$label.speedscope.json
	if ! "$bin/events2speedscope" "$@" "$ev" >"$out" 2>"$tmp/err"; then
		bad "$label: exit status"; head -n 3 "$tmp/err"; return
	fi
	ok
	printf '%s\t%s\n' "${TOTAL:-$(s_total "$ev")}" "$out" >>"$tmp/list"
}

for in in "$corpus"/*.txt "$corpus"/*.txt.gz; do
	[ -e "$in" ] || continue
	b=$(basename "$in"); b=${b%%.*}
	"$bin/perf2events" "$in" >"$tmp/$b.events" 2>/dev/null
	check "$b" "$tmp/$b.events"
	check "$b-merge" "$tmp/$b.events" --merge
done

sh "$here/browser/gen-cases.sh" "$tmp/cases"
for ev in "$tmp"/cases/*.events; do
	b=$(basename "$ev" .events)
	check "$b" "$ev"
	check "$b-merge" "$ev" -m
done
check deep-1000 "$tmp/cases/deep.events" --max-depth 1000
check deep-none "$tmp/cases/deep.events" --max-depth 0
TOTAL=- check threads-top "$tmp/cases/threads.events" --top 5
check gzip "$tmp/cases/threads.events" --gzip

if [ "$node_ok" = 1 ]; then
	node "$here/browser/validate.js" --list "$tmp/list" >"$tmp/v"
	p=$(grep -c '^ok ' "$tmp/v") f=$(grep -c '^FAIL ' "$tmp/v")
	pass=$((pass + p)) fail=$((fail + f))
	grep '^FAIL ' "$tmp/v"
	[ "$((p + f))" -eq "$(wc -l <"$tmp/list")" ] || bad "validate.js did not report every file"
	# depth: nothing deeper than --max-depth, in samples and in spans
	for d in 2000 100 2; do
		"$bin/events2speedscope" -d $d "$tmp/cases/deep.events" >"$tmp/d$d.json" 2>/dev/null
		if node "$here/browser/validate.js" --depth $d "$tmp/d$d.json" >"$tmp/v"; then ok; else bad "depth $d"; cat "$tmp/v"; fi
	done
fi

# gzip: the same document once inflated
"$bin/events2speedscope" "$tmp/cases/threads.events" >"$tmp/z.json" 2>/dev/null
if gzip -dc "$tmp/gzip.speedscope.json" | cmp -s - "$tmp/z.json"; then ok; else bad "gzip output"; fi

# spill: thread 7 among 30 interleaved threads, spilled in chunks (each
# thread writes more than a chunk) and all at once (a tiny budget), reads
# as the same stacks and weights as thread 7 alone, which never spills
if [ "$node_ok" = 1 ]; then
	awk -F'\t' '/^#/ || $4 == 7' "$tmp/cases/spill.events" >"$tmp/t7.events"
	"$bin/events2speedscope" "$tmp/t7.events" >"$tmp/alone.json" 2>/dev/null
	"$bin/events2speedscope" "$tmp/cases/spill.events" >"$tmp/chunks.json" 2>/dev/null
	EVENTS2SPEEDSCOPE_BUDGET=4096 "$bin/events2speedscope" "$tmp/cases/spill.events" >"$tmp/tiny.json" 2>/dev/null
	dump='const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const p = d.profiles.find((q) => / tid 7\)$/.test(q.name));
		const f = d.shared.frames;
		for (const [i, s] of p.samples.entries())
			console.log(s.map((k) => f[k].name).join(";") + " " + p.weights[i]);'
	node -e "$dump" "$tmp/alone.json" >"$tmp/alone.txt"
	for v in chunks tiny; do
		node -e "$dump" "$tmp/$v.json" >"$tmp/$v.txt"
		if [ "$(wc -l <"$tmp/alone.txt")" -gt 4000 ] && cmp -s "$tmp/alone.txt" "$tmp/$v.txt"; then
			ok
		else
			bad "spill ($v): thread 7 differs from thread 7 alone"
		fi
	done
fi

# the temporary file is unlinked at once: none left, even after a kill -9
mkdir "$tmp/spilldir"
TMPDIR=$tmp/spilldir "$bin/events2speedscope" "$tmp/cases/spill.events" >/dev/null 2>&1
TMPDIR=$tmp/spilldir "$bin/events2speedscope" "$tmp/cases/spill.events" 2>/dev/null | head -c 10 >/dev/null
mkfifo "$tmp/fifo"
TMPDIR=$tmp/spilldir "$bin/events2speedscope" "$tmp/fifo" >/dev/null 2>&1 &
victim=$!
exec 3>"$tmp/fifo"
cat "$tmp/cases/spill.events" >&3
sleep 1
kill -9 "$victim" 2>/dev/null
exec 3>&-
wait "$victim" 2>/dev/null
if [ -z "$(ls -A "$tmp/spilldir")" ]; then ok; else bad "temporary files left: $(ls "$tmp/spilldir")"; fi

check_done
