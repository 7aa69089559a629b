#!/bin/sh
# split-ranges.sh FILE N - byte ranges that cut FILE, a perf script text,
# into N parts at sample boundaries (after a blank line), without GNU
# parallel: one "OFFSET LENGTH" line per part (OFFSET from 0), for
#	tail -c +$((OFFSET + 1)) FILE | head -c LENGTH | perf2events | ...
# Each cut k*SIZE/N moves forward to just after the next "\n\n" (a part
# may be empty when a sample is longer than SIZE/N). docs/scale-out.md §3.
set -eu
f=$1 n=$2
size=$(wc -c <"$f")
prev=0 k=1
while [ "$k" -lt "$n" ]; do
	at=$((k * size / n))
	[ "$at" -lt "$prev" ] && at=$prev
	[ "$at" -lt 1 ] && at=1
	# the next blank line from at - 1: an empty line at offset o > 0 of
	# those bytes (64 KiB at most) is a "\n" after a "\n"; cut after it
	o=$(tail -c +"$at" "$f" | head -c 65536 | LC_ALL=C grep -a -b -x '' |
		awk -F: '$1 > 0 { print $1; exit }')
	if [ -z "$o" ]; then
		at=$size	# no blank line: the rest is one part
	else
		at=$((at - 1 + o + 1))
	fi
	echo "$prev $((at - prev))"
	prev=$at
	k=$((k + 1))
done
echo "$prev $((size - prev))"
