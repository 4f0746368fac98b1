/* The CSV side of `lodestone suggest` (apps/cmd_suggest.c): the pool and observation tables read
 * and encoded into the in-memory problem of bo_suggest (numeric feature columns as they are,
 * categorical ones one-hot), and the suggestions and the observed Pareto front written back as
 * CSV.  File formats: search/README.md.  Internal to apps/. */
#ifndef LS_APPS_SUGGEST_CSV_H
#define LS_APPS_SUGGEST_CSV_H

#include <stdio.h>

#include "apps/bo_spec.h"
#include "common/csv.h"
#include "search/search.h"

#define SUGGEST_MAX_FEATURES 64

/* A feature: numeric (one encoded column) or categorical (one-hot, n_cat columns). */
struct suggest_feature {
    int pool_col, obs_col;
    int n_cat;         /* 0 for numeric */
    char **cat;        /* borrowed strings of the pool/observation tables */
    int offset;        /* first encoded column */
};

struct suggest_tables {
    ls_csv *pool, *obs;
    int n_feat, dim;
    struct suggest_feature feat[SUGGEST_MAX_FEATURES];
    int ocol[BO_MAX_OBJECTIVES], ccol[BO_MAX_CONSTRAINTS];
    bo_data data;             /* points into the arrays below */
    double *x_cand, *x_obs, *y_obs, *c_obs, *x_pend;
    long *obs_row;            /* the OBS.csv row of each completed observation */
};

/* Read and encode POOL.csv and OBS.csv for the objectives and constraints (their columns must
 * exist); `features` (comma-separated, NULL: every pool column that is not an objective, constraint
 * or in `ignore`).  Rows of OBS.csv with every objective empty are pending.  LS_ERR_INPUT naming the
 * file, line, column and fix.  t is freed by suggest_tables_free in every case. */
int suggest_tables_read(const char *pool_path, const char *obs_path, const bo_objective_spec *ospec, int n_obj,
                        const bo_constraint_spec *cspec, int n_con, const char *features, const char *ignore,
                        struct suggest_tables *t);
void suggest_tables_free(struct suggest_tables *t);

/* The suggestions as CSV: the pool columns, pool_line, predicted_COL and sd_COL per objective,
 * p_feasible with constraints, acquisition and acquisition_value. */
void suggest_write(FILE *out, const struct suggest_tables *t, const bo_objective_spec *ospec, int n_obj, int n_con,
                   const bo_suggest_result *res);
/* The OBS.csv rows of the observed Pareto front (idx: observation indices of bo_observed_front). */
int suggest_write_front(const char *path, const struct suggest_tables *t, const long *idx, long n_front);

#endif
