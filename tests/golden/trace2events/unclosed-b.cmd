trace2events unclosed-b.in | eventsort | events2folded
