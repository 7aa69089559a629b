/* heatmap/text.c - the map in words and numbers: titles, TSV, list, JSON */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../common/events.h"
#include "../../common/out.h"
#include "../../common/timespec.h"
#include "../../common/timeunit.h"
#include "heatmap.h"

void hm_put_secs(int64_t ns)
{
	char buf[32];

	out_write(buf, timespec_format(buf, ns));
}

/* ns as milliseconds, shortest exact decimal */
void hm_put_ms(int64_t ns)
{
	hm_put_secs(ns * 1000);
}

static void put_summary(struct hm *h)
{
	out_puts("# heatmap: rows=");
	out_i64(h->g.rows);
	out_puts(" column=");
	hm_put_secs(h->g.width);
	out_puts("s origin=");
	if (h->g.have_time)
		ev_put_time(h->m.origin);
	else
		out_putc('-');
	out_puts(" columns=");
	out_i64(h->m.ncols);
	out_puts(" maxvalue=");
	out_i64(h->m.max);
	out_puts(" total=");
	out_i64(h->m.total);
	out_puts(h->weight ? " value=weight" : " value=samples");
	out_puts(" event=");
	out_puts(h->event ? h->event : "*");
	out_puts(" idle=");
	out_u64(h->idle);
	out_puts(h->keep_idle ? " (kept)\n" : " (excluded)\n");
}

void hm_put_tsv(struct hm *h)
{
	int64_t c;
	int b;

	put_summary(h);
	out_puts("ms");
	for (c = 0; c < h->m.ncols; c++) {
		out_putc('\t');
		out_i64(c);
	}
	out_putc('\n');
	for (b = h->g.rows - 1; b >= 0; b--) {
		hm_put_ms(hgrid_edge(&h->g, b));
		for (c = 0; c < h->m.ncols; c++) {
			out_putc('\t');
			out_i64(hm_cell(h, c, b));
		}
		out_putc('\n');
	}
}

void hm_put_list(struct hm *h)
{
	int64_t c;
	int b;

	put_summary(h);
	out_puts("# col\trow\trow_ms\tvalue\tstart\tend\n");
	for (c = 0; c < h->m.ncols; c++)
		for (b = h->g.rows - 1; b >= 0; b--) {
			int64_t v = hm_cell(h, c, b);

			if (v == 0)
				continue;
			out_i64(c);
			out_putc('\t');
			out_i64(h->g.rows - 1 - b);
			out_putc('\t');
			hm_put_ms(hgrid_edge(&h->g, b));
			out_putc('\t');
			out_i64(v);
			out_putc('\t');
			hm_put_secs(c * h->g.width + hgrid_edge(&h->g, b));
			out_putc('\t');
			hm_put_secs(c * h->g.width + hgrid_edge(&h->g, b + 1));
			out_putc('\n');
		}
}

/* n with thousands separators: 12,345 */
void hm_add_grouped(struct buf *b, uint64_t n)
{
	char d[24];
	int k = snprintf(d, sizeof d, "%" PRIu64, n), i;

	for (i = 0; i < k; i++) {
		if (i > 0 && (k - i) % 3 == 0)
			buf_addc(b, ',');
		buf_addc(b, d[i]);
	}
}

static void add_i64(struct buf *b, int64_t n)
{
	if (n < 0) {
		buf_addc(b, '-');
		hm_add_grouped(b, (uint64_t)0 - (uint64_t)n);
	} else {
		hm_add_grouped(b, (uint64_t)n);
	}
}

void hm_add_duration(struct buf *b, int64_t ns)
{
	char t[32];

	buf_add(b, t, timeunit_format(t, ns));
}

/* A setting such as 1 s or 20 ms: exact when a unit divides it. */
void hm_add_setting(struct buf *b, int64_t ns)
{
	static const struct { int64_t div; const char *name; } u[] = {
		{ 1000000000, " s" }, { 1000000, " ms" }, { 1000, " \xc2\xb5s" }, { 1, " ns" },
	};
	size_t i;

	for (i = 0; i < 4; i++)
		if (ns >= u[i].div && ns % u[i].div == 0) {
			add_i64(b, ns / u[i].div);
			buf_adds(b, u[i].name);
			return;
		}
	hm_add_duration(b, ns);
}

void hm_add_secs(struct buf *b, int64_t ns)
{
	char t[32];

	buf_add(b, t, timespec_format(t, ns));
}

/* A cell value for people: "8 samples", "12.3 ms", "4,096 bytes". */
void hm_add_value(struct hm *h, struct buf *b, int64_t val)
{
	if (h->weight && h->v.nspu) {
		hm_add_duration(b, timeunit_to_ns(val, h->v.nspu));
		return;
	}
	add_i64(b, val);
	if (!h->weight)
		buf_adds(b, val == 1 ? " sample" : " samples");
	else if (h->v.unit && (strcmp(h->v.unit, "bytes") == 0 || strcmp(h->v.unit, "samples") == 0)) {
		buf_addc(b, ' ');
		buf_adds(b, h->v.unit);
	}
}

void hm_describe(struct hm *h)
{
	h->v.event = h->event ? h->event : h->ev_many ? NULL : h->ev_first;
	h->v.unit = h->v.event ? hm_unit_of(h, h->v.event) : NULL;
	h->v.nspu = h->v.unit ? timeunit_ns(ev_str(h->v.event), ev_str(h->v.unit)) : 0;
	/* line 1: INPUT: 3.45 s of cpu-clock in 3,452 samples, max 12.3 ms per cell */
	if (h->input) {
		buf_adds(&h->v.t1, h->input);
		buf_adds(&h->v.t1, ": ");
	}
	if (h->weight) {
		hm_add_value(h, &h->v.t1, h->m.total);
		buf_adds(&h->v.t1, " of ");
		buf_adds(&h->v.t1, h->v.event ? h->v.event : "?");
		buf_adds(&h->v.t1, " in ");
		hm_add_grouped(&h->v.t1, h->counted);
		buf_adds(&h->v.t1, h->counted == 1 ? " sample" : " samples");
	} else {
		hm_add_grouped(&h->v.t1, h->counted);
		buf_adds(&h->v.t1, h->counted == 1 ? " sample of " : " samples of ");
		buf_adds(&h->v.t1, h->v.event ? h->v.event : "all events");
		if (h->v.nspu) {	/* what they stand for: cpu-clock's ns */
			buf_adds(&h->v.t1, " (");
			hm_add_duration(&h->v.t1, timeunit_to_ns((int64_t)h->wsum, h->v.nspu));
			buf_addc(&h->v.t1, ')');
		}
	}
	buf_adds(&h->v.t1, ", max ");
	hm_add_value(h, &h->v.t1, h->m.max);
	buf_adds(&h->v.t1, " per cell");
	/* line 2: 5000.37 s to 5004.369 s (4.00 s); columns of 1 s, 50 rows of 20.0 ms ... */
	if (h->g.have_time) {
		hm_add_secs(&h->v.t2, h->g.tmin);
		buf_adds(&h->v.t2, " s to ");
		hm_add_secs(&h->v.t2, h->g.tmax);
		buf_adds(&h->v.t2, " s (");
		hm_add_duration(&h->v.t2, h->g.tmax - h->g.tmin);
		buf_adds(&h->v.t2, "); ");
	}
	buf_adds(&h->v.t2, "columns of ");
	hm_add_setting(&h->v.t2, h->g.width);
	buf_adds(&h->v.t2, ", ");
	add_i64(&h->v.t2, h->g.rows);
	buf_adds(&h->v.t2, " rows of ");
	hm_add_setting(&h->v.t2, h->g.width / h->g.rows);
	buf_adds(&h->v.t2, ", time runs up; idle samples ");
	if (h->keep_idle) {
		buf_adds(&h->v.t2, "kept");
	} else {
		buf_adds(&h->v.t2, "left out (");
		hm_add_grouped(&h->v.t2, h->idle);
		buf_addc(&h->v.t2, ')');
	}
}

static void put_json_string(const char *s, size_t n)
{
	size_t i;

	out_putc('"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out_putc('\\');
			out_putc((char)c);
		} else if (c < 0x20) {
			char e[8];

			snprintf(e, sizeof e, "\\u%04x", c);
			out_puts(e);
		} else {
			out_putc((char)c);
		}
	}
	out_putc('"');
}

void hm_put_json(struct hm *h)
{
	int64_t c;
	int b;

	out_puts("{\"rows\":[");
	for (b = h->g.rows - 1; b >= 0; b--) {
		hm_put_ms(hgrid_edge(&h->g, b));
		if (b)
			out_putc(',');
	}
	out_puts("],\"columns\":[");
	for (c = 0; c < h->m.ncols; c++) {
		if (c)
			out_putc(',');
		out_i64(c);
	}
	out_puts("],\"values\":[");
	for (c = 0; c < h->m.ncols; c++) {
		out_puts(c ? ",[" : "[");
		for (b = h->g.rows - 1; b >= 0; b--) {
			out_i64(hm_cell(h, c, b));
			if (b)
				out_putc(',');
		}
		out_putc(']');
	}
	out_puts("],\"maxvalue\":");
	out_i64(h->m.max);
	out_puts(",\"origin\":\"");
	if (h->g.have_time)
		ev_put_time(h->m.origin);
	out_puts("\",\"column_ns\":");
	out_i64(h->g.width);
	out_puts(",\"total\":");
	out_i64(h->m.total);
	out_puts(",\"value\":");
	out_puts(h->weight ? "\"weight\"" : "\"samples\"");
	out_puts(",\"event\":");
	if (h->v.event)
		put_json_string(h->v.event, strlen(h->v.event));
	else
		out_puts("null");
	out_puts(",\"unit\":");
	if (h->v.unit)
		put_json_string(h->v.unit, strlen(h->v.unit));
	else
		out_puts("null");
	out_puts(",\"value_ns\":");	/* ns per value unit when values are times */
	out_i64(h->weight ? h->v.nspu : 0);
	out_puts(",\"title\":[");
	put_json_string(h->v.t1.p, h->v.t1.len);
	out_putc(',');
	put_json_string(h->v.t2.p, h->v.t2.len);
	/* what the titles are made of, for heatmap --merge */
	out_puts("],\"first\":\"");
	if (h->g.have_time)
		ev_put_time(h->g.tmin);
	out_puts("\",\"last\":\"");
	if (h->g.have_time)
		ev_put_time(h->g.tmax);
	out_puts("\",\"counted\":");
	out_u64(h->counted);
	out_puts(",\"weights\":");
	out_u64(h->wsum);
	out_puts(",\"idle\":");
	out_u64(h->idle);
	out_puts(h->keep_idle ? ",\"idle_kept\":true" : ",\"idle_kept\":false");
	out_puts(",\"input\":");
	if (h->input)
		put_json_string(h->input, strlen(h->input));
	else
		out_puts("null");
	out_puts("}\n");
}

