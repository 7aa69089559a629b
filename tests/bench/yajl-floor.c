/* yajl-floor.c - the floor of trace2events' speed: yajl alone parsing a
 * JSON file with callbacks that do nothing, configured as common/json.c
 * configures it (numbers as text, partial values allowed, strings not
 * validated) and fed the same 64 KiB blocks from read(2). Built and run by
 * tests/bench/bench-trace.sh; not part of flamepipe.
 * usage: yajl-floor FILE     (exit 1 on a parse or read error) */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#define CHUNK (1 << 16)	/* as common/json.c */

static int on_null(void *c) { (void)c; return 1; }
static int on_bool(void *c, int b) { (void)c; (void)b; return 1; }
static int on_text(void *c, const unsigned char *s, size_t n) { (void)c; (void)s; (void)n; return 1; }
static int on_num(void *c, const char *s, size_t n) { (void)c; (void)s; (void)n; return 1; }
static int on_mark(void *c) { (void)c; return 1; }

static const yajl_callbacks cb = {
	on_null, on_bool, NULL, NULL, on_num, on_text,
	on_mark, on_text, on_mark, on_mark, on_mark,
};

int main(int argc, char **argv)
{
	static unsigned char blk[CHUNK];
	yajl_handle h = yajl_alloc(&cb, NULL, NULL);
	int fd = argc == 2 ? open(argv[1], O_RDONLY) : -1;
	ssize_t got;

	if (fd < 0 || !h) {
		fprintf(stderr, "usage: yajl-floor FILE\n");
		return 1;
	}
	yajl_config(h, yajl_allow_partial_values, 1);
	yajl_config(h, yajl_dont_validate_strings, 1);
	while ((got = read(fd, blk, sizeof blk)) > 0)
		if (yajl_parse(h, blk, (size_t)got) != yajl_status_ok)
			break;
	if (got != 0 || yajl_complete_parse(h) != yajl_status_ok) {
		fprintf(stderr, "yajl-floor: %s: parse or read error\n", argv[1]);
		return 1;
	}
	yajl_free(h);
	return 0;
}
