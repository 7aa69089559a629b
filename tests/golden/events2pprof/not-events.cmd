events2pprof ../../data/pprof/cpu.pprof; echo status $?
