/* Bayesian search: the public interface of search/ (the only header other subsystems and
 * apps/ include).
 *
 * Layers, bottom up:
 *   bo_gp         Gaussian-process regression (kernels by name, ARD, constant mean, noise,
 *                 hyperparameters by multi-start quasi-Newton on the log marginal likelihood)
 *   bo_select_*   choose the next q candidates from a pool or a box given fitted models
 *                 (acquisition by name; constraints; 1 to 3 objectives through EHVI)
 *   bo_hv_*       exact hypervolume and Pareto front
 *   bo_suggest    one ask/tell decision over candidates and observations in memory
 * The benchmarks (pool benchmark, standard test functions) have their own header,
 * search/bench.h.
 *
 * Conventions: every objective is MAXIMISED inside the library (callers negate minimised
 * columns and negate back for reporting); every constraint reads c(x) <= bound (callers
 * negate ">=" constraints).  Arrays are row-major: x is n x dim.  Status codes from
 * common/err.h; nothing here prints to stdout or exits.
 */
#ifndef LS_SEARCH_H
#define LS_SEARCH_H

#include <stdint.h>

#include "common/rng.h" /* ls_rng: the seeded generator every function here draws from */

/* ---------------------------------------------------------------- kernels */

/* A stationary correlation g(r) of the scaled distance r = |(x - x') / l| >= 0 (g(0) = 1);
 * the covariance is s^2 g(r).  One table per kernel, registered in bo_kernels[]. */
typedef struct bo_kernel {
    const char *name;        /* "matern12", "matern32", "matern52", "se" */
    const char *description;
    /* g(r) and dg/dr at r >= 0. */
    void (*eval)(double r, double *g, double *dg_dr);
} bo_kernel;

extern const bo_kernel *const bo_kernels[]; /* NULL-terminated */
/* Kernel by name; LS_ERR_INPUT listing the known names if absent. */
int bo_kernel_find(const char *name, const bo_kernel **out);

/* ---------------------------------------------------------------- Gaussian process */

typedef struct bo_gp bo_gp;

typedef struct bo_gp_options {
    const char *kernel;      /* default "matern52" */
    int ard;                 /* 1 (default): one length scale per input; 0: isotropic */
    int standardize_x;       /* 1 (default): inputs scaled to zero mean, unit variance */
    int fit_noise;           /* 1 (default): noise variance is a hyperparameter */
    double noise_init;       /* standardised noise variance to start from (0.01) */
    /* Bounds in standardised units (inputs and outputs have unit variance). */
    double lengthscale_min, lengthscale_max;   /* 0.01, 100 */
    double signal_var_min, signal_var_max;     /* 0.01, 100 */
    double noise_var_min, noise_var_max;       /* 1e-8, 1 */
    int max_iter;            /* quasi-Newton iterations per start (100) */
    long fit_max_n;          /* hyperparameters from at most this many evenly spaced points
                                (0: all; default 200); the model always uses all points */
    int prior;               /* BO_GP_PRIOR_NONE: maximum likelihood; BO_GP_PRIOR_DIM_SCALED:
                                maximum a posteriori with the priors of Hvarfner et al. 2024 */
    int approx;              /* BO_GP_EXACT (default of bo_gp_options_default), BO_GP_NN, or
                                BO_GP_AUTO (callers that know the sizes: bo_gp_approx_choose) */
    int nn_neighbors;        /* conditioning-set size k of BO_GP_NN (default 64) */
} bo_gp_options;

/* The model behind a GP (bo_gp_options.approx).  BO_GP_NN: each prediction conditions on the k
 * observations nearest to the observation nearest to it, in inputs scaled by the length scales
 * (a Vecchia / nearest-neighbour GP: search/gp_nn.c); O(n k^3) to build, O(k^2) per prediction,
 * exact while n <= k.  Hyperparameters are fitted on at most fit_max_n points as for the exact
 * GP (200 when fit_max_n is 0).  No joint posterior (bo_gp_predict_cov): Thompson sampling keeps
 * the exact GP. */
enum { BO_GP_EXACT = 0, BO_GP_NN = 1, BO_GP_AUTO = 2 };
/* The switch of BO_GP_AUTO: BO_GP_NN when n_obs > nn_neighbors and the exact GP's prediction
 * work n_obs^2 x n_cand exceeds BO_GP_AUTO_WORK, or n_obs > BO_GP_AUTO_MAX_N; else BO_GP_EXACT.
 * Other settings of approx are returned as they are. */
#define BO_GP_AUTO_WORK 5e9
#define BO_GP_AUTO_MAX_N 4000
int bo_gp_approx_choose(const bo_gp_options *o, long n_obs, long n_cand);
/* The approximation by name ("exact", "nn", "auto"); LS_ERR_INPUT naming the known ones. */
int bo_gp_approx_find(const char *name, int *approx);
const char *bo_gp_approx_name(int approx);

/* Hyperparameter priors (bo_gp_options.prior).  DIM_SCALED (Hvarfner, Hellsten & Nardi,
 * "Vanilla Bayesian optimization performs great in high dimensions", ICML 2024,
 * arXiv:2402.02229; BoTorch's default since 0.12): every length scale, measured in units of
 * the input's range, log-normal with mu = sqrt(2) + log(dim)/2 and sigma = sqrt(3); the noise
 * variance of the standardised targets log-normal with mu = -4, sigma = 1. */
enum { BO_GP_PRIOR_NONE = 0, BO_GP_PRIOR_DIM_SCALED = 1 };
/* Prior by name ("none", "dim-scaled"); LS_ERR_INPUT naming the known ones. */
int bo_gp_prior_find(const char *name, int *prior);
const char *bo_gp_prior_name(int prior);

void bo_gp_options_default(bo_gp_options *o);

/* A GP on `dim` inputs.  Options are copied; the kernel name must exist. */
int bo_gp_create(int dim, const bo_gp_options *opt, bo_gp **out);
void bo_gp_destroy(bo_gp *gp); /* accepts NULL */
/* Deep copy (for fantasies). */
int bo_gp_clone(const bo_gp *gp, bo_gp **out);

/* Replace the data: n points x (n x dim), targets y (n), optional known noise variances
 * noise_var (n, in y units squared; NULL for none).  Recomputes the standardisation and
 * factorises with the current hyperparameters.  n >= 1. */
int bo_gp_set_data(bo_gp *gp, long n, const double *x, const double *y, const double *noise_var);
/* Fit the hyperparameters: maximise the log marginal likelihood with BFGS (GSL) from the
 * current values and from n_restarts random starts drawn from rng (may be NULL when
 * n_restarts = 0).  The best start wins; the model is refactorised.  LS_ERR_NUMERIC if no
 * start gives a finite likelihood. */
int bo_gp_fit(bo_gp *gp, int n_restarts, ls_rng *rng);
/* The range (max - min) of each input over the whole search space, in x's units (dim values;
 * 0 for an input means: the range of the data).  Length-scale priors are stated in these
 * units; without this call the data's own range is used. */
void bo_gp_set_x_range(bo_gp *gp, const double *range);
/* range[d] = max - min of column d of x (n x dim). */
void bo_x_range(long n, int dim, const double *x, double *range);
/* Add one observation keeping hyperparameters and standardisation: O(n^2) update of the
 * Cholesky factor (growing jitter if the new pivot is not positive); the approximation
 * rebuilds its cells. */
int bo_gp_add(bo_gp *gp, const double *x, double y, double noise_var);
/* Kriging believer: condition on an observation at x equal to the posterior mean there (*mean,
 * may be NULL), with the homoscedastic noise.  Means stay, variances can only fall. */
int bo_gp_fantasize(bo_gp *gp, const double *x, double *mean);
/* Switch a GP between BO_GP_EXACT and BO_GP_NN (refactorised if it holds data). */
int bo_gp_set_approx(bo_gp *gp, int approx);
int bo_gp_approx(const bo_gp *gp);

/* Posterior of the latent function at m points: mean[m] and variance var[m] (y units).
 * Thread-safe for concurrent calls on the same model. */
int bo_gp_predict(const bo_gp *gp, long m, const double *x, double *mean, double *var);
/* Posterior mean[m] and full covariance cov[m*m] (for Thompson sampling). */
int bo_gp_predict_cov(const bo_gp *gp, long m, const double *x, double *mean, double *cov);

long bo_gp_n(const bo_gp *gp);
int bo_gp_dim(const bo_gp *gp);
/* Log marginal likelihood of the standardised data at the current hyperparameters. */
double bo_gp_lml(const bo_gp *gp);
/* Current hyperparameters in standardised units: length scales (dim, or 1 if isotropic),
 * signal variance, noise variance, constant mean.  Any pointer may be NULL. */
void bo_gp_hyper(const bo_gp *gp, double *lengthscales, double *signal_var, double *noise_var,
                 double *mean_const);
/* Jitter added to the diagonal at the last factorisation (0 if none was needed). */
double bo_gp_jitter(const bo_gp *gp);

/* ---------------------------------------------------------------- acquisition */

/* Parameters of an acquisition function. */
typedef struct bo_acq_params {
    double best;   /* incumbent (maximised sense) */
    double kappa;  /* confidence-bound width (default 2) */
    double xi;     /* improvement margin for EI/PI in y units (default 0) */
} bo_acq_params;

/* Acquisition of one objective from the posterior mean and standard deviation; larger is
 * better.  `log_form` scores are logarithms (so probabilities of feasibility add). */
typedef struct bo_acquisition {
    const char *name;        /* "ei", "pi", "ucb", "lcb", "ts", "ehvi" */
    const char *description;
    double (*score)(double mean, double sd, const bo_acq_params *p); /* NULL for sampling */
    int log_form;            /* 1: score is a log (EI, PI) */
    int decreases_with_sd;   /* 1: score never rises when sd falls and best rises (EI, UCB) */
    int thompson;            /* 1: scores come from posterior samples */
    int multi_objective;     /* 1: EHVI, needs 2 or 3 objectives */
} bo_acquisition;

extern const bo_acquisition *const bo_acquisitions[]; /* NULL-terminated */
int bo_acquisition_find(const char *name, const bo_acquisition **out);

/* log(Phi(z)) and log(z Phi(z) + phi(z)), accurate for all finite z (the second after
 * Ament et al., NeurIPS 2023, arXiv:2310.20708). */
double bo_log_ndtr(double z);
double bo_log_h(double z);

/* ---------------------------------------------------------------- hypervolume */

/* Indices of the non-dominated rows of y (n x n_obj, maximised) into idx; returns the
 * count.  Duplicates keep the first. */
long bo_pareto_front(long n, int n_obj, const double *y, long *idx);
/* Exact hypervolume dominated by n points (maximised) above the reference point ref,
 * n_obj = 1, 2 or 3.  Points not strictly better than ref in every objective add nothing. */
double bo_hypervolume(long n, int n_obj, const double *y, const double *ref);

/* ---------------------------------------------------------------- selection */

/* The models and settings of one decision. */
typedef struct bo_select_config {
    const bo_acquisition *acq;
    bo_acq_params params;      /* best is filled in by the selector */
    int n_obj;                 /* 1..3 */
    bo_gp *const *obj;         /* n_obj fitted models (borrowed) */
    int n_con;
    bo_gp *const *con;         /* n_con fitted constraint models (borrowed) */
    const double *con_bound;   /* n_con: feasible when c <= bound */
    /* Observed data (for incumbent, Pareto front, feasibility): n_obs points. */
    long n_obs;
    const double *x_obs;       /* n_obs x dim */
    const double *y_obs;       /* n_obs x n_obj, maximised */
    const double *c_obs;       /* n_obs x n_con (NULL if n_con = 0) */
    const double *ref;         /* n_obj reference point for EHVI (NULL: automatic) */
    /* Pending points (suggested, not yet observed): fantasised at the posterior mean. */
    long n_pending;
    const double *x_pending;   /* n_pending x dim */
    int q;                     /* batch size >= 1 */
    /* Optional output (NULL: not wanted; pools, one objective): the largest log expected
     * improvement (+ log probability of feasibility) over the available candidates, whatever the
     * acquisition; NaN with constraints and no feasible observation. */
    double *max_log_ei;
} bo_select_config;

/* One chosen candidate with its prediction (maximised sense). */
typedef struct bo_choice {
    long index;                /* pool row, or -1 for boxes */
    double acq;                /* acquisition value when chosen (log for EI/PI) */
    double mean[3], sd[3];     /* per objective */
    double p_feasible;         /* product of the constraint probabilities (1 if none) */
} bo_choice;

/* Choose q candidates among the n_cand rows of cand (n_cand x dim) with available[i] != 0
 * (evaluated and pending rows must be marked unavailable).  Batches by kriging believer
 * (or by independent joint posterior samples for Thompson sampling).  `chosen` has room
 * for q; *n_chosen < q only when fewer candidates are available.  Pools larger than 4096
 * are scored in full once and batches re-scored on a shortlist of the best 4096; for EI
 * and UCB a bound proves the shortlist exact, else it is widened. */
int bo_select_pool(const bo_select_config *cfg, long n_cand, int dim, const double *cand,
                   const unsigned char *available, ls_rng *rng, bo_choice *chosen,
                   double *x_chosen, int *n_chosen);

/* Choose q points in the box [lo, hi]^dim: acquisition maximised by random screening of
 * n_raw points (0: 1000*dim) followed by Nelder-Mead from the best few. */
int bo_select_box(const bo_select_config *cfg, int dim, const double *lo, const double *hi, long n_raw,
                  ls_rng *rng, bo_choice *chosen, double *x_chosen);

/* ---------------------------------------------------------------- ask/tell */

/* One decision of a Bayesian search over a discrete set of candidates, in memory: what
 * `lodestone suggest` does with its CSV files and what a campaign does with its database.
 *
 *     bo_problem pb = {.dim = D, .n_obj = 1, .maximise = {1}};
 *     bo_data d = {.n_cand = N, .x_cand = X, .n_obs = n, .x_obs = xo, .y_obs = yo};
 *     bo_suggest_options opt;  bo_suggest_options_default(&opt);  opt.q = 4;
 *     ls_rng rng;  ls_rng_seed(&rng, seed);
 *     bo_suggest_result res;
 *     LS_TRY(bo_suggest(&pb, &d, &opt, &rng, &res));   res.items[0 .. res.n-1]
 *     bo_suggest_result_free(&res);
 *
 * One GP per objective and per constraint, fitted to the observations (hyperparameters by
 * opt.n_restarts random restarts drawn from rng); the candidates that are neither observed nor
 * pending, nor repeat an earlier identical candidate, are ranked by the acquisition; a batch of q
 * by kriging believer, the pending points fantasised first.  With fewer than 2 observations the
 * suggestions are uniformly random (acquisition "random").  Objectives and constraints are given in
 * their own units and senses; the library flips minimised objectives and ">=" constraints.  Same
 * data, options and rng state give the same suggestions.  Candidates and observations are encoded
 * feature vectors (numeric; one-hot for categories: the caller's business).
 * The GP matrices are small: a caller may prefer a single-threaded BLAS (openblas_set_num_threads)
 * and spends the threads on the candidates (bo_gp_predict is parallel over them). */

#define BO_MAX_OBJECTIVES 3
#define BO_MAX_CONSTRAINTS 8

typedef struct bo_problem {
    int dim;                                /* encoded features, 1 to 64 */
    int n_obj;                              /* 1 to BO_MAX_OBJECTIVES (2 or 3: EHVI) */
    int maximise[BO_MAX_OBJECTIVES];        /* 1: maximise objective k, 0: minimise it */
    int n_con;                              /* 0 to BO_MAX_CONSTRAINTS */
    int con_upper[BO_MAX_CONSTRAINTS];      /* 1: feasible when c <= bound; 0: when c >= bound */
    double con_bound[BO_MAX_CONSTRAINTS];
    int has_ref;                            /* EHVI reference point given (else: automatic) */
    double ref[BO_MAX_OBJECTIVES];          /* in the objectives' units */
} bo_problem;

typedef struct bo_data {
    long n_cand;
    const double *x_cand;    /* n_cand x dim */
    long n_obs;
    const double *x_obs;     /* n_obs x dim */
    const double *y_obs;     /* n_obs x n_obj, objective units (finite) */
    const double *c_obs;     /* n_obs x n_con, constraint units (finite); NULL when n_con = 0 */
    long n_pending;
    const double *x_pending; /* n_pending x dim: suggested, not observed yet */
} bo_data;

/* The default acquisition (bo_suggest_options.acquisition NULL): "ucb" (kappa 2: the GP + LCB of
 * Liang et al. 2021 on the maximised scale) for one objective without constraints, "ei" for one
 * objective with constraints (probability of feasibility), "ehvi" for several objectives; the
 * evidence is in validation/bo/README.md ("Defaults"). */
const char *bo_suggest_default_acquisition(int n_obj, int n_con);

typedef struct bo_suggest_options {
    const char *acquisition; /* NULL: bo_suggest_default_acquisition */
    double kappa;            /* confidence-bound width of ucb/lcb (default 2) */
    bo_gp_options gp;        /* bo_gp_options_default, with approx = BO_GP_AUTO: the exact GP up to the
                                size of bo_gp_approx_choose (over the available candidates), the
                                nearest-neighbour approximation above it; and prior =
                                BO_GP_PRIOR_DIM_SCALED (validation/bo/README.md, "Defaults") */
    int n_restarts;          /* random restarts of each hyperparameter fit (default 5; at most 1 with
                                the nearest-neighbour GP, whose fits use 200 points anyway) */
    int q;                   /* batch size (default 1), 1 to 1000 */
} bo_suggest_options;
void bo_suggest_options_default(bo_suggest_options *o);

typedef struct bo_suggestion {
    long index;                      /* candidate row */
    double mean[BO_MAX_OBJECTIVES];  /* posterior mean of the latent objective, its units; NaN when random */
    double sd[BO_MAX_OBJECTIVES];    /* posterior standard deviation; NaN when random */
    double p_feasible;               /* probability that every constraint holds (1 without); NaN when random */
    double acq;                      /* acquisition value when chosen (a log for log_form); NaN when random */
} bo_suggestion;

typedef struct bo_suggest_result {
    int n;                   /* suggestions (fewer than q only when fewer candidates are available) */
    bo_suggestion *items;    /* [q], owned */
    const char *acquisition; /* the acquisition's name, or "random" */
    int log_form;            /* acq values are logarithms (ei, pi) */
    long n_available;        /* candidates that could be suggested */
    long n_observed, n_pending;
    int gp_model;            /* BO_GP_EXACT or BO_GP_NN: the model the suggestions came from */
    double max_log_ei;       /* one objective: log of the largest expected (feasible) improvement over
                                the available candidates, in the objective's units, whatever the
                                acquisition (a convergence measure); NaN otherwise */
} bo_suggest_result;

/* LS_ERR_INPUT for inconsistent sizes, non-finite observations (naming the row), an unknown
 * acquisition or kernel, EHVI with one objective; the GP's errors otherwise.  res is zeroed first
 * (free it with bo_suggest_result_free in every case). */
int bo_suggest(const bo_problem *pb, const bo_data *d, const bo_suggest_options *opt, ls_rng *rng,
               bo_suggest_result *res);
void bo_suggest_result_free(bo_suggest_result *res);
/* The observed Pareto front: the indices (into d's observations, increasing order of the front
 * routine) of the non-dominated observations among the feasible ones, *n_front of them, out of
 * *n_feasible feasible ones.  idx has room for d->n_obs. */
int bo_observed_front(const bo_problem *pb, const bo_data *d, long *idx, long *n_front, long *n_feasible);

#endif
