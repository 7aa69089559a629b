cat ../../data/perf/fp.perf | perf2events --part 1/2 /dev/stdin
