/* Hyperparameters of the Gaussian process by maximising the log marginal likelihood L:
 *
 *   dL/dtheta_k = 1/2 tr((alpha alpha^T - K^-1) dK/dtheta_k),   alpha = K^-1 (y - m)
 *   dL/dm       = sum_i alpha_i
 *   dK_ij/dlog l_d = s^2 (-g'(r)) ((x_id - x_jd)/l_d)^2 / r,   dK/dlog s^2 = s^2 G,
 *   dK/dlog sn^2 = sn^2 I
 *
 * Rasmussen & Williams, GPML (MIT Press, 2006), eq. 5.9, doi:10.7551/mitpress/3206.001.0001.
 * The box bounds of bo_gp_options are enforced by optimising u with
 * theta = lo + (hi - lo) sigmoid(u), so no fit can run to absurd length scales; the optimiser
 * is GSL's BFGS (vector_bfgs2), run from the current values and, per restart, from the most
 * likely of 8 random points.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <lapacke.h>
/* A row-major lower triangle is the column-major upper one: LAPACK is called in column-major
 * form with 'U' so that LAPACKE neither transposes nor scans for NaN (row-major lower). */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "search/gp.h"

int bo_gp_n_theta(const bo_gp *gp) { return gp->n_ls + 2 + (gp->opt.fit_noise ? 1 : 0); }

void bo_gp_theta_get(const bo_gp *gp, double *t)
{
    int k = 0;
    for (int d = 0; d < gp->n_ls; d++) t[k++] = gp->log_ls[d];
    t[k++] = gp->log_sf2;
    if (gp->opt.fit_noise) t[k++] = gp->log_sn2;
    t[k] = gp->cmean;
}

void bo_gp_theta_set(bo_gp *gp, const double *t)
{
    int k = 0;
    for (int d = 0; d < gp->n_ls; d++) gp->log_ls[d] = t[k++];
    gp->log_sf2 = t[k++];
    if (gp->opt.fit_noise) gp->log_sn2 = t[k++];
    gp->cmean = t[k];
}

void bo_gp_theta_bounds(const bo_gp *gp, double *lo, double *hi)
{
    const bo_gp_options *o = &gp->opt;
    int k = 0;
    for (int d = 0; d < gp->n_ls; d++, k++) lo[k] = log(o->lengthscale_min), hi[k] = log(o->lengthscale_max);
    lo[k] = log(o->signal_var_min), hi[k] = log(o->signal_var_max), k++;
    if (o->fit_noise) lo[k] = log(o->noise_var_min), hi[k] = log(o->noise_var_max), k++;
    lo[k] = -5.0, hi[k] = 5.0;
}

int bo_gp_lml_grad(bo_gp *gp, const double *theta, double *lml, double *grad, double *work)
{
    bo_gp_theta_set(gp, theta);
    LS_TRY(bo_gp_factorize(gp));
    *lml = gp->lml;
    if (grad == NULL) return LS_OK;
    long n = gp->n, ld = gp->cap;
    int D = gp->dim, nt = bo_gp_n_theta(gp);
    for (long i = 0; i < n; i++) memcpy(work + i * n, gp->L + i * ld, sizeof *work * (i + 1));
    lapack_int info = LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'U', (lapack_int)n, work, (lapack_int)n);
    if (info != 0) LS_ERROR(LS_ERR_NUMERIC, "LAPACKE_dpotri failed (info %d) inverting the GP covariance", (int)info);
    for (int k = 0; k < nt; k++) grad[k] = 0.0;
    double sf2 = exp(gp->log_sf2), sn2 = exp(gp->log_sn2);
    int k_sf = gp->n_ls, k_sn = gp->n_ls + 1, k_m = nt - 1;
    const double *a = gp->alpha;
    for (long i = 0; i < n; i++) {
        double wii = a[i] * a[i] - work[i * n + i];
        grad[k_sf] += 0.5 * wii * sf2;
        if (gp->opt.fit_noise) grad[k_sn] += 0.5 * wii * sn2;
        grad[k_m] += a[i];
        const double *xi = gp->xl + i * D;
        for (long j = 0; j < i; j++) {
            const double *xj = gp->xl + j * D;
            double w = a[i] * a[j] - work[i * n + j]; /* off-diagonal counted twice: 2 * 1/2 */
            double r2 = 0.0;
            for (int d = 0; d < D; d++) r2 += (xi[d] - xj[d]) * (xi[d] - xj[d]);
            double r = sqrt(r2), g, dg;
            gp->kern->eval(r, &g, &dg);
            grad[k_sf] += w * sf2 * g;
            if (r <= 0.0) continue;
            double c = w * sf2 * (-dg) / r;
            if (gp->n_ls == 1) {
                grad[0] += c * r2;
            } else {
                for (int d = 0; d < D; d++) grad[d] += c * (xi[d] - xj[d]) * (xi[d] - xj[d]);
            }
        }
    }
    return LS_OK;
}

/* The optimisation problem in unconstrained coordinates u. */
struct fit_ctx {
    bo_gp *gp;
    int nt;
    double lo[BO_GP_MAX_DIM + 3], hi[BO_GP_MAX_DIM + 3];
    double theta[BO_GP_MAX_DIM + 3], grad[BO_GP_MAX_DIM + 3];
    double *work;
};

static double sigm(double u) { return 1.0 / (1.0 + exp(-u)); }

static void u_to_theta(const struct fit_ctx *c, const gsl_vector *u, double *theta)
{
    for (int k = 0; k < c->nt; k++) theta[k] = c->lo[k] + (c->hi[k] - c->lo[k]) * sigm(gsl_vector_get(u, k));
}

static void theta_to_u(const struct fit_ctx *c, const double *theta, gsl_vector *u)
{
    for (int k = 0; k < c->nt; k++) {
        double s = (theta[k] - c->lo[k]) / (c->hi[k] - c->lo[k]);
        s = s < 1e-6 ? 1e-6 : s > 1.0 - 1e-6 ? 1.0 - 1e-6 : s;
        gsl_vector_set(u, k, log(s / (1.0 - s)));
    }
}

static void fit_fdf(const gsl_vector *u, void *p, double *f, gsl_vector *df)
{
    struct fit_ctx *c = p;
    u_to_theta(c, u, c->theta);
    double lml;
    int status = bo_gp_lml_grad(c->gp, c->theta, &lml, df ? c->grad : NULL, c->work);
    if (status != LS_OK || !isfinite(lml)) {
        ls_error_clear();
        *f = 1e30;
        if (df) gsl_vector_set_zero(df);
        return;
    }
    *f = -lml;
    if (df)
        for (int k = 0; k < c->nt; k++) {
            double s = sigm(gsl_vector_get(u, k));
            gsl_vector_set(df, k, -c->grad[k] * (c->hi[k] - c->lo[k]) * s * (1.0 - s));
        }
}

static double fit_f(const gsl_vector *u, void *p)
{
    double f;
    fit_fdf(u, p, &f, NULL);
    return f;
}

static void fit_df(const gsl_vector *u, void *p, gsl_vector *df)
{
    double f;
    fit_fdf(u, p, &f, df);
}

/* One local BFGS run from theta0; best theta and -lml returned. */
static void local_fit(struct fit_ctx *c, gsl_multimin_fdfminimizer *m, const double *theta0, double *best_theta,
                      double *best_f)
{
    gsl_multimin_function_fdf fn = {fit_f, fit_df, fit_fdf, (size_t)c->nt, c};
    gsl_vector *u = gsl_vector_alloc((size_t)c->nt);
    theta_to_u(c, theta0, u);
    gsl_multimin_fdfminimizer_set(m, &fn, u, 0.5, 0.1);
    for (int it = 0; it < c->gp->opt.max_iter; it++) {
        if (gsl_multimin_fdfminimizer_iterate(m) != GSL_SUCCESS) break;
        if (gsl_multimin_test_gradient(m->gradient, 1e-5) == GSL_SUCCESS) break;
    }
    double f = m->f;
    if (isfinite(f) && f < *best_f) {
        *best_f = f;
        u_to_theta(c, m->x, best_theta);
    }
    gsl_vector_free(u);
}

static int fit_all(bo_gp *gp, int n_restarts, ls_rng *rng);

/* Large data: fit the hyperparameters on an evenly spaced subset of fit_max_n points (same
 * standardisation), then factorise with every point.  The likelihood surface of a few
 * hundred points already pins the hyperparameters; the O(n^3) cost per step does not grow. */
int bo_gp_fit(bo_gp *gp, int n_restarts, ls_rng *rng)
{
    long m = gp->opt.fit_max_n;
    if (m <= 0 || gp->n <= m) return fit_all(gp, n_restarts, rng);
    bo_gp *sub = NULL;
    LS_TRY(bo_gp_clone(gp, &sub));
    int D = gp->dim;
    for (long a = 0; a < m; a++) {
        long i = (long)((double)a * gp->n / m);
        memcpy(sub->xs + a * D, gp->xs + i * D, sizeof *sub->xs * D);
        sub->ys[a] = gp->ys[i];
        sub->nv[a] = gp->nv[i];
    }
    sub->n = m;
    int status = fit_all(sub, n_restarts, rng);
    if (status == LS_OK) {
        double theta[BO_GP_MAX_DIM + 3];
        bo_gp_theta_get(sub, theta);
        bo_gp_theta_set(gp, theta);
        status = bo_gp_factorize(gp);
    }
    bo_gp_destroy(sub);
    return status;
}

static int fit_all(bo_gp *gp, int n_restarts, ls_rng *rng)
{
    int status = LS_OK;
    struct fit_ctx c;
    memset(&c, 0, sizeof c);
    c.gp = gp;
    c.nt = bo_gp_n_theta(gp);
    bo_gp_theta_bounds(gp, c.lo, c.hi);
    gsl_multimin_fdfminimizer *m = NULL;
    /* GSL's default handler aborts; the handler is global, so only switch it outside
     * parallel regions (the benchmarks switch it off before starting their threads). */
    int serial = !omp_in_parallel();
    gsl_error_handler_t *old = serial ? gsl_set_error_handler_off() : NULL;
    c.work = malloc(sizeof *c.work * (size_t)gp->n * (size_t)gp->n);
    if (c.work == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory fitting a GP of %ld points", gp->n);
    m = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, (size_t)c.nt);
    if (m == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for the BFGS minimiser");

    double start[BO_GP_MAX_DIM + 3], best[BO_GP_MAX_DIM + 3], best_f = INFINITY;
    bo_gp_theta_get(gp, start);
    local_fit(&c, m, start, best, &best_f);
    /* Random restarts: screen 8 random points per restart by their likelihood (one
     * Cholesky each) and run BFGS from the best of each group of 8; the first group also
     * holds the default start (unit length scales and signal, initial noise, zero mean). */
    for (int s = 0; s < n_restarts && rng; s++) {
        double cand[BO_GP_MAX_DIM + 3], pick[BO_GP_MAX_DIM + 3], pick_lml = -INFINITY;
        for (int t = 0; t < 8; t++) {
            int k = 0, dflt = s == 0 && t == 0;
            for (int d = 0; d < gp->n_ls; d++) cand[k++] = dflt ? 0.0 : log(0.1) + ls_rng_uniform(rng) * log(100.0);
            cand[k++] = dflt ? 0.0 : log(0.3) + ls_rng_uniform(rng) * log(10.0);
            if (gp->opt.fit_noise) cand[k++] = dflt ? log(gp->opt.noise_init) : log(1e-4) + ls_rng_uniform(rng) * log(1e3);
            cand[k] = dflt ? 0.0 : ls_rng_uniform(rng) - 0.5;
            for (k = 0; k < c.nt; k++) cand[k] = cand[k] < c.lo[k] ? c.lo[k] : cand[k] > c.hi[k] ? c.hi[k] : cand[k];
            double lml;
            if (bo_gp_lml_grad(gp, cand, &lml, NULL, c.work) != LS_OK) {
                ls_error_clear();
                continue;
            }
            if (lml > pick_lml) pick_lml = lml, memcpy(pick, cand, sizeof cand);
        }
        if (pick_lml > -INFINITY) local_fit(&c, m, pick, best, &best_f);
    }
    if (!isfinite(best_f) || best_f >= 1e30)
        LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "Gaussian-process fit: no start gave a finite likelihood");
    bo_gp_theta_set(gp, best);
    LS_TRY_GOTO(status, bo_gp_factorize(gp), done);
done:
    if (serial) gsl_set_error_handler(old);
    gsl_multimin_fdfminimizer_free(m);
    free(c.work);
    return status;
}
