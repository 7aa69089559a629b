folded2events --diff diff.folded | events2svg --diff
