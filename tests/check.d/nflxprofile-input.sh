#!/bin/sh
# nflxprofile-input.sh - how nflxprofile2events takes its input
# (docs/nflxprofile.md §1): a plain file is mapped, stdin, gzip and zstd
# are read; the per-sample arrays are read in place, in step.
#
#  - the same records from a file (mapped), stdin, gzip and zstd, for a
#    profile with per-sample CPUs (samples_cpu: the record written field
#    by field) and one without (each record copied from its node's text);
#  - a message given three times over is one message (protobuf's merge:
#    repeated fields append, the nodes map keeps one node per key): three
#    times the samples, in the same stacks, each array read across its
#    three occurrences, the times running on from the deltas' sum;
#  - several inputs in one run: each as when alone;
#  - a file that shrinks while it is read (truncated under the map):
#    a message, exit 1, and the output ends at a record boundary.
set -u
bin=$(cd "${1:?usage: nflxprofile-input.sh BINDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data/perf
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fp-nflxin.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
LC_ALL=C
export LC_ALL
pass=0 fail=0
ok() { pass=$((pass+1)); }
no() { fail=$((fail+1)); echo "FAIL $*"; }
n2e=$bin/nflxprofile2events

"$bin/perf2events" "$data/multi.perf.zst" | "$bin/events2nflxprofile" -e cpu-clock >"$tmp/cpu.nflx" 2>/dev/null
"$bin/perf2events" "$data/fp.perf" | "$bin/events2nflxprofile" >"$tmp/nocpu.nflx" 2>/dev/null

for p in cpu nocpu; do
	f=$tmp/$p.nflx
	"$n2e" "$f" | grep -v '^#input' >"$tmp/$p.file"
	"$n2e" <"$f" | grep -v '^#input' >"$tmp/$p.stdin"
	gzip -c "$f" >"$f.gz"
	"$n2e" "$f.gz" | grep -v '^#input' >"$tmp/$p.gz"
	zstd -q -c "$f" >"$f.zst"
	"$n2e" - <"$f.zst" | grep -v '^#input' >"$tmp/$p.zst"
	n=$(grep -c '^S' "$tmp/$p.file")
	[ "$n" -ge 189 ] && cmp -s "$tmp/$p.file" "$tmp/$p.stdin" && cmp -s "$tmp/$p.file" "$tmp/$p.gz" &&
		cmp -s "$tmp/$p.file" "$tmp/$p.zst" && ok ||
		no "$p: file ($n samples), stdin, gzip and zstd give different records"
done
# the profile with CPUs has them in its records, the other none
awk -F'\t' '$1 == "S" && $5 == "-" { exit 1 }' "$tmp/cpu.file" &&
	awk -F'\t' '$1 == "S" && $5 != "-" { exit 1 }' "$tmp/nocpu.file" && ok ||
	no "CPU fields: want all in cpu.nflx, none in nocpu.nflx"

# a message three times over
for p in cpu nocpu; do
	f=$tmp/$p.nflx
	cat "$f" "$f" "$f" >"$tmp/$p.x3"
	"$n2e" "$tmp/$p.x3" >"$tmp/$p.x3.ev" 2>"$tmp/err"
	awk -F'\t' '$1 == "S" { print $3, $4, $5, $6, $7, $8, $9 }' "$tmp/$p.file" >"$tmp/one"
	cat "$tmp/one" "$tmp/one" "$tmp/one" >"$tmp/three"
	awk -F'\t' '$1 == "S" { print $3, $4, $5, $6, $7, $8, $9 }' "$tmp/$p.x3.ev" >"$tmp/got"
	# times: the first copy's as they were, then on from them (sorted)
	awk -F'\t' '$1 == "S" { print $2 }' "$tmp/$p.x3.ev" >"$tmp/t3"
	n=$(wc -l <"$tmp/one")
	cmp -s "$tmp/three" "$tmp/got" && [ ! -s "$tmp/err" ] &&
		head -n "$n" "$tmp/t3" | cmp -s - "$(awk -F'\t' '$1 == "S" { print $2 }' "$tmp/$p.file" >"$tmp/t1"; echo "$tmp/t1")" &&
		sort -c "$tmp/t3" && ok ||
		no "$p: the message three times over: want its samples three times, in time order"
done

# several inputs in one run
"$n2e" "$tmp/cpu.nflx" "$tmp/nocpu.nflx.gz" "$tmp/cpu.nflx" >"$tmp/many" 2>"$tmp/err"
{ "$n2e" "$tmp/cpu.nflx"; "$n2e" "$tmp/nocpu.nflx.gz"; "$n2e" "$tmp/cpu.nflx"; } |
	grep -v '^#flamepipe-events\|^#source\|^#clock\|^E' >"$tmp/alone"
grep -v '^#flamepipe-events\|^#source\|^#clock\|^E' "$tmp/many" | cmp -s - "$tmp/alone" &&
	[ ! -s "$tmp/err" ] && ok || no "three inputs in one run differ from each alone"

# a file that shrinks under the map: 300 copies of nocpu.nflx are one
# profile of 90 000 samples; its output (9 MB) waits on a
# pipe that is read after the file is cut to nothing (cut within a page,
# the rest of that page reads as zeros: then the samples after the cut
# are skipped and counted, as for a corrupt file)
i=0
: >"$tmp/big"
cat "$tmp/nocpu.nflx" "$tmp/nocpu.nflx" "$tmp/nocpu.nflx" "$tmp/nocpu.nflx" "$tmp/nocpu.nflx" \
	"$tmp/nocpu.nflx" "$tmp/nocpu.nflx" "$tmp/nocpu.nflx" "$tmp/nocpu.nflx" "$tmp/nocpu.nflx" >"$tmp/x10"
while [ $i -lt 30 ]; do cat "$tmp/x10"; i=$((i + 1)); done >"$tmp/big"
{ "$n2e" "$tmp/big"; echo $? >"$tmp/status"; } 2>"$tmp/err" |
	{ sleep 1; truncate -s 0 "$tmp/big"; cat >"$tmp/out"; }
grep -q 'big: the file shrank while being read' "$tmp/err" && [ "$(cat "$tmp/status")" = 1 ] &&
	[ -s "$tmp/out" ] && [ "$(tail -c 1 "$tmp/out" | od -An -tx1 | tr -d ' ')" = 0a ] && ok ||
	no "a file cut under the map: want the message, exit 1, output ending in LF (got $(cat "$tmp/status"): $(cat "$tmp/err"))"

echo "nflxprofile-input: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
