/* Tests of the spin-orbit pieces of the nonlocal pseudopotential (nonlocal_so.c) and of the
 * fully relativistic pseudopotential data (pseudo_upf.c, pseudo_so.c):
 * - the matrices of L in the real harmonics of dft_ylm_real are Hermitian, obey
 *   [L_x, L_y] = i L_z (and cyclic) and L^2 = l(l+1), and L_z is -i d/dphi of the harmonics
 *   (finite differences of dft_ylm_real under a rotation about z);
 * - the j projectors built from them are Hermitian, idempotent, complementary and of rank
 *   2j + 1 (the traces of P_{l, l+1/2} and P_{l, l-1/2} are 2l + 2 and 2l);
 * - PP_SPIN_ORB of the shipped fully relativistic Fe (inputs/pseudo/pd04-pbe-fr/Fe.upf) is read
 *   (10 projectors, j = l -+ 1/2 as in the file), and its j-average has pw.x's form: 6 projectors,
 *   D = [(l+1) D+ + l D-] / (2l+1) and beta = [(l+1) sqrt(D+/D) beta+ + l sqrt(D-/D) beta-] / (2l+1)
 *   at every radial point.  (pw.x 6.7 with the averaged file gives the energy of
 *   validation/magnets/README.md; here the formula itself.)
 */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/test.h"
#include "dft/pseudo/pseudo.h"
#include "dft/scf/system.h"
#include "dft/terms/nonlocal.h"

#define FE_FR "inputs/pseudo/pd04-pbe-fr/Fe.upf"

static double complex mat_el(const double complex a[7][7], int i, int j) { return a[i][j]; }

static void test_l_algebra(void)
{
    for (int l = 0; l <= 3; l++) {
        double complex lm[3][7][7];
        LS_CHECK_OK(dft_so_l_matrices(l, lm));
        int n = 2 * l + 1;
        double worst_h = 0, worst_c = 0, worst_l2 = 0;
        for (int a = 0; a < 3; a++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) worst_h = fmax(worst_h, cabs(mat_el(lm[a], i, j) - conj(mat_el(lm[a], j, i))));
        for (int a = 0; a < 3; a++) {
            int b = (a + 1) % 3, c = (a + 2) % 3;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) {
                    double complex comm = 0;
                    for (int k = 0; k < n; k++) comm += lm[a][i][k] * lm[b][k][j] - lm[b][i][k] * lm[a][k][j];
                    worst_c = fmax(worst_c, cabs(comm - I * lm[c][i][j]));
                }
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double complex s = 0;
                for (int a = 0; a < 3; a++)
                    for (int k = 0; k < n; k++) s += lm[a][i][k] * lm[a][k][j];
                worst_l2 = fmax(worst_l2, cabs(s - (i == j ? l * (l + 1.0) : 0.0)));
            }
        LS_CHECK_MSG(worst_h < 1e-12 && worst_c < 1e-12 && worst_l2 < 1e-12, "l = %d: Hermitian %.2g, [Lx,Ly]-iLz %.2g, L^2 %.2g",
                     l, worst_h, worst_c, worst_l2);
    }
}

/* <Y_k| L_z |Y_k'> = -i int Y_k dY_k'/dphi, the derivative of Y(R_z(phi) r) at phi = 0 by
 * central differences, integrated on the sphere (Gauss-Legendre x uniform, exact for these). */
static void test_lz_is_rotation(void)
{
    static const double x8[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
    static const double w8[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
    for (int l = 1; l <= 3; l++) {
        double complex lm[3][7][7];
        LS_CHECK_OK(dft_so_l_matrices(l, lm));
        int n = 2 * l + 1;
        double num[7][7] = {{0}}, h = 1e-5;
        for (int it = 0; it < 8; it++) {
            double ct = it < 4 ? -x8[3 - it] : x8[it - 4], wt = it < 4 ? w8[3 - it] : w8[it - 4], st = sqrt(1 - ct * ct);
            for (int ip = 0; ip < 16; ip++) {
                double phi = 2 * M_PI * ip / 16, w = wt * 2 * M_PI / 16;
                double v[3] = {st * cos(phi), st * sin(phi), ct}, vp[3] = {st * cos(phi + h), st * sin(phi + h), ct},
                       vm[3] = {st * cos(phi - h), st * sin(phi - h), ct};
                double y[7], yp[7], ym[7];
                dft_ylm_real(l, v, y);
                dft_ylm_real(l, vp, yp);
                dft_ylm_real(l, vm, ym);
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++) num[i][j] += w * y[i] * (yp[j] - ym[j]) / (2 * h);
            }
        }
        double worst = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) worst = fmax(worst, cabs(lm[2][i][j] - (-I * num[i][j])));
        LS_CHECK_MSG(worst < 1e-8, "l = %d: L_z differs from -i d/dphi by %.3g", l, worst);
    }
}

/* P_{l, j} from the same formula as nonlocal_so.c, checked for its algebra. */
static void test_j_projectors(void)
{
    static const double complex s[3][2][2] = {{{0, 1}, {1, 0}}, {{0, -I}, {I, 0}}, {{1, 0}, {0, -1}}};
    for (int l = 1; l <= 3; l++) {
        double complex lm[3][7][7];
        LS_CHECK_OK(dft_so_l_matrices(l, lm));
        int n = 2 * l + 1, m = 2 * n;
        double complex pp[14][14], pm[14][14];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++) {
                int k = i % n, kp = j % n, sg = i / n, sp = j / n;
                double complex ls = 0;
                for (int a = 0; a < 3; a++) ls += lm[a][k][kp] * s[a][sg][sp];
                double id = i == j ? 1.0 : 0.0;
                pp[i][j] = ((l + 1.0) * id + ls) / (2 * l + 1.0);
                pm[i][j] = (l * id - ls) / (2 * l + 1.0);
            }
        double worst = 0;
        double complex tp = 0, tm = 0;
        for (int i = 0; i < m; i++) {
            tp += pp[i][i];
            tm += pm[i][i];
            for (int j = 0; j < m; j++) {
                double complex p2 = 0, pq = 0;
                for (int k = 0; k < m; k++) {
                    p2 += pp[i][k] * pp[k][j];
                    pq += pp[i][k] * pm[k][j];
                }
                worst = fmax(worst, cabs(p2 - pp[i][j]));
                worst = fmax(worst, cabs(pq));
                worst = fmax(worst, cabs(pp[i][j] + pm[i][j] - (i == j ? 1.0 : 0.0)));
            }
        }
        LS_CHECK_MSG(worst < 1e-12, "l = %d: projector algebra off by %.3g", l, worst);
        LS_CHECK_NEAR(creal(tp), 2 * l + 2, 1e-12); /* 2j + 1 states of j = l + 1/2 */
        LS_CHECK_NEAR(creal(tm), 2 * l, 1e-12);
    }
}

static void test_fr_read_and_average(void)
{
    dft_pseudo *p = NULL, *q = NULL;
    LS_CHECK_OK(dft_pseudo_read_upf(FE_FR, &p));
    LS_CHECK_OK(dft_pseudo_read_upf(FE_FR, &q));
    if (!p || !q) return;
    LS_CHECK(p->has_so && p->n_beta == 10 && p->n_chi == 6);
    /* PP_RELBETA of the file: l 0 0 1 1 1 1 2 2 2 2, j 0.5 0.5 0.5 1.5 0.5 1.5 1.5 2.5 1.5 2.5 */
    static const double j_file[10] = {0.5, 0.5, 0.5, 1.5, 0.5, 1.5, 1.5, 2.5, 1.5, 2.5};
    for (int i = 0; i < 10; i++) LS_CHECK_NEAR(p->beta_j[i], j_file[i], 0);
    LS_CHECK_OK(dft_pseudo_average_so(q));
    LS_CHECK(!q->has_so && q->n_beta == 6 && q->n_chi == 4);
    static const int l_avg[6] = {0, 0, 1, 1, 2, 2};
    static const int plus[6] = {0, 1, 3, 5, 7, 9}, minus[6] = {-1, -1, 2, 4, 6, 8};
    double worst = 0;
    for (int k = 0; k < 6; k++) {
        int l = l_avg[k];
        LS_CHECK(q->beta_l[k] == l);
        double dp = p->dij[plus[k] * 10 + plus[k]], dm = minus[k] >= 0 ? p->dij[minus[k] * 10 + minus[k]] : 0;
        double d = l == 0 ? dp : ((l + 1.0) * dp + l * dm) / (2 * l + 1.0);
        LS_CHECK_NEAR(q->dij[k * 6 + k], d, 1e-15);
        for (int r = 0; r < p->n_mesh; r++) {
            double b = l == 0 ? p->beta[plus[k]][r]
                              : ((l + 1.0) * sqrt(dp / d) * p->beta[plus[k]][r] + l * sqrt(dm / d) * p->beta[minus[k]][r]) /
                                    (2 * l + 1.0);
            worst = fmax(worst, fabs(q->beta[k][r] - b));
        }
    }
    LS_CHECK_MSG(worst < 1e-15, "averaged projectors off by %.3g", worst);
    dft_pseudo_destroy(p);
    dft_pseudo_destroy(q);
}

int main(void)
{
    LS_RUN(test_l_algebra);
    LS_RUN(test_lz_is_rotation);
    LS_RUN(test_j_projectors);
    LS_RUN(test_fr_read_and_average);
    return ls_test_summary("test_nonlocal_so");
}
