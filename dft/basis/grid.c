/* FFT grid and density G-sphere; see grid.h. */
#include "dft/basis/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/memory.h"
#include "common/structure.h"
#include "common/units.h"

int dft_grid_fft_size(int n)
{
    for (int m = n > 1 ? n : 1;; m++) {
        int r = m;
        static const int primes[] = {2, 3, 5, 7};
        for (int i = 0; i < 4; i++)
            while (r % primes[i] == 0) r /= primes[i];
        if (r == 1) return m;
    }
}

/* Largest Miller index along each direction for |G| <= gmax: |m_k| <= gmax |a_k| / (2 pi), in
 * double (so that an absurd cutoff cannot overflow an int). */
static void max_miller_real(const double cell[3][3], double ecut_rho, double m[3])
{
    double gmax = sqrt(2.0 * ecut_rho);
    for (int k = 0; k < 3; k++) {
        double len = sqrt(cell[k][0] * cell[k][0] + cell[k][1] * cell[k][1] + cell[k][2] * cell[k][2]);
        m[k] = floor(gmax * len / (2.0 * M_PI) + 1e-9);
    }
}

/* The same as ints, LS_ERR_INPUT when the grid 2 m + 1 would pass DFT_GRID_MAX_DIM. */
static int max_miller(const double cell[3][3], double ecut_rho, int m[3])
{
    double mr[3];
    max_miller_real(cell, ecut_rho, mr);
    for (int k = 0; k < 3; k++) {
        if (!(2.0 * mr[k] + 1.0 <= DFT_GRID_MAX_DIM))
            LS_ERROR(LS_ERR_INPUT,
                     "the density cutoff %.6g Ry needs an FFT grid of %.3g points along lattice vector %d (%.4g "
                     "angstrom), more than the limit of %d: lower the cutoff (ecut, ecut_rho), or check its unit",
                     2.0 * ecut_rho, 2.0 * mr[k] + 1.0, k + 1,
                     LS_BOHR_ANGSTROM * sqrt(cell[k][0] * cell[k][0] + cell[k][1] * cell[k][1] + cell[k][2] * cell[k][2]),
                     DFT_GRID_MAX_DIM);
        m[k] = (int)mr[k];
    }
    return LS_OK;
}

int dft_grid_good_size(const double cell[3][3], double ecut_rho, int n[3])
{
    int m[3];
    if (!(ecut_rho > 0) || !isfinite(ecut_rho))
        LS_ERROR(LS_ERR_INPUT, "the density cutoff must be a positive number, found %g Ry", 2.0 * ecut_rho);
    LS_TRY(max_miller(cell, ecut_rho, m));
    for (int k = 0; k < 3; k++) n[k] = dft_grid_fft_size(2 * m[k] + 1);
    return LS_OK;
}

int dft_grid_check_cutoff(const double cell[3][3], double ecut_rho, const int n[3])
{
    int m[3];
    LS_TRY(max_miller(cell, ecut_rho, m));
    for (int k = 0; k < 3; k++)
        if (n[k] < 2 * m[k] + 1)
            LS_ERROR(LS_ERR_INPUT, "FFT grid %d x %d x %d is too small for the density cutoff %.6g Ry: dimension %d needs "
                     "at least %d", n[0], n[1], n[2], 2 * ecut_rho, k + 1, 2 * m[k] + 1);
    return LS_OK;
}

int dft_grid_check_dims(const int n[3])
{
    for (int k = 0; k < 3; k++)
        if (n[k] < 1 || n[k] > DFT_GRID_MAX_DIM)
            LS_ERROR(LS_ERR_INPUT, "FFT grid %d x %d x %d: every dimension must be 1 to %d", n[0], n[1], n[2],
                     DFT_GRID_MAX_DIM);
    double bytes = (double)n[0] * n[1] * n[2] * sizeof(double complex);
    double have = ls_memory_physical_bytes();
    if (have > 0 && bytes > have)
        LS_ERROR(LS_ERR_INPUT, "FFT grid %d x %d x %d: one array on it takes %.3g GB, more than this machine's %.3g GB "
                 "of memory", n[0], n[1], n[2], bytes / 1e9, have / 1e9);
    return LS_OK;
}

struct gsort {
    double g2;
    int m[3];
};

static int cmp_g(const void *a, const void *b)
{
    const struct gsort *x = a, *y = b;
    if (x->g2 < y->g2 - 1e-12) return -1;
    if (x->g2 > y->g2 + 1e-12) return 1;
    for (int k = 0; k < 3; k++)
        if (x->m[k] != y->m[k]) return x->m[k] < y->m[k] ? -1 : 1;
    return 0;
}

static long fft_pos(const int n[3], const int m[3])
{
    long i0 = ((m[0] % n[0]) + n[0]) % n[0];
    long i1 = ((m[1] % n[1]) + n[1]) % n[1];
    long i2 = ((m[2] % n[2]) + n[2]) % n[2];
    return (i0 * n[1] + i1) * n[2] + i2;
}

int dft_grid_create(const double cell[3][3], double ecut_rho, const int n_in[3], dft_grid **out)
{
    return dft_grid_create_ref(cell, NULL, ecut_rho, n_in, out);
}

int dft_grid_create_ref(const double cell[3][3], const double (*ref_cell)[3], double ecut_rho, const int n_in[3],
                        dft_grid **out)
{
    int status = LS_OK;
    struct gsort *list = NULL;
    double complex *tmp = NULL;
    *out = NULL;
    dft_grid *g = calloc(1, sizeof *g);
    if (g == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    memcpy(g->cell, cell, sizeof g->cell);
    g->ecut_rho = ecut_rho;
    g->omega = fabs(ls_cell_volume(cell));
    LS_TRY_GOTO(status, ls_cell_reciprocal(cell, g->recip), fail);
    memcpy(g->sel_cell, ref_cell ? ref_cell : cell, sizeof g->sel_cell);
    LS_TRY_GOTO(status, ls_cell_reciprocal((const double(*)[3])g->sel_cell, g->sel_recip), fail);
    int m[3];
    LS_TRY_GOTO(status, max_miller((const double(*)[3])g->sel_cell, ecut_rho, m), fail);
    if (n_in && n_in[0] > 0 && n_in[1] > 0 && n_in[2] > 0) {
        LS_TRY_GOTO(status, dft_grid_check_dims(n_in), fail);
        LS_TRY_GOTO(status, dft_grid_check_cutoff(cell, ecut_rho, n_in), fail);
        for (int k = 0; k < 3; k++) g->n[k] = n_in[k];
    } else {
        LS_TRY_GOTO(status, dft_grid_good_size((const double(*)[3])g->sel_cell, ecut_rho, g->n), fail);
        LS_TRY_GOTO(status, dft_grid_check_dims(g->n), fail);
    }
    g->n_r = (long)g->n[0] * g->n[1] * g->n[2];

    /* Enumerate the sphere. */
    long cap = (long)(2 * m[0] + 1) * (2 * m[1] + 1) * (2 * m[2] + 1);
    list = malloc((size_t)cap * sizeof *list);
    if (list == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
    long n_g = 0;
    for (int m0 = -m[0]; m0 <= m[0]; m0++)
        for (int m1 = -m[1]; m1 <= m[1]; m1++)
            for (int m2 = -m[2]; m2 <= m[2]; m2++) {
                double gv[3], gs[3];
                for (int k = 0; k < 3; k++) {
                    gv[k] = m0 * g->recip[0][k] + m1 * g->recip[1][k] + m2 * g->recip[2][k];
                    gs[k] = m0 * g->sel_recip[0][k] + m1 * g->sel_recip[1][k] + m2 * g->sel_recip[2][k];
                }
                double g2 = gv[0] * gv[0] + gv[1] * gv[1] + gv[2] * gv[2];
                if (0.5 * (gs[0] * gs[0] + gs[1] * gs[1] + gs[2] * gs[2]) <= ecut_rho) {
                    list[n_g].g2 = g2;
                    list[n_g].m[0] = m0;
                    list[n_g].m[1] = m1;
                    list[n_g].m[2] = m2;
                    n_g++;
                }
            }
    qsort(list, (size_t)n_g, sizeof *list, cmp_g);
    g->n_g = n_g;
    g->miller = malloc((size_t)n_g * sizeof *g->miller);
    g->g = malloc((size_t)n_g * sizeof *g->g);
    g->g2 = malloc((size_t)n_g * sizeof *g->g2);
    g->fft_index = malloc((size_t)n_g * sizeof *g->fft_index);
    g->fft_index_minus = malloc((size_t)n_g * sizeof *g->fft_index_minus);
    g->shell_of = malloc((size_t)n_g * sizeof *g->shell_of);
    g->shell_g = malloc((size_t)n_g * sizeof *g->shell_g);
    if (!g->miller || !g->g || !g->g2 || !g->fft_index || !g->fft_index_minus || !g->shell_of || !g->shell_g)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory for %ld G-vectors", n_g);
    g->n_shell = 0;
    for (long ig = 0; ig < n_g; ig++) {
        memcpy(g->miller[ig], list[ig].m, sizeof g->miller[ig]);
        for (int k = 0; k < 3; k++)
            g->g[ig][k] = list[ig].m[0] * g->recip[0][k] + list[ig].m[1] * g->recip[1][k] +
                          list[ig].m[2] * g->recip[2][k];
        g->g2[ig] = g->g[ig][0] * g->g[ig][0] + g->g[ig][1] * g->g[ig][1] + g->g[ig][2] * g->g[ig][2];
        g->fft_index[ig] = fft_pos(g->n, list[ig].m);
        int mm[3] = {-list[ig].m[0], -list[ig].m[1], -list[ig].m[2]};
        g->fft_index_minus[ig] = fft_pos(g->n, mm);
        double gl = sqrt(g->g2[ig]);
        if (g->n_shell == 0 || gl > g->shell_g[g->n_shell - 1] + 1e-10) g->shell_g[g->n_shell++] = gl;
        g->shell_of[ig] = g->n_shell - 1;
    }

    tmp = fftw_malloc((size_t)g->n_r * sizeof *tmp);
    if (tmp == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
    g->plan_r2g = fftw_plan_dft_3d(g->n[0], g->n[1], g->n[2], tmp, tmp, FFTW_FORWARD, FFTW_MEASURE);
    g->plan_g2r = fftw_plan_dft_3d(g->n[0], g->n[1], g->n[2], tmp, tmp, FFTW_BACKWARD, FFTW_MEASURE);
    if (!g->plan_r2g || !g->plan_g2r) LS_ERROR_GOTO(status, LS_ERR_LIBRARY, fail, "FFTW could not plan a %d x %d x %d transform", g->n[0], g->n[1], g->n[2]);
    fftw_free(tmp);
    free(list);
    *out = g;
    return LS_OK;
fail:
    fftw_free(tmp);
    free(list);
    dft_grid_destroy(g);
    return status;
}

void dft_grid_destroy(dft_grid *g)
{
    if (g == NULL) return;
    if (g->plan_r2g) fftw_destroy_plan(g->plan_r2g);
    if (g->plan_g2r) fftw_destroy_plan(g->plan_g2r);
    free(g->miller);
    free(g->g);
    free(g->g2);
    free(g->fft_index);
    free(g->fft_index_minus);
    free(g->shell_of);
    free(g->shell_g);
    free(g);
}

void dft_grid_r2g(const dft_grid *grid, double complex *data)
{
    fftw_execute_dft(grid->plan_r2g, (fftw_complex *)data, (fftw_complex *)data);
    double s = 1.0 / (double)grid->n_r;
    for (long i = 0; i < grid->n_r; i++) data[i] *= s;
}

void dft_grid_g2r(const dft_grid *grid, double complex *data)
{
    fftw_execute_dft(grid->plan_g2r, (fftw_complex *)data, (fftw_complex *)data);
}

void dft_grid_field_to_sphere(const dft_grid *grid, const double *f_r, double complex *f_g,
                              double complex *work)
{
    for (long i = 0; i < grid->n_r; i++) work[i] = f_r[i];
    dft_grid_r2g(grid, work);
    for (long ig = 0; ig < grid->n_g; ig++) f_g[ig] = work[grid->fft_index[ig]];
}

void dft_grid_sphere_to_field(const dft_grid *grid, const double complex *f_g, double *f_r,
                              double complex *work)
{
    memset(work, 0, (size_t)grid->n_r * sizeof *work);
    for (long ig = 0; ig < grid->n_g; ig++) work[grid->fft_index[ig]] = f_g[ig];
    dft_grid_g2r(grid, work);
    for (long i = 0; i < grid->n_r; i++) f_r[i] = creal(work[i]);
}
