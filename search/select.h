/* Internal: the scorer shared by pool and box selection (search/select.c). */
#ifndef LS_SEARCH_SELECT_H
#define LS_SEARCH_SELECT_H

#include "search/mo.h"
#include "search/search.h"

#define BO_MAX_CON 8

/* Models (borrowed until the first fantasy, then private copies), incumbent, front. */
typedef struct bo_scorer {
    const bo_select_config *cfg;
    int dim;
    bo_gp *obj[3], *con[BO_MAX_CON];
    int owns_models;
    bo_acq_params params;
    int have_feasible;     /* some observed (or fantasised) point is feasible */
    long n_front;
    double *front;         /* n_front x n_obj (maximised), feasible observed + fantasies */
    long front_cap;
    double ref[3];
    bo_ehvi ehvi;
} bo_scorer;

int bo_scorer_create(const bo_select_config *cfg, int dim, bo_scorer *s);
void bo_scorer_free(bo_scorer *s);
/* Scores of m points, and optionally mean/sd (m x n_obj) and p_feasible (m). */
int bo_scorer_score(const bo_scorer *s, long m, const double *x, double *score, double *mean, double *sd,
                    double *pfeas);
/* Kriging believer: add x as observed at its posterior mean in every model. */
int bo_scorer_fantasize(bo_scorer *s, const double *x);
/* Joint posterior draws for Thompson sampling: n_draw draws over m points; each draw's
 * score is the sampled objective where all sampled constraints hold, else minus the
 * summed violation minus 1e300.  scores: n_draw x m. */
int bo_scorer_thompson(const bo_scorer *s, long m, const double *x, int n_draw, ls_rng *rng, double *scores);

#endif
