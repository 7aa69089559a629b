/* pbinput.c - protobuf inputs, read and decoded whole (pprof, nflxprofile) */
#include "err.h"
#include "input.h"
#include "pbinput.h"

int pb_convert(const char *path, const struct pb_input *pb, struct skips *skips, void *ctx)
{
	struct input in;
	const char *d, *why;
	size_t n;
	ProtobufCMessage *m = NULL;
	int bad = 1;

	if (input_open(&in, path) < 0)
		return 1;
	if (input_slurp(&in, &d, &n) < 0)
		;	/* reported */
	else if (pb->refuse && (why = pb->refuse(d, n)) != NULL)
		fp_warn("%s: %s", in.name, why);
	else if (!(m = protobuf_c_message_unpack(pb->desc, NULL, n, (const uint8_t *)d)))
		fp_warn("%s: not %s (truncated or corrupt protobuf)", in.name, pb->what);
	else if ((why = pb->empty(m)) != NULL)
		fp_warn("%s: not %s (%s)", in.name, pb->what, why);
	else
		bad = pb->convert(m, in.name, ctx);
	if (m)
		protobuf_c_message_free_unpacked(m, NULL);
	skip_file_done(skips, in.name, "samples");
	input_close(&in);
	return bad;
}
