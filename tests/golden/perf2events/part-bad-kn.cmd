for a in 0/2 3/2 1/0 2 2/ 1/2x -1/2 +1/2 " 1/2" 1/1000001 99999999999999999999/2; do perf2events --part "$a" ../../data/perf/fp.perf; echo "exit $?" >&2; done
