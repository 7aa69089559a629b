/* order.h - check that an events stream is in time order (docs/ordering.md) */
#ifndef FP_ORDER_H
#define FP_ORDER_H

#include <stdint.h>

#include "events.h"
#include "intern.h"

/*
 * Order-sensitive consumers (span nesting, timelines, time slices) feed
 * every header line and record to an order check. It fails on the first
 * record that eventsort(1) would have moved: a D record (an unnested span,
 * docs/ordering.md), or a timed S/O/C/I record earlier than the previous
 * one of its thread. The message names the fix: "pipe it through eventsort".
 */
struct order {
	struct intern threads;	/* "pid\ttid" -> value: the last time */
	struct buf key;
	int unsorted;		/* an "#order unsorted" header was seen */
};

/* The message for a D record met by a filter that needs nested spans. */
extern const char order_unnested[];

/* A header line (without LF). */
void order_header(struct order *o, const char *line, size_t len);
/* 0 if r may follow what came before; -1 with *why set otherwise. */
int order_check(struct order *o, const struct ev_rec *r, const char **why);
void order_free(struct order *o);

#endif
