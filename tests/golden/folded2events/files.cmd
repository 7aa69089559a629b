folded2events simple.in json.in - < diff-hint.in
