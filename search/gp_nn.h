/* Internal: the nearest-neighbour GP's state (search/gp_nn.c builds it, search/gp_nn_predict.c
 * predicts with it).  search/ only. */
#ifndef LS_SEARCH_GP_NN_H
#define LS_SEARCH_GP_NN_H

#include <math.h>

#include "search/gp.h"
#include "search/kdtree.h"

#define NN_EXACT_TREE 256  /* exact nearest-observation queries up to this many observations */
#define NN_MAX_LEAVES 8    /* leaves opened per query above it (approximate neighbour search) */

struct bo_gp_nn {
    int k;            /* conditioning-set size, min(nn_neighbors, n) */
    long n;
    long *set;        /* n x k observation indices, set[c*k] = c, then by distance */
    double *L;        /* n x kp, kp = k(k+1)/2: packed lower Cholesky factor of each set */
    double *alpha;    /* n x k: K_c^-1 (y - m) */
    bo_kdtree *tree;  /* over the scaled observations */
    long max_leaves;  /* 0: exact nearest-observation queries */
    long n_fant, cap_fant;
    double *fant;     /* n_fant x dim scaled coordinates of believed fantasies */
    /* Per-cell fantasy factors (cells predicted in since the first fantasy). */
    long *slot;       /* n: the cache slot of each cell, -1 if none */
    struct nn_cache *cache;
    long n_cache, cap_cache;
    /* The last query made while fantasies are held (a batch rescores one shortlist many times):
     * its q_m input rows q_x and their cells q_cell, reused when the next query starts with
     * the same rows. */
    long q_m, q_cap;
    double *q_x;
    long *q_cell;
};

struct nn_cache {
    long nf, cap;     /* fantasies taken in, capacity */
    double *W;        /* cap x k: row f = L_c^-1 K(N(c), f) */
    double *R;        /* packed lower Cholesky factor of C (cap rows) */
};

static inline long packed(long i) { return i * (i + 1) / 2; }

/* Four partial sums: the dependency chain of one sum, not the arithmetic, bounds these loops. */
static inline double dist2(const double *a, const double *b, int D)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    int d = 0;
    for (; d + 4 <= D; d += 4) {
        double t0 = a[d] - b[d], t1 = a[d + 1] - b[d + 1], t2 = a[d + 2] - b[d + 2], t3 = a[d + 3] - b[d + 3];
        s0 += t0 * t0, s1 += t1 * t1, s2 += t2 * t2, s3 += t3 * t3;
    }
    for (; d < D; d++) s0 += (a[d] - b[d]) * (a[d] - b[d]);
    return (s0 + s1) + (s2 + s3);
}

static inline double dot(const double *a, const double *b, long k)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    long j = 0;
    for (; j + 4 <= k; j += 4) s0 += a[j] * b[j], s1 += a[j + 1] * b[j + 1], s2 += a[j + 2] * b[j + 2], s3 += a[j + 3] * b[j + 3];
    for (; j < k; j++) s0 += a[j] * b[j];
    return (s0 + s1) + (s2 + s3);
}

static inline double kval(const bo_gp *gp, double sf2, double r2)
{
    double g, dg;
    gp->kern->eval(sqrt(r2 > 0.0 ? r2 : 0.0), &g, &dg);
    return sf2 * g;
}

/* Solve L v = b in place (L row-major lower packed, k x k). */
static inline void solve_lower(const double *L, int k, double *v)
{
    for (int i = 0; i < k; i++) {
        const double *row = L + packed(i);
        v[i] = (v[i] - dot(row, v, i)) / row[i];
    }
}

/* Bring the per-cell fantasy factors of cell c up to every believed fantasy (gp_nn_predict.c). */
int bo_gp_nn_cache_update(const bo_gp *gp, long c, struct nn_cache *h);

#endif
