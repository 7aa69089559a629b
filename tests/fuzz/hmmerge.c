/* hmmerge.c - fuzz heatmap --merge in-process (filters/heatmap/merge.c)
 *
 * cmd_heatmap() with --merge runs on each input, a partial map (heatmap's
 * TSV or JSON; a memfd, see filter.h). The first input byte picks the
 * options: bits 0-1 the output (TSV, -l, -j, -s), bit 2 the input given
 * twice (a map merged with itself). Properties:
 *  - the filter never exits inside cmd_heatmap() (a map that cannot be
 *    merged is an error returned, not fp_die);
 *  - no state survives a call (filter.h's check_again);
 *  - status 0 or 1; any output is a map of the output's kind ("# heatmap: "
 *    for TSV and -l, "{" for -j, "<svg" or "<?xml" for -s): a map that
 *    cannot be merged leaves no output, a file that cannot be opened or
 *    decoded is skipped (exit 1) as every filter does;
 *  - every stderr line starts with "heatmap: ".
 */
#include "fuzz.h"

#include "../../filters/cmds.h"

#define PROG "heatmap"

#include "filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fuzz_opt opts[] = {
		{ 0, 0, "--merge" },
		{ 3, 1, "-l" }, { 3, 2, "-j" }, { 3, 3, "-s" },
		{ 4, 4, in_path },
		{ 0, 0, NULL }
	};
	size_t n;
	int status;
	char *out = run_filter(cmd_heatmap, opts, data, size, 1, &n, &status);

	if (!out)
		return 0;
	FUZZ_CHECK(status == 0 || status == 1);
	if (n > 0) {
		switch (data[0] & 3) {
		case 0: case 1: FUZZ_CHECK(n >= 11 && memcmp(out, "# heatmap: ", 11) == 0); break;
		case 2: FUZZ_CHECK(out[0] == '{'); break;
		default: FUZZ_CHECK(n >= 4 && (memcmp(out, "<svg", 4) == 0 || memcmp(out, "<?xm", 4) == 0)); break;
		}
	}
	free(out);
	return 0;
}
