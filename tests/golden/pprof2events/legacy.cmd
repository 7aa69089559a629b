head -c 64 /dev/zero | pprof2events
