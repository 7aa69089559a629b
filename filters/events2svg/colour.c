/* events2svg/colour.c - flamegraph.pl's palettes, deterministic per name */
#include <stdio.h>
#include <string.h>

#include "svg.h"

/*
 * flamegraph.pl picks the palette from the frame's annotation (--colors
 * java/js: _[k] orange, _[j] green, _[i] aqua) and, by default, a random
 * shade in it, so two runs colour the same profile differently; its
 * --hash uses only the first three characters of the name. Here the shade
 * comes from a 64-bit hash of the whole name: the same name has the same
 * colour in every picture, and names that share a prefix differ.
 * User frames are coloured as flamegraph.pl's --colors=java does: red,
 * yellow for C++ names (with "::").
 */
void colour_of(const struct svg *sv, uint32_t name, unsigned cls, char out[48])
{
	const struct ient *e = &sv->names.ents[name];
	uint64_t h = fp_hash(e->key, e->len);
	double v1 = (double)(h & 0xffff) / 65535.0;
	int r, g, b;

	if ((e->len == 1 && e->key[0] == '-') || (e->len == 2 && memcmp(e->key, "--", 2) == 0)) {
		/* flamegraph.pl's separator frames: grey */
		r = g = b = e->len == 1 ? 200 : 160;
	} else if (cls == CLS_KERNEL) {	/* orange */
		r = 190 + (int)(65 * v1);
		g = 90 + (int)(65 * v1);
		b = 0;
	} else if (cls == CLS_JIT) {		/* green */
		g = 200 + (int)(55 * v1);
		r = b = 50 + (int)(60 * v1);
	} else if (cls == CLS_INLINED) {	/* aqua */
		r = 50 + (int)(60 * v1);
		g = b = 165 + (int)(55 * v1);
	} else if (memmem(e->key, e->len, "::", 2)) {	/* yellow: C++ */
		r = g = 175 + (int)(55 * v1);
		b = 50 + (int)(20 * v1);
	} else {				/* red */
		r = 200 + (int)(55 * v1);
		g = b = 50 + (int)(80 * v1);
	}
	snprintf(out, 48, "rgb(%d,%d,%d)", r, g, b);
}
