nflxprofile2events /dev/null
