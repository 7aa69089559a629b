trace2events -e trace | eventsort | events2folded
