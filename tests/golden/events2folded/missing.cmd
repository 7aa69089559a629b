events2folded missing-file variants.events
