/* The pool benchmark of Liang et al., "Benchmarking the performance of Bayesian optimization
 * across multiple experimental materials science domains", npj Comput. Mater. 7, 188 (2021),
 * doi:10.1038/s41524-021-00656-9 (protocol in ../shared/reference/bo/BENCHMARK.md):
 *
 *   N candidates, M = ceil(0.05 N) top candidates T; c(i) = |T among the first i evaluations|
 *   Top%(i) = c(i)/M,  EF(i) = Top%(i) N / i,  AF(t) = ceil(t N) / i_BO(t)
 *
 * Each run starts from 2 distinct uniformly random candidates and evaluates one candidate
 * per step (the available one with the best acquisition) until every member of T is found;
 * Top% is 1 from there on.  Cost control: hyperparameters are refitted (warm start) every
 * refit_every steps with random restarts every restart_every steps; in between, new
 * observations enter by O(n^2) Cholesky updates with the standardisation of the last refit.
 * Runs are spread over OpenMP threads (BLAS single-threaded) and reproduce exactly for a
 * given seed whatever the thread count.
 */
#include <cblas.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "search/bench.h"

struct row_ref {
    const double *x;
    int dim;
    long i;
};

static int cmp_rows(const void *a, const void *b)
{
    const struct row_ref *p = a, *q = b;
    for (int d = 0; d < p->dim; d++)
        if (p->x[d] != q->x[d]) return p->x[d] < q->x[d] ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i ? 1 : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

int bo_pool_from_rows(long n_rows, int dim, const double *x, const double *y, long *n_pool, double **x_pool,
                      double **y_pool)
{
    int status = LS_OK;
    *x_pool = *y_pool = NULL;
    *n_pool = 0;
    struct row_ref *r = malloc(sizeof *r * (size_t)(n_rows > 0 ? n_rows : 1));
    double *xp = malloc(sizeof *xp * (size_t)(n_rows > 0 ? n_rows : 1) * dim);
    double *yp = malloc(sizeof *yp * (size_t)(n_rows > 0 ? n_rows : 1)), *vals = malloc(sizeof *vals * (size_t)(n_rows > 0 ? n_rows : 1));
    if (!r || !xp || !yp || !vals) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory grouping the pool");
    for (long i = 0; i < n_rows; i++) r[i] = (struct row_ref){x + i * dim, dim, i};
    qsort(r, (size_t)n_rows, sizeof *r, cmp_rows);
    long k = 0;
    for (long a = 0; a < n_rows;) {
        long b = a;
        while (b < n_rows && memcmp(r[b].x, r[a].x, sizeof *x * dim) == 0) b++;
        /* Mean of the distinct y values of the group. */
        long nv = 0;
        for (long c = a; c < b; c++) vals[nv++] = y[r[c].i];
        qsort(vals, (size_t)nv, sizeof *vals, cmp_double);
        double s = 0.0;
        long nd = 0;
        for (long c = 0; c < nv; c++)
            if (c == 0 || vals[c] != vals[c - 1]) s += vals[c], nd++;
        memcpy(xp + k * dim, r[a].x, sizeof *x * dim);
        yp[k++] = s / nd;
        a = b;
    }
    *n_pool = k;
    *x_pool = xp, *y_pool = yp;
    xp = yp = NULL;
done:
    free(r), free(xp), free(yp), free(vals);
    return status;
}

void bo_pool_bench_result_destroy(bo_pool_bench_result *r)
{
    if (r == NULL) return;
    free(r->top_curve);
    free(r->median_curve);
    free(r->run_evals_to_top50);
    free(r->run_evals_to_top80);
    free(r);
}

/* One run: fills curve[0..N-1] with Top%(i), i = 1..N. */
static int one_pool_run(long N, int D, const double *x, const double *y, const unsigned char *is_top, long M,
                        const bo_bench_config *cfg, const bo_acquisition *acq, int run, double *curve)
{
    int status = LS_OK;
    bo_gp *gp = NULL;
    double *xo = malloc(sizeof *xo * (size_t)N * D), *yo = malloc(sizeof *yo * (size_t)N);
    unsigned char *avail = malloc((size_t)N);
    ls_rng rng;
    ls_rng_seed(&rng, cfg->seed + (uint64_t)run);
    if (!xo || !yo || !avail) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for a pool run");
    memset(avail, 1, (size_t)N);
    LS_TRY_GOTO(status, bo_gp_create(D, &cfg->gp, &gp), done);
    {
        double range[64];
        bo_x_range(N, D, x, range);
        bo_gp_set_x_range(gp, range);
    }
    long n = 0, found = 0;
    for (int k = 0; k < 2 && n < N; k++) {
        long i;
        do i = ls_rng_below(&rng, N);
        while (!avail[i]);
        avail[i] = 0;
        memcpy(xo + n * D, x + i * D, sizeof *x * D);
        yo[n] = y[i];
        found += is_top[i];
        curve[n++] = (double)found / M;
    }
    long since_fit = 0;
    long stop = (long)ceil(cfg->stop_at * M - 1e-9);
    if (stop > M || stop < 1) stop = M;
    for (long step = 0; found < stop && n < N; step++) {
        int refit = step == 0 || since_fit + 1 >= cfg->refit_every;
        if (refit) {
            int mode = bo_gp_approx_choose(&cfg->gp, n, N);
            if (mode != bo_gp_approx(gp)) LS_TRY_GOTO(status, bo_gp_set_approx(gp, mode), done);
            LS_TRY_GOTO(status, bo_gp_set_data(gp, n, xo, yo, NULL), done);
            int restarts = step % (cfg->restart_every > 0 ? cfg->restart_every : 1) == 0 ? cfg->n_restarts : 0;
            if (cfg->restart_max_n > 0 && n > cfg->restart_max_n) restarts = 0;
            LS_TRY_GOTO(status, bo_gp_fit(gp, restarts, &rng), done);
            since_fit = 0;
        } else {
            LS_TRY_GOTO(status, bo_gp_add(gp, xo + (n - 1) * D, yo[n - 1], 0.0), done);
            since_fit++;
        }
        bo_select_config sc = {0};
        sc.acq = acq;
        sc.params.kappa = cfg->kappa;
        sc.n_obj = 1;
        sc.obj = &gp;
        sc.n_obs = n;
        sc.x_obs = xo;
        sc.y_obs = yo;
        sc.q = 1;
        bo_choice ch;
        int got = 0;
        LS_TRY_GOTO(status, bo_select_pool(&sc, N, D, x, avail, &rng, &ch, NULL, &got), done);
        if (got != 1) break;
        long i = ch.index;
        avail[i] = 0;
        memcpy(xo + n * D, x + i * D, sizeof *x * D);
        yo[n] = y[i];
        found += is_top[i];
        curve[n++] = (double)found / M;
    }
    for (; n < N; n++) curve[n] = (double)found / M;
done:
    bo_gp_destroy(gp);
    free(xo), free(yo), free(avail);
    return status;
}

static long first_reaching(const double *curve, long N, double t)
{
    for (long i = 0; i < N; i++)
        if (curve[i] >= t - 1e-12) return i + 1;
    return -1;
}

int bo_bench_pool(long N, int D, const double *x, const double *y, const bo_bench_config *cfg,
                  bo_pool_bench_result **out)
{
    int status = LS_OK;
    *out = NULL;
    const bo_acquisition *acq = NULL;
    LS_TRY(bo_acquisition_find(cfg->acquisition ? cfg->acquisition : "ei", &acq));
    if (acq->multi_objective) LS_ERROR(LS_ERR_UNSUPPORTED, "the pool benchmark has one objective (fix: not ehvi)");
    if (acq->thompson && cfg->gp.approx == BO_GP_NN)
        LS_ERROR(LS_ERR_UNSUPPORTED, "Thompson sampling needs the exact GP (fix: --gp exact or auto)");
    if (N < 3) LS_ERROR(LS_ERR_INPUT, "the pool benchmark needs at least 3 candidates, got %ld", N);
    if (cfg->n_runs < 1) LS_ERROR(LS_ERR_INPUT, "the pool benchmark needs at least one run");
    long M = (long)ceil(0.05 * N - 1e-9);
    bo_pool_bench_result *r = calloc(1, sizeof *r);
    unsigned char *is_top = calloc((size_t)N, 1);
    double *sorted = malloc(sizeof *sorted * (size_t)N), *col = malloc(sizeof *col * (size_t)cfg->n_runs);
    if (!r || !is_top || !sorted || !col) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for the benchmark");
    r->n_pool = N, r->n_top = M, r->n_runs = cfg->n_runs;
    r->top_curve = malloc(sizeof *r->top_curve * (size_t)N * cfg->n_runs);
    r->median_curve = malloc(sizeof *r->median_curve * (size_t)N);
    r->run_evals_to_top50 = malloc(sizeof(double) * (size_t)cfg->n_runs);
    r->run_evals_to_top80 = malloc(sizeof(double) * (size_t)cfg->n_runs);
    if (!r->top_curve || !r->median_curve || !r->run_evals_to_top50 || !r->run_evals_to_top80)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for the benchmark");
    /* Top set: the M largest y (ties broken by row order). */
    for (long m = 0; m < M; m++) {
        long b = -1;
        for (long i = 0; i < N; i++)
            if (!is_top[i] && (b < 0 || y[i] > y[b])) b = i;
        is_top[b] = 1;
    }
    double t0 = ls_wall_time();
    char message[LS_ERROR_MESSAGE_MAX] = "";
    int failed_code = LS_OK;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int blas_threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    int nt = cfg->n_threads > 0 ? cfg->n_threads : omp_get_max_threads();
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (int run = 0; run < cfg->n_runs; run++) {
        int st = one_pool_run(N, D, x, y, is_top, M, cfg, acq, run, r->top_curve + (size_t)run * N);
        if (st != LS_OK) {
#pragma omp critical(bo_bench_error)
            if (failed_code == LS_OK) {
                failed_code = st;
                snprintf(message, sizeof message, "run %d: %s", run, ls_error_message());
            }
        }
    }
    openblas_set_num_threads(blas_threads);
    gsl_set_error_handler(old);
    if (failed_code != LS_OK) LS_ERROR_GOTO(status, failed_code, done, "%s", message);
    r->wall_s = ls_wall_time() - t0;
    long R = cfg->n_runs;
    for (long i = 0; i < N; i++) {
        for (long k = 0; k < R; k++) col[k] = r->top_curve[k * N + i];
        qsort(col, (size_t)R, sizeof *col, cmp_double);
        r->median_curve[i] = R % 2 ? col[R / 2] : 0.5 * (col[R / 2 - 1] + col[R / 2]);
    }
    for (long k = 0; k < R; k++) {
        r->run_evals_to_top50[k] = (double)first_reaching(r->top_curve + k * N, N, 0.5);
        r->run_evals_to_top80[k] = (double)first_reaching(r->top_curve + k * N, N, 0.8);
    }
    r->evals_to_top50 = first_reaching(r->median_curve, N, 0.5);
    r->evals_to_top80 = first_reaching(r->median_curve, N, 0.8);
    r->af50 = r->evals_to_top50 > 0 ? ceil(0.5 * N) / r->evals_to_top50 : NAN;
    r->af80 = r->evals_to_top80 > 0 ? ceil(0.8 * N) / r->evals_to_top80 : NAN;
    r->ef_peak = 0.0;
    for (long i = 0; i < N; i++) {
        double ef = r->median_curve[i] * N / (i + 1);
        if (ef > r->ef_peak) r->ef_peak = ef, r->ef_peak_at = i + 1;
    }
    *out = r;
    r = NULL;
done:
    bo_pool_bench_result_destroy(r);
    free(is_top), free(sorted), free(col);
    return status;
}
