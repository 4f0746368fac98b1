/* The next batch of a campaign: a space-filling first batch, then Bayesian optimisation over
 * the candidates' features (search/'s bo_suggest: one Gaussian process per objective and per
 * constraint on the DFT-verified properties, expected improvement weighted by the probability
 * of feasibility (Gardner et al., ICML 2014) for one objective, EHVI for two or three, batches
 * by kriging believer).
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

/* Squared distance between candidates i and j in the standardised features x. */
static double dist2(const double *x, long i, long j)
{
    double s = 0;
    for (int k = 0; k < CAMPAIGN_N_FEATURES; k++) s += pow(x[i * CAMPAIGN_N_FEATURES + k] - x[j * CAMPAIGN_N_FEATURES + k], 2);
    return s;
}

static int maximin(const struct campaign_candidate_list *c, const long long *pending, int n_pending,
                   const unsigned char *avail, int q, ls_rng *rng, struct campaign_proposal *out, int *n_out)
{
    int n = c->n;
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
        for (int j = 0; j < n_pending; j++) { /* the points still being evaluated count as picked */
            double s = dist2(x, i, pending[j] - 1);
            if (s < dmin[i]) dmin[i] = s;
        }
    }
    *n_out = 0;
    while (*n_out < q && n_free > 0) {
        int pick = -1;
        if (*n_out == 0 && n_pending == 0) {
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
            double s = dist2(x, i, pick);
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

int campaign_propose(const struct campaign_config *cfg, const struct campaign_candidate_list *cands,
                     const struct campaign_observations *obs, const long long *pending, int n_pending,
                     const unsigned char *avail, int q, int round, struct campaign_proposal *out, int *n_out,
                     char method[32], double *max_ei)
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
        return maximin(cands, pending, n_pending, avail, q, &rng, out, n_out);
    }
    /* Bayesian optimisation (search/: bo_suggest) over the candidates still available, on the
     * observations whose objectives and constraints are all known (a missing reference phase
     * leaves a formation energy unknown: such a candidate informs no model). */
    int d = CAMPAIGN_N_FEATURES, n = cands->n, nc = cfg->n_con;
    double *x = standardised_features(cands);
    double *xc = malloc((size_t)(n ? n : 1) * d * sizeof *xc), *xo = malloc((size_t)(obs->n ? obs->n : 1) * d * sizeof *xo);
    double *yo = malloc((size_t)(obs->n ? obs->n : 1) * cfg->n_obj * sizeof *yo);
    double *co = malloc((size_t)(obs->n ? obs->n : 1) * (nc ? nc : 1) * sizeof *co);
    long *row = malloc((size_t)(n ? n : 1) * sizeof *row);
    double *xp = malloc((size_t)(n_pending ? n_pending : 1) * d * sizeof *xp);
    int status = LS_OK;
    bo_suggest_result res;
    memset(&res, 0, sizeof res);
    if (!x || !xc || !xo || !yo || !co || !row || !xp) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    long n_cand = 0, n_obs = 0;
    for (int i = 0; i < n; i++)
        if (avail[i]) {
            memcpy(xc + n_cand * d, x + (long)i * d, (size_t)d * sizeof *x);
            row[n_cand++] = i;
        }
    for (int i = 0; i < obs->n; i++) {
        int ok = 1;
        for (int k = 0; k < cfg->n_obj; k++) ok &= isfinite(obs->prop[i][cfg->obj[k].prop]);
        for (int k = 0; k < nc; k++) ok &= isfinite(obs->prop[i][cfg->con[k].prop]);
        if (!ok) continue;
        memcpy(xo + n_obs * d, x + (obs->candidate_id[i] - 1) * d, (size_t)d * sizeof *x);
        for (int k = 0; k < cfg->n_obj; k++) yo[n_obs * cfg->n_obj + k] = obs->prop[i][cfg->obj[k].prop];
        for (int k = 0; k < nc; k++) co[n_obs * nc + k] = obs->prop[i][cfg->con[k].prop];
        n_obs++;
    }
    bo_problem pb;
    memset(&pb, 0, sizeof pb);
    pb.dim = d;
    pb.n_obj = cfg->n_obj;
    for (int k = 0; k < cfg->n_obj; k++) pb.maximise[k] = cfg->obj[k].maximise;
    pb.n_con = nc;
    for (int k = 0; k < nc; k++) {
        pb.con_upper[k] = cfg->con[k].upper;
        pb.con_bound[k] = cfg->con[k].bound;
    }
    for (int j = 0; j < n_pending; j++) memcpy(xp + (long)j * d, x + (pending[j] - 1) * d, (size_t)d * sizeof *x);
    bo_data data = {n_cand, xc, n_obs, xo, yo, nc ? co : NULL, n_pending, n_pending ? xp : NULL};
    bo_suggest_options opt;
    bo_suggest_options_default(&opt);
    opt.q = q;
    LS_TRY_GOTO(status, bo_suggest(&pb, &data, &opt, &rng, &res), done);
    snprintf(method, 32, "%s", res.acquisition);
    for (int j = 0; j < res.n; j++) {
        const bo_suggestion *sg = &res.items[j];
        struct campaign_proposal *p = &out[j];
        memset(p, 0, sizeof *p);
        p->candidate_id = row[sg->index] + 1;
        p->acq = sg->acq;
        for (int k = 0; k < CAMPAIGN_MAX_OBJECTIVES; k++) {
            p->mean[k] = k < cfg->n_obj ? sg->mean[k] : NAN;
            p->sd[k] = k < cfg->n_obj ? sg->sd[k] : NAN;
        }
        p->p_feasible = sg->p_feasible;
    }
    *n_out = res.n;
    /* The largest expected (feasible) improvement over the candidates, in objective units,
     * whatever acquisition chose the batch (bo_suggest's max_log_ei: log(EI) + log(P(feasible))). */
    if (res.n > 0 && cfg->n_obj == 1 && isfinite(res.max_log_ei)) *max_ei = exp(res.max_log_ei);
done:
    bo_suggest_result_free(&res);
    free(x), free(xc), free(xo), free(yo), free(co), free(row), free(xp);
    return status;
}
