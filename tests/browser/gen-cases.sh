#!/bin/sh
# Write the generated event streams the speedscope tests use into DIR:
#   empty.events        no bytes at all
#   magic.events        only the magic line and headers
#   one.events          one sample
#   spans.events        nested spans on two threads (exact durations)
#   unbalanced.events   close without open, close of a frame not on top,
#                       opens never closed, time going backwards
#   deep.events         a 3000-frame sample and a 2500 deep recursion of spans
#   threads.events      1000 threads interleaved, 3 samples each
#   names.events        frame and thread names with quotes, backslashes,
#                       control characters, ';', '`', non-ASCII, bad UTF-8
#   spill.events        30 threads interleaved with distinct stacks, enough
#                       output to spill to the temporary file and back
#   mixed.events        samples of two events and spans in one thread
# usage: gen-cases.sh DIR
set -eu
d=${1:?usage: gen-cases.sh DIR}
mkdir -p "$d"
T=$(printf '\t')

: >"$d/empty.events"
printf '#flamepipe-events 1\n#source none\n# nothing here\n' >"$d/magic.events"
printf '#flamepipe-events 1\nE\t-\tcycles\tperiod\nS\t1.000000000\t7\t7\t0\tmain\tcycles\t1000\tstart;main\n' \
	>"$d/one.events"

cat >"$d/spans.events" <<EOF
#flamepipe-events 1
#source hand
#clock unix
T${T}-${T}10${T}11${T}worker
O${T}100.000000000${T}10${T}11${T}-${T}-${T}span${T}-${T}main
O${T}100.001000000${T}10${T}11${T}-${T}-${T}span${T}-${T}main;parse
O${T}100.001500000${T}10${T}11${T}-${T}-${T}span${T}-${T}main;parse;lex
C${T}100.002000000${T}10${T}11${T}-${T}-${T}span${T}-${T}main;parse;lex
C${T}100.004000000${T}10${T}11${T}-${T}-${T}span${T}-${T}main;parse
O${T}100.004000000${T}10${T}11${T}-${T}-${T}span${T}-${T}main;eval
O${T}100.005000000${T}10${T}11${T}-${T}-${T}span${T}-${T}main;eval;parse
C${T}100.006000000${T}10${T}11${T}-${T}-${T}span${T}-${T}main;eval;parse
C${T}100.009000000${T}10${T}11${T}-${T}-${T}span${T}-${T}main;eval
C${T}100.010000000${T}10${T}11${T}-${T}-${T}span${T}-${T}main
O${T}100.002000000${T}10${T}12${T}-${T}io${T}span${T}-${T}read\`file=src/io.c\`line=42
C${T}100.003000000${T}10${T}12${T}-${T}io${T}span${T}-${T}read\`file=src/io.c\`line=42
EOF

cat >"$d/unbalanced.events" <<EOF
#flamepipe-events 1
C${T}1.000000000${T}1${T}1${T}-${T}t${T}span${T}-${T}ghost
O${T}1.000000000${T}1${T}1${T}-${T}t${T}span${T}-${T}a
O${T}1.100000000${T}1${T}1${T}-${T}t${T}span${T}-${T}a;b
O${T}1.200000000${T}1${T}1${T}-${T}t${T}span${T}-${T}a;b;c
C${T}1.300000000${T}1${T}1${T}-${T}t${T}span${T}-${T}a;b
O${T}1.250000000${T}1${T}1${T}-${T}t${T}span${T}-${T}a;d
O${T}1.400000000${T}1${T}1${T}-${T}t${T}span${T}-${T}a;d;e
C${T}1.500000000${T}1${T}1${T}-${T}t${T}span${T}-${T}a;d;e
EOF

awk -v T="$T" 'BEGIN {
	printf "#flamepipe-events 1\n"
	s = "root"
	for (i = 1; i < 3000; i++) s = s ";f" i
	printf "S%s1.0%s1%s1%s-%sdeep%scycles%s5%s%s\n", T, T, T, T, T, T, T, T, s
	# spans: a recursion 2500 deep (O and C carry the whole stack)
	s = "root"
	printf "O%s2.0%s1%s2%s-%sdeep%sspan%s-%s%s\n", T, T, T, T, T, T, T, T, s
	for (i = 1; i < 2500; i++) {
		s = s ";r"
		printf "O%s2.%09d%s1%s2%s-%sdeep%sspan%s-%s%s\n", T, i, T, T, T, T, T, T, T, s
	}
	for (i = 2499; i >= 0; i--) {
		printf "C%s3.%09d%s1%s2%s-%sdeep%sspan%s-%s%s\n", T, 2499 - i, T, T, T, T, T, T, T, s
		sub(/;[^;]*$/, "", s)
	}
}' >"$d/deep.events"

awk -v T="$T" 'BEGIN {
	printf "#flamepipe-events 1\nE%s-%scpu-clock%speriod\n", T, T, T
	for (r = 0; r < 3; r++)
		for (t = 0; t < 1000; t++)
			printf "S%s%d.%09d%s100%s%d%s-%sworker-%d%scpu-clock%s%d%smain;work%d;leaf%d\n",
				T, r, t, T, T, 1000 + t, T, T, t % 7, T, T, 1 + t % 5, T, t % 13, r
	printf "T%s-%s100%s1000%sthe first one\n", T, T, T, T
}' >"$d/threads.events"

# names: escapes per events(5) section 5; \xe9 alone is not valid UTF-8
{
	printf '#flamepipe-events 1\n'
	printf 'T\t-\t5\t5\tthread "quoted" \\\\ back\\tslash \xc3\xa9t\xc3\xa9\n'
	printf 'S\t1.0\t5\t5\t-\t-\tev\t3\tmain;say "hi";C:\\\\path\\\\x;semi\\x3bcolon;tick\\x60;ctl\\x01\\x1f\\x7f;tab\\there\\nnl;\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e;caf\xe9;emoji \xf0\x9f\x94\xa5`file=\xc3\xa9/\\x22q\\x22.c`line=7`col=3\n'
	printf 'S\t2.0\t5\t5\t-\t-\tev\t2\tmain;\\x2d;{"json":[1,2]};</script>;\\\\u0000\n'
	printf 'S\t3.0\t5\t5\t-\t-\tev\t1\t\n'
} >"$d/names.events"

awk -v T="$T" 'BEGIN {
	printf "#flamepipe-events 1\n"
	for (r = 0; r < 5000; r++)
		for (t = 0; t < 30; t++)
			printf "S%s-%s9%s%d%s-%sspill%scycles%s%d%smain;loop%d;fn%d;leaf%d\n",
				T, T, T, t, T, T, T, T, 1 + (r * t) % 11, T, r % 17, (r * 7 + t) % 101, r
}' >"$d/spill.events"

cat >"$d/mixed.events" <<EOF
#flamepipe-events 1
E${T}-${T}cycles${T}period
E${T}-${T}alloc${T}bytes
S${T}1.000000000${T}3${T}3${T}-${T}m${T}cycles${T}100${T}main;a
S${T}1.001000000${T}3${T}3${T}-${T}m${T}alloc${T}4096${T}main;malloc
S${T}1.002000000${T}3${T}3${T}-${T}m${T}cycles${T}100${T}main;a
S${T}1.003000000${T}3${T}3${T}-${T}m${T}cycles${T}100${T}main;b
S${T}1.004000000${T}3${T}3${T}-${T}m${T}cycles${T}-5${T}main;b
S${T}1.005000000${T}3${T}3${T}-${T}m${T}cycles${T}0${T}main;b
O${T}1.000000000${T}3${T}3${T}-${T}m${T}span${T}-${T}request
C${T}1.010000000${T}3${T}3${T}-${T}m${T}span${T}-${T}request
EOF
