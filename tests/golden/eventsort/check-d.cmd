eventsort --check split.in
