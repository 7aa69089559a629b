/* sniff.c - fuzz the input classifier (common/sniff.h)
 *
 * The first byte: bit 0 says the bytes were compressed. Properties: a kind
 * in range with a name; sniff() reads only the bytes it is given (ASan, on
 * an exact-size copy); every filter's verdict is a terminated message that
 * names the kind and fits 256 bytes, and no filter refuses the kinds it reads itself;
 * sniff_explain() gives the same kind as sniff() with a terminated,
 * non-empty evidence that fits any buffer size (toevents --detect).
 */
#include "fuzz.h"

#include "../../common/sniff.h"

static const char *const progs[] = {
	"perf2events", "trace2events", "cpuprofile2events", "spans2events",
	"callgrind2events", "folded2events", "stacks2events", "speedscope2events",
	"pprof2events", "nflxprofile2events",
	"eventdiff", "eventmerge", "eventreduce", "events2folded", "events2html",
	"events2nflxprofile", "events2pprof", "events2speedscope", "events2svg",
	"events2trace", "eventsort", "heatmap", "timeslice",
	"toevents", "flamepipe",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, msg[256], why[512], small[8];
	enum sniff_kind k;
	size_t i;

	if (size == 0)
		return 0;
	copy = fuzz_copy(data + 1, size - 1);
	k = sniff(copy, size - 1, data[0] & 1);
	FUZZ_CHECK(k < SNIFF_NKINDS);
	FUZZ_CHECK(sniff_name(k) != NULL);
	FUZZ_CHECK(size - 1 > 0 || k == SNIFF_EMPTY);
	memset(why, 'x', sizeof why);
	FUZZ_CHECK(sniff_explain(copy, size - 1, data[0] & 1, why, sizeof why) == k);
	FUZZ_CHECK(memchr(why, 0, sizeof why) != NULL && why[0] != 0);
	memset(small, 'x', sizeof small);
	FUZZ_CHECK(sniff_explain(copy, size - 1, data[0] & 1, small, 1) == k);
	FUZZ_CHECK(small[0] == 0 && small[1] == 'x');
	FUZZ_CHECK(sniff_explain(copy, size - 1, data[0] & 1, NULL, 0) == k);
	for (i = 0; i < sizeof progs / sizeof progs[0]; i++) {
		memset(msg, 'x', sizeof msg);
		if (sniff_refuse(progs[i], k, msg, sizeof msg)) {
			const char *r = sniff_reader(k);

			FUZZ_CHECK(memchr(msg, 0, sizeof msg) != NULL);
			/* not cut: input.c's message buffer is as large */
			FUZZ_CHECK(strlen(msg) + 1 < sizeof msg);
			FUZZ_CHECK(strstr(msg, sniff_name(k)) != NULL);
			FUZZ_CHECK(!r || !strstr(r, progs[i]));
		}
	}
	free(copy);
	return 0;
}
