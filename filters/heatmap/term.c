/* heatmap/term.c - the map for a terminal: two rows per line, 24-bit colour */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../common/out.h"
#include "../../common/timespec.h"
#include "heatmap.h"

static void put_term_colour(struct hm *h, int fg, int64_t val)
{
	int rgb[3];

	hm_colour(h, val, rgb);
	out_puts(fg ? "\033[38;2;" : "\033[48;2;");
	out_i64(rgb[0]);
	out_putc(';');
	out_i64(rgb[1]);
	out_putc(';');
	out_i64(rgb[2]);
	out_putc('m');
}

/* The label of the line holding rows b and b-1: the lower edge of a row
 * that starts a fifth of the column (the lower row if it does), else blanks. */
static void put_term_label(struct hm *h, int b, int width)
{
	int lstep = h->g.rows / 5 > 0 ? h->g.rows / 5 : 1, r = -1, n = 0;
	char t[48];

	if (b > 0 && (b - 1) % lstep == 0)
		r = b - 1;	/* the line's lower edge */
	else if (b % lstep == 0)
		r = b;
	if (r >= 0) {
		n = (int)timespec_format(t, hgrid_edge(&h->g, r) * 1000);
		memcpy(t + n, " ms", 4);
		n += 3;
	}
	out_write("                                        ", (size_t)(width - n > 0 ? width - n : 0));
	if (n)
		out_write(t, (size_t)n);
	out_putc(' ');
}

/* A legend line: 0, ten shades, the maximum. */
static void put_term_legend(struct hm *h, int width)
{
	int i;

	out_write("                                        ", (size_t)(width > 6 ? width - 6 : 0));
	out_puts("scale 0 ");
	for (i = 0; i <= 10; i++) {
		int64_t val = h->m.max / 10 * i + h->m.max % 10 * i / 10;	/* no overflow */

		put_term_colour(h, 1, i == 0 ? 0 : val > 0 ? val : 1);
		out_puts("\xe2\x96\x88");
	}
	out_puts("\033[0m ");
	h->tmp.len = 0;
	hm_add_value(h, &h->tmp, h->m.max);
	out_write(h->tmp.p, h->tmp.len);
	out_puts(" per cell (a character is one column, two rows)\n");
}

/* A title line for a terminal: no control characters from user text. */
static void put_plain(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out_putc((unsigned char)p[i] < 0x20 || p[i] == 0x7f ? '?' : p[i]);
	out_putc('\n');
}

/* Two rows per line: the upper half block in the foreground colour. */
void hm_put_term(struct hm *h)
{
	enum { BAND = 100 };
	char t[48];
	int64_t c0, c;
	int b, width = (int)timespec_format(t, h->g.width * 1000) + 3;

	put_plain(h->v.t1.p, h->v.t1.len);
	put_plain(h->v.t2.p, h->v.t2.len);
	for (c0 = 0; c0 < h->m.ncols; c0 += BAND) {
		int64_t c1 = c0 + BAND < h->m.ncols ? c0 + BAND : h->m.ncols;

		for (b = h->g.rows - 1; b >= 0; b -= 2) {
			put_term_label(h, b, width);
			for (c = c0; c < c1; c++) {
				put_term_colour(h, 1, hm_cell(h, c, b));
				if (b > 0)
					put_term_colour(h, 0, hm_cell(h, c, b - 1));
				out_puts(b > 0 ? "\xe2\x96\x80" : "\033[49m\xe2\x96\x80");
			}
			out_puts("\033[0m\n");
		}
		out_write("                                        ", (size_t)width + 1);
		for (c = c0; c < c1; c += 10) {
			char buf[24];
			int n = snprintf(buf, sizeof buf, "%-10" PRId64, c);

			out_write(buf, (size_t)(c1 - c < n ? c1 - c : n));
		}
		if (h->g.width == NS) {
			out_puts(" s\n");
		} else {
			h->tmp.len = 0;
			buf_adds(&h->tmp, " columns of ");
			hm_add_setting(&h->tmp, h->g.width);
			buf_addc(&h->tmp, '\n');
			out_write(h->tmp.p, h->tmp.len);
		}
	}
	put_term_legend(h, width);
}

