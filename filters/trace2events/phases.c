/* phases.c - trace2events: one event by its phase (B/E/X/i spans as D
 * records, M metadata as P/T records) and the thread table */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/buf.h"
#include "../../common/digits.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/intern.h"
#include "../../common/json.h"
#include "../../common/out.h"
#include "trace.h"

/* ---- threads and spans ---- */

/* Is the thread t the one of pid, tid? */
static int thread_is(const struct thread *t, const struct buf *pid, const struct buf *tid)
{
	return t->pid_len == pid->len && t->tid_len == tid->len && same(t->pid, pid->p, pid->len) &&
	       same(t->tid, tid->p, tid->len);
}

static struct thread *thread_of(struct trace *tr, const struct buf *pid, const struct buf *tid)
{
	int added;
	size_t i;
	struct thread *t;
	struct buf *key = &tr->thr.key;

	size_t prev = tr->thr.last, c;

	/* events come in runs on one thread: the last one found first, then
	 * the one that came after it the last time */
	if (prev >= tr->thr.n)
		prev = (size_t)-1;
	else if (thread_is(&tr->thr.th[prev], pid, tid))
		return &tr->thr.th[prev];
	else if ((c = tr->thr.th[prev].next) > 0 && c <= tr->thr.n &&
		 thread_is(&tr->thr.th[c - 1], pid, tid))
		return &tr->thr.th[tr->thr.last = c - 1];
	key->len = 0;
	buf_add(key, pid->p, pid->len);
	buf_addc(key, 0);
	buf_add(key, tid->p, tid->len);
	i = intern_get(&tr->thr.ids, key->p, key->len, &added);
	if (!added) {
		tr->thr.last = (size_t)tr->thr.ids.ents[i].aux;
		if (prev != (size_t)-1)
			tr->thr.th[prev].next = tr->thr.last + 1;
		return &tr->thr.th[tr->thr.last];
	}
	fp_grow(&tr->thr.th, &tr->thr.cap, tr->thr.n + 1, sizeof *tr->thr.th);
	t = &tr->thr.th[tr->thr.n];
	memset(t, 0, sizeof *t);
	/* an empty buffer may have no storage yet (p NULL) */
	t->pid = fp_strndup(pid->len ? pid->p : "", pid->len);
	t->pid_len = pid->len;
	t->tid = fp_strndup(tid->len ? tid->p : "", tid->len);
	t->tid_len = tid->len;
	/* the D records' "PID\tTID\t-\t-\t", written once */
	ev_buf_field(&t->head, t->pid, t->pid_len);
	buf_addc(&t->head, '\t');
	ev_buf_field(&t->head, t->tid, t->tid_len);
	buf_adds(&t->head, "\t-\t-\t");
	tr->thr.last = tr->thr.n;
	if (prev != (size_t)-1)
		tr->thr.th[prev].next = tr->thr.n + 1;
	tr->thr.ids.ents[i].aux = (int64_t)tr->thr.n++;
	return t;
}

static void saw_time(struct thread *t, int64_t ts)
{
	if (!t->has_last || ts > t->last) {
		t->last = ts;
		t->has_last = 1;
	}
}

/* The EVENT field of ev (raw): escaped once per run of equal events. */
static const struct buf *event_field(struct tr_threads *thr, struct slice ev)
{
	if (!thr->ev_ok || thr->ev_raw.len != ev.n || !same(thr->ev_raw.p, ev.p, ev.n)) {
		sset(&thr->ev_raw, ev.p, ev.n);
		thr->ev_field.len = 0;
		ev_buf_field(&thr->ev_field, ev.p, ev.n);
		thr->ev_ok = 1;
	}
	return &thr->ev_field;
}

/* The digits of seq at o (room for 24 bytes), their end: seq is mostly
 * the one after the last written (X events come in order), whose digits
 * are kept to be counted up in place. */
static inline char *put_seq(struct tr_threads *thr, char *o, uint64_t seq)
{
	char *d = thr->seq_text + thr->seq_len;

	if (seq == thr->seq_last + 1 && thr->seq_len) {
		while (--d > thr->seq_text && *d == '9')
			*d = '0';
		if (*d == '9')	/* 9...9: one more digit */
			d = NULL;
		else
			++*d;
	} else {
		d = NULL;
	}
	if (!d)
		thr->seq_len = (size_t)(digits_put_wide(thr->seq_text, seq) - thr->seq_text);
	thr->seq_last = seq;
	memcpy(o, thr->seq_text, 24);
	return o + thr->seq_len;
}

/* D TIME PID TID - - EVENT DUR FRAME SEQ; event raw, frame escaped. The
 * record is formatted in place in the output buffer (ev_put_head() and
 * ev_put_d_end() write the same bytes, for the rare cases left to them). */
static void put_span(struct tr_threads *thr, const struct thread *t, int64_t ts, int64_t dur,
		     struct slice ev, struct slice frame, uint64_t seq)
{
	const struct buf *evf = event_field(thr, ev);
	size_t max = 2 + 30 + t->head.len + evf->len + 1 + 24 + 1 + frame.n + 1 + 24 + 1;
	char *o;

	if (ts >= 0 && dur >= 0 && (o = out_reserve(max)) != NULL) {
		*o++ = 'D';
		*o++ = '\t';
		o = digits_put_time_wide(o, (uint64_t)ts);
		*o++ = '\t';
		o = bytes_put(o, t->head.p, t->head.len);
		o = bytes_put(o, evf->p, evf->len);
		*o++ = '\t';
		o = digits_put_wide(o, (uint64_t)dur);
		*o++ = '\t';
		o = bytes_put(o, frame.p, frame.n);
		*o++ = '\t';
		o = put_seq(thr, o, seq);
		*o++ = '\n';
		out_commit(o);
		return;
	}
	ev_put_head('D', ts, (struct slice){ t->pid, t->pid_len }, (struct slice){ t->tid, t->tid_len },
		    -1, (struct slice){ NULL, 0 }, ev, dur);
	if (frame.n)
		out_write(frame.p, frame.n);
	ev_put_d_end(seq);
}

/* Is p[0..n) short and free of the bytes events escape (ev_buf_escaped()
 * would copy it as it is)? */
static inline int clean_short(const char *p, size_t n)
{
	size_t i;

	if (n > 16)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x20 || c == 0x7f || c == '\\' || c == ';' || c == '`')
			return 0;
	}
	return 1;
}

/* span_frame() when the frame is more than the name as it is. */
static __attribute__((noinline)) struct slice span_frame_built(const struct trace *tr,
							       struct buf *frame)
{
	frame->len = 0;
	if (tr->e.has_name && tr->e.name.len > 0) {
		if (clean_short(tr->e.name.p, tr->e.name.len))
			sset(frame, tr->e.name.p, tr->e.name.len);	/* the common case, in short */
		else
			ev_buf_escaped(frame, tr->e.name.p, tr->e.name.len);
		if (frame->len == 1 && frame->p[0] == '-')
			sset(frame, "\\x2d", 4);
	} else {
		buf_adds(frame, "(unnamed)");
	}
	if (tr->e.hermes == HERMES_ALL) {
		/* a Hermes frame: args are its location, not part of its name */
		char tmp[64];

		if (tr->e.hurl.len) {
			buf_adds(frame, "`file=");
			ev_buf_escaped(frame, tr->e.hurl.p, tr->e.hurl.len);
		}
		if (tr->e.hline > 0)
			buf_add(frame, tmp, (size_t)snprintf(tmp, sizeof tmp, "`line=%" PRId64, tr->e.hline));
		if (tr->e.hcol > 0)
			buf_add(frame, tmp, (size_t)snprintf(tmp, sizeof tmp, "`col=%" PRId64, tr->e.hcol));
	} else if (tr->args && tr->e.has_args) {
		ev_buf_escaped(frame, " ", 1);
		ev_buf_escaped(frame, tr->e.args.p, tr->e.args.len);
	}
	tr_put_attrs(frame, &tr->e.attrs);
	return (struct slice){ frame->p, frame->len };
}

/* The frame text of the current event, escaped: its name as it is (the
 * common case), or built in frame. */
static inline struct slice span_frame(const struct trace *tr, struct buf *frame)
{
	if (tr->e.has_name && tr->e.name.len > 0 && tr->e.hermes != HERMES_ALL &&
	    !(tr->args && tr->e.has_args) && tr->e.attrs.len == 0 &&
	    clean_short(tr->e.name.p, tr->e.name.len) &&
	    !(tr->e.name.len == 1 && tr->e.name.p[0] == '-'))
		return (struct slice){ tr->e.name.p, tr->e.name.len };
	return span_frame_built(tr, frame);
}

/* The EVENT field of the current event's span, raw: -e EVENT, else its category. */
static struct slice span_event(const struct trace *tr)
{
	struct slice ev = { tr->e.cat.p, tr->e.cat.len };

	return tr->event ? ev_str(tr->event) : ev;
}

static void span_begin(struct trace *tr, struct thread *t)
{
	struct slice frame = span_frame(tr, &tr->thr.frame);
	struct slice ev = span_event(tr);
	struct bopen *b;

	fp_grow(&t->b, &t->cap, t->nb + 1, sizeof *t->b);
	b = &t->b[t->nb++];
	b->ts = tr->e.ts;
	b->seq = tr->e.seq;
	b->off = t->text.len;
	b->name_len = tr->e.has_name ? tr->e.name.len : 0;
	buf_add(&t->text, tr->e.name.p, b->name_len);
	b->frame_len = frame.n;
	buf_add(&t->text, frame.p, frame.n);
	b->event_len = ev.n;
	buf_add(&t->text, ev.p, ev.n);
}

static void close_b(struct tr_threads *thr, struct thread *t, size_t i, int64_t end)
{
	struct bopen *b = &t->b[i];
	const char *s = t->text.p + b->off;
	struct slice ev = { s + b->name_len + b->frame_len, b->event_len };
	struct slice frame = { s + b->name_len, b->frame_len };

	put_span(thr, t, b->ts, ns_until(b->ts, end), ev, frame, b->seq);
	memmove(&t->b[i], &t->b[i + 1], (t->nb - i - 1) * sizeof *t->b);
	t->nb--;
	if (t->nb == 0 || i == t->nb)
		t->text.len = t->nb ? t->b[t->nb - 1].off + t->b[t->nb - 1].name_len +
				      t->b[t->nb - 1].frame_len + t->b[t->nb - 1].event_len : 0;
}

/* E closes the innermost open B of its thread with the same name (any B
 * when E has no name). Nesting is decided later by time (eventsort). */
static void span_end(struct trace *tr, struct thread *t)
{
	size_t i;

	for (i = t->nb; i-- > 0;) {
		const struct bopen *b = &t->b[i];

		if (!tr->e.has_name || (b->name_len == tr->e.name.len &&
				      (b->name_len == 0 ||
				       memcmp(t->text.p + b->off, tr->e.name.p, b->name_len) == 0)))
			break;
	}
	if (i == (size_t)-1) {
		tr->thr.unmatched++;
		tr_skip(tr, "E event that matches no open B event; ignored");
		return;
	}
	close_b(&tr->thr, t, i, tr->e.ts);
}

static inline __attribute__((always_inline)) void span_complete(struct trace *tr,
								 struct thread *t)
{
	int64_t dur = tr->e.has_dur ? tr->e.dur : tr->e.has_tdur ? tr->e.tdur : 0;

	if (!tr->e.has_dur && !tr->e.has_tdur)
		tr->thr.nodur++;
	if (dur < 0) {
		tr_skip(tr, "X event with a negative dur");
		return;
	}
	if (tr->e.ts > INT64_MAX - dur) {
		tr_skip(tr, "X event ends after the largest time");
		return;
	}
	saw_time(t, tr->e.ts + dur);
	put_span(&tr->thr, t, tr->e.ts, dur, span_event(tr), span_frame(tr, &tr->thr.frame), tr->e.seq);
}

/* ---- metadata ---- */

static void meta_event(const struct trace *tr)
{
	struct slice pid = { tr->e.pid.p, tr->e.pid.len };
	struct slice name = { tr->e.argname.p, tr->e.argname.len };
	struct slice tid = { tr->e.tid.p, tr->e.tid.len };

	if (!tr->e.has_argname)
		return;
	if (beq(&tr->e.name, "process_name"))
		ev_put_pname(EV_NONE, pid, name);
	else if (beq(&tr->e.name, "thread_name"))
		ev_put_tname(EV_NONE, pid, tr->e.has_tid ? tid : pid, name);
}

/* ---- one event ---- */

void tr_event_done(struct trace *tr)
{
	struct thread *t;
	char ph = tr->e.ph;

	if (!tr->e.has_ph) {
		tr_skip(tr, "event without ph");
		return;
	}
	if (ph == 'M') {
		meta_event(tr);
		return;
	}
	if (tr->e.has_args && (beq(&tr->e.name, "Profile") || beq(&tr->e.name, "ProfileChunk") ||
			     beq(&tr->e.name, "CpuProfile"))) {
		if (tr->e.bad_ts || tr->e.has_start || tr->e.nnodes || tr->e.nsamples || beq(&tr->e.name, "Profile"))
			tr_profile_event(tr);
		return;
	}
	if (ph != 'X' && ph != 'B' && ph != 'E' && ph != 'i' && ph != 'I' && ph != 'P') {
		char k[2] = { ph, 0 };

		intern_add(&tr->ignored, k, 1)->value++;
		return;
	}
	if (!tr->e.has_ts || tr->e.bad_ts) {
		tr_skip(tr, tr->e.bad_ts ? "bad ts" : "event without ts");
		return;
	}
	if (tr->e.bad_dur) {
		tr_skip(tr, "bad dur");
		return;
	}
	if (!tr->e.has_pid)
		sset(&tr->e.pid, "", 0);
	if (!tr->e.has_tid)
		sset(&tr->e.tid, tr->e.pid.p, tr->e.pid.len);
	t = thread_of(tr, &tr->e.pid, &tr->e.tid);
	saw_time(t, tr->e.ts);
	switch (ph) {
	case 'B': span_begin(tr, t); break;
	case 'E': span_end(tr, t); break;
	case 'X': span_complete(tr, t); break;
	case 'i':
	case 'I':
		tr->e.has_dur = 1;
		tr->e.dur = 0;
		span_complete(tr, t);
		break;
	case 'P':
		if (!tr->e.has_sf && !tr->e.is_stack) {
			tr_skip(tr, "sample (P) without sf or stack");
			return;
		}
		tr->e.sname.len = 0;
		if (tr->e.has_name)
			sset(&tr->e.sname, tr->e.name.p, tr->e.name.len);
		tr->e.cpu.len = 0;
		tr_sample_event(tr);
		break;
	}
}

/* An entry of the top-level samples array. */
void tr_sample_entry_done(struct trace *tr)
{
	if ((!tr->e.has_ts || tr->e.bad_ts) && !(tr->fp_weights && tr->e.untimed)) {
		tr_skip(tr, tr->e.bad_ts ? "sample with a bad ts" : "sample without ts");
		return;
	}
	if (!tr->e.has_sf && !tr->e.is_stack) {
		tr_skip(tr, "sample without sf or stack");
		return;
	}
	if (!tr->e.has_pid)
		sset(&tr->e.pid, "", 0);
	tr->e.sname.len = 0;
	if (tr->e.has_name)
		sset(&tr->e.sname, tr->e.name.p, tr->e.name.len);
	if (tr->e.cpu.len == 2 && memcmp(tr->e.cpu.p, "-1", 2) == 0)
		tr->e.cpu.len = 0;
	tr_sample_event(tr);
}

/* The end of an input: B events never ended end at their thread's last
 * time; the thread table is freed. */
void tr_spans_end(struct trace *tr)
{
	size_t i;

	for (i = 0; i < tr->thr.n; i++) {
		struct thread *t = &tr->thr.th[i];

		while (t->nb > 0) {
			tr->thr.unclosed++;
			close_b(&tr->thr, t, t->nb - 1, t->last);
		}
		free(t->b);
		free(t->pid);
		free(t->tid);
		buf_free(&t->text);
		buf_free(&t->head);
	}
	tr->thr.n = 0;
	tr->thr.last = 0;
	intern_free(&tr->thr.ids);
	memset(&tr->thr.ids, 0, sizeof tr->thr.ids);
}
