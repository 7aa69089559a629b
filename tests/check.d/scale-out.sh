#!/bin/sh
# scale-out.sh - docs/scale-out.md, run: a capture split, converted in
# parts and merged gives byte for byte the one-process result.
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

check_needs "$(command -v parallel >/dev/null 2>&1 && command -v bash >/dev/null 2>&1 && echo 1)" \
	"GNU parallel is not installed (apt-get install parallel)" || { check_done; exit; }

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

# ---- a: one text, split at blank lines, every core ----
mkdir "$tmp/a"
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
