/* The scorer: acquisition values of candidate points from fitted models, with the
 * incumbent, the probability of feasibility, the Pareto front and kriging-believer fantasies.
 *
 *   constrained score = log a(x) + sum_c log P(c(x) <= b_c),  P = Phi((b_c - mu_c)/sd_c)
 *
 * (Gardner et al., ICML 2014, "Bayesian optimization with inequality constraints"; with no
 * feasible observation yet the score is the log probability of feasibility alone).  The
 * incumbent is the best posterior mean over the feasible observed points, which is the
 * noisy-EI plug-in of Picheny et al., Struct. Multidisc. Optim. 48, 607 (2013),
 * doi:10.1007/s00158-013-0919-4, and equals the best observation without noise.  Kriging
 * believer: a chosen point is added to every model at its posterior mean (Ginsbourger, Le
 * Riche & Carraro, in Computational Intelligence in Expensive Optimization Problems (Springer
 * 2010), doi:10.1007/978-3-642-10701-6_6); means stay, variances shrink around it.
 */
#include "search/select.h"

#include <lapacke.h>
/* A row-major lower triangle is the column-major upper one: LAPACK is called in column-major
 * form with 'U' so that LAPACKE neither transposes nor scans for NaN (row-major lower). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "search/gp.h"

static int feasible_obs(const bo_select_config *cfg, long i)
{
    for (int c = 0; c < cfg->n_con; c++)
        if (!(cfg->c_obs[i * cfg->n_con + c] <= cfg->con_bound[c])) return 0;
    return 1;
}

static int front_push(bo_scorer *s, const double *y)
{
    int m = s->cfg->n_obj;
    if (s->n_front == s->front_cap) {
        long cap = s->front_cap ? 2 * s->front_cap : 64;
        double *f = realloc(s->front, sizeof *f * (size_t)cap * m);
        if (f == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for the Pareto front");
        s->front = f;
        s->front_cap = cap;
    }
    memcpy(s->front + s->n_front * m, y, sizeof *y * m);
    s->n_front++;
    return LS_OK;
}

/* Reduce the stored points to the Pareto front and rebuild the EHVI cells. */
static int front_rebuild(bo_scorer *s)
{
    int m = s->cfg->n_obj;
    long *idx = malloc(sizeof *idx * (size_t)(s->n_front > 0 ? s->n_front : 1));
    if (idx == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for the Pareto front");
    long k = bo_pareto_front(s->n_front, m, s->front, idx);
    for (long i = 0; i < k; i++) memmove(s->front + i * m, s->front + idx[i] * m, sizeof *s->front * m);
    s->n_front = k;
    free(idx);
    bo_ehvi_free(&s->ehvi);
    return bo_ehvi_prepare(&s->ehvi, m, s->n_front, s->front, s->ref);
}

void bo_scorer_free(bo_scorer *s)
{
    if (s->owns_models) {
        for (int k = 0; k < s->cfg->n_obj; k++) bo_gp_destroy(s->obj[k]);
        for (int c = 0; c < s->cfg->n_con; c++) bo_gp_destroy(s->con[c]);
    }
    free(s->front);
    bo_ehvi_free(&s->ehvi);
    memset(s, 0, sizeof *s);
}

int bo_scorer_create(const bo_select_config *cfg, int dim, bo_scorer *s)
{
    int status = LS_OK;
    double *mean = NULL;
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    s->dim = dim;
    const bo_acquisition *acq = cfg->acq;
    if (cfg->n_obj < 1 || cfg->n_obj > 3) LS_ERROR(LS_ERR_UNSUPPORTED, "1 to 3 objectives are supported, got %d", cfg->n_obj);
    if (cfg->n_con < 0 || cfg->n_con > BO_MAX_CON) LS_ERROR(LS_ERR_UNSUPPORTED, "at most %d constraints", BO_MAX_CON);
    if (cfg->n_obj > 1 && !acq->multi_objective)
        LS_ERROR(LS_ERR_UNSUPPORTED, "%d objectives need the acquisition 'ehvi', not '%s' (fix: --acquisition ehvi)",
                 cfg->n_obj, acq->name);
    if (cfg->n_obj == 1 && acq->multi_objective)
        LS_ERROR(LS_ERR_UNSUPPORTED, "'ehvi' needs 2 or 3 objectives (fix: use ei, pi, ucb, lcb or ts)");
    if (cfg->n_con > 0 && !acq->log_form && !acq->thompson)
        LS_ERROR(LS_ERR_UNSUPPORTED, "constraints combine with ei, pi, ehvi or ts, not with '%s' (fix: choose one "
                 "of those acquisitions)", acq->name);
    if (cfg->q < 1) LS_ERROR(LS_ERR_INPUT, "batch size must be at least 1, got %d", cfg->q);
    for (int k = 0; k < cfg->n_obj; k++) s->obj[k] = cfg->obj[k];
    for (int c = 0; c < cfg->n_con; c++) s->con[c] = cfg->con[c];
    s->params = cfg->params;
    s->params.best = -INFINITY;
    long n = cfg->n_obs;
    if (cfg->n_obj == 1 && n > 0) {
        mean = malloc(sizeof *mean * (size_t)n);
        if (mean == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
        LS_TRY_GOTO(status, bo_gp_predict(s->obj[0], n, cfg->x_obs, mean, NULL), fail);
        for (long i = 0; i < n; i++)
            if (feasible_obs(cfg, i) && mean[i] > s->params.best) s->params.best = mean[i], s->have_feasible = 1;
    }
    if (cfg->n_obj > 1) {
        int m = cfg->n_obj;
        for (int d = 0; d < m; d++) {
            if (cfg->ref) {
                s->ref[d] = cfg->ref[d];
                continue;
            }
            double lo = INFINITY, hi = -INFINITY;
            for (long i = 0; i < n; i++) {
                double v = cfg->y_obs[i * m + d];
                lo = v < lo ? v : lo, hi = v > hi ? v : hi;
            }
            double range = hi > lo ? hi - lo : 1.0;
            s->ref[d] = n > 0 ? lo - 0.1 * range : 0.0;
        }
        for (long i = 0; i < n; i++)
            if (feasible_obs(cfg, i)) {
                LS_TRY_GOTO(status, front_push(s, cfg->y_obs + i * m), fail);
                s->have_feasible = 1;
            }
        LS_TRY_GOTO(status, front_rebuild(s), fail);
    }
    for (long p = 0; p < cfg->n_pending; p++) LS_TRY_GOTO(status, bo_scorer_fantasize(s, cfg->x_pending + p * dim), fail);
    free(mean);
    return LS_OK;
fail:
    free(mean);
    bo_scorer_free(s);
    return status;
}

int bo_scorer_score(const bo_scorer *s, long m, const double *x, double *score, double *mean, double *sd,
                    double *pfeas)
{
    const bo_select_config *cfg = s->cfg;
    int no = cfg->n_obj, nc = cfg->n_con, status = LS_OK;
    double *mu = malloc(sizeof *mu * (size_t)m * (no + nc)), *var = malloc(sizeof *var * (size_t)m * (no + nc));
    if (mu == NULL || var == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory scoring %ld points", m);
    for (int k = 0; k < no; k++) LS_TRY_GOTO(status, bo_gp_predict(s->obj[k], m, x, mu + k * m, var + k * m), done);
    for (int c = 0; c < nc; c++)
        LS_TRY_GOTO(status, bo_gp_predict(s->con[c], m, x, mu + (no + c) * m, var + (no + c) * m), done);
    for (long a = 0; a < m; a++) {
        double mk[3], sk[3], logpf = 0.0;
        for (int k = 0; k < no; k++) mk[k] = mu[k * m + a], sk[k] = sqrt(var[k * m + a]);
        for (int c = 0; c < nc; c++) {
            double mc = mu[(no + c) * m + a], sc = sqrt(var[(no + c) * m + a]), b = cfg->con_bound[c];
            logpf += sc > 1e-300 ? bo_log_ndtr((b - mc) / sc) : (mc <= b ? 0.0 : -INFINITY);
        }
        double v;
        if (cfg->acq->multi_objective) {
            v = log(bo_ehvi_eval(&s->ehvi, mk, sk));
        } else if (cfg->acq->score) {
            v = cfg->acq->score(mk[0], sk[0], &s->params);
        } else {
            v = mk[0]; /* Thompson sampling scores come from bo_scorer_thompson */
        }
        if (nc > 0) v = s->have_feasible ? v + logpf : logpf;
        if (isnan(v)) v = -INFINITY;
        if (score) score[a] = v;
        if (mean)
            for (int k = 0; k < no; k++) mean[a * no + k] = mk[k];
        if (sd)
            for (int k = 0; k < no; k++) sd[a * no + k] = sk[k];
        if (pfeas) pfeas[a] = exp(logpf);
    }
done:
    free(mu);
    free(var);
    return status;
}

int bo_scorer_fantasize(bo_scorer *s, const double *x)
{
    const bo_select_config *cfg = s->cfg;
    int no = cfg->n_obj, nc = cfg->n_con;
    if (!s->owns_models) {
        bo_gp *copy[3 + BO_MAX_CON] = {NULL};
        for (int k = 0; k < no + nc; k++) {
            int st = bo_gp_clone(k < no ? s->obj[k] : s->con[k - no], &copy[k]);
            if (st != LS_OK) {
                for (int j = 0; j < k; j++) bo_gp_destroy(copy[j]);
                return st;
            }
        }
        for (int k = 0; k < no; k++) s->obj[k] = copy[k];
        for (int c = 0; c < nc; c++) s->con[c] = copy[no + c];
        s->owns_models = 1;
    }
    double mu[3 + BO_MAX_CON];
    int feasible = 1;
    for (int k = 0; k < no + nc; k++) {
        bo_gp *gp = k < no ? s->obj[k] : s->con[k - no];
        LS_TRY(bo_gp_fantasize(gp, x, &mu[k]));
        if (k >= no && !(mu[k] <= cfg->con_bound[k - no])) feasible = 0;
    }
    if (!feasible) return LS_OK;
    s->have_feasible = 1;
    if (no == 1) {
        if (mu[0] > s->params.best) s->params.best = mu[0];
        return LS_OK;
    }
    LS_TRY(front_push(s, mu));
    return front_rebuild(s);
}

/* Cholesky of a covariance with growing jitter (in place, lower, row-major). */
static int chol_jitter(double *cov, double *work, long m)
{
    double scale = 0.0;
    for (long a = 0; a < m; a++) scale = cov[a * m + a] > scale ? cov[a * m + a] : scale;
    if (scale <= 0.0) scale = 1.0;
    for (double jit = 1e-10 * scale; jit <= 1e-2 * scale; jit *= 10.0) {
        memcpy(work, cov, sizeof *work * m * m);
        for (long a = 0; a < m; a++) work[a * m + a] += jit;
        if (LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', (lapack_int)m, work, (lapack_int)m) == 0) {
            memcpy(cov, work, sizeof *work * m * m);
            return LS_OK;
        }
    }
    LS_ERROR(LS_ERR_NUMERIC, "posterior covariance of %ld candidates not positive definite", m);
}

int bo_scorer_thompson(const bo_scorer *s, long m, const double *x, int n_draw, ls_rng *rng, double *scores)
{
    const bo_select_config *cfg = s->cfg;
    int nc = cfg->n_con, status = LS_OK;
    if (cfg->n_obj != 1) LS_ERROR(LS_ERR_UNSUPPORTED, "Thompson sampling handles one objective (fix: use ehvi)");
    double *mean = malloc(sizeof *mean * (size_t)m * (1 + nc)), *chol = malloc(sizeof *chol * (size_t)m * m * (1 + nc));
    double *work = malloc(sizeof *work * (size_t)m * m), *z = malloc(sizeof *z * (size_t)m);
    double *f = malloc(sizeof *f * (size_t)m);
    if (!mean || !chol || !work || !z || !f) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for Thompson sampling");
    for (int k = 0; k <= nc; k++) {
        bo_gp *gp = k == 0 ? s->obj[0] : s->con[k - 1];
        LS_TRY_GOTO(status, bo_gp_predict_cov(gp, m, x, mean + k * m, chol + (size_t)k * m * m), done);
        LS_TRY_GOTO(status, chol_jitter(chol + (size_t)k * m * m, work, m), done);
    }
    for (int t = 0; t < n_draw; t++) {
        double *out = scores + (size_t)t * m;
        for (long a = 0; a < m; a++) out[a] = 0.0;
        for (int k = 0; k <= nc; k++) {
            const double *L = chol + (size_t)k * m * m;
            for (long a = 0; a < m; a++) z[a] = ls_rng_normal(rng);
            for (long a = 0; a < m; a++) {
                double v = mean[k * m + a];
                for (long b = 0; b <= a; b++) v += L[a * m + b] * z[b];
                if (k == 0) {
                    f[a] = v;
                } else if (v > cfg->con_bound[k - 1]) {
                    out[a] += v - cfg->con_bound[k - 1]; /* violation */
                }
            }
        }
        for (long a = 0; a < m; a++) out[a] = out[a] > 0.0 ? -1e100 - out[a] : f[a];
    }
done:
    free(mean), free(chol), free(work), free(z), free(f);
    return status;
}
