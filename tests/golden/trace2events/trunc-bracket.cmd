trace2events | eventsort
