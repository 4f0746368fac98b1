/* Choosing the next points in a continuous box (see bo_select_box in search.h).
 *
 * The acquisition is maximised by screening: n_raw uniform points plus Gaussian
 * perturbations of the best observed points (the incumbent or the Pareto front), then
 * Nelder-Mead (GSL nmsimplex2; Nelder & Mead, Comput. J. 7, 308 (1965),
 * doi:10.1093/comjnl/7.4.308) from the BO_BOX_STARTS best distinct screened points, in
 * coordinates scaled to the unit cube, with a quadratic penalty outside it.  Batches: kriging
 * believer; Thompson batches: one joint draw over a fresh screening set per batch member.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "search/select.h"

#define BO_BOX_STARTS 5
#define BO_TS_POINTS 1000

struct box_ctx {
    const bo_scorer *s;
    int dim;
    const double *lo, *hi;
    double x[64];
    int status;
};

static double box_f(const gsl_vector *t, void *p)
{
    struct box_ctx *c = p;
    double pen = 0.0;
    for (int d = 0; d < c->dim; d++) {
        double u = gsl_vector_get(t, d), v = u < 0.0 ? 0.0 : u > 1.0 ? 1.0 : u;
        pen += (u - v) * (u - v);
        c->x[d] = c->lo[d] + v * (c->hi[d] - c->lo[d]);
    }
    double score;
    int st = bo_scorer_score(c->s, 1, c->x, &score, NULL, NULL, NULL);
    if (st != LS_OK) {
        c->status = st;
        return 1e300;
    }
    if (!isfinite(score)) return 1e300;
    return -score + 1e3 * pen;
}

/* Local maximisation from x0 (box coordinates); improves *best_x / *best_score. */
static void refine(struct box_ctx *c, gsl_multimin_fminimizer *m, const double *x0, double *best_x, double *best_score)
{
    int D = c->dim;
    gsl_vector *t = gsl_vector_alloc((size_t)D), *step = gsl_vector_alloc((size_t)D);
    for (int d = 0; d < D; d++) {
        gsl_vector_set(t, d, (x0[d] - c->lo[d]) / (c->hi[d] - c->lo[d]));
        gsl_vector_set(step, d, 0.02);
    }
    gsl_multimin_function fn = {box_f, (size_t)D, c};
    gsl_multimin_fminimizer_set(m, &fn, t, step);
    for (int it = 0; it < 200 * D; it++) {
        if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS) break;
        if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), 1e-9) == GSL_SUCCESS) break;
    }
    if (-m->fval > *best_score) {
        for (int d = 0; d < D; d++) {
            double u = gsl_vector_get(m->x, d);
            u = u < 0.0 ? 0.0 : u > 1.0 ? 1.0 : u;
            best_x[d] = c->lo[d] + u * (c->hi[d] - c->lo[d]);
        }
        *best_score = -m->fval;
    }
    gsl_vector_free(t);
    gsl_vector_free(step);
}

/* Screening set: n uniform points, then perturbations around the best observed points. */
static long screening_points(const bo_scorer *s, int D, const double *lo, const double *hi, long n_raw, ls_rng *rng,
                             double *x)
{
    const bo_select_config *cfg = s->cfg;
    long k = 0;
    for (long i = 0; i < n_raw; i++, k++)
        for (int d = 0; d < D; d++) x[k * D + d] = lo[d] + ls_rng_uniform(rng) * (hi[d] - lo[d]);
    /* Up to 10 anchors: best observed values (one objective) or Pareto points. */
    long anchors[10], n_anchor = 0;
    for (long i = 0; i < cfg->n_obs && n_anchor < 10; i++) {
        /* Insertion by the first objective, largest first (a cheap proxy for several). */
        long pos = n_anchor;
        while (pos > 0 && cfg->y_obs[anchors[pos - 1] * cfg->n_obj] < cfg->y_obs[i * cfg->n_obj]) pos--;
        if (pos >= 10) continue;
        for (long j = n_anchor; j > pos; j--) anchors[j] = anchors[j - 1];
        anchors[pos] = i;
        if (n_anchor < 10) n_anchor++;
    }
    for (long a = 0; a < n_anchor; a++)
        for (int rep = 0; rep < 20; rep++, k++)
            for (int d = 0; d < D; d++) {
                double scale = (rep < 10 ? 0.01 : 0.1) * (hi[d] - lo[d]);
                double v = cfg->x_obs[anchors[a] * D + d] + scale * ls_rng_normal(rng);
                x[k * D + d] = v < lo[d] ? lo[d] : v > hi[d] ? hi[d] : v;
            }
    return k;
}

int bo_select_box(const bo_select_config *cfg, int dim, const double *lo, const double *hi, long n_raw, ls_rng *rng,
                  bo_choice *chosen, double *x_chosen)
{
    int status = LS_OK, D = dim, no = cfg->n_obj;
    bo_scorer s;
    double *x = NULL, *score = NULL;
    gsl_multimin_fminimizer *m = NULL;
    if (D > 64) LS_ERROR(LS_ERR_UNSUPPORTED, "box search supports up to 64 dimensions");
    for (int d = 0; d < D; d++)
        if (!(hi[d] > lo[d])) LS_ERROR(LS_ERR_INPUT, "box dimension %d: upper bound %g not above lower bound %g", d + 1, hi[d], lo[d]);
    if (n_raw <= 0) n_raw = 1000L * D;
    if (cfg->acq->thompson && n_raw > BO_TS_POINTS) n_raw = BO_TS_POINTS;
    LS_TRY(bo_scorer_create(cfg, dim, &s));
    long cap = n_raw + 200;
    x = malloc(sizeof *x * (size_t)cap * D);
    score = malloc(sizeof *score * (size_t)cap);
    m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, (size_t)D);
    if (!x || !score || !m) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory optimising the acquisition");
    for (int j = 0; j < cfg->q; j++) {
        long n = screening_points(&s, D, lo, hi, n_raw, rng, x);
        double best_x[64], best_score = -INFINITY;
        if (cfg->acq->thompson) {
            LS_TRY_GOTO(status, bo_scorer_thompson(&s, n, x, 1, rng, score), done);
            long b = 0;
            for (long a = 1; a < n; a++)
                if (score[a] > score[b]) b = a;
            memcpy(best_x, x + b * D, sizeof *x * D);
            best_score = score[b];
        } else {
            LS_TRY_GOTO(status, bo_scorer_score(&s, n, x, score, NULL, NULL, NULL), done);
            struct box_ctx c = {&s, D, lo, hi, {0}, LS_OK};
            for (int st = 0; st < BO_BOX_STARTS; st++) {
                long b = -1;
                for (long a = 0; a < n; a++)
                    if (score[a] > -INFINITY && (b < 0 || score[a] > score[b])) b = a;
                if (b < 0) break;
                if (score[b] > best_score) {
                    best_score = score[b];
                    memcpy(best_x, x + b * D, sizeof *x * D);
                }
                refine(&c, m, x + b * D, best_x, &best_score);
                LS_TRY_GOTO(status, c.status, done);
                score[b] = -INFINITY;
            }
            if (best_score == -INFINITY) memcpy(best_x, x, sizeof *x * D); /* all scores vanish: any point */
        }
        double mean[3], sd[3], pf, sc;
        LS_TRY_GOTO(status, bo_scorer_score(&s, 1, best_x, &sc, mean, sd, &pf), done);
        memset(&chosen[j], 0, sizeof chosen[j]);
        chosen[j].index = -1;
        chosen[j].acq = cfg->acq->thompson ? best_score : sc;
        for (int k = 0; k < no; k++) chosen[j].mean[k] = mean[k], chosen[j].sd[k] = sd[k];
        chosen[j].p_feasible = pf;
        memcpy(x_chosen + (size_t)j * D, best_x, sizeof *x * D);
        if (j + 1 < cfg->q) LS_TRY_GOTO(status, bo_scorer_fantasize(&s, best_x), done);
    }
done:
    gsl_multimin_fminimizer_free(m);
    free(x);
    free(score);
    bo_scorer_free(&s);
    return status;
}
