/* Benchmarks of the Bayesian search (search/bench_*.c, search/testfunctions.c): the pool benchmark
 * (Top%, enhancement and acceleration factors) and the standard test functions, for
 * `lodestone bench-pool`, `bench-function` and validation/bo/.  Not part of the search interface
 * other subsystems use (search/search.h). */
#ifndef LS_SEARCH_BENCH_H
#define LS_SEARCH_BENCH_H

#include "search/search.h"

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
    double stop_at;            /* pool: a run stops once Top% reaches this (default 1: the protocol);
                                  below 1 the curves after the stop hold Top% at the stop (a lower
                                  bound), exact for the evaluations to every level up to stop_at */
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

#endif
