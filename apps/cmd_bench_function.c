/* lodestone bench-function: Bayesian optimisation of a standard test function, N seeded runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "common/err.h"
#include "common/json.h"
#include "common/log.h"
#include "search/bench.h"

static const struct cli_option opts[] = {
    {"function", 0, CLI_VALUE, "NAME", "branin, hartmann6 or branincurrin"},
    {"evals", 0, CLI_VALUE, "N", "evaluations per run, initial points included"},
    {"init", 0, CLI_VALUE, "N", "uniform random initial points (default 2 dim + 1)"},
    {"batch", 0, CLI_VALUE, "Q", "points per batch (default 1)"},
    {"runs", 0, CLI_VALUE, "R", "seeded runs (default 20)"},
    {"seed", 0, CLI_VALUE, "S", "run r uses seed S + r (default 1)"},
    {"acquisition", 0, CLI_VALUE, "NAME", "ei (default; ehvi for two objectives), pi, ucb, ts"},
    {"kappa", 0, CLI_VALUE, "K", "confidence-bound width (default 2)"},
    {"kernel", 0, CLI_VALUE, "NAME", "matern52 (default), matern32, matern12, se"},
    {"restarts", 0, CLI_VALUE, "R", "random starts of the hyperparameter fit (default 3)"},
    {"threads", 0, CLI_VALUE, "T", "OpenMP threads across runs (default: all)"},
    {"json", 0, CLI_VALUE, "FILE", "write the traces and medians as JSON"},
    {NULL, 0, 0, NULL, NULL},
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

int cmd_bench_function(int argc, char **argv)
{
    struct cli_args a;
    int status = LS_OK;
    double *trace = NULL, *median = NULL, *col = NULL;
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("bench-function", "--function NAME --evals N [--init N] [--batch Q] [--runs R] [--json FILE]",
                       "Runs Bayesian optimisation on a standard test function from R seeded starts and reports the\n"
                       "median best value (simple regret) or, for two objectives, the median hypervolume.", opts);
        return LS_OK;
    }
    const bo_testfunction *f;
    const char *fname = cli_get(&a, opts, "function");
    if (fname == NULL) LS_ERROR(LS_ERR_USAGE, "--function NAME is required (branin, hartmann6, branincurrin)");
    LS_TRY(bo_testfunction_find(fname, &f));
    bo_bench_config cfg;
    bo_bench_config_default(&cfg);
    long v;
    if (cli_get(&a, opts, "evals") == NULL) LS_ERROR(LS_ERR_USAGE, "--evals N (at least 1) is required");
    LS_TRY(cli_get_int_range(&a, opts, "evals", 0, 1, 100000, "evaluations per run", &v));
    cfg.budget = v;
    LS_TRY(cli_get_int_range(&a, opts, "init", 2 * f->dim + 1, 1, 100000, "initial random points", &v));
    cfg.n_init = (int)v;
    LS_TRY(cli_get_int_range(&a, opts, "batch", 1, 1, 64, "points per batch", &v));
    cfg.q = (int)v;
    LS_TRY(cli_get_int_range(&a, opts, "runs", 20, 1, 10000, "seeded runs", &v));
    cfg.n_runs = (int)v;
    if ((double)cfg.budget * cfg.n_runs > 1e8)
        LS_ERROR(LS_ERR_USAGE, "--evals %ld x --runs %d: at most 1e8 evaluations in all", cfg.budget, cfg.n_runs);
    LS_TRY(cli_get_int(&a, opts, "seed", 1, &v));
    cfg.seed = (uint64_t)v;
    LS_TRY(cli_get_int_range(&a, opts, "restarts", 3, 0, 1000, "random starts of the hyperparameter fit", &v));
    cfg.n_restarts = (int)v;
    LS_TRY(cli_get_int_range(&a, opts, "threads", 0, 0, 4096, "OpenMP threads; 0: all", &v));
    cfg.n_threads = (int)v;
    LS_TRY(cli_get_double(&a, opts, "kappa", 2.0, &cfg.kappa));
    cfg.acquisition = cli_get(&a, opts, "acquisition") ? cli_get(&a, opts, "acquisition") : (f->n_obj > 1 ? "ehvi" : "ei");
    if (cli_get(&a, opts, "kernel")) cfg.gp.kernel = cli_get(&a, opts, "kernel");
    long B = cfg.budget, R = cfg.n_runs;
    trace = malloc(sizeof *trace * (size_t)(B * R));
    median = malloc(sizeof *median * (size_t)B);
    col = malloc(sizeof *col * (size_t)R);
    if (!trace || !median || !col) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    double t0 = ls_wall_time();
    LS_TRY_GOTO(status, bo_bench_function(f, &cfg, trace), done);
    double wall = ls_wall_time() - t0;
    for (long i = 0; i < B; i++) {
        for (long r = 0; r < R; r++) col[r] = trace[r * B + i];
        qsort(col, (size_t)R, sizeof *col, cmp_double);
        median[i] = R % 2 ? col[R / 2] : 0.5 * (col[R / 2 - 1] + col[R / 2]);
    }
    double fin = median[B - 1];
    if (f->n_obj == 1) {
        /* Minimisation problems are negated inside: report in the function's own sense. */
        int minimised = strcmp(f->name, "branin") == 0;
        double best = minimised ? -fin : fin, opt = minimised ? -f->optimum : f->optimum;
        printf("%s: %ld runs, %ld evaluations (%d initial, batch %d), %s: median best %.8g (optimum %.8g), "
               "median simple regret %.3g; wall %.1f s\n", f->name, R, B, cfg.n_init, cfg.q, cfg.acquisition, best,
               opt, f->optimum - fin, wall);
    } else {
        printf("%s: %ld runs, %ld evaluations (%d initial, batch %d), %s: median hypervolume %.6g (maximum %.6g); "
               "wall %.1f s\n", f->name, R, B, cfg.n_init, cfg.q, cfg.acquisition, fin, f->optimum, wall);
    }
    const char *json = cli_get(&a, opts, "json");
    if (json) {
        ls_json *j = NULL;
        LS_TRY_GOTO(status, ls_json_open_file(json, &j), done);
        ls_json_object_begin(j, NULL);
        ls_json_string(j, "program", cli_version());
        ls_json_string(j, "function", f->name);
        ls_json_string(j, "acquisition", cfg.acquisition);
        ls_json_string(j, "kernel", cfg.gp.kernel);
        ls_json_int(j, "evals", B);
        ls_json_int(j, "init", cfg.n_init);
        ls_json_int(j, "batch", cfg.q);
        ls_json_int(j, "runs", R);
        ls_json_int(j, "seed", (long)cfg.seed);
        ls_json_number(j, "optimum", f->optimum);
        ls_json_number(j, "median_final", fin);
        if (f->n_obj == 1) ls_json_number(j, "median_simple_regret", f->optimum - fin);
        ls_json_number(j, "wall_s", wall);
        ls_json_number_array(j, "median_trace", median, B);
        ls_json_matrix(j, "traces", trace, R, B);
        ls_json_object_end(j);
        LS_TRY_GOTO(status, ls_json_close(j), done);
    }
done:
    free(trace), free(median), free(col);
    return status;
}
