/* Densities; see density.h.
 *
 * Symmetrisation: for operations (R, t) on fractional coordinates (x' = R x + t) a symmetric
 * field satisfies f(Rx + t) = f(x); with f(x) = sum_m c_m exp(2 pi i m.x) this gives
 * c_sym(m') = (1/N_op) sum_op c(m) exp(2 pi i m.t), m = R^{-T} m'.
 */
#include "dft/scf/density.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "common/err.h"
#include "common/parallel.h"
#include "dft/basis/magsym.h"
#include "dft/basis/symmetrize.h"
#include "dft/scf/dist.h"

void dft_density_symmetrize_g(const dft_system *sys, double complex *f_g, double complex *work)
{
    if (sys->n_sym <= 1) return;
    const dft_grid *g = sys->grid;
    memset(work, 0, (size_t)g->n_r * sizeof *work);
    for (long ig = 0; ig < g->n_g; ig++) work[g->fft_index[ig]] = f_g[ig];
    int (*inv)[3][3] = malloc((size_t)sys->n_sym * sizeof *inv);
    if (inv == NULL) return; /* leave unsymmetrised rather than fail: the caller's result stays valid */
    for (int op = 0; op < sys->n_sym; op++) dft_sym_invert3((const int(*)[3])sys->sym_rot[op], inv[op]);
#pragma omp parallel for schedule(static)
    for (long ig = 0; ig < g->n_g; ig++) {
        const int *mp = g->miller[ig];
        double complex acc = 0;
        for (int op = 0; op < sys->n_sym; op++) {
            double complex e;
            long idx = dft_sym_image(g, (const int(*)[3])inv[op], mp, sys->sym_trans[op], &e);
            acc += work[idx] * e;
        }
        f_g[ig] = acc / sys->n_sym;
    }
    free(inv);
}

void dft_band_tasks_init(const dft_system *sys, struct dft_band_tasks *bt)
{
    const dft_dist *d = sys->dist;
    int b_hi;
    dft_dist_pool_share(d, sys->n_band, &bt->b_lo, &b_hi);
    bt->nb_mine = b_hi - bt->b_lo;
    bt->n = (d->task_hi - d->task_lo) * bt->nb_mine;
}

/* Collinear bands add f |psi|^2 to their spin's density; spinor bands give n = |u|^2 + |d|^2
 * and, with a magnetisation, m = psi^+ sigma psi: mx = 2 Re(u* d), my = 2 Im(u* d),
 * mz = |u|^2 - |d|^2 (pw.x sum_band).  The magnetisation is symmetrised as an axial vector
 * (dft/basis/magsym.h). */
int dft_density_from_states(const dft_system *sys, double *rho)
{
    const dft_grid *g = sys->grid;
    int n_kpt = sys->kpts->n_kpt, npol = sys->npol;
    int nc = sys->noncolin ? sys->n_rho : sys->n_spin; /* density components */
    long nr = g->n_r;
    int n_thread = 1;
#ifdef _OPENMP
    n_thread = omp_get_max_threads();
#endif
    double *acc = calloc((size_t)n_thread * nc * nr, sizeof *acc);
    double complex **buf = calloc((size_t)n_thread, sizeof *buf);
    double complex *fg = malloc((size_t)nc * g->n_g * sizeof *fg);
    int ok = acc && buf && fg;
    for (int t = 0; ok && t < n_thread; t++) ok = (buf[t] = fftw_malloc((size_t)npol * nr * sizeof(double complex))) != NULL;
    if (!ok) {
        if (buf)
            for (int t = 0; t < n_thread; t++) fftw_free(buf[t]);
        free(buf);
        free(acc);
        free(fg);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for the density");
    }
    double inv_omega = 1.0 / sys->omega;
    /* This rank's share: its pool's (spin, k-point) tasks, its share of their bands. */
    struct dft_band_tasks bt;
    dft_band_tasks_init(sys, &bt);
#pragma omp parallel for schedule(dynamic, 1)
    for (int task = 0; task < bt.n; task++) {
        int ib, isk;
        double f = dft_band_task(sys, &bt, task, &ib, &isk);
        if (fabs(f) < 1e-16) continue;
#ifdef _OPENMP
        int t = omp_get_thread_num();
#else
        int t = 0;
#endif
        const dft_basis *b = sys->basis[isk % n_kpt];
        const double complex *p = sys->psi[isk] + (size_t)ib * npol * b->n_pw;
        double complex *u = buf[t], *w = buf[t] + nr; /* w: the spinor's down component */
        memset(u, 0, (size_t)npol * nr * sizeof *u);
        for (int c = 0; c < npol; c++) {
            double complex *x = u + (size_t)c * nr;
            for (int ig = 0; ig < b->n_pw; ig++) x[b->fft_index[ig]] = p[(size_t)c * b->n_pw + ig];
            dft_wfft_g2r(sys->wfft, x);
        }
        double fw = f * inv_omega;
        if (npol == 1) {
            double *a = acc + ((size_t)t * nc + isk / n_kpt) * nr;
            for (long ir = 0; ir < nr; ir++) a[ir] += fw * (creal(u[ir]) * creal(u[ir]) + cimag(u[ir]) * cimag(u[ir]));
            continue;
        }
        double *a = acc + (size_t)t * nc * nr;
        for (long ir = 0; ir < nr; ir++) {
            double uu = creal(u[ir]) * creal(u[ir]) + cimag(u[ir]) * cimag(u[ir]);
            double dd = creal(w[ir]) * creal(w[ir]) + cimag(w[ir]) * cimag(w[ir]);
            a[ir] += fw * (uu + dd);
            if (nc == 4) {
                double complex ud = conj(u[ir]) * w[ir];
                a[nr + ir] += fw * 2.0 * creal(ud);
                a[2 * nr + ir] += fw * 2.0 * cimag(ud);
                a[3 * nr + ir] += fw * (uu - dd);
            }
        }
    }
    for (int c = 0; c < nc; c++)
        for (long ir = 0; ir < nr; ir++) {
            double sum = 0;
            for (int t = 0; t < n_thread; t++) sum += acc[((size_t)t * nc + c) * nr + ir];
            rho[(size_t)c * nr + ir] = sum;
        }
    /* The sum over the ranks (the same bits on every rank), then the symmetrisation on the
     * density sphere: each collinear spin density, the noncollinear n, and m as a vector. */
    ls_comm_sum_double(ls_comm_world(), rho, (size_t)nc * nr);
    int status = LS_OK;
    for (int c = 0; c < nc; c++) dft_grid_field_to_sphere(g, rho + (size_t)c * nr, fg + (size_t)c * g->n_g, buf[0]);
    for (int c = 0; c < (sys->noncolin ? 1 : nc); c++) dft_density_symmetrize_g(sys, fg + (size_t)c * g->n_g, buf[0]);
    if (sys->noncolin && nc == 4) status = dft_magsym_symmetrize_g(sys, fg + g->n_g);
    for (int c = 0; c < nc; c++) dft_grid_sphere_to_field(g, fg + (size_t)c * g->n_g, rho + (size_t)c * nr, buf[0]);
    for (int t = 0; t < n_thread; t++) fftw_free(buf[t]);
    free(buf);
    free(acc);
    free(fg);
    return status;
}

int dft_density_atomic(const dft_system *sys, double *rho)
{
    const dft_grid *g = sys->grid;
    int ns = sys->n_spin;
    long nr = g->n_r;
    int status = LS_OK;
    double complex *tot = calloc((size_t)g->n_g, sizeof *tot);
    double complex *mag = calloc((size_t)g->n_g, sizeof *mag);
    double complex *mag3 = sys->n_rho == 4 ? calloc((size_t)3 * g->n_g, sizeof *mag3) : NULL;
    double complex *sf = malloc((size_t)g->n_g * sizeof *sf);
    double *fq = malloc((size_t)g->n_shell * sizeof *fq);
    double complex *work = fftw_malloc((size_t)nr * sizeof *work);
    double *tmp = malloc((size_t)nr * sizeof *tmp);
    if (!tot || !mag || !sf || !fq || !work || !tmp || (sys->n_rho == 4 && !mag3))
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int s = 0; s < sys->n_species; s++) {
        const dft_pseudo *ps = sys->pseudo[s];
        if (ps->rho_atom) {
            LS_TRY_GOTO(status, dft_pseudo_atom_q(ps, (int)g->n_shell, g->shell_g, fq), done);
        } else {
            /* No atomic density in the file: a Gaussian of the valence charge (width 1 bohr). */
            for (long i = 0; i < g->n_shell; i++) fq[i] = ps->z_valence * exp(-0.25 * g->shell_g[i] * g->shell_g[i]);
        }
        dft_structure_factor(sys, s, sf);
        double m0 = sys->params->species[s].starting_magnetization;
        for (long ig = 0; ig < g->n_g; ig++) {
            double complex v = sf[ig] * fq[g->shell_of[ig]] / sys->omega;
            tot[ig] += v;
            mag[ig] += m0 * v;
        }
        if (mag3) { /* noncollinear: along (angle1, angle2) of the species (pw.x atomic_rho) */
            double a1 = sys->params->angle1_deg[s] * M_PI / 180.0, a2 = sys->params->angle2_deg[s] * M_PI / 180.0;
            double dir[3] = {sin(a1) * cos(a2), sin(a1) * sin(a2), cos(a1)};
            for (int c = 0; c < 3; c++)
                for (long ig = 0; ig < g->n_g; ig++) mag3[(size_t)c * g->n_g + ig] += m0 * dir[c] * sf[ig] * fq[g->shell_of[ig]] / sys->omega;
        }
    }
    /* Renormalise to the electron count (the atomic densities need not integrate exactly). */
    double n0 = creal(tot[0]) * sys->omega;
    if (n0 > 1e-8) {
        double scale = sys->n_electrons / n0;
        for (long ig = 0; ig < g->n_g; ig++) {
            tot[ig] *= scale;
            mag[ig] *= scale;
        }
        if (mag3)
            for (long ig = 0; ig < 3 * g->n_g; ig++) mag3[ig] *= scale;
    }
    if (sys->noncolin) {
        dft_grid_sphere_to_field(g, tot, rho, work);
        for (int c = 0; mag3 && c < 3; c++) dft_grid_sphere_to_field(g, mag3 + (size_t)c * g->n_g, rho + (size_t)(c + 1) * nr, work);
    } else if (ns == 1) {
        dft_grid_sphere_to_field(g, tot, rho, work);
    } else {
        dft_grid_sphere_to_field(g, tot, rho, work);
        dft_grid_sphere_to_field(g, mag, tmp, work);
        for (long ir = 0; ir < nr; ir++) {
            double t = rho[ir], m = tmp[ir];
            rho[ir] = 0.5 * (t + m);
            rho[nr + ir] = 0.5 * (t - m);
        }
    }
done:
    free(tot);
    free(mag);
    free(mag3);
    free(sf);
    free(fq);
    fftw_free(work);
    free(tmp);
    return status;
}
