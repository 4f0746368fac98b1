/* Spin and orbital moments in pw.x's atomic spheres (see moments.h).
 * Orbital magnetisation of Bloch electrons in a sphere: the expectation value of
 * L = (r - tau) x p restricted to the sphere (the "atomic" part of the orbital moment, as
 * projector codes report it; R. Wu, A. J. Freeman, J. Magn. Magn. Mater. 200, 498 (1999),
 * doi:10.1016/S0304-8853(99)00351-0, on orbital moments and anisotropy).  With
 * psi(r) = exp(ik.r) u(r): psi^* (-i grad) psi = u^* sum_G (k+G) c_G exp(iG.r), the Bloch
 * phase cancels, so the integrand is built from two inverse FFTs of c_G and of (k+G)_x c_G, ...
 */
#include "dft/scf/moments.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "common/err.h"
#include "common/parallel.h"
#include "common/symmetry.h"
#include "dft/scf/density.h"
#include "dft/scf/dist.h"

void dft_sites_destroy(dft_sites *s)
{
    if (!s) return;
    free(s->radius);
    free(s->atom);
    free(s->weight);
    free(s->d);
    free(s);
}

int dft_sites_create(const dft_system *sys, dft_sites **out)
{
    *out = NULL;
    const dft_grid *g = sys->grid;
    long nr = g->n_r;
    int na = sys->n_atom, status = LS_OK;
    dft_sites *s = calloc(1, sizeof *s);
    double (*tau0)[3] = malloc((size_t)na * sizeof *tau0);
    double *dmin = malloc((size_t)sys->n_species * sizeof *dmin);
    if (!s || !tau0 || !dmin) goto nomem;
    s->radius = malloc((size_t)na * sizeof *s->radius);
    s->atom = malloc((size_t)nr * sizeof *s->atom);
    s->weight = calloc((size_t)nr, sizeof *s->weight);
    s->d = calloc((size_t)nr, sizeof *s->d);
    if (!s->radius || !s->atom || !s->weight || !s->d) goto nomem;
    /* Atoms brought into the first cell (fractional coordinates in [-1/2, 1/2]). */
    double recip[3][3];
    status = ls_cell_reciprocal(sys->cell, recip);
    if (status != LS_OK) goto fail;
    for (int a = 0; a < na; a++) {
        double f[3];
        for (int i = 0; i < 3; i++) {
            f[i] = (sys->tau[a][0] * recip[i][0] + sys->tau[a][1] * recip[i][1] + sys->tau[a][2] * recip[i][2]) / (2 * M_PI);
            f[i] -= nearbyint(f[i]);
        }
        for (int x = 0; x < 3; x++) tau0[a][x] = f[0] * sys->cell[0][x] + f[1] * sys->cell[1][x] + f[2] * sys->cell[2][x];
    }
    double alat = sqrt(sys->cell[0][0] * sys->cell[0][0] + sys->cell[0][1] * sys->cell[0][1] + sys->cell[0][2] * sys->cell[0][2]);
    for (int sp = 0; sp < sys->n_species; sp++) dmin[sp] = alat;
    for (int a = 0; a < na; a++)
        for (int b = 0; b < na; b++)
            for (int i = -1; i <= 1; i++)
                for (int j = -1; j <= 1; j++)
                    for (int k = -1; k <= 1; k++) {
                        double d2 = 0;
                        for (int x = 0; x < 3; x++) {
                            double v = tau0[b][x] + i * sys->cell[0][x] + j * sys->cell[1][x] + k * sys->cell[2][x] - tau0[a][x];
                            d2 += v * v;
                        }
                        double d = sqrt(d2);
                        if (d > 1e-8) {
                            int sa = sys->species_of[a], sb = sys->species_of[b];
                            if (d < dmin[sa]) dmin[sa] = d;
                            if (d < dmin[sb]) dmin[sb] = d;
                        }
                    }
    for (int a = 0; a < na; a++) s->radius[a] = 0.5 * dmin[sys->species_of[a]] / 1.2 * 0.99;
    const int *n = g->n;
#pragma omp parallel for schedule(static)
    for (long ir = 0; ir < nr; ir++) {
        int i0 = (int)(ir / ((long)n[1] * n[2])), j0 = (int)((ir / n[2]) % n[1]), k0 = (int)(ir % n[2]);
        s->atom[ir] = -1;
        for (int i = i0 - n[0]; i <= i0 + n[0]; i += n[0])
            for (int j = j0 - n[1]; j <= j0 + n[1]; j += n[1])
                for (int k = k0 - n[2]; k <= k0 + n[2]; k += n[2]) {
                    double pos[3];
                    for (int x = 0; x < 3; x++)
                        pos[x] = (double)i / n[0] * sys->cell[0][x] + (double)j / n[1] * sys->cell[1][x] +
                                 (double)k / n[2] * sys->cell[2][x];
                    for (int a = 0; a < na; a++) {
                        double v[3] = {pos[0] - tau0[a][0], pos[1] - tau0[a][1], pos[2] - tau0[a][2]};
                        double d = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]), rm = s->radius[a];
                        if (d <= 1.2 * rm) {
                            s->atom[ir] = a;
                            s->weight[ir] = d <= rm ? 1.0 : 1.0 - (d - rm) / (0.2 * rm);
                            memcpy(s->d[ir], v, sizeof v);
                            goto found;
                        }
                    }
                }
    found:;
    }
    free(tau0);
    free(dmin);
    *out = s;
    return LS_OK;
nomem:
    status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory for the atomic spheres");
fail:
    free(tau0);
    free(dmin);
    dft_sites_destroy(s);
    return status;
}

void dft_sites_moments(const dft_system *sys, const dft_sites *s, const double *rho, double (*m)[3], double *charge)
{
    long nr = sys->grid->n_r;
    int na = sys->n_atom, nc = sys->n_rho;
    double dv = sys->omega / (double)nr;
    memset(m, 0, (size_t)na * sizeof *m);
    if (charge) memset(charge, 0, (size_t)na * sizeof *charge);
    for (long ir = 0; ir < nr; ir++) {
        int a = s->atom[ir];
        if (a < 0) continue;
        double w = s->weight[ir] * dv;
        if (nc == 4)
            for (int x = 0; x < 3; x++) m[a][x] += w * rho[(size_t)(x + 1) * nr + ir];
        else if (nc == 2)
            m[a][2] += w * (rho[ir] - rho[nr + ir]);
        if (charge) charge[a] += w * (nc == 2 ? rho[ir] + rho[nr + ir] : rho[ir]);
    }
}

/* Average of axial per-atom vectors over the magnetic group: v(map(a)) += s det(S) S v(a) / N. */
static void symmetrize_axial(const dft_system *sys, double (*v)[3])
{
    if (sys->n_sym <= 1) return;
    int na = sys->n_atom;
    double (*acc)[3] = calloc((size_t)na, sizeof *acc);
    if (!acc) return;
    for (int op = 0; op < sys->n_sym; op++) {
        const double (*c)[3] = (const double(*)[3])sys->symops->cart_rotations[op];
        const int (*r)[3] = (const int(*)[3])sys->sym_rot[op];
        int det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
                  r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
        double f = det * (sys->t_rev && sys->t_rev[op] ? -1.0 : 1.0);
        const int *map = sys->symops->atom_map + (size_t)op * na;
        for (int a = 0; a < na; a++)
            for (int x = 0; x < 3; x++) acc[map[a]][x] += f * (c[x][0] * v[a][0] + c[x][1] * v[a][1] + c[x][2] * v[a][2]);
    }
    for (int a = 0; a < na; a++)
        for (int x = 0; x < 3; x++) v[a][x] = acc[a][x] / sys->n_sym;
    free(acc);
}

int dft_sites_orbital(const dft_system *sys, const dft_sites *s, double (*l)[3])
{
    const dft_grid *g = sys->grid;
    long nr = g->n_r;
    int na = sys->n_atom, n_kpt = sys->kpts->n_kpt, npol = sys->npol;
    int n_thread = 1;
#ifdef _OPENMP
    n_thread = omp_get_max_threads();
#endif
    double *acc = calloc((size_t)n_thread * na * 3, sizeof *acc);
    double complex *buf = fftw_malloc((size_t)n_thread * 4 * nr * sizeof *buf);
    if (!acc || !buf) {
        free(acc);
        fftw_free(buf);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for the orbital moments");
    }
    struct dft_band_tasks bt; /* this rank's share of the bands (dft/scf/density.h) */
    dft_band_tasks_init(sys, &bt);
    double dv = sys->omega / (double)nr;
#pragma omp parallel for schedule(dynamic, 1)
    for (int task = 0; task < bt.n; task++) {
        int ib, isk;
        double f = dft_band_task(sys, &bt, task, &ib, &isk);
        if (fabs(f) < 1e-16) continue;
        int ik = isk % n_kpt;
#ifdef _OPENMP
        int t = omp_get_thread_num();
#else
        int t = 0;
#endif
        const dft_basis *b = sys->basis[ik];
        double complex *u = buf + (size_t)t * 4 * nr, *gr = u + nr;
        double *la = acc + (size_t)t * na * 3;
        for (int c = 0; c < npol; c++) {
            const double complex *p = sys->psi[isk] + (size_t)ib * npol * b->n_pw + (size_t)c * b->n_pw;
            memset(u, 0, (size_t)4 * nr * sizeof *u);
            for (int ig = 0; ig < b->n_pw; ig++) {
                long j = b->fft_index[ig];
                u[j] = p[ig];
                for (int x = 0; x < 3; x++) gr[(size_t)x * nr + j] = b->kg[ig][x] * p[ig];
            }
            for (int x = 0; x < 4; x++) dft_wfft_g2r(sys->wfft, u + (size_t)x * nr);
            /* The FFTs give sqrt(Omega) psi; the sum over the grid with dV = Omega / N. */
            double fw = f * dv / sys->omega;
            for (long ir = 0; ir < nr; ir++) {
                int a = s->atom[ir];
                if (a < 0) continue;
                double w = fw * s->weight[ir];
                const double *r = s->d[ir];
                double complex uc = conj(u[ir]), px = gr[ir], py = gr[nr + ir], pz = gr[2 * (size_t)nr + ir];
                la[3 * a + 0] += w * creal(uc * (r[1] * pz - r[2] * py));
                la[3 * a + 1] += w * creal(uc * (r[2] * px - r[0] * pz));
                la[3 * a + 2] += w * creal(uc * (r[0] * py - r[1] * px));
            }
        }
    }
    memset(l, 0, (size_t)na * sizeof *l);
    for (int t = 0; t < n_thread; t++)
        for (int a = 0; a < na; a++)
            for (int x = 0; x < 3; x++) l[a][x] += acc[((size_t)t * na + a) * 3 + x];
    ls_comm_sum_double(ls_comm_world(), &l[0][0], 3 * (size_t)na);
    symmetrize_axial(sys, l);
    free(acc);
    fftw_free(buf);
    return LS_OK;
}
