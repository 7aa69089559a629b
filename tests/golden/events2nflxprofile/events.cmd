events2nflxprofile events.in | nflxprofile2events
