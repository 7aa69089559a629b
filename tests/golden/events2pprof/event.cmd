events2pprof -e cpu several.events | pprof2events | grep -v "^#input"
