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

/* OpenBLAS (its cblas.h clashes with GSL's, included by gsl_multimin.h). */
int openblas_get_num_threads(void);

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

static const char *const prior_names[] = {"none", "dim-scaled", NULL};

int bo_gp_prior_find(const char *name, int *prior)
{
    for (int i = 0; prior_names[i]; i++)
        if (strcmp(name, prior_names[i]) == 0) {
            *prior = i;
            return LS_OK;
        }
    LS_ERROR(LS_ERR_INPUT, "unknown hyperparameter prior '%s' (fix: use none or dim-scaled)", name);
}

const char *bo_gp_prior_name(int prior)
{
    return prior >= 0 && prior <= BO_GP_PRIOR_DIM_SCALED ? prior_names[prior] : "?";
}

/* log of a length scale in units of the input's range minus its log in standardised units:
 * l_range = l_std * x_sd / range. */
static double ls_shift(const bo_gp *gp, int d)
{
    double range = gp->x_range[d] > 0.0 ? gp->x_range[d] : gp->data_range[d];
    return range > 0.0 ? log(gp->x_sd[d] / range) : 0.0;
}

/* Log-normal densities of a positive parameter p = exp(u) (the density of p, as GPyTorch's
 * LogNormalPrior.log_prob; constants dropped): -(u - mu)^2 / (2 s^2) - u. */
double bo_gp_log_prior(const bo_gp *gp, const double *theta, double *grad)
{
    if (gp->opt.prior != BO_GP_PRIOR_DIM_SCALED) return 0.0;
    const double mu_l = M_SQRT2 + 0.5 * log((double)gp->dim), s2_l = 3.0, mu_n = -4.0, s2_n = 1.0;
    double lp = 0.0;
    for (int k = 0; k < gp->n_ls; k++) {
        double shift = 0.0;
        if (gp->n_ls == 1) {
            for (int d = 0; d < gp->dim; d++) shift += ls_shift(gp, d) / gp->dim;
        } else {
            shift = ls_shift(gp, k);
        }
        double u = theta[k] + shift;
        lp += -0.5 * (u - mu_l) * (u - mu_l) / s2_l - u;
        if (grad) grad[k] += -(u - mu_l) / s2_l - 1.0;
    }
    if (gp->opt.fit_noise) {
        int k = gp->n_ls + 1;
        double u = theta[k];
        lp += -0.5 * (u - mu_n) * (u - mu_n) / s2_n - u;
        if (grad) grad[k] += -(u - mu_n) / s2_n - 1.0;
    }
    return lp;
}

int bo_gp_lml_grad(bo_gp *gp, const double *theta, double *lml, double *grad, double *work)
{
    bo_gp_theta_set(gp, theta);
    /* With a gradient wanted, the factorisation keeps g and g' of every pair (gp.h: dk). */
    gp->dk = grad ? work : NULL;
    int status = bo_gp_factorize_exact(gp);
    gp->dk = NULL;
    LS_TRY(status);
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
            double r = sqrt(r2), g = gp->L[j * ld + i], dg = work[j * n + i];
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
    *f = -lml - bo_gp_log_prior(c->gp, c->theta, df ? c->grad : NULL);
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
    if (m <= 0 && gp->approx == BO_GP_NN) m = 200;
    if (m <= 0 || gp->n <= m) {
        if (gp->approx == BO_GP_EXACT) return fit_all(gp, n_restarts, rng);
        /* The approximation with few points: the likelihood of an exact copy. */
        m = gp->n;
    }
    /* An exact GP on the subset, with this GP's standardisation, ranges and hyperparameters. */
    bo_gp_options o = gp->opt;
    o.approx = BO_GP_EXACT;
    bo_gp *sub = NULL;
    LS_TRY(bo_gp_create(gp->dim, &o, &sub));
    int D = gp->dim, status = LS_OK;
    double *xs = malloc(sizeof *xs * (size_t)m * D), *ys = malloc(sizeof *ys * (size_t)m), *nv = malloc(sizeof *nv * (size_t)m);
    if (!xs || !ys || !nv) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory fitting a GP");
    for (long a = 0; a < m; a++) {
        long i = (long)((double)a * gp->n / m);
        memcpy(xs + a * D, gp->xs + i * D, sizeof *xs * D);
        ys[a] = gp->ys[i];
        nv[a] = gp->nv[i];
    }
    /* set_data on standardised values, then the parent's standardisation put back: the subset's
     * own scaling would move the hyperparameters' meaning. */
    LS_TRY_GOTO(status, bo_gp_set_data(sub, m, xs, ys, nv), done);
    for (int d = 0; d < D; d++) sub->x_mu[d] = gp->x_mu[d], sub->x_sd[d] = gp->x_sd[d];
    memcpy(sub->x_range, gp->x_range, sizeof gp->x_range);
    memcpy(sub->data_range, gp->data_range, sizeof gp->data_range);
    sub->y_mu = gp->y_mu, sub->y_sd = gp->y_sd;
    memcpy(sub->xs, xs, sizeof *xs * m * D);
    memcpy(sub->ys, ys, sizeof *ys * m);
    memcpy(sub->nv, nv, sizeof *nv * m);
    sub->fitted = gp->fitted;
    {
        double theta[BO_GP_MAX_DIM + 3];
        bo_gp_theta_get(gp, theta);
        bo_gp_theta_set(sub, theta);
    }
    status = fit_all(sub, n_restarts, rng);
    if (status == LS_OK) {
        double theta[BO_GP_MAX_DIM + 3];
        bo_gp_theta_get(sub, theta);
        bo_gp_theta_set(gp, theta);
        status = bo_gp_factorize(gp);
        if (status == LS_OK) gp->fitted = 1;
    }
done:
    bo_gp_destroy(sub);
    free(xs), free(ys), free(nv);
    return status;
}

/* A start for the optimiser: the default (dflt) or a random one.  Without a prior: unit
 * length scales and signal, the initial noise and zero mean, or log-uniform length scales in
 * [0.1, 10], signal in [0.3, 3], noise in [1e-4, 0.1]; with the dim-scaled prior the length
 * scales and the noise start at the prior's mode or are drawn from the prior. */
static void random_start(const bo_gp *gp, int dflt, ls_rng *rng, double *cand)
{
    int k = 0, prior = gp->opt.prior == BO_GP_PRIOR_DIM_SCALED;
    const double mu_l = M_SQRT2 + 0.5 * log((double)gp->dim), s_l = sqrt(3.0);
    for (int d = 0; d < gp->n_ls; d++) {
        double shift = 0.0;
        if (prior && gp->n_ls == 1) {
            for (int e = 0; e < gp->dim; e++) shift += ls_shift(gp, e) / gp->dim;
        } else if (prior) {
            shift = ls_shift(gp, d);
        }
        if (prior)
            cand[k++] = (dflt ? mu_l - s_l * s_l : mu_l + s_l * ls_rng_normal(rng)) - shift;
        else
            cand[k++] = dflt ? 0.0 : log(0.1) + ls_rng_uniform(rng) * log(100.0);
    }
    cand[k++] = dflt ? 0.0 : log(0.3) + ls_rng_uniform(rng) * log(10.0);
    if (gp->opt.fit_noise) {
        if (prior)
            cand[k++] = dflt ? -5.0 : -4.0 + ls_rng_normal(rng);
        else
            cand[k++] = dflt ? log(gp->opt.noise_init) : log(1e-4) + ls_rng_uniform(rng) * log(1e3);
    }
    cand[k] = dflt ? 0.0 : ls_rng_uniform(rng) - 0.5;
}

/* One local fit per start, on a copy of the GP per thread when there are several starts and
 * the caller is not parallel itself (the copies see the same data: the same numbers as one
 * after the other); f[i] and theta[i] (stride BO_GP_MAX_DIM + 3) get each fit's result. */
static int local_fits(bo_gp *gp, int n_starts, const double *starts, double *f, double *theta)
{
    const int nt = bo_gp_n_theta(gp), stride = BO_GP_MAX_DIM + 3;
    int n_thr = n_starts > 1 && !omp_in_parallel() && openblas_get_num_threads() == 1 ? omp_get_max_threads() : 1;
    n_thr = n_thr < n_starts ? n_thr : n_starts;
    n_thr = n_thr < 8 ? n_thr : 8;
    int status = LS_OK;
    bo_gp *copy[8] = {NULL};
    for (int i = 0; i < n_starts; i++) f[i] = INFINITY;
    /* The copies are made before any fit moves the original's hyperparameters. */
    for (int t = 1; t < n_thr && status == LS_OK; t++) status = bo_gp_clone(gp, &copy[t]);
    if (status != LS_OK) goto done;
#pragma omp parallel num_threads(n_thr)
    {
        struct fit_ctx c;
        memset(&c, 0, sizeof c);
        c.nt = nt;
        bo_gp_theta_bounds(gp, c.lo, c.hi);
        int t = omp_get_thread_num();
        c.gp = t == 0 ? gp : copy[t];
        c.work = malloc(sizeof *c.work * (size_t)gp->n * (size_t)gp->n);
        gsl_multimin_fdfminimizer *m = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, (size_t)nt);
        if (c.work == NULL || m == NULL) {
#pragma omp atomic write
            status = LS_ERR_NOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < n_starts; i++)
            if (c.work && m) local_fit(&c, m, starts + (size_t)i * stride, theta + (size_t)i * stride, &f[i]);
        gsl_multimin_fdfminimizer_free(m);
        free(c.work);
    }
done:
    for (int t = 1; t < 8; t++) bo_gp_destroy(copy[t]);
    if (status != LS_OK) LS_ERROR(status, "out of memory fitting a GP of %ld points", gp->n);
    return LS_OK;
}

static int fit_all(bo_gp *gp, int n_restarts, ls_rng *rng)
{
    int status = LS_OK;
    struct fit_ctx c;
    memset(&c, 0, sizeof c);
    c.gp = gp;
    c.nt = bo_gp_n_theta(gp);
    bo_gp_theta_bounds(gp, c.lo, c.hi);
    const int stride = BO_GP_MAX_DIM + 3;
    int n_starts = 0;
    double *starts = NULL, *theta = NULL, *f = NULL;
    /* GSL's default handler aborts; the handler is global, so only switch it outside
     * parallel regions (the benchmarks switch it off before starting their threads). */
    int serial = !omp_in_parallel();
    gsl_error_handler_t *old = serial ? gsl_set_error_handler_off() : NULL;
    c.work = malloc(sizeof *c.work * (size_t)gp->n * (size_t)gp->n);
    starts = malloc(sizeof *starts * (size_t)(n_restarts + 1) * stride);
    theta = malloc(sizeof *theta * (size_t)(n_restarts + 1) * stride);
    f = malloc(sizeof *f * (size_t)(n_restarts + 1));
    if (!c.work || !starts || !theta || !f)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory fitting a GP of %ld points", gp->n);
    /* The first start: the current values; a first fit with a prior starts from the prior's
     * mode (as BoTorch does). */
    bo_gp_theta_get(gp, starts);
    if (!gp->fitted && gp->opt.prior == BO_GP_PRIOR_DIM_SCALED) random_start(gp, 1, NULL, starts);
    n_starts = 1;
    /* Random restarts: screen 8 random points per restart by their likelihood (one
     * Cholesky each) and start a local fit from the best of each group of 8; the first group
     * also holds the default start (unit length scales and signal, initial noise, zero mean). */
    for (int s = 0; s < n_restarts && rng; s++) {
        double cand[BO_GP_MAX_DIM + 3], pick[BO_GP_MAX_DIM + 3], pick_lml = -INFINITY;
        for (int t = 0; t < 8; t++) {
            random_start(gp, s == 0 && t == 0, rng, cand);
            for (int k = 0; k < c.nt; k++) cand[k] = cand[k] < c.lo[k] ? c.lo[k] : cand[k] > c.hi[k] ? c.hi[k] : cand[k];
            double lml;
            if (bo_gp_lml_grad(gp, cand, &lml, NULL, c.work) != LS_OK) {
                ls_error_clear();
                continue;
            }
            lml += bo_gp_log_prior(gp, cand, NULL);
            if (lml > pick_lml) pick_lml = lml, memcpy(pick, cand, sizeof cand);
        }
        if (pick_lml > -INFINITY) memcpy(starts + (size_t)n_starts++ * stride, pick, sizeof pick);
    }
    /* The local fits (in parallel when possible); the best, the earliest start on ties. */
    LS_TRY_GOTO(status, local_fits(gp, n_starts, starts, f, theta), done);
    int best = -1;
    for (int i = 0; i < n_starts; i++)
        if (isfinite(f[i]) && f[i] < 1e30 && (best < 0 || f[i] < f[best])) best = i;
    if (best < 0) LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "Gaussian-process fit: no start gave a finite likelihood");
    bo_gp_theta_set(gp, theta + (size_t)best * stride);
    LS_TRY_GOTO(status, bo_gp_factorize(gp), done);
    gp->fitted = 1;
done:
    if (serial) gsl_set_error_handler(old);
    free(c.work), free(starts), free(theta), free(f);
    return status;
}
