/* Spin-orbit coupling in the nonlocal pseudopotential of fully relativistic (j-resolved)
 * norm-conserving pseudopotentials.
 *
 * A fully relativistic file gives, for each l, projectors beta_i with j_i = l +- 1/2 and their
 * coefficients D_ij; the operator is V_NL = sum_ij |beta_i> D_ij P_{l j} <beta_j| with P_{l j} the
 * projector onto the total angular momentum j of the spin-angular functions of l:
 *   P_{l, l+1/2} = (l + 1 + L.sigma) / (2l + 1),   P_{l, l-1/2} = (l - L.sigma) / (2l + 1)
 * (L.sigma = l on j = l + 1/2 and -(l + 1) on j = l - 1/2).  In the basis of the real spherical
 * harmonics of the projectors (dft_ylm_real) times the spin states, P is a 2x2 block matrix of
 * (2l+1)x(2l+1) blocks, Quantum ESPRESSO's fcoef (init_us_1.f90), and D becomes pw.x's dvan_so:
 *   D^{s s'}_{(i m), (i' m')} = D_ii' <Y_m s| P_{l j} |Y_m' s'>   (l_i = l_i', j_i = j_i').
 * The matrices of L in the real harmonics come from those of the complex ones (L_z = m,
 * L_+ |l m> = sqrt(l(l+1) - m(m+1)) |l m+1>, Condon-Shortley phases) through the overlaps
 * <Y^C_m|Y^R_k>, integrated exactly on the sphere (Gauss-Legendre in cos(theta) times a
 * uniform grid in phi), so the operator is the physical L = r x p whatever the sign conventions
 * of the real harmonics.
 * References: G. Theurich, N. A. Hill, Phys. Rev. B 64, 073106 (2001),
 * doi:10.1103/PhysRevB.64.073106 (fully relativistic norm-conserving pseudopotentials in plane
 * waves); A. Dal Corso, A. Mosca Conte, Phys. Rev. B 71, 115106 (2005),
 * doi:10.1103/PhysRevB.71.115106 (the spin-angle functions in pw.x).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "dft/scf/linalg.h"
#include "dft/scf/system.h"
#include "dft/terms/nonlocal.h"

/* Complex Y_l^m(theta, phi) with Condon-Shortley phase, l <= 3, m = -l..l. */
static double complex ylm_complex(int l, int m, double ct, double phi)
{
    int am = abs(m);
    double st = sqrt(fmax(0.0, 1.0 - ct * ct));
    /* P_l^|m|(ct) with the (-1)^m phase: P_m^m = (-1)^m (2m-1)!! st^m, then the recursions. */
    double pmm = 1.0;
    for (int k = 1; k <= am; k++) pmm *= -(2.0 * k - 1.0) * st;
    double plm = pmm;
    if (l > am) {
        double p1 = ct * (2.0 * am + 1.0) * pmm, p0 = pmm;
        plm = p1;
        for (int ll = am + 2; ll <= l; ll++) {
            double p2 = ((2.0 * ll - 1.0) * ct * p1 - (ll + am - 1.0) * p0) / (ll - am);
            p0 = p1;
            p1 = p2;
            plm = p2;
        }
    }
    double fac = 1.0; /* (l - |m|)! / (l + |m|)! */
    for (int k = l - am + 1; k <= l + am; k++) fac /= k;
    double n = sqrt((2.0 * l + 1.0) / (4.0 * M_PI) * fac);
    double complex y = n * plm * cexp(I * am * phi);
    if (m < 0) y = ((am & 1) ? -1.0 : 1.0) * conj(y);
    return y;
}

int dft_so_l_matrices(int l, double complex lmat[3][7][7])
{
    int nm = 2 * l + 1;
    memset(lmat, 0, 3 * 49 * sizeof(double complex));
    if (l == 0) return LS_OK;
    if (l > 3) LS_ERROR(LS_ERR_UNSUPPORTED, "spin-orbit coupling for l = %d (at most 3)", l);
    /* c[k][m] = <Y^C_m | Y^R_k>, exact quadrature: 8 Gauss-Legendre nodes in cos(theta) (degree
     * <= 15) and 16 points in phi (|m - m'| <= 6). */
    static const double x8[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
    static const double w8[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
    double complex c[7][7] = {{0}};
    for (int it = 0; it < 8; it++) {
        double ct = it < 4 ? -x8[3 - it] : x8[it - 4], wt = it < 4 ? w8[3 - it] : w8[it - 4];
        for (int ip = 0; ip < 16; ip++) {
            double phi = 2.0 * M_PI * ip / 16.0, w = wt * 2.0 * M_PI / 16.0, st = sqrt(1.0 - ct * ct);
            double v[3] = {st * cos(phi), st * sin(phi), ct}, yr[7];
            dft_ylm_real(l, v, yr);
            for (int m = -l; m <= l; m++) {
                double complex yc = ylm_complex(l, m, ct, phi);
                for (int k = 0; k < nm; k++) c[k][m + l] += w * conj(yc) * yr[k];
            }
        }
    }
    /* L in the complex basis, index m + l. */
    double complex lc[3][7][7] = {{{0}}};
    for (int m = -l; m <= l; m++) {
        lc[2][m + l][m + l] = m;
        if (m < l) { /* <m+1| L_+ |m> and <m| L_- |m+1> */
            double a = sqrt(l * (l + 1.0) - m * (m + 1.0));
            lc[0][m + l + 1][m + l] += 0.5 * a;
            lc[0][m + l][m + l + 1] += 0.5 * a;
            lc[1][m + l + 1][m + l] += -0.5 * I * a; /* L_y = (L_+ - L_-) / 2i */
            lc[1][m + l][m + l + 1] += 0.5 * I * a;
        }
    }
    /* <Y^R_k| L |Y^R_k'> = sum_mm' conj(c[k][m]) c[k'][m'] <Y^C_m| L |Y^C_m'> */
    for (int a = 0; a < 3; a++)
        for (int k = 0; k < nm; k++)
            for (int kp = 0; kp < nm; kp++) {
                double complex s = 0;
                for (int m = 0; m < nm; m++)
                    for (int mp = 0; mp < nm; mp++) s += conj(c[k][m]) * c[kp][mp] * lc[a][m][mp];
                lmat[a][k][kp] = s;
            }
    return LS_OK;
}

/* <Y_k s| P_{l j} |Y_k' s'> for j = l + 1/2 (plus = 1) or l - 1/2. */
static double complex so_projector(const double complex lmat[3][7][7], int l, int plus, int k, int kp, int s, int sp)
{
    /* Pauli matrices, index [s][s'], s = 0 up. */
    static const double complex sx[2][2] = {{0, 1}, {1, 0}};
    static const double complex sy[2][2] = {{0, -I}, {I, 0}};
    static const double complex sz[2][2] = {{1, 0}, {0, -1}};
    double complex ls = lmat[0][k][kp] * sx[s][sp] + lmat[1][k][kp] * sy[s][sp] + lmat[2][k][kp] * sz[s][sp];
    double complex id = (k == kp && s == sp) ? 1.0 : 0.0;
    return plus ? ((l + 1.0) * id + ls) / (2.0 * l + 1.0) : (l * id - ls) / (2.0 * l + 1.0);
}

int dft_nonlocal_so_build(dft_system *sys)
{
    int na = sys->n_atom;
    sys->dso_offset = malloc((size_t)(na + 1) * sizeof *sys->dso_offset);
    if (!sys->dso_offset) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    long n = 0;
    for (int a = 0; a < na; a++) {
        sys->dso_offset[a] = n;
        long np = sys->proj_offset[a + 1] - sys->proj_offset[a];
        n += 4 * np * np;
    }
    sys->dso_offset[na] = n;
    sys->dso = calloc((size_t)n + 1, sizeof *sys->dso);
    if (!sys->dso) LS_ERROR(LS_ERR_NOMEM, "out of memory for the spin-orbit coefficients");
    double complex lmat[4][3][7][7];
    for (int l = 0; l <= 3; l++) LS_TRY(dft_so_l_matrices(l, lmat[l]));
    for (int a = 0; a < na; a++) {
        const dft_pseudo *ps = sys->pseudo[sys->species_of[a]];
        int np = sys->proj_offset[a + 1] - sys->proj_offset[a];
        double complex *d = sys->dso + sys->dso_offset[a];
        int start[DFT_PSEUDO_MAX_BETA], off = 0;
        for (int i = 0; i < ps->n_beta; i++) {
            start[i] = off;
            off += 2 * ps->beta_l[i] + 1;
        }
        for (int i = 0; i < ps->n_beta; i++)
            for (int ip = 0; ip < ps->n_beta; ip++) {
                int l = ps->beta_l[i];
                if (l != ps->beta_l[ip]) continue;
                double dij = ps->dij[i * ps->n_beta + ip];
                if (dij == 0) continue;
                if (ps->has_so && fabs(ps->beta_j[i] - ps->beta_j[ip]) > 1e-7) continue;
                int plus = ps->has_so ? ps->beta_j[i] > l : 0;
                for (int s = 0; s < 2; s++)
                    for (int sp = 0; sp < 2; sp++)
                        for (int k = 0; k < 2 * l + 1; k++)
                            for (int kp = 0; kp < 2 * l + 1; kp++) {
                                /* A scalar-relativistic species: spin-diagonal D (pw.x: dvan_so 1 and 4). */
                                double complex f = ps->has_so ? so_projector(lmat[l], l, plus, k, kp, s, sp)
                                                              : (s == sp && k == kp ? 1.0 : 0.0);
                                d[(size_t)(s * np + start[i] + k) * (2 * np) + sp * np + start[ip] + kp] = dij * f;
                            }
            }
    }
    return LS_OK;
}

void dft_nonlocal_apply_so(const dft_system *sys, int ik, int n_band, const double complex *becp, double complex *work,
                           double complex *hpsi)
{
    const dft_basis *b = sys->basis[ik];
    int np = sys->n_proj_total;
    if (np == 0) return;
    /* work[2n + s][p] = sum_{s' q} D^{s s'}_{pq} becp[2n + s'][q], atom by atom. */
#pragma omp parallel for schedule(static) if (n_band > 8)
    for (int n = 0; n < n_band; n++)
        for (int a = 0; a < sys->n_atom; a++) {
            int p0 = sys->proj_offset[a], na = sys->proj_offset[a + 1] - p0;
            const double complex *d = sys->dso + sys->dso_offset[a];
            for (int s = 0; s < 2; s++)
                for (int p = 0; p < na; p++) {
                    const double complex *row = d + (size_t)(s * na + p) * (2 * na);
                    double complex acc = 0;
                    for (int sp = 0; sp < 2; sp++) {
                        const double complex *bq = becp + (size_t)(2 * n + sp) * np + p0;
                        const double complex *dr = row + sp * na;
                        for (int q = 0; q < na; q++) acc += dr[q] * bq[q];
                    }
                    work[(size_t)(2 * n + s) * np + p0 + p] = acc;
                }
        }
    const double complex one = 1.0;
    dft_zgemm(CblasNoTrans, CblasNoTrans, 2 * n_band, b->n_pw, np, one, work, np, sys->projectors[ik].proj, b->n_pw, one,
              hpsi, b->n_pw);
}

double dft_nonlocal_energy_band_so(const dft_system *sys, const double complex *becp2)
{
    int np = sys->n_proj_total;
    double complex e = 0;
    for (int a = 0; a < sys->n_atom; a++) {
        int p0 = sys->proj_offset[a], na = sys->proj_offset[a + 1] - p0;
        const double complex *d = sys->dso + sys->dso_offset[a];
        for (int s = 0; s < 2; s++)
            for (int p = 0; p < na; p++)
                for (int sp = 0; sp < 2; sp++)
                    for (int q = 0; q < na; q++)
                        e += conj(becp2[(size_t)s * np + p0 + p]) * d[(size_t)(s * na + p) * (2 * na) + sp * na + q] *
                             becp2[(size_t)sp * np + p0 + q];
    }
    return creal(e);
}

void dft_nonlocal_so_weights(const dft_system *sys, int a, const double complex *becp2, double complex w,
                             double complex *y2)
{
    int np = sys->n_proj_total;
    int p0 = sys->proj_offset[a], na = sys->proj_offset[a + 1] - p0;
    const double complex *d = sys->dso + sys->dso_offset[a];
    /* y[s'][q] = w sum_{s p} conj(b[s][p]) D^{s s'}_{pq} */
    for (int sp = 0; sp < 2; sp++)
        for (int q = 0; q < na; q++) {
            double complex acc = 0;
            for (int s = 0; s < 2; s++)
                for (int p = 0; p < na; p++)
                    acc += conj(becp2[(size_t)s * np + p0 + p]) * d[(size_t)(s * na + p) * (2 * na) + sp * na + q];
            y2[(size_t)sp * np + p0 + q] = w * acc;
        }
}
