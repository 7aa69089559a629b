/* heatmap.h - heatmap's state, shared by its parts: cells.c (the model's
 * sink: times and cells), text.c (the words, TSV, list, JSON), svg.c and
 * term.c (pictures). One struct hm per run of cmd_heatmap(). */
#ifndef FP_HEATMAP_H
#define FP_HEATMAP_H

#include <stdint.h>

#include "../../common/buf.h"
#include "../../common/heatgrid.h"
#include "../../common/model.h"

#define NS 1000000000LL

enum hm_format { F_TSV, F_LIST, F_JSON, F_SVG, F_TERM };

struct hm {
	/* options */
	int weight, keep_idle;
	enum hm_format fmt;
	char *event;		/* only this event, or NULL */
	char *event_alloc;	/* event when heatmap chose it (-w: the first) */
	size_t event_len;	/* strlen(event) + 1, 0 until known */
	struct model md;	/* the reader: skips, file, line */
	struct hgrid g;		/* rows, column width, times seen (heatgrid.h) */
	/* Cells: column k (relative to g.anchor) is storage column k - kfirst;
	 * rows counted from the bottom. */
	int64_t kfirst;
	int64_t *cells;
	size_t ncap;
	uint64_t samples, idle, other, counted;
	/* for the titles: what was measured */
	char *ev_first;		/* the event of the first counted sample */
	size_t ev_first_len;
	int ev_many;		/* counted samples of more than one event */
	uint64_t wsum;		/* their weights (wrapping) */
	char **units;		/* E records: event, unit, event, unit, ... */
	size_t nunits, units_cap;
	char *input;		/* the #input header, else the one FILE operand */
	/* the finished map (hm_finish) */
	struct {
		int64_t origin, ncols, shift, max, total;
	} m;
	/* what the map shows, in words (hm_describe: SVG, --term, JSON) */
	struct {
		const char *event;	/* the one event of the map, or NULL (several) */
		const char *unit;	/* its E unit, or NULL */
		int64_t nspu;		/* ns per unit of its weights; 0: not a time */
		struct buf t1, t2;	/* title: what was measured; when and how */
	} v;
	/* the SVG layout, px */
	struct {
		int64_t colw, rowh, left, top, gw, gh, lx, w, h;
	} s;
	struct buf tmp;		/* scratch for labels */
	/* --merge: partial maps (merge.c) */
	struct {
		int on, n, json;	/* --merge; maps read; of JSON */
		char *file0;		/* the first map's file, for messages */
	} mg;
};

/* cells.c */
void hm_read_init(struct hm *h);	/* model_init with heatmap's sink */
void hm_free(struct hm *h);
void hm_finish(struct hm *h);
void hm_add(struct hm *h, int64_t t, int64_t v);
void hm_declare_unit(struct hm *h, struct slice event, struct slice unit);
int64_t hm_cell(const struct hm *h, int64_t c, int b);
const char *hm_unit_of(const struct hm *h, const char *event);
/* text.c */
void hm_put_secs(int64_t ns);
void hm_put_ms(int64_t ns);
void hm_add_grouped(struct buf *b, uint64_t n);
void hm_add_duration(struct buf *b, int64_t ns);
void hm_add_setting(struct buf *b, int64_t ns);
void hm_add_secs(struct buf *b, int64_t ns);
void hm_add_value(struct hm *h, struct buf *b, int64_t val);
void hm_describe(struct hm *h);
void hm_put_tsv(struct hm *h);
void hm_put_list(struct hm *h);
void hm_put_json(struct hm *h);
/* merge.c */
int hm_merge(const char *path, void *h);	/* --merge: one partial map */
void hm_merge_end(struct hm *h);
/* svg.c */
void hm_colour(const struct hm *h, int64_t val, int rgb[3]);
void hm_put_svg(struct hm *h);
/* term.c */
void hm_put_term(struct hm *h);

#endif
