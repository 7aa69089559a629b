events2nflxprofile odd-names.in | nflxprofile2events
