head -c 100 ../../data/corpus/nflxprofile/nodejs1.nflxprofile | nflxprofile2events
