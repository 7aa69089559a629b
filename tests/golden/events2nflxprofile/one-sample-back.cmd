events2nflxprofile one-sample.in | nflxprofile2events
