eventsort unsorted-d.in | events2folded
