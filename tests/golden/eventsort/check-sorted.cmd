eventsort mixed.in | eventsort --check
