/* Prediction with the nearest-neighbour GP (bo_gp_nn_predict; the cells are built in gp_nn.c).
 *
 * The queries are grouped by cell (the observation nearest to each, from the k-d tree), and the
 * queries of one cell are predicted together, up to NN_CHUNK at a time: the k x m block of
 * kernel values, its triangular solve with the cell's factor, the means and variances, and with
 * fantasies the solve with the cell's fantasy factor, as loops over the queries of the block
 * (contiguous, vectorised) inside the loops over the cell's rows.  Each query gets exactly the
 * arithmetic of a query predicted alone (the same operations in the same order: the four
 * partial sums of dot() per column), so the result does not depend on the grouping, the block
 * or the thread.  The groups are spread over the OpenMP threads.
 *
 * A batch rescores one shortlist after every fantasy: the cells of the last query made while
 * fantasies are held are kept and reused when the next query starts with the same rows.
 */
#include <cblas.h> /* openblas_get_num_threads */
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "search/gp_nn.h"

#define NN_CHUNK 64             /* queries of one cell predicted together */
#define NN_QUERY_BLOCK 4096     /* queries per task of the cell search */
#define NN_QUERY_CACHE 65536    /* largest query whose cells are kept */

/* Bring the cache of cell c up to every fantasy: one row of W and of R per new fantasy. */
int bo_gp_nn_cache_update(const bo_gp *gp, long c, struct nn_cache *h)
{
    const bo_gp_nn *nn = gp->nn;
    const int D = gp->dim, k = nn->k;
    const double sf2 = exp(gp->log_sf2), sn2 = exp(gp->log_sn2);
    if (h->cap < nn->n_fant) {
        long cap = nn->cap_fant;
        double *W = realloc(h->W, sizeof *W * (size_t)cap * k), *R = W ? realloc(h->R, sizeof *R * (size_t)packed(cap)) : NULL;
        if (W) h->W = W;
        if (R) h->R = R;
        if (!W || !R) LS_ERROR(LS_ERR_NOMEM, "out of memory for the fantasies of a nearest-neighbour GP");
        h->cap = cap;
    }
    const long *s = nn->set + c * k;
    const double *L = nn->L + c * packed(k);
    for (long f = h->nf; f < nn->n_fant; f++) {
        const double *zf = nn->fant + f * D;
        double *w = h->W + f * k, *r = h->R + packed(f);
        for (int a = 0; a < k; a++) w[a] = kval(gp, sf2, dist2(zf, gp->xl + s[a] * D, D));
        solve_lower(L, k, w);
        /* Row f of C, then of its Cholesky factor R (forward substitution on the rows above). */
        double piv = sf2 + sn2;
        for (int a = 0; a < k; a++) piv -= w[a] * w[a];
        for (long g = 0; g < f; g++) {
            const double *wg = h->W + g * k, *rg = h->R + packed(g);
            double cfg = kval(gp, sf2, dist2(zf, nn->fant + g * D, D));
            for (int a = 0; a < k; a++) cfg -= w[a] * wg[a];
            for (long t = 0; t < g; t++) cfg -= r[t] * rg[t];
            r[g] = cfg / rg[g];
            piv -= r[g] * r[g];
        }
        /* C holds sn^2 on its diagonal: a pivot below 1e-10 s^2 is rounding (a repeated fantasy). */
        r[f] = sqrt(piv > 1e-10 * sf2 ? piv : 1e-10 * sf2);
    }
    h->nf = nn->n_fant;
    return LS_OK;
}

/* out[j] = dot(a, column j of V (rows 0..len-1, stride NN_CHUNK)) for j < mb, with the four
 * partial sums of dot() (gp_nn.h) per column; s: 4 NN_CHUNK doubles of scratch. */
static void col_dot(const double *a, const double *V, long len, int mb, double *s, double *out)
{
    double *s0 = s, *s1 = s + NN_CHUNK, *s2 = s + 2 * NN_CHUNK, *s3 = s + 3 * NN_CHUNK;
    for (int j = 0; j < mb; j++) s0[j] = s1[j] = s2[j] = s3[j] = 0.0;
    long b = 0;
    for (; b + 4 <= len; b += 4) {
        const double *v0 = V + b * NN_CHUNK, *v1 = v0 + NN_CHUNK, *v2 = v1 + NN_CHUNK, *v3 = v2 + NN_CHUNK;
        const double a0 = a[b], a1 = a[b + 1], a2 = a[b + 2], a3 = a[b + 3];
        for (int j = 0; j < mb; j++) {
            s0[j] += a0 * v0[j];
            s1[j] += a1 * v1[j];
            s2[j] += a2 * v2[j];
            s3[j] += a3 * v3[j];
        }
    }
    for (; b < len; b++) {
        const double *v0 = V + b * NN_CHUNK, a0 = a[b];
        for (int j = 0; j < mb; j++) s0[j] += a0 * v0[j];
    }
    for (int j = 0; j < mb; j++) out[j] = (s0[j] + s1[j]) + (s2[j] + s3[j]);
}

/* out[j] = dot(v, v) of column j of V (rows 0..len-1), as col_dot. */
static void col_norm2(const double *V, long len, int mb, double *s, double *out)
{
    double *s0 = s, *s1 = s + NN_CHUNK, *s2 = s + 2 * NN_CHUNK, *s3 = s + 3 * NN_CHUNK;
    for (int j = 0; j < mb; j++) s0[j] = s1[j] = s2[j] = s3[j] = 0.0;
    long b = 0;
    for (; b + 4 <= len; b += 4) {
        const double *v0 = V + b * NN_CHUNK, *v1 = v0 + NN_CHUNK, *v2 = v1 + NN_CHUNK, *v3 = v2 + NN_CHUNK;
        for (int j = 0; j < mb; j++) {
            s0[j] += v0[j] * v0[j];
            s1[j] += v1[j] * v1[j];
            s2[j] += v2[j] * v2[j];
            s3[j] += v3[j] * v3[j];
        }
    }
    for (; b < len; b++) {
        const double *v0 = V + b * NN_CHUNK;
        for (int j = 0; j < mb; j++) s0[j] += v0[j] * v0[j];
    }
    for (int j = 0; j < mb; j++) out[j] = (s0[j] + s1[j]) + (s2[j] + s3[j]);
}

/* Per-thread scratch of the block prediction. */
struct nn_work {
    double *z;      /* NN_CHUNK x dim scaled queries */
    double *V;      /* k x NN_CHUNK: kernel values, then L_c^-1 of them */
    double *U;      /* n_fant x NN_CHUNK: the fantasy part */
    double *mu, *vv, *t1, *t2, *s; /* NN_CHUNK each (s: 4 NN_CHUNK) */
};

/* Standardised means and variances of the mb queries rows[0..mb-1] of x, all in cell c. */
static void predict_block(const bo_gp *gp, const double *x, const double *inv, const long *rows, int mb, long c,
                          struct nn_work *w)
{
    const bo_gp_nn *nn = gp->nn;
    const int D = gp->dim, k = nn->k;
    const double sf2 = exp(gp->log_sf2);
    const long *s = nn->set + c * k;
    const double *L = nn->L + c * packed(k), *al = nn->alpha + c * k;
    double *V = w->V, *mu = w->mu, *vv = w->vv;
    for (int j = 0; j < mb; j++) {
        const double *xr = x + rows[j] * D;
        for (int d = 0; d < D; d++) w->z[j * D + d] = (xr[d] - gp->x_mu[d]) * inv[d];
        mu[j] = gp->cmean;
    }
    for (int a = 0; a < k; a++) {
        const double *xa = gp->xl + s[a] * D;
        double *va = V + a * NN_CHUNK;
        for (int j = 0; j < mb; j++) va[j] = kval(gp, sf2, dist2(w->z + j * D, xa, D));
        for (int j = 0; j < mb; j++) mu[j] += va[j] * al[a];
    }
    /* L v = k, row by row, every column at once. */
    for (int i = 0; i < k; i++) {
        const double *row = L + packed(i);
        double *vi = V + i * NN_CHUNK;
        col_dot(row, V, i, mb, w->s, w->t1);
        for (int j = 0; j < mb; j++) vi[j] = (vi[j] - w->t1[j]) / row[i];
    }
    col_norm2(V, k, mb, w->s, w->t1);
    for (int j = 0; j < mb; j++) vv[j] = sf2 - w->t1[j];
    if (nn->n_fant > 0) {
        const struct nn_cache *h = &nn->cache[nn->slot[c]];
        for (long f = 0; f < h->nf; f++) {
            const double *wf = h->W + f * k, *r = h->R + packed(f), *zf = nn->fant + f * D;
            double *uf = w->U + f * NN_CHUNK;
            col_dot(wf, V, k, mb, w->s, w->t1);
            col_dot(r, w->U, f, mb, w->s, w->t2);
            for (int j = 0; j < mb; j++) {
                uf[j] = (kval(gp, sf2, dist2(w->z + j * D, zf, D)) - w->t1[j] - w->t2[j]) / r[f];
                vv[j] -= uf[j] * uf[j];
            }
        }
    }
}

/* The cell of every query from `from` on (nearest observation in scaled inputs). */
static void find_cells(const bo_gp *gp, long from, long m, const double *x, const double *inv, int par, long *cell)
{
    const bo_gp_nn *nn = gp->nn;
    const int D = gp->dim;
    long n_blk = (m - from + NN_QUERY_BLOCK - 1) / NN_QUERY_BLOCK;
#pragma omp parallel if (par && n_blk > 1)
    {
        double off[BO_GP_MAX_DIM], zq[BO_GP_MAX_DIM];
#pragma omp for schedule(dynamic, 1)
        for (long b = 0; b < n_blk; b++)
            for (long a = from + b * NN_QUERY_BLOCK; a < m && a < from + (b + 1) * NN_QUERY_BLOCK; a++) {
                for (int d = 0; d < D; d++) zq[d] = (x[a * D + d] - gp->x_mu[d]) * inv[d];
                cell[a] = bo_kdtree_nearest(nn->tree, zq, nn->max_leaves, off, NULL);
            }
    }
}

/* The cells, from the kept query when it starts with the same rows; kept again while fantasies
 * are held (the model is then not shared between threads: gp.h). */
static int query_cells(const bo_gp *gp, long m, const double *x, const double *inv, int par, long *cell)
{
    bo_gp_nn *nn = gp->nn;
    const int D = gp->dim;
    long from = 0;
    if (nn->n_fant > 0 && nn->q_m > 0) {
        long pm = m < nn->q_m ? m : nn->q_m;
        if (memcmp(x, nn->q_x, sizeof *x * (size_t)pm * D) == 0) {
            memcpy(cell, nn->q_cell, sizeof *cell * (size_t)pm);
            from = pm;
        }
    }
    find_cells(gp, from, m, x, inv, par, cell);
    if (nn->n_fant > 0 && m <= NN_QUERY_CACHE && m > nn->q_m) {
        if (m > nn->q_cap) {
            double *qx = realloc(nn->q_x, sizeof *qx * (size_t)m * D);
            if (qx) nn->q_x = qx;
            long *qc = qx ? realloc(nn->q_cell, sizeof *qc * (size_t)m) : NULL;
            if (qc) nn->q_cell = qc;
            if (!qx || !qc) LS_ERROR(LS_ERR_NOMEM, "out of memory keeping the cells of %ld queries", m);
            nn->q_cap = m;
        }
        memcpy(nn->q_x, x, sizeof *x * (size_t)m * D);
        memcpy(nn->q_cell, cell, sizeof *cell * (size_t)m);
        nn->q_m = m;
    }
    return LS_OK;
}

/* Bring the fantasy factors of every cell queried up to date (cells in parallel). */
static int update_caches(const bo_gp *gp, long m, const long *cell)
{
    bo_gp_nn *nn = gp->nn;
    int status = LS_OK;
    long *todo = NULL, n_todo = 0;
    if (nn->slot == NULL) {
        nn->slot = malloc(sizeof *nn->slot * (size_t)nn->n);
        if (nn->slot == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for fantasies");
        for (long i = 0; i < nn->n; i++) nn->slot[i] = -1;
    }
    todo = malloc(sizeof *todo * (size_t)(m > 0 ? m : 1));
    if (todo == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for fantasies");
    for (long a = 0; a < m; a++) {
        long c = cell[a];
        if (nn->slot[c] < 0) {
            if (nn->n_cache == nn->cap_cache) {
                long cap = nn->cap_cache ? 2 * nn->cap_cache : 256;
                struct nn_cache *h = realloc(nn->cache, sizeof *h * (size_t)cap);
                if (h == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for fantasies");
                nn->cache = h;
                nn->cap_cache = cap;
            }
            nn->cache[nn->n_cache] = (struct nn_cache){0, 0, NULL, NULL};
            nn->slot[c] = nn->n_cache++;
        }
        struct nn_cache *h = &nn->cache[nn->slot[c]];
        if (h->nf < nn->n_fant && h->nf >= 0) {
            h->nf = -1 - h->nf; /* marked: listed once */
            todo[n_todo++] = c;
        }
    }
#pragma omp parallel for schedule(dynamic, 4) if (n_todo > 8 && !omp_in_parallel() && openblas_get_num_threads() == 1)
    for (long t = 0; t < n_todo; t++) {
        struct nn_cache *h = &nn->cache[nn->slot[todo[t]]];
        h->nf = -1 - h->nf;
        if (bo_gp_nn_cache_update(gp, todo[t], h) != LS_OK) {
#pragma omp atomic write
            status = LS_ERR_NOMEM;
        }
    }
    if (status != LS_OK) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for the fantasies of a GP");
done:
    free(todo);
    return status;
}

int bo_gp_nn_predict(const bo_gp *gp, long m, const double *x, double *mean, double *var)
{
    bo_gp_nn *nn = gp->nn;
    const int D = gp->dim, k = nn->k;
    const long n = nn->n;
    const double ysd2 = gp->y_sd * gp->y_sd;
    int status = LS_OK;
    double inv[BO_GP_MAX_DIM];
    for (int d = 0; d < D; d++) inv[d] = 1.0 / (gp->x_sd[d] * exp(gp->log_ls[gp->n_ls == 1 ? 0 : d]));
    long *cell = malloc(sizeof *cell * (size_t)(m > 0 ? m : 1)), *order = malloc(sizeof *order * (size_t)(m > 0 ? m : 1));
    long *first = calloc((size_t)n + 1, sizeof *first);
    if (!cell || !order || !first) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory predicting %ld points", m);
    int par = m > NN_CHUNK && !omp_in_parallel() && openblas_get_num_threads() == 1;
    LS_TRY_GOTO(status, query_cells(gp, m, x, inv, par, cell), done);
    if (nn->n_fant > 0) LS_TRY_GOTO(status, update_caches(gp, m, cell), done);
    /* Queries grouped by cell (counting sort: order[first[c] .. first[c+1]-1] in cell c). */
    for (long a = 0; a < m; a++) first[cell[a] + 1]++;
    for (long c = 0; c < n; c++) first[c + 1] += first[c];
    for (long a = 0; a < m; a++) order[first[cell[a]]++] = a;
    for (long c = n; c > 0; c--) first[c] = first[c - 1];
    first[0] = 0;
#pragma omp parallel if (par)
    {
        struct nn_work w = {0};
        size_t nf = (size_t)nn->n_fant;
        w.z = malloc(sizeof *w.z * NN_CHUNK * D);
        w.V = malloc(sizeof *w.V * NN_CHUNK * k);
        w.U = malloc(sizeof *w.U * NN_CHUNK * (nf > 0 ? nf : 1));
        w.mu = malloc(sizeof *w.mu * NN_CHUNK * 8);
        int ok = w.z && w.V && w.U && w.mu;
        if (!ok) {
#pragma omp atomic write
            status = LS_ERR_NOMEM;
        } else {
            w.vv = w.mu + NN_CHUNK, w.t1 = w.mu + 2 * NN_CHUNK, w.t2 = w.mu + 3 * NN_CHUNK, w.s = w.mu + 4 * NN_CHUNK;
        }
#pragma omp for schedule(dynamic, 16)
        for (long c = 0; c < n; c++) {
            if (!ok) continue;
            for (long b = first[c]; b < first[c + 1]; b += NN_CHUNK) {
                int mb = first[c + 1] - b < NN_CHUNK ? (int)(first[c + 1] - b) : NN_CHUNK;
                predict_block(gp, x, inv, order + b, mb, c, &w);
                for (int j = 0; j < mb; j++) {
                    long a = order[b + j];
                    mean[a] = gp->y_mu + gp->y_sd * w.mu[j];
                    if (var) var[a] = (w.vv[j] > 0.0 ? w.vv[j] : 0.0) * ysd2;
                }
            }
        }
        free(w.z), free(w.V), free(w.U), free(w.mu);
    }
    if (status != LS_OK) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory predicting %ld points", m);
done:
    free(cell), free(order), free(first);
    return status;
}
