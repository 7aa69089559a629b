#!/bin/sh
# fuzz-regress.sh - replay the fuzz targets' saved inputs without libFuzzer
#
# usage: fuzz-regress.sh BINDIR
# Each tests/fuzz/TARGET.c is linked with tests/fuzz/replay.c (a plain
# main) and the filters it calls (cmd_NAME: filters/NAME.c and
# filters/NAME/*.c, built with -DFP_NO_MAIN) against
# BINDIR/../common/libflamepipe.a, with ASan+UBSan when the
# filters in BINDIR were built with them, and run over
# tests/fuzz/regress/TARGET/ (inputs that once crashed or broke a property)
# and over the seeds tests/fuzz/seed.sh makes from tests/ and the corpus.
# Needs only cc; `make fuzz` needs clang.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init fuzz-regress "$@"
fuzz=$root/tests/fuzz

cc=${CC:-cc}
san=
if nm "$bin/perf2events" 2>/dev/null | grep -q __asan_init; then
	san='-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer'
fi
lib=$bin/../common/libflamepipe.a
# the protobuf code protoc-c generated for the build (Makefile: BUILD/proto)
proto=$bin/../proto
if [ ! -f "$lib" ] || [ ! -d "$proto" ]; then
	# installed filters: build the library sources along with the target
	proto=$tmp/proto
	mkdir -p "$proto"
	protoc-c --c_out="$proto" --proto_path="$root/common/proto" "$root"/common/proto/*.proto
	lib="$(ls "$root"/common/*.c) $(ls "$proto"/*.c)"
fi
libs=$(pkg-config --libs libzstd zlib yajl yaml-0.1 libpcre2-8 libprotobuf-c 2>/dev/null || echo -lzstd -lz -lyajl -lyaml -lpcre2-8 -lprotobuf-c)
cflags="-I$proto $(pkg-config --cflags libzstd zlib yajl yaml-0.1 libpcre2-8 libprotobuf-c 2>/dev/null)"

for src in "$fuzz"/*.c; do
	t=$(basename "$src" .c)
	[ "$t" = replay ] && continue
	# the filters the target calls (cmd_NAME, filters/cmds.h): their
	# sources without main(), as tests/fuzz/fuzz.mk links them
	filters=
	for f in $(grep -o '[^a-z0-9_]cmd_[a-z0-9_]*' "$src" | sed 's/.*cmd_//' | sort -u); do
		filters="$filters $root/filters/$f.c $(ls "$root/filters/$f/"*.c 2>/dev/null)"
	done
	# shellcheck disable=SC2086
	if ! $cc -std=c11 -D_GNU_SOURCE -DFP_NO_MAIN -O1 -g $san $cflags -o "$tmp/$t" "$src" "$fuzz/replay.c" \
		$filters $lib $libs 2>"$tmp/cc.err"; then
		bad "$t: does not build"; head -n 20 "$tmp/cc.err"; continue
	fi
	mkdir -p "$tmp/seeds-$t"
	sh "$fuzz/seed.sh" "$t" "$tmp/seeds-$t" "$bin" >/dev/null 2>&1
	n=0
	for d in "$fuzz/regress/$t" "$tmp/seeds-$t"; do
		[ -d "$d" ] && [ -n "$(ls -A "$d")" ] || continue
		n=$((n + $(ls "$d" | wc -l)))
		if "$tmp/$t" "$d" >"$tmp/out" 2>&1; then
			ok
		else
			bad "$t: replay of $d"; grep -E 'property failed|ERROR|runtime error|SUMMARY' "$tmp/out" | head -n 10
		fi
	done
	echo "fuzz-regress: $t: $n inputs replayed"
done
check_done
