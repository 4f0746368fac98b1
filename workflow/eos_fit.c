/* Third-order Birch-Murnaghan fit; formulas, method and error model in eos_fit.h.
 *
 * With u = eta - 1 = (V0/V)^(2/3) - 1 the energy is E0 + (9/16) V0 B0 g(u), g = (B1 - 4) u^3 + 2 u^2
 * (the bracket of eos.h rewritten: u^3 B1 + u^2 (6 - 4 eta) = u^3 B1 + u^2 (2 - 4u)).
 *
 * Start from the cubic in x = V^(-2/3): at its minimum x0, dE/dx = 0, and with dx/dV = -(2/3) V^(-5/3)
 *     V0 = x0^(-3/2),   B0 = V0 d2E/dV2 = (4/9) E_xx V0^(-7/3),   B1 = 4 + (2/3) x0 E_xxx / E_xx
 * (B1 = dB/dP = -(V/B) dB/dV with B = V E_VV; the terms with E_x vanish at x0).
 */
#include "workflow/eos_fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_multifit_nlinear.h>

#include "common/err.h"
#include "common/log.h"

#define N_PARAM 4

double ls_eos_bm3_energy(const struct ls_eos_bm3 *fit, double volume)
{
    double u = cbrt(fit->v0 / volume);
    u = u * u - 1.0;
    return fit->e0 + 9.0 / 16.0 * fit->v0 * fit->b0 * ((fit->b1 - 4.0) * u * u * u + 2.0 * u * u);
}

double ls_eos_bm3_pressure(const struct ls_eos_bm3 *fit, double volume)
{
    double r = fit->v0 / volume, eta = cbrt(r * r);
    return 1.5 * fit->b0 * (pow(r, 7.0 / 3.0) - pow(r, 5.0 / 3.0)) * (1.0 + 0.75 * (fit->b1 - 4.0) * (eta - 1.0));
}

/* The data and the scales of the refinement.  The fitted quantities are dimensionless offsets
 * q from the start (e0s, v0s, b0s, b1s):  E0 = e_ref + e0s + es q0,  V0 = v0s (1 + q1),
 * B0 = b0s (1 + q2),  B1 = b1s + q3;  residuals are divided by the energy scale es = b0s v0s,
 * so that the tolerances mean the same in any units. */
struct bm3_data {
    int n;
    const double *v;
    const double *y; /* energy - e_ref */
    double e0s, v0s, b0s, b1s, es;
};

static void unpack(const struct bm3_data *d, const gsl_vector *q, double *e0, double *v0, double *b0, double *b1)
{
    *e0 = d->e0s + d->es * gsl_vector_get(q, 0);
    *v0 = d->v0s * (1.0 + gsl_vector_get(q, 1));
    *b0 = d->b0s * (1.0 + gsl_vector_get(q, 2));
    *b1 = d->b1s + gsl_vector_get(q, 3);
}

static int bm3_f(const gsl_vector *q, void *ctx, gsl_vector *r)
{
    const struct bm3_data *d = ctx;
    double e0, v0, b0, b1;
    unpack(d, q, &e0, &v0, &b0, &b1);
    for (int i = 0; i < d->n; i++) {
        double eta = cbrt(v0 / d->v[i]);
        double u = eta * eta - 1.0;
        double e = e0 + 9.0 / 16.0 * v0 * b0 * ((b1 - 4.0) * u * u * u + 2.0 * u * u);
        gsl_vector_set(r, (size_t)i, (e - d->y[i]) / d->es);
    }
    return GSL_SUCCESS;
}

static int bm3_df(const gsl_vector *q, void *ctx, gsl_matrix *jac)
{
    const struct bm3_data *d = ctx;
    double e0, v0, b0, b1;
    unpack(d, q, &e0, &v0, &b0, &b1);
    for (int i = 0; i < d->n; i++) {
        double eta = cbrt(v0 / d->v[i]);
        eta *= eta;
        double u = eta - 1.0;
        double g = (b1 - 4.0) * u * u * u + 2.0 * u * u;
        double g_eta = 3.0 * (b1 - 4.0) * u * u + 4.0 * u;
        /* d eta / d V0 = (2/3) eta / V0 */
        double df_dv0 = 9.0 / 16.0 * b0 * (g + 2.0 / 3.0 * eta * g_eta);
        double df_db0 = 9.0 / 16.0 * v0 * g;
        double df_db1 = 9.0 / 16.0 * v0 * b0 * u * u * u;
        gsl_matrix_set(jac, (size_t)i, 0, 1.0);
        gsl_matrix_set(jac, (size_t)i, 1, df_dv0 * d->v0s / d->es);
        gsl_matrix_set(jac, (size_t)i, 2, df_db0 * d->b0s / d->es);
        gsl_matrix_set(jac, (size_t)i, 3, df_db1 / d->es);
    }
    return GSL_SUCCESS;
}

/* The start: E as a cubic in t = (x - xm) / xs, x = V^(-2/3), by linear least squares. */
static int cubic_start(const double *v, const double *y, int n, double *e0, double *v0, double *b0, double *b1)
{
    int status = LS_OK;
    double *x = malloc((size_t)n * sizeof *x);
    gsl_matrix *a = gsl_matrix_alloc((size_t)n, 4), *cov = gsl_matrix_alloc(4, 4);
    gsl_vector *b = gsl_vector_alloc((size_t)n), *c = gsl_vector_alloc(4);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc((size_t)n, 4);
    if (x == NULL || a == NULL || cov == NULL || b == NULL || c == NULL || w == NULL)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory in the Birch-Murnaghan fit");
    double xm = 0.0, xs = 0.0;
    for (int i = 0; i < n; i++) {
        double cr = cbrt(v[i]);
        x[i] = 1.0 / (cr * cr);
        xm += x[i] / n;
    }
    for (int i = 0; i < n; i++) xs = fmax(xs, fabs(x[i] - xm));
    for (int i = 0; i < n; i++) {
        double t = (x[i] - xm) / xs;
        gsl_matrix_set(a, (size_t)i, 0, 1.0);
        gsl_matrix_set(a, (size_t)i, 1, t);
        gsl_matrix_set(a, (size_t)i, 2, t * t);
        gsl_matrix_set(a, (size_t)i, 3, t * t * t);
        gsl_vector_set(b, (size_t)i, y[i]);
    }
    double chisq;
    if (gsl_multifit_linear(a, b, c, cov, &chisq, w) != GSL_SUCCESS)
        LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "the cubic fit E(V^(-2/3)) failed (GSL)");
    double c0 = gsl_vector_get(c, 0), c1 = gsl_vector_get(c, 1), c2 = gsl_vector_get(c, 2), c3 = gsl_vector_get(c, 3);
    /* dE/dt = c1 + 2 c2 t + 3 c3 t^2 = 0 with d2E/dt2 = 2 sqrt(D) > 0 at the root
     * t0 = (-c2 + sqrt(D)) / (3 c3) = -c1 / (c2 + sqrt(D)) (the form without cancellation). */
    double disc = c2 * c2 - 3.0 * c1 * c3;
    double den = disc > 0.0 ? c2 + sqrt(disc) : 0.0;
    if (!(disc > 0.0) || !(fabs(den) > 1e-300))
        LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done,
                      "the energies have no minimum as a function of volume (a cubic in V^(-2/3) through them has "
                      "none): sample volumes on both sides of the equilibrium, or make the energies less noisy "
                      "(higher cutoff, more k-points)");
    double t0 = -c1 / den;
    double x0 = xm + xs * t0;
    if (!(x0 > 0.0) || !isfinite(x0))
        LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done,
                      "the energies have no minimum at a positive volume: sample volumes on both sides of the "
                      "equilibrium");
    double e_xx = 2.0 * sqrt(disc) / (xs * xs), e_xxx = 6.0 * c3 / (xs * xs * xs);
    *v0 = pow(x0, -1.5);
    *b0 = 4.0 / 9.0 * e_xx * pow(*v0, -7.0 / 3.0);
    *b1 = 4.0 + 2.0 / 3.0 * x0 * e_xxx / e_xx;
    *e0 = c0 + t0 * (c1 + t0 * (c2 + t0 * c3));
done:
    free(x);
    gsl_matrix_free(a);
    gsl_matrix_free(cov);
    gsl_vector_free(b);
    gsl_vector_free(c);
    if (w) gsl_multifit_linear_free(w);
    return status;
}

/* 1 when |J_k . r| <= 1e-7 |J_k| |r| for every column k (cosine of the angle from 90 degrees). */
static int at_minimum(gsl_multifit_nlinear_workspace *w)
{
    const gsl_matrix *jac = gsl_multifit_nlinear_jac(w);
    const gsl_vector *r = gsl_multifit_nlinear_residual(w);
    double r_norm = gsl_blas_dnrm2(r);
    if (!isfinite(r_norm)) return 0;
    for (size_t k = 0; k < jac->size2; k++) {
        gsl_vector_const_view col = gsl_matrix_const_column(jac, k);
        double dot;
        gsl_blas_ddot(&col.vector, r, &dot);
        if (!(fabs(dot) <= 1e-7 * gsl_blas_dnrm2(&col.vector) * r_norm)) return 0;
    }
    return 1;
}

static int check_points(const double *volume, const double *energy, int n)
{
    if (n < LS_EOS_MIN_POINTS)
        LS_ERROR(LS_ERR_INPUT,
                 "the Birch-Murnaghan fit needs at least %d (volume, energy) points for its 4 parameters, got %d: "
                 "add volumes",
                 LS_EOS_MIN_POINTS, n);
    int n_distinct = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(volume[i]) || !(volume[i] > 0.0) || !isfinite(energy[i]))
            LS_ERROR(LS_ERR_INPUT, "point %d of the Birch-Murnaghan fit is (V = %g, E = %g): volumes must be positive "
                                   "and both finite", i + 1, volume[i], energy[i]);
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = fabs(volume[j] - volume[i]) <= 1e-12 * volume[i];
        n_distinct += !seen;
    }
    if (n_distinct < 4)
        LS_ERROR(LS_ERR_INPUT, "the Birch-Murnaghan fit needs at least 4 different volumes, got %d", n_distinct);
    return LS_OK;
}

int ls_eos_bm3_fit(const double *volume, const double *energy, int n, struct ls_eos_bm3 *fit)
{
    memset(fit, 0, sizeof *fit);
    LS_TRY(check_points(volume, energy, n));
    int status = LS_OK;
    double *y = malloc((size_t)n * sizeof *y);
    gsl_multifit_nlinear_workspace *w = NULL;
    gsl_vector *q = gsl_vector_calloc(N_PARAM);
    gsl_matrix *cov = gsl_matrix_alloc(N_PARAM, N_PARAM);
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    if (y == NULL || q == NULL || cov == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory in the Birch-Murnaghan fit");
    /* Energies relative to their mean: keeps the digits of eV-sized differences of -1e3 eV totals. */
    double e_ref = 0.0, v_min = volume[0], v_max = volume[0];
    for (int i = 0; i < n; i++) {
        e_ref += energy[i] / n;
        v_min = fmin(v_min, volume[i]);
        v_max = fmax(v_max, volume[i]);
    }
    for (int i = 0; i < n; i++) y[i] = energy[i] - e_ref;

    struct bm3_data d = {.n = n, .v = volume, .y = y};
    LS_TRY_GOTO(status, cubic_start(volume, y, n, &d.e0s, &d.v0s, &d.b0s, &d.b1s), done);
    d.es = d.b0s * d.v0s;

    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    par.trs = gsl_multifit_nlinear_trs_lm;
    w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, (size_t)n, N_PARAM);
    if (w == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory in the Birch-Murnaghan fit");
    gsl_multifit_nlinear_fdf fdf = {.f = bm3_f, .df = bm3_df, .fvv = NULL, .n = (size_t)n, .p = N_PARAM, .params = &d};
    if (gsl_multifit_nlinear_init(q, &fdf, w) != GSL_SUCCESS)
        LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "the Birch-Murnaghan refinement could not start (GSL)");
    int info = 0;
    int gs = gsl_multifit_nlinear_driver(200, 1e-12, 1e-12, 0.0, NULL, NULL, &info, w);
    /* The start is usually the minimum to rounding already, and then no trust-region step
     * lowers the cost and GSL gives up (GSL_ENOPROG or GSL_EMAXITER from its inner loop).  So
     * judge the end point itself: at a least-squares minimum the residual is orthogonal to
     * every column of the Jacobian. */
    if (gs != GSL_SUCCESS && !at_minimum(w))
        LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "the Birch-Murnaghan refinement failed after %zu iterations (GSL: %s)",
                      gsl_multifit_nlinear_niter(w), gsl_strerror(gs));
    double e0, v0, b0, b1;
    unpack(&d, gsl_multifit_nlinear_position(w), &e0, &v0, &b0, &b1);
    if (!(v0 > 0.0) || !(b0 > 0.0) || !isfinite(b1) || !isfinite(e0))
        LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done,
                      "the Birch-Murnaghan fit gave an unphysical curve (V0 = %g, B0 = %g, B1 = %g)", v0, b0, b1);
    if (gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(w), 0.0, cov) != GSL_SUCCESS)
        LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "the Birch-Murnaghan fit: singular covariance (volumes too close together?)");
    gsl_vector *r = gsl_multifit_nlinear_residual(w);
    double ssr = 0.0;
    for (int i = 0; i < n; i++) ssr += gsl_vector_get(r, (size_t)i) * gsl_vector_get(r, (size_t)i);
    ssr *= d.es * d.es;
    double s2 = ssr / (n - N_PARAM);
    fit->e0 = e0 + e_ref;
    fit->v0 = v0;
    fit->b0 = b0;
    fit->b1 = b1;
    fit->e0_err = d.es * sqrt(gsl_matrix_get(cov, 0, 0) * s2 / (d.es * d.es));
    fit->v0_err = d.v0s * sqrt(gsl_matrix_get(cov, 1, 1) * s2 / (d.es * d.es));
    fit->b0_err = d.b0s * sqrt(gsl_matrix_get(cov, 2, 2) * s2 / (d.es * d.es));
    fit->b1_err = sqrt(gsl_matrix_get(cov, 3, 3) * s2 / (d.es * d.es));
    fit->rms_residual = sqrt(ssr / n);
    fit->n_points = n;
    fit->n_iter = (int)gsl_multifit_nlinear_niter(w);
    fit->v0_inside = v0 >= v_min && v0 <= v_max;
    if (!fit->v0_inside)
        ls_log_warn("the fitted equilibrium volume %.6g lies outside the sampled volumes %.6g..%.6g: B0 and B1 are "
                    "extrapolated; sample around V0", v0, v_min, v_max);
done:
    gsl_set_error_handler(old_handler);
    if (w) gsl_multifit_nlinear_free(w);
    gsl_vector_free(q);
    gsl_matrix_free(cov);
    free(y);
    return status;
}
