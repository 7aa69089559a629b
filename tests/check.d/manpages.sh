#!/bin/sh
# Every filter has a man page whose SYNOPSIS is the usage line of --help,
# --help goes to stdout with status 0, --version works, a bad option exits
# 2, and every page renders without groff warnings.
set -u
bin=${1:?usage: manpages.sh BINDIR}
man=$(cd "$(dirname "$0")/../../man" && pwd)
pass=0 fail=0
ok() { pass=$((pass+1)); }
no() { fail=$((fail+1)); echo "FAIL $*"; }
for f in "$bin"/*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	page=$man/$name.1
	[ -f "$page" ] || { no "$name: no man page man/$name.1"; continue; }
	usage=$("$f" --help | sed -n 's/^usage: //p' | head -n 1)
	[ $? -eq 0 ] && [ -n "$usage" ] && ok || no "$name --help: no usage line"
	synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$page" | grep -v '^\.' |
		sed 's/\\f[BIRP]//g; s/\\-/-/g' | tr -s ' \n' ' ' | sed 's/ $//')
	[ "$synopsis" = "$usage" ] && ok || no "$name: man SYNOPSIS '$synopsis' != usage '$usage'"
	"$f" --version | grep -q "^$name (flamepipe) " && ok || no "$name --version"
	"$f" --no-such-option >/dev/null 2>&1; s=$?
	[ $s -eq 2 ] && ok || no "$name: bad option exits $s, expected 2"
done
for page in "$man"/*.[15]; do
	w=$(MANWIDTH=80 man -l --warnings=w "$page" 2>&1 >/dev/null)
	[ -z "$w" ] && ok || no "$(basename "$page"): $w"
done
echo "manpages: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
