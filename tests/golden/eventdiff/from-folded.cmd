folded2events base.folded | eventdiff --fail-above=10 - new.events
