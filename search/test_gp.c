/* Tests for search/gp.c and gp_fit.c: posterior against a closed form, the gradient of the
 * log marginal likelihood against finite differences, the rank-one update against a full
 * refactorisation, bounded fits, and the random-number stream. */
#include <math.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/test.h"
#include "search/gp.h"

/* Two observations, squared-exponential kernel with unit length scale and variance, noise
 * sn^2, zero mean, no standardisation: the 2x2 posterior solved by hand. */
static void test_posterior_closed_form(void)
{
    bo_gp_options o;
    bo_gp_options_default(&o);
    o.kernel = "se";
    o.standardize_x = 0;
    bo_gp *gp = NULL;
    LS_CHECK_OK(bo_gp_create(1, &o, &gp));
    if (gp == NULL) return;
    double sn2 = 0.0123;
    gp->log_sn2 = log(sn2);
    double x[2] = {0.0, 1.0}, y[2] = {1.0, -1.0}; /* standardised y is (1, -1) */
    LS_CHECK_OK(bo_gp_set_data(gp, 2, x, y, NULL));
    double k12 = exp(-0.5), a = 1.0 + sn2, det = a * a - k12 * k12;
    /* K^-1 y with y = (1, -1): (a + k12) / det * (1, -1). */
    double al = (a + k12) / det;
    double xs = 0.385;
    double k1 = exp(-0.5 * xs * xs), k2 = exp(-0.5 * (xs - 1.0) * (xs - 1.0));
    double mean_ref = k1 * al - k2 * al;
    double quad = (a * k1 * k1 - 2.0 * k12 * k1 * k2 + a * k2 * k2) / det;
    double var_ref = 1.0 - quad;
    double mean, var;
    LS_CHECK_OK(bo_gp_predict(gp, 1, &xs, &mean, &var));
    LS_CHECK_NEAR(mean, mean_ref, 1e-12);
    LS_CHECK_NEAR(var, var_ref, 1e-12);
    double lml_ref = -0.5 * 2.0 * al - 0.5 * log(det) - log(2.0 * M_PI);
    LS_CHECK_NEAR(bo_gp_lml(gp), lml_ref, 1e-12);
    bo_gp_destroy(gp);
}

static void make_data(long n, int D, double *x, double *y, uint64_t seed)
{
    ls_rng r;
    ls_rng_seed(&r, seed);
    for (long i = 0; i < n; i++) {
        double s = 0.0;
        for (int d = 0; d < D; d++) {
            x[i * D + d] = 2.385 * ls_rng_uniform(&r) - 0.7;
            s += sin((d + 1.3) * x[i * D + d]);
        }
        y[i] = 3.1 * s + 0.05 * ls_rng_normal(&r) + 7.0;
    }
}

/* Gradient of the log marginal likelihood against central differences, every kernel,
 * ARD and isotropic, with known per-point noise. */
static void test_lml_gradient(void)
{
    enum { N = 14, D = 3 };
    double x[N * D], y[N], nv[N];
    make_data(N, D, x, y, 11);
    for (int i = 0; i < N; i++) nv[i] = 0.01 * (i % 3);
    for (int ik = 0; bo_kernels[ik]; ik++)
        for (int ard = 0; ard <= 1; ard++) {
            bo_gp_options o;
            bo_gp_options_default(&o);
            o.kernel = bo_kernels[ik]->name;
            o.ard = ard;
            bo_gp *gp = NULL;
            LS_CHECK_OK(bo_gp_create(D, &o, &gp));
            if (gp == NULL) return;
            LS_CHECK_OK(bo_gp_set_data(gp, N, x, y, nv));
            double th[8] = {0}, g[8], work[N * N], lml;
            int nt = bo_gp_n_theta(gp);
            double base[8] = {log(0.7), log(1.9), log(0.4), log(1.3), log(0.05), 0.21, 0, 0};
            int k = 0;
            for (int d = 0; d < gp->n_ls; d++) th[k++] = base[d];
            th[k++] = base[3], th[k++] = base[4], th[k++] = base[5];
            LS_CHECK(k == nt);
            LS_CHECK_OK(bo_gp_lml_grad(gp, th, &lml, g, work));
            for (k = 0; k < nt; k++) {
                double h = 1e-5, tp[8], tm[8], lp, lm;
                for (int j = 0; j < nt; j++) tp[j] = tm[j] = th[j];
                tp[k] += h, tm[k] -= h;
                LS_CHECK_OK(bo_gp_lml_grad(gp, tp, &lp, NULL, work));
                LS_CHECK_OK(bo_gp_lml_grad(gp, tm, &lm, NULL, work));
                double fd = (lp - lm) / (2.0 * h);
                LS_CHECK_MSG(fabs(fd - g[k]) <= 1e-6 * (1.0 + fabs(fd)), "%s ard=%d theta[%d]: analytic %.10g fd %.10g",
                             o.kernel, ard, k, g[k], fd);
            }
            bo_gp_destroy(gp);
        }
}

/* Adding points one at a time equals refactorising with all of them. */
static void test_rank_one_update(void)
{
    enum { N = 30, D = 2 };
    double x[N * D], y[N];
    make_data(N, D, x, y, 5);
    bo_gp *a = NULL, *b = NULL;
    LS_CHECK_OK(bo_gp_create(D, NULL, &a));
    LS_CHECK_OK(bo_gp_create(D, NULL, &b));
    if (!a || !b) return;
    LS_CHECK_OK(bo_gp_set_data(a, 10, x, y, NULL));
    double th[5] = {log(0.8), log(1.7), log(1.1), log(1e-3), 0.1};
    double lml, work[N * N];
    LS_CHECK_OK(bo_gp_lml_grad(a, th, &lml, NULL, work));
    for (int i = 10; i < N; i++) LS_CHECK_OK(bo_gp_add(a, x + i * D, y[i], 0.0));
    LS_CHECK(bo_gp_n(a) == N);
    /* b: the same standardisation (taken from the first 10 points) and hyperparameters. */
    LS_CHECK_OK(bo_gp_set_data(b, 10, x, y, NULL));
    LS_CHECK_OK(bo_gp_lml_grad(b, th, &lml, NULL, work));
    for (int i = 10; i < N; i++) LS_CHECK_OK(bo_gp_add(b, x + i * D, y[i], 0.0));
    LS_CHECK_OK(bo_gp_factorize(b)); /* full refactorisation of the same data */
    double q[4] = {0.1, 0.2, -0.5, 1.3}, ma[2], va[2], mb[2], vb[2];
    LS_CHECK_OK(bo_gp_predict(a, 2, q, ma, va));
    LS_CHECK_OK(bo_gp_predict(b, 2, q, mb, vb));
    for (int i = 0; i < 2; i++) {
        LS_CHECK_NEAR(ma[i], mb[i], 1e-9 * (1 + fabs(mb[i])));
        LS_CHECK_NEAR(va[i], vb[i], 1e-9 * (1 + vb[i]));
    }
    LS_CHECK_NEAR(bo_gp_lml(a), bo_gp_lml(b), 1e-8 * (1 + fabs(bo_gp_lml(b))));
    /* Joint covariance agrees with the marginal variances. */
    double mc[2], cov[4];
    LS_CHECK_OK(bo_gp_predict_cov(a, 2, q, mc, cov));
    LS_CHECK_NEAR(cov[0], va[0], 1e-9 * (1 + va[0]));
    LS_CHECK_NEAR(cov[3], va[1], 1e-9 * (1 + va[1]));
    LS_CHECK_NEAR(mc[1], ma[1], 1e-9 * (1 + fabs(ma[1])));
    bo_gp_destroy(a);
    bo_gp_destroy(b);
}

/* The fit improves the likelihood, stays inside the bounds, and interpolates a smooth
 * function well; duplicate inputs do not break it. */
static void test_fit(void)
{
    enum { N = 40, D = 2 };
    double x[(N + 2) * D], y[N + 2];
    make_data(N, D, x, y, 3);
    x[N * D] = x[0], x[N * D + 1] = x[1], y[N] = y[0] + 0.01; /* duplicate input */
    bo_gp *gp = NULL;
    LS_CHECK_OK(bo_gp_create(D, NULL, &gp));
    if (!gp) return;
    LS_CHECK_OK(bo_gp_set_data(gp, N + 1, x, y, NULL));
    double lml0 = bo_gp_lml(gp);
    ls_rng r;
    ls_rng_seed(&r, 1);
    LS_CHECK_OK(bo_gp_fit(gp, 4, &r));
    LS_CHECK(bo_gp_lml(gp) > lml0);
    double ls[2], sf2, sn2;
    bo_gp_hyper(gp, ls, &sf2, &sn2, NULL);
    LS_CHECK(ls[0] >= 0.01 && ls[0] <= 100 && ls[1] >= 0.01 && ls[1] <= 100);
    LS_CHECK(sn2 >= 1e-8 && sn2 <= 1.0);
    /* Prediction at a new point of y = 3.1 (sin(1.3 x1) + sin(2.3 x2)) + 7. */
    double q[2] = {0.4, 0.9}, m, v;
    LS_CHECK_OK(bo_gp_predict(gp, 1, q, &m, &v));
    double truth = 3.1 * (sin(1.3 * 0.4) + sin(2.3 * 0.9)) + 7.0;
    LS_CHECK_MSG(fabs(m - truth) < 0.15, "mean %g truth %g", m, truth);
    LS_CHECK(v > 0 && sqrt(v) < 0.3);
    bo_gp_destroy(gp);
    /* Errors. */
    const bo_kernel *k;
    LS_CHECK(bo_kernel_find("matern72", &k) == LS_ERR_INPUT);
    bo_gp_options o;
    bo_gp_options_default(&o);
    o.kernel = "nope";
    LS_CHECK(bo_gp_create(2, &o, &gp) == LS_ERR_INPUT && gp == NULL);
}

/* The dim-scaled hyperparameter prior (Hvarfner et al. 2024): its gradient against central
 * differences, ARD and isotropic; without a prior nothing is added; unknown names refused. */
static void test_prior(void)
{
    enum { N = 12, D = 3 };
    double x[N * D], y[N];
    make_data(N, D, x, y, 13);
    for (int ard = 0; ard <= 1; ard++) {
        bo_gp_options o;
        bo_gp_options_default(&o);
        o.ard = ard;
        LS_CHECK_OK(bo_gp_prior_find("dim-scaled", &o.prior));
        bo_gp *gp = NULL;
        LS_CHECK_OK(bo_gp_create(D, &o, &gp));
        if (gp == NULL) return;
        double range[D] = {3.0, 2.0, 5.0};
        bo_gp_set_x_range(gp, range);
        LS_CHECK_OK(bo_gp_set_data(gp, N, x, y, NULL));
        int nt = bo_gp_n_theta(gp);
        double th[8] = {0.3, -0.2, 0.5, 0.1, -3.0, 0.0, 0.0, 0.0}, g[8] = {0};
        if (!ard) th[1] = 0.1, th[2] = -3.0, th[3] = 0.0;
        bo_gp_log_prior(gp, th, g);
        for (int k = 0; k < nt; k++) {
            double h = 1e-6, tp[8], tm[8];
            for (int j = 0; j < 8; j++) tp[j] = tm[j] = th[j];
            tp[k] += h, tm[k] -= h;
            double fd = (bo_gp_log_prior(gp, tp, NULL) - bo_gp_log_prior(gp, tm, NULL)) / (2.0 * h);
            LS_CHECK_MSG(fabs(fd - g[k]) <= 1e-6 * (1.0 + fabs(fd)), "ard=%d theta[%d]: analytic %.10g fd %.10g", ard, k,
                         g[k], fd);
        }
        bo_gp_destroy(gp);
    }
    bo_gp *gp = NULL;
    LS_CHECK_OK(bo_gp_create(D, NULL, &gp));
    double th[6] = {0.3, -0.2, 0.5, 0.1, -3.0, 0.0}, g[6] = {0};
    LS_CHECK(gp && bo_gp_log_prior(gp, th, g) == 0.0 && g[0] == 0.0);
    bo_gp_destroy(gp);
    int p;
    LS_CHECK(bo_gp_prior_find("botorch", &p) == LS_ERR_INPUT);
    ls_error_clear();
}

int main(void)
{
    LS_RUN(test_posterior_closed_form);
    LS_RUN(test_lml_gradient);
    LS_RUN(test_rank_one_update);
    LS_RUN(test_fit);
    LS_RUN(test_prior);
    return ls_test_summary("test_gp");
}
