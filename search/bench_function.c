/* The test-function benchmark loop: n_init uniform random points, then batches of q chosen
 * by bo_select_box with GPs refitted (warm start, plus random restarts every restart_every
 * batches) before every batch; the trace is the best value (one objective) or the exact
 * hypervolume of all evaluated points (several objectives) after each evaluation.  Runs
 * are independent (seed + run) and spread over OpenMP threads; results do not depend on the
 * number of threads.
 */
#include <cblas.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "search/bench.h"

void bo_bench_config_default(bo_bench_config *c)
{
    memset(c, 0, sizeof *c);
    c->acquisition = "ei";
    bo_gp_options_default(&c->gp);
    c->kappa = 2.0;
    c->n_init = 2;
    c->q = 1;
    c->n_runs = 20;
    c->seed = 1;
    c->refit_every = 1;
    c->restart_every = 10;
    c->n_restarts = 3;
    c->restart_max_n = 150;
    c->stop_at = 1.0;
}

static int one_function_run(const bo_testfunction *f, const bo_bench_config *cfg, const bo_acquisition *acq, int run,
                            double *trace)
{
    int status = LS_OK, D = f->dim, M = f->n_obj;
    long B = cfg->budget;
    bo_gp *gp[3] = {NULL, NULL, NULL};
    double *x = malloc(sizeof *x * (size_t)B * D), *y = malloc(sizeof *y * (size_t)B * M);
    double *col = malloc(sizeof *col * (size_t)B), *xn = malloc(sizeof *xn * (size_t)cfg->q * D);
    bo_choice *ch = malloc(sizeof *ch * (size_t)cfg->q);
    ls_rng rng;
    ls_rng_seed(&rng, cfg->seed + (uint64_t)run);
    if (!x || !y || !col || !xn || !ch) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for a benchmark run");
    for (int k = 0; k < M; k++) LS_TRY_GOTO(status, bo_gp_create(D, &cfg->gp, &gp[k]), done);
    long n = 0;
    long n_init = cfg->n_init < B ? cfg->n_init : B;
    for (; n < n_init; n++) {
        for (int d = 0; d < D; d++) x[n * D + d] = f->lo[d] + ls_rng_uniform(&rng) * (f->hi[d] - f->lo[d]);
        f->eval(x + n * D, y + n * M);
    }
    for (int batch = 0; n < B; batch++) {
        for (int k = 0; k < M; k++) {
            for (long i = 0; i < n; i++) col[i] = y[i * M + k];
            LS_TRY_GOTO(status, bo_gp_set_data(gp[k], n, x, col, NULL), done);
            int restarts = batch % (cfg->restart_every > 0 ? cfg->restart_every : 1) == 0 ? cfg->n_restarts : 0;
            LS_TRY_GOTO(status, bo_gp_fit(gp[k], restarts, &rng), done);
        }
        int q = (long)cfg->q < B - n ? cfg->q : (int)(B - n);
        bo_select_config sc = {0};
        sc.acq = acq;
        sc.params.kappa = cfg->kappa;
        sc.n_obj = M;
        sc.obj = gp;
        sc.n_obs = n;
        sc.x_obs = x;
        sc.y_obs = y;
        sc.ref = M > 1 ? f->ref : NULL;
        sc.q = q;
        LS_TRY_GOTO(status, bo_select_box(&sc, D, f->lo, f->hi, 0, &rng, ch, xn), done);
        for (int j = 0; j < q; j++, n++) {
            memcpy(x + n * D, xn + j * D, sizeof *x * D);
            f->eval(x + n * D, y + n * M);
        }
    }
    for (long i = 0; i < B; i++) {
        if (M == 1) {
            double b = y[0];
            for (long j = 1; j <= i; j++) b = y[j] > b ? y[j] : b;
            trace[i] = b;
        } else {
            trace[i] = bo_hypervolume(i + 1, M, y, f->ref);
        }
    }
done:
    for (int k = 0; k < 3; k++) bo_gp_destroy(gp[k]);
    free(x), free(y), free(col), free(xn), free(ch);
    return status;
}

int bo_bench_function(const bo_testfunction *f, const bo_bench_config *cfg, double *trace)
{
    const bo_acquisition *acq = NULL;
    const char *name = cfg->acquisition ? cfg->acquisition : (f->n_obj > 1 ? "ehvi" : "ei");
    if (f->n_obj > 1 && strcmp(name, "ei") == 0) name = "ehvi";
    LS_TRY(bo_acquisition_find(name, &acq));
    if (cfg->budget < 1 || cfg->n_runs < 1 || cfg->q < 1)
        LS_ERROR(LS_ERR_INPUT, "benchmark needs budget, runs and batch size of at least 1");
    int status = LS_OK;
    char message[LS_ERROR_MESSAGE_MAX] = "";
    int failed_code = LS_OK;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1); /* parallelism is across runs */
    int nt = cfg->n_threads > 0 ? cfg->n_threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (int r = 0; r < cfg->n_runs; r++) {
        int st = one_function_run(f, cfg, acq, r, trace + (size_t)r * cfg->budget);
        if (st != LS_OK) {
#pragma omp critical(bo_bench_error)
            if (failed_code == LS_OK) {
                failed_code = st;
                snprintf(message, sizeof message, "run %d: %s", r, ls_error_message());
            }
        }
    }
    openblas_set_num_threads(blas_threads);
    gsl_set_error_handler(old);
    if (failed_code != LS_OK) status = ls_error_set(failed_code, __FILE__, __LINE__, "%s", message);
    return status;
}
