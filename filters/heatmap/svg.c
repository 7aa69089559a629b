/* heatmap/svg.c - the map as an SVG picture, a timeslice command per cell */
#include <inttypes.h>
#include <string.h>

#include "../../common/events.h"
#include "../../common/out.h"
#include "../../common/timespec.h"
#include "../../common/timeunit.h"
#include "heatmap.h"

/* FlameScope's scale (d3 linear, domain [0, max/2, max]):
 * #FFFFFF -> #FF5032 -> #E50914. Colour is not time: doubles are fine. */
void hm_colour(const struct hm *h, int64_t val, int rgb[3])
{
	static const int stops[3][3] = { { 255, 255, 255 }, { 255, 80, 50 }, { 229, 9, 20 } };
	double t = h->m.max > 0 && val > 0 ? (double)val / (double)h->m.max : 0;
	int lo = t <= 0.5 ? 0 : 1, i;
	double f = t <= 0.5 ? t * 2 : (t - 0.5) * 2;

	if (f > 1)
		f = 1;
	for (i = 0; i < 3; i++)
		rgb[i] = (int)(stops[lo][i] + (stops[lo + 1][i] - stops[lo][i]) * f + 0.5);
}

static void put_hex(int rgb[3])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	out_putc('#');
	for (i = 0; i < 3; i++) {
		out_putc(hex[rgb[i] >> 4]);
		out_putc(hex[rgb[i] & 15]);
	}
}

/* User text (input name, event) in XML. */
static void put_xml_n(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': out_puts("&lt;"); break;
		case '>': out_puts("&gt;"); break;
		case '&': out_puts("&amp;"); break;
		case '"': out_puts("&quot;"); break;
		default:
			/* XML 1.0 has no control characters but TAB, LF, CR */
			out_putc((unsigned char)s[i] < 0x20 ? '?' : s[i]);
		}
	}
}

static void put_xml(const char *s)
{
	put_xml_n(s, strlen(s));
}

static void put_svg_text(int64_t x, int64_t y, const char *attrs, const char *s, size_t n)
{
	out_puts("<text x=\"");
	out_i64(x);
	out_puts("\" y=\"");
	out_i64(y);
	out_puts("\" ");
	out_puts(attrs);
	out_putc('>');
	put_xml_n(s, n);
	out_puts("</text>\n");
}

/* Text widths in px, estimated high (Verdana: digits 0.64 em, most
 * letters less), so labels placed by them do not touch. */
#define TEXT_W(chars, size) ((int64_t)(chars) * (size) * 64 / 100 + 1)

static void svg_layout(struct hm *h, size_t label_chars, size_t legend_chars)
{
	int64_t title_w;

	h->s.colw = h->m.ncols > 0 ? 1200 / h->m.ncols : 40;	/* the grid about 1200 px wide */
	h->s.colw = h->s.colw < 4 ? 4 : h->s.colw > 64 ? 64 : h->s.colw;
	h->s.rowh = 400 / h->g.rows;				/* and 400 px high */
	h->s.rowh = h->s.rowh < 2 ? 2 : h->s.rowh > 16 ? 16 : h->s.rowh;
	h->s.left = 16 + TEXT_W(label_chars, 11) + 6;
	h->s.top = 58;
	h->s.gw = h->m.ncols * h->s.colw;
	h->s.gh = (int64_t)h->g.rows * h->s.rowh;
	h->s.lx = h->s.left + h->s.gw + 24;			/* the legend */
	h->s.w = h->s.lx + 14 + 6 + TEXT_W(legend_chars, 11) + 16;
	title_w = 16 + TEXT_W(h->v.t1.len > h->v.t2.len * 11 / 14 ? h->v.t1.len : h->v.t2.len * 11 / 14, 14) + 16;
	if (h->s.w < title_w)
		h->s.w = title_w;
	h->s.h = h->s.top + (h->s.gh > 120 ? h->s.gh : 120) + 44;
}

/* Row labels: lower edges in ms, about every fifth of the column and at
 * least 14 px apart. */
static void svg_rows(struct hm *h)
{
	int lstep = h->g.rows / 5 > 0 ? h->g.rows / 5 : 1, b;
	char ms[40];

	while (lstep * h->s.rowh < 14)
		lstep++;
	for (b = 0; b <= h->g.rows; b += lstep) {
		size_t n = timespec_format(ms, (b == h->g.rows ? h->g.width : hgrid_edge(&h->g, b)) * 1000);

		memcpy(ms + n, " ms", 4);
		put_svg_text(h->s.left - 6, h->s.top + (h->g.rows - b) * h->s.rowh + 4, "text-anchor=\"end\"", ms,
			     n + 3);
		if (b + lstep > h->g.rows && b != h->g.rows)
			b = h->g.rows - lstep;	/* the top edge too */
	}
}

/* Column labels: seconds from the origin, thinned so they do not touch. */
static void svg_columns(struct hm *h)
{
	static const int64_t nice[] = { 1, 2, 5 };
	char t[40];
	int64_t step = 1, mult = 1, c, widest;
	int i = 0;

	widest = TEXT_W(timespec_format(t, (h->m.ncols - 1) * h->g.width), 11) + 8;
	while (step * h->s.colw < widest) {
		if (++i == 3) {
			i = 0;
			mult *= 10;
		}
		step = nice[i] * mult;
	}
	for (c = 0; c < h->m.ncols; c += step) {
		size_t n = timespec_format(t, c * h->g.width);

		put_svg_text(h->s.left + c * h->s.colw + h->s.colw / 2, h->s.top + h->s.gh + 14,
			     "class=\"x\" text-anchor=\"middle\"", t, n);
	}
	h->tmp.len = 0;
	buf_adds(&h->tmp, "seconds from ");
	if (h->g.have_time)
		hm_add_secs(&h->tmp, h->m.origin);
	buf_adds(&h->tmp, " (a cell's tooltip: its timeslice command)");
	put_svg_text(h->s.left, h->s.top + h->s.gh + 32, "class=\"caption\"", h->tmp.p, h->tmp.len);
}

/* The colour scale, a vertical bar right of the grid: 0 at the bottom. */
static void svg_legend(struct hm *h)
{
	int64_t bh = h->s.gh > 240 ? 240 : h->s.gh, y0 = h->s.top;

	if (bh < 120)
		bh = 120;
	out_puts("<defs><linearGradient id=\"scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
		 "<stop offset=\"0\" stop-color=\"#ffffff\"/>"
		 "<stop offset=\"0.5\" stop-color=\"#ff5032\"/>"
		 "<stop offset=\"1\" stop-color=\"#e50914\"/></linearGradient></defs>\n<rect x=\"");
	out_i64(h->s.lx);
	out_puts("\" y=\"");
	out_i64(y0);
	out_puts("\" width=\"14\" height=\"");
	out_i64(bh);
	out_puts("\" fill=\"url(#scale)\" stroke=\"#cccccc\"/>\n");
	h->tmp.len = 0;
	hm_add_value(h, &h->tmp, h->m.max);
	put_svg_text(h->s.lx + 20, y0 + 8, "class=\"legend\"", h->tmp.p, h->tmp.len);
	h->tmp.len = 0;
	if (h->weight && h->v.nspu)
		hm_add_duration(&h->tmp, timeunit_to_ns(h->m.max, h->v.nspu) / 2);
	else if (h->m.max % 2 == 0)
		hm_add_value(h, &h->tmp, h->m.max / 2);
	if (h->tmp.len && h->m.max > 1)	/* the middle of the scale, #ff5032 */
		put_svg_text(h->s.lx + 20, y0 + bh / 2 + 4, "class=\"legend\"", h->tmp.p, h->tmp.len);
	put_svg_text(h->s.lx + 20, y0 + bh, "class=\"legend\"", "0", 1);
	put_svg_text(h->s.lx, y0 + bh + 16, "class=\"legend\"", "per cell", 8);
}

/* "<rect x=.. y=.. width=.. height=..": the attributes that follow and
 * the end of the element are the caller's. */
static void put_rect(int64_t x, int64_t y, int64_t w, int64_t ht)
{
	int64_t v[4] = { x, y, w, ht };
	static const char *const name[4] = {
		"<rect x=\"", "\" y=\"", "\" width=\"", "\" height=\""
	};
	int i;

	for (i = 0; i < 4; i++) {
		out_puts(name[i]);
		out_i64(v[i]);
	}
	out_putc('"');
}

static void svg_cell(struct hm *h, int64_t c, int b, int64_t val)
{
	int64_t t0 = c * h->g.width + hgrid_edge(&h->g, b), t1 = c * h->g.width + hgrid_edge(&h->g, b + 1);
	int rgb[3];

	hm_colour(h, val, rgb);
	put_rect(h->s.left + c * h->s.colw, h->s.top + (int64_t)(h->g.rows - 1 - b) * h->s.rowh,
		 h->s.colw, h->s.rowh);
	out_puts(" fill=\"");
	put_hex(rgb);
	out_puts("\"><title>column ");
	out_i64(c);
	out_puts(", ");
	hm_put_ms(hgrid_edge(&h->g, b));
	out_puts("-");
	hm_put_ms(hgrid_edge(&h->g, b + 1));
	out_puts(" ms: ");
	h->tmp.len = 0;
	hm_add_value(h, &h->tmp, val);
	put_xml_n(h->tmp.p, h->tmp.len);
	out_puts("\nabsolute ");
	ev_put_time(h->m.origin + t0);
	out_puts(" to ");
	ev_put_time(h->m.origin + t1);
	out_puts("\ntimeslice -f");
	if (!h->keep_idle)
		out_puts(" --no-idle");
	if (h->event) {
		out_puts(" -e ");
		put_xml(h->event);
	}
	out_putc(' ');
	hm_put_secs(t0);
	out_putc(' ');
	hm_put_secs(t1);
	out_puts("</title></rect>\n");
}

void hm_put_svg(struct hm *h)
{
	char ms[40];
	int64_t c;
	int b;
	size_t label = timespec_format(ms, h->g.width * 1000) + 3, legend;

	h->tmp.len = 0;
	hm_add_value(h, &h->tmp, h->m.max);
	legend = h->tmp.len > 8 ? h->tmp.len : 8;
	svg_layout(h, label, legend);
	out_puts("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
	out_i64(h->s.w);
	out_puts("\" height=\"");
	out_i64(h->s.h);
	out_puts("\" font-family=\"Verdana, sans-serif\" font-size=\"11\">\n"
		 "<rect width=\"100%\" height=\"100%\" fill=\"#f8f8f8\"/>\n");
	put_svg_text(16, 20, "class=\"title\" font-size=\"14\"", h->v.t1.p, h->v.t1.len);
	put_svg_text(16, 38, "class=\"subtitle\" fill=\"#444444\"", h->v.t2.p, h->v.t2.len);
	put_rect(h->s.left, h->s.top, h->s.gw, h->s.gh);
	out_puts(" fill=\"#ffffff\" stroke=\"#cccccc\"/>\n");
	svg_rows(h);
	svg_columns(h);
	svg_legend(h);
	for (c = 0; c < h->m.ncols; c++)
		for (b = 0; b < h->g.rows; b++) {
			int64_t val = hm_cell(h, c, b);

			if (val != 0)
				svg_cell(h, c, b, val);
		}
	out_puts("</svg>\n");
}

