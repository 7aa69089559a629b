#!/usr/bin/env bash
# gen-perf.sh - generate a large perf-script text for benchmarks.
#
# Usage: tests/bench/gen-perf.sh SIZE_MB OUT
#   SIZE_MB  minimum output size in MiB (integer or decimal, > 0)
#   OUT      output file, or - for stdout (e.g. pipe 1 GB without storing it)
#
# The output is made by replicating real captures:
#   - tests/data/perf/*.perf, and *.perf.zst that have no plain twin
#     (.zst needs zstd(1); skipped with a warning if it is missing), but
#     the side-band fixtures (sideband*.perf.zst);
#   - if present, tests/data/corpus/perf/flamegraph/inputs/*.txt relative
#     to the repo root (override with FLAMEPIPE_PERF_CORPUS=DIR), using only
#     files whose sample header lines carry timestamps.
# All inputs are concatenated into one template (in memory, one awk pass);
# the template is then emitted over and over until SIZE_MB MiB is reached,
# stopping at a sample boundary (so samples are always whole).
#
# Timestamps: on header lines (non-indented, non-'#' lines) the first token
# matching  <digits>.<6-9 digits>:  is the sample time. Each input file is
# rebased so that the template is monotonic (files follow each other with a
# 1 ms gap, starting at 100000 s), and each replication is shifted by the
# template's span, so time never decreases across the whole output. Each
# timestamp keeps its original number of decimals. Arithmetic is done in
# integer nanoseconds held in doubles (exact below 2^53 ns, ~104 days).
# '#' comment lines (perf script --header) are dropped.
set -euo pipefail
export LC_ALL=C

usage() { echo "usage: $0 SIZE_MB OUT   (OUT may be - for stdout)" >&2; exit 2; }
[ $# -eq 2 ] || usage
size_mb=$1
out=$2
case $size_mb in
	'' | *[!0-9.]* | *.*.* | .) usage ;;
esac
[ -n "$out" ] || usage

root=$(cd "$(dirname "$0")/../.." && pwd)
data=$root/tests/data/perf
corpus=${FLAMEPIPE_PERF_CORPUS:-$root/tests/data/corpus/perf/flamegraph/inputs}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gen-perf.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

inputs=()
for f in "$data"/*.perf; do
	[ -f "$f" ] && inputs+=("$f")
done
for z in "$data"/*.perf.zst; do
	[ -f "$z" ] || continue
	# the side-band fixtures: perf's synthesized records at time 0 would
	# stretch the template's time span to the capture's uptime
	case $(basename "$z") in sideband*) continue ;; esac
	[ -f "${z%.zst}" ] && continue          # plain twin already used
	if command -v zstd >/dev/null 2>&1; then
		d=$tmp/$(basename "${z%.zst}")
		zstd -dcq "$z" > "$d"
		inputs+=("$d")
	else
		echo "gen-perf.sh: zstd not found, skipping $z" >&2
	fi
done
if [ -d "$corpus" ]; then
	for f in "$corpus"/*.txt; do
		[ -f "$f" ] || continue
		if grep -Eq '^[^[:space:]#].*[[:space:]][0-9]+\.[0-9]{6,9}:' "$f"; then
			inputs+=("$f")
		fi
	done
fi
[ ${#inputs[@]} -gt 0 ] || { echo "gen-perf.sh: no input captures found" >&2; exit 1; }

if [ "$out" != - ]; then
	exec > "$out"
fi

awk -v size_mb="$size_mb" '
BEGIN {
	target = size_mb * 1048576
	base = 100000 * 1e9     # first sample at 100000 s
	gap = 1e6               # 1 ms between files and between replications
	cum = base              # where the current file starts (ns)
	n = 0                   # template items
	nfiles = 0
	lastblank = 1
	re = "[ \t][0-9]+\\.[0-9][0-9][0-9][0-9][0-9][0-9][0-9]*:"
}

function lit(s) {
	if (n == 0 || kind[n]) { n++; kind[n] = 0; text[n] = "" }
	text[n] = text[n] s "\n"
}

function end_file() {
	if (!lastblank) lit("")
	lastblank = 1
	if (havets) {
		# next file starts on the next whole millisecond after a gap
		cum = (int(lastns / 1e6) + 1) * 1e6 + gap
	}
	havets = 0
}

FNR == 1 { if (nfiles++) end_file() }

/^#/ { next }

/^[^ \t]/ && match(" " $0, re) {
	tok = substr($0, RSTART, RLENGTH - 2)       # without space and colon
	dot = index(tok, ".")
	ip = substr(tok, 1, dot - 1)
	fp = substr(tok, dot + 1)
	dec = length(fp)
	if (dec <= 9) {
		fns = substr(fp "000000000", 1, 9) + 0
		if (!havets) { ip0 = ip + 0; f0 = fns; havets = 1 }
		t = cum + (ip - ip0) * 1e9 + (fns - f0)
		lastns = t
		n++
		kind[n] = 1
		pre[n] = substr($0, 1, RSTART - 1)
		ns[n] = t
		dc[n] = dec
		post[n] = substr($0, RSTART + RLENGTH - 2)
		lastblank = 0
		next
	}
}

{ lit($0); lastblank = ($0 == "") }

function fmt(t, dec,    sec, frac) {
	sec = int(t / 1e9)
	frac = t - sec * 1e9
	if (frac < 0) { sec--; frac += 1e9 }
	if (frac >= 1e9) { sec++; frac -= 1e9 }
	return sprintf("%d.", sec) substr(sprintf("%09d", frac), 1, dec)
}

END {
	if (nfiles) end_file()
	span = cum - base
	if (span <= 0) span = gap
	for (i = 1; i <= n; i++)
		if (!kind[i]) tlen[i] = length(text[i])
	done = 0
	bytes = 0
	for (r = 0; !done; r++) {
		off = r * span
		for (i = 1; i <= n; i++) {
			if (kind[i]) {
				if (bytes >= target) { done = 1; break }
				line = pre[i] fmt(ns[i] + off, dc[i]) post[i] "\n"
				printf "%s", line
				bytes += length(line)
			} else {
				printf "%s", text[i]
				bytes += tlen[i]
			}
		}
		if (bytes >= target || n == 0) done = 1
	}
}
' "${inputs[@]}"
