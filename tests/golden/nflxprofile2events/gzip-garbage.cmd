printf '\037\213\010\000garbage' | nflxprofile2events
