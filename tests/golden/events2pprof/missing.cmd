events2pprof one.events no-such-file | pprof2events | grep -v "^#input"
