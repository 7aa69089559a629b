#!/bin/sh
# events2trace properties (docs/events2trace.md):
#  1. round trip: for real streams (perf captures through perf2events, a
#     Chrome trace and OTLP spans through their converters, the goldens'
#     inputs with untimed and negative weights, a 10000-deep stack)
#     `events2trace | trace2events | eventsort` gives back the
#     records of `eventsort` of the input: every S record's time, pid, tid,
#     cpu, event, weight and stack (frame attributes included), every
#     O/C/I record's time, pid, tid, event and stack, every E unit (the
#     COMM field, lost by design, is left out); nothing on stderr; names
#     with <>&"' come back, bytes that are not UTF-8 as U+FFFD;
#  2. the output is one valid JSON document (node's JSON.parse) whose
#     samples' weights add up to the stream's S weights per event;
#  3. speedscope 1.25.0 (the npm package's app in headless Chromium,
#     tests/browser/view.js) opens events2trace's output and its Sandwich
#     table shows the same per-function totals and self times as for
#     events2speedscope's output of the same stream (both are compared
#     with events2folded's figures): a Chrome trace's sampled CPU profile
#     (weights are times between samples, which is how speedscope weighs
#     trace samples) and nested spans;
#  4. memory: a stream of 200 000 samples over 50 distinct stacks runs in
#     the same peak RSS (within 2 MiB) as one of 20 000;
#  5. that stream's spilled samples come back whole, and the same, to a
#     pipe, a file and a file opened for appending.
# usage: events2trace.sh BINDIR
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init events2trace "$@"
gold=$root/tests/golden/events2trace

# the records a round trip keeps, one per line, sorted; times with nine
# decimals (readers take 0 to 9)
norm() {
	awk -F'\t' -v OFS='\t' '
		function t9(s,  k, d) {
			if (s == "-") return s
			k = index(s, "."); if (!k) return s ".000000000"
			d = substr(s, k + 1); while (length(d) < 9) d = d "0"
			return substr(s, 1, k) d
		}
		$1 == "S" { print $1, t9($2), $3, $4, $5, $7, $8, $9; next }
		$1 ~ /^[OCI]$/ { print $1, t9($2), $3, $4, $7, $9; next }
		$1 == "E" { print $1, $3, $4 }' "$1" | sort
}

# roundtrip NAME EVENTS
roundtrip() {
	"$bin/eventsort" "$2" >"$tmp/a" 2>/dev/null
	if ! "$bin/events2trace" "$2" >"$tmp/$1.json" 2>"$tmp/err1" ||
	   ! "$bin/trace2events" "$tmp/$1.json" 2>"$tmp/err2" >"$tmp/b1" ||
	   ! "$bin/eventsort" "$tmp/b1" >"$tmp/b" 2>"$tmp/err3"; then
		no "$1: the pipeline failed: $(cat "$tmp/err1" "$tmp/err2" "$tmp/err3")"
		return
	fi
	norm "$tmp/a" >"$tmp/na"
	norm "$tmp/b" >"$tmp/nb"
	if [ ! -s "$tmp/na" ]; then
		no "$1: no records to compare"
	elif cmp -s "$tmp/na" "$tmp/nb"; then
		ok
	else
		no "$1: the round trip changed records (< input, > events2trace | trace2events)"
		diff "$tmp/na" "$tmp/nb" | head -n 6
	fi
	if [ -s "$tmp/err2" ] || [ -s "$tmp/err3" ]; then
		no "$1: trace2events or eventsort complained: $(cat "$tmp/err2" "$tmp/err3")"
	else
		ok
	fi
}

mkdir "$tmp/in"
for p in fp dwarf multi sideband; do
	"$bin/perf2events" "$root/tests/data/perf/$p.perf.zst" >"$tmp/in/perf-$p.events" 2>/dev/null
done
"$bin/trace2events" "$corpus/trace-event/chrome-70/worker.json" 2>/dev/null |
	"$bin/eventsort" >"$tmp/in/chrome-70.events"
"$bin/trace2events" "$corpus/trace-event/chrome-116/Trace-20230603T221323.json" 2>/dev/null |
	"$bin/eventsort" >"$tmp/in/chrome-116.events"
"$bin/spans2events" "$root/tests/data/spans/otlp.json" >"$tmp/in/otlp.events" 2>/dev/null
"$bin/cpuprofile2events" "$corpus/cpuprofile/chrome-65/sucrase.cpuprofile" >"$tmp/in/sucrase.events" 2>/dev/null
for c in spans untimed deep one-sample threads; do
	cp "$gold/$c.in" "$tmp/in/golden-$c.events"
done
# a gzip-compressed input reads the same
gzip -c "$tmp/in/perf-fp.events" >"$tmp/in/perf-fp-gz.events"
for f in "$tmp"/in/*.events; do
	roundtrip "$(basename "$f" .events)" "$f"
done

# names: the same but for the bytes that are not UTF-8 (U+FFFD in JSON)
# and the escaping of valid UTF-8 (trace2events writes it raw)
"$bin/events2trace" "$gold/names.in" | "$bin/trace2events" 2>&1 | "$bin/eventsort" >"$tmp/b"
norm "$tmp/b" >"$tmp/nb"
"$bin/eventsort" "$gold/names.in" >"$tmp/a"
fffd=$(printf '\357\277\275')
norm "$tmp/a" | sed "s/\\\\xff\\\\xfeinvalid\\\\xc3/${fffd}${fffd}invalid$fffd/; s/ok \\\\xc3\\\\xa9/ok $(printf '\303\251')/" >"$tmp/na"
if cmp -s "$tmp/na" "$tmp/nb"; then ok; else
	no "names: the round trip changed more than invalid UTF-8"; diff "$tmp/na" "$tmp/nb" | head -n 6
fi

# 2. valid JSON; sample weights per event = S weights per event
node_ok=0
command -v node >/dev/null 2>&1 && node_ok=1
if check_needs "$node_ok" "node is not installed (Debian: nodejs)"; then
	for f in "$tmp"/in/*.events; do
		n=$(basename "$f" .events)
		"$bin/events2trace" "$f" >"$tmp/j.json" 2>/dev/null
		want=$("$bin/eventsort" "$f" | awk -F'\t' '$1 == "S" { w[$7] += $8 }
			END { for (e in w) printf "%s=%.0f\n", e, w[e] }' | sort | tr '\n' ' ')
		got=$(node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
			const w = {}; for (const s of d.samples || []) w[s.name] = (w[s.name] || 0n) + BigInt(s.weight);
			console.log(Object.keys(w).sort().map((k) => k + "=" + w[k]).join(" "))' "$tmp/j.json" 2>&1)
		if [ "$(echo $got)" = "$(echo $want)" ]; then ok; else no "$n: JSON sample weights '$got', stream '$want'"; fi
	done
fi

# 3. speedscope reads events2trace's output as it reads events2speedscope's
browser_dir=$root/tests/browser
. "$browser_dir/setup.sh"
. "$root/tests/lib/sandwich.sh"
view() { # view CASE FILE EXPECT
	if nice node "$browser_dir/view.js" "$tmp/out/$1" "$2" "$3" >"$tmp/log" 2>&1; then ok; else
		no "speedscope: $1"; sed 's/^/  /' "$tmp/log"
	fi
}
if check_needs "$browser_ok" "$why"; then
	# the main thread's CPU profile of a Chrome 70 trace
	awk -F'\t' '/^#/ || $1 == "E" || ($1 == "S" && $4 == 775 && $7 == "cpu-profile")' \
		"$tmp/in/chrome-70.events" >"$tmp/cpu.events"
	"$bin/events2folded" -e cpu-profile --raw --no-comm "$tmp/cpu.events" 2>/dev/null | totals >"$tmp/cpu.tsv"
	mark "$tmp/cpu.events" "$tmp/cpu.tsv"
	"$bin/events2trace" "$tmp/cpu.events" >"$tmp/cpu.json"
	"$bin/events2speedscope" "$tmp/cpu.events" >"$tmp/cpu.speedscope.json" 2>/dev/null
	view cpu-trace "$tmp/cpu.json" "$tmp/cpu.tsv"
	view cpu-speedscope "$tmp/cpu.speedscope.json" "$tmp/cpu.tsv"
	# nested spans of one thread
	awk -F'\t' -v OFS='\t' '/^#/ { print; next } $4 == 11 { $7 = "span"; print }' "$gold/spans.in" >"$tmp/sp.events"
	"$bin/events2folded" --raw --no-comm "$tmp/sp.events" 2>/dev/null | totals >"$tmp/sp.tsv"
	"$bin/events2trace" "$tmp/sp.events" >"$tmp/sp.json"
	"$bin/events2speedscope" "$tmp/sp.events" >"$tmp/sp.speedscope.json" 2>/dev/null
	view spans-trace "$tmp/sp.json" "$tmp/sp.tsv"
	view spans-speedscope "$tmp/sp.speedscope.json" "$tmp/sp.tsv"
fi

# 4. memory does not grow with the number of samples
gen() {
	awk -v n="$1" 'BEGIN { printf "#flamepipe-events 1\n"
		for (i = 0; i < n; i++) printf "S\t%d.%09d\t1\t%d\t-\tx\tev\t%d\tmain;f%d;g%d\n",
			i / 1000, (i % 1000) * 1000000, i % 4, i % 7 + 1, i % 5, i % 10 }'
}
rss() { /usr/bin/time -f %M "$bin/events2trace" "$1" 2>&1 >/dev/null | tail -n 1; }
if [ -x /usr/bin/time ]; then
	gen 20000 >"$tmp/small.events"
	gen 200000 >"$tmp/big.events"
	small=$(rss "$tmp/small.events") big=$(rss "$tmp/big.events")
	if [ "$big" -le $((small + 2048)) ]; then ok; else
		no "peak RSS grows with samples: $small KiB for 20000, $big KiB for 200000"
	fi
fi

# 5. the spilled samples (14 MB here) come back whole whatever stdout is:
#    a pipe and a file (the kernel copies them, sendfile), a file opened
#    for appending (which refuses sendfile: copied through memory)
[ -e "$tmp/big.events" ] || gen 200000 >"$tmp/big.events"
"$bin/events2trace" "$tmp/big.events" 2>"$tmp/big.err" | cat >"$tmp/big.pipe.json"
"$bin/events2trace" "$tmp/big.events" >"$tmp/big.file.json" 2>>"$tmp/big.err"
: >"$tmp/big.append.json"
"$bin/events2trace" "$tmp/big.events" >>"$tmp/big.append.json" 2>>"$tmp/big.err"
n=$(grep -c '^{"ts":' "$tmp/big.pipe.json")
want=$(awk -F'\t' '$1 == "S" { s += $8 } END { print s + 0 }' "$tmp/big.events")
w=$(tr ',' '\n' <"$tmp/big.pipe.json" | awk -F: '$1 == "\"weight\"" { s += $2 } END { print s + 0 }')
if [ "$n" = 200000 ] && [ "$w" = "$want" ] && [ ! -s "$tmp/big.err" ] &&
	cmp -s "$tmp/big.pipe.json" "$tmp/big.file.json" && cmp -s "$tmp/big.pipe.json" "$tmp/big.append.json" &&
	tail -c 3 "$tmp/big.pipe.json" | od -c | grep -q ']   }  \\n'; then ok; else
	no "spilled samples: $n samples of weight $w (want 200000 and $want), or pipe, file and append differ"
fi

check_done
