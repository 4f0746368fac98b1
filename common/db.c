/* SQLite access: see common/db.h. */
#include "common/db.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "common/err.h"

#define LS_DB_BUSY_TIMEOUT_MS 60000

struct ls_db {
    sqlite3 *handle;
    char *path;
    int readonly;
    int in_transaction;
};

struct ls_db_stmt {
    ls_db *db;
    sqlite3_stmt *handle;
};

/* The status for an SQLite result code, and the message "FILE: SQLite: ... (in: SQL)". */
static int db_fail(ls_db *db, int rc, const char *sql, const char *src, int line)
{
    const char *what = db && db->handle ? sqlite3_errmsg(db->handle) : sqlite3_errstr(rc);
    int primary = rc & 0xff;
    int code = LS_ERR_LIBRARY;
    const char *hint = "";
    switch (primary) {
    case SQLITE_READONLY:
        code = LS_ERR_IO;
        hint = "; the database file (or its folder, where SQLite keeps the -wal and -shm files) "
               "must be writable";
        break;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PERM:
        code = LS_ERR_IO;
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = LS_ERR_IO;
        hint = "; another process kept the database locked for more than 60 s: is a second "
               "'campaign run' writing to it?";
        break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        code = LS_ERR_INPUT;
        hint = ": not an intact SQLite database; give another --db path";
        break;
    default:
        break;
    }
    char shown[240] = "";
    if (sql) {
        snprintf(shown, sizeof shown, "%s", sql);
        if (strlen(sql) >= sizeof shown) strcpy(shown + sizeof shown - 4, "...");
        for (char *c = shown; *c; c++)
            if (*c == '\n' || *c == '\t') *c = ' ';
    }
    return ls_error_set(code, src, line, "%s: SQLite: %s%s%s%s%s", db && db->path ? db->path : "(database)",
                        what, hint, sql ? " (in: " : "", shown, sql ? ")" : "");
}
#define DB_FAIL(db, rc, sql) db_fail((db), (rc), (sql), __FILE__, __LINE__)

int ls_db_open(const char *path, int flags, ls_db **out)
{
    *out = NULL;
    if (!path || !*path) LS_ERROR(LS_ERR_USAGE, "no database path given");
    int readonly = (flags & LS_DB_READONLY) != 0;
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (!exists && (readonly || !(flags & LS_DB_CREATE)))
        LS_ERROR(LS_ERR_IO, "%s: no such database", path);
    if (exists && !S_ISREG(st.st_mode)) LS_ERROR(LS_ERR_IO, "%s: not a regular file", path);

    ls_db *db = calloc(1, sizeof *db);
    if (!db) LS_ERROR(LS_ERR_NOMEM, "out of memory opening %s", path);
    db->path = strdup(path);
    db->readonly = readonly;
    int status = LS_OK;
    if (!db->path) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory opening %s", path);
    int oflags = readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | ((flags & LS_DB_CREATE) ? SQLITE_OPEN_CREATE : 0));
    int rc = sqlite3_open_v2(path, &db->handle, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        status = DB_FAIL(db, rc, NULL);
        goto fail;
    }
    sqlite3_extended_result_codes(db->handle, 1);
    sqlite3_busy_timeout(db->handle, LS_DB_BUSY_TIMEOUT_MS);
    if (!readonly && sqlite3_db_readonly(db->handle, "main") == 1)
        LS_ERROR_GOTO(status, LS_ERR_IO, fail,
                      "%s: the database is read-only (file permissions); make it writable or give another --db path",
                      path);
    /* Reading the header first turns "not a database" into a clear error before any pragma
     * would try to write to the file. */
    int is_empty = 0, version = 0;
    LS_TRY_GOTO(status, ls_db_schema_version(db, &version, &is_empty), fail);
    /* WAL is switched on by ls_db_migrate, once the file is known to be ours: setting it
     * rewrites the file header, and a foreign database must be left exactly as it was. */
    if (!readonly) LS_TRY_GOTO(status, ls_db_exec(db, "PRAGMA synchronous = NORMAL"), fail);
    LS_TRY_GOTO(status, ls_db_exec(db, "PRAGMA foreign_keys = ON"), fail);
    *out = db;
    return LS_OK;
fail:
    ls_db_close(db);
    return status;
}

void ls_db_close(ls_db *db)
{
    if (!db) return;
    if (db->handle) {
        if (db->in_transaction) sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(db->handle);
    }
    free(db->path);
    free(db);
}

const char *ls_db_path(const ls_db *db)
{
    return db ? db->path : "";
}

int ls_db_exec(ls_db *db, const char *sql)
{
    int rc = sqlite3_exec(db->handle, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) return DB_FAIL(db, rc, sql);
    return LS_OK;
}

int ls_db_begin(ls_db *db)
{
    if (db->in_transaction) LS_ERROR(LS_ERR_INTERNAL, "%s: nested transaction", db->path);
    LS_TRY(ls_db_exec(db, "BEGIN IMMEDIATE"));
    db->in_transaction = 1;
    return LS_OK;
}

int ls_db_commit(ls_db *db)
{
    if (!db->in_transaction) LS_ERROR(LS_ERR_INTERNAL, "%s: commit without a transaction", db->path);
    int status = ls_db_exec(db, "COMMIT");
    if (status != LS_OK) {
        sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
    }
    db->in_transaction = 0;
    return status;
}

void ls_db_rollback(ls_db *db)
{
    if (!db || !db->in_transaction) return;
    sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
    db->in_transaction = 0;
}

static int bind_args(ls_db_stmt *st, const char *sql, const char *types, va_list ap)
{
    int n = types ? (int)strlen(types) : 0;
    if (n != sqlite3_bind_parameter_count(st->handle))
        LS_ERROR(LS_ERR_INTERNAL, "%s: %d parameters given for %d in: %s", st->db->path, n,
                 sqlite3_bind_parameter_count(st->handle), sql);
    for (int i = 0; i < n; i++) {
        int rc = SQLITE_OK;
        switch (types[i]) {
        case 'i':
            rc = sqlite3_bind_int64(st->handle, i + 1, va_arg(ap, long long));
            break;
        case 'd': {
            double v = va_arg(ap, double);
            rc = isfinite(v) ? sqlite3_bind_double(st->handle, i + 1, v) : sqlite3_bind_null(st->handle, i + 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            rc = s ? sqlite3_bind_text(st->handle, i + 1, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st->handle, i + 1);
            break;
        }
        case 'b': {
            const void *p = va_arg(ap, const void *);
            int len = va_arg(ap, int);
            rc = p ? sqlite3_bind_blob(st->handle, i + 1, p, len, SQLITE_TRANSIENT) : sqlite3_bind_null(st->handle, i + 1);
            break;
        }
        case 'n':
            rc = sqlite3_bind_null(st->handle, i + 1);
            break;
        default:
            LS_ERROR(LS_ERR_INTERNAL, "bad parameter type '%c' for: %s", types[i], sql);
        }
        if (rc != SQLITE_OK) return DB_FAIL(st->db, rc, sql);
    }
    return LS_OK;
}

static int prepare_va(ls_db *db, ls_db_stmt **out, const char *sql, const char *types, va_list ap)
{
    *out = NULL;
    ls_db_stmt *st = calloc(1, sizeof *st);
    if (!st) LS_ERROR(LS_ERR_NOMEM, "out of memory preparing SQL");
    st->db = db;
    int rc = sqlite3_prepare_v2(db->handle, sql, -1, &st->handle, NULL);
    if (rc != SQLITE_OK) {
        int status = DB_FAIL(db, rc, sql);
        free(st);
        return status;
    }
    int status = bind_args(st, sql, types, ap);
    if (status != LS_OK) {
        ls_db_finalize(st);
        return status;
    }
    *out = st;
    return LS_OK;
}

int ls_db_query(ls_db *db, ls_db_stmt **out, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    int status = prepare_va(db, out, sql, types, ap);
    va_end(ap);
    return status;
}

int ls_db_next(ls_db_stmt *st, int *has_row)
{
    *has_row = 0;
    int rc = sqlite3_step(st->handle);
    if (rc == SQLITE_ROW) {
        *has_row = 1;
        return LS_OK;
    }
    if (rc == SQLITE_DONE) return LS_OK;
    return DB_FAIL(st->db, rc, sqlite3_sql(st->handle));
}

void ls_db_finalize(ls_db_stmt *st)
{
    if (!st) return;
    sqlite3_finalize(st->handle);
    free(st);
}

int ls_db_run(ls_db *db, const char *sql, const char *types, ...)
{
    ls_db_stmt *st = NULL;
    va_list ap;
    va_start(ap, types);
    int status = prepare_va(db, &st, sql, types, ap);
    va_end(ap);
    if (status != LS_OK) return status;
    int row = 1;
    while (status == LS_OK && row) status = ls_db_next(st, &row);
    ls_db_finalize(st);
    return status;
}

long long ls_db_last_id(const ls_db *db)
{
    return (long long)sqlite3_last_insert_rowid(db->handle);
}

int ls_db_changes(const ls_db *db)
{
    return sqlite3_changes(db->handle);
}

int ls_db_col_count(ls_db_stmt *st)
{
    return sqlite3_column_count(st->handle);
}

const char *ls_db_col_name(ls_db_stmt *st, int col)
{
    return sqlite3_column_name(st->handle, col);
}

int ls_db_col_is_null(ls_db_stmt *st, int col)
{
    return sqlite3_column_type(st->handle, col) == SQLITE_NULL;
}

long long ls_db_col_int(ls_db_stmt *st, int col)
{
    return (long long)sqlite3_column_int64(st->handle, col);
}

double ls_db_col_double(ls_db_stmt *st, int col)
{
    if (sqlite3_column_type(st->handle, col) == SQLITE_NULL) return NAN;
    return sqlite3_column_double(st->handle, col);
}

const char *ls_db_col_text(ls_db_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st->handle, col);
}

const void *ls_db_col_blob(ls_db_stmt *st, int col, int *n_bytes)
{
    const void *p = sqlite3_column_blob(st->handle, col);
    *n_bytes = sqlite3_column_bytes(st->handle, col);
    return p;
}

/* The first column of the first row of a query: *st positioned on it, or *found = 0. */
static int get_first(ls_db *db, ls_db_stmt **st, int *found, const char *sql, const char *types, va_list ap)
{
    LS_TRY(prepare_va(db, st, sql, types, ap));
    int row = 0;
    int status = ls_db_next(*st, &row);
    if (status != LS_OK) return status;
    int ok = row && !ls_db_col_is_null(*st, 0);
    if (found) *found = ok;
    else if (!ok) return ls_error_set(LS_ERR_INTERNAL, __FILE__, __LINE__, "%s: no value for: %s", db->path, sql);
    return LS_OK;
}

int ls_db_get_int(ls_db *db, long long *out, int *found, const char *sql, const char *types, ...)
{
    ls_db_stmt *st = NULL;
    int ok = 0;
    va_list ap;
    va_start(ap, types);
    int status = get_first(db, &st, &ok, sql, types, ap);
    va_end(ap);
    if (status == LS_OK && ok) *out = ls_db_col_int(st, 0);
    ls_db_finalize(st);
    if (status != LS_OK) return status;
    if (found) *found = ok;
    else if (!ok) LS_ERROR(LS_ERR_INTERNAL, "%s: no value for: %s", db->path, sql);
    return LS_OK;
}

int ls_db_get_double(ls_db *db, double *out, int *found, const char *sql, const char *types, ...)
{
    ls_db_stmt *st = NULL;
    int ok = 0;
    va_list ap;
    va_start(ap, types);
    int status = get_first(db, &st, &ok, sql, types, ap);
    va_end(ap);
    if (status == LS_OK && ok) *out = ls_db_col_double(st, 0);
    ls_db_finalize(st);
    if (status != LS_OK) return status;
    if (found) *found = ok;
    else if (!ok) LS_ERROR(LS_ERR_INTERNAL, "%s: no value for: %s", db->path, sql);
    return LS_OK;
}

int ls_db_get_text(ls_db *db, char *buf, int n_buf, int *found, const char *sql, const char *types, ...)
{
    ls_db_stmt *st = NULL;
    int ok = 0;
    va_list ap;
    va_start(ap, types);
    int status = get_first(db, &st, &ok, sql, types, ap);
    va_end(ap);
    if (status == LS_OK && ok && n_buf > 0) snprintf(buf, (size_t)n_buf, "%s", ls_db_col_text(st, 0));
    ls_db_finalize(st);
    if (status != LS_OK) return status;
    if (found) *found = ok;
    else if (!ok) LS_ERROR(LS_ERR_INTERNAL, "%s: no value for: %s", db->path, sql);
    return LS_OK;
}

int ls_db_has_table(ls_db *db, const char *name, int *exists)
{
    long long n = 0;
    LS_TRY(ls_db_get_int(db, &n, NULL, "SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name = ?1",
                         "s", name));
    *exists = n > 0;
    return LS_OK;
}

int ls_db_schema_version(ls_db *db, int *version, int *is_empty)
{
    long long v = 0, n = 0;
    LS_TRY(ls_db_get_int(db, &v, NULL, "PRAGMA user_version", NULL));
    LS_TRY(ls_db_get_int(db, &n, NULL, "SELECT count(*) FROM sqlite_master", NULL));
    *version = (int)v;
    *is_empty = n == 0 && v == 0;
    return LS_OK;
}

/* Ours (application id) and not newer than the program. */
static int check_identity(ls_db *db, int32_t app_id, const char *what, int n_steps, int version, int is_empty)
{
    long long id = 0;
    LS_TRY(ls_db_get_int(db, &id, NULL, "PRAGMA application_id", NULL));
    if (is_empty) return LS_OK;
    if ((int32_t)id != app_id)
        LS_ERROR(LS_ERR_INPUT,
                 "%s: not a Lodestone %s (SQLite application_id 0x%08llx, expected 0x%08x); it was left as "
                 "it was: give another --db path",
                 db->path, what, (unsigned long long)(uint32_t)id, (unsigned)app_id);
    if (version > n_steps)
        LS_ERROR(LS_ERR_INPUT,
                 "%s: schema version %d is newer than this program's (%d): it was written by a newer Lodestone; "
                 "use that version (the database was left as it was)",
                 db->path, version, n_steps);
    return LS_OK;
}

int ls_db_check_schema(ls_db *db, int32_t app_id, const char *what, int n_steps)
{
    int version = 0, is_empty = 0;
    LS_TRY(ls_db_schema_version(db, &version, &is_empty));
    if (is_empty)
        LS_ERROR(LS_ERR_INPUT, "%s: an empty database: no %s in it yet (was its first run stopped before it began?)",
                 db->path, what);
    return check_identity(db, app_id, what, n_steps, version, is_empty);
}

int ls_db_migrate(ls_db *db, int32_t app_id, const char *what, const ls_db_migration_fn *steps, int n_steps)
{
    int version = 0, is_empty = 0;
    LS_TRY(ls_db_schema_version(db, &version, &is_empty));
    LS_TRY(check_identity(db, app_id, what, n_steps, version, is_empty));
    if (version < n_steps && db->readonly)
        LS_ERROR(LS_ERR_INPUT, "%s: schema version %d needs an upgrade to %d, which a read-only open cannot do",
                 db->path, version, n_steps);
    if (!db->readonly) LS_TRY(ls_db_exec(db, "PRAGMA journal_mode = WAL"));
    for (int v = version; v < n_steps; v++) {
        LS_TRY(ls_db_begin(db));
        int status = LS_OK;
        if (v == 0) {
            char sql[64];
            snprintf(sql, sizeof sql, "PRAGMA application_id = %d", (int)app_id);
            LS_TRY_GOTO(status, ls_db_exec(db, sql), fail);
        }
        LS_TRY_GOTO(status, steps[v](db), fail);
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
        LS_TRY_GOTO(status, ls_db_exec(db, sql), fail);
        LS_TRY_GOTO(status, ls_db_commit(db), fail);
        continue;
    fail:
        ls_db_rollback(db);
        ls_error_prefix("%s: upgrading the schema from version %d: ", db->path, v);
        return status;
    }
    return LS_OK;
}
