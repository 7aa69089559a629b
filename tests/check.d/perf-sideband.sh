#!/bin/sh
# perf-sideband.sh - perf's side-band records and perf.data input
# (tests/data/perf, see its README).
#
# usage: perf-sideband.sh BINDIR
# 1. sideband.perf.zst and sideband-none.perf.zst are one real system-wide
#    capture printed with every --show-*-events option and without any:
#    the S and E records and the folded output (default, --pid, --tid) are
#    identical; every PERF_RECORD_COMM became a T record, every
#    PERF_RECORD_LOST an L record with perf's number; the other side-band
#    lines are counted in one summary line; nothing is skipped.
# 2. workload.data (a perf.data): perf2events runs perf script itself.
#    With perf installed: its S records equal those of
#    `perf script --ns | perf2events` (but for the pid and cpu columns,
#    which our field list adds), its folded output equals
#    `perf script | perf2events | events2folded`, stdin equals the file.
#    Without perf (PATH without it): exit 1, nothing on stdout, the message.
#    A zstd-compressed perf.data: exit 1, nothing on stdout, a message.
#    A fake perf that cannot print the cpu field: perf2events reruns it
#    without that field.
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init perf-sideband "$@"
data=$(cd "$(dirname "$0")/../data/perf" && pwd)
p2e=$bin/perf2events
e2f=$bin/events2folded

# ---- 1. side-band lines change nothing but T and L records ----
"$p2e" "$data/sideband.perf.zst" >"$tmp/sb.ev" 2>"$tmp/sb.err"
[ $? = 0 ] && ok || no "sideband: exit status"
"$p2e" "$data/sideband-none.perf.zst" >"$tmp/none.ev" 2>"$tmp/none.err"
grep '^[SE]	' "$tmp/sb.ev" >"$tmp/sb.se"
grep '^[SE]	' "$tmp/none.ev" >"$tmp/none.se"
[ -s "$tmp/sb.se" ] && cmp -s "$tmp/sb.se" "$tmp/none.se" && ok ||
	no "sideband: S/E records differ with and without side-band lines"
[ "$(grep -v '^#input ' "$tmp/none.ev" | grep -vc '^[#SE]')" = 0 ] && ok ||
	no "sideband-none: records other than S and E"
[ ! -s "$tmp/none.err" ] && ok || { no "sideband-none: stderr"; cat "$tmp/none.err"; }
for o in "" --pid --tid; do
	# shellcheck disable=SC2086
	"$e2f" $o "$tmp/sb.ev" >"$tmp/f1" 2>&1
	# shellcheck disable=SC2086
	"$e2f" $o "$tmp/none.ev" >"$tmp/f2" 2>&1
	[ -s "$tmp/f1" ] && cmp -s "$tmp/f1" "$tmp/f2" && ok || no "sideband: events2folded $o differs"
done
zstd -dcq "$data/sideband.perf.zst" >"$tmp/sb.txt"
comm=$(grep -c '^[^ 	#].* PERF_RECORD_COMM' "$tmp/sb.txt")
lostl=$(grep -c '^[^ 	#].* PERF_RECORD_LOST' "$tmp/sb.txt")
lost=$(sed -n 's/.* PERF_RECORD_LOST lost \([0-9]*\).*/\1/p' "$tmp/sb.txt" | awk '{ s += $1 } END { print s + 0 }')
all=$(grep -c '^[^ 	#].* PERF_RECORD_' "$tmp/sb.txt")
[ "$comm" -gt 0 ] && [ "$(grep -c '^T	' "$tmp/sb.ev")" = "$comm" ] && ok ||
	no "sideband: $comm PERF_RECORD_COMM lines, $(grep -c '^T	' "$tmp/sb.ev") T records"
[ "$lostl" -gt 0 ] && [ "$(grep -c '^L	' "$tmp/sb.ev")" = "$lostl" ] && ok ||
	no "sideband: $lostl PERF_RECORD_LOST lines, $(grep -c '^L	' "$tmp/sb.ev") L records"
got=$(awk -F'\t' '$1 == "L" && $4 == "records" { s += $3 } END { print s + 0 }' "$tmp/sb.ev")
[ "$got" = "$lost" ] && ok || no "sideband: lost $lost records, L records say $got"
grep -q "the profiler lost $lost records" "$tmp/sb.err" && ok || no "sideband: no lost warning"
other=$((all - comm - lostl))
[ "$(grep -c ': [0-9]* side-band records (' "$tmp/sb.err")" = 1 ] &&
	grep -q ": $other side-band records (PERF_RECORD_" "$tmp/sb.err" && ok ||
	{ no "sideband: expected one summary of $other side-band records"; cat "$tmp/sb.err"; }
grep -q 'skipped' "$tmp/sb.err" && no "sideband: lines skipped" || ok

# ---- 2. perf.data ----
pd=$data/workload.data
# without perf: a PATH that holds everything but perf
mkdir "$tmp/noperf"
PATH=$tmp/noperf "$p2e" "$pd" >"$tmp/np.out" 2>"$tmp/np.err"
st=$?
[ $st = 1 ] && [ ! -s "$tmp/np.out" ] &&
	grep -qx "perf2events: $pd: a perf.data file: run 'perf script' on it and pipe the text in (perf is not installed)" "$tmp/np.err" &&
	ok || { no "no perf: status $st, $(wc -c <"$tmp/np.out") bytes out"; cat "$tmp/np.err"; }
PATH=$tmp/noperf "$p2e" - <"$pd" >"$tmp/np.out" 2>"$tmp/np.err"
st=$?
[ $st = 1 ] && [ ! -s "$tmp/np.out" ] && grep -q '<stdin>: a perf.data file' "$tmp/np.err" && ok ||
	no "no perf, stdin: status $st"

# a compressed perf.data: an error, not binary read as text
zstd -qc "$pd" >"$tmp/pd.zst"
"$p2e" "$tmp/pd.zst" >"$tmp/z.out" 2>"$tmp/z.err"
st=$?
[ $st = 1 ] && [ ! -s "$tmp/z.out" ] && grep -q 'pd.zst: a compressed perf.data file: decompress it' "$tmp/z.err" &&
	ok || { no "compressed perf.data: status $st"; cat "$tmp/z.err"; }

# a fake perf that cannot print the cpu field (perf 6.1's message)
mkdir "$tmp/fake"
cat >"$tmp/fake/perf" <<'EOF'
#!/bin/sh
case " $* " in
*,cpu,*) echo "Samples for 'cpu-clock:ppp' event do not have CPU attribute set. Cannot print 'cpu' field." >&2; exit 255 ;;
esac
echo "fake perf: $*" >&2
printf 'w  7/7   1.000000001:    2004008 cpu-clock:ppp: \n\t 11ab leaf+0x22 (/w)\n'
EOF
chmod +x "$tmp/fake/perf"
PATH=$tmp/fake:$PATH "$p2e" "$pd" >"$tmp/fk.out" 2>"$tmp/fk.err"
st=$?
[ $st = 0 ] && grep -q '^S	1.000000001	7	7	-	w	cpu-clock:ppp	2004008	leaf$' "$tmp/fk.out" &&
	grep -q 'fake perf: script -i .* -F comm,pid,tid,time,period,event,ip,sym,dso --ns' "$tmp/fk.err" &&
	! grep -q 'Cannot print' "$tmp/fk.err" && ok ||
	{ no "fake perf without cpu: status $st"; cat "$tmp/fk.err" "$tmp/fk.out"; }
printf '#!/bin/sh\necho "perf: boom" >&2; exit 3\n' >"$tmp/fake/perf"
PATH=$tmp/fake:$PATH "$p2e" "$pd" >"$tmp/fk.out" 2>"$tmp/fk.err"
st=$?
[ $st = 1 ] && [ ! -s "$tmp/fk.out" ] && grep -q 'perf script: perf: boom' "$tmp/fk.err" &&
	grep -q 'perf script failed (exit status 3)' "$tmp/fk.err" && ok ||
	{ no "failing perf: status $st"; cat "$tmp/fk.err"; }

if command -v perf >/dev/null 2>&1; then
	"$p2e" "$pd" >"$tmp/pd.ev" 2>"$tmp/pd.err"
	[ $? = 0 ] && ok || { no "perf.data: exit status"; cat "$tmp/pd.err"; }
	perf script -i "$pd" --ns 2>/dev/null | "$p2e" >"$tmp/ps.ev" 2>/dev/null
	grep '^S	' "$tmp/pd.ev" | cut -f1,2,4,6- >"$tmp/a"
	grep '^S	' "$tmp/ps.ev" | cut -f1,2,4,6- >"$tmp/b"
	[ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b" && ok ||
		{ no "perf.data: S records differ from perf script --ns | perf2events"; diff "$tmp/a" "$tmp/b" | head -5; }
	perf script -i "$pd" 2>/dev/null | "$p2e" 2>/dev/null | "$e2f" >"$tmp/b"
	"$e2f" "$tmp/pd.ev" >"$tmp/a"
	[ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b" && ok || no "perf.data: folded differs from perf script | perf2events | events2folded"
	grep -q '^E	-	cpu-clock[^	]*	nanoseconds$' "$tmp/pd.ev" && ok || no "perf.data: cpu-clock not in nanoseconds"
	[ "$(awk -F'\t' '$1 == "S" && $3 == "-"' "$tmp/pd.ev" | wc -l)" = 0 ] && ok || no "perf.data: S records without pid"
	grep -q '^T	' "$tmp/pd.ev" && ok || no "perf.data: no T records (--show-task-events)"
	grep -q 'side-band records' "$tmp/pd.err" && no "perf.data: side-band summary for our own perf run" || ok
	"$p2e" - <"$pd" 2>/dev/null | grep -v '^#input ' >"$tmp/a"
	grep -v '^#input ' "$tmp/pd.ev" >"$tmp/b"
	cmp -s "$tmp/a" "$tmp/b" && ok || no "perf.data on stdin differs from the file"
	cat "$pd" | "$p2e" 2>/dev/null | grep -v '^#input ' >"$tmp/a"
	cmp -s "$tmp/a" "$tmp/b" && ok || no "perf.data from a pipe differs from the file"
	cat "$pd" | "$p2e" /dev/stdin 2>/dev/null | grep -v '^#input ' >"$tmp/a"
	cmp -s "$tmp/a" "$tmp/b" && ok || no "perf.data from a pipe named /dev/stdin differs from the file"
else
	echo "perf-sideband: perf is not installed: perf.data conversion not compared"
fi
check_done
