/* The surrogate in the loop: a neural-network potential (surrogate/) trained on the campaign's
 * own DFT frames, retrained when it is uncertain on new frames, and used to screen the
 * candidates before each proposal.
 *
 * Training data: every frame (relaxation step: energy, forces, stress) of every DFT run that
 * gave a result, read from the runs' trajectory files in run order.  A model is trained when
 * there is none yet (at least CAMPAIGN_MIN_FRAMES frames), or when the ensemble's spread of the
 * energy per atom, averaged over the frames that arrived since the model was trained, exceeds
 * surrogate/retrain_spread (active learning: the DFT frames the model is unsure about are the
 * ones worth learning).  Each model is a file DB.files/models/model-N.nnp (written atomically
 * before its row in the store; a model file found without its row after a crash is used as it
 * is); training is seeded from the campaign's seed and the model number, and a retraining
 * continues from the previous model's weights (warm start, surrogate/README.md).
 *
 * Screen: every candidate still available is relaxed (positions and cell) by the ensemble mean,
 * then predicted: energy per atom and its spread; the formation energy uses the DFT reference
 * energies of the same campaign.  The potential is trusted on a candidate when the spread is
 * below surrogate/trust_spread and no atom is outside the training range; a trusted candidate
 * whose formation energy breaks the formation-energy constraint by more than two spreads is
 * left out of this round's batch (it stays a candidate: a later model may trust it less).
 * Every prediction is stored (`prediction`) with the model it came from. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "campaign/screen.h"
#include "campaign/store_util.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/sha256.h"
#include "common/units.h"
#include "surrogate/surrogate.h"
#include "workflow/relax.h"

#define CAMPAIGN_MIN_FRAMES 10

/* Frames of the done runs recorded after run id `after_run` (0: all), in run order; *last_run
 * gets the largest run id seen. */
static int load_frames(campaign_store *st, long long after_run, ls_structure_list **out, long long *last_run)
{
    *out = NULL;
    *last_run = after_run;
    LS_TRY(ls_structure_list_create(out));
    ls_db_stmt *q = NULL;
    int status = ls_db_query(st->db, &q,
                             "SELECT id, trajectory FROM dft_run WHERE state = 'done' AND trajectory IS NOT NULL AND "
                             "id > ?1 ORDER BY id",
                             "i", after_run);
    int row = 0;
    while (status == LS_OK && (status = ls_db_next(q, &row)) == LS_OK && row) {
        *last_run = ls_db_col_int(q, 0);
        ls_structure_list *l = NULL;
        if (ls_extxyz_read(ls_db_col_text(q, 1), &l) != LS_OK) continue; /* moved away: skipped */
        for (int i = 0; i < l->n && status == LS_OK; i++) {
            if (!l->items[i]->has_energy || !l->items[i]->forces) continue;
            status = ls_structure_list_push(*out, l->items[i]);
            l->items[i] = NULL;
        }
        ls_structure_list_destroy(l);
    }
    ls_db_finalize(q);
    if (status != LS_OK) {
        ls_structure_list_destroy(*out);
        *out = NULL;
    }
    return status;
}

/* Mean ensemble spread of the energy per atom (eV) over frames. */
static int mean_spread_ev(const nnp_model *m, const ls_structure_list *frames, double *spread)
{
    *spread = 0;
    if (frames->n == 0) return LS_OK;
    double sum = 0;
    for (int i = 0; i < frames->n; i++) {
        struct nnp_result r;
        memset(&r, 0, sizeof r);
        LS_TRY(nnp_model_predict(m, frames->items[i], &r));
        sum += r.energy_std / frames->items[i]->n_atom * LS_HARTREE_EV;
    }
    *spread = sum / frames->n;
    return LS_OK;
}

struct model_row {
    long long id, after_run;
    char path[4200];
};

static int last_model(campaign_store *st, struct model_row *m, int *found)
{
    *found = 0;
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q, "SELECT id, last_run_id, path FROM model ORDER BY id DESC LIMIT 1", NULL));
    int row = 0, status = ls_db_next(q, &row);
    if (status == LS_OK && row) {
        *found = 1;
        m->id = ls_db_col_int(q, 0);
        m->after_run = ls_db_col_int(q, 1);
        snprintf(m->path, sizeof m->path, "%s", ls_db_col_text(q, 2));
    }
    ls_db_finalize(q);
    return status;
}

/* A fresh ensemble (prev NULL), or prev's retrained with warm start on the grown set
 * (surrogate/: the reference energies and normalisation refitted, the networks continued; fewer
 * epochs at a smaller rate, as surrogate/README.md advises).  Training recalibrates the spread
 * on its validation split. */
static int train_model(const struct campaign_config *cfg, const ls_structure_list *frames, long long id,
                       const char *prev, const char *path, double *val_mae_mev)
{
    int z[NNP_MAX_ELEMENTS], n_el = 0;
    for (int i = 0; i < cfg->n_elem; i++) {
        if (n_el == NNP_MAX_ELEMENTS)
            LS_ERROR(LS_ERR_UNSUPPORTED, "%s: the surrogate holds at most %d elements, the campaign has %d: set "
                     "'surrogate: {enabled: false}'", cfg->path, NNP_MAX_ELEMENTS, cfg->n_elem);
        z[n_el++] = cfg->elements[i];
    }
    struct nnp_model_config mc;
    nnp_model_config_default(&mc);
    nnp_model *m = NULL;
    uint64_t seed = cfg->seed * 1000003ULL + (uint64_t)id;
    struct nnp_train_config tc;
    nnp_train_config_default(&tc);
    if (prev) {
        LS_TRY(nnp_model_load(prev, &m));
        tc.warm_start = 1;
        tc.n_epoch = 30;
        tc.lr = 3e-3;
    } else {
        LS_TRY(nnp_model_create(&mc, n_el, z, cfg->surrogate.n_member, seed, &m));
    }
    tc.seed = seed;
    tc.verbose = 0;
    tc.max_time_s = cfg->surrogate.train_time_s;
    int status = nnp_model_train(m, frames, NULL, &tc);
    if (status == LS_OK) {
        struct nnp_errors err;
        if (nnp_model_errors(m, frames, &err) == LS_OK) *val_mae_mev = err.energy_mae_mev_atom;
        status = nnp_model_save(m, path);
    }
    nnp_model_destroy(m);
    return status;
}

int campaign_surrogate_update(const struct campaign_config *cfg, campaign_store *st, int round, long long *model_id)
{
    *model_id = 0;
    if (!cfg->surrogate.enabled) return LS_OK;
    struct model_row prev;
    int have = 0;
    LS_TRY(last_model(st, &prev, &have));
    ls_structure_list *all = NULL, *fresh = NULL;
    long long last_run = 0, dummy = 0;
    LS_TRY(load_frames(st, 0, &all, &last_run));
    int status = LS_OK;
    char reason[256] = "";
    if (have) {
        *model_id = prev.id;
        LS_TRY_GOTO(status, load_frames(st, prev.after_run, &fresh, &dummy), done);
        if (fresh->n == 0) goto done;
        nnp_model *m = NULL;
        LS_TRY_GOTO(status, nnp_model_load(prev.path, &m), done);
        double spread = 0;
        status = mean_spread_ev(m, fresh, &spread);
        nnp_model_destroy(m);
        if (status != LS_OK) goto done;
        if (spread <= cfg->surrogate.retrain_spread_ev) {
            ls_log_info("campaign: surrogate model %lld kept: spread %.1f meV/atom on %d new frames (threshold %.1f)",
                        prev.id, 1e3 * spread, fresh->n, 1e3 * cfg->surrogate.retrain_spread_ev);
            goto done;
        }
        snprintf(reason, sizeof reason, "spread %.1f meV/atom on %d new DFT frames above %.1f", 1e3 * spread, fresh->n,
                 1e3 * cfg->surrogate.retrain_spread_ev);
    } else {
        if (all->n < CAMPAIGN_MIN_FRAMES) goto done;
        snprintf(reason, sizeof reason, "first model");
    }
    {
        long long id = have ? prev.id + 1 : 1;
        char dir[4200], path[4300], sha[65];
        snprintf(dir, sizeof dir, "%s/models", st->work_dir);
        mkdir(dir, 0777);
        snprintf(path, sizeof path, "%s/model-%lld.nnp", dir, id);
        double mae = NAN;
        struct stat sb;
        if (stat(path, &sb) == 0) {
            ls_log_info("campaign: surrogate model %lld found on disk (trained before a stop): used as it is", id);
        } else {
            ls_log_info("campaign: training surrogate model %lld on %d DFT frames (%s)", id, all->n, reason);
            LS_TRY_GOTO(status, train_model(cfg, all, id, have ? prev.path : NULL, path, &mae), done);
        }
        LS_TRY_GOTO(status, ls_sha256_file(path, sha), done);
        char utc[32];
        campaign_utc_now(utc);
        LS_TRY_GOTO(status,
                    ls_db_run(st->db,
                              "INSERT INTO model (id, round_id, path, sha256, n_frames, last_run_id, reason, "
                              "val_energy_mae_mev_per_atom, created_utc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                              "iissiisds", id, (long long)round, path, sha, (long long)all->n, last_run, reason, mae, utc),
                    done);
        *model_id = id;
    }
done:
    ls_structure_list_destroy(all);
    ls_structure_list_destroy(fresh);
    return status;
}

/* Reference energies per atom (eV) of the done reference phases, by atomic number (NaN: none). */
static int reference_energies(campaign_store *st, double mu[119])
{
    for (int z = 0; z < 119; z++) mu[z] = NAN;
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q,
                       "SELECT ce.z, r.energy_ev_per_atom FROM result r JOIN evaluation e ON e.id = r.evaluation_id JOIN "
                       "candidate c ON c.id = e.candidate_id JOIN candidate_element ce ON ce.candidate_id = c.id WHERE "
                       "c.role = 'reference'",
                       NULL));
    int row = 0, status = LS_OK;
    while ((status = ls_db_next(q, &row)) == LS_OK && row) mu[ls_db_col_int(q, 0)] = ls_db_col_double(q, 1);
    ls_db_finalize(q);
    return status;
}

int campaign_surrogate_screen(const struct campaign_config *cfg, campaign_store *st,
                              const struct campaign_candidate_list *cands, long long model_id, int round,
                              unsigned char *avail, int *n_screened)
{
    *n_screened = 0;
    if (!cfg->surrogate.enabled || model_id <= 0) return LS_OK;
    char path[4200] = "";
    LS_TRY(ls_db_get_text(st->db, path, sizeof path, NULL, "SELECT path FROM model WHERE id = ?1", "i", model_id));
    nnp_model *m = NULL;
    LS_TRY(nnp_model_load(path, &m));
    nnp_calc *calc = NULL;
    double mu[119];
    int status = nnp_calc_create(m, &calc);
    if (status == LS_OK) status = reference_energies(st, mu);
    /* The formation-energy constraint, if any (upper bound). */
    double ef_bound = NAN;
    for (int k = 0; k < cfg->n_con; k++)
        if (cfg->con[k].prop == CAMPAIGN_PROP_FORMATION_EV_PER_ATOM && cfg->con[k].upper) ef_bound = cfg->con[k].bound;
    if (status == LS_OK) status = ls_db_begin(st->db);
    int n_pred = 0;
    for (int i = 0; i < cands->n && status == LS_OK; i++) {
        if (!avail[i]) continue;
        const struct campaign_candidate *c = &cands->items[i];
        ls_structure *s = NULL;
        status = ls_structure_copy(c->s, &s);
        if (status != LS_OK) break;
        struct ls_relax_config rc;
        ls_relax_config_default(&rc);
        rc.relax_cell = 1;
        rc.fmax_ev_a = 0.05;
        rc.stress_tol_gpa = 0.5;
        rc.max_steps = 60;
        rc.log_every = 0;
        struct ls_relax_result res;
        memset(&res, 0, sizeof res);
        int rs = ls_relax_run(s, nnp_model_calc, calc, &rc, &res);
        ls_relax_result_free(&res);
        struct nnp_result r;
        memset(&r, 0, sizeof r);
        int ps = rs == LS_OK || rs == LS_ERR_CONVERGENCE ? nnp_model_predict(m, s, &r) : rs;
        double e = NAN, spread = NAN, ef = NAN;
        int trusted = 0, out = 0;
        if (ps == LS_OK) {
            e = r.energy / s->n_atom * LS_HARTREE_EV;
            spread = r.energy_std / s->n_atom * LS_HARTREE_EV;
            double ref = 0;
            for (int ia = 0; ia < s->n_atom; ia++) ref += mu[s->z[ia]] / s->n_atom;
            ef = e - ref;
            trusted = spread < cfg->surrogate.trust_spread_ev && r.n_extrapolating == 0 && isfinite(ef);
            out = trusted && isfinite(ef_bound) && ef - 2 * spread > ef_bound;
        }
        ls_structure_destroy(s);
        status = ls_db_run(st->db,
                           "INSERT OR REPLACE INTO prediction (round_id, candidate_id, model_id, energy_ev_per_atom, "
                           "spread_ev_per_atom, formation_energy_ev_per_atom, trusted, screened_out) VALUES (?1, ?2, ?3, "
                           "?4, ?5, ?6, ?7, ?8)",
                           "iiidddii", (long long)round, (long long)(i + 1), model_id, e, spread, ef, (long long)trusted,
                           (long long)out);
        if (out) {
            avail[i] = 0;
            (*n_screened)++;
        }
        n_pred++;
    }
    if (status == LS_OK) status = ls_db_commit(st->db);
    else ls_db_rollback(st->db);
    if (status == LS_OK)
        ls_log_info("campaign: surrogate model %lld screened %d candidates: %d left out of round %d (trusted and unstable "
                    "by more than two spreads)", model_id, n_pred, *n_screened, round);
    nnp_calc_destroy(calc);
    nnp_model_destroy(m);
    return status;
}
