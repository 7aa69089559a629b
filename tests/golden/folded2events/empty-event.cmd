folded2events -e ''
