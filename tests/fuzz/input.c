/* input.c - fuzz the line reader and its decompression (common/input.h)
 *
 * The first byte picks a mode:
 *   0  the rest is a file as is (plain, or corrupt gzip/zstd when it starts
 *      with their magic): input_getline() must end with 0 or -1, and a plain
 *      file's lines joined with LF must give back the file;
 *   1  the rest is compressed with zstd, 2 with gzip, in one frame or (bit
 *      0x80) in two members, then cut at a point taken from the input:
 *      the whole file must read back exactly, a cut one must fail (-1),
 *      never end as a short success.
 * The file is a memfd opened through /proc/self/fd, so input_open() runs
 * as for a real file.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "fuzz.h"

#include "../../common/input.h"

static int quiet_stderr = -1;

/* input.c reports errors with fp_warn(); keep the fuzzer log readable. */
static void silence(int on)
{
	static int saved = -1;

	/* FUZZ_VERBOSE=1: keep stderr (crash reports) */
	if (quiet_stderr < 0)
		quiet_stderr = getenv("FUZZ_VERBOSE") ? dup(2) : open("/dev/null", O_WRONLY);
	if (on) {
		fflush(stderr);
		saved = dup(2);
		dup2(quiet_stderr, 2);
	} else if (saved >= 0) {
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
		saved = -1;
	}
}

/* Read the file; returns 1 ok, -1 error; the lines joined with LF in *got. */
static int read_all(const void *p, size_t n, struct buf *got, int *ended_with_line)
{
	int fd = memfd_create("fuzz-input", 0);
	char path[64];
	struct input in;
	char *line;
	size_t len;
	int k, r = 1;

	if (fd < 0)
		abort();
	if (n && write(fd, p, n) != (ssize_t)n)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	got->len = 0;
	*ended_with_line = 0;
	silence(1);
	if (input_open(&in, path) < 0) {
		silence(0);
		close(fd);
		return -1;
	}
	while ((k = input_getline(&in, &line, &len)) > 0) {
		FUZZ_CHECK(memchr(line, '\n', len) == NULL);
		buf_add(got, line, len);
		buf_addc(got, '\n');
	}
	if (k < 0) {
		r = -1;
		FUZZ_CHECK(in.failed);
		/* errors are sticky */
		FUZZ_CHECK(input_getline(&in, &line, &len) == -1);
	} else {
		FUZZ_CHECK(input_getline(&in, &line, &len) == 0);
	}
	silence(0);
	input_close(&in);
	close(fd);
	return r;
}

/* The bytes read back equal the plain text (modulo a final LF). */
static void check_same(const struct buf *got, const uint8_t *p, size_t n)
{
	if (n == 0) {
		FUZZ_CHECK(got->len == 0);
		return;
	}
	if (p[n - 1] == '\n')
		FUZZ_CHECK(fuzz_eq(got->p, got->len, (const char *)p, n));
	else
		FUZZ_CHECK(got->len == n + 1 && memcmp(got->p, p, n) == 0);
}

static size_t gzip_member(const uint8_t *p, size_t n, struct buf *out)
{
	z_stream zs;
	size_t start = out->len, bound;

	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	bound = deflateBound(&zs, (uLong)n) + 64;
	buf_reserve(out, bound);
	zs.next_in = (Bytef *)p;
	zs.avail_in = (uInt)n;
	zs.next_out = (Bytef *)out->p + out->len;
	zs.avail_out = (uInt)bound;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	out->len += bound - zs.avail_out;
	deflateEnd(&zs);
	return out->len - start;
}

static size_t zstd_frame(const uint8_t *p, size_t n, struct buf *out)
{
	size_t bound = ZSTD_compressBound(n), r;

	buf_reserve(out, bound);
	r = ZSTD_compress(out->p + out->len, bound, p, n, 1);
	if (ZSTD_isError(r))
		abort();
	out->len += r;
	return r;
}

static struct buf got, packed;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int mode, ended;
	uint16_t cut;
	size_t first = 0;	/* length of the first member */

	if (size < 3)
		return 0;
	mode = data[0];
	cut = (uint16_t)(data[1] << 8 | data[2]);
	data += 3;
	size -= 3;
	if ((mode & 3) == 0 || (mode & 3) == 3) {
		int r = read_all(data, size, &got, &ended);
		int compressed = (size >= 4 && memcmp(data, "\x28\xb5\x2f\xfd", 4) == 0) ||
				 (size >= 2 && data[0] == 0x1f && data[1] == 0x8b);

		if (!compressed) {
			FUZZ_CHECK(r == 1);
			check_same(&got, data, size);
		}
		return 0;
	}
	packed.len = 0;
	{
		size_t half = (mode & 0x80) ? size / 2 : size;

		if ((mode & 3) == 1) {
			first = zstd_frame(data, half, &packed);
			if (half < size)
				zstd_frame(data + half, size - half, &packed);
		} else {
			first = gzip_member(data, half, &packed);
			if (half < size)
				gzip_member(data + half, size - half, &packed);
		}
	}
	FUZZ_CHECK(read_all(packed.p, packed.len, &got, &ended) == 1);
	check_same(&got, data, size);
	if (packed.len > 0) {
		size_t at = cut % packed.len;	/* keep [0, at): at < full length */
		int r = read_all(packed.p, at, &got, &ended);

		/* a cut inside the first 4 bytes may leave text that is not
		 * recognisably compressed, which then reads as plain text; a
		 * cut between two members leaves a valid file */
		if (at != first && (at >= 4 || (at >= 2 && (mode & 3) == 2)))
			FUZZ_CHECK(r == -1);
	}
	return 0;
}
