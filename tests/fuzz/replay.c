/* replay.c - run fuzz target inputs without libFuzzer
 *
 * usage: TARGET-replay FILE|DIR ...
 * Calls LLVMFuzzerTestOneInput() once per file (directories are read one
 * level deep). A crash or a failed property aborts; otherwise exit 0.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t n = 0, cap = 0, r;

	if (!f) {
		perror(path);
		return 1;
	}
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(p, cap);
			if (!p)
				abort();
		}
		r = fread(p + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		perror(path);
		fclose(f);
		free(p);
		return 1;
	}
	fclose(f);
	/* an exact-size copy so that ASan sees reads past the end */
	{
		unsigned char *c = malloc(n ? n : 1);

		if (!c)
			abort();
		if (n)
			memcpy(c, p, n);
		free(p);
		LLVMFuzzerTestOneInput(c, n);
		free(c);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i, status = 0, count = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *e;

			if (!d) {
				perror(argv[i]);
				status = 1;
				continue;
			}
			while ((e = readdir(d)) != NULL) {
				char path[4096];

				if (e->d_name[0] == '.')
					continue;
				snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
				status |= run_file(path);
				count++;
			}
			closedir(d);
		} else {
			status |= run_file(argv[i]);
			count++;
		}
	}
	fprintf(stderr, "replay: %d inputs\n", count);
	return status;
}
