cpuprofile2events system.in | events2folded
