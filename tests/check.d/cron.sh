#!/bin/sh
# cron.sh - the cron recipe of docs/cron.md end to end
#
# usage: cron.sh BINDIR
# docs/examples/flamepipe-hourly runs on recorded perf text (the real
# captures of tests/data/perf) for two hours of one day, with the installed
# example rules; then flamepipe-daily rolls the day up. Checked: the hourly
# files are zstd event streams that name the host, the command and the
# clock; their stats say in = out + dropped; old hourly files are rotated;
# the day's stream is the hours' streams; the day's folded stacks add up
# to the day's S weights; the heat map is an SVG. When `perf record -a`
# works here (root or perf_event_paranoid <= 0), one more hour is recorded
# live (2 s) and must say "#clock unix" with epoch times.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init cron "$@"
PATH=$bin:$PATH
export PATH
share=$root/docs/examples
command -v zstd >/dev/null 2>&1 || { echo "cron: 0 passed, 0 failed (no zstd)"; exit 0; }

zstd -dcq "$root/tests/data/perf/multi.perf.zst" >"$tmp/multi.perf"
hour() {	# HOUR PERFTEXT
	FLAMEPIPE_DIR=$tmp/var FLAMEPIPE_RULES=$share/reduce.yaml FLAMEPIPE_HOST=web1 \
	FLAMEPIPE_HOUR=$1 FLAMEPIPE_PERF_SCRIPT=$2 sh "$share/flamepipe-hourly"
}
d=$tmp/var/web1
mkdir -p "$d"
# an hourly file 100 days old goes, a daily one stays
touch -d '100 days ago' "$d/web1-2026-08-01T10.events.zst" "$d/web1-2026-08-01.events.zst"
hour 2026-11-30T14 "$root/tests/data/perf/fp.perf" && ok || no "hourly 14"
hour 2026-11-30T15 "$tmp/multi.perf" && ok || no "hourly 15"
for h in 14 15; do
	f=$d/web1-2026-11-30T$h.events.zst
	[ -s "$f" ] && zstd -tq "$f" && ok || no "$f: not a zstd file"
	zstd -dcq "$f" >"$tmp/$h.events"
	head -n 1 "$tmp/$h.events" | grep -qx '#flamepipe-events 1' && ok || no "$h: no magic line"
	grep -qx '#host web1' "$tmp/$h.events" && ok || no "$h: no #host header"
	grep -q '^#command recorded text ' "$tmp/$h.events" && ok || no "$h: no #command header"
	grep -qx '#clock perf' "$tmp/$h.events" && ok || no "$h: no #clock header"
	grep -qx '#filter eventreduce .*reduce.yaml' "$tmp/$h.events" && ok || no "$h: no #filter header"
	s=$d/web1-2026-11-30T$h.stats
	in=$(sed -n 's/^eventreduce: in: \([0-9]*\) records.*/\1/p' "$s")
	out=$(sed -n 's/^eventreduce: out: \([0-9]*\) records.*/\1/p' "$s")
	gone=$(sed -n 's/^eventreduce: rule .*: \(dropped\|merged\) \([0-9]*\) records.*/\2/p' "$s" | awk '{ t += $1 } END { print t + 0 }')
	[ -n "$in" ] && [ "$in" = $((out + gone)) ] && ok || no "$h: stats in $in != out $out + $gone"
	n=$(grep -c '^[SOCI]	' "$tmp/$h.events")
	[ "$n" = "$out" ] && ok || no "$h: $n records, stats say $out"
done
[ ! -e "$d/web1-2026-08-01T10.events.zst" ] && ok || no "old hourly file not rotated"
[ -e "$d/web1-2026-08-01.events.zst" ] && ok || no "daily file rotated"
FLAMEPIPE_DIR=$tmp/var FLAMEPIPE_HOST=web1 FLAMEPIPE_DAY=2026-11-30 sh "$share/flamepipe-daily" && ok || no "daily"
day=$d/web1-2026-11-30
zstd -dcq "$day.events.zst" >"$tmp/day.events" && cat "$tmp/14.events" "$tmp/15.events" | cmp -s - "$tmp/day.events" &&
	ok || no "the day's stream is not the hours' streams"
grep -q '^<svg' "$day.heatmap.svg" && ok || no "no heat map SVG"
ev=$(awk -F'\t' '$1 == "S" { print $7; exit }' "$tmp/day.events")
want=$(awk -F'\t' -v e="$ev" '$1 == "S" && $7 == e { t += $8 } END { print t + 0 }' "$tmp/day.events")
got=$(awk '{ t += $NF } END { print t + 0 }' "$day.folded")
[ "$want" = "$got" ] && ok || no "folded total $got, S weights of $ev $want"
# live, when perf may record the whole system
if command -v perf >/dev/null 2>&1 && perf record -q -a -o "$tmp/probe.data" -- true >/dev/null 2>&1; then
	FLAMEPIPE_DIR=$tmp/var FLAMEPIPE_RULES=$share/reduce.yaml FLAMEPIPE_HOST=web1 \
	FLAMEPIPE_HOUR=2026-11-30T16 FLAMEPIPE_SECONDS=2 sh "$share/flamepipe-hourly" && ok || no "live hourly"
	zstd -dcq "$d/web1-2026-11-30T16.events.zst" >"$tmp/16.events"
	grep -qx '#clock unix' "$tmp/16.events" && ok || no "live: no #clock unix"
	now=$(date +%s)
	awk -F'\t' -v now="$now" '$1 == "S" && ($2 < now - 600 || $2 > now + 60) { bad = 1 } END { exit bad }' "$tmp/16.events" &&
		ok || no "live: sample times are not wall-clock times"
else
	echo "cron: perf record -a not allowed here: live recording not tested"
fi
check_done
