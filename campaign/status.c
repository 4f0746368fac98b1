/* `campaign status`: what a campaign has done and where it stands, from the database alone
 * (read-only; runs while `campaign run` writes). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign/store.h"
#include "campaign/store_util.h"
#include "common/err.h"
#include "common/json.h"

struct status_info {
    char name[128], created[32], version[64], git[64], config[1024];
    long long n_search, n_ref;
    long long counts[5]; /* proposed, running, done, failed, lost: search candidates */
    long long ref_done, ref_total;
    int budget;
    int rounds;
    char last_verdict[512];
    char runner[512];
    int runner_alive;
    char state[512];
};

static const char *const k_states[5] = {"proposed", "running", "done", "failed", "lost"};

static int gather(campaign_store *st, struct status_info *s)
{
    ls_db *db = st->db;
    memset(s, 0, sizeof *s);
    int found = 0;
    LS_TRY(ls_db_get_text(db, s->name, sizeof s->name, &found, "SELECT name FROM campaign", NULL));
    LS_TRY(ls_db_get_text(db, s->created, sizeof s->created, &found, "SELECT created_utc FROM campaign", NULL));
    LS_TRY(ls_db_get_text(db, s->version, sizeof s->version, &found, "SELECT program_version FROM campaign", NULL));
    LS_TRY(ls_db_get_text(db, s->git, sizeof s->git, &found, "SELECT git_revision FROM campaign", NULL));
    LS_TRY(ls_db_get_text(db, s->config, sizeof s->config, &found,
                          "SELECT config_path FROM settings ORDER BY id DESC LIMIT 1", NULL));
    LS_TRY(ls_db_get_int(db, &s->n_search, NULL, "SELECT count(*) FROM candidate WHERE role = 'search'", NULL));
    LS_TRY(ls_db_get_int(db, &s->n_ref, NULL, "SELECT count(*) FROM candidate WHERE role = 'reference'", NULL));
    for (int k = 0; k < 5; k++)
        LS_TRY(ls_db_get_int(db, &s->counts[k], NULL,
                             "SELECT count(*) FROM evaluation e JOIN candidate c ON c.id = e.candidate_id WHERE c.role = "
                             "'search' AND e.state = ?1",
                             "s", k_states[k]));
    LS_TRY(ls_db_get_int(db, &s->ref_done, NULL,
                         "SELECT count(*) FROM evaluation e JOIN candidate c ON c.id = e.candidate_id WHERE c.role = "
                         "'reference' AND e.state = 'done'",
                         NULL));
    s->ref_total = s->n_ref;
    struct campaign_goals g;
    LS_TRY(campaign_store_goals(st, &g));
    s->budget = g.budget;
    long long r = 0;
    LS_TRY(ls_db_get_int(db, &r, &found, "SELECT max(id) FROM round", NULL));
    s->rounds = found ? (int)r : 0;
    LS_TRY(ls_db_get_text(db, s->last_verdict, sizeof s->last_verdict, &found,
                          "SELECT verdict FROM round WHERE verdict IS NOT NULL ORDER BY id DESC LIMIT 1", NULL));
    /* The runner, and the end state of the last run. */
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(db, &q, "SELECT host, pid, heartbeat, started_utc FROM runner WHERE id = 1", NULL));
    int row = 0, status = ls_db_next(q, &row);
    if (status == LS_OK && row) {
        char host[256];
        gethostname(host, sizeof host);
        host[sizeof host - 1] = 0;
        int pid = (int)ls_db_col_int(q, 1);
        double age = campaign_unix_now() - ls_db_col_double(q, 2);
        int same = !strcmp(host, ls_db_col_text(q, 0));
        s->runner_alive = same ? campaign_process_alive(pid) : age < 120;
        snprintf(s->runner, sizeof s->runner, "process %d on %s since %s, heartbeat %.0f s ago%s", pid,
                 ls_db_col_text(q, 0), ls_db_col_text(q, 3), age, s->runner_alive ? "" : " (not alive)");
    }
    ls_db_finalize(q);
    if (status != LS_OK) return status;
    char last_kind[32] = "", last_msg[512] = "";
    LS_TRY(ls_db_get_text(db, last_kind, sizeof last_kind, &found,
                          "SELECT kind FROM event WHERE kind IN ('start', 'stop', 'interrupted') ORDER BY id DESC LIMIT 1",
                          NULL));
    LS_TRY(ls_db_get_text(db, last_msg, sizeof last_msg, &found,
                          "SELECT message FROM event WHERE kind IN ('start', 'stop', 'interrupted') ORDER BY id DESC LIMIT 1",
                          NULL));
    if (s->runner_alive) snprintf(s->state, sizeof s->state, "running");
    else if (!strcmp(last_kind, "stop")) snprintf(s->state, sizeof s->state, "%s", last_msg);
    else if (!strcmp(last_kind, "interrupted"))
        snprintf(s->state, sizeof s->state, "stopped by a signal with its state saved: run 'campaign run' again to resume");
    else if (!strcmp(last_kind, "start"))
        snprintf(s->state, sizeof s->state,
                 "its process died (killed or crashed): run 'campaign run' again to resume; nothing done is lost");
    else snprintf(s->state, sizeof s->state, "not started");
    return LS_OK;
}

static const char *opt_text(const char *t)
{
    return t ? t : "";
}

int campaign_status_write(const char *db_path, FILE *fp, int json)
{
    campaign_store *st = NULL;
    LS_TRY(campaign_store_open(db_path, 1, &st));
    struct status_info s;
    int status = gather(st, &s);
    ls_json *j = NULL;
    ls_db_stmt *q = NULL;
    if (status != LS_OK) goto done;
    long long spent = s.counts[2] + s.counts[3];
    if (json) {
        LS_TRY_GOTO(status, ls_json_wrap(fp, &j), done);
        ls_json_object_begin(j, NULL);
        ls_json_string(j, "name", s.name);
        ls_json_string(j, "database", db_path);
        ls_json_string(j, "config", s.config);
        ls_json_string(j, "created_utc", s.created);
        ls_json_string(j, "program_version", s.version);
        ls_json_int(j, "n_candidates", s.n_search);
        ls_json_object_begin(j, "evaluations");
        for (int k = 0; k < 5; k++) ls_json_int(j, k_states[k], s.counts[k]);
        ls_json_object_end(j);
        ls_json_int(j, "references_done", s.ref_done);
        ls_json_int(j, "references", s.ref_total);
        ls_json_int(j, "dft_evaluations_spent", spent);
        ls_json_int(j, "budget_dft_evaluations", s.budget);
        ls_json_int(j, "rounds", s.rounds);
        ls_json_string(j, "state", s.state);
        ls_json_string(j, "last_round", s.last_verdict);
        ls_json_array_begin(j, "best");
    } else {
        fprintf(fp, "campaign:    %s (%s; created %s by lodestone %s, git %s)\n", s.name, db_path, s.created, s.version,
                s.git);
        fprintf(fp, "input:       %s\n", s.config);
        fprintf(fp, "candidates:  %lld, and %lld reference phases (%lld computed)\n", s.n_search, s.n_ref, s.ref_done);
        fprintf(fp, "evaluations: %lld done, %lld failed, %lld running, %lld proposed, %lld lost\n", s.counts[2],
                s.counts[3], s.counts[1], s.counts[0], s.counts[4]);
        fprintf(fp, "budget:      %lld of %d DFT evaluations spent\n", spent, s.budget);
        fprintf(fp, "rounds:      %d%s%s\n", s.rounds, s.last_verdict[0] ? "; last: " : "", s.last_verdict);
        fprintf(fp, "best (feasible first):\n");
    }
    /* The five best by the first objective, feasible ones (the campaign's constraints) first. */
    struct campaign_goals g;
    LS_TRY_GOTO(status, campaign_store_goals(st, &g), done);
    char feasible[1024], sql[2048];
    campaign_goals_feasible_sql(&g, feasible, sizeof feasible);
    snprintf(sql, sizeof sql,
             "SELECT candidate_id, prototype, formula, magnetic_order, ms_tesla, moment_mub_per_atom, "
             "formation_energy_ev_per_atom, e_above_hull_ev_per_atom, coalesce(%s, 0) AS feasible "
             "FROM results WHERE status = 'done' ORDER BY feasible DESC, %s %s LIMIT 5",
             feasible, campaign_property_column(g.obj[0].prop), g.obj[0].maximise ? "DESC" : "ASC");
    LS_TRY_GOTO(status, ls_db_query(st->db, &q, sql, NULL), done);
    int row = 0, rank = 0;
    while ((status = ls_db_next(q, &row)) == LS_OK && row) {
        rank++;
        if (json) {
            ls_json_object_begin(j, NULL);
            ls_json_int(j, "candidate_id", ls_db_col_int(q, 0));
            ls_json_string(j, "prototype", opt_text(ls_db_col_text(q, 1)));
            ls_json_string(j, "formula", opt_text(ls_db_col_text(q, 2)));
            ls_json_string(j, "magnetic_order", opt_text(ls_db_col_text(q, 3)));
            ls_json_number(j, "ms_tesla", ls_db_col_double(q, 4));
            ls_json_number(j, "moment_mub_per_atom", ls_db_col_double(q, 5));
            ls_json_number(j, "formation_energy_ev_per_atom", ls_db_col_double(q, 6));
            ls_json_number(j, "e_above_hull_ev_per_atom", ls_db_col_double(q, 7));
            ls_json_bool(j, "feasible", (int)ls_db_col_int(q, 8));
            ls_json_object_end(j);
        } else {
            fprintf(fp, "  %d. %-5s %-10s %-6s mu0Ms %.3f T  m %.3f muB/atom  Ef %+.3f eV/atom  hull %.3f eV/atom%s\n",
                    rank, opt_text(ls_db_col_text(q, 1)), opt_text(ls_db_col_text(q, 2)), opt_text(ls_db_col_text(q, 3)),
                    ls_db_col_double(q, 4), ls_db_col_double(q, 5), ls_db_col_double(q, 6), ls_db_col_double(q, 7),
                    ls_db_col_int(q, 8) ? "" : "  (not stable)");
        }
    }
    ls_db_finalize(q);
    q = NULL;
    if (status != LS_OK) goto done;
    if (!json && rank == 0) fprintf(fp, "  (none yet)\n");
    if (json) {
        ls_json_array_end(j);
        ls_json_array_begin(j, "running");
    } else {
        fprintf(fp, "running:\n");
    }
    LS_TRY_GOTO(status,
                ls_db_query(st->db, &q,
                            "SELECT e.id, c.name, e.host, e.pid, e.attempt, e.started_utc, e.heartbeat, e.progress FROM "
                            "evaluation e JOIN candidate c ON c.id = e.candidate_id WHERE e.state = 'running' ORDER BY e.id",
                            NULL),
                done);
    int n_run = 0;
    double now = campaign_unix_now();
    while ((status = ls_db_next(q, &row)) == LS_OK && row) {
        n_run++;
        double hb = now - ls_db_col_double(q, 6);
        if (json) {
            ls_json_object_begin(j, NULL);
            ls_json_int(j, "evaluation_id", ls_db_col_int(q, 0));
            ls_json_string(j, "candidate", opt_text(ls_db_col_text(q, 1)));
            ls_json_string(j, "host", opt_text(ls_db_col_text(q, 2)));
            ls_json_int(j, "pid", ls_db_col_int(q, 3));
            ls_json_int(j, "attempt", ls_db_col_int(q, 4));
            ls_json_string(j, "started_utc", opt_text(ls_db_col_text(q, 5)));
            ls_json_number(j, "heartbeat_age_s", hb);
            ls_json_object_end(j);
        } else {
            fprintf(fp, "  evaluation %lld: %s on %s (pid %lld), attempt %lld, started %s, heartbeat %.0f s ago\n",
                    ls_db_col_int(q, 0), opt_text(ls_db_col_text(q, 1)), opt_text(ls_db_col_text(q, 2)),
                    ls_db_col_int(q, 3), ls_db_col_int(q, 4), opt_text(ls_db_col_text(q, 5)), hb);
        }
    }
    ls_db_finalize(q);
    q = NULL;
    if (status != LS_OK) goto done;
    if (json) {
        ls_json_array_end(j);
        ls_json_string(j, "runner", s.runner);
        ls_json_object_end(j);
        status = ls_json_close(j);
        j = NULL;
        fputc('\n', fp);
    } else {
        if (!n_run) fprintf(fp, "  (none)\n");
        /* Launcher mode: the batch jobs in flight (schema 2; an older database has no job table). */
        long long has_jobs = 0, n_jobs = 0;
        double oldest = 0;
        int found = 0;
        if (ls_db_get_int(st->db, &has_jobs, NULL, "SELECT count(*) FROM sqlite_master WHERE name = 'job'", NULL) ==
                LS_OK &&
            has_jobs &&
            ls_db_get_int(st->db, &n_jobs, NULL, "SELECT count(*) FROM job WHERE state = 'submitted'", NULL) == LS_OK &&
            n_jobs > 0 &&
            ls_db_get_double(st->db, &oldest, &found, "SELECT min(submitted_unix) FROM job WHERE state = 'submitted'",
                             NULL) == LS_OK &&
            found)
            fprintf(fp, "batch jobs:  %lld submitted and not collected, the oldest %.0f s ago (table job)\n", n_jobs,
                    now - oldest);
        if (s.runner[0]) fprintf(fp, "runner:      %s\n", s.runner);
        fprintf(fp, "state:       %s\n", s.state);
    }
done:
    ls_db_finalize(q);
    ls_json_abort(j);
    campaign_store_close(st);
    return status;
}
