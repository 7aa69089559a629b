#!/bin/sh
# spans2events on OTLP JSON: properties that must hold whatever the order
# of the input.
#  - tests/data/spans/otlp.json (one document) and otlp.jsonl (the same
#    spans as JSON Lines, children first, a trace split over lines) give
#    the same stream, and so does every order of the JSON Lines and the
#    compressed files;
#  - every output is well nested: per (pid, tid) times never go back, an
#    O extends the stack of the innermost open span, a C closes it, and
#    nothing stays open;
#  - generated span sets (random trees in random order, overlapping
#    siblings, children outliving their parents, zero-length spans): each
#    span comes out exactly once with its own duration and its full
#    ancestor stack.
# usage: spans-otlp.sh BINDIR
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init spans-otlp "$@"
here=$(cd "$(dirname "$0")/.." && pwd)
data=$here/data/spans

. "$here/lib/spans.sh"

# Random OTLP spans as JSON Lines, shuffled; expected "stack duration" to $2.
generate() {
	awk -v seed="$1" -v n="$3" -v want="$2" 'BEGIN {
		srand(seed)
		for (i = 1; i <= n; i++) {
			p = (i > 1 && rand() < 0.8) ? int(rand() * (i - 1)) + 1 : 0
			par[i] = p
			if (p) { s[i] = s[p] + int(rand() * (e[p] - s[p] + 1)); stack[i] = stack[p] ";s" i }
			else { s[i] = 1000000000 + int(rand() * 1000000); stack[i] = "s" i }
			r = rand()
			e[i] = r < 0.1 ? s[i] : s[i] + int(rand() * 300000)	# some zero-length
			print stack[i], e[i] - s[i] > want
			line = sprintf("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"gen\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"%032x\",\"spanId\":\"%016x\",\"parentSpanId\":\"%s\",\"name\":\"s%d\",\"startTimeUnixNano\":\"%d\",\"endTimeUnixNano\":%d}]}]}]}",
				7, i, p ? sprintf("%016X", p) : "", i, s[i], e[i])
			printf "%.8f\t%s\n", rand(), line
		}
	}' | sort | cut -f2-
}

if [ ! -f "$data/otlp.json" ]; then
	echo "spans-otlp: no test data in $data" >&2
	exit 1
fi
"$bin/spans2events" "$data/otlp.json" 2>/dev/null | grep -v '^#input' >"$tmp/doc"
"$bin/spans2events" "$data/otlp.jsonl" 2>/dev/null | grep -v '^#input' >"$tmp/lines"
cmp -s "$tmp/doc" "$tmp/lines" && ok || no "otlp.json and otlp.jsonl differ"
[ "$(nested <"$tmp/doc")" = ok ] && ok || no "otlp.json: $(nested <"$tmp/doc")"
[ "$(grep -c '^[OCI]' "$tmp/doc")" -eq 14 ] && ok || no "otlp.json: expected 14 records"
# every order of the four lines
perms=0
for a in 1 2 3 4; do for b in 1 2 3 4; do for c in 1 2 3 4; do for d in 1 2 3 4; do
	[ "$(printf '%s\n' $a $b $c $d | sort -u | wc -l)" -eq 4 ] || continue
	for i in $a $b $c $d; do sed -n "${i}p" "$data/otlp.jsonl"; done >"$tmp/perm"
	"$bin/spans2events" "$tmp/perm" 2>/dev/null | grep -v '^#input' >"$tmp/out"
	cmp -s "$tmp/doc" "$tmp/out" || { no "line order $a$b$c$d gives another stream"; continue; }
	perms=$((perms+1))
done; done; done; done
[ "$perms" -eq 24 ] && ok || no "only $perms of 24 line orders agree"
gzip -c "$data/otlp.jsonl" >"$tmp/z.jsonl.gz"
zstd -q -c "$data/otlp.json" >"$tmp/z.json.zst"
for z in "$tmp/z.jsonl.gz" "$tmp/z.json.zst"; do
	"$bin/spans2events" "$z" 2>/dev/null | grep -v '^#input' | cmp -s "$tmp/doc" - && ok ||
		no "$(basename "$z") differs from otlp.json"
done
for seed in 1 2 3 4 5 6 7 8; do
	generate "$seed" "$tmp/want" 300 >"$tmp/gen.jsonl"
	sort "$tmp/want" >"$tmp/want.sorted"
	[ "$(wc -l <"$tmp/want.sorted")" -eq 300 ] || { no "seed $seed: generator failed"; continue; }
	"$bin/spans2events" "$tmp/gen.jsonl" >"$tmp/gen.ev" 2>"$tmp/err" || { no "seed $seed: failed: $(head -n 2 "$tmp/err")"; continue; }
	r=$(nested <"$tmp/gen.ev")
	[ "$r" = ok ] && ok || no "seed $seed: $r"
	durations <"$tmp/gen.ev" >"$tmp/got"
	if cmp -s "$tmp/want.sorted" "$tmp/got"; then ok; else
		no "seed $seed: spans or durations differ"
		diff "$tmp/want.sorted" "$tmp/got" | head -n 5
	fi
done
check_done
