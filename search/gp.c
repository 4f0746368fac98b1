/* Gaussian-process regression with a constant mean and homoscedastic (plus known per-point)
 * noise:
 *
 *   y = m + f(x) + e,  f ~ GP(0, s^2 g(|(x - x')/l|)),  e ~ N(0, sn^2 + v_i)
 *   posterior mean   mu(x*)  = m + k*^T K^-1 (y - m)
 *   posterior var    var(x*) = s^2 - k*^T K^-1 k*,   K = s^2 G + diag(sn^2 + v_i)
 *   log marginal likelihood = -1/2 (y-m)^T K^-1 (y-m) - sum_i log L_ii - n/2 log(2 pi)
 *
 * Rasmussen & Williams, Gaussian Processes for Machine Learning (MIT Press, 2006), Algorithm
 * 2.1, doi:10.7551/mitpress/3206.001.0001.  Inputs and outputs are standardised on the data
 * given to bo_gp_set_data; bo_gp_add keeps that standardisation and appends one row to the
 * Cholesky factor (O(n^2)).  Hyperparameter fitting is in gp_fit.c.
 */
#include "search/gp.h"

#include <cblas.h>
#include <lapacke.h>
/* A row-major lower triangle is the column-major upper one: LAPACK is called in column-major
 * form with 'U' so that LAPACKE neither transposes nor scans for NaN (row-major lower). */
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#else
static int omp_in_parallel(void) { return 1; }
#endif
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

void bo_gp_options_default(bo_gp_options *o)
{
    memset(o, 0, sizeof *o);
    o->kernel = "matern52";
    o->ard = 1;
    o->standardize_x = 1;
    o->fit_noise = 1;
    o->noise_init = 0.01;
    o->lengthscale_min = 0.01;
    o->lengthscale_max = 100.0;
    o->signal_var_min = 0.01;
    o->signal_var_max = 100.0;
    o->noise_var_min = 1e-8;
    o->noise_var_max = 1.0;
    o->max_iter = 100;
    o->fit_max_n = 200;
    o->approx = BO_GP_EXACT;
    o->nn_neighbors = 64;
}

int bo_gp_create(int dim, const bo_gp_options *opt, bo_gp **out)
{
    *out = NULL;
    if (dim < 1 || dim > BO_GP_MAX_DIM)
        LS_ERROR(LS_ERR_INPUT, "a Gaussian process needs 1 to %d inputs, got %d", BO_GP_MAX_DIM, dim);
    bo_gp_options def;
    if (opt == NULL) {
        bo_gp_options_default(&def);
        opt = &def;
    }
    const bo_kernel *k = NULL;
    LS_TRY(bo_kernel_find(opt->kernel ? opt->kernel : "matern52", &k));
    bo_gp *gp = calloc(1, sizeof *gp);
    if (gp == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory creating a Gaussian process");
    gp->dim = dim;
    gp->opt = *opt;
    gp->kern = k;
    gp->n_ls = opt->ard ? dim : 1;
    gp->approx = opt->approx == BO_GP_NN ? BO_GP_NN : BO_GP_EXACT;
    if (opt->approx == BO_GP_NN && (opt->nn_neighbors < 1 || opt->nn_neighbors > 1024)) {
        free(gp);
        LS_ERROR(LS_ERR_INPUT, "nearest-neighbour GP: %d neighbours; 1 to 1024 are supported", opt->nn_neighbors);
    }
    for (int d = 0; d < gp->n_ls; d++) gp->log_ls[d] = 0.0;
    gp->log_sf2 = 0.0;
    gp->log_sn2 = log(opt->noise_init > opt->noise_var_min ? opt->noise_init : opt->noise_var_min);
    for (int d = 0; d < dim; d++) {
        gp->x_mu[d] = 0.0;
        gp->x_sd[d] = 1.0;
    }
    gp->y_sd = 1.0;
    *out = gp;
    return LS_OK;
}

static void free_data(bo_gp *gp)
{
    free(gp->xs);
    free(gp->xl);
    free(gp->ys);
    free(gp->nv);
    free(gp->L);
    free(gp->alpha);
    free(gp->z);
    gp->xs = gp->xl = gp->ys = gp->nv = gp->L = gp->alpha = gp->z = NULL;
    gp->n = gp->cap = 0;
    bo_gp_nn_free(gp->nn);
    gp->nn = NULL;
}

void bo_gp_destroy(bo_gp *gp)
{
    if (gp == NULL) return;
    free_data(gp);
    free(gp);
}

/* Make room for cap rows, keeping the first n rows (and the factor, or the approximation's
 * cells).  The n x n factor exists for the exact GP only. */
static int reserve(bo_gp *gp, long cap)
{
    if (cap <= gp->cap) return LS_OK;
    int D = gp->dim, exact = gp->approx == BO_GP_EXACT;
    double *xs = calloc((size_t)cap * D, sizeof *xs), *xl = calloc((size_t)cap * D, sizeof *xl);
    double *ys = calloc((size_t)cap, sizeof *ys), *nv = calloc((size_t)cap, sizeof *nv);
    double *L = exact ? calloc((size_t)cap * cap, sizeof *L) : NULL, *alpha = calloc((size_t)cap, sizeof *alpha);
    double *z = calloc((size_t)cap, sizeof *z);
    if (!xs || !xl || !ys || !nv || (exact && !L) || !alpha || !z) {
        free(xs), free(xl), free(ys), free(nv), free(L), free(alpha), free(z);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for a Gaussian process of %ld points", cap);
    }
    long n = gp->n;
    if (n > 0) {
        memcpy(xs, gp->xs, sizeof *xs * n * D);
        memcpy(xl, gp->xl, sizeof *xl * n * D);
        memcpy(ys, gp->ys, sizeof *ys * n);
        memcpy(nv, gp->nv, sizeof *nv * n);
        memcpy(alpha, gp->alpha, sizeof *alpha * n);
        memcpy(z, gp->z, sizeof *z * n);
        if (L && gp->L)
            for (long i = 0; i < n; i++) memcpy(L + i * cap, gp->L + i * gp->cap, sizeof *L * (i + 1));
    }
    long keep_n = gp->n;
    bo_gp_nn *nn = gp->nn;
    gp->nn = NULL;
    free_data(gp);
    gp->xs = xs, gp->xl = xl, gp->ys = ys, gp->nv = nv, gp->L = L, gp->alpha = alpha, gp->z = z;
    gp->nn = nn;
    gp->n = keep_n;
    gp->cap = cap;
    return LS_OK;
}

/* The exact factor's storage (after a switch from the approximation). */
static int ensure_factor(bo_gp *gp)
{
    if (gp->L != NULL || gp->cap == 0) return LS_OK;
    gp->L = calloc((size_t)gp->cap * gp->cap, sizeof *gp->L);
    if (gp->L == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for a Gaussian process of %ld points", gp->cap);
    return LS_OK;
}

int bo_gp_clone(const bo_gp *gp, bo_gp **out)
{
    *out = NULL;
    bo_gp *c = malloc(sizeof *c);
    if (c == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory copying a Gaussian process");
    *c = *gp;
    c->xs = c->xl = c->ys = c->nv = c->L = c->alpha = c->z = NULL;
    c->nn = NULL;
    c->n = c->cap = 0;
    int status = reserve(c, gp->cap > 0 ? gp->cap : 1);
    if (status == LS_OK && gp->L == NULL) {
        free(c->L);
        c->L = NULL;
    }
    if (status == LS_OK) status = bo_gp_nn_clone(gp->nn, gp->dim, &c->nn);
    if (status != LS_OK) {
        bo_gp_destroy(c);
        return status;
    }
    long n = gp->n, D = gp->dim;
    memcpy(c->xs, gp->xs, sizeof *c->xs * n * D);
    memcpy(c->xl, gp->xl, sizeof *c->xl * n * D);
    memcpy(c->ys, gp->ys, sizeof *c->ys * n);
    memcpy(c->nv, gp->nv, sizeof *c->nv * n);
    memcpy(c->alpha, gp->alpha, sizeof *c->alpha * n);
    memcpy(c->z, gp->z, sizeof *c->z * n);
    if (gp->L) memcpy(c->L, gp->L, sizeof *c->L * gp->cap * gp->cap);
    c->n = n;
    *out = c;
    return LS_OK;
}

static inline double ls_of(const bo_gp *gp, int d) { return exp(gp->log_ls[gp->n_ls == 1 ? 0 : d]); }

static void rescale_inputs(bo_gp *gp)
{
    int D = gp->dim;
    for (int d = 0; d < D; d++) {
        double inv = 1.0 / ls_of(gp, d);
        for (long i = 0; i < gp->n; i++) gp->xl[i * D + d] = gp->xs[i * D + d] * inv;
    }
}

static inline double kern_xl(const bo_gp *gp, const double *a, const double *b)
{
    double r2 = 0.0;
    for (int d = 0; d < gp->dim; d++) {
        double t = a[d] - b[d];
        r2 += t * t;
    }
    double g, dg;
    gp->kern->eval(sqrt(r2), &g, &dg);
    return g;
}

/* kern_xl with the derivative g'(r) too (the same arithmetic). */
static inline void kern_xl_both(const bo_gp *gp, const double *a, const double *b, double *g, double *dg)
{
    double r2 = 0.0;
    for (int d = 0; d < gp->dim; d++) {
        double t = a[d] - b[d];
        r2 += t * t;
    }
    gp->kern->eval(sqrt(r2), g, dg);
}

int bo_gp_factorize(bo_gp *gp)
{
    if (gp->approx == BO_GP_NN) {
        rescale_inputs(gp);
        return bo_gp_nn_build(gp);
    }
    return bo_gp_factorize_exact(gp);
}

int bo_gp_factorize_exact(bo_gp *gp)
{
    LS_TRY(ensure_factor(gp));
    long n = gp->n, ld = gp->cap;
    int D = gp->dim;
    double sf2 = exp(gp->log_sf2), sn2 = exp(gp->log_sn2);
    rescale_inputs(gp);
    double jit = 0.0;
    for (int attempt = 0; attempt < 8; attempt++) {
        for (long i = 0; i < n; i++) {
            if (gp->dk) {
                for (long j = 0; j < i; j++) {
                    double g, dg;
                    kern_xl_both(gp, gp->xl + i * D, gp->xl + j * D, &g, &dg);
                    gp->L[i * ld + j] = sf2 * g;
                    gp->L[j * ld + i] = g;
                    gp->dk[j * n + i] = dg;
                }
            } else {
                for (long j = 0; j < i; j++) gp->L[i * ld + j] = sf2 * kern_xl(gp, gp->xl + i * D, gp->xl + j * D);
            }
            gp->L[i * ld + i] = sf2 + sn2 + gp->nv[i] + jit;
        }
        lapack_int info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', (lapack_int)n, gp->L, (lapack_int)ld);
        if (info == 0) {
            gp->jitter = jit;
            double ld2 = 0.0;
            for (long i = 0; i < n; i++) {
                gp->z[i] = gp->ys[i] - gp->cmean;
                ld2 += log(gp->L[i * ld + i]);
            }
            cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)n, gp->L, (int)ld, gp->z, 1);
            memcpy(gp->alpha, gp->z, sizeof *gp->z * n);
            cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, (int)n, gp->L, (int)ld, gp->alpha, 1);
            gp->logdet_half = ld2;
            gp->lml = -0.5 * cblas_ddot((int)n, gp->z, 1, gp->z, 1) - ld2 - 0.5 * n * log(2.0 * M_PI);
            return LS_OK;
        }
        if (info < 0) LS_ERROR(LS_ERR_INTERNAL, "LAPACKE_dpotrf: argument %d invalid", (int)-info);
        jit = jit == 0.0 ? 1e-10 * sf2 : jit * 10.0;
    }
    gp->lml = -INFINITY;
    LS_ERROR(LS_ERR_NUMERIC, "Gaussian-process covariance of %ld points not positive definite even with "
             "jitter %.1e (duplicate inputs with different noise-free targets?)", n, jit / 10.0);
}

int bo_gp_set_data(bo_gp *gp, long n, const double *x, const double *y, const double *noise_var)
{
    int D = gp->dim;
    if (n < 1) LS_ERROR(LS_ERR_INPUT, "a Gaussian process needs at least one observation");
    for (long i = 0; i < n; i++) {
        if (!isfinite(y[i])) LS_ERROR(LS_ERR_INPUT, "observation %ld: target is not a finite number", i + 1);
        for (int d = 0; d < D; d++)
            if (!isfinite(x[i * D + d])) LS_ERROR(LS_ERR_INPUT, "observation %ld: input %d is not finite", i + 1, d + 1);
    }
    long cap = gp->cap;
    if (cap < n) cap = n + n / 4 + 8;
    gp->n = 0;
    bo_gp_nn_free(gp->nn); /* new data: the approximation's cells and fantasies go */
    gp->nn = NULL;
    LS_TRY(reserve(gp, cap));
    for (int d = 0; d < D; d++) {
        double mu = 0.0, v = 0.0;
        if (gp->opt.standardize_x) {
            for (long i = 0; i < n; i++) mu += x[i * D + d];
            mu /= n;
            for (long i = 0; i < n; i++) v += (x[i * D + d] - mu) * (x[i * D + d] - mu);
            v /= n;
        }
        gp->x_mu[d] = mu;
        gp->x_sd[d] = v > 1e-24 ? sqrt(v) : 1.0;
    }
    bo_x_range(n, D, x, gp->data_range);
    double mu = 0.0, v = 0.0;
    for (long i = 0; i < n; i++) mu += y[i];
    mu /= n;
    for (long i = 0; i < n; i++) v += (y[i] - mu) * (y[i] - mu);
    v /= n;
    gp->y_mu = mu;
    gp->y_sd = v > 1e-300 ? sqrt(v) : 1.0;
    for (long i = 0; i < n; i++) {
        for (int d = 0; d < D; d++) gp->xs[i * D + d] = (x[i * D + d] - gp->x_mu[d]) / gp->x_sd[d];
        gp->ys[i] = (y[i] - gp->y_mu) / gp->y_sd;
        gp->nv[i] = noise_var ? noise_var[i] / (gp->y_sd * gp->y_sd) : 0.0;
    }
    gp->n = n;
    return bo_gp_factorize(gp);
}

int bo_gp_add(bo_gp *gp, const double *x, double y, double noise_var)
{
    int D = gp->dim;
    if (!isfinite(y)) LS_ERROR(LS_ERR_INPUT, "added observation: target is not a finite number");
    if (gp->n == 0) return bo_gp_set_data(gp, 1, x, &y, noise_var > 0 ? &noise_var : NULL);
    if (gp->n == gp->cap) LS_TRY(reserve(gp, gp->cap + gp->cap / 2 + 8));
    if (gp->approx == BO_GP_NN) {
        long n = gp->n;
        for (int d = 0; d < D; d++) gp->xs[n * D + d] = (x[d] - gp->x_mu[d]) / gp->x_sd[d];
        gp->ys[n] = (y - gp->y_mu) / gp->y_sd;
        gp->nv[n] = noise_var / (gp->y_sd * gp->y_sd);
        gp->n = n + 1;
        return bo_gp_factorize(gp);
    }
    long n = gp->n, ld = gp->cap;
    double sf2 = exp(gp->log_sf2), sn2 = exp(gp->log_sn2);
    double *xs = gp->xs + n * D, *xl = gp->xl + n * D;
    for (int d = 0; d < D; d++) {
        xs[d] = (x[d] - gp->x_mu[d]) / gp->x_sd[d];
        xl[d] = xs[d] / ls_of(gp, d);
    }
    gp->ys[n] = (y - gp->y_mu) / gp->y_sd;
    gp->nv[n] = noise_var / (gp->y_sd * gp->y_sd);
    double *row = gp->L + n * ld;
    for (long j = 0; j < n; j++) row[j] = sf2 * kern_xl(gp, xl, gp->xl + j * D);
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)n, gp->L, (int)ld, row, 1);
    double piv = sf2 + sn2 + gp->nv[n] + gp->jitter - cblas_ddot((int)n, row, 1, row, 1);
    /* A non-positive pivot means the point is (numerically) a duplicate: add jitter to it. */
    double floor = 1e-10 * sf2;
    for (double j = floor; piv < floor && j <= 1e-4 * sf2; j *= 10.0) piv += j;
    if (!(piv > 0.0)) LS_ERROR(LS_ERR_NUMERIC, "Gaussian-process update: pivot not positive");
    row[n] = sqrt(piv);
    gp->n = n + 1;
    /* z and alpha for the new data: z gains one entry, alpha needs a back substitution. */
    double zn = gp->ys[n] - gp->cmean - cblas_ddot((int)n, row, 1, gp->z, 1);
    gp->z[n] = zn / row[n];
    memcpy(gp->alpha, gp->z, sizeof *gp->z * (n + 1));
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, (int)(n + 1), gp->L, (int)ld, gp->alpha, 1);
    gp->logdet_half += log(row[n]);
    gp->lml = -0.5 * cblas_ddot((int)(n + 1), gp->z, 1, gp->z, 1) - gp->logdet_half - 0.5 * (n + 1) * log(2.0 * M_PI);
    return LS_OK;
}

/* Cross-kernel block ks[m x n] (times sf2) for standardised, length-scaled points xq[m x D].
 * Serial on purpose: an OpenMP region per block next to OpenBLAS's threads made a loaded
 * 2-core machine spend most of the wall time in barriers (parallelism is across runs). */
static void cross_kernel(const bo_gp *gp, long m, const double *xq, double *ks)
{
    long n = gp->n;
    int D = gp->dim;
    double sf2 = exp(gp->log_sf2);
    for (long a = 0; a < m; a++)
        for (long j = 0; j < n; j++) ks[a * n + j] = sf2 * kern_xl(gp, xq + a * D, gp->xl + j * D);
}

static void scale_query(const bo_gp *gp, long m, const double *x, double *xq)
{
    int D = gp->dim;
    for (int d = 0; d < D; d++) {
        double s = 1.0 / (gp->x_sd[d] * ls_of(gp, d));
        for (long a = 0; a < m; a++) xq[a * D + d] = (x[a * D + d] - gp->x_mu[d]) * s;
    }
}

#define PREDICT_BLOCK 2048

int bo_gp_predict(const bo_gp *gp, long m, const double *x, double *mean, double *var)
{
    long n = gp->n;
    int D = gp->dim;
    double sf2 = exp(gp->log_sf2), ysd2 = gp->y_sd * gp->y_sd;
    if (n == 0) {
        for (long a = 0; a < m; a++) {
            mean[a] = gp->y_mu + gp->y_sd * gp->cmean;
            if (var) var[a] = sf2 * ysd2;
        }
        return LS_OK;
    }
    if (gp->approx == BO_GP_NN) return bo_gp_nn_predict(gp, m, x, mean, var);
    long blk = m < PREDICT_BLOCK ? m : PREDICT_BLOCK;
    long n_blk = (m + blk - 1) / blk;
    int status = LS_OK;
    /* Blocks are independent: threads take whole blocks with serial BLAS inside (callers
     * that run OpenBLAS threaded, or that are already in a parallel region, get one thread). */
#pragma omp parallel if (n_blk > 1 && !omp_in_parallel() && openblas_get_num_threads() == 1)
    {
        double *ks = malloc(sizeof *ks * (size_t)blk * n), *xq = malloc(sizeof *xq * (size_t)blk * D);
        if (ks == NULL || xq == NULL) {
#pragma omp atomic write
            status = LS_ERR_NOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (long ib = 0; ib < n_blk; ib++) {
            if (ks == NULL || xq == NULL) continue;
            long a0 = ib * blk, mb = m - a0 < blk ? m - a0 : blk;
            scale_query(gp, mb, x + a0 * D, xq);
            cross_kernel(gp, mb, xq, ks);
            cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)mb, (int)n, 1.0, ks, (int)n, gp->alpha, 1, 0.0, mean + a0,
                        1);
            for (long a = 0; a < mb; a++) mean[a0 + a] = gp->y_mu + gp->y_sd * (gp->cmean + mean[a0 + a]);
            if (var == NULL) continue;
            /* Rows of ks become v^T with L v = k*: solve X L^T = Ks. */
            cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, (int)mb, (int)n, 1.0, gp->L,
                        (int)gp->cap, ks, (int)n);
            for (long a = 0; a < mb; a++) {
                double sq = cblas_ddot((int)n, ks + a * n, 1, ks + a * n, 1);
                double v = sf2 - sq;
                var[a0 + a] = (v > 0.0 ? v : 0.0) * ysd2;
            }
        }
        free(ks);
        free(xq);
    }
    if (status != LS_OK) LS_ERROR(LS_ERR_NOMEM, "out of memory predicting %ld points", m);
    return LS_OK;
}

int bo_gp_predict_cov(const bo_gp *gp, long m, const double *x, double *mean, double *cov)
{
    if (gp->approx == BO_GP_NN)
        LS_ERROR(LS_ERR_UNSUPPORTED, "the nearest-neighbour GP has no joint posterior (Thompson sampling needs the "
                 "exact GP)");
    long n = gp->n;
    int D = gp->dim;
    double sf2 = exp(gp->log_sf2), ysd2 = gp->y_sd * gp->y_sd;
    double *ks = malloc(sizeof *ks * (size_t)m * (n > 0 ? n : 1)), *xq = malloc(sizeof *xq * (size_t)m * D);
    if (ks == NULL || xq == NULL) {
        free(ks), free(xq);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for a posterior covariance of %ld points", m);
    }
    scale_query(gp, m, x, xq);
    for (long a = 0; a < m; a++) {
        cov[a * m + a] = sf2;
        for (long b = 0; b < a; b++) cov[a * m + b] = cov[b * m + a] = sf2 * kern_xl(gp, xq + a * D, xq + b * D);
    }
    if (n > 0) {
        cross_kernel(gp, m, xq, ks);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)n, 1.0, ks, (int)n, gp->alpha, 1, 0.0, mean, 1);
        cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, (int)m, (int)n, 1.0, gp->L,
                    (int)gp->cap, ks, (int)n);
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, (int)m, (int)n, -1.0, ks, (int)n, 1.0, cov, (int)m);
    } else {
        for (long a = 0; a < m; a++) mean[a] = 0.0;
    }
    for (long a = 0; a < m; a++) {
        mean[a] = gp->y_mu + gp->y_sd * (gp->cmean + mean[a]);
        for (long b = 0; b <= a; b++) cov[a * m + b] = cov[b * m + a] = cov[a * m + b] * ysd2;
    }
    free(ks);
    free(xq);
    return LS_OK;
}

void bo_gp_set_x_range(bo_gp *gp, const double *range)
{
    for (int d = 0; d < gp->dim; d++) gp->x_range[d] = range && isfinite(range[d]) && range[d] > 0.0 ? range[d] : 0.0;
}

void bo_x_range(long n, int dim, const double *x, double *range)
{
    for (int d = 0; d < dim; d++) {
        double lo = n > 0 ? x[d] : 0.0, hi = lo;
        for (long i = 1; i < n; i++) lo = x[i * dim + d] < lo ? x[i * dim + d] : lo, hi = x[i * dim + d] > hi ? x[i * dim + d] : hi;
        range[d] = hi - lo;
    }
}

int bo_gp_fantasize(bo_gp *gp, const double *x, double *mean)
{
    double mu;
    LS_TRY(bo_gp_predict(gp, 1, x, &mu, NULL));
    if (mean) *mean = mu;
    if (gp->approx == BO_GP_EXACT || gp->n == 0) return bo_gp_add(gp, x, mu, 0.0);
    double zq[BO_GP_MAX_DIM];
    scale_query(gp, 1, x, zq);
    return bo_gp_nn_fantasize(gp, zq);
}

int bo_gp_set_approx(bo_gp *gp, int approx)
{
    if (approx != BO_GP_EXACT && approx != BO_GP_NN)
        LS_ERROR(LS_ERR_INPUT, "a Gaussian process is exact or nearest-neighbour (got mode %d)", approx);
    if (approx == gp->approx) return LS_OK;
    gp->approx = approx;
    gp->opt.approx = approx;
    if (approx == BO_GP_EXACT) {
        bo_gp_nn_free(gp->nn);
        gp->nn = NULL;
    } else {
        free(gp->L);
        gp->L = NULL;
    }
    return gp->n > 0 ? bo_gp_factorize(gp) : LS_OK;
}

int bo_gp_approx(const bo_gp *gp) { return gp->approx; }

int bo_gp_approx_choose(const bo_gp_options *o, long n_obs, long n_cand)
{
    if (o->approx != BO_GP_AUTO) return o->approx;
    long k = o->nn_neighbors > 0 ? o->nn_neighbors : 32;
    if (n_obs <= k) return BO_GP_EXACT;
    if (n_obs > BO_GP_AUTO_MAX_N || (double)n_obs * (double)n_obs * (double)n_cand > BO_GP_AUTO_WORK) return BO_GP_NN;
    return BO_GP_EXACT;
}

static const char *const approx_names[] = {"exact", "nn", "auto", NULL};

int bo_gp_approx_find(const char *name, int *approx)
{
    for (int i = 0; approx_names[i]; i++)
        if (strcmp(name, approx_names[i]) == 0) {
            *approx = i;
            return LS_OK;
        }
    LS_ERROR(LS_ERR_INPUT, "unknown GP model '%s' (fix: use exact, nn or auto)", name);
}

const char *bo_gp_approx_name(int approx) { return approx >= 0 && approx <= BO_GP_AUTO ? approx_names[approx] : "?"; }

long bo_gp_n(const bo_gp *gp) { return gp->n; }
int bo_gp_dim(const bo_gp *gp) { return gp->dim; }
double bo_gp_lml(const bo_gp *gp) { return gp->lml; }
double bo_gp_jitter(const bo_gp *gp) { return gp->jitter; }

void bo_gp_hyper(const bo_gp *gp, double *lengthscales, double *signal_var, double *noise_var, double *mean_const)
{
    if (lengthscales)
        for (int d = 0; d < gp->n_ls; d++) lengthscales[d] = exp(gp->log_ls[d]);
    if (signal_var) *signal_var = exp(gp->log_sf2);
    if (noise_var) *noise_var = exp(gp->log_sn2);
    if (mean_const) *mean_const = gp->cmean;
}
