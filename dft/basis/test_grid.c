/* Tests for the FFT grid, k-point meshes and real spherical harmonics. */
#include <math.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/test.h"
#include "common/units.h"
#include "dft/basis/fft_wfc.h"
#include "dft/basis/grid.h"
#include "dft/basis/kpoints.h"
#include "dft/scf/system.h"

static void fcc_cell(double a, double cell[3][3])
{
    double c[3][3] = {{0, a / 2, a / 2}, {a / 2, 0, a / 2}, {a / 2, a / 2, 0}};
    memcpy(cell, c, sizeof c);
}

static void test_fft_sizes(void)
{
    LS_CHECK(dft_grid_fft_size(31) == 32);
    LS_CHECK(dft_grid_fft_size(11) == 12);
    LS_CHECK(dft_grid_fft_size(13) == 14);
    LS_CHECK(dft_grid_fft_size(71) == 72);
    /* pw.x 6.7 chose 32 x 32 x 32 for Si at a = 5.431 Å, ecutrho = 144 Ry
     * (dft/testdata/qe/si2.json "fft_grid"); our rule needs 2 m + 1 points. */
    double cell[3][3];
    fcc_cell(5.431 * LS_ANGSTROM_BOHR, cell);
    int n[3];
    LS_CHECK_OK(dft_grid_good_size(cell, 72.0, n));
    LS_CHECK(n[0] <= 32 && n[0] >= 27);
}

static void test_fft_roundtrip_and_sphere(void)
{
    double cell[3][3];
    fcc_cell(4.04 * LS_ANGSTROM_BOHR, cell);
    dft_grid *g = NULL;
    int n[3] = {24, 24, 24};
    LS_CHECK_OK(dft_grid_create(cell, 80.0, n, &g));
    if (!g) return;
    LS_CHECK(g->g2[0] == 0.0);
    /* The sphere holds G and -G. */
    char *in_sphere = calloc((size_t)g->n_r, 1);
    for (long ig = 0; ig < g->n_g; ig++) in_sphere[g->fft_index[ig]] = 1;
    long n_pairs = 0;
    for (long ig = 0; ig < g->n_g; ig++) n_pairs += in_sphere[g->fft_index_minus[ig]];
    LS_CHECK(n_pairs == g->n_g);
    free(in_sphere);
    /* A field band-limited to the sphere survives r -> G -> r exactly. */
    double complex *fg = calloc((size_t)g->n_g, sizeof *fg), *work = fftw_malloc((size_t)g->n_r * sizeof *work);
    double *fr = malloc((size_t)g->n_r * sizeof *fr);
    double complex *back = calloc((size_t)g->n_g, sizeof *back);
    fg[0] = 0.3;
    fg[5] = 0.1 + 0.2 * I;
    for (long ig = 0; ig < g->n_g; ig++)
        if (g->fft_index[ig] == g->fft_index_minus[5]) fg[ig] = conj(fg[5]);
    dft_grid_sphere_to_field(g, fg, fr, work);
    dft_grid_field_to_sphere(g, fr, back, work);
    double err = 0;
    for (long ig = 0; ig < g->n_g; ig++) err = fmax(err, cabs(back[ig] - fg[ig]));
    LS_CHECK(err < 1e-14);
    /* A too-small grid is refused with the minimum in the message. */
    dft_grid *bad = NULL;
    int small[3] = {8, 8, 8};
    LS_CHECK(dft_grid_create(cell, 80.0, small, &bad) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "at least") != NULL);
    free(fg);
    free(fr);
    free(back);
    fftw_free(work);
    dft_grid_destroy(g);
}

static void test_kpoint_mesh(void)
{
    dft_kpoints *kp = NULL;
    int mesh[3] = {4, 4, 4}, shift[3] = {0, 0, 0};
    /* Without rotations: time reversal pairs k with -k; on an even unshifted mesh 8 points
     * are their own partners, so 4^3 = 64 -> (64 - 8) / 2 + 8 = 36 points. */
    LS_CHECK_OK(dft_kpoints_mp(mesh, shift, 0, NULL, 1, &kp));
    if (kp) {
        LS_CHECK(kp->n_kpt == 36);
        double w = 0;
        for (int i = 0; i < kp->n_kpt; i++) w += kp->weight[i];
        LS_CHECK_NEAR(w, 1.0, 1e-14);
    }
    dft_kpoints_destroy(kp);
    /* Cubic point group O_h (48 operations) on a simple-cubic lattice: a 4x4x4 unshifted mesh
     * has 10 irreducible points (the standard count; e.g. ABINIT/QE for sc lattices). */
    int (*rot)[3][3] = malloc(48 * sizeof *rot);
    int n_op = 0;
    int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int p = 0; p < 6; p++)
        for (int s = 0; s < 8; s++) {
            memset(rot[n_op], 0, sizeof rot[n_op]);
            for (int i = 0; i < 3; i++) rot[n_op][i][perm[p][i]] = (s >> i) & 1 ? -1 : 1;
            n_op++;
        }
    LS_CHECK_OK(dft_kpoints_mp(mesh, shift, n_op, (const int(*)[3][3])rot, 1, &kp));
    if (kp) LS_CHECK_MSG(kp->n_kpt == 10, "got %d", kp->n_kpt);
    dft_kpoints_destroy(kp);
    free(rot);
    int bad[3] = {0, 4, 4};
    LS_CHECK(dft_kpoints_mp(bad, shift, 0, NULL, 1, &kp) == LS_ERR_INPUT);
}

static void test_ylm_orthonormal(void)
{
    /* Gauss-Legendre in cos(theta) x uniform phi integrates products of l <= 3 harmonics exactly. */
    const int nt = 12, np = 16;
    double x[12], w[12];
    /* Nodes by Newton iteration on P_12. */
    for (int i = 0; i < nt; i++) {
        double z = cos(M_PI * (i + 0.75) / (nt + 0.5)), pp = 0;
        for (int it = 0; it < 100; it++) {
            double p1 = 1, p2 = 0;
            for (int j = 0; j < nt; j++) {
                double p3 = p2;
                p2 = p1;
                p1 = ((2 * j + 1) * z * p2 - j * p3) / (j + 1);
            }
            pp = nt * (z * p1 - p2) / (z * z - 1);
            double dz = p1 / pp;
            z -= dz;
            if (fabs(dz) < 1e-15) break;
        }
        x[i] = z;
        w[i] = 2 / ((1 - z * z) * pp * pp);
    }
    double s[16][16] = {{0}};
    for (int i = 0; i < nt; i++)
        for (int j = 0; j < np; j++) {
            double phi = 2 * M_PI * j / np, st = sqrt(1 - x[i] * x[i]);
            double v[3] = {st * cos(phi), st * sin(phi), x[i]}, y[16];
            int k = 0;
            for (int l = 0; l <= 3; l++) {
                dft_ylm_real(l, v, y + k);
                k += 2 * l + 1;
            }
            for (int a = 0; a < 16; a++)
                for (int b = 0; b < 16; b++) s[a][b] += w[i] * (2 * M_PI / np) * y[a] * y[b];
        }
    double err = 0;
    for (int a = 0; a < 16; a++)
        for (int b = 0; b < 16; b++) err = fmax(err, fabs(s[a][b] - (a == b)));
    LS_CHECK_MSG(err < 1e-12, "max deviation from orthonormality %.3g", err);
}

/* The pruned wavefunction FFTs agree with full 3D transforms: g2r everywhere, r2g inside the
 * coefficient box.  Odd and even grid sizes. */
static void test_pruned_fft(void)
{
    int sizes[2][3] = {{27, 24, 30}, {32, 32, 32}};
    for (int c = 0; c < 2; c++) {
        int *n = sizes[c];
        int m[3] = {n[0] / 4, n[1] / 4, n[2] / 4};
        long nr = (long)n[0] * n[1] * n[2];
        dft_wfft *w = NULL;
        LS_CHECK_OK(dft_wfft_create(n, m, &w));
        double complex *a = fftw_malloc((size_t)nr * sizeof *a), *b = fftw_malloc((size_t)nr * sizeof *b);
        fftw_plan pb = fftw_plan_dft_3d(n[0], n[1], n[2], a, a, FFTW_BACKWARD, FFTW_ESTIMATE);
        fftw_plan pf = fftw_plan_dft_3d(n[0], n[1], n[2], a, a, FFTW_FORWARD, FFTW_ESTIMATE);
        memset(a, 0, (size_t)nr * sizeof *a);
        unsigned seed = 12345;
        for (int i0 = -m[0]; i0 <= m[0]; i0++)
            for (int i1 = -m[1]; i1 <= m[1]; i1++)
                for (int i2 = -m[2]; i2 <= m[2]; i2++) {
                    long idx = (((long)(i0 + n[0]) % n[0]) * n[1] + (i1 + n[1]) % n[1]) * n[2] + (i2 + n[2]) % n[2];
                    seed = seed * 1103515245u + 12345u;
                    double re = (double)(seed >> 8) / 16777216.0 - 0.5;
                    seed = seed * 1103515245u + 12345u;
                    a[idx] = re + I * ((double)(seed >> 8) / 16777216.0 - 0.5);
                }
        memcpy(b, a, (size_t)nr * sizeof *a);
        fftw_execute_dft(pb, a, a);
        dft_wfft_g2r(w, b);
        double err = 0;
        for (long i = 0; i < nr; i++) err = fmax(err, cabs(a[i] - b[i]));
        LS_CHECK_MSG(err < 1e-12, "g2r differs by %.3g", err);
        fftw_execute_dft(pf, a, a);
        dft_wfft_r2g(w, b);
        err = 0;
        for (int i0 = -m[0]; i0 <= m[0]; i0++)
            for (int i1 = -m[1]; i1 <= m[1]; i1++)
                for (int i2 = -m[2]; i2 <= m[2]; i2++) {
                    long idx = (((long)(i0 + n[0]) % n[0]) * n[1] + (i1 + n[1]) % n[1]) * n[2] + (i2 + n[2]) % n[2];
                    err = fmax(err, cabs(a[idx] - b[idx]));
                }
        LS_CHECK_MSG(err < 1e-9, "r2g differs by %.3g", err);
        fftw_destroy_plan(pb);
        fftw_destroy_plan(pf);
        fftw_free(a);
        fftw_free(b);
        dft_wfft_destroy(w);
    }
}

int main(void)
{
    LS_RUN(test_pruned_fft);
    LS_RUN(test_fft_sizes);
    LS_RUN(test_fft_roundtrip_and_sphere);
    LS_RUN(test_kpoint_mesh);
    LS_RUN(test_ylm_orthonormal);
    return ls_test_summary("test_grid");
}
