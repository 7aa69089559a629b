nflxprofile2events ../../data/corpus/nflxprofile/nodejs1.nflxprofile | heatmap -l
