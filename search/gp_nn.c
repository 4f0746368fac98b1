/* The nearest-neighbour approximation of the Gaussian process (BO_GP_NN), for many observations
 * and many candidates: each prediction conditions on a small set of nearby observations instead
 * of all of them.
 *
 *   cell c (one per observation):  N(c) = c and its k - 1 nearest observations
 *   prediction at x:  c = the observation nearest to x,  K_c = K(N(c), N(c)) + noise = L_c L_c^T
 *       mean(x) = m + k_c(x)^T K_c^-1 (y_N(c) - m),   var(x) = s^2 - |L_c^-1 k_c(x)|^2
 *
 * Distances are taken in the inputs scaled by the fitted length scales (x - mu) / (sd l), where
 * the kernel is isotropic: the "scaled Vecchia" neighbours of Katzfuss, Guinness & Lawrence,
 * SIAM/ASA J. Uncertain. Quantif. 10, 537 (2022), doi:10.1137/20M1352156.  Conditioning each
 * prediction on its nearest observed neighbours is Vecchia's approximation applied to prediction
 * (Vecchia, J. R. Stat. Soc. B 50, 297 (1988); Katzfuss et al., J. Agric. Biol. Environ. Stat. 25,
 * 383 (2020), doi:10.1007/s13253-020-00401-7), used for Bayesian optimisation with many
 * observations by Jimenez & Katzfuss, AISTATS 2023, arXiv:2203.01459.  Here the neighbour set of
 * a prediction is that of its nearest observation, so that the n small Cholesky factors are
 * computed once and a prediction costs one nearest-neighbour query, k kernel values and one
 * k x k triangular solve.  With n <= k every set holds every observation: the exact GP.
 *
 * Kriging believer (bo_gp_fantasize): a fantasy f is believed at the mean of the model that
 * predicts, so conditioning on it leaves every mean unchanged and can only lower variances.  A
 * prediction at x in cell c is conditioned on N(c) and on every fantasy F so far, jointly:
 *   W = L_c^-1 K(N(c), F),  C = K(F, F) - W^T W + sn^2 I = R R^T,  v = L_c^-1 k_c(x),
 *   var(x) = s^2 - |v|^2 - |R^-1 (k(F, x) - W^T v)|^2,
 * a proper Gaussian conditioning, so scores of EI and UCB can only fall during a batch, as
 * bo_select_pool's certificate requires; with n <= k it is the exact GP's kriging believer.  W
 * and R depend on the cell only: they are kept per cell and grown by one column and one row
 * per fantasy (O(k^2 + f k + f^2) per cell and fantasy), so a batch of q over a shortlist of m
 * candidates costs O(m q (k^2 + q k)) instead of recomputing them for every prediction.
 */
#include <cblas.h>
#include <lapacke.h>
/* A row-major lower packed triangle is LAPACK's column-major upper packed one. */
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "search/gp_nn.h"

#define NN_BLOCK 256       /* rows per distance block of the neighbour search */

/* Solve L^T v = b in place. */
static void solve_upper_t(const double *L, int k, double *v)
{
    for (int i = k - 1; i >= 0; i--) {
        v[i] /= L[packed(i) + i];
        for (int j = 0; j < i; j++) v[j] -= L[packed(i) + j] * v[i];
    }
}

/* Packed Cholesky of a small covariance (row-major lower packed), jitter growing from 1e-10 to
 * 1e-4 of scale as the exact GP does; the jitter used in *jit. */
static int chol_packed(double *A, int k, double scale, double *work, double *jit)
{
    memcpy(work, A, sizeof *A * (size_t)packed(k));
    *jit = 0.0;
    for (int attempt = 0; attempt < 8; attempt++) {
        if (LAPACKE_dpptrf_work(LAPACK_COL_MAJOR, 'U', k, A) == 0) return LS_OK;
        *jit = *jit == 0.0 ? 1e-10 * scale : *jit * 10.0;
        memcpy(A, work, sizeof *A * (size_t)packed(k));
        for (int i = 0; i < k; i++) A[packed(i) + i] += *jit;
    }
    LS_ERROR(LS_ERR_NUMERIC, "nearest-neighbour GP: a covariance of %d points is not positive definite even with "
             "jitter %.1e", k, *jit);
}

void bo_gp_nn_free(bo_gp_nn *nn)
{
    if (nn == NULL) return;
    free(nn->set);
    free(nn->L);
    free(nn->alpha);
    bo_kdtree_destroy(nn->tree);
    free(nn->fant);
    for (long i = 0; i < nn->n_cache; i++) free(nn->cache[i].W), free(nn->cache[i].R);
    free(nn->cache);
    free(nn->slot);
    free(nn->q_x), free(nn->q_cell);
    free(nn);
}

int bo_gp_nn_clone(const bo_gp_nn *src, int dim, bo_gp_nn **out)
{
    *out = NULL;
    if (src == NULL) return LS_OK;
    bo_gp_nn *c = calloc(1, sizeof *c);
    if (c == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory copying a nearest-neighbour GP");
    *c = *src;
    c->set = NULL, c->L = NULL, c->alpha = NULL, c->tree = NULL, c->fant = NULL;
    c->slot = NULL, c->cache = NULL, c->n_cache = c->cap_cache = 0; /* the copy rebuilds its caches */
    c->q_x = NULL, c->q_cell = NULL, c->q_m = c->q_cap = 0;
    size_t n = (size_t)src->n, k = (size_t)src->k;
    c->set = malloc(sizeof *c->set * n * k);
    c->L = malloc(sizeof *c->L * n * (size_t)packed(src->k));
    c->alpha = malloc(sizeof *c->alpha * n * k);
    c->fant = malloc(sizeof *c->fant * (size_t)(src->cap_fant > 0 ? src->cap_fant : 1) * dim);
    int status = bo_kdtree_clone(src->tree, &c->tree);
    if (status != LS_OK || !c->set || !c->L || !c->alpha || !c->fant) {
        bo_gp_nn_free(c);
        if (status != LS_OK) return status;
        LS_ERROR(LS_ERR_NOMEM, "out of memory copying a nearest-neighbour GP");
    }
    memcpy(c->set, src->set, sizeof *c->set * n * k);
    memcpy(c->L, src->L, sizeof *c->L * n * (size_t)packed(src->k));
    memcpy(c->alpha, src->alpha, sizeof *c->alpha * n * k);
    if (src->n_fant) memcpy(c->fant, src->fant, sizeof *c->fant * (size_t)src->n_fant * dim);
    *out = c;
    return LS_OK;
}

/* Max-heap on (d2, j) of the k - 1 nearest others of one observation. */
static void heap_push(double *hd, long *hj, int *hn, int cap, double d2, long j)
{
    if (*hn < cap) {
        int i = (*hn)++;
        while (i > 0) {
            int p = (i - 1) / 2;
            if (hd[p] > d2 || (hd[p] == d2 && hj[p] > j)) break;
            hd[i] = hd[p], hj[i] = hj[p];
            i = p;
        }
        hd[i] = d2, hj[i] = j;
        return;
    }
    if (d2 > hd[0] || (d2 == hd[0] && j > hj[0])) return;
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        double md = d2;
        long mj = j;
        if (l < cap && (hd[l] > md || (hd[l] == md && hj[l] > mj))) m = l, md = hd[l], mj = hj[l];
        if (r < cap && (hd[r] > md || (hd[r] == md && hj[r] > mj))) m = r;
        if (m == i) break;
        hd[i] = hd[m], hj[i] = hj[m];
        i = m;
    }
    hd[i] = d2, hj[i] = j;
}

/* set[c*k ..]: c, then its k - 1 nearest other observations by increasing scaled distance
 * (squared distances from |a|^2 + |b|^2 - 2 a.b by blocks of NN_BLOCK rows, dgemm). */
static int neighbour_sets(const bo_gp *gp, bo_gp_nn *nn)
{
    const long n = gp->n;
    const int D = gp->dim, k = nn->k;
    const double *z = gp->xl;
    int status = LS_OK;
    double *sq = malloc(sizeof *sq * (size_t)n);
    if (sq == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for the neighbour search");
    for (long i = 0; i < n; i++) sq[i] = cblas_ddot(D, z + i * D, 1, z + i * D, 1);
    long n_blk = (n + NN_BLOCK - 1) / NN_BLOCK;
#pragma omp parallel if (n_blk > 1 && !omp_in_parallel() && openblas_get_num_threads() == 1)
    {
        double *g = malloc(sizeof *g * (size_t)NN_BLOCK * n), *hd = malloc(sizeof *hd * (size_t)k);
        long *hj = malloc(sizeof *hj * (size_t)k);
        if (!g || !hd || !hj) {
#pragma omp atomic write
            status = LS_ERR_NOMEM;
        }
#pragma omp for schedule(dynamic, 1)
        for (long b = 0; b < n_blk; b++) {
            if (!g || !hd || !hj) continue;
            long i0 = b * NN_BLOCK, m = n - i0 < NN_BLOCK ? n - i0 : NN_BLOCK;
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, D, 1.0, z + i0 * D, D, z, D, 0.0, g,
                        (int)n);
            for (long a = 0; a < m; a++) {
                long i = i0 + a;
                int hn = 0;
                const double *gi = g + a * n;
                for (long j = 0; j < n; j++)
                    if (j != i) heap_push(hd, hj, &hn, k - 1, sq[i] + sq[j] - 2.0 * gi[j], j);
                /* Heap to increasing order: pop the largest to the end. */
                long *s = nn->set + i * k;
                s[0] = i;
                for (int t = hn - 1; t >= 0; t--) {
                    s[1 + t] = hj[0];
                    double ld = hd[t];
                    long lj = hj[t];
                    int cnt = t;
                    /* sift the last element down from the root over cnt elements */
                    int p = 0;
                    for (;;) {
                        int l = 2 * p + 1, r = l + 1, mx = p;
                        double md = ld;
                        long mj = lj;
                        if (l < cnt && (hd[l] > md || (hd[l] == md && hj[l] > mj))) mx = l, md = hd[l], mj = hj[l];
                        if (r < cnt && (hd[r] > md || (hd[r] == md && hj[r] > mj))) mx = r;
                        if (mx == p) break;
                        hd[p] = hd[mx], hj[p] = hj[mx];
                        p = mx;
                    }
                    hd[p] = ld, hj[p] = lj;
                }
            }
        }
        free(g), free(hd), free(hj);
    }
    free(sq);
    if (status != LS_OK) LS_ERROR(LS_ERR_NOMEM, "out of memory for the neighbour search of %ld points", n);
    return LS_OK;
}

int bo_gp_nn_build(bo_gp *gp)
{
    const long n = gp->n;
    const int D = gp->dim;
    const double sf2 = exp(gp->log_sf2), sn2 = exp(gp->log_sn2);
    int status = LS_OK;
    bo_gp_nn *old = gp->nn, *nn = calloc(1, sizeof *nn);
    if (nn == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for a nearest-neighbour GP");
    int k = gp->opt.nn_neighbors > 0 ? gp->opt.nn_neighbors : 32;
    nn->k = k = (long)k < n ? k : (int)n;
    nn->n = n;
    nn->max_leaves = n > NN_EXACT_TREE ? NN_MAX_LEAVES : 0;
    /* Believed fantasies survive a rebuild (new observations or hyperparameters). */
    if (old) {
        nn->n_fant = old->n_fant, nn->cap_fant = old->cap_fant, nn->fant = old->fant;
        old->fant = NULL;
        old->n_fant = old->cap_fant = 0;
    }
    bo_gp_nn_free(old);
    gp->nn = nn;
    nn->set = malloc(sizeof *nn->set * (size_t)n * k);
    nn->L = malloc(sizeof *nn->L * (size_t)n * packed(k));
    nn->alpha = malloc(sizeof *nn->alpha * (size_t)n * k);
    if (!nn->set || !nn->L || !nn->alpha)
        LS_ERROR(LS_ERR_NOMEM, "out of memory for a nearest-neighbour GP of %ld points", n);
    LS_TRY(neighbour_sets(gp, nn));
    LS_TRY(bo_kdtree_build(n, D, gp->xl, &nn->tree));
    double jit_max = 0.0;
    char message[256] = "";
#pragma omp parallel if (n > 64 && !omp_in_parallel() && openblas_get_num_threads() == 1)
    {
        double *work = malloc(sizeof *work * (size_t)packed(k));
        double my_jit = 0.0;
#pragma omp for schedule(static)
        for (long c = 0; c < n; c++) {
            if (work == NULL || status != LS_OK) continue;
            const long *s = nn->set + c * k;
            double *L = nn->L + c * packed(k), *al = nn->alpha + c * k;
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < a; b++) L[packed(a) + b] = kval(gp, sf2, dist2(gp->xl + s[a] * D, gp->xl + s[b] * D, D));
                L[packed(a) + a] = sf2 + sn2 + gp->nv[s[a]];
                al[a] = gp->ys[s[a]] - gp->cmean;
            }
            double jit;
            if (chol_packed(L, k, sf2, work, &jit) != LS_OK) {
#pragma omp critical(bo_gp_nn_error)
                if (status == LS_OK) {
                    status = LS_ERR_NUMERIC;
                    snprintf(message, sizeof message, "%s", ls_error_message());
                }
                ls_error_clear();
                continue;
            }
            my_jit = jit > my_jit ? jit : my_jit;
            solve_lower(L, k, al);
            solve_upper_t(L, k, al);
        }
        if (work == NULL) {
#pragma omp atomic write
            status = LS_ERR_NOMEM;
        }
#pragma omp critical(bo_gp_nn_jitter)
        jit_max = my_jit > jit_max ? my_jit : jit_max;
        free(work);
    }
    if (status == LS_ERR_NOMEM) LS_ERROR(LS_ERR_NOMEM, "out of memory building a nearest-neighbour GP");
    if (status != LS_OK) LS_ERROR(status, "%s", message);
    gp->jitter = jit_max;
    gp->lml = NAN;
    return LS_OK;
}

int bo_gp_nn_fantasize(bo_gp *gp, const double *zq)
{
    bo_gp_nn *nn = gp->nn;
    const int D = gp->dim;
    if (nn->n_fant == nn->cap_fant) {
        long cap = nn->cap_fant ? 2 * nn->cap_fant : 16;
        double *f = realloc(nn->fant, sizeof *f * (size_t)cap * D);
        if (f == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for a fantasy");
        nn->fant = f;
        nn->cap_fant = cap;
    }
    memcpy(nn->fant + nn->n_fant * D, zq, sizeof *zq * D);
    nn->n_fant++;
    return LS_OK;
}
