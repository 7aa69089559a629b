events2nflxprofile -e instructions events.in | nflxprofile2events
