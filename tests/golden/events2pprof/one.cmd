events2pprof one.events | pprof2events | grep -v "^#input"
