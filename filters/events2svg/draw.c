/* events2svg/draw.c - the SVG document: head, frames, foot */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../common/out.h"
#include "../../common/xml.h"
#include "svg.h"

void put_num(double v)
{
	char b[64];
	int n = snprintf(b, sizeof b, "%.3f", v);

	/* no trailing zeros: 12.500 -> 12.5, 3.000 -> 3 */
	while (n > 0 && b[n - 1] == '0')
		n--;
	if (n > 0 && b[n - 1] == '.')
		n--;
	out_write(b, (size_t)n);
}

void put_text(double x, double y, const char *id, const char *s)
{
	out_puts("<text id=\"");
	out_puts(id);
	if (strcmp(id, "unzoom") == 0)
		out_puts("\" class=\"hide");	/* shown when zoomed */
	out_puts("\" x=\"");
	put_num(x);
	out_puts("\" y=\"");
	put_num(y);
	out_puts("\">");
	xml_put(s, strlen(s), 0);
	out_puts("</text>\n");
}

static const char style[] =
	"<style type=\"text/css\">\n"
	"text { font-family: Verdana, sans-serif; font-size: 12px; fill: rgb(0,0,0); }\n"
	"#title { text-anchor: middle; font-size: 17px; }\n"
	"#subtitle { text-anchor: middle; fill: rgb(110,110,110); }\n"
	"#search, #matched { text-anchor: end; }\n"
	"#search, #unzoom { cursor: pointer; }\n"
	"#search:hover, #unzoom:hover { fill: rgb(0,0,180); }\n"
	"#frames > g:hover > rect { stroke: rgb(0,0,0); stroke-width: 0.5; cursor: pointer; }\n"
	"#frames text { font-size: 12px; pointer-events: none; }\n"
	".lane { font-weight: bold; }\n"
	".hide { display: none; }\n"
	".parent { opacity: 0.5; }\n"
	"</style>\n";

void draw_head(struct svg *sv, int64_t height, const char *title)
{
	static const char *cls[] = { "flame", "icicle", "chart", "flame" };
	const char *t = sv->title ? sv->title : title;

	out_puts("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		 "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" class=\"");
	out_puts(cls[sv->mode]);
	out_puts("\" width=\"");
	out_i64(sv->width);
	out_puts("\" height=\"");
	out_i64(height);
	out_puts("\" viewBox=\"0 0 ");
	out_i64(sv->width);
	out_putc(' ');
	out_i64(height);
	out_puts("\" onload=\"init(evt)\">\n"
		 "<!-- made by events2svg (flamepipe): docs/svg.md -->\n"
		 "<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
		 "<stop stop-color=\"#eeeeee\" offset=\"5%\"/><stop stop-color=\"#eeeeb0\" offset=\"95%\"/>"
		 "</linearGradient></defs>\n");
	out_puts(style);
	out_puts("<script type=\"text/ecmascript\"><![CDATA[\n");
	out_puts(svg_script);
	out_puts("]]></script>\n<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"url(#background)\"/>\n");
	put_text(sv->width / 2.0, 24, "title", t);
	if (sv->subtitle && *sv->subtitle)
		put_text(sv->width / 2.0, 24 + SVG_FONT * 2, "subtitle", sv->subtitle);
	put_text(SVG_PAD, 24, "unzoom", "Reset Zoom");
	out_puts("<text id=\"search\" x=\"");
	out_i64(sv->width - SVG_PAD);
	out_puts("\" y=\"24\">Search</text>\n");
	out_puts("<text id=\"details\" x=\"");
	out_i64(SVG_PAD);
	out_puts("\" y=\"");
	out_i64(height - 17);
	out_puts("\"> </text>\n<text id=\"matched\" x=\"");
	out_i64(sv->width - SVG_PAD);
	out_puts("\" y=\"");
	out_i64(height - 17);
	out_puts("\"> </text>\n");
}

/* "W UNIT, P%" of weight w in a total. */
static void put_weight(const struct svg *sv, int64_t w, int64_t total)
{
	char b[64];

	out_i64(w);
	out_putc(' ');
	xml_put(sv->unit, strlen(sv->unit), 0);
	snprintf(b, sizeof b, ", %.2f%%", total > 0 ? 100.0 * (double)w / (double)total : 0.0);
	out_puts(b);
}

/* The frame's tooltip: "name (W UNIT, P%)"; a diff's gives both sides and
 * the change of share in percentage points. */
static void put_title(const struct svg *sv, uint32_t id)
{
	const struct tnode *t = &sv->t.n[id];
	const struct ient *e = &sv->t.names.ents[t->name];

	out_puts("<g><title>");
	xml_put(e->key, e->len, 0);
	out_puts(" (");
	if (sv->mode == SVG_DIFF) {
		char b[64];
		double p0 = sv->total[0] > 0 ? 100.0 * (double)t->w[0] / (double)sv->total[0] : 0;
		double p1 = sv->total[1] > 0 ? 100.0 * (double)t->w[1] / (double)sv->total[1] : 0;

		out_puts("before ");
		put_weight(sv, t->w[0], sv->total[0]);
		out_puts("; after ");
		put_weight(sv, t->w[1], sv->total[1]);
		snprintf(b, sizeof b, "; %+.2f points", p1 - p0);
		out_puts(b);
	} else {
		put_weight(sv, t->w[0], sv->total[0]);
	}
	out_puts(")</title>");
}

void draw_box(struct svg *sv, double x, double y, double w, uint32_t name, const char *fill)
{
	const struct ient *e = &sv->t.names.ents[name];
	double chars = (w - 3) / (SVG_FONT * 0.59);

	out_puts("<rect x=\"");
	put_num(x);
	out_puts("\" y=\"");
	put_num(y);
	out_puts("\" width=\"");
	put_num(w);
	out_puts("\" height=\"");
	out_i64(SVG_FRAME_H - 1);
	out_puts("\" fill=\"");
	out_puts(fill);
	out_puts("\" rx=\"2\" ry=\"2\"/><text x=\"");
	put_num(x + 3);
	out_puts("\" y=\"");
	put_num(y + 10.5);
	out_puts("\">");
	if (chars >= 3)
		xml_put(e->key, e->len, (size_t)chars);
	out_puts("</text></g>\n");
}

void draw_frame(struct svg *sv, double x, double y, double w, uint32_t id, const char *fill)
{
	put_title(sv, id);
	draw_box(sv, x, y, w, sv->t.n[id].name, fill);
}

/* What --minwidth left out, and the end of the document. */
void draw_foot(struct svg *sv)
{
	out_puts("</g>\n");
	if (sv->hidden > 0) {
		char b[200];
		int n = snprintf(b, sizeof b, "%" PRIu64 " frame%s narrower than %g px not drawn: ",
				 sv->hidden, sv->hidden == 1 ? "" : "s", sv->minwidth);
		int64_t room = sv->width - 2 * SVG_PAD;

		if (sv->mode == SVG_CHART)
			b[n - 2] = 0;	/* frames nest: their times do not add up */
		else if (sv->mode == SVG_DIFF)
			snprintf(b + n, sizeof b - (size_t)n, "%.2f%% of the picture", 100.0 * sv->hidden_share);
		else
			snprintf(b + n, sizeof b - (size_t)n, "%" PRId64 " %s, %.2f%%", sv->hidden_w, sv->unit,
				 sv->total[0] > 0 ? 100.0 * (double)sv->hidden_w / (double)sv->total[0] : 0.0);
		out_puts("<text id=\"hidden\" x=\"");
		out_i64(SVG_PAD);
		out_puts("\" y=\"");
		out_i64(sv->height - 3);
		if ((double)xml_chars(b, strlen(b)) * SVG_FONT * 0.59 > (double)room) {
			/* smaller in a narrow picture rather than cut */
			char fs[64];

			snprintf(fs, sizeof fs, "\" style=\"font-size: %.1fpx",
				 (double)room / ((double)xml_chars(b, strlen(b)) * 0.59));
			out_puts(fs);
		}
		out_puts("\">");
		xml_put(b, strlen(b), 0);
		out_puts("</text>\n");
	}
	out_puts("</svg>\n");
}
