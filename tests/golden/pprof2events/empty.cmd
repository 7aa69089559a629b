pprof2events /dev/null
