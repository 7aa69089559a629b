events2nflxprofile weighted.in | nflxprofile2events
