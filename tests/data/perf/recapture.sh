#!/usr/bin/env bash
# recapture.sh - regenerate the real perf captures in tests/data/perf/.
#
# For maintainers only; CI never runs this (it needs root or
# perf_event_paranoid <= -1, a working `perf record`, gcc, node, zstd, gzip).
# See README.md in this directory for what each capture exercises.
#
# Usage: tests/data/perf/recapture.sh [WHAT ...]
#   WHAT: text (fp, dwarf, multi), sideband (sideband*.perf.zst, workload.data);
#   default both. Each part replaces only its own files.
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

WHAT=${*:-text sideband}
case " $WHAT " in *" text "*) do_text=1 ;; *) do_text=0 ;; esac
case " $WHAT " in *" sideband "*) do_sideband=1 ;; *) do_sideband=0 ;; esac

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

text_captures() {
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

	cd "$WORK"
}

# Capture 4 (sideband): system-wide with context switches and a 1-page ring
# buffer, so perf loses records (PERF_RECORD_LOST); the same perf.data printed
# with every --show-*-events option and without any.
# Capture 5 (workload.data): the perf.data itself (binary, ~9 KB) for
# perf2events' own perf script run: call graphs, --switch-events.
sideband_captures() {
	show="--show-task-events --show-mmap-events --show-switch-events --show-lost-events"
	show="$show --show-namespace-events --show-cgroup-events --show-bpf-events --show-text-poke-events"
	perf record -e cpu-clock -c 50000 -a -g --switch-events -m 1 -o S.data -- ./workload 40 >/dev/null
	# shellcheck disable=SC2086
	perf script -i S.data $show > sideband.full
	perf script -i S.data > sideband-none.full
	grep -q PERF_RECORD_LOST sideband.full || echo "recapture.sh: warning: no PERF_RECORD_LOST this time; rerun" >&2
	perf record -F 499 -g --switch-events -o workload.data -- ./workload 300 >/dev/null
	cd "$HERE"
	zstd -19 -q -f "$WORK/sideband.full" -o sideband.perf.zst
	zstd -19 -q -f "$WORK/sideband-none.full" -o sideband-none.perf.zst
	cp "$WORK/workload.data" workload.data
	chmod 644 workload.data
	for f in sideband.full sideband-none.full; do
		printf '%-20s samples=%s side-band=%s bytes=%s\n' "$f" \
			"$(grep -v ' PERF_RECORD_' "$WORK/$f" | grep -c '^[^[:space:]#]' || true)" \
			"$(grep -c ' PERF_RECORD_' "$WORK/$f" || true)" "$(wc -c < "$WORK/$f")"
	done
	grep -o 'PERF_RECORD_[A-Z0-9_]*' "$WORK/sideband.full" | sort | uniq -c
	cd "$WORK"
}

[ "$do_text" = 1 ] && text_captures
[ "$do_sideband" = 1 ] && sideband_captures
cd "$HERE"
echo "perf: $(perf --version)"
echo "kernel: $(uname -r) $(uname -m)"
echo "Update README.md with the numbers above."
