#!/bin/sh
# make bench: run every tests/bench/bench-*.sh with BINDIR; they print
# figures (MiB/s, peak RSS) and assert nothing.
set -u
bin=$(cd "${1:?usage: run.sh BINDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
for b in "$here"/bench-*.sh; do
	[ -e "$b" ] || continue
	echo "== $(basename "$b")"
	sh "$b" "$bin"
done
