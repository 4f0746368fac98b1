/* The next batch of a campaign: a space-filling first batch, then Bayesian optimisation over
 * the candidates' features (search/: one Gaussian process per objective and per constraint on
 * the DFT-verified properties, expected improvement weighted by the probability of
 * feasibility (Gardner et al., ICML 2014) for one objective, EHVI for two or three, batches by
 * kriging believer).
 *
 * First batch: greedy maximin design in the standardised feature space (Gonzalez's
 * farthest-point rule), from a first point drawn with the seed: spreads the first DFT
 * evaluations over the chemistry before any model exists.
 *
 * Determinism: the random stream of round r is seeded from (seed, r), the observations come
 * in evaluation order, so a resumed campaign proposes exactly what an uninterrupted one would.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/propose.h"
#include "common/err.h"
#include "search/search.h"

/* A reproducible stream per (seed, round). */
static void round_rng(uint64_t seed, int round, ls_rng *rng)
{
    ls_rng_seed(rng, seed * 0x9E3779B97F4A7C15ULL + (uint64_t)round * 0xD1B54A32D192ED03ULL + 0x2545F4914F6CDD1DULL);
}

/* Standardised features of the search candidates (n x CAMPAIGN_N_FEATURES). */
static double *standardised_features(const struct campaign_candidate_list *c)
{
    int d = CAMPAIGN_N_FEATURES, n = c->n;
    double *x = malloc((size_t)n * d * sizeof *x);
    if (!x) return NULL;
    for (int k = 0; k < d; k++) {
        double m = 0, v = 0;
        for (int i = 0; i < n; i++) m += c->items[i].features[k];
        m /= n;
        for (int i = 0; i < n; i++) v += pow(c->items[i].features[k] - m, 2);
        double sd = n > 1 ? sqrt(v / (n - 1)) : 0;
        for (int i = 0; i < n; i++) x[(long)i * d + k] = sd > 1e-12 ? (c->items[i].features[k] - m) / sd : 0.0;
    }
    return x;
}

static int maximin(const struct campaign_candidate_list *c, const unsigned char *avail, int q, ls_rng *rng,
                   struct campaign_proposal *out, int *n_out)
{
    int n = c->n, d = CAMPAIGN_N_FEATURES;
    double *x = standardised_features(c);
    double *dmin = malloc((size_t)n * sizeof *dmin);
    unsigned char *free_ = malloc((size_t)n);
    if (!x || !dmin || !free_) {
        free(x), free(dmin), free(free_);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for the first batch");
    }
    int n_free = 0;
    for (int i = 0; i < n; i++) {
        free_[i] = avail[i];
        n_free += avail[i];
        dmin[i] = INFINITY;
    }
    *n_out = 0;
    while (*n_out < q && n_free > 0) {
        int pick = -1;
        if (*n_out == 0) {
            long k = ls_rng_below(rng, n_free);
            for (int i = 0; i < n && pick < 0; i++)
                if (free_[i] && k-- == 0) pick = i;
        } else {
            double best = -1;
            for (int i = 0; i < n; i++)
                if (free_[i] && dmin[i] > best) {
                    best = dmin[i];
                    pick = i;
                }
        }
        free_[pick] = 0;
        n_free--;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) s += pow(x[(long)i * d + k] - x[(long)pick * d + k], 2);
            if (s < dmin[i]) dmin[i] = s;
        }
        struct campaign_proposal *p = &out[(*n_out)++];
        memset(p, 0, sizeof *p);
        p->candidate_id = pick + 1;
        p->acq = NAN;
        for (int k = 0; k < CAMPAIGN_MAX_OBJECTIVES; k++) p->mean[k] = p->sd[k] = NAN;
        p->p_feasible = NAN;
    }
    free(x), free(dmin), free(free_);
    return LS_OK;
}

/* A GP on the observations' values of one property (sign: +1, or -1 to maximise -value). */
static int fit_gp(const double *x_all, const struct campaign_observations *obs, enum campaign_property prop, double sign,
                  ls_rng *rng, bo_gp **out)
{
    int d = CAMPAIGN_N_FEATURES;
    *out = NULL;
    double *x = malloc((size_t)obs->n * d * sizeof *x), *y = malloc((size_t)obs->n * sizeof *y);
    if (!x || !y) {
        free(x), free(y);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for a Gaussian process");
    }
    long n = 0;
    for (int i = 0; i < obs->n; i++) {
        double v = obs->prop[i][prop];
        if (!isfinite(v)) continue;
        memcpy(x + n * d, x_all + (obs->candidate_id[i] - 1) * d, (size_t)d * sizeof *x);
        y[n++] = sign * v;
    }
    int status = LS_OK;
    if (n < 2) {
        status = ls_error_set(LS_ERR_NUMERIC, __FILE__, __LINE__, "fewer than two values of %s",
                              campaign_property_name(prop));
        goto done;
    }
    bo_gp_options o;
    bo_gp_options_default(&o);
    LS_TRY_GOTO(status, bo_gp_create(d, &o, out), done);
    LS_TRY_GOTO(status, bo_gp_set_data(*out, n, x, y, NULL), done);
    LS_TRY_GOTO(status, bo_gp_fit(*out, 4, rng), done);
done:
    if (status != LS_OK) {
        bo_gp_destroy(*out);
        *out = NULL;
    }
    free(x), free(y);
    return status;
}

int campaign_propose(const struct campaign_config *cfg, const struct campaign_candidate_list *cands,
                     const struct campaign_observations *obs, const unsigned char *avail, int q, int round,
                     struct campaign_proposal *out, int *n_out, char method[32], double *max_ei)
{
    *n_out = 0;
    *max_ei = NAN;
    ls_rng rng;
    round_rng(cfg->seed, round, &rng);
    if (cfg->strategy != CAMPAIGN_STRATEGY_BO) {
        /* The baselines: every candidate in order, or a seeded random order. */
        int n = cands->n, n_free = 0;
        int *free_ids = malloc((size_t)(n ? n : 1) * sizeof *free_ids);
        if (!free_ids) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        for (int i = 0; i < n; i++)
            if (avail[i]) free_ids[n_free++] = i;
        if (cfg->strategy == CAMPAIGN_STRATEGY_RANDOM)
            for (int i = 0; i < n_free && i < q; i++) { /* partial Fisher-Yates */
                long j = i + ls_rng_below(&rng, n_free - i);
                int t = free_ids[i];
                free_ids[i] = free_ids[j];
                free_ids[j] = t;
            }
        for (int i = 0; i < n_free && i < q; i++) {
            struct campaign_proposal *p = &out[(*n_out)++];
            memset(p, 0, sizeof *p);
            p->candidate_id = free_ids[i] + 1;
            p->acq = p->p_feasible = NAN;
            for (int k = 0; k < CAMPAIGN_MAX_OBJECTIVES; k++) p->mean[k] = p->sd[k] = NAN;
        }
        free(free_ids);
        snprintf(method, 32, "%s", cfg->strategy == CAMPAIGN_STRATEGY_RANDOM ? "random" : "exhaustive");
        return LS_OK;
    }
    /* A model needs data: the first batch (and any round with fewer than 3 observations of the
     * objectives) is space-filling. */
    int n_obj_obs = 0;
    for (int i = 0; i < obs->n; i++) n_obj_obs += isfinite(obs->prop[i][cfg->obj[0].prop]);
    if (round <= 1 || n_obj_obs < 3) {
        snprintf(method, 32, "maximin");
        return maximin(cands, avail, q, &rng, out, n_out);
    }
    int d = CAMPAIGN_N_FEATURES, n = cands->n;
    double *x = standardised_features(cands);
    if (!x) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    bo_gp *obj[CAMPAIGN_MAX_OBJECTIVES] = {0}, *con[CAMPAIGN_MAX_CONSTRAINTS] = {0};
    double bound[CAMPAIGN_MAX_CONSTRAINTS];
    int con_src[CAMPAIGN_MAX_CONSTRAINTS]; /* cfg->con index of each modelled constraint */
    double *y_obs = NULL, *c_obs = NULL, *x_obs = NULL;
    bo_choice *ch = NULL;
    double *xc = NULL;
    int status = LS_OK, n_con = 0;
    for (int k = 0; k < cfg->n_obj; k++)
        LS_TRY_GOTO(status, fit_gp(x, obs, cfg->obj[k].prop, cfg->obj[k].maximise ? 1.0 : -1.0, &rng, &obj[k]), done);
    /* Constraints with too few known values are left out this round (said in the method). */
    for (int k = 0; k < cfg->n_con; k++) {
        double sign = cfg->con[k].upper ? 1.0 : -1.0;
        int st = fit_gp(x, obs, cfg->con[k].prop, sign, &rng, &con[n_con]);
        if (st == LS_ERR_NUMERIC) continue;
        if (st != LS_OK) {
            status = st;
            goto done;
        }
        con_src[n_con] = k;
        bound[n_con++] = sign * cfg->con[k].bound;
    }
    /* Observed rows (maximised objectives, constraint values in the GP's sign). */
    x_obs = malloc((size_t)obs->n * d * sizeof *x_obs);
    y_obs = malloc((size_t)obs->n * cfg->n_obj * sizeof *y_obs);
    c_obs = malloc((size_t)obs->n * (n_con ? n_con : 1) * sizeof *c_obs);
    ch = malloc((size_t)q * sizeof *ch);
    xc = malloc((size_t)q * d * sizeof *xc);
    if (!x_obs || !y_obs || !c_obs || !ch || !xc) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    long n_o = 0;
    for (int i = 0; i < obs->n; i++) {
        int ok = 1;
        for (int k = 0; k < cfg->n_obj; k++) ok &= isfinite(obs->prop[i][cfg->obj[k].prop]);
        if (!ok) continue;
        memcpy(x_obs + n_o * d, x + (obs->candidate_id[i] - 1) * d, (size_t)d * sizeof *x);
        for (int k = 0; k < cfg->n_obj; k++)
            y_obs[n_o * cfg->n_obj + k] = (cfg->obj[k].maximise ? 1 : -1) * obs->prop[i][cfg->obj[k].prop];
        for (int kc = 0; kc < n_con; kc++) {
            const struct campaign_constraint *k = &cfg->con[con_src[kc]];
            double v = obs->prop[i][k->prop];
            /* Unknown constraint values count as violated for the incumbent. */
            c_obs[n_o * n_con + kc] = isfinite(v) ? (k->upper ? v : -v) : INFINITY;
        }
        n_o++;
    }
    bo_select_config sc;
    memset(&sc, 0, sizeof sc);
    const char *acq_name = cfg->n_obj > 1 ? "ehvi" : "ei";
    LS_TRY_GOTO(status, bo_acquisition_find(acq_name, &sc.acq), done);
    sc.params.kappa = 2.0;
    sc.n_obj = cfg->n_obj;
    sc.obj = obj;
    sc.n_con = n_con;
    sc.con = con;
    sc.con_bound = bound;
    sc.n_obs = n_o;
    sc.x_obs = x_obs;
    sc.y_obs = y_obs;
    sc.c_obs = n_con ? c_obs : NULL;
    sc.q = q;
    int n_chosen = 0;
    LS_TRY_GOTO(status, bo_select_pool(&sc, n, d, x, avail, &rng, ch, xc, &n_chosen), done);
    snprintf(method, 32, "%s%s", acq_name, n_con < cfg->n_con ? " (partly constrained)" : "");
    for (int j = 0; j < n_chosen; j++) {
        struct campaign_proposal *p = &out[j];
        memset(p, 0, sizeof *p);
        p->candidate_id = ch[j].index + 1;
        p->acq = ch[j].acq;
        for (int k = 0; k < CAMPAIGN_MAX_OBJECTIVES; k++) {
            p->mean[k] = k < cfg->n_obj ? (cfg->obj[k].maximise ? 1 : -1) * ch[j].mean[k] : NAN;
            p->sd[k] = k < cfg->n_obj ? ch[j].sd[k] : NAN;
        }
        p->p_feasible = ch[j].p_feasible;
    }
    *n_out = n_chosen;
    /* The expected (feasible) improvement of the first pick, in objective units: EI's score is
     * log(EI) + log(P(feasible)). */
    if (n_chosen > 0 && sc.acq->log_form && cfg->n_obj == 1) *max_ei = exp(ch[0].acq);
done:
    for (int k = 0; k < CAMPAIGN_MAX_OBJECTIVES; k++) bo_gp_destroy(obj[k]);
    for (int k = 0; k < CAMPAIGN_MAX_CONSTRAINTS; k++) bo_gp_destroy(con[k]);
    free(x), free(x_obs), free(y_obs), free(c_obs), free(ch), free(xc);
    return status;
}
