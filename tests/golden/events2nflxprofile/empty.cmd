events2nflxprofile < empty.in | nflxprofile2events
