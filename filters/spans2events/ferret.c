/* ferret.c - spans2events: Ferret's SQLite database, its BeaverDB log
 * rows of one run (the latest, -r RUN) or of all runs (-a) */
#include <sqlite3.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/alloc.h"
#include "../../common/buf.h"
#include "../../common/err.h"
#include "../../common/events.h"
#include "../../common/intern.h"
#include "../../common/json.h"
#include "../../common/out.h"
#include "../../common/skip.h"
#include "spans.h"

/* ---- Ferret's SQLite database ---- */

static int sql_fail(sqlite3 *db, const char *path)
{
	fp_warn("%s: sqlite: %s", path, sqlite3_errmsg(db));
	sqlite3_close(db);
	return 1;
}

/* The BeaverDB log table of db into *table (NULL: none); -1 when the
 * query fails. */
static int log_table(sqlite3 *db, const char **table)
{
	static const char *tables[] = { "beaver_logs", "__beaver_logs__" };
	sqlite3_stmt *st;
	size_t i;

	*table = NULL;
	for (i = 0; i < sizeof tables / sizeof tables[0] && !*table; i++) {
		if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
				       -1, &st, NULL) != SQLITE_OK)
			return -1;
		sqlite3_bind_text(st, 1, tables[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			*table = tables[i];
		sqlite3_finalize(st);
	}
	return 0;
}

/* The latest run into rd.want_run: Ferret's own choice, the run of the
 * last log entry (empty when the log has none). */
static int latest_run(struct sp *sp, sqlite3 *db, const char *table, const char *path)
{
	sqlite3_stmt *st;
	char sql[200];

	snprintf(sql, sizeof sql, "SELECT data FROM %s WHERE log_name = ?1 "
		 "ORDER BY timestamp DESC LIMIT 1", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, sp->opt.log, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *data = (const char *)sqlite3_column_text(st, 0);

		sp->rd.peek = 1;
		sp_feed_json(sp, data ? data : "", data ? strlen(data) : 0, path);
		sp->rd.peek = 0;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Every row of the log, in time order: 0, 1 when the query failed on the
 * way, -1 when it could not start. */
static int read_rows(struct sp *sp, sqlite3 *db, const char *table, const char *path)
{
	sqlite3_stmt *st;
	char sql[200];
	uint64_t row = 0;
	int rc, bad = 0;

	snprintf(sql, sizeof sql, "SELECT data FROM %s WHERE log_name = ?1 ORDER BY timestamp",
		 table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, sp->opt.log, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *data = (const char *)sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);

		sp->rd.row = ++row;	/* messages give the row number as the line */
		if (sp_feed_json(sp, data ? data : "", data ? (size_t)n : 0, path) != JSON_OK)
			skip_record(&sp->skips, path, row, "log row that is not a JSON span");
	}
	if (rc != SQLITE_DONE)
		bad = 1, fp_warn("%s: sqlite: %s", path, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return bad;
}

int sp_parse_sqlite(struct sp *sp, const char *path)
{
	sqlite3 *db;
	const char *table;
	size_t before;
	int bad;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return sql_fail(db, path);
	if (log_table(db, &table) < 0)
		return sql_fail(db, path);
	if (!table) {
		fp_warn("%s: not a Ferret database (no BeaverDB log table)", path);
		sqlite3_close(db);
		return 1;
	}
	sp->rd.ferret_sql = 1;
	sp->rd.want_run.len = 0;
	if (sp->opt.run_id) {
		buf_adds(&sp->rd.want_run, sp->opt.run_id);
	} else if (!sp->opt.all_runs) {
		if (latest_run(sp, db, table, path) < 0)
			return sql_fail(db, path);
		if (sp->rd.want_run.len == 0) {
			sp->tab.said_empty = 1;
			fp_warn("%s: no spans in log %s", path, sp->opt.log);
			sqlite3_close(db);
			sp->rd.ferret_sql = 0;
			return 0;
		}
	}
	before = sp->tab.nspans;
	bad = read_rows(sp, db, table, path);
	if (bad < 0)
		return sql_fail(db, path);
	sqlite3_close(db);
	sp->rd.ferret_sql = 0;
	sp->rd.row = 0;
	if (sp->tab.nspans == before && !sp->opt.all_runs && ++sp->tab.said_empty) {
		struct buf run = { 0 };	/* the run id is input: escaped, one line */

		ev_buf_escaped(&run, sp->rd.want_run.p, sp->rd.want_run.len);
		buf_addc(&run, 0);
		fp_warn("%s: no spans of run %s in log %s", path, run.p, sp->opt.log);
		buf_free(&run);
	}
	return bad;
}
