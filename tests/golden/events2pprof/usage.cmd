events2pprof -x 2>&1; echo status $?; events2pprof -e 2>&1; echo status $?
