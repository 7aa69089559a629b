/* folded.c - fuzz folded2events in-process (filters/folded2events.c)
 *
 * The filter's program logic, cmd_folded2events() (filters/cmds.h, linked
 * from the filter's objects built with -DFP_NO_MAIN), runs on each input
 * (a memfd opened through /proc/self/fd/N; see filter.h). The
 * first input byte picks the options: bit 0 --comm, bit 1 --diff, bit 2
 * --decimals 2. Properties:
 *  - the filter never exits inside cmd_folded2events();
 *  - no state survives a call: a second run on the same input gives the
 *    same status, output and messages (filter.h's check_again);
 *  - no output at all, with status 1, when the input is another format;
 *    otherwise a valid events stream (filter.h: the magic line first,
 *    every line parses, exact field counts, no control bytes);
 *  - only S and E records; S records are untimed, without pid, tid or cpu,
 *    their weights are not negative (and not 0 with --diff);
 *  - at most one S record per input line (two with --diff);
 *  - weights are conserved: without --diff and --decimals, for UTF-8
 *    input, the S weights add up to the counts of the lines a plain
 *    reference reader accepts (here: the last token, digits with an
 *    optional fraction of zeros, after a space or TAB that is not the
 *    first byte, the line not blank and not a '#' comment; input that
 *    starts like gzip or zstd is left out: it is decompressed);
 *  - every stderr line starts with "folded2events: ".
 */
#include "fuzz.h"

#include "../../filters/cmds.h"

#define PROG "folded2events"

#include "filter.h"

static unsigned __int128 out_sum;
static size_t out_records;
static int diff;	/* --diff given */

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	switch (r->type) {
	case 0: case 'E':
		return;
	case 'S':
		FUZZ_CHECK(r->time == EV_NONE);
		FUZZ_CHECK(ev_absent(r->pid) && ev_absent(r->tid) && ev_absent(r->cpu));
		FUZZ_CHECK(r->weight >= 0);
		FUZZ_CHECK(!diff || r->weight > 0);
		out_sum += (unsigned __int128)r->weight;
		out_records++;
		return;
	default:
		unexpected_record(p, n);
	}
}

/* The sum of the counts a plain reader accepts (see above). */
static unsigned __int128 reference(const char *d, size_t size, size_t *lines)
{
	unsigned __int128 sum = 0;
	const char *p = d, *end = d + size;

	*lines = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p), i, k;
		uint64_t v = 0;
		int ok = 1, dot = 0;

		(*lines)++;
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
			n--;
		i = n;
		while (i > 0 && ((p[i - 1] >= '0' && p[i - 1] <= '9') || p[i - 1] == '.'))
			i--;
		if (n == 0 || p[0] == '#' || i == n || i == 0 || (p[i - 1] != ' ' && p[i - 1] != '\t') ||
		    p[i] < '0' || p[i] > '9')
			ok = 0;
		for (k = i; ok && k < n; k++) {
			if (p[k] == '.') {
				ok = !dot;
				dot = 1;
			} else if (dot) {
				ok = p[k] == '0';
			} else if (v > (uint64_t)INT64_MAX / 10 ||
				   v * 10 + (uint64_t)(p[k] - '0') > (uint64_t)INT64_MAX) {
				ok = 0;
			} else {
				v = v * 10 + (uint64_t)(p[k] - '0');
			}
		}
		if (ok)
			sum += v;
		p = nl ? nl + 1 : end;
	}
	return sum;
}

static const struct fuzz_opt opts[] = {
	{ 1, 1, "--comm" }, { 2, 2, "--diff" }, { 4, 4, "--decimals=2" }, { 0, 0, NULL }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	int status, utf8;
	size_t n, lines;
	unsigned __int128 want;

	out = run_filter(cmd_folded2events, opts, data, size, 1, &n, &status);
	if (!out)
		return 0;
	diff = (data[0] & 2) != 0;
	out_sum = 0;
	out_records = 0;
	if (n == 0) {
		FUZZ_CHECK(status == 1);
		free(out);
		return 0;
	}
	check_output(out, n, record);
	free(out);
	want = reference((const char *)data + 1, size - 1, &lines);
	FUZZ_CHECK(out_records <= lines * (diff ? 2 : 1));
	/* UTF-8 without a BOM (the encoding sniff of convert()), not
	 * compressed (the magic bytes of gzip 1f 8b and zstd 28 b5 2f fd) */
	utf8 = size - 1 < 2 || (data[1] != 0xff && data[1] != 0xfe && data[1] != 0xef &&
				data[1] != 0 && data[2] != 0 && data[1] != 0x1f && data[1] != 0x28);
	if (utf8 && !diff && !(data[0] & 4))	/* no --diff, no --decimals */
		FUZZ_CHECK(out_sum == want);
	return 0;
}
