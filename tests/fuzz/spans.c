/* spans.c - fuzz spans2events in-process (filters/spans2events.c)
 *
 * The filter's program logic, cmd_spans2events() (filters/cmds.h, linked
 * from the filter's objects built with -DFP_NO_MAIN), runs on each input
 * (a memfd opened through /proc/self/fd/N), so options, read_input() and
 * the output are the real code; its state is per call. The first input
 * byte picks the options: bit 0 -t name, bit 1 -t k, bits 2-3 nothing,
 * -r RUN (the run id "r"), -a, -d 2 (the depth cap). stdout is another memfd, read back after each
 * run; stderr (the stdio stream only, so sanitizer and libFuzzer reports
 * still reach fd 2) is captured too.
 *
 * SQLite is replaced by a fake (the sqlite3_* functions the filter calls
 * are defined below; they take the place of the library's), so the fuzzer
 * reaches the Ferret database code without mutating database pages and
 * the target links without libsqlite3: an input that starts with SQLite's
 * 16-byte magic is a "database" whose first line names the table that
 * exists and whose next lines are rows "LOG_NAME<TAB>DATA" in timestamp
 * order; a row "!" makes the query fail there.
 *
 * Properties:
 *  - the filter never exits inside cmd_spans2events() (converters report
 *    and go on);
 *  - the output is a valid events stream (see trace.c): the magic line
 *    first, every line parses, exact field counts, no control bytes;
 *  - only O, C, I, P, T records, times never decrease, event "span";
 *  - per PID and TID, every C closes the innermost open O, with the same
 *    stack, and nothing is left open at the end;
 *  - every stderr line starts with "spans2events: ".
 */
#include <sqlite3.h>

#include "fuzz.h"

/* ---- a fake SQLite: the "database" is the input ---- */

static const char *db_p;	/* the input after the magic */
static size_t db_n;

struct fake_stmt {
	int kind;		/* 't' table check, 'l' latest row, 'a' all rows */
	const char *arg;
	const char *pos;	/* next line to look at */
	const char *row;	/* the current row's data */
	size_t row_n;
	int done;
};
static struct fake_stmt fake_st;
static char fake_db;

int sqlite3_open_v2(const char *path, sqlite3 **db, int flags, const char *vfs)
{
	(void)path, (void)flags, (void)vfs;
	*db = (sqlite3 *)&fake_db;
	return SQLITE_OK;
}

int sqlite3_close(sqlite3 *db)
{
	(void)db;
	return SQLITE_OK;
}

const char *sqlite3_errmsg(sqlite3 *db)
{
	(void)db;
	return "fake database error";
}

int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st,
			   const char **tail)
{
	(void)db, (void)n, (void)tail;
	memset(&fake_st, 0, sizeof fake_st);
	fake_st.kind = strstr(sql, "sqlite_master") ? 't' : strstr(sql, "DESC") ? 'l' : 'a';
	*st = (sqlite3_stmt *)&fake_st;
	return SQLITE_OK;
}

int sqlite3_bind_text(sqlite3_stmt *st, int i, const char *v, int n, void (*d)(void *))
{
	(void)i, (void)n, (void)d;
	((struct fake_stmt *)st)->arg = v;
	return SQLITE_OK;
}

int sqlite3_finalize(sqlite3_stmt *st)
{
	(void)st;
	return SQLITE_OK;
}

/* The next line of the database, or 0. */
static int db_line(struct fake_stmt *s, const char **p, size_t *n)
{
	const char *end = db_p + db_n, *nl;

	if (!s->pos)
		s->pos = db_p;
	if (s->pos >= end)
		return 0;
	nl = memchr(s->pos, '\n', (size_t)(end - s->pos));
	*p = s->pos;
	*n = (size_t)((nl ? nl : end) - s->pos);
	s->pos = nl ? nl + 1 : end;
	return 1;
}

int sqlite3_step(sqlite3_stmt *stmt)
{
	struct fake_stmt *s = (struct fake_stmt *)stmt;
	const char *p, *tab;
	size_t n, an = strlen(s->arg);

	if (s->done)
		return SQLITE_DONE;
	if (s->kind == 't') {
		s->done = 1;
		return db_line(s, &p, &n) && n == an && memcmp(p, s->arg, n) == 0 ? SQLITE_ROW :
		       SQLITE_DONE;
	}
	if (!s->pos && !db_line(s, &p, &n))	/* the table line */
		return SQLITE_DONE;
	s->row = NULL;
	while (db_line(s, &p, &n)) {
		if (n == 1 && p[0] == '!')
			return SQLITE_CORRUPT;
		tab = memchr(p, '\t', n);
		if (!tab || (size_t)(tab - p) != an || memcmp(p, s->arg, an) != 0)
			continue;
		s->row = tab + 1;
		s->row_n = n - an - 1;
		if (s->kind == 'a')
			return SQLITE_ROW;
	}
	s->done = 1;
	return s->row ? SQLITE_ROW : SQLITE_DONE;	/* 'l': the last matching row */
}

/* sqlite3_column_text(): a NUL-terminated copy, valid until the next call */
const unsigned char *sqlite3_column_text(sqlite3_stmt *st, int i)
{
	static char *copy;
	struct fake_stmt *s = (struct fake_stmt *)st;

	(void)i;
	free(copy);
	copy = malloc(s->row_n + 1);
	if (!copy)
		abort();
	memcpy(copy, s->row, s->row_n);
	copy[s->row_n] = 0;
	return (const unsigned char *)copy;
}

int sqlite3_column_bytes(sqlite3_stmt *st, int i)
{
	(void)i;
	return (int)((struct fake_stmt *)st)->row_n;
}

#include "../../filters/cmds.h"

#define PROG "spans2events"

#include "filter.h"

/* ---- spans2events ---- */

/* Open spans per PID and TID: the stacks of their O records. */
struct olane {
	struct buf key;		/* "PID\tTID" */
	struct buf text;	/* the stacks, one after the other */
	size_t *ends, n, cap;
};
static struct olane *olanes;
static size_t nolanes, olanes_cap;
static int64_t last_time;

static struct olane *olane_of(const struct ev_rec *r)
{
	size_t i, n = (size_t)(r->tid.p + r->tid.n - r->pid.p);
	struct olane *l;

	for (i = 0; i < nolanes; i++)
		if (fuzz_eq(olanes[i].key.p, olanes[i].key.len, r->pid.p, n))
			return &olanes[i];
	if (nolanes == olanes_cap) {
		olanes_cap = olanes_cap ? 2 * olanes_cap : 16;
		olanes = realloc(olanes, olanes_cap * sizeof *olanes);
		if (!olanes)
			abort();
	}
	l = &olanes[nolanes++];
	memset(l, 0, sizeof *l);
	buf_add(&l->key, r->pid.p, n);
	return l;
}

static void record(const struct ev_rec *r, const char *p, size_t n)
{
	struct olane *l;
	size_t start;

	switch (r->type) {
	case 0: case 'P': case 'T':
		return;
	case 'O': case 'C': case 'I':
		break;
	default:
		unexpected_record(p, n);
	}
	FUZZ_CHECK(r->event.n == 4 && memcmp(r->event.p, "span", 4) == 0);
	FUZZ_CHECK(last_time == EV_NONE || r->time >= last_time);
	last_time = r->time;
	if (r->type == 'I')
		return;
	l = olane_of(r);
	if (r->type == 'O') {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 16;
			l->ends = realloc(l->ends, l->cap * sizeof *l->ends);
			if (!l->ends)
				abort();
		}
		buf_add(&l->text, r->stack.p, r->stack.n);
		l->ends[l->n++] = l->text.len;
		return;
	}
	if (l->n == 0)
		fprintf(stderr, "C without O: %.*s\n", (int)n, p);
	FUZZ_CHECK(l->n > 0);
	start = l->n > 1 ? l->ends[l->n - 2] : 0;
	if (!fuzz_eq(l->text.p + start, l->text.len - start, r->stack.p, r->stack.n))
		fprintf(stderr, "C closes %.*s, the innermost open O is %.*s\n", (int)n, p,
			(int)(l->text.len - start), l->text.p + start);
	FUZZ_CHECK(fuzz_eq(l->text.p + start, l->text.len - start, r->stack.p, r->stack.n));
	l->text.len = start;
	l->n--;
}

/* bits 2-3: 01 -rr, 10 -a, 11 -d2 */
static const struct fuzz_opt opts[] = {
	{ 1, 1, "-tname" }, { 2, 2, "-tk" },
	{ 12, 4, "-rr" }, { 12, 8, "-a" }, { 12, 12, "-d2" }, { 0, 0, NULL }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *out;
	int status;
	size_t n, i;

	if (size < 1)
		return 0;
	/* the fake database (above) is read during the run */
	db_p = (const char *)data + 1;
	db_n = 0;
	if (size - 1 >= 16) {
		db_p += 16;
		db_n = size - 1 - 16;
	}
	out = run_filter(cmd_spans2events, opts, data, size, 0, &n, &status);
	last_time = EV_NONE;
	check_output(out, n, record);
	for (i = 0; i < nolanes; i++) {
		if (olanes[i].n)
			fprintf(stderr, "%zu spans of %.*s never closed\n", olanes[i].n,
				(int)olanes[i].key.len, olanes[i].key.p);
		FUZZ_CHECK(olanes[i].n == 0);
		buf_free(&olanes[i].key);
		buf_free(&olanes[i].text);
		free(olanes[i].ends);
	}
	nolanes = 0;
	free(out);
	return 0;
}
