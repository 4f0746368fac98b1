/* Launcher mode: the leader's side (campaign/launcher.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "campaign/farm.h"
#include "campaign/launcher.h"
#include "campaign/references.h"
#include "campaign/start.h"
#include "campaign/store_eval.h"
#include "common/err.h"
#include "common/log.h"
#include "common/stop.h"
#include "common/units.h"

/* ------------------------------------------------------------------ the campaign file */

/* Placeholders a template may use: NULL-terminated. */
static const char *const k_submit_keys[] = {"job", "tag", "name", "log", "work", NULL};
static const char *const k_job_keys[] = {"job_id", "tag", NULL};

static int check_template(const ls_config *c, const char *key, const char *t, const char *const *known)
{
    for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
        const char *e = strchr(p, '}');
        int ok = 0;
        for (int i = 0; e && known[i]; i++) ok |= (size_t)(e - p - 1) == strlen(known[i]) && !strncmp(p + 1, known[i], strlen(known[i]));
        if (!ok) {
            char list[256] = "";
            size_t n = 0;
            for (int i = 0; known[i]; i++) n += (size_t)snprintf(list + n, sizeof list - n, "%s{%s}", i ? ", " : "", known[i]);
            LS_ERROR(LS_ERR_INPUT, "%s:%d: launcher/%s: unknown placeholder '%.*s' (known: %s)", ls_config_name(c),
                     ls_config_line(c, key), key, e ? (int)(e - p + 1) : (int)strlen(p), p, list);
        }
    }
    return LS_OK;
}

static int read_template(const ls_config *c, const char *key, char *out, size_t n, const char *const *known)
{
    char path[64];
    snprintf(path, sizeof path, "launcher/%s", key);
    const char *t = NULL;
    LS_TRY(ls_config_opt_string(c, path, "", &t));
    if (strlen(t) >= n) LS_ERROR(LS_ERR_INPUT, "%s:%d: %s is longer than %zu characters", ls_config_name(c),
                                 ls_config_line(c, path), path, n - 1);
    snprintf(out, n, "%s", t);
    return t[0] ? check_template(c, path, t, known) : LS_OK;
}

int campaign_launcher_config_read(const ls_config *c, struct campaign_config *cfg)
{
    struct campaign_launcher *l = &cfg->launcher;
    memset(l, 0, sizeof *l);
    if (!ls_config_has(c, "launcher")) return LS_OK;
    static const char *const keys[] = {"submit", "status", "cancel", "max_jobs", "timeout", "poll", NULL};
    LS_TRY(ls_config_check_keys(c, "launcher", keys));
    LS_TRY(read_template(c, "submit", l->submit, sizeof l->submit, k_submit_keys));
    if (!l->submit[0] || !strstr(l->submit, "{job}"))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: launcher/submit is required and must run {job} (the job's command line), e.g. "
                 "\"sbatch --parsable -J {name} -o {log} --wrap \\\"{job}\\\"\"",
                 ls_config_name(c), ls_config_line(c, "launcher"));
    LS_TRY(read_template(c, "status", l->status, sizeof l->status, k_job_keys));
    LS_TRY(read_template(c, "cancel", l->cancel, sizeof l->cancel, k_job_keys));
    LS_TRY(ls_config_opt_int(c, "launcher/max_jobs", 4, &l->max_jobs));
    if (l->max_jobs < 1 || l->max_jobs > 100000)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: launcher/max_jobs must lie in 1..100000", ls_config_name(c),
                 ls_config_line(c, "launcher/max_jobs"));
    const double au_s = LS_AU_TIME_FS * 1e-15;
    double t = 0;
    LS_TRY(ls_config_opt_quantity(c, "launcher/timeout", LS_DIM_TIME, "s", 0, &t));
    l->timeout_s = t * au_s;
    LS_TRY(ls_config_opt_quantity(c, "launcher/poll", LS_DIM_TIME, "s", 10.0 / au_s, &t));
    l->poll_s = t * au_s;
    if (!(l->timeout_s >= 0 && l->poll_s >= 0.01 && l->poll_s <= 3600))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: launcher/timeout must be >= 0 (0: none) and launcher/poll within 0.01 s .. 1 h",
                 ls_config_name(c), ls_config_line(c, "launcher"));
    l->enabled = 1;
    return LS_OK;
}

/* ------------------------------------------------------------------ commands */

/* s in single quotes for sh ('\'' for a quote inside). */
static void sh_quote(const char *s, char *out, size_t n)
{
    size_t k = 0;
    if (k + 1 < n) out[k++] = '\'';
    for (; *s && k + 5 < n; s++) {
        if (*s == '\'') {
            memcpy(out + k, "'\\''", 4);
            k += 4;
        } else {
            out[k++] = *s;
        }
    }
    if (k + 1 < n) out[k++] = '\'';
    out[k] = 0;
}

/* tmpl with {key} replaced by vals[i] for keys[i]; LS_ERR_INPUT when the result is too long. */
static int expand(const char *tmpl, const char *const *keys, const char *const *vals, char *out, size_t n)
{
    size_t k = 0;
    for (const char *p = tmpl; *p;) {
        int hit = 0;
        if (*p == '{')
            for (int i = 0; keys[i] && !hit; i++) {
                size_t len = strlen(keys[i]);
                if (!strncmp(p + 1, keys[i], len) && p[1 + len] == '}') {
                    size_t lv = strlen(vals[i]);
                    if (k + lv >= n) LS_ERROR(LS_ERR_INPUT, "launcher command longer than %zu characters", n - 1);
                    memcpy(out + k, vals[i], lv);
                    k += lv;
                    p += len + 2;
                    hit = 1;
                }
            }
        if (hit) continue;
        if (k + 1 >= n) LS_ERROR(LS_ERR_INPUT, "launcher command longer than %zu characters", n - 1);
        out[k++] = *p++;
    }
    out[k] = 0;
    return LS_OK;
}

/* Run cmd with sh; its standard output (up to n - 1 bytes) and exit status (-1: not run or
 * killed by a signal). */
static int run_command(const char *cmd, char *output, size_t n)
{
    output[0] = 0;
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t k = 0, got;
    char buf[512];
    while ((got = fread(buf, 1, sizeof buf, p)) > 0) {
        size_t take = got < n - 1 - k ? got : n - 1 - k;
        memcpy(output + k, buf, take);
        k += take;
    }
    output[k] = 0;
    int st = pclose(p);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The last non-empty line's first word (sbatch --parsable: "12345" or "12345;cluster"). */
static void job_id_from(const char *output, char *id, size_t n)
{
    id[0] = 0;
    const char *line = output;
    for (const char *p = output; *p; p++)
        if (*p == '\n' && p[1] && p[1] != '\n') line = p + 1;
    while (*line == ' ' || *line == '\t') line++;
    size_t k = 0;
    while (line[k] && line[k] != '\n' && line[k] != ' ' && line[k] != '\t' && line[k] != ';' && k + 1 < n) k++;
    memcpy(id, line, k);
    id[k] = 0;
}

static double file_age_s(const char *path, int *exists)
{
    struct stat sb;
    *exists = stat(path, &sb) == 0;
    if (!*exists) return 0;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (double)(now.tv_sec - sb.st_mtim.tv_sec) + 1e-9 * (double)(now.tv_nsec - sb.st_mtim.tv_nsec);
}

/* ------------------------------------------------------------------ the loop */

struct job {
    long long row;     /* job table id, 0: none active */
    char tag[80];
    char id[128];      /* the scheduler's */
    double submitted;  /* Unix time */
};

static int active_job(campaign_store *st, long long eval_id, struct job *j)
{
    memset(j, 0, sizeof *j);
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q,
                       "SELECT id, tag, coalesce(scheduler_id, ''), submitted_unix FROM job WHERE evaluation_id = ?1 AND "
                       "state = 'submitted' ORDER BY id DESC LIMIT 1",
                       "i", eval_id));
    int row = 0, status = ls_db_next(q, &row);
    if (status == LS_OK && row) {
        j->row = ls_db_col_int(q, 0);
        snprintf(j->tag, sizeof j->tag, "%s", ls_db_col_text(q, 1));
        snprintf(j->id, sizeof j->id, "%s", ls_db_col_text(q, 2));
        j->submitted = ls_db_col_double(q, 3);
    }
    ls_db_finalize(q);
    return status;
}

static int job_end(campaign_store *st, const struct job *j, const char *state, const char *reason)
{
    char utc[32];
    campaign_utc_now(utc);
    LS_TRY(ls_db_begin(st->db));
    int status = ls_db_run(st->db, "UPDATE job SET state = ?1, ended_utc = ?2, reason = ?3 WHERE id = ?4", "sssi", state,
                           utc, reason, j->row);
    if (status == LS_OK && strcmp(state, "ended"))
        status = campaign_store_event(st, -1, "job", "job %s (scheduler id %s) %s: %s", j->tag, j->id[0] ? j->id : "-",
                                      state, reason ? reason : "");
    if (status != LS_OK) {
        ls_db_rollback(st->db);
        return status;
    }
    return ls_db_commit(st->db);
}

/* Whether every start of c has a result: recorded in the store, or its result file written. */
static int all_results(const struct campaign_launch *L, long long eval_id, const struct campaign_candidate *c, int *all)
{
    *all = 1;
    for (int k = 0; k < c->n_start && *all; k++) {
        char hash[65], path[4300];
        LS_TRY(campaign_start_hash(L->cfg, c, k, hash));
        long long n = 0;
        LS_TRY(ls_db_get_int(L->st->db, &n, NULL,
                             "SELECT count(*) FROM dft_run WHERE evaluation_id = ?1 AND input_sha256 = ?2 AND state <> "
                             "'pending'",
                             "is", eval_id, hash));
        if (n) continue;
        campaign_start_result_path(L->st->work_dir, hash, path, sizeof path);
        *all = access(path, F_OK) == 0;
    }
    return LS_OK;
}

/* Why an active job is to be given up on ("" if it is fine); *failed: it ended (exit file). */
static void judge(const struct campaign_launch *L, const struct job *j, char *why, size_t n, int *failed)
{
    const struct campaign_launcher *l = &L->cfg->launcher;
    why[0] = 0;
    *failed = 0;
    char path[4300];
    int exists = 0;
    snprintf(path, sizeof path, "%s/jobs/%s.exit", L->st->work_dir, j->tag);
    file_age_s(path, &exists);
    if (exists) {
        char line[512] = "";
        FILE *f = fopen(path, "r");
        if (f) {
            char head[64];
            if (fgets(head, sizeof head, f) && fgets(line, sizeof line, f)) line[strcspn(line, "\n")] = 0;
            fclose(f);
        }
        snprintf(why, n, "the job ended without a result for every start: %s", line[0] ? line : "(no message)");
        *failed = 1;
        return;
    }
    snprintf(path, sizeof path, "%s/jobs/%s.alive", L->st->work_dir, j->tag);
    double age = file_age_s(path, &exists);
    if (exists && age > L->cfg->stale_s) {
        snprintf(why, n, "no heartbeat for %.0f s (retry/stale_after %.0f s): the job died", age, L->cfg->stale_s);
        return;
    }
    double ran = campaign_unix_now() - j->submitted;
    if (l->timeout_s > 0 && ran > l->timeout_s) {
        snprintf(why, n, "still not finished %.0f s after submission (launcher/timeout %.0f s)", ran, l->timeout_s);
        return;
    }
    if (l->status[0] && j->id[0]) {
        const char *keys[] = {"job_id", "tag", NULL}, *vals[] = {j->id, j->tag};
        char cmd[2048], out[256];
        if (expand(l->status, keys, vals, cmd, sizeof cmd) != LS_OK) return;
        int rc = run_command(cmd, out, sizeof out);
        int blank = 1;
        for (const char *p = out; *p; p++) blank &= *p == ' ' || *p == '\n' || *p == '\t';
        if (rc >= 0 && blank) snprintf(why, n, "the scheduler no longer knows job %s and it left no exit file", j->id);
    }
}

static int submit(const struct campaign_launch *L, long long eval_id, const struct campaign_candidate *c, long long cand_id,
                  int attempt)
{
    const struct campaign_launcher *l = &L->cfg->launcher;
    char tag[80], name[64], exe[4096], q_exe[4200], q_cfg[4200], q_work[4200], job[16384], log[4300], cmd[20480];
    snprintf(tag, sizeof tag, "e%lld-a%d", eval_id, attempt);
    size_t k = 0;
    for (const char *p = c->name; *p && k + 1 < sizeof name; p++)
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) name[k++] = *p;
    name[k] = 0;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) LS_ERROR(LS_ERR_IO, "cannot find this program's path (/proc/self/exe) for the job command");
    exe[n] = 0;
    char cfg_abs[4096];
    if (!realpath(L->cfg->path, cfg_abs)) LS_ERROR(LS_ERR_IO, "%s: cannot resolve its absolute path", L->cfg->path);
    sh_quote(exe, q_exe, sizeof q_exe);
    sh_quote(cfg_abs, q_cfg, sizeof q_cfg);
    sh_quote(L->st->work_dir, q_work, sizeof q_work);
    snprintf(job, sizeof job, "%s campaign job %s --work %s --candidate %lld --tag %s --threads %d", q_exe, q_cfg, q_work,
             cand_id, tag, L->n_threads);
    snprintf(log, sizeof log, "%s/jobs/%s.log", L->st->work_dir, tag);
    const char *keys[] = {"job", "tag", "name", "log", "work", NULL}, *vals[] = {job, tag, name, log, L->st->work_dir};
    LS_TRY(expand(l->submit, keys, vals, cmd, sizeof cmd));
    /* Its error output to a file, for the reason when the submission fails. */
    char err_path[4300], q_err[4400], wrapped[sizeof cmd + 4500];
    snprintf(err_path, sizeof err_path, "%s/jobs/%s.submit-err", L->st->work_dir, tag);
    sh_quote(err_path, q_err, sizeof q_err);
    snprintf(wrapped, sizeof wrapped, "{ %s\n} 2> %s", cmd, q_err);
    char out[4096] = "", id[128] = "", err[300] = "";
    int rc = 0;
    if (L->farm) {
        int group = -1;
        LS_TRY(campaign_farm_submit(L->farm, tag, cand_id, L->st->work_dir, &group));
        if (group < 0) return LS_OK; /* every group busy: the next look */
        snprintf(id, sizeof id, "mpi:group %d", group);
    } else {
        rc = run_command(wrapped, out, sizeof out);
        job_id_from(out, id, sizeof id);
    }
    FILE *fe = fopen(err_path, "r");
    if (fe) {
        size_t got = fread(err, 1, sizeof err - 1, fe);
        err[got] = 0;
        for (char *p = err; *p; p++)
            if (*p == '\n') *p = ' ';
        fclose(fe);
    }
    char utc[32];
    campaign_utc_now(utc);
    const char *state = rc == 0 ? "submitted" : "failed";
    char reason[512] = "";
    if (rc != 0) snprintf(reason, sizeof reason, "the submit command exited with %d: %.200s %.200s", rc, err, out);
    LS_TRY(ls_db_begin(L->st->db));
    int status = ls_db_run(L->st->db,
                           "INSERT INTO job (evaluation_id, attempt, tag, scheduler_id, state, submitted_unix, "
                           "submitted_utc, ended_utc, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           "iisssdsss", eval_id, (long long)attempt, tag, id[0] ? id : NULL, state, campaign_unix_now(), utc,
                           rc == 0 ? NULL : utc, rc == 0 ? NULL : reason);
    if (status == LS_OK)
        status = campaign_store_event(L->st, -1, "job", "job %s for %s %s (scheduler id %s)%s%s", tag, c->name,
                                      rc == 0 ? "submitted" : "not submitted", id[0] ? id : "-", rc ? ": " : "", reason);
    if (status != LS_OK) {
        ls_db_rollback(L->st->db);
        return status;
    }
    LS_TRY(ls_db_commit(L->st->db));
    if (rc == 0) ls_log_info("campaign: job %s for %s submitted (scheduler id %s)", tag, c->name, id[0] ? id : "-");
    else ls_log_warn("campaign: job %s for %s: %s", tag, c->name, reason);
    return LS_OK;
}

/* One look at evaluation i: recorded, given up, or its job judged and perhaps a new one
 * submitted.  *resolved when nothing is left to do for it. */
static int tend(const struct campaign_launch *L, long long eval_id, long long cand_id, int *n_active, int *resolved)
{
    *resolved = 0;
    const struct campaign_candidate *c = campaign_space_candidate(L->cands, L->refs, cand_id);
    if (!c) LS_ERROR(LS_ERR_INPUT, "%s: evaluation %lld names candidate %lld, which this campaign does not have",
                     L->st->path, eval_id, cand_id);
    struct job j;
    LS_TRY(active_job(L->st, eval_id, &j));
    int all = 0;
    LS_TRY(all_results(L, eval_id, c, &all));
    if (all) {
        if (j.row) {
            LS_TRY(job_end(L->st, &j, "ended", NULL));
            (*n_active)--;
        }
        long long round = 0;
        LS_TRY(ls_db_get_int(L->st->db, &round, NULL, "SELECT round_id FROM evaluation WHERE id = ?1", "i", eval_id));
        LS_TRY(L->record(L->ctx, eval_id, cand_id, (int)round));
        *resolved = 1;
        return LS_OK;
    }
    if (j.row) {
        char why[600];
        int failed = 0;
        judge(L, &j, why, sizeof why, &failed);
        if (!why[0]) return LS_OK; /* queued or running */
        /* The results may have landed between the looks: check again before giving up. */
        LS_TRY(all_results(L, eval_id, c, &all));
        if (all) return LS_OK;
        if (!failed && L->cfg->launcher.cancel[0] && j.id[0]) {
            const char *keys[] = {"job_id", "tag", NULL}, *vals[] = {j.id, j.tag};
            char cmd[2048], out[256];
            if (expand(L->cfg->launcher.cancel, keys, vals, cmd, sizeof cmd) == LS_OK) run_command(cmd, out, sizeof out);
        }
        ls_log_warn("campaign: job %s for %s %s: %s", j.tag, c->name, failed ? "failed" : "lost", why);
        LS_TRY(job_end(L->st, &j, failed ? "failed" : "lost", why));
        (*n_active)--;
    }
    long long n_jobs = 0, n_bad = 0;
    LS_TRY(ls_db_get_int(L->st->db, &n_jobs, NULL, "SELECT count(*) FROM job WHERE evaluation_id = ?1", "i", eval_id));
    LS_TRY(ls_db_get_int(L->st->db, &n_bad, NULL,
                         "SELECT count(*) FROM job WHERE evaluation_id = ?1 AND state IN ('failed', 'lost')", "i", eval_id));
    if (n_bad >= L->cfg->max_attempts) {
        char last[600] = "", reason[800], utc[32];
        int found = 0;
        LS_TRY(ls_db_get_text(L->st->db, last, sizeof last, &found,
                              "SELECT reason FROM job WHERE evaluation_id = ?1 ORDER BY id DESC LIMIT 1", "i", eval_id));
        snprintf(reason, sizeof reason, "%lld job(s) failed or lost (retry/max_attempts %d); the last: %s", n_bad,
                 L->cfg->max_attempts, last);
        campaign_utc_now(utc);
        LS_TRY(ls_db_begin(L->st->db));
        int status = ls_db_run(L->st->db,
                               "UPDATE evaluation SET state = 'failed', finished_utc = ?1, reason = ?2, attempt = ?3 WHERE "
                               "id = ?4 AND state = 'proposed'",
                               "ssii", utc, reason, n_jobs, eval_id);
        if (status == LS_OK) status = campaign_store_event(L->st, -1, "failed", "%s: %s", c->name, reason);
        if (status != LS_OK) {
            ls_db_rollback(L->st->db);
            return status;
        }
        LS_TRY(ls_db_commit(L->st->db));
        ls_log_warn("campaign: %s failed: %s", c->name, reason);
        *resolved = 1;
        return LS_OK;
    }
    if (*n_active >= L->cfg->launcher.max_jobs) return LS_OK;
    LS_TRY(submit(L, eval_id, c, cand_id, (int)n_jobs + 1));
    LS_TRY(active_job(L->st, eval_id, &j));
    if (j.row) (*n_active)++;
    return LS_OK;
}

/* The farm's report of a job stopped by a signal: ended, not counted as an attempt (its runs
 * continue from their checkpoints next time). */
static int job_stopped(void *ctx, const char *tag)
{
    const struct campaign_launch *L = ctx;
    char utc[32];
    campaign_utc_now(utc);
    return ls_db_run(L->st->db,
                     "UPDATE job SET state = 'ended', ended_utc = ?1, reason = 'stopped by a signal; its runs continue "
                     "from their checkpoints' WHERE tag = ?2 AND state = 'submitted'",
                     "ss", utc, tag);
}

/* After a stop signal in the farm: the groups stop at their checkpoints and report; wait for
 * them (up to retry/stale_after) so that their jobs are not taken for lost next time. */
static void farm_drain(const struct campaign_launch *L)
{
    double t0 = campaign_unix_now();
    int n_rep = 0, n_busy = 1;
    while (n_busy > 0 && campaign_unix_now() - t0 < L->cfg->stale_s)
        if (campaign_farm_collect(L->farm, 0.5, job_stopped, (void *)L, &n_rep, &n_busy) != LS_OK) break;
}

int campaign_launcher_work(const struct campaign_launch *L, int *hungry)
{
    *hungry = 0;
    long long *ev = NULL, *cd = NULL;
    int n = 0;
    LS_TRY(campaign_store_work(L->st, &ev, &cd, &n));
    unsigned char *done = calloc((size_t)n + 1, 1);
    if (!done) {
        free(ev), free(cd);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    char jobs[4200];
    snprintf(jobs, sizeof jobs, "%s/jobs", L->st->work_dir);
    mkdir(jobs, 0777);
    int status = LS_OK, left = n;
    long long active = 0;
    status = ls_db_get_int(L->st->db, &active, NULL, "SELECT count(*) FROM job WHERE state = 'submitted'", NULL);
    int n_active = (int)active;
    while (status == LS_OK && (left > 0 || L->overlap || L->ready)) {
        for (int i = 0; i < n && status == LS_OK; i++) {
            if (done[i]) continue;
            int resolved = 0;
            status = tend(L, ev[i], cd[i], &n_active, &resolved);
            if (resolved) done[i] = 1, left--;
        }
        if (status != LS_OK) break;
        /* Fewer evaluations wait for a slot than there are slots: propose the next batch now, so
         * that it is ready (the search runs in its own thread) before the slots run dry. */
        if (L->overlap && left - n_active < L->cfg->launcher.max_jobs) {
            *hungry = 1;
            break;
        }
        if (L->ready && atomic_load(L->ready)) break;
        if (left == 0 && !L->ready) break;
        if (L->farm) {
            /* Until a group reports (each report is a look's worth of news), or the poll time. */
            int n_rep = 0, n_busy = 0;
            for (double waited = 0; waited < L->cfg->launcher.poll_s && !ls_stop_requested() && status == LS_OK && !n_rep &&
                                    !(L->ready && atomic_load(L->ready));
                 waited += 0.05)
                status = campaign_farm_collect(L->farm, 0.05, job_stopped, (void *)L, &n_rep, &n_busy);
        } else {
            /* Wait for the next look, in slices so that a stop signal is seen at once. */
            for (double waited = 0; waited < L->cfg->launcher.poll_s && !ls_stop_requested() && !(L->ready && atomic_load(L->ready));
                 waited += 0.02) {
                struct timespec ts = {0, 20 * 1000 * 1000};
                nanosleep(&ts, NULL);
            }
        }
        if (status == LS_OK && ls_stop_requested()) {
            if (L->farm) {
                farm_drain(L);
                status = ls_error_set(LS_ERR_INTERRUPTED, __FILE__, __LINE__,
                                      "stopped by a signal; the groups stopped at their checkpoints: run the same "
                                      "'lodestone campaign run' command again to resume");
            } else {
                status = ls_error_set(LS_ERR_INTERRUPTED, __FILE__, __LINE__,
                                      "stopped by a signal; %d submitted job(s) go on in the scheduler: run the same "
                                      "'lodestone campaign run' command again to collect them",
                                      n_active);
            }
        }
    }
    free(ev), free(cd), free(done);
    return status;
}
