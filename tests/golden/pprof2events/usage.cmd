pprof2events -t 2>&1; echo status $?
