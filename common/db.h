/* SQLite access for Lodestone's stores (the campaign database): open with the settings a
 * crash-safe single-writer store needs, schema versions and migrations, transactions, and
 * statements with bound parameters, every error naming the database file and the SQL.
 *
 *     ls_db *db = NULL;
 *     LS_TRY(ls_db_open("run.db", LS_DB_CREATE, &db));
 *     LS_TRY(ls_db_migrate(db, LS_DB_APP_ID_CAMPAIGN, "campaign", steps, n_steps));
 *     LS_TRY(ls_db_begin(db));
 *     status = ls_db_run(db, "UPDATE evaluation SET state = ?1 WHERE id = ?2", "si", "done", 7LL);
 *     ...  ls_db_commit(db) or ls_db_rollback(db)
 *
 *     ls_db_stmt *st = NULL;
 *     LS_TRY(ls_db_query(db, &st, "SELECT id, energy FROM result WHERE state = ?1", "s", "done"));
 *     int row;
 *     while ((status = ls_db_next(st, &row)) == LS_OK && row)
 *         use(ls_db_col_int(st, 0), ls_db_col_double(st, 1));
 *     ls_db_finalize(st);
 *
 * Settings (why):
 * - journal_mode = WAL (set by ls_db_migrate once the file is known to be ours): readers (`campaign status`, the sqlite3 shell, Python) never block
 *   the writer and see the last committed state; a kill -9 at any moment leaves the database
 *   at its last commit (SQLite's atomic commit).
 * - synchronous = NORMAL: in WAL mode a commit survives a crash of the process (kill -9) at
 *   once and is on disk at the next checkpoint; only a crash of the machine itself (power, kernel)
 *   may roll back the last commits, never corrupt the file.  The campaign loses nothing even
 *   then: its result files are written atomically and fsync'ed before the database records them,
 *   and the next run imports results whose files exist but never reached the database.  FULL
 *   (one fsync of the WAL per commit) made the leader of a task farm spend about 1 s per
 *   evaluation waiting for the disk on a busy machine (measured: 52 evaluations recorded in 23.2 s
 *   with FULL, 12.5 s with NORMAL, 2 groups, load 18).
 * - busy_timeout = 60 s: a writer that finds the database locked by a reader's checkpoint or
 *   another process waits instead of failing with "database is locked".
 * - foreign_keys = ON.
 * Transactions start with BEGIN IMMEDIATE: the write lock is taken at the start, so two
 * writers never deadlock half-way through (the second waits at BEGIN, within the timeout).
 *
 * Schema: PRAGMA application_id marks the database as Lodestone's (a database of another
 * program is refused, never altered), PRAGMA user_version holds the schema version; steps[k]
 * takes version k to k + 1 and runs in one transaction with the version update.  A database
 * newer than the program is refused (LS_ERR_INPUT naming the versions).
 *
 * Parameter types for ls_db_run / ls_db_query ("types", one letter per ?N in order):
 *   'i' long long, 'd' double, 's' const char * (NULL binds NULL), 'b' const void *, int
 *   length (a blob), 'n' no argument (NULL).
 *
 * Errors: LS_ERR_IO for a database that cannot be opened, is read-only, or a disk error;
 * LS_ERR_INPUT for a file that is not a database of this program; LS_ERR_LIBRARY for other
 * SQLite errors; messages "FILE: SQLite: <sqlite's message> (in: <the SQL>)".
 * A connection is used by one thread at a time.
 */
#ifndef LS_DB_H
#define LS_DB_H

#include <stdint.h>

typedef struct ls_db ls_db;
typedef struct ls_db_stmt ls_db_stmt;

enum ls_db_flags {
    LS_DB_CREATE = 1,   /* create the file if it does not exist */
    LS_DB_READONLY = 2  /* open for reading only (status, report, export) */
};

/* application_id of the campaign store ("LDSC"). */
#define LS_DB_APP_ID_CAMPAIGN 0x4C445343

int ls_db_open(const char *path, int flags, ls_db **out);
void ls_db_close(ls_db *db); /* accepts NULL; finalises nothing: finalise statements first */
const char *ls_db_path(const ls_db *db);

/* Schema.  `what` names the store in messages ("campaign database").  On an empty database
 * (no tables, user_version 0) sets the application id and runs every step; on one of ours,
 * runs the steps from its version on; n_steps is the program's schema version. */
typedef int (*ls_db_migration_fn)(ls_db *db);
int ls_db_migrate(ls_db *db, int32_t app_id, const char *what, const ls_db_migration_fn *steps, int n_steps);
/* The schema version stored in the file, and whether the file is empty (no tables). */
int ls_db_schema_version(ls_db *db, int *version, int *is_empty);
/* Check that a database opened read-only is ours and not newer than n_steps (LS_ERR_INPUT). */
int ls_db_check_schema(ls_db *db, int32_t app_id, const char *what, int n_steps);

/* Transactions (BEGIN IMMEDIATE ... COMMIT); rollback is safe without an open transaction. */
int ls_db_begin(ls_db *db);
int ls_db_commit(ls_db *db);
void ls_db_rollback(ls_db *db);

/* Run SQL text without parameters (one or more statements; schema creation). */
int ls_db_exec(ls_db *db, const char *sql);
/* One statement with parameters, run to completion. */
int ls_db_run(ls_db *db, const char *sql, const char *types, ...);
/* Rowid of the last INSERT on this connection, rows changed by the last statement. */
long long ls_db_last_id(const ls_db *db);
int ls_db_changes(const ls_db *db);

/* A query: prepare and bind; then ls_db_next until *has_row is 0. */
int ls_db_query(ls_db *db, ls_db_stmt **out, const char *sql, const char *types, ...);
int ls_db_next(ls_db_stmt *st, int *has_row);
void ls_db_finalize(ls_db_stmt *st); /* accepts NULL */
/* Columns of the current row (0-based).  Text is owned by the statement and valid until the
 * next ls_db_next; NULL for SQL NULL. */
int ls_db_col_count(ls_db_stmt *st);
const char *ls_db_col_name(ls_db_stmt *st, int col);
int ls_db_col_is_null(ls_db_stmt *st, int col);
long long ls_db_col_int(ls_db_stmt *st, int col);
double ls_db_col_double(ls_db_stmt *st, int col); /* NULL reads as NaN */
const char *ls_db_col_text(ls_db_stmt *st, int col);
const void *ls_db_col_blob(ls_db_stmt *st, int col, int *n_bytes);

/* Single-value queries: the first column of the first row.  *found = 0 (and the output
 * untouched) when there is no row or the value is NULL; found may be NULL, then no row is an
 * error.  ls_db_get_text copies into buf (truncating to n_buf - 1 characters). */
int ls_db_get_int(ls_db *db, long long *out, int *found, const char *sql, const char *types, ...);
int ls_db_get_double(ls_db *db, double *out, int *found, const char *sql, const char *types, ...);
int ls_db_get_text(ls_db *db, char *buf, int n_buf, int *found, const char *sql, const char *types, ...);

/* 1 if a table or view of that name exists. */
int ls_db_has_table(ls_db *db, const char *name, int *exists);

#endif
