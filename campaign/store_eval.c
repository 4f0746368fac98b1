/* The evaluation state machine in the store (campaign/README.md, "State machine"):
 *
 *   proposed --begin--> running --finish--> done | failed(reason)
 *       ^                  |
 *       +----requeue-------+  (a stop signal: the work is saved, the attempt not counted)
 *                          |
 *                        lost  (found at the next start: the process died; retried while it
 *                               makes progress, failed after max_attempts losses in a row without
 *                               any, or after CAMPAIGN_LOSS_FACTOR * max_attempts attempts in all)
 *
 * Every transition is one transaction.  A DFT run's result reaches the database in the same
 * transaction that marks the run done; its result file was written before, so a crash in
 * between leaves a file that the next attempt imports instead of recomputing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/evaluator.h"
#include "campaign/hull.h"
#include "campaign/store.h"
#include "campaign/store_eval.h"
#include "campaign/store_util.h"
#include "common/err.h"
#include "common/log.h"
#include "common/units.h"

static int rollback(campaign_store *st, int status)
{
    ls_db_rollback(st->db);
    return status;
}

int campaign_store_eval_begin(campaign_store *st, long long eval_id, long long *progress)
{
    *progress = 0;
    char utc[32];
    campaign_utc_now(utc);
    LS_TRY(ls_db_begin(st->db));
    int status = ls_db_run(st->db,
                           "UPDATE evaluation SET state = 'running', attempt = attempt + 1, host = ?1, pid = ?2, "
                           "heartbeat = ?3, started_utc = ?4 WHERE id = ?5 AND state = 'proposed'",
                           "sidsi", st->host, (long long)st->pid, campaign_unix_now(), utc, eval_id);
    if (status == LS_OK && ls_db_changes(st->db) != 1)
        status = ls_error_set(LS_ERR_INTERNAL, __FILE__, __LINE__, "%s: evaluation %lld is not proposed", st->path,
                              eval_id);
    int found = 0;
    if (status == LS_OK)
        status = ls_db_get_int(st->db, progress, &found, "SELECT progress FROM evaluation WHERE id = ?1", "i", eval_id);
    if (status != LS_OK) return rollback(st, status);
    return ls_db_commit(st->db);
}

int campaign_store_eval_requeue(campaign_store *st, long long eval_id, const char *why)
{
    LS_TRY(ls_db_begin(st->db));
    int status = ls_db_run(st->db,
                           "UPDATE evaluation SET state = 'proposed', attempt = max(attempt - 1, 0), host = NULL, "
                           "pid = NULL, heartbeat = NULL WHERE id = ?1 AND state = 'running'",
                           "i", eval_id);
    if (status == LS_OK) status = campaign_store_event(st, -1, "requeue", "evaluation %lld: %s", eval_id, why);
    if (status != LS_OK) return rollback(st, status);
    return ls_db_commit(st->db);
}

int campaign_store_eval_progress(campaign_store *st, long long eval_id, long long progress)
{
    return ls_db_run(st->db, "UPDATE evaluation SET progress = max(progress, ?1) WHERE id = ?2", "ii", progress, eval_id);
}

int campaign_store_run_get(campaign_store *st, long long eval_id, const char *order, const char *input_sha256,
                           long long *run_id, char state[16])
{
    int found = 0;
    char buf[16] = "";
    LS_TRY(ls_db_get_int(st->db, run_id, &found, "SELECT id FROM dft_run WHERE evaluation_id = ?1 AND start_order = ?2", "is",
                         eval_id, order));
    if (!found) {
        LS_TRY(ls_db_run(st->db,
                         "INSERT INTO dft_run (evaluation_id, start_order, input_sha256, state) VALUES (?1, ?2, ?3, "
                         "'pending')",
                         "iss", eval_id, order, input_sha256));
        *run_id = ls_db_last_id(st->db);
    }
    LS_TRY(ls_db_get_text(st->db, buf, sizeof buf, NULL, "SELECT state FROM dft_run WHERE id = ?1", "i", *run_id));
    snprintf(state, 16, "%s", buf);
    char stored[65] = "";
    LS_TRY(ls_db_get_text(st->db, stored, sizeof stored, NULL, "SELECT input_sha256 FROM dft_run WHERE id = ?1", "i",
                          *run_id));
    if (strcmp(stored, input_sha256))
        LS_ERROR(LS_ERR_INPUT, "%s: DFT run %lld has input %.16s..., this program computes %.16s... for it: a database of "
                 "another version; start a new one", st->path, *run_id, stored, input_sha256);
    return LS_OK;
}

/* JSON array of n numbers. */
static void json_numbers(const double *v, int n, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < n; i++) len += (size_t)snprintf(buf + len, cap - len, "%s%.6f", i ? ", " : "", v[i]);
    snprintf(buf + len, cap - len, "]");
}

int campaign_store_run_record(campaign_store *st, long long run_id, const char *input_sha256, const char *calculator,
                              int n_threads, const struct campaign_eval_output *o)
{
    char utc[32];
    campaign_utc_now(utc);
    char *xyz = NULL;
    if (o->ok && o->relaxed) LS_TRY(campaign_structure_to_xyz(o->relaxed, &xyz));
    char m0[512], m1[512];
    json_numbers(o->moments_start_mub, o->n_atom, m0, sizeof m0);
    json_numbers(o->moments_mub, o->n_atom, m1, sizeof m1);
    double vol = o->relaxed ? fabs(ls_cell_volume(o->relaxed->cell)) / o->n_atom * pow(LS_BOHR_ANGSTROM, 3) : NAN;
    int status = ls_db_begin(st->db);
    if (status != LS_OK) {
        free(xyz);
        return status;
    }
    if (o->ok)
        status = ls_db_run(st->db,
                           "UPDATE dft_run SET state = 'done', attempts = attempts + 1, scf_retries = ?1, energy_ev = ?2, "
                           "energy_ev_per_atom = ?3, total_moment_mub = ?4, abs_moment_mub = ?5, moments_start_mub = ?6, "
                           "moments_final_mub = ?7, order_found = ?8, volume_a3_per_atom = ?9, n_relax_steps = ?10, "
                           "relax_converged = ?11, max_force_ev_a = ?12, pressure_gpa = ?13, structure_xyz = ?14, "
                           "trajectory = ?15, n_frames = ?16, wall_s = ?17, cpu_s = ?18 WHERE id = ?19",
                           "iddddsssdiiddssiddi", (long long)o->scf_retries, o->energy_ev, o->energy_ev / o->n_atom,
                           o->total_moment_mub, o->abs_moment_mub, m0, m1, campaign_order_found(o->n_atom, o->moments_mub),
                           vol, (long long)o->n_relax_steps, (long long)o->relax_converged, o->max_force_ev_a,
                           o->pressure_gpa, xyz, o->trajectory[0] ? o->trajectory : NULL, (long long)o->n_frames,
                           o->wall_s, o->cpu_s, run_id);
    else
        status = ls_db_run(st->db,
                           "UPDATE dft_run SET state = 'failed', attempts = attempts + 1, scf_retries = ?1, reason = ?2, "
                           "moments_start_mub = ?3, wall_s = ?4, cpu_s = ?5 WHERE id = ?6",
                           "issddi", (long long)o->scf_retries, o->reason, m0, o->wall_s, o->cpu_s, run_id);
    if (status == LS_OK)
        status = ls_db_run(st->db,
                           "INSERT OR REPLACE INTO provenance (dft_run_id, input_sha256, calculator, program_version, "
                           "git_revision, pseudopotentials, settings, host, pid, threads, wall_s, cpu_s, finished_utc) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                           "isssssssiidds", run_id, input_sha256, calculator, st->version, st->git,
                           o->pseudopotentials, o->settings, st->host, (long long)st->pid, (long long)n_threads,
                           o->wall_s, o->cpu_s, utc);
    free(xyz);
    if (status != LS_OK) return rollback(st, status);
    return ls_db_commit(st->db);
}

/* Mean-field Curie temperature from the FM and the antiparallel start of one candidate, or NaN.
 * Classical Heisenberg model H = -sum_{i<j} J_ij e_i.e_j on the magnetic atoms: an antiparallel
 * order that reverses every coupling of an atom (two sublattices) costs
 * (E_AP - E_FM)/N_mag = J_0 = sum_j J_0j per magnetic atom, and the mean-field T_C is
 * k_B T_C = J_0 / 3 (e.g. Sasioglu et al., PRB 70, 024427 (2004), eq. 4, with their
 * double-counted sum).  Mean field overestimates T_C (by 20-50 % for bcc Fe, ibid.), and an
 * order that reverses only some couplings underestimates J_0: an estimate, stated as such. */
static double curie_mean_field_k(double e_fm_ev, double e_ap_ev, int n_mag)
{
    if (n_mag < 1 || !(e_ap_ev > e_fm_ev)) return NAN;
    return (e_ap_ev - e_fm_ev) / n_mag / (3 * LS_BOLTZMANN_EV_K);
}

int campaign_store_eval_finish(campaign_store *st, long long eval_id, const struct campaign_candidate *c, int round)
{
    /* The runs of this evaluation. */
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q,
                       "SELECT id, start_order, state, energy_ev, total_moment_mub, volume_a3_per_atom, order_found, "
                       "reason, moments_final_mub FROM dft_run WHERE evaluation_id = ?1 ORDER BY id",
                       "i", eval_id));
    long long best_run = -1;
    double best_e = INFINITY, best_m = 0, best_v = 0, e_fm = NAN, e_ap = NAN;
    char best_order[16] = "", best_start[16] = "", reasons[1024] = "";
    int n_mag_fm = 0, row = 0, status = LS_OK;
    size_t lr = 0;
    while ((status = ls_db_next(q, &row)) == LS_OK && row) {
        const char *state = ls_db_col_text(q, 2);
        const char *start = ls_db_col_text(q, 1);
        if (strcmp(state, "done")) {
            if (lr < 900)
                lr += (size_t)snprintf(reasons + lr, sizeof reasons - lr, "%s%s start: %s", lr ? "; " : "", start,
                                       ls_db_col_text(q, 7) ? ls_db_col_text(q, 7) : state);
            continue;
        }
        double e = ls_db_col_double(q, 3);
        const char *found = ls_db_col_text(q, 6);
        if (!strcmp(start, "fm") && !strcmp(found, "fm")) {
            e_fm = e;
            /* Magnetic atoms: those with |m| > 0.5 muB in the FM solution. */
            const char *mj = ls_db_col_text(q, 8);
            n_mag_fm = 0;
            for (const char *p = mj ? strchr(mj, '[') : NULL; p && *p;) {
                p++;
                char *end = NULL;
                double v = strtod(p, &end);
                if (end == p) break;
                n_mag_fm += fabs(v) > 0.5;
                p = strchr(end, ',');
            }
        }
        if (!strcmp(start, "ferri") && (!strcmp(found, "ferri") || !strcmp(found, "afm"))) e_ap = e;
        if (e < best_e) {
            best_e = e;
            best_run = ls_db_col_int(q, 0);
            best_m = ls_db_col_double(q, 4);
            best_v = ls_db_col_double(q, 5);
            snprintf(best_order, sizeof best_order, "%s", found);
            snprintf(best_start, sizeof best_start, "%s", start);
        }
    }
    ls_db_finalize(q);
    if (status != LS_OK) return status;
    char utc[32];
    campaign_utc_now(utc);
    LS_TRY(ls_db_begin(st->db));
    if (best_run < 0) {
        status = ls_db_run(st->db,
                           "UPDATE evaluation SET state = 'failed', finished_utc = ?1, reason = ?2 WHERE id = ?3",
                           "ssi", utc, reasons[0] ? reasons : "no magnetic start gave a result", eval_id);
        if (status == LS_OK)
            status = campaign_store_event(st, round, "failed", "%s: %s", c->name, reasons);
    } else {
        int n = c->s->n_atom;
        double m_atom = fabs(best_m) / n;
        double ms = campaign_ms_tesla(fabs(best_m), best_v * n);
        double tc = strcmp(best_order, "fm") ? NAN : curie_mean_field_k(e_fm, e_ap, n_mag_fm);
        status = ls_db_run(st->db,
                           "INSERT OR REPLACE INTO result (evaluation_id, dft_run_id, energy_ev_per_atom, "
                           "moment_mub_per_atom, ms_tesla, volume_a3_per_atom, magnetic_order, magnetic_order_start, "
                           "tc_mean_field_k) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           "iiddddssd", eval_id, best_run, best_e / n, m_atom, ms, best_v, best_order, best_start, tc);
        if (status == LS_OK)
            status = ls_db_run(st->db,
                               "UPDATE evaluation SET state = 'done', finished_utc = ?1, reason = ?2 WHERE id = ?3", "ssi",
                               utc, reasons[0] ? reasons : NULL, eval_id);
        if (status == LS_OK) status = campaign_store_update_derived_after(st, eval_id);
    }
    if (status != LS_OK) return rollback(st, status);
    return ls_db_commit(st->db);
}

/* ------------------------------------------------------------------ derived: formation and hull */

int campaign_store_update_derived(campaign_store *st)
{
    return campaign_store_update_derived_after(st, 0);
}

/* The phases whose hull distance can change when the phase of evaluation `eval_id` is added:
 * those containing all of its elements (it can compete for them), itself included; every
 * phase when it is a reference phase (the formation energies change) or eval_id is 0. */
int campaign_store_update_derived_after(campaign_store *st, long long eval_id)
{
    /* Every done result with its composition; elements indexed densely. */
    long long n_done = 0;
    LS_TRY(ls_db_get_int(st->db, &n_done, NULL, "SELECT count(*) FROM result", NULL));
    if (n_done == 0) return LS_OK;
    int zmap[119];
    for (int z = 0; z < 119; z++) zmap[z] = -1;
    int n_elem = 0;
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q,
                       "SELECT DISTINCT ce.z FROM candidate_element ce JOIN evaluation e ON e.candidate_id = ce.candidate_id "
                       "JOIN result r ON r.evaluation_id = e.id ORDER BY ce.z",
                       NULL));
    int row = 0, status = LS_OK;
    while ((status = ls_db_next(q, &row)) == LS_OK && row) zmap[ls_db_col_int(q, 0)] = n_elem++;
    ls_db_finalize(q);
    if (status != LS_OK) return status;
    long long *eval = calloc((size_t)n_done, sizeof *eval);
    double *x = calloc((size_t)n_done * n_elem, sizeof *x);
    double *e = calloc((size_t)n_done, sizeof *e), *f = calloc((size_t)n_done, sizeof *f);
    double *h = calloc((size_t)n_done, sizeof *h), *mu = calloc((size_t)n_elem, sizeof *mu);
    int *is_ref = calloc((size_t)n_done, sizeof *is_ref);
    if (!eval || !x || !e || !f || !h || !mu || !is_ref)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for the convex hull");
    LS_TRY_GOTO(status,
                ls_db_query(st->db, &q,
                            "SELECT e.id, r.energy_ev_per_atom, c.role FROM result r JOIN evaluation e ON e.id = "
                            "r.evaluation_id JOIN candidate c ON c.id = e.candidate_id ORDER BY e.id",
                            NULL),
                done);
    int n = 0;
    while ((status = ls_db_next(q, &row)) == LS_OK && row && n < n_done) {
        eval[n] = ls_db_col_int(q, 0);
        e[n] = ls_db_col_double(q, 1);
        is_ref[n] = !strcmp(ls_db_col_text(q, 2), "reference");
        n++;
    }
    ls_db_finalize(q);
    q = NULL;
    if (status != LS_OK) goto done;
    for (int i = 0; i < n; i++) {
        LS_TRY_GOTO(status,
                    ls_db_query(st->db, &q,
                                "SELECT ce.z, ce.fraction FROM candidate_element ce JOIN evaluation e ON e.candidate_id = "
                                "ce.candidate_id WHERE e.id = ?1",
                                "i", eval[i]),
                    done);
        while ((status = ls_db_next(q, &row)) == LS_OK && row) x[(long)i * n_elem + zmap[ls_db_col_int(q, 0)]] = ls_db_col_double(q, 1);
        ls_db_finalize(q);
        q = NULL;
        if (status != LS_OK) goto done;
    }
    /* Elemental chemical potentials: the references' energies per atom (NaN until computed). */
    for (int k = 0; k < n_elem; k++) mu[k] = NAN;
    for (int i = 0; i < n; i++)
        if (is_ref[i])
            for (int k = 0; k < n_elem; k++)
                if (x[(long)i * n_elem + k] > 0.999) mu[k] = e[i];
    for (int i = 0; i < n; i++) {
        double ref = 0;
        for (int k = 0; k < n_elem; k++) {
            double xi = x[(long)i * n_elem + k];
            if (xi > 0) ref += xi * mu[k]; /* NaN propagates: no formation energy without the reference */
        }
        f[i] = e[i] - ref;
    }
    /* Which phases to bring up to date. */
    int iq = -1;
    for (int i = 0; i < n; i++)
        if (eval[i] == eval_id) iq = i;
    int all = eval_id == 0 || iq < 0 || is_ref[iq];
    for (int i = 0; i < n; i++) {
        int affected = all;
        if (!affected) {
            affected = 1;
            for (int k = 0; k < n_elem && affected; k++)
                affected = !(x[(long)iq * n_elem + k] > 0 && x[(long)i * n_elem + k] <= 0);
        }
        if (!affected) {
            h[i] = NAN;
            eval[i] = -eval[i]; /* marked: left as it is */
            continue;
        }
        if (!isfinite(f[i])) {
            h[i] = NAN;
            continue;
        }
        double hull = 0;
        LS_TRY_GOTO(status, campaign_hull_energy(n, n_elem, x, f, x + (long)i * n_elem, &hull, NULL), done);
        h[i] = f[i] - hull > 0 ? f[i] - hull : 0.0;
    }
    for (int i = 0; i < n && status == LS_OK; i++) {
        if (eval[i] < 0) continue;
        status = ls_db_run(st->db,
                           "INSERT OR REPLACE INTO derived (evaluation_id, formation_energy_ev_per_atom, "
                           "e_above_hull_ev_per_atom, n_phases) VALUES (?1, ?2, ?3, ?4)",
                           "iddi", eval[i], f[i], h[i], (long long)n);
    }
done:
    ls_db_finalize(q);
    free(eval), free(x), free(e), free(f), free(h), free(mu), free(is_ref);
    return status;
}

/* ------------------------------------------------------------------ recovery */

int campaign_store_recover(campaign_store *st, int max_attempts, int *n_lost, int *n_failed)
{
    *n_lost = *n_failed = 0;
    LS_TRY(ls_db_begin(st->db));
    ls_db_stmt *q = NULL;
    int status = LS_OK, row = 0;
    /* Running evaluations: we hold the runner lock, so their process is gone. */
    LS_TRY_GOTO(status,
                ls_db_query(st->db, &q,
                            "SELECT id, host, pid, heartbeat, progress, progress_at_loss, strikes, attempt FROM "
                            "evaluation WHERE state = 'running' ORDER BY id",
                            NULL),
                fail);
    struct lost {
        long long id, progress;
        int strikes, attempt;
    } *lost = NULL;
    const int max_losses = CAMPAIGN_LOSS_FACTOR * max_attempts;
    int n = 0, cap = 0;
    while ((status = ls_db_next(q, &row)) == LS_OK && row) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            struct lost *g = realloc(lost, (size_t)cap * sizeof *g);
            if (!g) {
                free(lost);
                LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
            }
            lost = g;
        }
        long long progress = ls_db_col_int(q, 4), at_loss = ls_db_col_int(q, 5);
        int strikes = (int)ls_db_col_int(q, 6);
        lost[n].id = ls_db_col_int(q, 0);
        lost[n].progress = progress;
        lost[n].strikes = progress > (at_loss > 0 ? at_loss : 0) ? 0 : strikes + 1;
        lost[n].attempt = (int)ls_db_col_int(q, 7);
        ls_log_warn("campaign: evaluation %lld was running in process %lld on %s, which stopped (heartbeat %.0f s "
                    "ago): lost, %s",
                    lost[n].id, ls_db_col_int(q, 2), ls_db_col_text(q, 1) ? ls_db_col_text(q, 1) : "?",
                    campaign_unix_now() - ls_db_col_double(q, 3),
                    lost[n].strikes >= max_attempts  ? "no progress in the last attempts: failed"
                    : lost[n].attempt >= max_losses ? "lost too often: failed"
                                                     : "to be resumed");
        n++;
    }
    ls_db_finalize(q);
    q = NULL;
    if (status != LS_OK) {
        free(lost);
        goto fail;
    }
    for (int i = 0; i < n && status == LS_OK; i++) {
        status = ls_db_run(st->db,
                           "UPDATE evaluation SET state = 'lost', strikes = ?1, progress_at_loss = ?2 WHERE id = ?3", "iii",
                           (long long)lost[i].strikes, lost[i].progress, lost[i].id);
        if (status == LS_OK)
            status = campaign_store_event(st, -1, "lost", "evaluation %lld: its process stopped (attempt with %d "
                                          "loss(es) in a row without progress, %d in all)", lost[i].id,
                                          lost[i].strikes, lost[i].attempt);
        (*n_lost)++;
    }
    free(lost);
    if (status != LS_OK) goto fail;
    /* Lost evaluations: resumed while they progress, failed after max_attempts losses without. */
    char reason[256];
    snprintf(reason, sizeof reason,
             "lost %d times in a row without progress (the process died each time: killed, or this input crashes "
             "the program)", max_attempts);
    char utc[32];
    campaign_utc_now(utc);
    LS_TRY_GOTO(status,
                ls_db_run(st->db,
                          "UPDATE evaluation SET state = 'failed', reason = ?1, finished_utc = ?2 WHERE state = 'lost' AND "
                          "strikes >= ?3",
                          "ssi", reason, utc, (long long)max_attempts),
                fail);
    *n_failed = ls_db_changes(st->db);
    snprintf(reason, sizeof reason,
             "lost %d times (the process died each time: killed, or this input crashes the program after saving "
             "some work)", max_losses);
    LS_TRY_GOTO(status,
                ls_db_run(st->db,
                          "UPDATE evaluation SET state = 'failed', reason = ?1, finished_utc = ?2 WHERE state = 'lost' AND "
                          "attempt >= ?3",
                          "ssi", reason, utc, (long long)max_losses),
                fail);
    *n_failed += ls_db_changes(st->db);
    LS_TRY_GOTO(status, ls_db_run(st->db, "UPDATE evaluation SET state = 'proposed' WHERE state = 'lost'", NULL), fail);
    return ls_db_commit(st->db);
fail:
    ls_db_finalize(q);
    return rollback(st, status);
}
