/* Internal: exact expected hypervolume improvement (search/acq_ehvi.c). */
#ifndef LS_SEARCH_MO_H
#define LS_SEARCH_MO_H

#include "search/search.h"

/* Precomputed cell decomposition of the region not dominated by a front. */
typedef struct bo_ehvi {
    int m;                 /* objectives, 2 or 3 */
    long nb[2];            /* cells along the leading m-1 objectives */
    double *lo[2], *hi[2]; /* cell bounds along those objectives (minimisation scale) */
    double *ulast;         /* upper bound along the last objective per cell */
    double r[3];           /* reference point, minimisation scale */
} bo_ehvi;

/* Prepare for a front of n points (maximised, n x m) and reference ref (maximised). */
int bo_ehvi_prepare(bo_ehvi *e, int m, long n, const double *front, const double *ref);
void bo_ehvi_free(bo_ehvi *e);
/* EHVI of an independent Gaussian prediction (mean, sd per objective, maximised scale). */
double bo_ehvi_eval(const bo_ehvi *e, const double *mean, const double *sd);

#endif
