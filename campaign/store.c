/* The campaign store: opening, the runner lock, the event log, settings and candidates.
 * See campaign/store.h. */
#include "campaign/store.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "campaign/store_util.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/sha256.h"

void campaign_utc_now(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double campaign_unix_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int campaign_structure_to_xyz(const ls_structure *s, char **text)
{
    *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(text, &len);
    if (!fp) LS_ERROR(LS_ERR_NOMEM, "out of memory writing a structure");
    int status = ls_extxyz_write(fp, "(database)", s);
    if (fclose(fp) != 0 && status == LS_OK) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    if (status != LS_OK) {
        free(*text);
        *text = NULL;
    }
    return status;
}

int campaign_structure_from_xyz(const char *text, const char *what, ls_structure **out)
{
    *out = NULL;
    ls_structure_list *l = NULL;
    LS_TRY(ls_extxyz_read_text(text, what, &l));
    if (l->n != 1) {
        ls_structure_list_destroy(l);
        LS_ERROR(LS_ERR_INPUT, "%s: expected one structure, found %d", what, l->n);
    }
    *out = l->items[0];
    l->items[0] = NULL;
    l->n = 0;
    ls_structure_list_destroy(l);
    return LS_OK;
}

int campaign_store_open(const char *path, int readonly, campaign_store **out)
{
    *out = NULL;
    campaign_store *st = calloc(1, sizeof *st);
    if (!st) LS_ERROR(LS_ERR_NOMEM, "out of memory opening %s", path);
    snprintf(st->path, sizeof st->path, "%s", path);
    snprintf(st->work_dir, sizeof st->work_dir, "%s.files", path);
    if (gethostname(st->host, sizeof st->host) != 0) snprintf(st->host, sizeof st->host, "unknown");
    st->host[sizeof st->host - 1] = 0;
    st->pid = (int)getpid();
    st->readonly = readonly;
    snprintf(st->version, sizeof st->version, "unknown");
    snprintf(st->git, sizeof st->git, "unknown");
    int status = LS_OK;
    LS_TRY_GOTO(status, ls_db_open(path, readonly ? LS_DB_READONLY : LS_DB_CREATE, &st->db), fail);
    if (readonly) {
        LS_TRY_GOTO(status,
                    ls_db_check_schema(st->db, LS_DB_APP_ID_CAMPAIGN, "campaign database", CAMPAIGN_SCHEMA_VERSION),
                    fail);
    } else {
        LS_TRY_GOTO(status,
                    ls_db_migrate(st->db, LS_DB_APP_ID_CAMPAIGN, "campaign database", campaign_schema_steps,
                                  CAMPAIGN_SCHEMA_VERSION),
                    fail);
        if (mkdir(st->work_dir, 0777) != 0 && errno != EEXIST)
            LS_ERROR_GOTO(status, LS_ERR_IO, fail, "%s: cannot create the folder of the campaign's files: %s",
                          st->work_dir, strerror(errno));
    }
    *out = st;
    return LS_OK;
fail:
    campaign_store_close(st);
    return status;
}

void campaign_store_close(campaign_store *st)
{
    if (!st) return;
    ls_db_close(st->db);
    free(st);
}

int campaign_store_event(campaign_store *st, int round, const char *kind, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char utc[32];
    campaign_utc_now(utc);
    return ls_db_run(st->db, "INSERT INTO event (utc, round_id, kind, message) VALUES (?1, ?2, ?3, ?4)", "siss", utc,
                     (long long)round, kind, msg);
}

/* ------------------------------------------------------------------ the runner lock */

int campaign_process_alive(int pid)
{
    if (pid <= 0) return 0;
    if (kill((pid_t)pid, 0) == 0) return 1;
    return errno == EPERM; /* exists, owned by another user */
}

int campaign_store_lock(campaign_store *st, double stale_s)
{
    LS_TRY(ls_db_begin(st->db));
    int status = LS_OK;
    ls_db_stmt *q = NULL;
    LS_TRY_GOTO(status, ls_db_query(st->db, &q, "SELECT host, pid, heartbeat, started_utc FROM runner WHERE id = 1", NULL),
                fail);
    int row = 0;
    LS_TRY_GOTO(status, ls_db_next(q, &row), fail);
    if (row) {
        char host[256], started[64];
        snprintf(host, sizeof host, "%s", ls_db_col_text(q, 0));
        snprintf(started, sizeof started, "%s", ls_db_col_text(q, 3));
        int pid = (int)ls_db_col_int(q, 1);
        double age = campaign_unix_now() - ls_db_col_double(q, 2);
        int same_host = !strcmp(host, st->host);
        int alive = same_host ? (pid != st->pid && campaign_process_alive(pid)) : age < stale_s;
        if (alive)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, fail,
                          "%s: the campaign is being run by process %d on %s (started %s, heartbeat %.0f s ago); one "
                          "process writes a campaign at a time: wait for it, or stop it (it saves its state)",
                          st->path, pid, host, started, age);
    }
    ls_db_finalize(q);
    q = NULL;
    char utc[32];
    campaign_utc_now(utc);
    LS_TRY_GOTO(status,
                ls_db_run(st->db,
                          "INSERT OR REPLACE INTO runner (id, host, pid, started_utc, heartbeat) VALUES (1, ?1, ?2, ?3, ?4)",
                          "sisd", st->host, (long long)st->pid, utc, campaign_unix_now()),
                fail);
    return ls_db_commit(st->db);
fail:
    ls_db_finalize(q);
    ls_db_rollback(st->db);
    return status;
}

void campaign_store_unlock(campaign_store *st)
{
    if (!st || st->readonly) return;
    ls_db_run(st->db, "DELETE FROM runner WHERE id = 1 AND host = ?1 AND pid = ?2", "si", st->host, (long long)st->pid);
}

int campaign_store_heartbeat(campaign_store *st, long long eval_id)
{
    double now = campaign_unix_now();
    LS_TRY(ls_db_begin(st->db));
    int status = ls_db_run(st->db, "UPDATE runner SET heartbeat = ?1 WHERE id = 1 AND pid = ?2", "di", now,
                           (long long)st->pid);
    if (status == LS_OK && eval_id > 0)
        status = ls_db_run(st->db, "UPDATE evaluation SET heartbeat = ?1 WHERE id = ?2 AND state = 'running'", "di",
                           now, eval_id);
    if (status != LS_OK) {
        ls_db_rollback(st->db);
        return status;
    }
    return ls_db_commit(st->db);
}

/* ------------------------------------------------------------------ settings */

/* The value of `key` in canonical text (a pointer into a static buffer), NULL if absent. */
static const char *canon_value(const char *text, const char *key, char *buf, size_t n)
{
    size_t kl = strlen(key);
    for (const char *p = text; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > kl + 3 && !strncmp(p, key, kl) && !strncmp(p + kl, " = ", 3)) {
            size_t vl = len - kl - 3;
            if (vl >= n) vl = n - 1;
            memcpy(buf, p + kl + 3, vl);
            buf[vl] = 0;
            return buf;
        }
        p = eol ? eol + 1 : NULL;
    }
    return NULL;
}

/* Visit every key of a canonical text. */
static int canon_keys(const char *text, char keys[][64], int max)
{
    int n = 0;
    for (const char *p = text; p && *p && n < max;) {
        const char *eq = strstr(p, " = ");
        const char *eol = strchr(p, '\n');
        if (eq && (!eol || eq < eol)) {
            size_t kl = (size_t)(eq - p);
            if (kl >= 64) kl = 63;
            memcpy(keys[n], p, kl);
            keys[n][kl] = 0;
            n++;
        }
        p = eol ? eol + 1 : NULL;
    }
    return n;
}

int campaign_store_sync_settings(campaign_store *st, const struct campaign_config *cfg, const char *yaml,
                                 int *n_changed)
{
    *n_changed = 0;
    char *canon = NULL;
    LS_TRY(campaign_config_canonical(cfg, &canon));
    char sha[65];
    ls_sha256_hex(canon, strlen(canon), sha);
    int status = LS_OK;
    ls_db_stmt *q = NULL;
    char (*keys)[64] = NULL;
    LS_TRY_GOTO(status, ls_db_begin(st->db), done);
    LS_TRY_GOTO(status, ls_db_query(st->db, &q, "SELECT id, canonical, canonical_sha256 FROM settings ORDER BY id DESC LIMIT 1",
                                    NULL),
                fail);
    int row = 0;
    LS_TRY_GOTO(status, ls_db_next(q, &row), fail);
    long long next_round = 1;
    {
        long long r = 0;
        int found = 0;
        LS_TRY_GOTO(status, ls_db_get_int(st->db, &r, &found, "SELECT max(id) FROM round", NULL), fail);
        if (found) next_round = r + 1;
    }
    if (row && !strcmp(ls_db_col_text(q, 2), sha)) {
        st->settings_id = ls_db_col_int(q, 0);
        ls_db_finalize(q);
        q = NULL;
        LS_TRY_GOTO(status, ls_db_commit(st->db), done);
        goto done;
    }
    char utc[32];
    campaign_utc_now(utc);
    if (row) {
        /* A resume with other settings: name every change; binding ones refuse the run. */
        const char *old = ls_db_col_text(q, 1);
        keys = malloc(2 * 256 * sizeof *keys);
        if (!keys) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory comparing settings");
        int nk = canon_keys(old, keys, 256);
        nk += canon_keys(canon, keys + nk, 256);
        char changes[4096] = "", refused[4096] = "";
        size_t lc = 0, lr = 0;
        for (int i = 0; i < nk; i++) {
            int seen = 0;
            for (int j = 0; j < i; j++) seen |= !strcmp(keys[i], keys[j]);
            if (seen) continue;
            char a[512], b[512];
            const char *va = canon_value(old, keys[i], a, sizeof a);
            const char *vb = canon_value(canon, keys[i], b, sizeof b);
            if (va && vb && !strcmp(va, vb)) continue;
            (*n_changed)++;
            int binding = campaign_config_key_is_binding(keys[i]);
            char *buf = binding ? refused : changes;
            size_t *len = binding ? &lr : &lc;
            if (*len < 3000)
                *len += (size_t)snprintf(buf + *len, 4096 - *len, "%s%s: '%s' -> '%s'", *len ? "; " : "", keys[i],
                                         va ? va : "(none)", vb ? vb : "(none)");
        }
        if (lr)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, fail,
                          "%s: these settings changed since the campaign in %s began, and would make its stored results "
                          "another campaign's: %s. Revert them, or start a new database (--db)",
                          cfg->path, st->path, refused);
        ls_log_warn("campaign: settings changed since the last run (applied from round %lld on): %s", next_round,
                    changes);
        LS_TRY_GOTO(status, campaign_store_event(st, (int)next_round, "settings", "changed from round %lld on: %s",
                                                 next_round, changes),
                    fail);
    } else {
        LS_TRY_GOTO(status,
                    ls_db_run(st->db,
                              "INSERT INTO campaign (id, name, created_utc, program_version, git_revision) VALUES "
                              "(1, ?1, ?2, ?3, ?4)",
                              "ssss", cfg->name, utc, st->version, st->git),
                    fail);
    }
    ls_db_finalize(q);
    q = NULL;
    LS_TRY_GOTO(status,
                ls_db_run(st->db,
                          "INSERT INTO settings (created_utc, config_path, yaml, canonical, canonical_sha256, from_round) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          "sssssi", utc, cfg->path, yaml, canon, sha, next_round),
                fail);
    st->settings_id = ls_db_last_id(st->db);
    LS_TRY_GOTO(status, ls_db_commit(st->db), done);
    goto done;
fail:
    ls_db_finalize(q);
    ls_db_rollback(st->db);
done:
    free(keys);
    free(canon);
    return status;
}

/* ------------------------------------------------------------------ candidates */

static int insert_candidate(campaign_store *st, long long id, const struct campaign_candidate *c, const char *role,
                            const struct campaign_config *cfg)
{
    char *xyz = NULL;
    LS_TRY(campaign_structure_to_xyz(c->s, &xyz));
    char features[1024];
    size_t len = 0;
    len += (size_t)snprintf(features, sizeof features, "[");
    for (int k = 0; k < CAMPAIGN_N_FEATURES; k++)
        len += (size_t)snprintf(features + len, sizeof features - len, "%s%.17g", k ? ", " : "", c->features[k]);
    snprintf(features + len, sizeof features - len, "]");
    char elements[64] = "", flagged[512] = "";
    size_t le = 0, lf = 0;
    int counted[119] = {0};
    for (int ia = 0; ia < c->s->n_atom; ia++) counted[c->s->z[ia]]++;
    int listed[CAMPAIGN_MAX_SITES], n_listed = 0;
    for (int r = 0; r < c->proto->n_role; r++) {
        int z = c->z_role[r], dup = 0;
        for (int k = 0; k < n_listed; k++) dup |= listed[k] == z;
        if (dup || counted[z] == 0) continue;
        listed[n_listed++] = z;
        le += (size_t)snprintf(elements + le, sizeof elements - le, "%s%s", le ? " " : "", ls_element_symbol(z));
        for (int k = 0; k < cfg->n_flagged; k++)
            if (cfg->flagged[k] == z)
                lf += (size_t)snprintf(flagged + lf, sizeof flagged - lf, "%s%s: %s", lf ? "; " : "",
                                       ls_element_symbol(z), cfg->flag_reason[k]);
    }
    int status = ls_db_run(st->db,
                           "INSERT INTO candidate (id, fingerprint, role, name, formula, prototype, elements, n_atom, "
                           "spacegroup, volume_a3_per_atom, c_over_a, n_start, flagged, features, structure_xyz) VALUES "
                           "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                           "issssssiiddisss", id, c->fingerprint, role, c->name, c->formula, c->proto->name, elements,
                           (long long)c->s->n_atom, (long long)c->spacegroup, c->volume_a3, c->c_over_a,
                           (long long)c->n_start, lf ? flagged : NULL, features, xyz);
    free(xyz);
    if (status != LS_OK) return status;
    for (int k = 0; k < n_listed; k++)
        LS_TRY(ls_db_run(st->db, "INSERT INTO candidate_element (candidate_id, z, symbol, fraction) VALUES (?1, ?2, ?3, ?4)",
                         "iisd", id, (long long)listed[k], ls_element_symbol(listed[k]),
                         (double)counted[listed[k]] / c->s->n_atom));
    return LS_OK;
}

int campaign_store_sync_candidates(campaign_store *st, const struct campaign_candidate_list *cands,
                                   const struct campaign_candidate_list *refs, const struct campaign_config *cfg)
{
    long long n = 0;
    LS_TRY(ls_db_get_int(st->db, &n, NULL, "SELECT count(*) FROM candidate", NULL));
    if (n > 0) {
        /* A resume: the stored candidates must be this configuration's (the binding settings
         * are equal, so only a program that enumerates differently can fail this). */
        if (n != cands->n + refs->n)
            LS_ERROR(LS_ERR_INPUT, "%s: holds %lld candidates, this program enumerates %d for %s: a database of another "
                     "version of Lodestone; start a new one", st->path, n, cands->n + refs->n, cfg->path);
        ls_db_stmt *q = NULL;
        LS_TRY(ls_db_query(st->db, &q, "SELECT id, fingerprint FROM candidate ORDER BY id", NULL));
        int row = 0, status = LS_OK;
        while ((status = ls_db_next(q, &row)) == LS_OK && row) {
            long long id = ls_db_col_int(q, 0);
            const struct campaign_candidate *c =
                id <= cands->n ? &cands->items[id - 1] : &refs->items[id - 1 - cands->n];
            if (strcmp(ls_db_col_text(q, 1), c->fingerprint)) {
                status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__,
                                      "%s: candidate %lld is not %s of this program's enumeration; start a new database",
                                      st->path, id, c->name);
                break;
            }
        }
        ls_db_finalize(q);
        return status;
    }
    LS_TRY(ls_db_begin(st->db));
    int status = LS_OK;
    for (int i = 0; i < cands->n && status == LS_OK; i++)
        status = insert_candidate(st, i + 1, &cands->items[i], "search", cfg);
    for (int i = 0; i < refs->n && status == LS_OK; i++)
        status = insert_candidate(st, cands->n + i + 1, &refs->items[i], "reference", cfg);
    if (status == LS_OK)
        status = campaign_store_event(st, 0, "candidates", "%d candidates and %d reference phases enumerated", cands->n,
                                      refs->n);
    if (status != LS_OK) {
        ls_db_rollback(st->db);
        return status;
    }
    return ls_db_commit(st->db);
}

/* ------------------------------------------------------------------ goals of the settings in force */

const char *campaign_property_column(enum campaign_property p)
{
    switch (p) {
    case CAMPAIGN_PROP_MS_TESLA: return "ms_tesla";
    case CAMPAIGN_PROP_MOMENT_MUB_PER_ATOM: return "moment_mub_per_atom";
    case CAMPAIGN_PROP_FORMATION_EV_PER_ATOM: return "formation_energy_ev_per_atom";
    case CAMPAIGN_PROP_HULL_EV_PER_ATOM: return "e_above_hull_ev_per_atom";
    case CAMPAIGN_PROP_TC_K: return "tc_mean_field_k";
    default: return "NULL";
    }
}

static int property_from_name(const char *name, enum campaign_property *p)
{
    for (int k = 0; k < CAMPAIGN_N_PROPS; k++)
        if (!strcmp(name, campaign_property_name((enum campaign_property)k))) {
            *p = (enum campaign_property)k;
            return 1;
        }
    return 0;
}

int campaign_store_goals(campaign_store *st, struct campaign_goals *g)
{
    memset(g, 0, sizeof *g);
    char *canon = NULL;
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q, "SELECT canonical FROM settings ORDER BY id DESC LIMIT 1", NULL));
    int row = 0, status = ls_db_next(q, &row);
    if (status == LS_OK && row) canon = strdup(ls_db_col_text(q, 0));
    ls_db_finalize(q);
    if (status != LS_OK) return status;
    if (!canon) LS_ERROR(LS_ERR_INPUT, "%s: no settings stored: the campaign never ran", st->path);
    for (char *line = strtok(canon, "\n"); line; line = strtok(NULL, "\n")) {
        char name[64], rel[4], unit[32];
        double v = 0;
        int k = 0;
        if (sscanf(line, "objective.%d = %63s %3s", &k, name, rel) == 3 && g->n_obj < CAMPAIGN_MAX_OBJECTIVES) {
            if (property_from_name(name, &g->obj[g->n_obj].prop)) {
                g->obj[g->n_obj].maximise = !strcmp(rel, "max");
                g->n_obj++;
            }
        } else if (sscanf(line, "constraint.%d = %63s %3s %lf %31s", &k, name, rel, &v, unit) >= 4 &&
                   g->n_con < CAMPAIGN_MAX_CONSTRAINTS) {
            if (property_from_name(name, &g->con[g->n_con].prop)) {
                g->con[g->n_con].upper = !strcmp(rel, "<=");
                g->con[g->n_con].bound = v;
                g->n_con++;
            }
        } else if (sscanf(line, "budget.dft_evaluations = %d", &k) == 1) {
            g->budget = k;
        }
    }
    free(canon);
    if (g->n_obj == 0) {
        g->n_obj = 1;
        g->obj[0].prop = CAMPAIGN_PROP_MS_TESLA;
        g->obj[0].maximise = 1;
    }
    return LS_OK;
}

void campaign_goals_feasible_sql(const struct campaign_goals *g, char *buf, size_t n)
{
    size_t len = (size_t)snprintf(buf, n, "(1");
    for (int k = 0; k < g->n_con && len < n; k++)
        len += (size_t)snprintf(buf + len, n - len, " AND %s %s %.17g", campaign_property_column(g->con[k].prop),
                                g->con[k].upper ? "<=" : ">=", g->con[k].bound);
    if (len < n) snprintf(buf + len, n - len, ")");
}
