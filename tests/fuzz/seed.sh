#!/bin/sh
# seed.sh - make a starting corpus for one fuzz target
#
# usage: tests/fuzz/seed.sh TARGET DIR [BINDIR]
# Inputs come from tests/ and tests/data/corpus/; big files are cut into
# pieces of at most 16 KiB at blank lines so the fuzzer mutates whole
# samples. BINDIR (default build/bin) provides perf2events to make events
# streams from the perf inputs.
set -u
target=$1 dir=$2 bindir=${3:-build/bin}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${FLAMEPIPE_CORPUS:-$root/tests/data/corpus}
mkdir -p "$dir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-seed.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0

# cat a possibly compressed file
dump() {
	case $1 in
	*.gz) gzip -dc "$1" ;;
	*.zst) zstd -dcq "$1" ;;
	*) cat "$1" ;;
	esac
}

# split stdin into pieces of <= 16 KiB at blank lines (at most 40 pieces)
pieces() {
	awk -v dir="$dir" -v base="$1" -v prefix="${2:-}" '
	BEGIN { n = 0; len = 0; piece = "" }
	function flush() {
		if (len == 0 || n >= 40) return
		f = dir "/" base "-" n++
		printf "%s%s", prefix, piece > f
		close(f)
		piece = ""; len = 0
	}
	n >= 40 { exit }
	{ piece = piece $0 "\n"; len += length($0) + 1 }
	$0 == "" && len > 12000 { flush() }
	len > 16384 { flush() }
	END { flush() }'
}

perf_inputs() {
	for f in "$root"/tests/data/perf/*.perf "$root"/tests/data/perf/*.perf.zst \
		"$corpus"/perf/flamegraph/inputs/* "$corpus"/perf/flamescope/perf.* \
		"$root"/tests/golden/perf2events/*.in; do
		[ -f "$f" ] && echo "$f"
	done
}

events_inputs() {
	for f in "$root"/tests/golden/*/*.in "$root"/tests/golden/*/*.events; do
		[ -f "$f" ] && head -n 1 "$f" | grep -q '^#flamepipe-events' && echo "$f"
	done
}

# A writer target (events2pprof, events2nflxprofile, events2trace): the
# first byte picks the options (i mod NOPTS, in turn), then the start of an
# events stream, cut by head CUT; with PERFCUT, the perf inputs converted by
# perf2events too, cut by head PERFCUT.
seed_writer() {
	nopts=$1 cut=$2 perfcut=${3:-}
	i=0
	for f in $(events_inputs); do
		{ printf "\\$(printf %03o $((i % nopts)))"; head $cut "$f"; } >"$dir/$(basename "$f")-$i"
		i=$((i + 1))
	done
	[ -n "$perfcut" ] && [ -x "$bindir/perf2events" ] || return 0
	for f in $(perf_inputs); do
		{ printf "\\$(printf %03o $((i % nopts)))"
		  dump "$f" 2>/dev/null | "$bindir/perf2events" 2>/dev/null | head $perfcut; } \
			>"$dir/$(basename "$f")-$i.events"
		i=$((i + 1))
	done
}

case $target in
perfscript | perfsplit)
	for f in $(perf_inputs); do
		dump "$f" 2>/dev/null | pieces "$(basename "$f")"
	done
	;;
events)
	for f in $(events_inputs); do
		pieces "$(basename "$f")" <"$f"
	done
	if [ -x "$bindir/perf2events" ]; then
		for f in $(perf_inputs); do
			dump "$f" 2>/dev/null | "$bindir/perf2events" -ad 2>/dev/null | pieces "$(basename "$f").events"
		done
	fi
	;;
events2pprof)
	# options: bits 0-2 (tests/fuzz/events2pprof.c)
	seed_writer 8 "-c 16384" "-c 65536"
	;;
events2nflxprofile)
	# options: bit 0 (tests/fuzz/events2nflxprofile.c)
	seed_writer 2 "-n 200" "-n 300"
	;;
events2trace)
	# no options to fuzz (tests/fuzz/events2trace.c)
	seed_writer 2 "-c 16384"
	;;
eventsort)
	# options: bits 0-3 (tests/fuzz/eventsort.c); with D records (unnested
	# spans) from trace2events's output of the Trace Event corpus
	seed_writer 16 "-c 16384" "-c 16384"
	i=0
	if [ -x "$bindir/trace2events" ]; then
		for f in $(find "$corpus/trace-event" "$root/tests/golden/trace2events" \
				-name '*.json' -o -name '*.in' 2>/dev/null); do
			{ printf "\\$(printf %03o $((i % 16)))"; "$bindir/trace2events" "$f" 2>/dev/null |
				head -c 16384; } >"$dir/$(basename "$f")-$i.trace"
			i=$((i + 1))
		done
	fi
	;;
roundtrip)
	# the values are binary: start from a few random records
	i=0
	while [ $i -lt 16 ]; do
		head -c $((64 + i * 97)) /dev/urandom >"$dir/random-$i"
		i=$((i + 1))
	done
	;;
input)
	# mode byte, two cut bytes, then the file
	printf '\000\000\000a\nb\r\nc' >"$dir/plain"
	printf '\001\000\020line one\nline two\n' >"$dir/zstd"
	printf '\002\000\020line one\nline two\n' >"$dir/gzip"
	printf '\202\000\040two gzip members\nline two\n' >"$dir/gzip2"
	printf '\201\000\040two zstd frames\nline two\n' >"$dir/zstd2"
	for f in "$root"/tests/data/perf/*.gz "$root"/tests/data/perf/*.zst; do
		[ -f "$f" ] || continue
		{ printf '\000\000\000'; head -c 60000 "$f"; } >"$dir/$(basename "$f")"
	done
	;;
json)
	# first byte: where the second parse cuts the document
	i=0
	for f in $(find "$corpus/trace-event" "$corpus/cpuprofile" "$corpus/speedscope" \
		"$corpus/nflxprofile" "$root/tests/data/spans" -name '*.json' -o -name '*.cpuprofile' 2>/dev/null); do
		[ "$(wc -c <"$f")" -le 65536 ] || continue
		{ printf "\\$(printf %03o $((i * 37 % 256)))"; cat "$f"; } >"$dir/$(basename "$f")-$i"
		i=$((i + 1))
	done
	;;
trace | cpuprofile | spans | callgrind | folded | stacks)
	# first byte: the options (see tests/fuzz/TARGET.c), then the file;
	# big files are cut (a truncated document is input too)
	case $target in
	trace) files=$(find "$corpus/trace-event" -name '*.json' 2>/dev/null)
		filter=trace2events nopt=4 ;;
	cpuprofile) files=$(find "$corpus/cpuprofile" -name '*.cpuprofile' 2>/dev/null)
		filter=cpuprofile2events nopt=8 ;;
	spans) files=$(find "$root/tests/data/spans" -name '*.json*' 2>/dev/null)
		filter=spans2events nopt=16 ;;
	callgrind) files=$(ls "$corpus"/callgrind/*.log 2>/dev/null)
		filter=callgrind2events nopt=8 ;;
	folded) files=$(ls "$corpus"/folded/*.txt "$corpus"/perf/flamegraph/expected/*-all.txt \
			"$corpus"/perf/flamegraph/expected/*-pid.txt 2>/dev/null | grep -v speedscope-folded)
		filter=folded2events nopt=8 ;;
	stacks) files=$(ls "$root"/tests/data/stacks/*.txt 2>/dev/null)
		filter=stacks2events nopt=4 ;;
	esac
	i=0
	for f in $files "$root"/tests/golden/$filter/*.in; do
		[ -f "$f" ] || continue
		{ printf "\\$(printf %03o $((i % nopt)))"; head -c 16384 "$f"; } \
			>"$dir/$(basename "$f")-$i"
		i=$((i + 1))
	done
	if [ "$target" = spans ] && [ -f "$root/tests/data/spans/ferret.sql" ]; then
		# spans.c's fake database: SQLite's magic, the table, LOG<TAB>DATA rows
		for o in 0 4 8; do
			{ printf "\\$(printf %03o $o)SQLite format 3\\000beaver_logs\\n"
			  sed -n "s/^INSERT INTO beaver_logs VALUES ('\\([^']*\\)', [0-9.]*, '\\(.*\\)');\$/\\1\t\\2/p" \
				"$root/tests/data/spans/ferret.sql"; } >"$dir/ferret-db-$o"
		done
	fi
	;;
sniff)
	# first byte: bit 0 = compressed; then the first 4 KiB of every kind
	for f in "$root"/tests/data/wrongkind/* "$root"/tests/data/perf/*.perf \
		$(find "$corpus" -type f -size -256k 2>/dev/null | head -n 200); do
		[ -f "$f" ] || continue
		{ printf '\000'; head -c 4096 "$f"; } >"$dir/$(basename "$f")"
	done
	;;
speedscope)
	# first byte: bit 0 spills everything (see tests/fuzz/speedscope.c), then the file
	i=0
	for f in $(find "$corpus/speedscope" -name '*.json' 2>/dev/null) \
		"$root"/tests/golden/speedscope2events/*.in "$root"/tests/data/wrongkind/profile.speedscope.json; do
		[ -f "$f" ] || continue
		{ printf "\\$(printf %03o $((i % 2)))"; head -c 16384 "$f"; } >"$dir/$(basename "$f")-$i"
		i=$((i + 1))
	done
	;;
pprof | nflxprofile)
	# first byte: the options (see tests/fuzz/TARGET.c), then the whole
	# decompressed protobuf (protobuf-c decodes messages whole), and some
	# cut short
	case $target in
	pprof) files="$(ls "$root"/tests/data/pprof/*.pprof "$corpus"/pprof/*.prof \
			"$root"/tests/data/wrongkind/profile.pb.gz 2>/dev/null)" nopt=8 ;;
	nflxprofile) files="$(ls "$corpus"/nflxprofile/*.nflxprofile "$root"/tests/data/nflxprofile/*.nflxprofile \
			"$root"/tests/data/wrongkind/profile.nflxprofile 2>/dev/null)" nopt=4 ;;
	esac
	i=0
	for f in $files; do
		gzip -dcf "$f" >"$tmp/whole" 2>/dev/null || continue
		{ printf "\\$(printf %03o $((i % nopt)))"; cat "$tmp/whole"; } >"$dir/$(basename "$f")-$i"
		{ printf "\\$(printf %03o $((i % nopt)))"; head -c $(($(wc -c <"$tmp/whole") / 2)) "$tmp/whole"; } \
			>"$dir/$(basename "$f")-cut-$i"
		i=$((i + 1))
	done
	;;
hmmerge)
	# heatmap's maps: the goldens' partial maps (TSV, JSON), with each
	# output option (bits 0-1) and the map given twice (bit 2)
	i=0
	for f in "$root"/tests/golden/heatmap/merge-*.tsv "$root"/tests/golden/heatmap/merge-*.json; do
		[ -f "$f" ] || continue
		case $f in *.tsv) o=$((i % 2 * 1)) ;; *) o=$((2 + i % 2)) ;; esac
		{ printf "\\$(printf %03o $((o + i % 2 * 4)))"; cat "$f"; } >"$dir/$(basename "$f")-$i"
		i=$((i + 1))
	done
	;;
reduce)
	# rule files: the goldens' (valid and broken ones) and docs/reduce.md's examples
	for f in "$root"/tests/golden/eventreduce/*.yaml; do
		[ -f "$f" ] && cp "$f" "$dir/$(basename "$f")"
	done
	awk '/^```yaml/ { n++; f = sprintf("%s/doc-%d.yaml", dir, n); next }
		/^```/ { f = ""; next } f != "" { print > f }' dir="$dir" "$root/docs/reduce.md"
	;;
*)
	echo "seed.sh: no seeds for $target" >&2
	;;
esac
echo "seed: $target: $(ls "$dir" | wc -l) files"
