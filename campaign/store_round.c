/* Rounds, proposals and observations in the store: see campaign/store_eval.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/store_eval.h"
#include "common/err.h"

int campaign_store_references_propose(campaign_store *st, int n_search, int n_ref)
{
    char utc[32];
    campaign_utc_now(utc);
    LS_TRY(ls_db_begin(st->db));
    int status = LS_OK;
    for (int i = 0; i < n_ref && status == LS_OK; i++)
        status = ls_db_run(st->db,
                           "INSERT OR IGNORE INTO evaluation (candidate_id, round_id, state, proposed_utc, n_dft_before) "
                           "VALUES (?1, 0, 'proposed', ?2, 0)",
                           "is", (long long)(n_search + i + 1), utc);
    if (status != LS_OK) {
        ls_db_rollback(st->db);
        return status;
    }
    return ls_db_commit(st->db);
}

int campaign_store_work(campaign_store *st, long long **eval_ids, long long **cand_ids, int *n)
{
    *eval_ids = *cand_ids = NULL;
    *n = 0;
    long long total = 0;
    LS_TRY(ls_db_get_int(st->db, &total, NULL, "SELECT count(*) FROM evaluation WHERE state = 'proposed'", NULL));
    if (total == 0) return LS_OK;
    *eval_ids = malloc((size_t)total * sizeof **eval_ids);
    *cand_ids = malloc((size_t)total * sizeof **cand_ids);
    if (!*eval_ids || !*cand_ids) {
        free(*eval_ids), free(*cand_ids);
        *eval_ids = *cand_ids = NULL;
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q,
                       "SELECT e.id, e.candidate_id FROM evaluation e LEFT JOIN proposal p ON p.round_id = e.round_id "
                       "AND p.candidate_id = e.candidate_id WHERE e.state = 'proposed' "
                       "ORDER BY e.round_id, coalesce(p.rank, 0), e.id",
                       NULL));
    int row = 0, status = LS_OK;
    while ((status = ls_db_next(q, &row)) == LS_OK && row && *n < total) {
        (*eval_ids)[*n] = ls_db_col_int(q, 0);
        (*cand_ids)[*n] = ls_db_col_int(q, 1);
        (*n)++;
    }
    ls_db_finalize(q);
    return status;
}

static void json_array(const double *v, int n, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < n; i++) len += (size_t)snprintf(buf + len, cap - len, "%s%.10g", i ? ", " : "", v[i]);
    snprintf(buf + len, cap - len, "]");
}

int campaign_store_counts(campaign_store *st, int *spent, int *pending)
{
    long long a = 0, b = 0;
    LS_TRY(ls_db_get_int(st->db, &a, NULL,
                         "SELECT count(*) FROM evaluation e JOIN candidate c ON c.id = e.candidate_id WHERE c.role = "
                         "'search' AND e.state IN ('done', 'failed')",
                         NULL));
    LS_TRY(ls_db_get_int(st->db, &b, NULL,
                         "SELECT count(*) FROM evaluation e JOIN candidate c ON c.id = e.candidate_id WHERE c.role = "
                         "'search' AND e.state IN ('proposed', 'running', 'lost')",
                         NULL));
    *spent = (int)a;
    *pending = (int)b;
    return LS_OK;
}

int campaign_store_round_open(campaign_store *st, int round, const char *method, const char *acquisition, int n,
                              const struct campaign_proposal *p, long long model_id)
{
    char utc[32];
    campaign_utc_now(utc);
    int spent = 0, pending = 0;
    LS_TRY(campaign_store_counts(st, &spent, &pending));
    LS_TRY(ls_db_begin(st->db));
    int status = ls_db_run(st->db,
                           "INSERT INTO round (id, started_utc, n_proposed, method, settings_id, model_id) VALUES "
                           "(?1, ?2, ?3, ?4, ?5, ?6)",
                           "isisii", (long long)round, utc, (long long)n, method, st->settings_id, model_id);
    if (status == LS_OK && model_id <= 0)
        status = ls_db_run(st->db, "UPDATE round SET model_id = NULL WHERE id = ?1", "i", (long long)round);
    for (int i = 0; i < n && status == LS_OK; i++) {
        char mean[256], sd[256];
        json_array(p[i].mean, CAMPAIGN_MAX_OBJECTIVES, mean, sizeof mean);
        json_array(p[i].sd, CAMPAIGN_MAX_OBJECTIVES, sd, sizeof sd);
        status = ls_db_run(st->db,
                           "INSERT INTO proposal (round_id, candidate_id, rank, acquisition, acq_value, predicted_mean, "
                           "predicted_sd, p_feasible) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                           "iiisdssd", (long long)round, p[i].candidate_id, (long long)(i + 1), acquisition, p[i].acq, mean,
                           sd, p[i].p_feasible);
        if (status == LS_OK)
            status = ls_db_run(st->db,
                               "INSERT INTO evaluation (candidate_id, round_id, state, proposed_utc, n_dft_before) VALUES "
                               "(?1, ?2, 'proposed', ?3, ?4)",
                               "iisi", p[i].candidate_id, (long long)round, utc, (long long)spent);
    }
    if (status != LS_OK) {
        ls_db_rollback(st->db);
        return status;
    }
    return ls_db_commit(st->db);
}

int campaign_store_last_round(campaign_store *st, int *round, int *finished)
{
    long long r = 0;
    int found = 0;
    *round = 0;
    *finished = 1;
    LS_TRY(ls_db_get_int(st->db, &r, &found, "SELECT max(id) FROM round", NULL));
    if (!found) return LS_OK;
    *round = (int)r;
    long long open = 0;
    LS_TRY(ls_db_get_int(st->db, &open, NULL,
                         "SELECT count(*) FROM evaluation WHERE round_id = ?1 AND state IN ('proposed', 'running', 'lost')",
                         "i", r));
    long long closed = 0;
    int has = 0;
    LS_TRY(ls_db_get_int(st->db, &closed, &has, "SELECT finished_utc IS NOT NULL FROM round WHERE id = ?1", "i", r));
    *finished = open == 0 && has && closed;
    return LS_OK;
}

int campaign_store_round_closable(campaign_store *st, int *round)
{
    long long r = 0;
    int found = 0;
    *round = 0;
    LS_TRY(ls_db_get_int(st->db, &r, &found,
                         "SELECT min(r.id) FROM round r WHERE r.finished_utc IS NULL AND NOT EXISTS (SELECT 1 FROM "
                         "evaluation e WHERE e.round_id = r.id AND e.state IN ('proposed', 'running', 'lost'))",
                         NULL));
    if (found) *round = (int)r;
    return LS_OK;
}

int campaign_store_pending(campaign_store *st, long long **cand_ids, int *n)
{
    *cand_ids = NULL;
    *n = 0;
    long long total = 0;
    const char *where = "FROM evaluation e JOIN candidate c ON c.id = e.candidate_id WHERE c.role = 'search' AND "
                        "e.state IN ('proposed', 'running', 'lost')";
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) %s", where);
    LS_TRY(ls_db_get_int(st->db, &total, NULL, sql, NULL));
    if (total == 0) return LS_OK;
    *cand_ids = malloc((size_t)total * sizeof **cand_ids);
    if (!*cand_ids) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    snprintf(sql, sizeof sql, "SELECT e.candidate_id %s ORDER BY e.id", where);
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q, sql, NULL));
    int row = 0, status = LS_OK;
    while ((status = ls_db_next(q, &row)) == LS_OK && row && *n < total) (*cand_ids)[(*n)++] = ls_db_col_int(q, 0);
    ls_db_finalize(q);
    return status;
}

int campaign_store_round_close(campaign_store *st, int round, double best, long long best_candidate, double max_ei,
                               const char *verdict)
{
    char utc[32];
    campaign_utc_now(utc);
    return ls_db_run(st->db,
                     "UPDATE round SET finished_utc = ?1, best_value = ?2, best_candidate_id = ?3, "
                     "max_expected_improvement = ?4, verdict = ?5 WHERE id = ?6",
                     "sdidsi", utc, best, best_candidate > 0 ? best_candidate : 0LL, max_ei, verdict, (long long)round);
}

int campaign_store_observations(campaign_store *st, struct campaign_observations *obs)
{
    memset(obs, 0, sizeof *obs);
    long long n = 0;
    LS_TRY(ls_db_get_int(st->db, &n, NULL, "SELECT count(*) FROM results WHERE status = 'done'", NULL));
    if (n == 0) return LS_OK;
    obs->candidate_id = malloc((size_t)n * sizeof *obs->candidate_id);
    obs->prop = malloc((size_t)n * sizeof *obs->prop);
    if (!obs->candidate_id || !obs->prop) {
        campaign_observations_free(obs);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q,
                       "SELECT candidate_id, ms_tesla, moment_mub_per_atom, formation_energy_ev_per_atom, "
                       "e_above_hull_ev_per_atom, tc_mean_field_k FROM results WHERE status = 'done' ORDER BY evaluation_id",
                       NULL));
    int row = 0, status = LS_OK;
    while ((status = ls_db_next(q, &row)) == LS_OK && row && obs->n < n) {
        int i = obs->n++;
        obs->candidate_id[i] = ls_db_col_int(q, 0);
        obs->prop[i][CAMPAIGN_PROP_MS_TESLA] = ls_db_col_double(q, 1);
        obs->prop[i][CAMPAIGN_PROP_MOMENT_MUB_PER_ATOM] = ls_db_col_double(q, 2);
        obs->prop[i][CAMPAIGN_PROP_FORMATION_EV_PER_ATOM] = ls_db_col_double(q, 3);
        obs->prop[i][CAMPAIGN_PROP_HULL_EV_PER_ATOM] = ls_db_col_double(q, 4);
        obs->prop[i][CAMPAIGN_PROP_TC_K] = ls_db_col_double(q, 5);
    }
    ls_db_finalize(q);
    if (status != LS_OK) campaign_observations_free(obs);
    return status;
}

void campaign_observations_free(struct campaign_observations *obs)
{
    if (!obs) return;
    free(obs->candidate_id);
    free(obs->prop);
    memset(obs, 0, sizeof *obs);
}

int campaign_store_available(campaign_store *st, int n_cand, unsigned char *avail, int *n_avail)
{
    for (int i = 0; i < n_cand; i++) avail[i] = 1;
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q, "SELECT candidate_id FROM evaluation", NULL));
    int row = 0, status = LS_OK;
    while ((status = ls_db_next(q, &row)) == LS_OK && row) {
        long long id = ls_db_col_int(q, 0);
        if (id >= 1 && id <= n_cand) avail[id - 1] = 0;
    }
    ls_db_finalize(q);
    *n_avail = 0;
    for (int i = 0; i < n_cand; i++) *n_avail += avail[i];
    return status;
}
