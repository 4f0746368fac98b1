/* Ewald sum of point charges z_i at R_i in a periodic cell of volume Omega, with a uniform
 * compensating background (Hartree atomic units).  With the splitting parameter eta
 * (1/bohr^2; the Gaussian screening exp(-G^2/(4 eta)), i.e. erfc(sqrt(eta) r) in real space):
 *
 *   E = 1/2 sum_{i,j,T}' z_i z_j erfc(sqrt(eta) |R_i - R_j + T|) / |R_i - R_j + T|
 *     + (2 pi / Omega) sum_{G != 0} |S(G)|^2 exp(-G^2 / (4 eta)) / G^2,   S(G) = sum_j z_j e^{i G.R_j}
 *     - sqrt(eta / pi) sum_i z_i^2                                         (self interaction)
 *     - pi (sum_i z_i)^2 / (2 Omega eta)                                   (G = 0 with background)
 *
 * (the prime drops i = j at T = 0).  This is the convention of Quantum ESPRESSO's ewald.f90
 * (there "alpha" = eta, energies in Ry = 2 x these), so the number is QE's "ewald contribution".
 * Forces F_i = -dE/dR_i; stress sigma_ab = (1/Omega) dE/d eps_ab under R -> (1 + eps) R:
 *   real space:  1/2 sum' z_i z_j phi'(r) r_a r_b / r,   phi(r) = erfc(sqrt(eta) r)/r
 *   reciprocal:  (2 pi/Omega) sum_G |S|^2 e^{-G^2/4eta}/G^2 * 2 G_a G_b (1/(4 eta) + 1/G^2)
 *                - delta_ab (E_recip + E_background)        (from Omega -> Omega (1 + tr eps))
 * References: P. P. Ewald, Ann. Phys. 369, 253 (1921), doi:10.1002/andp.19213690304;
 * O. H. Nielsen and R. M. Martin, Phys. Rev. B 32, 3792 (1985), doi:10.1103/PhysRevB.32.3792
 * (stress); M. T. Yin and M. L. Cohen, Phys. Rev. B 26, 3259 (1982).
 *
 * Cut-offs: both sums are truncated where the next term is below exp(-EWALD_X^2) relative:
 * r_cut = EWALD_X / sqrt(eta), G_cut = 2 EWALD_X sqrt(eta) (erfc(6.5) = 3.8e-20,
 * exp(-6.5^2) = 4.5e-19).  The automatic eta = pi (N / Omega^2)^(1/3) balances the O(N^2)
 * real-space work against the O(N N_G) reciprocal work.
 */
#include "dft/terms/ewald.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/structure.h"

#define EWALD_X 6.5

static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Lattice translations T = n . cell (bohr) with |n_k| <= nmax[k]; caller frees *out. */
static int lattice_box(const double cell[3][3], const int nmax[3], double (**out)[3], long *n_out)
{
    long n = (long)(2 * nmax[0] + 1) * (2 * nmax[1] + 1) * (2 * nmax[2] + 1);
    double(*t)[3] = malloc((size_t)n * sizeof *t);
    if (!t) LS_ERROR(LS_ERR_NOMEM, "Ewald: cannot allocate %ld lattice translations", n);
    long k = 0;
    for (int n1 = -nmax[0]; n1 <= nmax[0]; n1++)
        for (int n2 = -nmax[1]; n2 <= nmax[1]; n2++)
            for (int n3 = -nmax[2]; n3 <= nmax[2]; n3++, k++)
                for (int c = 0; c < 3; c++)
                    t[k][c] = n1 * cell[0][c] + n2 * cell[1][c] + n3 * cell[2][c];
    *out = t;
    *n_out = n;
    return LS_OK;
}

/* Real-space sum: adds energy, dE/dR_i (to grad) and dE/d eps (to dede). */
static int ewald_real(const double cell[3][3], const double recip[3][3], int n_atom,
                      const double (*pos)[3], const double *charge, double eta, double *energy,
                      double (*grad)[3], double dede[3][3])
{
    int status = LS_OK;
    double(*frac)[3] = NULL, (*trans)[3] = NULL;
    const double se = sqrt(eta), rcut = EWALD_X / se;
    int nmax[3];
    long n_trans = 0;
    /* With fractional differences wrapped into [-1/2, 1/2], |d + T| < rcut needs
     * |n_k| < rcut |b_k| / (2 pi) + 1/2. */
    for (int k = 0; k < 3; k++) nmax[k] = (int)ceil(rcut * sqrt(dot3(recip[k], recip[k])) / (2 * M_PI) + 0.5);
    LS_TRY_GOTO(status, lattice_box(cell, nmax, &trans, &n_trans), cleanup);
    frac = malloc((size_t)n_atom * sizeof *frac);
    if (!frac) LS_ERROR_GOTO(status, LS_ERR_NOMEM, cleanup, "Ewald: out of memory for %d atoms", n_atom);
    for (int ia = 0; ia < n_atom; ia++)
        for (int k = 0; k < 3; k++) frac[ia][k] = dot3(pos[ia], recip[k]) / (2 * M_PI);

    double e = 0.0;
    for (int i = 0; i < n_atom; i++) {
        for (int j = i; j < n_atom; j++) {
            double d[3], fd[3];
            for (int k = 0; k < 3; k++) fd[k] = frac[i][k] - frac[j][k] - nearbyint(frac[i][k] - frac[j][k]);
            for (int c = 0; c < 3; c++) d[c] = fd[0] * cell[0][c] + fd[1] * cell[1][c] + fd[2] * cell[2][c];
            /* i == j: each pair of images +-T appears twice in the ordered double sum. */
            double w = (i == j ? 0.5 : 1.0) * charge[i] * charge[j];
            double ep = 0.0, g[3] = {0, 0, 0};
            for (long it = 0; it < n_trans; it++) {
                double r[3] = {d[0] + trans[it][0], d[1] + trans[it][1], d[2] + trans[it][2]};
                double r2 = dot3(r, r);
                if (r2 >= rcut * rcut || r2 == 0.0) continue;
                double rr = sqrt(r2), ec = erfc(se * rr) / rr;
                ep += ec;
                /* phi'(r) / r */
                double dphi = -(ec + 2.0 * se / sqrt(M_PI) * exp(-eta * r2)) / r2;
                for (int a = 0; a < 3; a++) {
                    g[a] += dphi * r[a];
                    if (dede)
                        for (int b = 0; b < 3; b++) dede[a][b] += w * dphi * r[a] * r[b];
                }
            }
            e += w * ep;
            if (grad && i != j)
                for (int a = 0; a < 3; a++) {
                    grad[i][a] += w * g[a];
                    grad[j][a] -= w * g[a];
                }
        }
    }
    *energy += e;
cleanup:
    free(frac);
    free(trans);
    return status;
}

/* Reciprocal-space sum over a half space of G (factor 2 for -G); adds like ewald_real. */
static int ewald_recip(const double cell[3][3], const double recip[3][3], double omega, int n_atom,
                       const double (*pos)[3], const double *charge, double eta, double *energy,
                       double (*grad)[3], double dede[3][3])
{
    int status = LS_OK;
    double complex *phase = NULL, *eig = NULL;
    const double gcut = 2.0 * EWALD_X * sqrt(eta);
    int m[3];
    /* G = m . recip has G . a_k = 2 pi m_k, so |G| < gcut needs |m_k| <= gcut |a_k| / (2 pi). */
    for (int k = 0; k < 3; k++) m[k] = (int)floor(gcut * sqrt(dot3(cell[k], cell[k])) / (2 * M_PI));
    int len[3] = {2 * m[0] + 1, 2 * m[1] + 1, 2 * m[2] + 1};
    size_t stride = (size_t)(len[0] + len[1] + len[2]);
    /* phase[ia * stride + off_k + (n + m_k)] = exp(2 pi i n f_ia,k) */
    phase = malloc((size_t)n_atom * stride * sizeof *phase);
    eig = malloc((size_t)n_atom * sizeof *eig);
    if (!phase || !eig) LS_ERROR_GOTO(status, LS_ERR_NOMEM, cleanup, "Ewald: out of memory for the structure factors");
    for (int ia = 0; ia < n_atom; ia++) {
        size_t off = (size_t)ia * stride;
        for (int k = 0; k < 3; k++) {
            double f = dot3(pos[ia], recip[k]) / (2 * M_PI);
            f -= floor(f);
            for (int n = -m[k]; n <= m[k]; n++) phase[off + n + m[k]] = cexp(2.0 * M_PI * I * n * f);
            off += (size_t)len[k];
        }
    }

    const double pref = 2.0 * M_PI / omega;
    double e = 0.0;
    for (int n1 = 0; n1 <= m[0]; n1++) {
        for (int n2 = (n1 == 0 ? 0 : -m[1]); n2 <= m[1]; n2++) {
            for (int n3 = (n1 == 0 && n2 == 0 ? 1 : -m[2]); n3 <= m[2]; n3++) {
                double G[3];
                for (int c = 0; c < 3; c++) G[c] = n1 * recip[0][c] + n2 * recip[1][c] + n3 * recip[2][c];
                double g2 = dot3(G, G);
                if (g2 >= gcut * gcut) continue;
                double complex s = 0.0;
                for (int ia = 0; ia < n_atom; ia++) {
                    const double complex *p = phase + (size_t)ia * stride;
                    eig[ia] = p[n1 + m[0]] * p[len[0] + n2 + m[1]] * p[len[0] + len[1] + n3 + m[2]];
                    s += charge[ia] * eig[ia];
                }
                double f = 2.0 * pref * exp(-g2 / (4.0 * eta)) / g2; /* 2: the -G partner */
                double s2 = creal(s) * creal(s) + cimag(s) * cimag(s);
                e += f * s2;
                if (grad)
                    for (int ia = 0; ia < n_atom; ia++) {
                        /* d|S|^2/dR_i = 2 Re[conj(S) i G z_i e^{iG.R_i}] = -2 z_i G Im[conj(S) e_i] */
                        double t = -2.0 * charge[ia] * cimag(conj(s) * eig[ia]) * f;
                        for (int a = 0; a < 3; a++) grad[ia][a] += t * G[a];
                    }
                if (dede) {
                    double t = f * s2 * 2.0 * (1.0 / (4.0 * eta) + 1.0 / g2);
                    for (int a = 0; a < 3; a++)
                        for (int b = 0; b < 3; b++) dede[a][b] += t * G[a] * G[b];
                }
            }
        }
    }
    double ztot = 0.0;
    for (int ia = 0; ia < n_atom; ia++) ztot += charge[ia];
    double ebg = -M_PI * ztot * ztot / (2.0 * omega * eta);
    if (dede)
        for (int a = 0; a < 3; a++) dede[a][a] -= e + ebg;
    *energy += e + ebg;
cleanup:
    free(phase);
    free(eig);
    return status;
}

int dft_ewald_eta(const double cell[3][3], int n_atom, const double (*pos)[3],
                  const double *charge, double eta, double *energy, double (*forces)[3],
                  double stress[3][3])
{
    int status = LS_OK;
    double(*grad)[3] = NULL;
    double recip[3][3], dede[3][3] = {{0}}, e = 0.0;
    if (n_atom < 0) LS_ERROR(LS_ERR_INPUT, "Ewald: negative atom count %d", n_atom);
    if (!(eta > 0.0) || !isfinite(eta))
        LS_ERROR(LS_ERR_INPUT, "Ewald: the splitting parameter must be positive (got %g bohr^-2)", eta);
    double omega = fabs(ls_cell_volume(cell));
    LS_TRY(ls_cell_reciprocal(cell, recip));
    if (n_atom > 0) {
        grad = calloc((size_t)n_atom, sizeof *grad);
        if (!grad) LS_ERROR_GOTO(status, LS_ERR_NOMEM, cleanup, "Ewald: out of memory for %d atoms", n_atom);
    }
    LS_TRY_GOTO(status, ewald_real(cell, recip, n_atom, pos, charge, eta, &e, grad, stress ? dede : NULL), cleanup);
    LS_TRY_GOTO(status, ewald_recip(cell, recip, omega, n_atom, pos, charge, eta, &e, grad, stress ? dede : NULL), cleanup);
    double zz = 0.0;
    for (int ia = 0; ia < n_atom; ia++) zz += charge[ia] * charge[ia];
    e -= sqrt(eta / M_PI) * zz;

    if (energy) *energy = e;
    if (forces)
        for (int ia = 0; ia < n_atom; ia++)
            for (int a = 0; a < 3; a++) forces[ia][a] = -grad[ia][a];
    if (stress)
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) stress[a][b] = dede[a][b] / omega;
cleanup:
    free(grad);
    return status;
}

int dft_ewald(const double cell[3][3], int n_atom, const double (*pos)[3], const double *charge,
              double *energy, double (*forces)[3], double stress[3][3])
{
    double omega = fabs(ls_cell_volume(cell));
    if (!(omega > 1e-12)) LS_ERROR(LS_ERR_INPUT, "Ewald: singular cell (volume %.3g bohr^3)", omega);
    int n = n_atom > 0 ? n_atom : 1;
    double eta = M_PI * cbrt((double)n / (omega * omega));
    return dft_ewald_eta(cell, n_atom, pos, charge, eta, energy, forces, stress);
}
