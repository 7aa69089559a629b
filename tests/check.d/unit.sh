#!/bin/sh
# Run the C unit tests that `make check` built next to BINDIR (BUILD/tests/).
set -u
dir=$(cd "${1:?usage: unit.sh BINDIR}/.." && pwd)/tests
pass=0 fail=0
for t in "$dir"/*; do
	[ -x "$t" ] || continue
	if "$t"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL $(basename "$t")"; fi
done
[ $pass -gt 0 ] || { echo "unit: no unit tests found in $dir"; fail=1; }
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
