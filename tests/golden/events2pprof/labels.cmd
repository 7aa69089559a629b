events2pprof labels.events | pprof2events | grep -v "^#input"
