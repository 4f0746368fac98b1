/* lodestone suggest: ask/tell Bayesian optimisation over a pool of candidates in CSV files, the
 * command-line front end of bo_suggest (search/search.h).  File formats: search/README.md; the
 * CSV reading and writing: apps/suggest_csv.c. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/bo_spec.h"
#include "apps/cli.h"
#include "apps/suggest_csv.h"
#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"
#include "search/search.h"

static const struct cli_option opts[] = {
    {"pool", 0, CLI_VALUE, "POOL.csv", "candidates: one row each, feature columns (numeric or categorical)"},
    {"observations", 0, CLI_VALUE, "OBS.csv", "evaluated rows: features + objective (+ constraint) columns;"
                                              " an empty objective marks a pending candidate"},
    {"objective", 0, CLI_VALUE, "COL:max|min", "objective(s), comma-separated (2 or 3 use EHVI)"},
    {"constraint", 0, CLI_VALUE, "COL<=v", "constraint(s) COL<=v or COL>=v, comma-separated"},
    {"batch", 0, CLI_VALUE, "Q", "number of candidates to suggest (default 1)"},
    {"seed", 0, CLI_VALUE, "S", "random seed (default 1): same inputs and seed, same suggestions"},
    {"acquisition", 0, CLI_VALUE, "NAME", "ucb (default for one objective; mu + kappa sd, the LCB of a"
                                         " minimised one), ei (default with constraints), pi, lcb, ts;"
                                         " ehvi (default for several objectives)"},
    {"kappa", 0, CLI_VALUE, "K", "confidence-bound width for ucb/lcb (default 2)"},
    {"kernel", 0, CLI_VALUE, "NAME", "matern52 (default), matern32, matern12, se"},
    {"iso", 0, CLI_FLAG, NULL, "one length scale for all features (default: one per feature)"},
    {"features", 0, CLI_VALUE, "COLS", "feature columns (default: every pool column that is not an"
                                       " objective, constraint or --ignore column)"},
    {"ignore", 0, CLI_VALUE, "COLS", "pool columns that are not features (names, ids)"},
    {"ref", 0, CLI_VALUE, "V1,V2[,V3]", "hypervolume reference point in the objectives' units"},
    {"restarts", 0, CLI_VALUE, "R", "random restarts of the hyperparameter fit (default 5)"},
    {"prior", 0, CLI_VALUE, "NAME", "hyperparameter prior: dim-scaled (default) or none (maximum"
                                     " likelihood)"},
    {"gp", 0, CLI_VALUE, "MODEL", "auto (default: the exact GP below the size of search/README.md), exact, or nn"},
    {"neighbors", 0, CLI_VALUE, "K", "conditioning-set size of the nearest-neighbour GP (default 64)"},
    {"out", 'o', CLI_VALUE, "FILE", "write the suggestions here (default: standard output)"},
    {"front", 0, CLI_VALUE, "FILE", "write the observed Pareto front (several objectives) as CSV"},
    {NULL, 0, 0, NULL, NULL},
};

/* --ref V1,V2[,V3] into the problem (objective units). */
static int read_ref(const char *text, bo_problem *pb)
{
    if (text == NULL) return LS_OK;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    int k = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (k == 3 || ls_parse_double(tok, &pb->ref[k]) != 0)
            LS_ERROR(LS_ERR_USAGE, "--ref expects one number per objective, e.g. --ref 18,6; got '%s'", text);
        k++;
    }
    if (k != pb->n_obj) LS_ERROR(LS_ERR_USAGE, "--ref has %d numbers but there are %d objectives", k, pb->n_obj);
    pb->has_ref = 1;
    return LS_OK;
}

/* The options into the problem and the search settings (checked before any file is read). */
static int read_options(const struct cli_args *a, bo_objective_spec *ospec, bo_constraint_spec *cspec, bo_problem *pb,
                        bo_suggest_options *opt, long *seed)
{
    memset(pb, 0, sizeof *pb);
    LS_TRY(bo_parse_objectives(cli_get(a, opts, "objective"), BO_MAX_OBJECTIVES, ospec, &pb->n_obj));
    LS_TRY(bo_parse_constraints(cli_get(a, opts, "constraint"), BO_MAX_CONSTRAINTS, cspec, &pb->n_con));
    for (int k = 0; k < pb->n_obj; k++) pb->maximise[k] = ospec[k].maximise;
    for (int c = 0; c < pb->n_con; c++) {
        pb->con_upper[c] = cspec[c].upper;
        pb->con_bound[c] = cspec[c].bound;
    }
    bo_suggest_options_default(opt);
    long v;
    LS_TRY(cli_get_int_range(a, opts, "batch", 1, 1, 1000, "candidates to suggest", &v));
    opt->q = (int)v;
    LS_TRY(cli_get_int(a, opts, "seed", 1, seed));
    LS_TRY(cli_get_int_range(a, opts, "restarts", 5, 0, 1000, "random restarts of each hyperparameter fit", &v));
    opt->n_restarts = (int)v;
    opt->acquisition = cli_get(a, opts, "acquisition");
    const bo_acquisition *acq;
    LS_TRY(bo_acquisition_find(opt->acquisition ? opt->acquisition : bo_suggest_default_acquisition(pb->n_obj, pb->n_con),
                               &acq));
    if (cli_get(a, opts, "kernel")) opt->gp.kernel = cli_get(a, opts, "kernel");
    opt->gp.ard = cli_get(a, opts, "iso") == NULL;
    const bo_kernel *kern;
    LS_TRY(bo_kernel_find(opt->gp.kernel, &kern));
    if (cli_get(a, opts, "prior")) LS_TRY(bo_gp_prior_find(cli_get(a, opts, "prior"), &opt->gp.prior));
    if (cli_get(a, opts, "gp")) LS_TRY(bo_gp_approx_find(cli_get(a, opts, "gp"), &opt->gp.approx));
    LS_TRY(cli_get_int_range(a, opts, "neighbors", 64, 1, 1024, "observations per conditioning set", &v));
    opt->gp.nn_neighbors = (int)v;
    LS_TRY(read_ref(cli_get(a, opts, "ref"), pb));
    LS_TRY(cli_get_double(a, opts, "kappa", 2.0, &opt->kappa));
    return LS_OK;
}

/* The observed Pareto front of several objectives: a log line, and the rows to --front. */
static int report_front(const struct cli_args *a, const bo_problem *pb, const struct suggest_tables *t)
{
    if (pb->n_obj < 2 || t->data.n_obs == 0) return LS_OK;
    long *idx = malloc(sizeof *idx * (size_t)t->data.n_obs), n_front, n_feasible;
    if (idx == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    int status = bo_observed_front(pb, &t->data, idx, &n_front, &n_feasible);
    if (status == LS_OK)
        ls_log_info("suggest: Pareto front of the feasible observations: %ld of %ld points", n_front, n_feasible);
    const char *front_path = cli_get(a, opts, "front");
    if (status == LS_OK && front_path) status = suggest_write_front(front_path, t, idx, n_front);
    free(idx);
    return status;
}

int cmd_suggest(int argc, char **argv)
{
    struct cli_args a;
    /* The GP matrices are small (observations x observations): serial BLAS, with the threads
     * spent on blocks of candidates instead (bo_gp_predict); a threaded OpenBLAS spins in
     * sched_yield on a loaded machine. */
    openblas_set_num_threads(1);
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("suggest", "--pool POOL.csv --observations OBS.csv --objective COL:max|min [--constraint COL<=v] [--batch Q] [--seed S]",
                       "Suggests the next candidates of the pool to evaluate: fits a Gaussian process per objective and\n"
                       "per constraint to the observations and ranks the unevaluated, non-pending candidates by the\n"
                       "acquisition.  Writes the pool columns of each suggestion with the predicted mean, spread and\n"
                       "acquisition value.  Append the measured results to OBS.csv and run again (search/README.md).",
                       opts);
        return LS_OK;
    }
    const char *pool_path = cli_get(&a, opts, "pool"), *obs_path = cli_get(&a, opts, "observations");
    if (pool_path == NULL) LS_ERROR(LS_ERR_USAGE, "--pool POOL.csv is required (see lodestone suggest --help)");
    if (obs_path == NULL) LS_ERROR(LS_ERR_USAGE, "--observations OBS.csv is required (a header line alone is fine at the start)");
    bo_objective_spec ospec[BO_MAX_OBJECTIVES];
    bo_constraint_spec cspec[BO_MAX_CONSTRAINTS];
    bo_problem pb;
    bo_suggest_options opt;
    long seed;
    LS_TRY(read_options(&a, ospec, cspec, &pb, &opt, &seed));
    const char *out_path = cli_get(&a, opts, "out"), *front_path = cli_get(&a, opts, "front");
    const char *inputs[2] = {pool_path, obs_path};
    LS_TRY(cli_check_output("out", out_path, 2, inputs));
    LS_TRY(cli_check_output("front", front_path, 2, inputs));

    struct suggest_tables t;
    bo_suggest_result res;
    memset(&res, 0, sizeof res);
    int status = suggest_tables_read(pool_path, obs_path, ospec, pb.n_obj, cspec, pb.n_con, cli_get(&a, opts, "features"),
                                     cli_get(&a, opts, "ignore"), &t);
    if (status != LS_OK) goto done;
    pb.dim = t.dim;
    ls_rng rng;
    ls_rng_seed(&rng, (uint64_t)seed);
    LS_TRY_GOTO(status, bo_suggest(&pb, &t.data, &opt, &rng, &res), done);
    FILE *out = out_path ? fopen(out_path, "w") : stdout;
    if (out == NULL) LS_ERROR_GOTO(status, LS_ERR_IO, done, "cannot write %s", out_path);
    suggest_write(out, &t, ospec, pb.n_obj, pb.n_con, &res);
    if (out_path && fclose(out) != 0) LS_ERROR_GOTO(status, LS_ERR_IO, done, "error writing %s", out_path);
    status = report_front(&a, &pb, &t);
done:
    bo_suggest_result_free(&res);
    suggest_tables_free(&t);
    return status;
}
