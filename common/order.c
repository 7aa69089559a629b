/* order.c - check that an events stream is in time order (docs/ordering.md) */
#include <string.h>

#include "order.h"

const char order_unnested[] =
	"unnested span records (D): the stream is not sorted; pipe it through eventsort";

void order_header(struct order *o, const char *line, size_t len)
{
	static const char h[] = "#order unsorted";

	if (len >= sizeof h - 1 && memcmp(line, h, sizeof h - 1) == 0)
		o->unsorted = 1;
}

int order_check(struct order *o, const struct ev_rec *r, const char **why)
{
	int added;
	size_t i;

	if (r->type == 'D') {
		*why = order_unnested;
		return -1;
	}
	if (!strchr("SOCI", r->type) || r->time == EV_NONE)
		return 0;
	ev_thread_key(&o->key, r->pid, r->tid);
	i = intern_get(&o->threads, o->key.p, o->key.len, &added);
	if (!added && r->time < o->threads.ents[i].value) {
		*why = "time goes backwards in this thread: the stream is not sorted; pipe it through eventsort";
		return -1;
	}
	o->threads.ents[i].value = r->time;
	return 0;
}

void order_free(struct order *o)
{
	intern_free(&o->threads);
	buf_free(&o->key);
	memset(o, 0, sizeof *o);
}
