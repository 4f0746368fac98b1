/* Internal view of the Gaussian process (search/ only; others use search/search.h). */
#ifndef LS_SEARCH_GP_H
#define LS_SEARCH_GP_H

#include <stddef.h>

#include "search/search.h"

typedef struct bo_gp_nn bo_gp_nn; /* the nearest-neighbour approximation (gp_nn.c) */

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
    double x_range[64];       /* search-space range of each input (0: the data's range) */
    double data_range[64];    /* range of the data given to bo_gp_set_data */
    /* Data (capacity cap rows). */
    long n, cap;
    double *xs;               /* cap x dim standardised inputs */
    double *xl;               /* cap x dim standardised inputs divided by the length scales */
    double *ys;               /* cap standardised targets */
    double *nv;               /* cap known noise variances, standardised (0 if none) */
    double *L;                /* cap x cap, lower Cholesky factor of K (leading dim cap);
                                 exact GP only (NULL for the approximation) */
    double *alpha;            /* cap: K^-1 (ys - cmean) */
    double *z;                /* cap: L^-1 (ys - cmean) */
    double logdet_half;       /* sum log L_ii */
    double jitter;
    double lml;
    int fitted;               /* hyperparameters fitted at least once */
    int approx;               /* BO_GP_EXACT or BO_GP_NN */
    double *dk;               /* NULL, or (set by bo_gp_lml_grad for one call) n x n scratch: the exact
                                 factorisation then keeps, for each pair i > j, the kernel's g(r) at
                                 L[j * cap + i] and g'(r) at dk[j * n + i] (upper triangles, unused
                                 by the factor), so that the gradient need not evaluate them again */
    bo_gp_nn *nn;             /* the approximation's cells (approx == BO_GP_NN) */
};

#define BO_GP_MAX_DIM 64

/* Number of hyperparameters in the optimisation vector:
 * [log l (n_ls), log sf2, log sn2 (if fit_noise), cmean]. */
int bo_gp_n_theta(const bo_gp *gp);
void bo_gp_theta_get(const bo_gp *gp, double *theta);
void bo_gp_theta_set(bo_gp *gp, const double *theta);
void bo_gp_theta_bounds(const bo_gp *gp, double *lo, double *hi);
/* Factorise K at the current hyperparameters (jitter grows from 1e-10 to 1e-4 of the
 * signal variance if needed), compute alpha and the log marginal likelihood; for the
 * approximation, build its cells instead (the likelihood is then NaN). */
int bo_gp_factorize(bo_gp *gp);
/* The exact factorisation whatever the mode (the likelihood and its gradient need it). */
int bo_gp_factorize_exact(bo_gp *gp);

/* The nearest-neighbour approximation (gp_nn.c). */
int bo_gp_nn_build(bo_gp *gp);             /* cells for the current data and hyperparameters */
void bo_gp_nn_free(bo_gp_nn *nn);          /* accepts NULL */
int bo_gp_nn_clone(const bo_gp_nn *src, int dim, bo_gp_nn **out);
int bo_gp_nn_fantasize(bo_gp *gp, const double *zq); /* zq: scaled coordinates */
/* Posterior mean and variance (var may be NULL) at m points x, in y's units, given the data and
 * the believed fantasies.  Not thread-safe for concurrent calls on one model that holds
 * fantasies (per-cell factors are grown on demand); parallel over the points itself. */
int bo_gp_nn_predict(const bo_gp *gp, long m, const double *x, double *mean, double *var);
/* Log prior density of theta (bo_gp_options.prior; 0 without a prior), its gradient added
 * to grad when grad is not NULL. */
double bo_gp_log_prior(const bo_gp *gp, const double *theta, double *grad);
/* Log marginal likelihood and its gradient with respect to theta at theta (sets theta,
 * refactorises).  work: n*n doubles. */
int bo_gp_lml_grad(bo_gp *gp, const double *theta, double *lml, double *grad, double *work);

#endif
