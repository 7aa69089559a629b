events2pprof several.events | pprof2events | grep -v "^#input"
