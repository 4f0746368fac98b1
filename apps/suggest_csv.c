/* The CSV side of `lodestone suggest` (see suggest_csv.h). */
#include "apps/suggest_csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "common/err.h"

static int add_category(struct suggest_feature *f, char *s)
{
    for (int k = 0; k < f->n_cat; k++)
        if (strcmp(f->cat[k], s) == 0) return LS_OK;
    char **c = realloc(f->cat, sizeof *c * (size_t)(f->n_cat + 1));
    if (c == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    f->cat = c;
    f->cat[f->n_cat++] = s;
    return LS_OK;
}

static void encode_row(const ls_csv *t, long row, const struct suggest_feature *f, int n_feat, int obs, double *x)
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

/* The feature columns: the pool's, minus objectives, constraints and ignored ones (or those
 * listed), each present in OBS.csv; categories from both tables. */
static int find_features(struct suggest_tables *t, const char *pool_path, const bo_objective_spec *ospec, int n_obj,
                         const bo_constraint_spec *cspec, int n_con, const char *flist, const char *ignore)
{
    const ls_csv *pool = t->pool, *obs = t->obs;
    for (int j = 0; j < pool->n_col; j++) {
        const char *name = pool->names[j];
        int skip = flist ? !cli_list_contains(flist, name) : cli_list_contains(ignore, name);
        for (int k = 0; k < n_obj; k++) skip |= strcmp(name, ospec[k].column) == 0;
        /* A constraint is on a measured outcome; on a pool column it would drop that feature. */
        for (int c = 0; c < n_con && !skip; c++)
            if (strcmp(name, cspec[c].column) == 0)
                LS_ERROR(LS_ERR_INPUT, "--constraint on '%s': that is a feature column of the pool %s (a known property "
                         "of each candidate, not a measured outcome), and constraining it would drop it from the features "
                         "(fix: remove the candidates that break it from the pool, or list '%s' in --ignore)", name,
                         pool_path, name);
        if (skip) continue;
        if (t->n_feat == SUGGEST_MAX_FEATURES)
            LS_ERROR(LS_ERR_INPUT, "%s: more than %d feature columns", pool_path, SUGGEST_MAX_FEATURES);
        struct suggest_feature *f = &t->feat[t->n_feat++];
        f->pool_col = j;
        LS_TRY(ls_csv_require_column(obs, name, &f->obs_col));
        int numeric;
        LS_TRY(ls_csv_column_kind(pool, j, &numeric));
        if (!numeric || pool->n_row == 0) {
            for (long i = 0; i < pool->n_row; i++) LS_TRY(add_category(f, pool->cell[i * pool->n_col + j]));
            for (long i = 0; i < obs->n_row; i++) LS_TRY(add_category(f, obs->cell[i * obs->n_col + f->obs_col]));
        } else {
            int c;
            LS_TRY(ls_csv_require_numeric(obs, name, &c));
        }
        f->offset = t->dim;
        t->dim += f->n_cat ? f->n_cat : 1;
        if (t->dim > SUGGEST_MAX_FEATURES)
            LS_ERROR(LS_ERR_UNSUPPORTED, "%s: %d encoded features (categorical columns are one-hot encoded) exceed the "
                     "limit of %d", pool_path, t->dim, SUGGEST_MAX_FEATURES);
    }
    if (flist)
        for (const char *p = flist; *p;) {
            const char *e = strchr(p, ',');
            char name[BO_NAME_MAX];
            size_t len = e ? (size_t)(e - p) : strlen(p);
            snprintf(name, sizeof name, "%.*s", (int)len, p);
            int c;
            LS_TRY(ls_csv_require_column(pool, name, &c));
            p = e ? e + 1 : p + len;
        }
    if (t->n_feat == 0) LS_ERROR(LS_ERR_INPUT, "%s: no feature columns left (fix: check --features/--ignore)", pool_path);
    if (pool->n_row == 0) LS_ERROR(LS_ERR_INPUT, "%s: the pool has no candidates", pool_path);
    return LS_OK;
}

/* Observations: complete rows and pending rows (every objective empty). */
static int encode_observations(struct suggest_tables *t, const char *obs_path, const bo_objective_spec *ospec, int n_obj,
                               const bo_constraint_spec *cspec, int n_con)
{
    const ls_csv *obs = t->obs;
    const int D = t->dim;
    long n = 0, n_pend = 0;
    for (long i = 0; i < obs->n_row; i++) {
        int empty = 0;
        for (int k = 0; k < n_obj; k++) empty += ls_csv_str(obs, i, t->ocol[k])[0] == '\0';
        if (empty == n_obj) {
            encode_row(obs, i, t->feat, t->n_feat, 1, t->x_pend + n_pend * D);
            n_pend++;
            continue;
        }
        for (int k = 0; k < n_obj; k++) {
            double v = ls_csv_num(obs, i, t->ocol[k]);
            if (isnan(v))
                LS_ERROR(LS_ERR_INPUT, "%s:%ld: column '%s': '%s' is not a number (fix: write the measured value, or "
                         "leave every objective empty to mark a pending candidate)", obs_path, obs->line_no[i],
                         ospec[k].column, ls_csv_str(obs, i, t->ocol[k]));
            t->y_obs[n * n_obj + k] = v;
        }
        for (int c = 0; c < n_con; c++) {
            double v = ls_csv_num(obs, i, t->ccol[c]);
            if (isnan(v))
                LS_ERROR(LS_ERR_INPUT, "%s:%ld: constraint column '%s': '%s' is not a number (fix: write the measured "
                         "value)", obs_path, obs->line_no[i], cspec[c].column, ls_csv_str(obs, i, t->ccol[c]));
            t->c_obs[n * n_con + c] = v;
        }
        encode_row(obs, i, t->feat, t->n_feat, 1, t->x_obs + n * D);
        t->obs_row[n++] = i;
    }
    t->data.n_obs = n;
    t->data.n_pending = n_pend;
    return LS_OK;
}

int suggest_tables_read(const char *pool_path, const char *obs_path, const bo_objective_spec *ospec, int n_obj,
                        const bo_constraint_spec *cspec, int n_con, const char *features, const char *ignore,
                        struct suggest_tables *t)
{
    memset(t, 0, sizeof *t);
    LS_TRY(ls_csv_read(pool_path, &t->pool));
    LS_TRY(ls_csv_read(obs_path, &t->obs));
    for (int k = 0; k < n_obj; k++) LS_TRY(ls_csv_require_column(t->obs, ospec[k].column, &t->ocol[k]));
    for (int c = 0; c < n_con; c++)
        if ((t->ccol[c] = ls_csv_column(t->obs, cspec[c].column)) < 0)
            LS_ERROR(LS_ERR_INPUT, "--constraint on unknown column '%s': %s has no such column (fix: add a '%s' column "
                     "with the measured values, or correct the name)", cspec[c].column, obs_path, cspec[c].column);
    LS_TRY(find_features(t, pool_path, ospec, n_obj, cspec, n_con, features, ignore));
    const long N = t->pool->n_row, n_rows = t->obs->n_row;
    const int D = t->dim;
    t->x_cand = malloc(sizeof *t->x_cand * (size_t)N * D);
    t->x_obs = malloc(sizeof *t->x_obs * (size_t)(n_rows + 1) * D);
    t->x_pend = malloc(sizeof *t->x_pend * (size_t)(n_rows + 1) * D);
    t->y_obs = malloc(sizeof *t->y_obs * (size_t)(n_rows + 1) * n_obj);
    t->c_obs = malloc(sizeof *t->c_obs * (size_t)(n_rows + 1) * (n_con + 1));
    t->obs_row = malloc(sizeof *t->obs_row * (size_t)(n_rows + 1));
    if (!t->x_cand || !t->x_obs || !t->x_pend || !t->y_obs || !t->c_obs || !t->obs_row)
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (long i = 0; i < N; i++) encode_row(t->pool, i, t->feat, t->n_feat, 0, t->x_cand + i * D);
    LS_TRY(encode_observations(t, obs_path, ospec, n_obj, cspec, n_con));
    t->data.n_cand = N;
    t->data.x_cand = t->x_cand;
    t->data.x_obs = t->x_obs;
    t->data.y_obs = t->y_obs;
    t->data.c_obs = n_con ? t->c_obs : NULL;
    t->data.x_pending = t->x_pend;
    return LS_OK;
}

void suggest_tables_free(struct suggest_tables *t)
{
    for (int j = 0; j < t->n_feat; j++) free(t->feat[j].cat);
    ls_csv_destroy(t->pool);
    ls_csv_destroy(t->obs);
    free(t->x_cand), free(t->x_obs), free(t->x_pend), free(t->y_obs), free(t->c_obs), free(t->obs_row);
    memset(t, 0, sizeof *t);
}

void suggest_write(FILE *out, const struct suggest_tables *t, const bo_objective_spec *ospec, int n_obj, int n_con,
                   const bo_suggest_result *res)
{
    const ls_csv *pool = t->pool;
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
    for (int j = 0; j < res->n; j++) {
        const bo_suggestion *s = &res->items[j];
        for (int c = 0; c < pool->n_col; c++) {
            ls_csv_write_field(out, ls_csv_str(pool, s->index, c));
            fputc(',', out);
        }
        fprintf(out, "%ld", pool->line_no[s->index]);
        for (int k = 0; k < n_obj; k++) {
            if (isnan(s->mean[k])) fprintf(out, ",,");
            else fprintf(out, ",%.10g,%.10g", s->mean[k], s->sd[k]);
        }
        if (n_con) {
            if (isnan(s->p_feasible)) fprintf(out, ",");
            else fprintf(out, ",%.6g", s->p_feasible);
        }
        if (isnan(s->acq)) fprintf(out, ",%s,\n", res->acquisition);
        else fprintf(out, ",%s%s,%.10g\n", res->log_form ? "log_" : "", res->acquisition, s->acq);
    }
}

int suggest_write_front(const char *path, const struct suggest_tables *t, const long *idx, long n_front)
{
    const ls_csv *obs = t->obs;
    FILE *ff = fopen(path, "w");
    if (ff == NULL) LS_ERROR(LS_ERR_IO, "cannot write %s", path);
    for (int c = 0; c < obs->n_col; c++) {
        if (c) fputc(',', ff);
        ls_csv_write_field(ff, obs->names[c]);
    }
    fputc('\n', ff);
    for (long k = 0; k < n_front; k++) {
        for (int c = 0; c < obs->n_col; c++) {
            if (c) fputc(',', ff);
            ls_csv_write_field(ff, ls_csv_str(obs, t->obs_row[idx[k]], c));
        }
        fputc('\n', ff);
    }
    if (fclose(ff) != 0) LS_ERROR(LS_ERR_IO, "error writing %s", path);
    return LS_OK;
}
