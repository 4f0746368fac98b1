/* Objective and constraint specifications of the search commands (`suggest`, `bench-pool`):
 * "COL:max,COL:min" and "COL<=v,COL>=v", for their option parsing.  Internal to apps/. */
#ifndef LS_APPS_BO_SPEC_H
#define LS_APPS_BO_SPEC_H

#define BO_NAME_MAX 128

typedef struct bo_objective_spec {
    char column[BO_NAME_MAX];
    int maximise;              /* 1 "max", 0 "min" */
} bo_objective_spec;

typedef struct bo_constraint_spec {
    char column[BO_NAME_MAX];
    int upper;                 /* 1: column <= bound; 0: column >= bound */
    double bound;
} bo_constraint_spec;

/* "COL:max[,COL:min...]" (at most max_n, each column once); LS_ERR_USAGE naming the bad part and
 * the fix.  Column names may contain ':' (the last one separates the sense) but not ','. */
int bo_parse_objectives(const char *text, int max_n, bo_objective_spec *out, int *n);
/* "COL<=v[,COL>=v...]" (at most max_n); LS_ERR_USAGE on anything else. */
int bo_parse_constraints(const char *text, int max_n, bo_constraint_spec *out, int *n);

#endif
