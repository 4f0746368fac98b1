/* Time of one batch proposal (bo_suggest) at scale: n observations, N candidates, D features,
 * batch q, on synthetic data (uniform inputs in [0, 1]^D, a smooth function plus noise).
 * Built and run by bench_scale.sh; prints one line per case.
 *
 *   bench_scale N_OBS N_CAND [Q] [D] [MODEL] [RESTARTS] [NEIGHBORS]
 *       MODEL: auto (default), exact or nn; RESTARTS: of the hyperparameter fit (default: bo_suggest's);
 *       NEIGHBORS: k of the nearest-neighbour GP (default: bo_suggest's)
 *
 * The wall time is that of bo_suggest alone (data generation excluded): the hyperparameter fit,
 * the model (exact Cholesky factor or the nearest-neighbour cells), scoring every candidate and
 * the kriging-believer batch. */
#include <cblas.h> /* OpenBLAS: openblas_set_num_threads */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/rng.h"
#include "search/search.h"

static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + 1e-6 * u.ru_utime.tv_usec + u.ru_stime.tv_sec + 1e-6 * u.ru_stime.tv_usec;
}

static double truth(const double *x, int D)
{
    double s = 0.0;
    for (int d = 0; d < D; d++) s += sin((1.0 + 0.37 * d) * 3.0 * x[d]) * (d % 3 == 0 ? 1.0 : 0.5);
    return s - 2.0 * (x[0] - 0.6) * (x[0] - 0.6) + x[1] * x[2];
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s N_OBS N_CAND [Q] [D] [auto|exact|nn] [RESTARTS] [NEIGHBORS]\n", argv[0]);
        return 2;
    }
    long n = atol(argv[1]), N = atol(argv[2]);
    int q = argc > 3 ? atoi(argv[3]) : 64, D = argc > 4 ? atoi(argv[4]) : 12;
    const char *model = argc > 5 ? argv[5] : "auto";
    if (n < 2 || N < 1 || q < 1 || D < 1 || D > 64) {
        fprintf(stderr, "bench_scale: bad sizes\n");
        return 2;
    }
    double *xc = malloc(sizeof *xc * (size_t)N * D), *xo = malloc(sizeof *xo * (size_t)n * D);
    double *yo = malloc(sizeof *yo * (size_t)n);
    if (!xc || !xo || !yo) {
        fprintf(stderr, "bench_scale: out of memory\n");
        return 1;
    }
    ls_rng r;
    ls_rng_seed(&r, 2026);
    for (long i = 0; i < N * D; i++) xc[i] = ls_rng_uniform(&r);
    for (long i = 0; i < n; i++) {
        for (int d = 0; d < D; d++) xo[i * D + d] = ls_rng_uniform(&r);
        yo[i] = truth(xo + i * D, D) + 0.05 * ls_rng_normal(&r);
    }
    bo_problem pb = {.dim = D, .n_obj = 1, .maximise = {1}};
    bo_data dat = {.n_cand = N, .x_cand = xc, .n_obs = n, .x_obs = xo, .y_obs = yo};
    bo_suggest_options opt;
    bo_suggest_options_default(&opt);
    opt.q = q;
    if (argc > 6) opt.n_restarts = atoi(argv[6]);
    if (argc > 7) opt.gp.nn_neighbors = atoi(argv[7]);
    if (bo_gp_approx_find(model, &opt.gp.approx) != LS_OK) {
        fprintf(stderr, "bench_scale: %s\n", ls_error_message());
        return 2;
    }
    if (getenv("BENCH_SCALE_DEBUG")) ls_log_set_level(LS_LOG_DEBUG); /* e.g. a widened shortlist */
    /* Threads on the candidates, serial BLAS (as search/search.h advises). */
    openblas_set_num_threads(1);
    bo_suggest_result res;
    ls_rng_seed(&r, 7);
    double t0 = ls_wall_time(), c0 = cpu_seconds();
    int status = bo_suggest(&pb, &dat, &opt, &r, &res);
    double t = ls_wall_time() - t0, cpu = cpu_seconds() - c0;
    if (status != LS_OK) {
        fprintf(stderr, "bench_scale: %s\n", ls_error_message());
        bo_suggest_result_free(&res);
        return 1;
    }
    double best = -INFINITY, mean_true = 0.0;
    for (int j = 0; j < res.n; j++) {
        double v = truth(xc + res.items[j].index * D, D);
        best = v > best ? v : best;
        mean_true += v / res.n;
    }
    double obs_best = -INFINITY;
    for (long i = 0; i < n; i++) obs_best = yo[i] > obs_best ? yo[i] : obs_best;
    printf("n_obs %ld  n_cand %ld  D %d  q %d  model %s (asked %s, restarts asked %d, k %d)  wall %.2f s, CPU %.2f s  "
           "[batch: %d chosen, true value best %.3f mean %.3f; best observation %.3f]\n",
           n, N, D, q, bo_gp_approx_name(res.gp_model), model, opt.n_restarts, opt.gp.nn_neighbors, t, cpu, res.n, best, mean_true, obs_best);
    bo_suggest_result_free(&res);
    free(xc), free(xo), free(yo);
    return 0;
}
