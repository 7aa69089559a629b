events2pprof -e cpu empty.events | pprof2events | grep -v "^#input"
