/* perfscript.c - fuzz the perf script parser (common/perfscript.h)
 *
 * The input is fed line by line to perf_line(), then perf_end(). Each
 * sample the parser reports must have all its text inside the parser's
 * buffer, and must survive being written as an events S record (as
 * perf2events does) and parsed back: same time, weight, ids, frame count,
 * names and attributes. Then the same input is fed again with perf_feed()
 * in blocks of varied sizes, each an exact heap copy (ASan sees a read past
 * it): the samples, side-band records and skipped lines must be the same.
 */
#include "fuzz.h"

#include "../../common/perfscript.h"

struct ctx {
	struct perf_parser *p;
	uint64_t samples, lines;
	struct buf tmp;
	struct buf log;		/* what the parser reported, for the two passes */
};

static void log_u64(struct buf *b, uint64_t v)
{
	buf_add(b, &v, sizeof v);
}

static void log_text(struct buf *b, const char *text, struct ptext t)
{
	log_u64(b, t.len);
	buf_add(b, text + t.off, t.len);
}

static void log_sample(struct buf *b, const struct perf_sample *s, const char *text)
{
	size_t i;

	buf_add(b, "S", 1);
	log_u64(b, s->lineno);
	log_u64(b, (uint64_t)s->time);
	log_u64(b, (uint64_t)s->period);
	log_u64(b, (uint64_t)(int64_t)s->cpu);
	log_text(b, text, s->comm);
	log_text(b, text, s->pid);
	log_text(b, text, s->tid);
	log_text(b, text, s->event);
	log_u64(b, s->nframes);
	for (i = 0; i < s->nframes; i++) {
		const struct perf_frame *f = &s->frames[i];

		log_u64(b, f->kind);
		log_u64(b, (uint64_t)f->clean);
		log_text(b, text, f->ip);
		log_text(b, text, f->sym);
		log_text(b, text, f->dso);
		log_text(b, text, f->file);
		log_text(b, text, f->line);
	}
}

static void log_sideband(struct buf *b, const struct perf_sideband *sb, const char *text)
{
	buf_add(b, "B", 1);
	log_u64(b, sb->lineno);
	log_u64(b, sb->kind);
	log_u64(b, (uint64_t)sb->time);
	log_u64(b, (uint64_t)sb->lost);
	log_u64(b, (uint64_t)(int64_t)sb->cpu);
	log_text(b, text, sb->record);
	log_text(b, text, sb->comm);
	log_text(b, text, sb->pid);
	log_text(b, text, sb->tid);
}

static void log_skip(struct buf *b, uint64_t lineno, const char *why)
{
	buf_add(b, "K", 1);
	log_u64(b, lineno);
	buf_add(b, why, strlen(why) + 1);
}

/* The perf_feed() pass: log only. */
static void feed_sample(const struct perf_sample *s, const char *text, void *vctx)
{
	log_sample(&((struct ctx *)vctx)->log, s, text);
}

static void feed_sideband(const struct perf_sideband *sb, const char *text, void *vctx)
{
	log_sideband(&((struct ctx *)vctx)->log, sb, text);
}

static void feed_skip(uint64_t lineno, const char *why, void *vctx)
{
	FUZZ_CHECK(why != NULL && why[0] != '\0');
	log_skip(&((struct ctx *)vctx)->log, lineno, why);
}

static struct slice sl(const char *text, struct ptext t)
{
	struct slice s = { text + t.off, t.len };

	return s;
}

static void check_text(const struct perf_parser *p, struct ptext t)
{
	FUZZ_CHECK(t.off <= p->text.len && t.len <= p->text.len - t.off);
}

static void check_unescaped(struct buf *tmp, struct slice esc, const char *raw, size_t n)
{
	tmp->len = 0;
	ev_unescape(tmp, esc.p, esc.n);
	FUZZ_CHECK(fuzz_eq(tmp->p, tmp->len, raw, n));
}

/* Emit the sample as perf2events does (with every attribute) and read it back. */
static void roundtrip(struct ctx *c, const struct perf_sample *s, const char *text)
{
	size_t i, bound = 256 + 4 * c->p->text.len + 64 * s->nframes;
	struct ev_rec r;
	struct slice stack;
	struct ev_frame f;
	const char *why = NULL;
	char *line;
	size_t len;
	int64_t weight = s->period >= 0 ? s->period : 1;

	if (bound >= OUT_BUFSIZE)
		return;		/* would be flushed to stdout */
	fuzz_out_reset();
	ev_put_head('S', s->time, sl(text, s->pid), sl(text, s->tid), s->cpu,
		    sl(text, s->comm), sl(text, s->event), weight);
	for (i = s->nframes; i-- > 0;) {
		const struct perf_frame *pf = &s->frames[i];
		struct ev_frame_out o = { 0 };

		o.name = sl(text, pf->sym);
		o.kind = pf->kind;
		o.dso = sl(text, pf->dso);
		o.addr = sl(text, pf->ip);
		o.file = sl(text, pf->file);
		ev_put_frame(&o);
		if (i > 0)
			out_putc(';');
	}
	FUZZ_CHECK(fp_out.len < OUT_BUFSIZE);
	/* one line: no LF inside */
	FUZZ_CHECK(memchr(fp_out.buf, '\n', fp_out.len) == NULL);
	len = fp_out.len;
	line = fuzz_copy(fp_out.buf, len);
	FUZZ_CHECK(ev_parse(&r, line, len, &why) == EV_RECORD);
	FUZZ_CHECK(r.type == 'S');
	FUZZ_CHECK(r.time == s->time);
	FUZZ_CHECK(r.weight == weight);
	if (s->pid.len)
		check_unescaped(&c->tmp, r.pid, text + s->pid.off, s->pid.len);
	else
		FUZZ_CHECK(ev_absent(r.pid));
	if (s->tid.len)
		check_unescaped(&c->tmp, r.tid, text + s->tid.off, s->tid.len);
	if (s->comm.len)
		check_unescaped(&c->tmp, r.comm, text + s->comm.off, s->comm.len);
	if (s->event.len)
		check_unescaped(&c->tmp, r.event, text + s->event.off, s->event.len);
	stack = r.stack;
	if (stack.n == 0)
		stack.p = NULL;
	for (i = s->nframes; i-- > 0;) {
		const struct perf_frame *pf = &s->frames[i];

		FUZZ_CHECK(ev_frame_next(&stack, &f));
		if (pf->sym.len)
			check_unescaped(&c->tmp, f.name, text + pf->sym.off, pf->sym.len);
		else
			FUZZ_CHECK(f.kind & EVK_UNKNOWN);
		FUZZ_CHECK((f.kind & pf->kind) == pf->kind);
		if (pf->dso.len)
			check_unescaped(&c->tmp, f.dso, text + pf->dso.off, pf->dso.len);
		if (pf->ip.len)
			check_unescaped(&c->tmp, f.addr, text + pf->ip.off, pf->ip.len);
		if (pf->file.len)
			check_unescaped(&c->tmp, f.file, text + pf->file.off, pf->file.len);
	}
	FUZZ_CHECK(!ev_frame_next(&stack, &f));
	free(line);
	fuzz_out_reset();
}

static void on_sample(const struct perf_sample *s, const char *text, void *vctx)
{
	struct ctx *c = vctx;
	size_t i;

	c->samples++;
	FUZZ_CHECK(c->samples <= c->lines);
	FUZZ_CHECK(text == c->p->text.p);
	FUZZ_CHECK(s->lineno >= 1 && s->lineno <= c->lines);
	check_text(c->p, s->comm);
	check_text(c->p, s->pid);
	check_text(c->p, s->tid);
	check_text(c->p, s->event);
	log_sample(&c->log, s, text);
	for (i = 0; i < s->nframes; i++) {
		const struct perf_frame *f = &s->frames[i];

		check_text(c->p, f->ip);
		check_text(c->p, f->sym);
		check_text(c->p, f->dso);
		check_text(c->p, f->file);
		check_text(c->p, f->line);
	}
	roundtrip(c, s, text);
}

/* A side-band record: its text in the buffer, never counted as a sample;
 * a COMM's new name survives a T record's round trip. */
static void on_sideband(const struct perf_sideband *sb, const char *text, void *vctx)
{
	struct ctx *c = vctx;

	FUZZ_CHECK(text == c->p->text.p);
	FUZZ_CHECK(sb->lineno >= 1 && sb->lineno <= c->lines);
	log_sideband(&c->log, sb, text);
	FUZZ_CHECK(sb->kind == PERF_SB_COMM || sb->kind == PERF_SB_LOST || sb->kind == PERF_SB_OTHER);
	check_text(c->p, sb->record);
	check_text(c->p, sb->comm);
	check_text(c->p, sb->pid);
	check_text(c->p, sb->tid);
	FUZZ_CHECK(sb->record.len >= 12 && memcmp(text + sb->record.off, "PERF_RECORD_", 12) == 0);
	FUZZ_CHECK(sb->kind != PERF_SB_LOST || sb->lost >= -1);
	if (sb->kind == PERF_SB_COMM && sb->comm.len + sb->pid.len + sb->tid.len < 4096) {
		struct ev_rec r;
		const char *why = NULL;
		char *line;
		size_t len;

		fuzz_out_reset();
		ev_put_tname(sb->time, sl(text, sb->pid), sl(text, sb->tid), sl(text, sb->comm));
		FUZZ_CHECK(fp_out.len > 0 && fp_out.buf[fp_out.len - 1] == '\n');
		len = fp_out.len - 1;
		FUZZ_CHECK(memchr(fp_out.buf, '\n', len) == NULL);
		line = fuzz_copy(fp_out.buf, len);
		FUZZ_CHECK(ev_parse(&r, line, len, &why) == EV_RECORD && r.type == 'T');
		if (sb->comm.len)
			check_unescaped(&c->tmp, r.name, text + sb->comm.off, sb->comm.len);
		free(line);
		fuzz_out_reset();
	}
}

static void on_header(const char *key, const char *val, size_t len, void *vctx)
{
	struct ctx *c = vctx;

	FUZZ_CHECK(key != NULL);
	/* touch every byte so ASan checks the range */
	c->tmp.len = 0;
	buf_add(&c->tmp, val, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_parser p;
	struct ctx c = { 0 };
	const char *s = (const char *)data, *end = s + size;
	uint64_t lineno = 0;

	perf_init(&p);
	c.p = &p;
	p.sample = on_sample;
	p.header = on_header;
	p.sideband = on_sideband;
	p.ctx = &c;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl ? nl : end) - s);
		char *line = fuzz_copy(s, n);
		const char *why = NULL;

		c.lines = ++lineno;
		if (perf_line(&p, line, n, lineno, &why) < 0) {
			FUZZ_CHECK(why != NULL && why[0] != '\0');
			log_skip(&c.log, lineno, why);
		}
		free(line);
		s += n + (nl != NULL);
	}
	perf_end(&p);
	perf_free(&p);
	{
		/* again in blocks: sizes from a small table, started by the
		 * input's size, so that blocks end anywhere in a line */
		static const size_t sizes[] = { 1, 300, 7, 4096, 65, 64, 2, 129, 1000, 33 };
		struct buf first = c.log;
		size_t at = 0, k = size % 10;

		memset(&c.log, 0, sizeof c.log);
		perf_init(&p);
		p.sample = feed_sample;
		p.sideband = feed_sideband;
		p.header = on_header;
		p.skip = feed_skip;
		p.ctx = &c;
		while (at < size) {
			size_t n = sizes[k++ % 10];
			char *blk;

			if (n > size - at)
				n = size - at;
			blk = fuzz_copy(data + at, n);
			perf_feed(&p, blk, n);
			free(blk);
			at += n;
		}
		perf_end(&p);
		FUZZ_CHECK(p.lineno == lineno);
		perf_free(&p);
		FUZZ_CHECK(fuzz_eq(first.p, first.len, c.log.p, c.log.len));
		buf_free(&first);
		buf_free(&c.log);
	}
	{
		/* the dso classifier on the raw bytes */
		char *d = fuzz_copy(data, size);

		(void)perf_dso_kind(d, size);
		free(d);
	}
	buf_free(&c.tmp);
	return 0;
}
