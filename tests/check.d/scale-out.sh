#!/bin/sh
# scale-out.sh - docs/scale-out.md, run: a capture split, converted in
# parts and merged gives byte for byte the one-process result.
#   perf2events --part K/N: the parts of one file (N = 1, 2, 3, 7; real,
#      generated and edge-case captures) are the whole, records, headers,
#      folded stacks and FILE:LINE messages (needs nothing but the build);
#   a. one perf script text split at sample boundaries (GNU parallel
#      --pipepart --recend at blank lines) over all cores: folded, heat map
#      TSV and JSON (and the SVG made from the merged JSON);
#   b. many files (a fleet's hourly archives) over two "hosts" with
#      parallel -S: this machine and sshd on 127.0.0.1 (its own port, host
#      key, client key and config in a temp dir), started and stopped here;
#   c. the Hadoop Streaming / Spark pipe() chain: mapper | sort | reducer.
# Needs parallel, sshd (openssh-server): under CI=true their absence is a
# failure (Makefile DEB_TEST installs them).
# usage: scale-out.sh BINDIR
set -u
. "$(dirname "$0")/../lib/check.sh"
check_init scale-out "$@"


# the same for one text (a) and for the fleet's files (b, c): one event
# (-e: the default, the first event seen, is each part's own)
folded() { "$bin/perf2events" 2>/dev/null | "$bin/events2folded" -e cpu-clock 2>/dev/null; }
same() {	# LABEL WHOLE MERGED
	if [ -s "$2" ] && cmp -s "$2" "$3"; then ok; else no "$1: merged output differs from the one-process one"; fi
}

bash "$root/tests/bench/gen-perf.sh" 2 "$tmp/p.txt" 2>/dev/null
folded <"$tmp/p.txt" >"$tmp/whole.folded"
"$bin/perf2events" <"$tmp/p.txt" 2>/dev/null >"$tmp/p.events"
"$bin/heatmap" <"$tmp/p.events" >"$tmp/whole.tsv" 2>/dev/null
"$bin/heatmap" -j <"$tmp/p.events" >"$tmp/whole.json" 2>/dev/null
"$bin/heatmap" -s <"$tmp/p.events" >"$tmp/whole.svg" 2>/dev/null

# ---- perf2events --part K/N: the parts of one file equal the whole ----
# parts LABEL FILE N: the N parts' records (S, T, L) in order are the
# whole's; every part has the whole's header lines and declares only the
# whole's events; the parts' events concatenated, and their folded
# outputs merged, give the whole's folded stacks; the FILE:LINE messages
# of the parts are the whole's (line numbers of the file, not the part's).
parts() {
	_f=$2 _n=$3 _d=$tmp/parts.$1
	mkdir -p "$_d"
	"$bin/perf2events" "$_f" >"$_d/whole" 2>"$_d/whole.err"
	_ws=$?
	grep '^#' "$_d/whole" >"$_d/whole.h"
	grep -v '^[#E]' "$_d/whole" >"$_d/whole.records"
	grep '^E' "$_d/whole" | sort -u >"$_d/whole.e"
	_ev=$(awk -F'\t' '$1 == "E" { print $3; exit }' "$_d/whole")
	"$bin/events2folded" -e "$_ev" <"$_d/whole" >"$_d/whole.folded" 2>/dev/null
	: >"$_d/cat"
	: >"$_d/errs"
	_k=1 _bad= _empty=0
	while [ "$_k" -le "$_n" ]; do
		"$bin/perf2events" --part "$_k/$_n" "$_f" >"$_d/$_k" 2>"$_d/$_k.err"
		_s=$?
		[ "$_s" = "$_ws" ] || _bad="$_bad part $_k exit $_s (whole $_ws);"
		cat "$_d/$_k" >>"$_d/cat"
		cat "$_d/$_k.err" >>"$_d/errs"
		grep '^#' "$_d/$_k" | cmp -s - "$_d/whole.h" || _bad="$_bad part $_k headers differ;"
		grep -q '^S' "$_d/$_k" || _empty=$((_empty + 1))
		"$bin/events2folded" -e "$_ev" <"$_d/$_k" >"$_d/$_k.folded" 2>/dev/null
		_k=$((_k + 1))
	done
	[ -z "$_bad" ] && ok || no "parts $1 ($_n):$_bad"
	grep -v '^[#E]' "$_d/cat" | cmp -s - "$_d/whole.records" && grep -q '^S' "$_d/whole" && ok ||
		no "parts $1 ($_n): the parts' records are not the whole's"
	# the same events; the same units too, but for an event with samples
	# with and without a period (a part declares what its first sample has)
	if grep -q 'with and without a period' "$_d/whole.err"; then
		cut -f 1,3 "$_d/whole.e" | sort -u >"$_d/whole.e2"
		grep '^E' "$_d/cat" | cut -f 1,3 | sort -u | cmp -s - "$_d/whole.e2"
	else
		grep '^E' "$_d/cat" | sort -u | cmp -s - "$_d/whole.e"
	fi && ok || no "parts $1 ($_n): the parts declare other events than the whole"
	"$bin/events2folded" -e "$_ev" <"$_d/cat" >"$_d/cat.folded" 2>/dev/null
	same "parts $1 ($_n): folded of the parts' events concatenated" "$_d/whole.folded" "$_d/cat.folded"
	_k=1
	while [ "$_k" -le "$_n" ]; do echo "$_d/$_k.folded"; _k=$((_k + 1)); done | xargs "$bin/events2folded" >"$_d/merged.folded"
	same "parts $1 ($_n): the parts' folded stacks merged" "$_d/whole.folded" "$_d/merged.folded"
	grep ':[0-9][0-9]*: ' "$_d/whole.err" | grep -v 'samples with and without a period' >"$_d/whole.msgs"
	{ [ "$1" != bad ] || [ "$(wc -l <"$_d/whole.msgs")" = 2 ]; } &&
	grep ':[0-9][0-9]*: ' "$_d/errs" | grep -v 'samples with and without a period' | cmp -s - "$_d/whole.msgs" &&
		ok || no "parts $1 ($_n): FILE:LINE messages differ: $(grep ':[0-9][0-9]*: ' "$_d/errs" | head -3)"
	# a part's own "with and without a period" message (where it first sees
	# the mix: not where the whole does) names the file's line of a header of
	# that event without a period (the lines before the part counted right)
	if grep -q 'with and without a period' "$_d/errs"; then
		_bad=$(awk -v f="$_f" 'FNR == NR {
				if (match($0, /:[0-9]+: event [^ ]*: samples with and without a period/)) {
					s = substr($0, RSTART + 1, RLENGTH - 1)
					n = s + 0
					sub(/^[0-9]+: event /, "", s)
					sub(/: samples.*/, "", s)
					want[n] = s
					todo++
				}
				next
			}
			FNR in want {
				if (/^[ \t]/ || index($0, ": " want[FNR] ":") == 0)
					print "line " FNR " is not a header of " want[FNR] " without a period: " $0
				todo--
			}
			END { if (todo) print todo " message lines past the end of " f }' "$_d/errs" "$_f")
		[ -z "$_bad" ] && ok || no "parts $1 ($_n): $_bad"
	fi
	empty_parts=$_empty
	rm -rf "$_d"
}

mkdir "$tmp/in"
for z in "$root"/tests/data/perf/*.perf.zst; do
	zstd -dcq "$z" >"$tmp/in/$(basename "${z%.zst}")"
done
cp "$root/tests/data/perf/fp.perf" "$tmp/in/fp.perf"
# perf's header block (perf script --header): every part has its #command
{ printf '# ========\n# captured on    : Thu Jan  1 00:00:00 2026\n'
  printf '# cmdline : /usr/bin/perf record -F 499 -g -- ./w \n# ========\n#\n'
  cat "$root/tests/data/perf/fp.perf"; } >"$tmp/in/header.perf"
# bad lines in the middle: each part reports its own with the file's line
# numbers; CRLF line ends; no blank line at the end (and no LF); the form
# without call chains (one line a sample, no blank lines)
awk 'NR % 997 == 0 { print "this is not perf output" } { print }' "$tmp/in/multi.perf" >"$tmp/in/bad.perf"
sed 's/$/\r/' "$tmp/in/fp.perf" >"$tmp/in/crlf.perf"
awk 'NF' "$tmp/in/dwarf.perf" | head -c -1 >"$tmp/in/noblank.perf"
awk '/^[^\t]/ { h = $0; next } h != "" && /^\t/ { sub(/^[\t ]+/, ""); print h $0; h = "" }' \
	"$tmp/in/multi.perf" >"$tmp/in/oneline.perf"
cp "$tmp/p.txt" "$tmp/in/gen.perf"
# frame lines of 512 KiB (longer than the 64 KiB perfsplit reads at a time)
awk 'BEGIN { RS = ""; ORS = "\n\n"; big = "x"; while (length(big) < 300000) big = big big }
	NR >= 100 && NR < 110 { $0 = $0 "\n\t 1234 " big " (/bin/big)" } { print }' "$tmp/in/fp.perf" >"$tmp/in/long.perf"
for f in "$tmp"/in/*.perf; do
	for n in 1 2 3 7; do
		parts "$(basename "$f" .perf)" "$f" "$n"
	done
done
"$bin/perf2events" --part 3/3 "$tmp/in/header.perf" 2>/dev/null | grep -qx '#command /usr/bin/perf record -F 499 -g -- ./w' &&
	ok || no "parts: part 3/3 has no #command from the file's head"
# tiny: two samples in seven parts, five of them empty
awk 'BEGIN { RS = ""; ORS = "\n\n" } NR <= 2' "$tmp/in/fp.perf" >"$tmp/in/tiny.perf"
parts tiny "$tmp/in/tiny.perf" 7
[ "$empty_parts" = 5 ] && ok || no "parts tiny (7): $empty_parts empty parts, expected 5"
: >"$tmp/in/empty.perf"
"$bin/perf2events" "$tmp/in/empty.perf" >"$tmp/empty.whole"
for k in 1 2 3; do
	"$bin/perf2events" --part $k/3 "$tmp/in/empty.perf" | cmp -s - "$tmp/empty.whole" && ok ||
		no "parts empty (3): part $k is not the whole's headers"
done
# the parts' ranges tile the file: a part's first line is a sample header
# (or the part is empty), and together the parts hold every sample once
n=$(grep -c '^[^[:space:]#]' "$tmp/in/gen.perf")
m=0
for k in 1 2 3 4 5; do
	m=$((m + $("$bin/perf2events" --part $k/5 "$tmp/in/gen.perf" 2>/dev/null | grep -c '^S')))
done
[ "$n" = "$m" ] && [ "$n" -gt 0 ] && ok || no "parts: $m samples in 5 parts, $n in the file"

check_needs "$(command -v parallel >/dev/null 2>&1 && command -v bash >/dev/null 2>&1 && echo 1)" \
	"GNU parallel is not installed (apt-get install parallel)" || { check_done; exit; }

# ---- a: one text, split at blank lines, every core ----
mkdir "$tmp/a"
# the recipes of docs/scale-out.md §3: --part K/N as GNU parallel jobs
# (their outputs on stdout, one folded file to merge) and as shell jobs
parallel "$bin/perf2events --part {}/8 $tmp/p.txt 2>/dev/null | $bin/events2folded -e cpu-clock 2>/dev/null" \
	::: $(seq 8) >"$tmp/a/parts.folded" 2>"$tmp/err" || no "a: parallel --part failed: $(cat "$tmp/err")"
"$bin/events2folded" "$tmp/a/parts.folded" >"$tmp/a.part.folded"
same "a: --part K/8 with parallel" "$tmp/whole.folded" "$tmp/a.part.folded"
rm "$tmp/a/parts.folded"
for k in 1 2 3 4 5; do
	"$bin/perf2events" --part $k/5 "$tmp/p.txt" 2>/dev/null | "$bin/heatmap" -j >"$tmp/a/part.$k.json" 2>/dev/null &
done
wait
"$bin/heatmap" --merge -s "$tmp"/a/part.*.json >"$tmp/a.part.svg"
# (the title names the #input: the file, not <stdin>)
"$bin/perf2events" "$tmp/p.txt" 2>/dev/null | "$bin/heatmap" -s >"$tmp/whole.file.svg" 2>/dev/null
same "a: --part K/5 shell jobs, heat map SVG from merged JSON maps" "$tmp/whole.file.svg" "$tmp/a.part.svg"
rm "$tmp"/a/part.*.json
export bin
parallel --pipepart -a "$tmp/p.txt" --recend '\n\n' --block 150k \
	"$bin/perf2events 2>/dev/null | $bin/events2folded -e cpu-clock 2>/dev/null > $tmp/a/{#}.folded" \
	2>"$tmp/err" || no "a: parallel failed: $(cat "$tmp/err")"
parts=$(ls "$tmp/a" | wc -l)
[ "$parts" -ge 8 ] && ok || no "a: $parts parts, expected at least 8 (--block)"
# the parts cut at sample boundaries: each is perf script text of whole samples
parallel --pipepart -a "$tmp/p.txt" --recend '\n\n' --block 150k \
	"$bin/perf2events 2>/dev/null | $bin/heatmap > $tmp/a/{#}.tsv 2>/dev/null; :" 2>/dev/null
parallel --pipepart -a "$tmp/p.txt" --recend '\n\n' --block 150k \
	"$bin/perf2events 2>/dev/null | $bin/heatmap -j > $tmp/a/{#}.json 2>/dev/null; :" 2>/dev/null
"$bin/events2folded" "$tmp"/a/*.folded >"$tmp/a.folded"
same "a: folded" "$tmp/whole.folded" "$tmp/a.folded"
"$bin/heatmap" --merge "$tmp"/a/*.tsv >"$tmp/a.tsv"
same "a: heatmap TSV" "$tmp/whole.tsv" "$tmp/a.tsv"
"$bin/heatmap" --merge -j "$tmp"/a/*.json >"$tmp/a.json"
same "a: heatmap JSON" "$tmp/whole.json" "$tmp/a.json"
"$bin/heatmap" --merge -s "$tmp"/a/*.json >"$tmp/a.svg"
same "a: heatmap SVG from merged JSON maps" "$tmp/whole.svg" "$tmp/a.svg"
# merging is associative: merged merges merge to the same
"$bin/events2folded" "$tmp"/a/1*.folded >"$tmp/a1.folded"
"$bin/events2folded" "$tmp/a1.folded" $(ls "$tmp"/a/*.folded | grep -v '/1[^/]*$') >"$tmp/a2.folded"
same "a: folded, merged in two rounds" "$tmp/whole.folded" "$tmp/a2.folded"
# and the weights are conserved
w1=$(awk '{ s += $NF } END { printf "%d", s }' "$tmp/whole.folded")
w2=$(cat "$tmp"/a/*.folded | awk '{ s += $NF } END { printf "%d", s }')
[ "$w1" = "$w2" ] && [ "$w1" -gt 0 ] && ok || no "a: weights $w1 (whole) and $w2 (parts)"

# Not associative: an SVG flame graph is a picture of its input (widths
# are fractions of its total), a speedscope file indexes its own frame
# table; merge the folded stacks and draw once (the same picture).
"$bin/folded2events" "$tmp/whole.folded" | "$bin/events2svg" >"$tmp/whole.fsvg" 2>/dev/null
"$bin/folded2events" "$tmp/a.folded" | "$bin/events2svg" >"$tmp/a.fsvg" 2>/dev/null
same "a: SVG of the merged folded stacks" "$tmp/whole.fsvg" "$tmp/a.fsvg"
"$bin/folded2events" "$(ls -S "$tmp"/a/*.folded | head -n 1)" | "$bin/events2svg" >"$tmp/a1.fsvg" 2>/dev/null
t1=$(grep -o '<title>all ([^<]*' "$tmp/a1.fsvg" | head -n 1)
t2=$(grep -o '<title>all ([^<]*' "$tmp/whole.fsvg" | head -n 1)
[ -n "$t1" ] && [ -n "$t2" ] && [ "$t1" != "$t2" ] && ok ||
	no "a: a part's SVG should be a picture of the part only: '$t1' vs '$t2'"
"$bin/perf2events" <"$tmp/p.txt" 2>/dev/null | "$bin/events2speedscope" 2>/dev/null |
	grep -o '"frames":\[{"name":"[^"]*"' >"$tmp/ss.whole"
tail -c +$(($(wc -c <"$tmp/p.txt") / 2)) "$tmp/p.txt" | sed '1,/^$/d' | "$bin/perf2events" 2>/dev/null |
	"$bin/events2speedscope" 2>/dev/null | grep -o '"frames":\[{"name":"[^"]*"' >"$tmp/ss.part"
[ -s "$tmp/ss.whole" ] && [ -s "$tmp/ss.part" ] && ! cmp -s "$tmp/ss.whole" "$tmp/ss.part" && ok ||
	no "a: speedscope frame 0 of a part and of the whole: $(cat "$tmp/ss.part") $(cat "$tmp/ss.whole")"

# the same without GNU parallel: byte ranges aligned to sample headers
# (tests/lib/split-ranges.sh), one background job each
sh "$root/tests/lib/split-ranges.sh" "$tmp/p.txt" 5 >"$tmp/ranges"
mkdir "$tmp/r"
k=0
while read -r off len; do
	k=$((k + 1))
	tail -c +$((off + 1)) "$tmp/p.txt" | head -c "$len" >"$tmp/r/$k.txt"
	folded <"$tmp/r/$k.txt" >"$tmp/r/$k.folded" &
done <"$tmp/ranges"
wait
cat "$tmp"/r/*.txt | cmp -s - "$tmp/p.txt" && [ "$k" = 5 ] && ok || no "a: the 5 byte ranges do not make the file"
m=$(for f in "$tmp"/r/*.txt; do head -n 1 "$f"; done | grep -c '^[^[:space:]].* [0-9]*\.[0-9]*: ' || :)
[ "$m" = 5 ] && ok || no "a: $m of 5 byte ranges start at a sample header"
"$bin/events2folded" "$tmp"/r/*.folded >"$tmp/r.folded"
same "a: folded of byte ranges" "$tmp/whole.folded" "$tmp/r.folded"

# ---- the fleet: six hourly archives (gzip) of whole samples ----
mkdir "$tmp/fleet"
awk -v d="$tmp/fleet" 'BEGIN { RS = ""; ORS = "\n\n" } { print > (d "/host-h" (NR % 6) ".perf") }' "$tmp/p.txt"
gzip "$tmp"/fleet/*.perf
for f in "$tmp"/fleet/*.gz; do gzip -dc "$f"; done >"$tmp/fleet.txt"
folded <"$tmp/fleet.txt" >"$tmp/fleet.folded"
"$bin/perf2events" <"$tmp/fleet.txt" 2>/dev/null | "$bin/heatmap" >"$tmp/fleet.tsv" 2>/dev/null

# ---- b: the files over two hosts, this one and sshd on 127.0.0.1 ----
sshd=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$sshd" ] && command -v ssh >/dev/null 2>&1 && have_sshd=1 || have_sshd=
if check_needs "$have_sshd" "sshd or ssh is not installed (apt-get install openssh-server)"; then
	mkdir "$tmp/ssh"
	chmod 700 "$tmp/ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$tmp/ssh/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$tmp/ssh/client_key"
	cp "$tmp/ssh/client_key.pub" "$tmp/ssh/authorized_keys"
	port=$((20000 + $$ % 20000))
	cat >"$tmp/ssh/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $tmp/ssh/host_key
AuthorizedKeysFile $tmp/ssh/authorized_keys
PidFile $tmp/ssh/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
UseDNS no
LogLevel VERBOSE
EOF
	cat >"$tmp/ssh/config" <<EOF
Host fleet1
	HostName 127.0.0.1
	Port $port
	User $(id -un)
	IdentityFile $tmp/ssh/client_key
	IdentitiesOnly yes
	StrictHostKeyChecking no
	UserKnownHostsFile $tmp/ssh/known_hosts
	BatchMode yes
	GSSAPIAuthentication no
	LogLevel ERROR
EOF
	[ "$(id -u)" = 0 ] && mkdir -p /run/sshd
	"$sshd" -f "$tmp/ssh/sshd_config" -E "$tmp/ssh/log" 2>"$tmp/err"
	i=0
	until ssh -F "$tmp/ssh/config" fleet1 true 2>/dev/null || [ $i -ge 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if ssh -F "$tmp/ssh/config" fleet1 true 2>"$tmp/err"; then
		ok
		mkdir "$tmp/b"
		# each job's folded output comes back on its stdout, over ssh or not;
		# one line per job in the job log says where it ran
		(cd "$tmp/fleet" && ls) | parallel --ssh "ssh -F $tmp/ssh/config" -S 1/fleet1,1/: \
			--joblog "$tmp/b/log" --workdir "$tmp/fleet" \
			"$bin/perf2events {} 2>/dev/null | $bin/events2folded -e cpu-clock 2>/dev/null" \
			>"$tmp/b/all.folded" 2>"$tmp/err" || no "b: parallel -S failed: $(cat "$tmp/err")"
		"$bin/events2folded" "$tmp/b/all.folded" >"$tmp/b.folded"
		same "b: folded over two hosts" "$tmp/fleet.folded" "$tmp/b.folded"
		n=$(awk -F'\t' 'NR > 1 && $2 == "fleet1"' "$tmp/b/log" | wc -l)
		m=$(awk -F'\t' 'NR > 1 && $2 == ":"' "$tmp/b/log" | wc -l)
		[ "$n" -ge 1 ] && [ "$m" -ge 1 ] && [ $((n + m)) = 6 ] && ok ||
			no "b: jobs on fleet1 $n, here $m, expected both and 6 in all"
		grep -q "Accepted publickey" "$tmp/ssh/log" && ok || no "b: sshd accepted no key: $(tail -3 "$tmp/ssh/log")"
		# heat maps over the hosts: TSV maps back on stdout, one file each
		(cd "$tmp/fleet" && ls) | parallel --ssh "ssh -F $tmp/ssh/config" -S 1/fleet1,1/: \
			--workdir "$tmp/fleet" --results "$tmp/b/hm" \
			"$bin/perf2events {} 2>/dev/null | $bin/heatmap 2>/dev/null" >/dev/null 2>"$tmp/err" ||
			no "b: parallel -S heatmap failed: $(cat "$tmp/err")"
		"$bin/heatmap" --merge $(find "$tmp/b/hm" -name stdout | sort) >"$tmp/b.tsv"
		same "b: heatmap over two hosts" "$tmp/fleet.tsv" "$tmp/b.tsv"
	else
		no "b: sshd on 127.0.0.1:$port did not let us in: $(cat "$tmp/err") $(tail -5 "$tmp/ssh/log" 2>/dev/null)"
	fi
	[ -s "$tmp/ssh/sshd.pid" ] && kill "$(cat "$tmp/ssh/sshd.pid")" 2>/dev/null
fi

# ---- c: Hadoop Streaming / Spark pipe(): mapper | sort | reducer ----
# The mapper reads file paths (one per line: NLineInputFormat, or an RDD of
# paths), writes "STACK<TAB>COUNT" (the key is up to the first tab); the
# shuffle sorts by key in byte order; the reducer sums each key's counts:
# events2folded reads its lines back as folded stacks.
mapper="while read -r f; do $bin/perf2events \"\$f\" 2>/dev/null | $bin/events2folded -e cpu-clock 2>/dev/null; done | sed 's/ \\([0-9][0-9]*\\)\$/\\t\\1/'"
reducer="sed 's/\\t\\([0-9][0-9]*\\)\$/ \\1/' | $bin/events2folded"
ls "$tmp"/fleet/*.gz | head -3 | sh -c "$mapper" >"$tmp/c.map1"
ls "$tmp"/fleet/*.gz | tail -n +4 | sh -c "$mapper" >"$tmp/c.map2"
awk -F'\t' 'NF != 2 || $2 !~ /^[0-9]+$/' "$tmp/c.map1" "$tmp/c.map2" | grep -q . &&
	no "c: mapper lines are not KEY<TAB>COUNT" || ok
sort "$tmp/c.map1" "$tmp/c.map2" | sh -c "$reducer" >"$tmp/c.folded"
same "c: mapper | sort | reducer" "$tmp/fleet.folded" "$tmp/c.folded"
# two reducers (keys partitioned by hash): their outputs sorted together
sort "$tmp/c.map1" "$tmp/c.map2" | awk -F'\t' -v d="$tmp/c" '{ print > (d ".r" (length($1) % 2)) }'
for r in "$tmp"/c.r*; do sh -c "$reducer" <"$r"; done | sort >"$tmp/c2.folded"
same "c: two reducers" "$tmp/fleet.folded" "$tmp/c2.folded"

check_done
