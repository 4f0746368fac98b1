/* H psi: kinetic energy in reciprocal space, local potential in real space through two FFTs
 * per band, nonlocal part through the projectors; see hamiltonian.h.  In a pool of several
 * MPI ranks (dft/scf/dist.h) each rank applies H to its share of the vectors and the results are
 * gathered, so every rank of the pool ends with all of H psi. */
#include "dft/scf/hamiltonian.h"

#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "common/err.h"
#include "common/parallel.h"
#include "dft/scf/dist.h"
#include "dft/terms/nonlocal.h"

int dft_ham_work_create(const dft_system *sys, int max_vec, dft_ham_work **out)
{
    *out = NULL;
    dft_ham_work *w = calloc(1, sizeof *w);
    if (!w) LS_ERROR(LS_ERR_NOMEM, "out of memory");
#ifdef _OPENMP
    w->n_thread = omp_get_max_threads();
#else
    w->n_thread = 1;
#endif
    w->fft = calloc((size_t)w->n_thread, sizeof *w->fft);
    w->max_vec = max_vec;
    int pool_size = sys->dist ? sys->dist->pool_size : 1;
    w->rows_first = malloc((size_t)(pool_size + 1) * sizeof *w->rows_first);
    size_t np = (size_t)sys->n_proj_total + 1;
    /* Spinors: every band is npol vectors of the projections; two FFT buffers per thread. */
    int npol = sys->npol > 1 ? sys->npol : 1;
    w->becp = malloc((size_t)npol * max_vec * np * sizeof *w->becp);
    w->dbecp = malloc((size_t)npol * max_vec * np * sizeof *w->dbecp);
    int ok = w->fft && w->becp && w->dbecp && w->rows_first;
    for (int t = 0; ok && t < w->n_thread; t++) {
        w->fft[t] = fftw_malloc((size_t)npol * sys->grid->n_r * sizeof(double complex));
        ok = w->fft[t] != NULL;
    }
    if (!ok) {
        dft_ham_work_destroy(w);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for the Hamiltonian workspace");
    }
    *out = w;
    return LS_OK;
}

void dft_ham_work_destroy(dft_ham_work *w)
{
    if (w == NULL) return;
    if (w->fft)
        for (int t = 0; t < w->n_thread; t++) fftw_free(w->fft[t]);
    free(w->fft);
    free(w->becp);
    free(w->dbecp);
    free(w->rows_first);
    free(w);
}

/* Spinor bands: the kinetic and local parts of H psi, psi[n][2][n_pw].  Without a magnetisation the
 * two components see the same v; with one, H_loc = [[v + Bz, Bx - i By], [Bx + i By, v - Bz]]. */
static void apply_local_spinor(const dft_system *sys, int ik, int n_vec, const double complex *psi, double complex *hpsi,
                               dft_ham_work *w)
{
    const dft_basis *b = sys->basis[ik];
    const dft_grid *g = sys->grid;
    long nr = g->n_r;
    const double *v = sys->veff;
    int n_pw = b->n_pw, domag = sys->domag;
    double inv_n = 1.0 / (double)nr;
#pragma omp parallel for schedule(dynamic, 1)
    for (int n = 0; n < n_vec; n++) {
#ifdef _OPENMP
        double complex *f = w->fft[omp_get_thread_num()];
#else
        double complex *f = w->fft[0];
#endif
        double complex *f2 = f + nr;
        const double complex *p = psi + (size_t)n * 2 * n_pw;
        double complex *h = hpsi + (size_t)n * 2 * n_pw;
        if (!domag) {
            for (int c = 0; c < 2; c++) {
                memset(f, 0, (size_t)nr * sizeof *f);
                for (int ig = 0; ig < n_pw; ig++) f[b->fft_index[ig]] = p[c * n_pw + ig];
                dft_wfft_g2r(sys->wfft, f);
                for (long ir = 0; ir < nr; ir++) f[ir] *= v[ir];
                dft_wfft_r2g(sys->wfft, f);
                for (int ig = 0; ig < n_pw; ig++) h[c * n_pw + ig] = b->kin[ig] * p[c * n_pw + ig] + f[b->fft_index[ig]] * inv_n;
            }
            continue;
        }
        memset(f, 0, (size_t)2 * nr * sizeof *f);
        for (int ig = 0; ig < n_pw; ig++) {
            f[b->fft_index[ig]] = p[ig];
            f2[b->fft_index[ig]] = p[n_pw + ig];
        }
        dft_wfft_g2r(sys->wfft, f);
        dft_wfft_g2r(sys->wfft, f2);
        const double *v0 = v, *bx = v + nr, *by = v + 2 * nr, *bz = v + 3 * nr;
        for (long ir = 0; ir < nr; ir++) {
            double complex u = f[ir], d = f2[ir];
            f[ir] = (v0[ir] + bz[ir]) * u + (bx[ir] - I * by[ir]) * d;
            f2[ir] = (bx[ir] + I * by[ir]) * u + (v0[ir] - bz[ir]) * d;
        }
        dft_wfft_r2g(sys->wfft, f);
        dft_wfft_r2g(sys->wfft, f2);
        for (int ig = 0; ig < n_pw; ig++) {
            h[ig] = b->kin[ig] * p[ig] + f[b->fft_index[ig]] * inv_n;
            h[n_pw + ig] = b->kin[ig] * p[n_pw + ig] + f2[b->fft_index[ig]] * inv_n;
        }
    }
}

static void apply_rows_spinor(const dft_system *sys, int ik, int n_vec, const double complex *psi, double complex *hpsi,
                              dft_ham_work *w)
{
    int n_pw = sys->basis[ik]->n_pw;
    apply_local_spinor(sys, ik, n_vec, psi, hpsi, w);
    /* Nonlocal: each band is two vectors of n_pw (up, down); spin-diagonal D without spin-orbit. */
    for (int n0 = 0; n0 < n_vec; n0 += w->max_vec) {
        int nb = n_vec - n0 < w->max_vec ? n_vec - n0 : w->max_vec;
        const double complex *p = psi + (size_t)n0 * 2 * n_pw;
        double complex *h = hpsi + (size_t)n0 * 2 * n_pw;
        dft_nonlocal_project(sys, ik, 2 * nb, p, w->becp);
        if (sys->spinorbit) dft_nonlocal_apply_so(sys, ik, nb, w->becp, w->dbecp, h);
        else dft_nonlocal_apply(sys, ik, 2 * nb, w->becp, w->dbecp, h);
    }
}

static void apply_rows(const dft_system *sys, int ik, int is, int n_vec, const double complex *psi,
                       double complex *hpsi, dft_ham_work *w)
{
    if (sys->noncolin) {
        apply_rows_spinor(sys, ik, n_vec, psi, hpsi, w);
        return;
    }
    const dft_basis *b = sys->basis[ik];
    const dft_grid *g = sys->grid;
    const double *v = sys->veff + (size_t)is * g->n_r;
    int n_pw = b->n_pw;
    double inv_n = 1.0 / (double)g->n_r;
#pragma omp parallel for schedule(dynamic, 1)
    for (int n = 0; n < n_vec; n++) {
#ifdef _OPENMP
        double complex *f = w->fft[omp_get_thread_num()];
#else
        double complex *f = w->fft[0];
#endif
        const double complex *p = psi + (size_t)n * n_pw;
        double complex *h = hpsi + (size_t)n * n_pw;
        memset(f, 0, (size_t)g->n_r * sizeof *f);
        for (int ig = 0; ig < n_pw; ig++) f[b->fft_index[ig]] = p[ig];
        dft_wfft_g2r(sys->wfft, f);
        for (long ir = 0; ir < g->n_r; ir++) f[ir] *= v[ir];
        dft_wfft_r2g(sys->wfft, f);
        for (int ig = 0; ig < n_pw; ig++) h[ig] = b->kin[ig] * p[ig] + f[b->fft_index[ig]] * inv_n;
    }
    /* Nonlocal part in blocks that fit the workspace. */
    for (int n0 = 0; n0 < n_vec; n0 += w->max_vec) {
        int nb = n_vec - n0 < w->max_vec ? n_vec - n0 : w->max_vec;
        dft_nonlocal_project(sys, ik, nb, psi + (size_t)n0 * n_pw, w->becp);
        dft_nonlocal_apply(sys, ik, nb, w->becp, w->dbecp, hpsi + (size_t)n0 * n_pw);
    }
}

static int in_parallel_region(void)
{
#ifdef _OPENMP
    return omp_in_parallel();
#else
    return 0;
#endif
}

void dft_ham_apply(const dft_system *sys, int ik, int is, int n_vec, const double complex *psi,
                   double complex *hpsi, dft_ham_work *w)
{
    const dft_dist *d = sys->dist;
    /* Inside an OpenMP region (threads over k-points) MPI may not be called: whole blocks. */
    if (d == NULL || d->pool_size == 1 || n_vec < 2 || in_parallel_region()) {
        apply_rows(sys, ik, is, n_vec, psi, hpsi, w);
        return;
    }
    size_t n_pw = (size_t)dft_system_npw(sys, ik);
    for (int r = 0; r <= d->pool_size; r++) w->rows_first[r] = (int)((long)n_vec * r / d->pool_size);
    int lo = w->rows_first[d->pool_rank], hi = w->rows_first[d->pool_rank + 1];
    if (hi > lo) apply_rows(sys, ik, is, hi - lo, psi + lo * n_pw, hpsi + lo * n_pw, w);
    ls_comm_allgatherv(d->pool_comm, hpsi, n_pw * sizeof *hpsi, w->rows_first);
}

void dft_ham_diagonal(const dft_system *sys, int ik, int is, double *hdiag)
{
    const dft_basis *b = sys->basis[ik];
    const double *v = sys->veff + (size_t)is * sys->grid->n_r;
    double vavg = 0;
    for (long ir = 0; ir < sys->grid->n_r; ir++) vavg += v[ir];
    vavg /= (double)sys->grid->n_r;
    for (int ig = 0; ig < b->n_pw; ig++) hdiag[ig] = b->kin[ig] + vavg;
    if (sys->noncolin) /* both spinor components: the average of v (pw.x's g_psi) */
        for (int ig = 0; ig < b->n_pw; ig++) hdiag[b->n_pw + ig] = hdiag[ig];
}
