#!/bin/sh
# run.sh - seed and run one libFuzzer target (called by tests/fuzz/fuzz.mk)
#
# usage: tests/fuzz/run.sh FUZZ_BUILD TARGET SECONDS [BINDIR]
# The corpus $FUZZ_BUILD/corpus/TARGET is kept between runs (new inputs are
# added there); tests/fuzz/regress/TARGET is read too. Crashes go to
# $FUZZ_BUILD/crashes/TARGET/; fix the bug, then move the file to
# tests/fuzz/regress/TARGET/ so tests/check.d/fuzz-regress.sh replays it.
# The last libFuzzer status line and the CPU seconds used (time(1): needs
# the Debian package time) are appended to $FUZZ_BUILD/summary.txt.
# FUZZ_ARGS adds libFuzzer options (e.g. FUZZ_ARGS=-jobs=2).
set -u
build=$1 target=$2 seconds=$3 bindir=${4:-build/bin}
here=$(cd "$(dirname "$0")" && pwd)
fuzzer=$build/bin/$target
corpus=$build/corpus/$target
crashes=$build/crashes/$target
log=$build/logs/$target.log
mkdir -p "$corpus" "$crashes" "$build/logs" "$here/regress/$target"
if [ -z "$(ls -A "$corpus")" ]; then
	sh "$here/seed.sh" "$target" "$corpus" "$bindir"
fi
max_len=65536
case $target in
roundtrip) max_len=12000 ;;
esac
dict=
[ -e "$here/$target.dict" ] && dict=-dict=$here/$target.dict
echo "fuzz: $target for ${seconds}s, corpus $(ls "$corpus" | wc -l) files, log $log"
t0=$(date +%s)
# shellcheck disable=SC2086
command time -f '%U %S' -o "$build/logs/$target.cpu" \
"$fuzzer" -max_total_time="$seconds" -max_len=$max_len -timeout=20 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$crashes/" $dict ${FUZZ_ARGS:-} \
	"$corpus" "$here/regress/$target" >"$log" 2>&1
status=$?
elapsed=$(($(date +%s) - t0))
stats=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
cpu=$(awk 'END { printf "%d", $1 + $2 }' "$build/logs/$target.cpu" 2>/dev/null)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
line="$target: status $status, ${elapsed}s of ${seconds}s (${cpu:-?} CPU s), $execs execs; last: $stats; crashes: $(ls "$crashes" | wc -l)"
echo "$line"
echo "$(date -u +%FT%TZ) $line" >>"$build/summary.txt"
if [ $status -ne 0 ]; then
	grep -E 'ERROR|property failed|SUMMARY|^    #[0-9]' "$log" | head -n 30
fi
exit $status
