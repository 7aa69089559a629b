/* perf2events - convert `perf script` text to the flamepipe events format */
#include <string.h>

#include "../common/cli.h"
#include "../common/err.h"
#include "../common/events.h"
#include "../common/input.h"
#include "../common/intern.h"
#include "../common/out.h"
#include "../common/perfscript.h"
#include "../common/skip.h"

static const struct cli_info info = {
	"perf2events",
	"perf2events [-adq] [--strict] [FILE ...]",
	"Convert `perf script` text (plain, gzip or zstd) to a flamepipe events\n"
	"stream (events(5)) on standard output. FILE - or no FILE reads stdin.\n"
	"\n"
	"  -a, --addrs     give every frame its address (addr=); unknown frames always have it\n"
	"  -d, --dso       give every frame its dso (dso=); unknown frames always have it\n"
	"      --strict    stop at the first line that is not perf script output\n"
	"  -q, --quiet     no progress line on a terminal\n"
	"      --help      show this help and exit\n"
	"      --version   show the version and exit\n",
};

static struct {
	int addrs, dso;
	struct skips skips;
	struct intern events;	/* event name -> aux: 1 period, 2 no period, 3 warned */
	uint64_t samples;
} opt;

static void put_text(const char *text, struct ptext t)
{
	ev_put_field(text + t.off, t.len);
}

static struct slice sl(const char *text, struct ptext t)
{
	struct slice s = { text + t.off, t.len };

	return s;
}

static void declare_event(const struct perf_sample *s, const char *text, const char *file)
{
	int added;
	size_t i = intern_get(&opt.events, text + s->event.off, s->event.len, &added);
	struct ient *e = &opt.events.ents[i];
	int has_period = s->period >= 0;

	if (added) {
		e->aux = has_period ? 1 : 2;
		out_puts("E\t-\t");
		put_text(text, s->event);
		out_puts(has_period ? "\tperiod\n" : "\tsamples\n");
	} else if (e->aux != 3 && (e->aux == 1) != has_period) {
		fp_warn("%s:%llu: event %.*s: samples with and without a period; "
			"those without count 1", file, (unsigned long long)s->lineno,
			(int)s->event.len, text + s->event.off);
		e->aux = 3;
	}
}

static void sample(const struct perf_sample *s, const char *text, void *ctx)
{
	size_t i;

	declare_event(s, text, ctx);
	ev_put_head('S', s->time, sl(text, s->pid), sl(text, s->tid), s->cpu,
		    sl(text, s->comm), sl(text, s->event), s->period >= 0 ? s->period : 1);
	for (i = s->nframes; i-- > 0;) {
		const struct perf_frame *pf = &s->frames[i];
		int unknown = (pf->kind & EVK_UNKNOWN) != 0;
		struct ev_frame_out f = { 0 };

		f.name = sl(text, pf->sym);
		f.kind = pf->kind;
		if (unknown || opt.dso)
			f.dso = sl(text, pf->dso);
		if (unknown || opt.addrs)
			f.addr = sl(text, pf->ip);
		f.file = sl(text, pf->file);
		if (pf->line.len) {
			int64_t line;

			if (ev_parse_i64(text + pf->line.off, pf->line.len, &line) == 0)
				f.line = line;
		}
		ev_put_frame(&f);
		if (i > 0)
			out_putc(';');
	}
	out_putc('\n');
	opt.samples++;
}

static void header(const char *key, const char *val, size_t len, void *ctx)
{
	(void)ctx;
	while (len > 0 && (val[len - 1] == ' ' || val[len - 1] == '\r'))
		len--;
	out_putc('#');
	out_puts(key);
	out_putc(' ');
	ev_put_escaped(val, len);
	out_putc('\n');
}

static int convert(const char *path, void *ctx)
{
	struct input in;
	struct perf_parser p;
	char *line;
	size_t len;
	int r;

	(void)ctx;
	if (input_open(&in, path) < 0)
		return 1;
	out_puts("#input ");
	ev_put_escaped(in.name, strlen(in.name));
	out_putc('\n');
	perf_init(&p);
	p.sample = sample;
	p.header = header;
	p.ctx = (void *)in.name;
	while ((r = input_getline(&in, &line, &len)) > 0) {
		const char *why;

		if (perf_line(&p, line, len, in.lineno, &why) < 0)
			skip_record(&opt.skips, in.name, in.lineno, why);
	}
	perf_end(&p);	/* the last sample counts even without a final blank line */
	perf_free(&p);
	skip_file_done(&opt.skips, in.name, "lines");
	input_close(&in);
	return r < 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "addrs", no_argument, NULL, 'a' },
		{ "dso", no_argument, NULL, 'd' },
		{ "strict", no_argument, NULL, 's' },
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, status;

	cli_init(&info);
	while ((c = getopt_long(argc, argv, "adq", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': opt.addrs = 1; break;
		case 'd': opt.dso = 1; break;
		case 's': opt.skips.strict = 1; break;
		default: cli_common(&info, c);
		}
	}
	ev_put_magic();
	out_puts("#source perf-script\n#clock perf\n");
	status = cli_each_input(argc - optind, argv + optind, convert, NULL);
	out_close();
	return status;
}
