/* pbinput.c - protobuf inputs, read whole and decoded (nflxprofile) */
#include "buf.h"
#include "err.h"
#include "input.h"
#include "pbinput.h"
#include "pbwire.h"

/* The message without the fields of pb->arrays, for protobuf-c, in *kept
 * (or the message itself when it has none of them), and the number of
 * elements of each in raw->count: 0, or -1 when protobuf-c would refuse
 * one of those fields or the message's framing. */
static int split(const struct pb_input *pb, struct pb_raw *raw, struct buf *kept,
		 const uint8_t **m, size_t *mn)
{
	struct pbw r;
	struct pbw_field f;
	const uint8_t *start;
	size_t k;
	int any = 0, got;

	*m = raw->p;
	*mn = raw->n;
	if (!pb->arrays)
		return 0;
	for (k = 0; pb->arrays[k].num; k++) {
		raw->count[k] = pbw_rep_check(raw->p, raw->n, pb->arrays[k].num, pb->arrays[k].wt);
		if (raw->count[k] < 0)
			return -1;
		any |= raw->count[k] > 0;
	}
	if (!any)
		return 0;
	pbw_init(&r, raw->p, raw->n);
	for (start = r.p; (got = pbw_next_pbc(&r, &f)) > 0; start = r.p) {
		for (k = 0; pb->arrays[k].num && pb->arrays[k].num != f.num; k++)
			;
		if (!pb->arrays[k].num)
			buf_add(kept, (const char *)start, (size_t)(r.p - start));
	}
	if (got < 0)
		return -1;
	*m = (const uint8_t *)kept->p;
	*mn = kept->len;
	return 0;
}

int pb_convert(const char *path, const struct pb_input *pb, struct skips *skips, void *ctx)
{
	struct input in;
	struct pb_raw raw = { 0 };
	struct buf kept = { 0 };
	const char *d, *why;
	const uint8_t *mp;
	size_t n, mn;
	ProtobufCMessage *m = NULL;
	int bad = 1;

	if (input_open_whole(&in, path) < 0)
		return 1;
	if (input_slurp(&in, &d, &n) < 0)
		goto done;	/* reported */
	raw.p = (const uint8_t *)d;
	raw.n = n;
	if (pb->refuse && (why = pb->refuse(d, n)) != NULL)
		fp_warn("%s: %s", in.name, why);
	else if (split(pb, &raw, &kept, &mp, &mn) < 0 ||
		 !(m = protobuf_c_message_unpack(pb->desc, NULL, mn, mp)))
		fp_warn("%s: not %s (truncated or corrupt protobuf)", in.name, pb->what);
	else if ((why = pb->empty(m, &raw)) != NULL)
		fp_warn("%s: not %s (%s)", in.name, pb->what, why);
	else
		bad = pb->convert(m, &raw, in.name, ctx);
	if (m)
		protobuf_c_message_free_unpacked(m, NULL);
	buf_free(&kept);
done:
	skip_file_done(skips, in.name, "samples");
	input_close(&in);
	return bad;
}
