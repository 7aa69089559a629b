timeslice -a 1 2 spans.events | events2folded
