/* Bayesian search: the public interface of search/ (the only header other subsystems and
 * apps/ include).
 *
 * Layers, bottom up:
 *   bo_gp         Gaussian-process regression (kernels by name, ARD, constant mean, noise,
 *                 hyperparameters by multi-start quasi-Newton on the log marginal likelihood)
 *   bo_select_*   choose the next q candidates from a pool or a box given fitted models
 *                 (acquisition by name; constraints; 1 to 3 objectives through EHVI)
 *   bo_hv_*       exact hypervolume and Pareto front
 *   bo_bench_*    the pool benchmark and the standard test functions
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
} bo_gp_options;

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
/* Add one observation keeping hyperparameters and standardisation: O(n^2) update of the
 * Cholesky factor (growing jitter if the new pivot is not positive). */
int bo_gp_add(bo_gp *gp, const double *x, double y, double noise_var);

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

/* ---------------------------------------------------------------- benchmarks */

/* A standard test function on a box, maximised sense (minimisation problems negated). */
typedef struct bo_testfunction {
    const char *name;          /* "branin", "hartmann6", "branincurrin" */
    const char *description;   /* with the literature reference */
    int dim, n_obj;
    double lo[6], hi[6];
    double optimum;            /* best value (n_obj = 1) or maximal hypervolume */
    double ref[3];             /* reference point (maximised sense) when n_obj > 1 */
    void (*eval)(const double *x, double *y); /* y[n_obj], maximised sense */
} bo_testfunction;

extern const bo_testfunction *const bo_testfunctions[]; /* NULL-terminated */
int bo_testfunction_find(const char *name, const bo_testfunction **out);

/* Settings of a benchmark loop. */
typedef struct bo_bench_config {
    const char *acquisition;   /* default "ei" (EHVI for several objectives) */
    bo_gp_options gp;
    double kappa;              /* for UCB/LCB */
    int n_init;                /* random initial points */
    int q;                     /* batch size */
    long budget;               /* evaluations (test functions) */
    int n_runs;
    uint64_t seed;             /* run r uses seed + r */
    int refit_every;           /* pool: refit hyperparameters every k steps (warm start) */
    int restart_every;         /* pool: multi-start refit every k steps */
    int n_restarts;            /* random starts at a multi-start refit */
    long restart_max_n;        /* pool: no random restarts once this many points are observed
                                  (the warm start then suffices; 0: no limit) */
    int n_threads;             /* OpenMP threads across runs (0: default) */
} bo_bench_config;

void bo_bench_config_default(bo_bench_config *c);

/* Result of the pool benchmark (BENCHMARK.md of ../shared/reference/bo). */
typedef struct bo_pool_bench_result {
    long n_pool, n_top, n_runs;
    double *top_curve;         /* [n_runs * n_pool]: Top%(i) for i = 1..N per run */
    double *median_curve;      /* [n_pool] median over runs */
    long evals_to_top50, evals_to_top80;   /* from the median curve (-1 if never) */
    double af50, af80;         /* acceleration factors ceil(tN) / i_BO(t) */
    double ef_peak;            /* max_i EF(i) of the median curve */
    long ef_peak_at;
    double *run_evals_to_top50, *run_evals_to_top80; /* [n_runs] per run */
    double wall_s;
} bo_pool_bench_result;

/* Group rows with identical x (mean of the distinct y of a group) into a pool. */
int bo_pool_from_rows(long n_rows, int dim, const double *x, const double *y, long *n_pool,
                      double **x_pool, double **y_pool);
/* Run the pool benchmark: y maximised.  *out is created (bo_pool_bench_result_destroy). */
int bo_bench_pool(long n, int dim, const double *x, const double *y, const bo_bench_config *cfg,
                  bo_pool_bench_result **out);
void bo_pool_bench_result_destroy(bo_pool_bench_result *r);
/* Top% of random search in expectation, i/N, and the SVG plot of both median curves. */
int bo_bench_pool_plot_svg(const char *path, const char *title, const bo_pool_bench_result *r,
                           const char *label);

/* Run a test function n_runs times; trace[r * budget + i] is the best value (or the
 * hypervolume) after i+1 evaluations of run r. */
int bo_bench_function(const bo_testfunction *f, const bo_bench_config *cfg, double *trace);

/* ---------------------------------------------------------------- command-line specs */

#define BO_NAME_MAX 128

typedef struct bo_objective_spec {
    char column[BO_NAME_MAX];
    int maximise;              /* 1 "max", 0 "min" */
} bo_objective_spec;

typedef struct bo_constraint_spec {
    char column[BO_NAME_MAX];
    int upper;                 /* 1: column <= bound; 0: column >= bound */
    double bound;
} bo_constraint_spec;

/* "COL:max[,COL:min...]" (at most max_n); LS_ERR_USAGE naming the bad part and the fix.
 * Column names may contain ':' (the last one separates the sense) but not ','. */
int bo_parse_objectives(const char *text, int max_n, bo_objective_spec *out, int *n);
/* "COL<=v[,COL>=v...]" (at most max_n); LS_ERR_USAGE on anything else. */
int bo_parse_constraints(const char *text, int max_n, bo_constraint_spec *out, int *n);

#endif
