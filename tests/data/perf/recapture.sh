#!/usr/bin/env bash
# recapture.sh - regenerate the real perf captures in tests/data/perf/.
#
# For maintainers only; CI never runs this (it needs root or
# perf_event_paranoid <= -1, a working `perf record`, gcc, node, zstd, gzip).
# See README.md in this directory for what each capture exercises.
#
# Usage: tests/data/perf/recapture.sh
#   WORK=/tmp/flamepipe-capture   scratch dir (binary, perf.data; not stored).
#                                 Kept fixed so DSO paths in the captures are
#                                 stable between recaptures.
#   MAX_SAMPLES=300 MAX_BYTES=150000   trim limits for each stored text.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-/tmp/flamepipe-capture}
MAX_SAMPLES=${MAX_SAMPLES:-300}
MAX_BYTES=${MAX_BYTES:-150000}
PLAIN_LIMIT=100000   # keep an uncompressed copy only below this size (fp always)

for t in perf gcc node zstd gzip awk; do
	command -v "$t" >/dev/null || { echo "recapture.sh: need $t" >&2; exit 1; }
done

rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK"

gcc -O2 -g -fno-omit-frame-pointer -pthread -o workload "$HERE/workload.c"

# Small JIT workload for the system-wide capture (node writes /tmp/perf-PID.map).
cat > jit.js <<'EOF'
function mixer(x) { x ^= x >>> 13; x = Math.imul(x, 0x5bd1e995); return x ^ (x >>> 15); }
function inner(n) { let h = n | 0; for (let i = 0; i < 2000; i++) h = mixer(h + i); return h; }
function hotLoop(ms) { const end = Date.now() + ms; let s = 0; while (Date.now() < end) s ^= inner(s); return s; }
console.log(hotLoop(250));
EOF

# Keep whole samples (a sample ends at a blank line), at most MAX_SAMPLES
# samples and MAX_BYTES bytes, from the start of the file.
trim() {
	awk -v maxs="$MAX_SAMPLES" -v maxb="$MAX_BYTES" '
	function flush() {
		if (buf == "") return
		if (n + 1 > maxs || bytes + length(buf) > maxb) { done = 1; exit }
		printf "%s", buf; bytes += length(buf); n++; buf = ""
	}
	{ buf = buf $0 "\n" }
	/^$/ { flush() }
	END { if (!done) flush() }'
}

samples() { grep -c '^[^[:space:]#]' "$1" || true; }

# Capture 1: frame-pointer call graphs.
perf record -F 999 -g -o X.data -- ./workload >/dev/null
perf script -i X.data > fp.full

# Capture 2: DWARF call graphs (shows "(inlined)" frames for static inlines).
perf record -F 499 --call-graph dwarf -o Y.data -- ./workload >/dev/null
perf script -i Y.data > dwarf.full

# Capture 3: system-wide, two events, kernel + JIT (node) + real programs,
# printed with pid/tid and cpu fields.
perf record -e cpu-clock -e page-faults -F 99 -a -g -o Z.data -- \
	sh -c "node --perf-basic-prof $WORK/jit.js; seq 1 60000 | sort -R | gzip -6 > /dev/null" >/dev/null
perf script -i Z.data -F comm,pid,tid,cpu,time,period,event,ip,sym,dso > multi.full
# Remove node's JIT symbol map(s) now that perf script has used them.
# shellcheck disable=SC2013
for pid in $(awk '$1 == "node" { split($2, a, "/"); print a[1] }' multi.full | sort -u); do
	rm -f "/tmp/perf-$pid.map"
done

grep -q '(inlined)' dwarf.full || { echo "recapture.sh: no (inlined) frames in dwarf capture" >&2; exit 1; }
grep -q 'kernel.kallsyms' multi.full || { echo "recapture.sh: no kernel frames in multi capture" >&2; exit 1; }

cd "$HERE"
rm -f fp.perf fp.perf.zst fp.perf.gz dwarf.perf dwarf.perf.zst multi.perf multi.perf.zst
for name in fp dwarf multi; do
	trim < "$WORK/$name.full" > "$name.perf"
	zstd -19 -q -f "$name.perf" -o "$name.perf.zst"
	size=$(wc -c < "$name.perf")
	printf '%-6s samples=%-4s bytes=%-7s (untrimmed samples=%s)\n' \
		"$name" "$(samples "$name.perf")" "$size" "$(samples "$WORK/$name.full")"
	if [ "$name" != fp ] && [ "$size" -ge "$PLAIN_LIMIT" ]; then
		rm -f "$name.perf"
	fi
done
gzip -9 -n -c fp.perf > fp.perf.gz

echo "perf: $(perf --version)"
echo "kernel: $(uname -r) $(uname -m)"
echo "Update README.md with the numbers above."
