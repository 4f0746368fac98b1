/* Block Davidson eigensolver.
 *
 * The search space V grows by the preconditioned residuals r_n = (H - e_n) psi_n of the
 * unconverged bands, orthonormalised against V, up to 3 n_band vectors, then restarts from the
 * current Ritz vectors.  The Rayleigh-Ritz problem V^H H V c = e c is solved with LAPACK's
 * zheevd.  Preconditioner: r_G / d(x), x = H_GG - e_n, d(x) = (1 + x + sqrt(1 + (x-1)^2)) / 2,
 * a smooth positive version of x that tends to 1 for small x, as in pw.x.
 * E. R. Davidson, J. Comput. Phys. 17, 87 (1975), doi:10.1016/0021-9991(75)90065-0.
 *
 * MPI, inside a pool of several ranks (dft/scf/dist.h): every rank holds the whole search space, and
 * the products that scale with the plane waves are shared out by rows of their result (each
 * rank computes a share of the rows, then all rows are gathered): H applications, rotations,
 * Gram-Schmidt against V, the projected H, and Cholesky QR through an explicit L^{-1}.  What
 * stays replicated is O(n^3) in the subspace size (Cholesky, zheevd) and the rare fallback to
 * modified Gram-Schmidt.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "dft/scf/linalg.h"
#include <lapacke.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "common/err.h"
#include "common/parallel.h"
#include "dft/scf/dist.h"
#include "dft/scf/eigensolver.h"

struct dft_eig_work {
    int n_band, n_pw_max, n_vec_max;
    double complex *v, *hv;      /* [n_vec_max][n_pw_max] */
    double complex *hsub;        /* [n_vec_max]^2 projected H */
    double complex *evec;        /* [n_vec_max]^2 eigenvectors (row-major, columns) */
    double complex *coef;        /* [n_vec_max]^2 scratch */
    double *eval, *hdiag, *eold;
    int *unconv;
    int *rows_first, n_rows_first; /* [pool size + 1] row shares (grown on first use) */
};

int dft_eig_work_create(int n_band, int n_pw_max, dft_eig_work **out)
{
    *out = NULL;
    dft_eig_work *w = calloc(1, sizeof *w);
    if (!w) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    w->n_band = n_band;
    w->n_pw_max = n_pw_max;
    w->n_vec_max = 3 * n_band;
    size_t nv = (size_t)w->n_vec_max;
    w->v = malloc(nv * (size_t)n_pw_max * sizeof *w->v);
    w->hv = malloc(nv * (size_t)n_pw_max * sizeof *w->hv);
    w->hsub = malloc(nv * nv * sizeof *w->hsub);
    w->evec = malloc(nv * nv * sizeof *w->evec);
    w->coef = malloc(nv * nv * sizeof *w->coef);
    w->eval = malloc(nv * sizeof *w->eval);
    w->eold = malloc(nv * sizeof *w->eold);
    w->hdiag = malloc((size_t)n_pw_max * sizeof *w->hdiag);
    w->unconv = malloc(2 * (nv + 1) * sizeof *w->unconv); /* list with its count, and a copy */
    if (!w->v || !w->hv || !w->hsub || !w->evec || !w->coef || !w->eval || !w->eold || !w->hdiag || !w->unconv) {
        dft_eig_work_destroy(w);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for the eigensolver (%d bands, %d plane waves)", n_band, n_pw_max);
    }
    *out = w;
    return LS_OK;
}

void dft_eig_work_destroy(dft_eig_work *w)
{
    if (w == NULL) return;
    free(w->v);
    free(w->hv);
    free(w->hsub);
    free(w->evec);
    free(w->coef);
    free(w->eval);
    free(w->eold);
    free(w->hdiag);
    free(w->unconv);
    free(w->rows_first);
    free(w);
}

/* Rows of a block shared by the ranks of a pool: each computes rows [lo, hi) of a result, then
 * the rows are gathered.  NULL: this rank computes every row (one rank in its pool, or threads
 * over k-points, where MPI may not be called). */
typedef struct pool_rows {
    const ls_comm *comm;
    int size, rank;
    int *first; /* [size + 1] scratch */
} pool_rows;

/* pr filled for sys's pool, first from `scratch` (at least pool size + 1); NULL when not shared. */
static const pool_rows *pool_rows_get(const dft_system *sys, pool_rows *pr, int *scratch)
{
    const dft_dist *d = sys->dist;
    if (d == NULL || d->pool_size == 1) return NULL;
#ifdef _OPENMP
    if (omp_in_parallel()) return NULL;
#endif
    pr->comm = d->pool_comm;
    pr->size = d->pool_size;
    pr->rank = d->pool_rank;
    pr->first = scratch;
    return pr;
}

static void rows_share(const pool_rows *pr, int n, int *lo, int *hi)
{
    *lo = pr ? (int)((long)n * pr->rank / pr->size) : 0;
    *hi = pr ? (int)((long)n * (pr->rank + 1) / pr->size) : n;
}

/* Every rank's rows of base[n][len] to every rank. */
static void rows_gather(const pool_rows *pr, double complex *base, int n, int len)
{
    if (!pr) return;
    for (int r = 0; r <= pr->size; r++) pr->first[r] = (int)((long)n * r / pr->size);
    ls_comm_allgatherv(pr->comm, base, (size_t)len * sizeof *base, pr->first);
}

/* Rows of w[n][n_pw] orthonormalised in place: M = W W^H = L L^H (Cholesky), W <- L^{-1} W,
 * the triangular solve split over OpenMP threads by columns.  Returns -1 (w untouched) when
 * M is not numerically positive definite (diagonal of L below 1e-7 of its largest). */
static int cholesky_qr(double complex *w, int n, int n_pw, double complex *m)
{
    dft_zgemm(CblasNoTrans, CblasConjTrans, n, n, n_pw, 1.0, w, n_pw, w, n_pw, 0.0, m, n);
    lapack_int info = LAPACKE_zpotrf(LAPACK_ROW_MAJOR, 'L', n, (lapack_complex_double *)m, n);
    if (info != 0) return -1;
    double dmax = 0, dmin = INFINITY;
    for (int i = 0; i < n; i++) {
        double d = creal(m[(size_t)i * n + i]);
        dmax = fmax(dmax, d);
        dmin = fmin(dmin, d);
    }
    if (!(dmin > 1e-7 * dmax)) return -1;
    const double complex one = 1.0;
#pragma omp parallel
    {
        int t = 0, nt = 1;
#ifdef _OPENMP
        t = omp_get_thread_num();
        nt = omp_get_num_threads();
#endif
        int lo = (int)((long)n_pw * t / nt), hi = (int)((long)n_pw * (t + 1) / nt);
        if (hi > lo)
            cblas_ztrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, n, hi - lo, &one, m, n, w + lo,
                        n_pw);
    }
    return 0;
}

/* cholesky_qr with the rows shared over a pool: M = W W^H by rows of W, W <- L^{-1} W by rows of
 * the result (L^{-1} explicit, so rows are independent), through scratch[n][n_pw]. */
static int cholesky_qr_rows(double complex *w, int n, int n_pw, double complex *m, const pool_rows *pr,
                            double complex *scratch)
{
    int lo, hi;
    rows_share(pr, n, &lo, &hi);
    if (hi > lo)
        dft_zgemm(CblasNoTrans, CblasConjTrans, hi - lo, n, n_pw, 1.0, w + (size_t)lo * n_pw, n_pw, w, n_pw, 0.0,
                  m + (size_t)lo * n, n);
    rows_gather(pr, m, n, n);
    lapack_int info = LAPACKE_zpotrf(LAPACK_ROW_MAJOR, 'L', n, (lapack_complex_double *)m, n);
    if (info != 0) return -1;
    double dmax = 0, dmin = INFINITY;
    for (int i = 0; i < n; i++) {
        double d = creal(m[(size_t)i * n + i]);
        dmax = fmax(dmax, d);
        dmin = fmin(dmin, d);
    }
    if (!(dmin > 1e-7 * dmax)) return -1;
    info = LAPACKE_ztrtri(LAPACK_ROW_MAJOR, 'L', 'N', n, (lapack_complex_double *)m, n);
    if (info != 0) return -1;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) m[(size_t)i * n + j] = 0.0;
    if (hi > lo) {
        /* Row i of L^{-1} W needs rows 0..i of W. */
        dft_zgemm(CblasNoTrans, CblasNoTrans, hi - lo, n_pw, hi, 1.0, m + (size_t)lo * n, n, w, n_pw, 0.0, scratch, n_pw);
        memcpy(w + (size_t)lo * n_pw, scratch, (size_t)(hi - lo) * n_pw * sizeof *w);
    }
    rows_gather(pr, w, n, n_pw);
    return 0;
}

/* Orthonormalise rows [first, first + n) of v against rows [0, first) (two passes of classical
 * Gram-Schmidt, by rows of the block when pr shares them) and each other (Cholesky QR twice; modified
 * Gram-Schmidt only for a numerically dependent block, or when coef is NULL).  Rows whose norm
 * collapses are dropped; returns the number kept (compacted in place).  scratch[n][n_pw] is
 * needed when pr is not NULL. */
static int orthonormalise(double complex *v, int first, int n, int n_pw, double complex *coef, const pool_rows *pr,
                          double complex *scratch)
{
    const double complex one = 1.0, zero = 0.0, minus_one = -1.0;
    double complex *blk = v + (size_t)first * n_pw;
    if (first > 0) {
        int lo, hi;
        rows_share(pr, n, &lo, &hi);
        double complex *own = blk + (size_t)lo * n_pw;
        for (int pass = 0; pass < 2 && hi > lo; pass++) {
            /* coef[c][i] = <v_i | blk_c> ... = sum_G blk[c][G] conj(v[i][G]) */
            dft_zgemm(CblasNoTrans, CblasConjTrans, hi - lo, first, n_pw, one, own, n_pw, v, n_pw, zero, coef, first);
            dft_zgemm(CblasNoTrans, CblasNoTrans, hi - lo, n_pw, first, minus_one, coef, first, v, n_pw, one, own, n_pw);
        }
        rows_gather(pr, blk, n, n_pw);
    }
    /* Inside the block: Cholesky QR twice (threaded GEMM and triangular solves); modified
     * Gram-Schmidt below only when the block is numerically dependent. */
    if (coef && n > 1 && pr) {
        if (cholesky_qr_rows(blk, n, n_pw, coef, pr, scratch) == 0 && cholesky_qr_rows(blk, n, n_pw, coef, pr, scratch) == 0)
            return n;
    } else if (coef && n > 1 && cholesky_qr(blk, n, n_pw, coef) == 0 && cholesky_qr(blk, n, n_pw, coef) == 0) {
        return n;
    }
    int kept = 0;
    for (int c = 0; c < n; c++) {
        double complex *x = blk + (size_t)c * n_pw;
        double norm0 = cblas_dznrm2(n_pw, x, 1);
        for (int pass = 0; pass < 2; pass++)
            for (int j = 0; j < kept; j++) {
                double complex *y = blk + (size_t)j * n_pw;
                double complex d;
                cblas_zdotc_sub(n_pw, y, 1, x, 1, &d);
                double complex md = -d;
                cblas_zaxpy(n_pw, &md, y, 1, x, 1);
            }
        double norm = cblas_dznrm2(n_pw, x, 1);
        if (!(norm > 1e-10 * (norm0 > 1 ? norm0 : 1)) || !isfinite(norm)) continue;
        double complex s = 1.0 / norm;
        cblas_zscal(n_pw, &s, x, 1);
        if (kept != c) memcpy(blk + (size_t)kept * n_pw, x, (size_t)n_pw * sizeof *x);
        kept++;
    }
    return kept;
}

/* Diagonalise hsub[0:n][0:n] (leading dimension ld) into eval, evec (row-major, columns). */
static int subspace_diag(const dft_eig_work *w, int n)
{
    int ld = w->n_vec_max;
    for (int i = 0; i < n; i++) memcpy(w->evec + (size_t)i * n, w->hsub + (size_t)i * ld, (size_t)n * sizeof *w->evec);
    /* hsub holds both triangles; pass the lower one.  With 'U', OpenBLAS 0.3.21 (Debian 12) reads
     * out of bounds in zgemv_n (called from zlatrd) for n = 59 and crashes intermittently
     * (OpenBLAS issue #4013); 'L' was clean for every n from 1 to 300 under AddressSanitizer. */
    lapack_int info = LAPACKE_zheevd(LAPACK_ROW_MAJOR, 'V', 'L', n, (lapack_complex_double *)w->evec, n, w->eval);
    if (info != 0) LS_ERROR(LS_ERR_NUMERIC, "subspace diagonalisation failed (LAPACK zheevd info %d, size %d)", (int)info, n);
    return LS_OK;
}

/* out[c][G] = sum_i evec[i][col_c] v[i][G] for the n_col columns listed in cols (or 0..n_col-1):
 * this rank's rows (rows_share), then all of them when `gather`. */
static void rotate(const dft_eig_work *w, const pool_rows *pr, int n_base, const double complex *v, int n_pw, int n_col,
                   const int *cols, double complex *out, int gather)
{
    int lo, hi;
    rows_share(pr, n_col, &lo, &hi);
    for (int c = lo; c < hi; c++)
        for (int i = 0; i < n_base; i++)
            w->coef[(size_t)(c - lo) * n_base + i] = w->evec[(size_t)i * n_base + (cols ? cols[c] : c)];
    const double complex one = 1.0, zero = 0.0;
    if (hi > lo)
        dft_zgemm(CblasNoTrans, CblasNoTrans, hi - lo, n_pw, n_base, one, w->coef, n_base, v, n_pw, zero,
                  out + (size_t)lo * n_pw, n_pw);
    if (gather) rows_gather(pr, out, n_col, n_pw);
}

/* Append the projected H of rows [first, first + n) to hsub (rows of coef shared by pr). */
static void project_new(dft_eig_work *w, const pool_rows *pr, int first, int n, int n_pw)
{
    int ld = w->n_vec_max;
    const double complex one = 1.0, zero = 0.0;
    int lo, hi;
    rows_share(pr, n, &lo, &hi);
    /* coef[c][i] = sum_G hv[first + c][G] conj(v[i][G]) = <v_i|H|v_c> */
    if (hi > lo)
        dft_zgemm(CblasNoTrans, CblasConjTrans, hi - lo, first + n, n_pw, one, w->hv + (size_t)(first + lo) * n_pw, n_pw,
                  w->v, n_pw, zero, w->coef + (size_t)lo * (first + n), first + n);
    rows_gather(pr, w->coef, n, first + n);
    for (int c = 0; c < n; c++)
        for (int i = 0; i < first + n; i++) {
            double complex x = w->coef[(size_t)c * (first + n) + i];
            w->hsub[(size_t)i * ld + first + c] = x;
            w->hsub[(size_t)(first + c) * ld + i] = conj(x);
        }
    for (int c = 0; c < n; c++) {
        size_t d = (size_t)(first + c) * ld + first + c;
        w->hsub[d] = creal(w->hsub[d]);
    }
}

/* The ranks of a pool (dft/scf/dist.h) run this solver on the same data and share the H
 * applications, so they must also take the same decisions (which bands to expand, how many
 * vectors were added), or their collective steps would no longer match.  The pool's first rank
 * decides: x[n] is replaced by its values; returns 1 when this rank's differed (its floating-point
 * results were not those of the first rank: mixed CPU types or thread counts). */
static int pool_decide(const dft_system *sys, int *x, int n, int *scratch)
{
    const dft_dist *d = sys->dist;
    if (d == NULL || d->pool_size == 1) return 0;
#ifdef _OPENMP
    if (omp_in_parallel()) return 0; /* threads over k-points: pools of one rank */
#endif
    memcpy(scratch, x, (size_t)n * sizeof *x);
    ls_comm_bcast(d->pool_comm, x, (size_t)n * sizeof *x, 0);
    return memcmp(scratch, x, (size_t)n * sizeof *x) != 0;
}

static int davidson_solve(const dft_system *sys, int ik, int is, int nb, double complex *psi, double *eig,
                          double ethr, int max_iter, dft_ham_work *hw, dft_eig_work *w, int *n_hpsi, int *notconv_out)
{
    int n_pw = dft_system_npw(sys, ik); /* npol n_pw for spinors */
    int nvx = w->n_vec_max;
    int hpsi = 0;
    int pool_size = sys->dist ? sys->dist->pool_size : 1;
    if (w->n_rows_first < pool_size + 1) {
        int *f = realloc(w->rows_first, (size_t)(pool_size + 1) * sizeof *f);
        if (!f) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        w->rows_first = f;
        w->n_rows_first = pool_size + 1;
    }
    pool_rows pr_store;
    const pool_rows *pr = pool_rows_get(sys, &pr_store, w->rows_first);
    dft_ham_diagonal(sys, ik, is, w->hdiag);
    memcpy(w->v, psi, (size_t)nb * n_pw * sizeof *psi);
    int kept = orthonormalise(w->v, 0, nb, n_pw, w->coef, pr, w->hv); /* hv is free: scratch */
    if (kept < nb) LS_ERROR(LS_ERR_NUMERIC, "the starting wavefunctions at k-point %d are linearly dependent", ik + 1);
    dft_ham_apply(sys, ik, is, nb, w->v, w->hv, hw);
    hpsi += nb;
    project_new(w, pr, 0, nb, n_pw);
    LS_TRY(subspace_diag(w, nb));
    int n_base = nb;
    for (int b = 0; b < nb; b++) w->eold[b] = eig[b];
    int notconv = nb, diverged = 0;
    /* What the SCF's convergence asks (pw.x's btype in cegterg): every band, except that a band
     * occupied below 1% in the last occupations is "empty" and needs only max(5 ethr, 1e-5 Ry).
     * The iterations below still try every band to ethr; only the count reported differs, so
     * an SCF is not held up by the slowest empty band at the top of the window.  Non-self-
     * consistent runs (band structures, the force theorem) count every band. */
    const double *occ = sys->occ + ((size_t)is * sys->kpts->n_kpt + ik) * nb;
    double empty_ethr = fmax(5 * ethr, 0.5e-5);
    int strict = sys->nscf || sys->params->calculation != DFT_CALC_SCF; /* mae/dos, or pw.x nscf/bands */
    int notconv_needed = nb;
    for (int iter = 0;; iter++) {
        notconv = 0;
        notconv_needed = 0;
        /* The first pass always expands (as pw.x does): Ritz values of the starting subspace
         * say nothing about convergence when the start came from the same Hamiltonian. */
        for (int b = 0; b < nb; b++) {
            double change = fabs(w->eval[b] - w->eold[b]);
            if (iter == 0 || !(change < ethr)) {
                w->unconv[1 + notconv++] = b;
                if (iter == 0 || strict || occ[b] >= 0.01 * sys->max_occ || !(change < empty_ethr)) notconv_needed++;
            }
        }
        w->unconv[0] = notconv;
        for (int b = notconv; b < nb; b++) w->unconv[1 + b] = -1;
        diverged |= pool_decide(sys, w->unconv, 1 + nb, w->unconv + nvx + 1);
        notconv = w->unconv[0];
        memmove(w->unconv, w->unconv + 1, (size_t)notconv * sizeof *w->unconv);
        for (int b = 0; b < nb; b++) w->eold[b] = w->eval[b];
        if (notconv == 0 || iter >= max_iter) break;
        if (n_base + notconv > nvx) {
            /* Restart from the Ritz vectors. */
            double complex *tmp = psi; /* psi is free to use as scratch here */
            rotate(w, pr, n_base, w->v, n_pw, nb, NULL, tmp, 1);
            memcpy(w->v, tmp, (size_t)nb * n_pw * sizeof *tmp);
            rotate(w, pr, n_base, w->hv, n_pw, nb, NULL, tmp, 1);
            memcpy(w->hv, tmp, (size_t)nb * n_pw * sizeof *tmp);
            for (int i = 0; i < nb; i++)
                for (int j = 0; j < nb; j++) w->hsub[(size_t)i * nvx + j] = i == j ? w->eval[i] : 0.0;
            for (int i = 0; i < nb; i++)
                for (int j = 0; j < nb; j++) w->evec[(size_t)i * nb + j] = i == j;
            n_base = nb;
        }
        /* Residuals of the unconverged Ritz pairs into rows [n_base, n_base + notconv) (this
         * rank's rows only: Gram-Schmidt against V works on them and gathers). */
        double complex *r = w->v + (size_t)n_base * n_pw;
        double complex *hr = w->hv + (size_t)n_base * n_pw;
        rotate(w, pr, n_base, w->v, n_pw, notconv, w->unconv, r, 0);
        rotate(w, pr, n_base, w->hv, n_pw, notconv, w->unconv, hr, 0);
        int c_lo, c_hi;
        rows_share(pr, notconv, &c_lo, &c_hi);
        for (int c = c_lo; c < c_hi; c++) {
            double e = w->eval[w->unconv[c]];
            double complex *rc = r + (size_t)c * n_pw;
            const double complex *hc = hr + (size_t)c * n_pw;
            for (int ig = 0; ig < n_pw; ig++) {
                double x = w->hdiag[ig] - e;
                double d = 0.5 * (1.0 + x + sqrt(1.0 + (x - 1.0) * (x - 1.0)));
                rc[ig] = (hc[ig] - e * rc[ig]) / d;
            }
        }
        int added = orthonormalise(w->v, n_base, notconv, n_pw, w->coef, pr, hr); /* hr is spent: scratch */
        int added_here = added;
        diverged |= pool_decide(sys, &added, 1, &added_here);
        if (added == 0) break;
        dft_ham_apply(sys, ik, is, added, w->v + (size_t)n_base * n_pw, w->hv + (size_t)n_base * n_pw, hw);
        hpsi += added;
        project_new(w, pr, n_base, added, n_pw);
        n_base += added;
        LS_TRY(subspace_diag(w, n_base));
    }
    rotate(w, pr, n_base, w->v, n_pw, nb, NULL, psi, 1);
    for (int b = 0; b < nb; b++) eig[b] = w->eval[b];
    *n_hpsi += hpsi;
    *notconv_out = notconv_needed;
    if (diverged)
        LS_ERROR(LS_ERR_INTERNAL, "the MPI processes of a k-point pool reached different results from the same data at "
                                  "k-point %d (mixed CPU types or thread counts?): run with --pools equal to the number "
                                  "of processes, or with the same OMP_NUM_THREADS everywhere", ik + 1);
    return LS_OK;
}

const struct dft_eigensolver dft_eigensolver_davidson = {"davidson", davidson_solve};
const struct dft_eigensolver *const dft_eigensolver_registry[] = {&dft_eigensolver_davidson, NULL};

int dft_subspace_start(const dft_system *sys, int ik, int is, int n_vec, double complex *vecs, int n_band,
                       double complex *psi, double *eig, dft_ham_work *hw)
{
    int n_pw = dft_system_npw(sys, ik);
    int status = LS_OK;
    double complex *hv = NULL, *h = NULL, *c = NULL;
    double *e = NULL;
    int *first = NULL;
    hv = malloc((size_t)n_vec * n_pw * sizeof *hv);
    h = malloc((size_t)n_vec * n_vec * sizeof *h);
    c = malloc((size_t)n_band * n_vec * sizeof *c);
    e = malloc((size_t)n_vec * sizeof *e);
    first = malloc((size_t)((sys->dist ? sys->dist->pool_size : 1) + 1) * sizeof *first);
    if (!hv || !h || !c || !e || !first)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for the starting wavefunctions");
    pool_rows pr_store;
    const pool_rows *pr = pool_rows_get(sys, &pr_store, first);
    /* One rank: modified Gram-Schmidt (atomic orbitals can be nearly dependent).  A pool of
     * several: Cholesky QR by rows (h and hv as workspace), modified Gram-Schmidt only if that
     * fails, so that the pool's ranks do not each repeat the whole orthonormalisation. */
    int kept = orthonormalise(vecs, 0, n_vec, n_pw, pr ? h : NULL, pr, hv);
    if (kept < n_band)
        LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "only %d independent starting vectors for %d bands at k-point %d",
                      kept, n_band, ik + 1);
    dft_ham_apply(sys, ik, is, kept, vecs, hv, hw);
    /* h[i][j] = <v_i|H|v_j>, by rows over the pool */
    int lo, hi;
    rows_share(pr, kept, &lo, &hi);
    if (hi > lo)
        dft_zgemm(CblasNoTrans, CblasConjTrans, hi - lo, kept, n_pw, 1.0, hv + (size_t)lo * n_pw, n_pw, vecs, n_pw, 0.0,
                  h + (size_t)lo * kept, kept);
    rows_gather(pr, h, kept, kept);
    for (int i = 0; i < kept; i++)
        for (int j = 0; j < i; j++) {
            double complex x = 0.5 * (h[(size_t)i * kept + j] + conj(h[(size_t)j * kept + i]));
            h[(size_t)i * kept + j] = x;
            h[(size_t)j * kept + i] = conj(x);
        }
    /* h[c][i] = <v_i|H|v_c>: the transpose of H's matrix; diagonalise its conjugate. */
    for (long i = 0; i < (long)kept * kept; i++) h[i] = conj(h[i]);
    lapack_int info = LAPACKE_zheevd(LAPACK_ROW_MAJOR, 'V', 'U', kept, (lapack_complex_double *)h, kept, e);
    if (info != 0) LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "starting subspace diagonalisation failed (zheevd info %d)", (int)info);
    for (int b = 0; b < n_band; b++)
        for (int i = 0; i < kept; i++) c[(size_t)b * kept + i] = h[(size_t)i * kept + b];
    rows_share(pr, n_band, &lo, &hi);
    if (hi > lo)
        dft_zgemm(CblasNoTrans, CblasNoTrans, hi - lo, n_pw, kept, 1.0, c + (size_t)lo * kept, kept, vecs, n_pw, 0.0,
                  psi + (size_t)lo * n_pw, n_pw);
    rows_gather(pr, psi, n_band, n_pw);
    for (int b = 0; b < n_band; b++) eig[b] = e[b];
done:
    free(first);
    free(hv);
    free(h);
    free(c);
    free(e);
    return status;
}
