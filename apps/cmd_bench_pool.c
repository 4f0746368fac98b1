/* lodestone bench-pool: the pool benchmark of ../shared/reference/bo/BENCHMARK.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/bo_spec.h"
#include "apps/cli.h"
#include "common/csv.h"
#include "common/err.h"
#include "common/json.h"
#include "common/log.h"
#include "common/textio.h"
#include "search/bench.h"

static const struct cli_option opts[] = {
    {"pool", 0, CLI_VALUE, "FILE", "candidate table (CSV with a header; features + objective column)"},
    {"objective", 0, CLI_VALUE, "COL:max|min", "objective column and sense"},
    {"runs", 0, CLI_VALUE, "N", "seeded runs (default 50)"},
    {"acquisition", 0, CLI_VALUE, "NAME", "ucb (default: that of suggest; = lcb), ei, pi, lcb or ts"},
    {"kappa", 0, CLI_VALUE, "K", "confidence-bound width for ucb/lcb (default 2)"},
    {"kernel", 0, CLI_VALUE, "NAME", "matern52 (default), matern32, matern12 or se"},
    {"iso", 0, CLI_FLAG, NULL, "one length scale for all inputs (default: ARD)"},
    {"prior", 0, CLI_VALUE, "NAME", "hyperparameter prior: dim-scaled (default: that of suggest) or none"},
    {"gp", 0, CLI_VALUE, "MODEL", "auto (default: exact below the size of search/README.md), exact, or nn"
                                  " (nearest-neighbour approximation forced)"},
    {"neighbors", 0, CLI_VALUE, "K", "conditioning-set size of the nearest-neighbour GP (default 64)"},
    {"ignore", 0, CLI_VALUE, "COLS", "comma-separated columns that are not features"},
    {"seed", 0, CLI_VALUE, "S", "run r uses seed S + r (default 1)"},
    {"refit-every", 0, CLI_VALUE, "K", "refit hyperparameters every K steps (default 1)"},
    {"restart-every", 0, CLI_VALUE, "K", "random restarts every K steps (default 10)"},
    {"restarts", 0, CLI_VALUE, "R", "random starts at a restart (default 3)"},
    {"restart-max-n", 0, CLI_VALUE, "N", "no random restarts beyond N observations (default 150; 0: no limit)"},
    {"threads", 0, CLI_VALUE, "T", "OpenMP threads across runs (default: all)"},
    {"stop-at", 0, CLI_VALUE, "F", "stop each run at Top% = F (screening; default 1: until every top candidate is found)"},
    {"json", 0, CLI_VALUE, "FILE", "write the report (curves and figures) as JSON"},
    {"plot", 0, CLI_VALUE, "FILE.svg", "write Top% against evaluations with random search (SVG)"},
    {NULL, 0, 0, NULL, NULL},
};

int cmd_bench_pool(int argc, char **argv)
{
    struct cli_args a;
    int status = LS_OK;
    ls_csv *t = NULL;
    double *x = NULL, *y = NULL, *xp = NULL, *yp = NULL;
    bo_pool_bench_result *res = NULL;
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("bench-pool", "--pool FILE --objective COL:max|min [--runs N] [--acquisition NAME] [--json FILE] [--plot FILE.svg]",
                       "Pool benchmark (Liang et al., npj Comput. Mater. 7, 188 (2021)): 2 random initial candidates,\n"
                       "then one evaluation per step until every top-5% candidate is found; N seeded runs.  Reports the\n"
                       "median Top% curve, evaluations to Top% = 0.5 and 0.8, acceleration and enhancement factors.",
                       opts);
        return LS_OK;
    }
    const char *pool = cli_get(&a, opts, "pool"), *obj = cli_get(&a, opts, "objective");
    if (pool == NULL) LS_ERROR(LS_ERR_USAGE, "--pool FILE is required (see lodestone bench-pool --help)");
    bo_objective_spec spec;
    int n_obj;
    LS_TRY(bo_parse_objectives(obj, 1, &spec, &n_obj));
    bo_bench_config cfg;
    bo_bench_config_default(&cfg);
    cfg.n_runs = 50;
    long v;
    LS_TRY(cli_get_int_range(&a, opts, "runs", 50, 1, 100000, "seeded runs", &v));
    cfg.n_runs = (int)v;
    LS_TRY(cli_get_int(&a, opts, "seed", 1, &v));
    cfg.seed = (uint64_t)v;
    LS_TRY(cli_get_int_range(&a, opts, "refit-every", 1, 1, 1000000, "steps between refits", &v));
    cfg.refit_every = (int)v;
    LS_TRY(cli_get_int_range(&a, opts, "restart-every", 10, 1, 1000000, "steps between multi-start refits", &v));
    cfg.restart_every = (int)v;
    LS_TRY(cli_get_int_range(&a, opts, "restarts", 3, 0, 1000, "random starts at a restart", &v));
    cfg.n_restarts = (int)v;
    LS_TRY(cli_get_int_range(&a, opts, "restart-max-n", 150, 0, 100000000, "observations; 0: no limit", &v));
    cfg.restart_max_n = v;
    LS_TRY(cli_get_int_range(&a, opts, "threads", 0, 0, 4096, "OpenMP threads; 0: all", &v));
    cfg.n_threads = (int)v;
    LS_TRY(cli_get_double(&a, opts, "kappa", 2.0, &cfg.kappa));
    LS_TRY(cli_get_double_range(&a, opts, "stop-at", 1.0, 0.05, 1.0, "fraction of the top set", &cfg.stop_at));
    /* The defaults of bo_suggest (one objective, no constraint): what users and the campaign get. */
    bo_suggest_options sdef;
    bo_suggest_options_default(&sdef);
    cfg.acquisition = bo_suggest_default_acquisition(1, 0);
    cfg.gp.prior = sdef.gp.prior;
    if (cli_get(&a, opts, "acquisition")) cfg.acquisition = cli_get(&a, opts, "acquisition");
    if (cli_get(&a, opts, "kernel")) cfg.gp.kernel = cli_get(&a, opts, "kernel");
    cfg.gp.ard = cli_get(&a, opts, "iso") == NULL;
    if (cli_get(&a, opts, "prior")) LS_TRY(bo_gp_prior_find(cli_get(&a, opts, "prior"), &cfg.gp.prior));
    cfg.gp.approx = BO_GP_AUTO;
    if (cli_get(&a, opts, "gp")) LS_TRY(bo_gp_approx_find(cli_get(&a, opts, "gp"), &cfg.gp.approx));
    LS_TRY(cli_get_int_range(&a, opts, "neighbors", 64, 1, 1024, "observations per conditioning set", &v));
    cfg.gp.nn_neighbors = (int)v;
    const bo_acquisition *acq;
    const bo_kernel *kern;
    LS_TRY(bo_acquisition_find(cfg.acquisition, &acq));
    LS_TRY(bo_kernel_find(cfg.gp.kernel, &kern));

    LS_TRY(ls_csv_read(pool, &t));
    int ycol;
    LS_TRY_GOTO(status, ls_csv_require_numeric(t, spec.column, &ycol), done);
    const char *ignore = cli_get(&a, opts, "ignore");
    int feat[64], D = 0;
    for (int j = 0; j < t->n_col; j++) {
        if (j == ycol || cli_list_contains(ignore, t->names[j])) continue;
        if (D == 64) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: more than 64 feature columns", pool);
        int c;
        LS_TRY_GOTO(status, ls_csv_require_numeric(t, t->names[j], &c), done);
        feat[D++] = j;
    }
    if (D == 0) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: no feature columns besides '%s'", pool, spec.column);
    x = malloc(sizeof *x * (size_t)t->n_row * D);
    y = malloc(sizeof *y * (size_t)t->n_row);
    if (!x || !y) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (long i = 0; i < t->n_row; i++) {
        for (int d = 0; d < D; d++) x[i * D + d] = ls_csv_num(t, i, feat[d]);
        y[i] = (spec.maximise ? 1.0 : -1.0) * ls_csv_num(t, i, ycol);
    }
    long N;
    LS_TRY_GOTO(status, bo_pool_from_rows(t->n_row, D, x, y, &N, &xp, &yp), done);
    ls_log_info("bench-pool: %s: %ld rows, %ld unique candidates, %d features, %d runs, %s + %s%s", pool, t->n_row, N,
                D, cfg.n_runs, cfg.gp.kernel, cfg.acquisition, cfg.gp.ard ? " (ARD)" : " (isotropic)");
    LS_TRY_GOTO(status, bo_bench_pool(N, D, xp, yp, &cfg, &res), done);

    double med50, med80;
    {
        double *s = res->run_evals_to_top50, *u = res->run_evals_to_top80;
        /* Per-run medians (runs that never reach a level count as N + 1). */
        double *c1 = malloc(sizeof *c1 * cfg.n_runs), *c2 = malloc(sizeof *c2 * cfg.n_runs);
        if (!c1 || !c2) {
            free(c1), free(c2);
            LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
        }
        for (int r = 0; r < cfg.n_runs; r++) c1[r] = s[r] < 0 ? N + 1 : s[r], c2[r] = u[r] < 0 ? N + 1 : u[r];
        for (int i = 1; i < cfg.n_runs; i++)
            for (int j = i; j > 0 && c1[j] < c1[j - 1]; j--) { double w = c1[j]; c1[j] = c1[j - 1]; c1[j - 1] = w; }
        for (int i = 1; i < cfg.n_runs; i++)
            for (int j = i; j > 0 && c2[j] < c2[j - 1]; j--) { double w = c2[j]; c2[j] = c2[j - 1]; c2[j - 1] = w; }
        int R = cfg.n_runs;
        med50 = R % 2 ? c1[R / 2] : 0.5 * (c1[R / 2 - 1] + c1[R / 2]);
        med80 = R % 2 ? c2[R / 2] : 0.5 * (c2[R / 2 - 1] + c2[R / 2]);
        free(c1), free(c2);
    }
    printf("pool %s: N = %ld candidates, top set M = %ld, %d runs, %s + %s%s, prior %s, GP %s", pool, N, res->n_top,
           cfg.n_runs, cfg.gp.kernel, cfg.acquisition, cfg.gp.ard ? " ARD" : " isotropic", bo_gp_prior_name(cfg.gp.prior),
           bo_gp_approx_name(cfg.gp.approx));
    if (cfg.gp.approx != BO_GP_EXACT) printf(" (k = %d)", cfg.gp.nn_neighbors);
    printf(", seed %lu\n", (unsigned long)cfg.seed);
    printf("evals_to_top50 %ld (AF %.2f)   evals_to_top80 %ld (AF %.2f)   [median curve]\n", res->evals_to_top50,
           res->af50, res->evals_to_top80, res->af80);
    printf("median over runs of the evaluations to 0.5 / 0.8: %.1f / %.1f\n", med50, med80);
    printf("peak EF %.2f at %ld evaluations; wall time %.1f s\n", res->ef_peak, res->ef_peak_at, res->wall_s);
    if (cfg.stop_at < 1.0)
        printf("runs stopped at Top%% = %.2f: figures beyond that level (peak EF after it, the tail of the curve) are lower bounds\n",
               cfg.stop_at);

    const char *json = cli_get(&a, opts, "json");
    if (json) {
        ls_json *j = NULL;
        LS_TRY_GOTO(status, ls_json_open_file(json, &j), done);
        ls_json_object_begin(j, NULL);
        ls_json_string(j, "program", cli_version());
        ls_json_string(j, "pool", pool);
        ls_json_string(j, "objective", spec.column);
        ls_json_string(j, "sense", spec.maximise ? "max" : "min");
        ls_json_int(j, "n_pool", N);
        ls_json_int(j, "n_top", res->n_top);
        ls_json_int(j, "runs", cfg.n_runs);
        ls_json_int(j, "seed", (long)cfg.seed);
        ls_json_string(j, "acquisition", cfg.acquisition);
        ls_json_number(j, "kappa", cfg.kappa);
        ls_json_string(j, "kernel", cfg.gp.kernel);
        ls_json_bool(j, "ard", cfg.gp.ard);
        ls_json_string(j, "prior", bo_gp_prior_name(cfg.gp.prior));
        ls_json_string(j, "gp", bo_gp_approx_name(cfg.gp.approx));
        ls_json_int(j, "neighbors", cfg.gp.nn_neighbors);
        ls_json_int(j, "refit_every", cfg.refit_every);
        ls_json_int(j, "restart_every", cfg.restart_every);
        ls_json_int(j, "restarts", cfg.n_restarts);
        ls_json_int(j, "restart_max_n", cfg.restart_max_n);
        ls_json_number(j, "stop_at", cfg.stop_at);
        ls_json_int(j, "evals_to_top50", res->evals_to_top50);
        ls_json_int(j, "evals_to_top80", res->evals_to_top80);
        ls_json_number(j, "af50", res->af50);
        ls_json_number(j, "af80", res->af80);
        ls_json_number(j, "ef_peak", res->ef_peak);
        ls_json_int(j, "ef_peak_at", res->ef_peak_at);
        ls_json_number(j, "median_run_evals_to_top50", med50);
        ls_json_number(j, "median_run_evals_to_top80", med80);
        ls_json_number(j, "wall_s", res->wall_s);
        ls_json_number_array(j, "median_top_curve", res->median_curve, N);
        double *ef = malloc(sizeof *ef * (size_t)N);
        if (ef) {
            for (long i = 0; i < N; i++) ef[i] = res->median_curve[i] * N / (i + 1);
            ls_json_number_array(j, "median_ef_curve", ef, N);
            free(ef);
        }
        ls_json_number_array(j, "run_evals_to_top50", res->run_evals_to_top50, cfg.n_runs);
        ls_json_number_array(j, "run_evals_to_top80", res->run_evals_to_top80, cfg.n_runs);
        ls_json_object_end(j);
        LS_TRY_GOTO(status, ls_json_close(j), done);
    }
    const char *plot = cli_get(&a, opts, "plot");
    if (plot) {
        char title[256], label[128];
        snprintf(title, sizeof title, "%s: %s (%s), N = %ld", ls_path_basename(pool), spec.column,
                 spec.maximise ? "max" : "min", N);
        snprintf(label, sizeof label, "GP %s%s + %s", cfg.gp.kernel, cfg.gp.ard ? " ARD" : "", cfg.acquisition);
        LS_TRY_GOTO(status, bo_bench_pool_plot_svg(plot, title, res, label), done);
    }
done:
    bo_pool_bench_result_destroy(res);
    ls_csv_destroy(t);
    free(x), free(y), free(xp), free(yp);
    return status;
}
