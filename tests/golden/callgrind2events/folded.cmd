callgrind2events namecomp.in | events2folded
