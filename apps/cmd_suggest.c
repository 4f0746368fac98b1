/* lodestone suggest: ask/tell Bayesian optimisation over a pool of candidates in CSV files.
 * File formats are documented in search/README.md. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "common/csv.h"
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
    {"acquisition", 0, CLI_VALUE, "NAME", "ei (default), pi, ucb, lcb, ts; ehvi for several objectives"},
    {"kappa", 0, CLI_VALUE, "K", "confidence-bound width for ucb/lcb (default 2)"},
    {"kernel", 0, CLI_VALUE, "NAME", "matern52 (default), matern32, matern12, se"},
    {"iso", 0, CLI_FLAG, NULL, "one length scale for all features (default: one per feature)"},
    {"features", 0, CLI_VALUE, "COLS", "feature columns (default: every pool column that is not an"
                                       " objective, constraint or --ignore column)"},
    {"ignore", 0, CLI_VALUE, "COLS", "pool columns that are not features (names, ids)"},
    {"ref", 0, CLI_VALUE, "V1,V2[,V3]", "hypervolume reference point in the objectives' units"},
    {"restarts", 0, CLI_VALUE, "R", "random restarts of the hyperparameter fit (default 5)"},
    {"out", 'o', CLI_VALUE, "FILE", "write the suggestions here (default: standard output)"},
    {"front", 0, CLI_VALUE, "FILE", "write the observed Pareto front (several objectives) as CSV"},
    {NULL, 0, 0, NULL, NULL},
};

#define MAX_FEAT 64
#define MAX_ENC 512

/* A feature: numeric (one encoded column) or categorical (one-hot, n_cat columns). */
struct feature {
    int pool_col, obs_col;
    int n_cat;         /* 0 for numeric */
    char **cat;        /* borrowed strings of the pool/observation tables */
    int offset;        /* first encoded column */
};

static int add_category(struct feature *f, char *s)
{
    for (int k = 0; k < f->n_cat; k++)
        if (strcmp(f->cat[k], s) == 0) return LS_OK;
    char **c = realloc(f->cat, sizeof *c * (size_t)(f->n_cat + 1));
    if (c == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    f->cat = c;
    f->cat[f->n_cat++] = s;
    return LS_OK;
}

static void encode_row(const ls_csv *t, long row, const struct feature *f, int n_feat, int obs, double *x)
{
    for (int j = 0; j < n_feat; j++) {
        int col = obs ? f[j].obs_col : f[j].pool_col;
        if (f[j].n_cat == 0) {
            x[f[j].offset] = ls_csv_num(t, row, col);
            continue;
        }
        for (int k = 0; k < f[j].n_cat; k++) x[f[j].offset + k] = strcmp(ls_csv_str(t, row, col), f[j].cat[k]) == 0;
    }
}

struct row_key {
    const double *x;
    int dim;
    long i;
};

static int cmp_key(const void *a, const void *b)
{
    const struct row_key *p = a, *q = b;
    for (int d = 0; d < p->dim; d++)
        if (p->x[d] != q->x[d]) return p->x[d] < q->x[d] ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i ? 1 : 0;
}

static int same_point(const double *a, const double *b, int D)
{
    for (int d = 0; d < D; d++)
        if (fabs(a[d] - b[d]) > 1e-9 * (1.0 + fabs(a[d]) + fabs(b[d]))) return 0;
    return 1;
}

/* Only the first of identical pool rows is available; rows equal to an observed or pending
 * point are not. */
static int mark_available(long N, int D, const double *X, long n_seen, const double *xs, unsigned char *avail)
{
    struct row_key *k = malloc(sizeof *k * (size_t)N);
    if (k == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (long i = 0; i < N; i++) k[i] = (struct row_key){X + i * D, D, i};
    qsort(k, (size_t)N, sizeof *k, cmp_key);
    for (long a = 0; a < N; a++) avail[k[a].i] = a == 0 || !same_point(k[a].x, k[a - 1].x, D);
    free(k);
    for (long i = 0; i < N; i++)
        for (long s = 0; s < n_seen && avail[i]; s++)
            if (same_point(X + i * D, xs + s * D, D)) avail[i] = 0;
    return LS_OK;
}

int cmd_suggest(int argc, char **argv)
{
    struct cli_args a;
    int status = LS_OK;
    ls_csv *pool = NULL, *obs = NULL;
    struct feature feat[MAX_FEAT];
    int n_feat = 0, D = 0;
    double *X = NULL, *xo = NULL, *yo = NULL, *co = NULL, *xp = NULL, *col = NULL, *xc = NULL;
    unsigned char *avail = NULL;
    bo_gp *gp[3 + 8] = {NULL};
    bo_choice *ch = NULL;
    FILE *out = NULL;
    memset(feat, 0, sizeof feat);
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
    bo_objective_spec ospec[3];
    bo_constraint_spec cspec[8];
    int n_obj, n_con;
    LS_TRY(bo_parse_objectives(cli_get(&a, opts, "objective"), 3, ospec, &n_obj));
    LS_TRY(bo_parse_constraints(cli_get(&a, opts, "constraint"), 8, cspec, &n_con));
    long q, seed, restarts;
    LS_TRY(cli_get_int(&a, opts, "batch", 1, &q));
    if (q < 1 || q > 1000) LS_ERROR(LS_ERR_USAGE, "--batch must be between 1 and 1000, got %ld", q);
    LS_TRY(cli_get_int(&a, opts, "seed", 1, &seed));
    LS_TRY(cli_get_int(&a, opts, "restarts", 5, &restarts));
    const char *acq_name = cli_get(&a, opts, "acquisition");
    if (acq_name == NULL) acq_name = n_obj > 1 ? "ehvi" : "ei";
    const bo_acquisition *acq;
    LS_TRY(bo_acquisition_find(acq_name, &acq));
    bo_gp_options gopt;
    bo_gp_options_default(&gopt);
    if (cli_get(&a, opts, "kernel")) gopt.kernel = cli_get(&a, opts, "kernel");
    gopt.ard = cli_get(&a, opts, "iso") == NULL;
    const bo_kernel *kern;
    LS_TRY(bo_kernel_find(gopt.kernel, &kern));
    double ref[3];
    const char *ref_text = cli_get(&a, opts, "ref");
    if (ref_text) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", ref_text);
        int k = 0;
        for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
            if (k == 3 || ls_parse_double(tok, &ref[k]) != 0)
                LS_ERROR(LS_ERR_USAGE, "--ref expects one number per objective, e.g. --ref 18,6; got '%s'", ref_text);
            k++;
        }
        if (k != n_obj) LS_ERROR(LS_ERR_USAGE, "--ref has %d numbers but there are %d objectives", k, n_obj);
        for (k = 0; k < n_obj; k++) ref[k] = ospec[k].maximise ? ref[k] : -ref[k];
    }

    LS_TRY_GOTO(status, ls_csv_read(pool_path, &pool), done);
    LS_TRY_GOTO(status, ls_csv_read(obs_path, &obs), done);
    int ocol[3], ccol[8];
    for (int k = 0; k < n_obj; k++) LS_TRY_GOTO(status, ls_csv_require_column(obs, ospec[k].column, &ocol[k]), done);
    for (int c = 0; c < n_con; c++)
        if ((ccol[c] = ls_csv_column(obs, cspec[c].column)) < 0)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "--constraint on unknown column '%s': %s has no such column "
                          "(fix: add a '%s' column with the measured values, or correct the name)",
                          cspec[c].column, obs_path, cspec[c].column);

    /* Features. */
    const char *flist = cli_get(&a, opts, "features"), *ignore = cli_get(&a, opts, "ignore");
    for (int j = 0; j < pool->n_col; j++) {
        const char *name = pool->names[j];
        int skip = flist ? !cli_list_contains(flist, name) : cli_list_contains(ignore, name);
        for (int k = 0; k < n_obj; k++) skip |= strcmp(name, ospec[k].column) == 0;
        /* A constraint is on a measured outcome; on a pool column it would drop that feature. */
        for (int c = 0; c < n_con && !skip; c++)
            if (strcmp(name, cspec[c].column) == 0)
                LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "--constraint on '%s': that is a feature column of the pool %s "
                              "(a known property of each candidate, not a measured outcome), and constraining it would "
                              "drop it from the features (fix: remove the candidates that break it from the pool, or "
                              "list '%s' in --ignore)", name, pool_path, name);
        if (skip) continue;
        if (n_feat == MAX_FEAT) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: more than %d feature columns", pool_path, MAX_FEAT);
        struct feature *f = &feat[n_feat++];
        f->pool_col = j;
        LS_TRY_GOTO(status, ls_csv_require_column(obs, name, &f->obs_col), done);
        int numeric;
        LS_TRY_GOTO(status, ls_csv_column_kind(pool, j, &numeric), done);
        if (!numeric || pool->n_row == 0) {
            for (long i = 0; i < pool->n_row; i++) LS_TRY_GOTO(status, add_category(f, pool->cell[i * pool->n_col + j]), done);
            for (long i = 0; i < obs->n_row; i++) LS_TRY_GOTO(status, add_category(f, obs->cell[i * obs->n_col + f->obs_col]), done);
        } else {
            int c;
            LS_TRY_GOTO(status, ls_csv_require_numeric(obs, name, &c), done);
        }
        f->offset = D;
        D += f->n_cat ? f->n_cat : 1;
        if (D > MAX_ENC || D > 64)
            LS_ERROR_GOTO(status, LS_ERR_UNSUPPORTED, done, "%s: %d encoded features (categorical columns are one-hot "
                          "encoded) exceed the limit of 64", pool_path, D);
    }
    if (flist)
        for (const char *p = flist; *p;) {
            const char *e = strchr(p, ',');
            char name[BO_NAME_MAX];
            size_t len = e ? (size_t)(e - p) : strlen(p);
            snprintf(name, sizeof name, "%.*s", (int)len, p);
            int c;
            LS_TRY_GOTO(status, ls_csv_require_column(pool, name, &c), done);
            p = e ? e + 1 : p + len;
        }
    if (n_feat == 0) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: no feature columns left (fix: check --features/--ignore)", pool_path);
    if (pool->n_row == 0) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: the pool has no candidates", pool_path);

    long N = pool->n_row, n_obs_rows = obs->n_row;
    X = malloc(sizeof *X * (size_t)N * D);
    xo = malloc(sizeof *xo * (size_t)(n_obs_rows + 1) * D);
    xp = malloc(sizeof *xp * (size_t)(n_obs_rows + 1) * D);
    yo = malloc(sizeof *yo * (size_t)(n_obs_rows + 1) * n_obj);
    co = malloc(sizeof *co * (size_t)(n_obs_rows + 1) * (n_con + 1));
    col = malloc(sizeof *col * (size_t)(n_obs_rows + 1));
    avail = malloc((size_t)N);
    ch = calloc((size_t)q, sizeof *ch);
    xc = malloc(sizeof *xc * (size_t)q * D);
    if (!X || !xo || !xp || !yo || !co || !col || !avail || !ch || !xc) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (long i = 0; i < N; i++) encode_row(pool, i, feat, n_feat, 0, X + i * D);
    /* Observations: complete rows, pending rows (every objective empty). */
    long n = 0, n_pend = 0;
    for (long i = 0; i < n_obs_rows; i++) {
        int empty = 0;
        for (int k = 0; k < n_obj; k++) empty += ls_csv_str(obs, i, ocol[k])[0] == '\0';
        if (empty == n_obj) {
            encode_row(obs, i, feat, n_feat, 1, xp + n_pend * D);
            n_pend++;
            continue;
        }
        for (int k = 0; k < n_obj; k++) {
            double v = ls_csv_num(obs, i, ocol[k]);
            if (isnan(v))
                LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%ld: column '%s': '%s' is not a number (fix: write the "
                              "measured value, or leave every objective empty to mark a pending candidate)",
                              obs_path, obs->line_no[i], ospec[k].column, ls_csv_str(obs, i, ocol[k]));
            yo[n * n_obj + k] = ospec[k].maximise ? v : -v;
        }
        for (int c = 0; c < n_con; c++) {
            double v = ls_csv_num(obs, i, ccol[c]);
            if (isnan(v))
                LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%ld: constraint column '%s': '%s' is not a number "
                              "(fix: write the measured value)", obs_path, obs->line_no[i], cspec[c].column,
                              ls_csv_str(obs, i, ccol[c]));
            co[n * n_con + c] = cspec[c].upper ? v : -v;
        }
        encode_row(obs, i, feat, n_feat, 1, xo + n * D);
        n++;
    }
    /* Observed and pending points are excluded together. */
    memcpy(xo + n * D, xp, sizeof *xp * (size_t)n_pend * D);
    LS_TRY_GOTO(status, mark_available(N, D, X, n + n_pend, xo, avail), done);
    long n_avail = 0;
    for (long i = 0; i < N; i++) n_avail += avail[i];
    ls_log_info("suggest: %ld candidates (%ld available), %ld observations, %ld pending, %d encoded features", N,
                n_avail, n, n_pend, D);
    bo_rng rng;
    bo_rng_seed(&rng, (uint64_t)seed);
    int n_chosen = 0;
    const char *used_acq = acq->name;
    if (n < 2) {
        /* Too little data for a model: uniformly random available candidates. */
        used_acq = "random";
        for (long j = 0; j < q && n_chosen < n_avail; j++) {
            long pick = bo_rng_below(&rng, n_avail - n_chosen), i = 0;
            for (;; i++)
                if (avail[i] && pick-- == 0) break;
            avail[i] = 0;
            ch[n_chosen].index = i;
            ch[n_chosen].acq = NAN;
            for (int k = 0; k < 3; k++) ch[n_chosen].mean[k] = ch[n_chosen].sd[k] = NAN;
            ch[n_chosen].p_feasible = NAN;
            n_chosen++;
        }
        ls_log_warn("suggest: fewer than 2 completed observations: suggestions are uniformly random");
    } else {
        double con_bound[8];
        for (int k = 0; k < n_obj + n_con; k++) {
            LS_TRY_GOTO(status, bo_gp_create(D, &gopt, &gp[k]), done);
            for (long i = 0; i < n; i++) col[i] = k < n_obj ? yo[i * n_obj + k] : co[i * n_con + k - n_obj];
            LS_TRY_GOTO(status, bo_gp_set_data(gp[k], n, xo, col, NULL), done);
            LS_TRY_GOTO(status, bo_gp_fit(gp[k], (int)restarts, &rng), done);
        }
        for (int c = 0; c < n_con; c++) con_bound[c] = cspec[c].upper ? cspec[c].bound : -cspec[c].bound;
        bo_select_config sc = {0};
        sc.acq = acq;
        LS_TRY_GOTO(status, cli_get_double(&a, opts, "kappa", 2.0, &sc.params.kappa), done);
        sc.n_obj = n_obj;
        sc.obj = gp;
        sc.n_con = n_con;
        sc.con = gp + n_obj;
        sc.con_bound = con_bound;
        sc.n_obs = n;
        sc.x_obs = xo;
        sc.y_obs = yo;
        sc.c_obs = n_con ? co : NULL;
        sc.ref = ref_text ? ref : NULL;
        sc.n_pending = n_pend;
        sc.x_pending = xp;
        sc.q = (int)q;
        LS_TRY_GOTO(status, bo_select_pool(&sc, N, D, X, avail, &rng, ch, xc, &n_chosen), done);
    }
    if (n_chosen < q) ls_log_warn("suggest: only %d candidates left to suggest", n_chosen);

    /* Output. */
    const char *out_path = cli_get(&a, opts, "out");
    out = out_path ? fopen(out_path, "w") : stdout;
    if (out == NULL) LS_ERROR_GOTO(status, LS_ERR_IO, done, "cannot write %s", out_path);
    for (int j = 0; j < pool->n_col; j++) {
        ls_csv_write_field(out, pool->names[j]);
        fputc(',', out);
    }
    fprintf(out, "pool_line");
    for (int k = 0; k < n_obj; k++) {
        char name[BO_NAME_MAX + 16];
        snprintf(name, sizeof name, "predicted_%s", ospec[k].column);
        fputc(',', out);
        ls_csv_write_field(out, name);
        snprintf(name, sizeof name, "sd_%s", ospec[k].column);
        fputc(',', out);
        ls_csv_write_field(out, name);
    }
    if (n_con) fprintf(out, ",p_feasible");
    fprintf(out, ",acquisition,acquisition_value\n");
    for (int j = 0; j < n_chosen; j++) {
        long i = ch[j].index;
        for (int c = 0; c < pool->n_col; c++) {
            ls_csv_write_field(out, ls_csv_str(pool, i, c));
            fputc(',', out);
        }
        fprintf(out, "%ld", pool->line_no[i]);
        for (int k = 0; k < n_obj; k++) {
            double m = ospec[k].maximise ? ch[j].mean[k] : -ch[j].mean[k];
            if (isnan(m)) fprintf(out, ",,");
            else fprintf(out, ",%.10g,%.10g", m, ch[j].sd[k]);
        }
        if (n_con) {
            if (isnan(ch[j].p_feasible)) fprintf(out, ",");
            else fprintf(out, ",%.6g", ch[j].p_feasible);
        }
        if (isnan(ch[j].acq)) fprintf(out, ",%s,\n", used_acq);
        else fprintf(out, ",%s%s,%.10g\n", acq->log_form ? "log_" : "", used_acq, ch[j].acq);
    }
    if (out_path && fclose(out) != 0) {
        out = NULL;
        LS_ERROR_GOTO(status, LS_ERR_IO, done, "error writing %s", out_path);
    }
    out = NULL;

    /* Pareto front of the feasible observations. */
    const char *front_path = cli_get(&a, opts, "front");
    if (n_obj > 1 && n > 0) {
        long *idx = malloc(sizeof *idx * (size_t)n), *rows = malloc(sizeof *rows * (size_t)n);
        double *yf = malloc(sizeof *yf * (size_t)n * n_obj);
        if (!idx || !rows || !yf) {
            free(idx), free(rows), free(yf);
            LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
        }
        long nf = 0, r = 0;
        for (long i = 0; i < n_obs_rows; i++) {
            int empty = ls_csv_str(obs, i, ocol[0])[0] == '\0';
            if (empty) continue;
            int feas = 1;
            for (int c = 0; c < n_con; c++) feas &= co[r * n_con + c] <= (cspec[c].upper ? cspec[c].bound : -cspec[c].bound);
            if (feas) {
                memcpy(yf + nf * n_obj, yo + r * n_obj, sizeof *yf * n_obj);
                rows[nf++] = i;
            }
            r++;
        }
        long k = bo_pareto_front(nf, n_obj, yf, idx);
        ls_log_info("suggest: Pareto front of the feasible observations: %ld of %ld points", k, nf);
        FILE *ff = front_path ? fopen(front_path, "w") : NULL;
        if (front_path && ff == NULL) {
            free(idx), free(rows), free(yf);
            LS_ERROR_GOTO(status, LS_ERR_IO, done, "cannot write %s", front_path);
        }
        for (int c = 0; ff && c < obs->n_col; c++) {
            if (c) fputc(',', ff);
            ls_csv_write_field(ff, obs->names[c]);
        }
        if (ff) fputc('\n', ff);
        for (long t = 0; ff && t < k; t++) {
            for (int c = 0; c < obs->n_col; c++) {
                if (c) fputc(',', ff);
                ls_csv_write_field(ff, ls_csv_str(obs, rows[idx[t]], c));
            }
            fputc('\n', ff);
        }
        if (ff && fclose(ff) != 0) {
            free(idx), free(rows), free(yf);
            LS_ERROR_GOTO(status, LS_ERR_IO, done, "error writing %s", front_path);
        }
        free(idx), free(rows), free(yf);
    }
done:
    if (out && out != stdout) fclose(out);
    for (int k = 0; k < 11; k++) bo_gp_destroy(gp[k]);
    for (int j = 0; j < n_feat; j++) free(feat[j].cat);
    ls_csv_destroy(pool);
    ls_csv_destroy(obs);
    free(X), free(xo), free(yo), free(co), free(xp), free(col), free(xc), free(avail), free(ch);
    return status;
}
