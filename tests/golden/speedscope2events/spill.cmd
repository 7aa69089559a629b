SPEEDSCOPE2EVENTS_BUDGET=1 speedscope2events keys-any-order.in
