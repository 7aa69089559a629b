events2pprof inline.events | pprof2events | grep -v "^#input"
