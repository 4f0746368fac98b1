/* Internal view of the Gaussian process (search/ only; others use search/search.h). */
#ifndef LS_SEARCH_GP_H
#define LS_SEARCH_GP_H

#include "search/search.h"

struct bo_gp {
    int dim;
    bo_gp_options opt;
    const bo_kernel *kern;
    int n_ls;                 /* dim (ARD) or 1 */
    /* Hyperparameters, standardised units. */
    double log_ls[64];        /* length scales, log */
    double log_sf2, log_sn2;  /* signal and noise variance, log */
    double cmean;             /* constant mean */
    /* Standardisation: xs = (x - x_mu) / x_sd, ys = (y - y_mu) / y_sd. */
    double x_mu[64], x_sd[64];
    double y_mu, y_sd;
    /* Data (capacity cap rows). */
    long n, cap;
    double *xs;               /* cap x dim standardised inputs */
    double *xl;               /* cap x dim standardised inputs divided by the length scales */
    double *ys;               /* cap standardised targets */
    double *nv;               /* cap known noise variances, standardised (0 if none) */
    double *L;                /* cap x cap, lower Cholesky factor of K (leading dim cap) */
    double *alpha;            /* cap: K^-1 (ys - cmean) */
    double *z;                /* cap: L^-1 (ys - cmean) */
    double logdet_half;       /* sum log L_ii */
    double jitter;
    double lml;
};

#define BO_GP_MAX_DIM 64

/* Number of hyperparameters in the optimisation vector:
 * [log l (n_ls), log sf2, log sn2 (if fit_noise), cmean]. */
int bo_gp_n_theta(const bo_gp *gp);
void bo_gp_theta_get(const bo_gp *gp, double *theta);
void bo_gp_theta_set(bo_gp *gp, const double *theta);
void bo_gp_theta_bounds(const bo_gp *gp, double *lo, double *hi);
/* Factorise K at the current hyperparameters (jitter grows from 1e-10 to 1e-4 of the
 * signal variance if needed), compute alpha and the log marginal likelihood. */
int bo_gp_factorize(bo_gp *gp);
/* Log marginal likelihood and its gradient with respect to theta at theta (sets theta,
 * refactorises).  work: n*n doubles. */
int bo_gp_lml_grad(bo_gp *gp, const double *theta, double *lml, double *grad, double *work);

#endif
