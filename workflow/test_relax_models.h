/* Analytic calculators for the relaxation tests (test_relax.c, test_relax_restart.c).
 *
 * Lennard-Jones: phi(r) = 4 eps ((sigma/r)^12 - (sigma/r)^6), cut (not shifted) at rc, with
 * energy, forces and stress (ASE sign) summed over periodic images.  With rc between the
 * fifth and sixth neighbour shells of the fcc crystal, the lattice sums over the shells
 * d sqrt(n), n = 1..5 (12, 6, 24, 12, 24 neighbours) give the energy per atom
 *     e(d) = 2 eps (A12 (sigma/d)^12 - A6 (sigma/d)^6),  A_p = sum_n z_n n^(-p/2),
 * minimal at d0 = (2 A12 / A6)^(1/6) sigma, a0 = sqrt(2) d0 (the closed form the tests
 * compare with; the untruncated crystal has A6 = 14.45392, A12 = 12.13188, Kittel,
 * Introduction to Solid State Physics, ch. 3).
 *
 * Harmonic: E = (1/2) (x - x0)^T K (x - x0) over all Cartesian coordinates (Å), K symmetric
 * positive definite and coupling every coordinate; minimum x0.
 *
 * Both can add a deterministic "noise" to forces and stress (a fixed function of the
 * positions) that breaks every symmetry, as the numerical noise of DFT does, and can fail
 * (LS_ERR_CONVERGENCE) or raise SIGTERM at a given call.
 */
#ifndef LS_TEST_RELAX_MODELS_H
#define LS_TEST_RELAX_MODELS_H

#include <math.h>
#include <signal.h>
#include <string.h>

#include "common/err.h"
#include "workflow/relax.h"
#include "common/units.h"

struct model {
    double eps_ev, sigma_a, rc_a;   /* Lennard-Jones */
    int harmonic;                   /* 1: the harmonic model instead */
    int n;                          /* harmonic: atoms */
    double x0[3 * 8], K[24][24];    /* harmonic: minimum (Å) and matrix (eV/Å^2) */
    double noise;                   /* amplitude: eV/Å on forces, GPa on the stress */
    int calls;                      /* calculations so far */
    int fail_at, sigterm_at;        /* call index (1-based) to fail / raise SIGTERM at, 0 never */
    int limit_at;                   /* call index at which a per-calculation limit stops it, 0 never */
    double pos_at_call[64][8][3];   /* bohr, the geometry of each call (first 64 calls) */
};

/* The fcc lattice constant of the truncated Lennard-Jones crystal (five shells). */
static inline double lj_fcc_a0(double sigma)
{
    const double z[5] = {12, 6, 24, 12, 24};
    double a6 = 0, a12 = 0;
    for (int k = 0; k < 5; k++) {
        a6 += z[k] * pow(k + 1.0, -3.0);
        a12 += z[k] * pow(k + 1.0, -6.0);
    }
    return sqrt(2.0) * pow(2 * a12 / a6, 1.0 / 6.0) * sigma;
}

static inline double lj_fcc_energy_per_atom(double eps, double sigma, double a)
{
    const double z[5] = {12, 6, 24, 12, 24};
    double e = 0, d = a / sqrt(2.0);
    for (int k = 0; k < 5; k++) {
        double r = d * sqrt(k + 1.0), x6 = pow(sigma / r, 6);
        e += 0.5 * z[k] * 4 * eps * (x6 * x6 - x6);
    }
    return e;
}

static inline double noise_fn(double x, double y, double z, int k)
{
    return sin(12.9898 * (1.3 * x + 7.1 * y + 3.7 * z) + 78.233 * k + 0.5);
}

static inline void inv3_test(const double a[3][3], double b[3][3])
{
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                 a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int i1 = (j + 1) % 3, i2 = (j + 2) % 3, j1 = (i + 1) % 3, j2 = (i + 2) % 3;
            b[i][j] = (a[i1][j1] * a[i2][j2] - a[i1][j2] * a[i2][j1]) / det;
        }
}

static inline int model_calc(void *ctx, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3])
{
    struct model *m = ctx;
    m->calls++;
    if (m->calls <= 64 && s->n_atom <= 8) memcpy(m->pos_at_call[m->calls - 1], s->pos, (size_t)s->n_atom * sizeof *s->pos);
    if (m->fail_at == m->calls) LS_ERROR(LS_ERR_CONVERGENCE, "test model: SCF did not converge (call %d)", m->calls);
    if (m->sigterm_at == m->calls) raise(SIGTERM);
    if (m->limit_at == m->calls) LS_ERROR(LS_ERR_LIMIT, "test model: wall-time limit (call %d)", m->calls);
    const int n = s->n_atom;
    double E = 0, sig[3][3] = {{0}};
    for (int i = 0; i < n; i++) forces[i][0] = forces[i][1] = forces[i][2] = 0;
    if (m->harmonic) {
        double dx[24];
        for (int i = 0; i < 3 * n; i++) dx[i] = s->pos[i / 3][i % 3] * LS_BOHR_ANGSTROM - m->x0[i];
        for (int i = 0; i < 3 * n; i++)
            for (int j = 0; j < 3 * n; j++) {
                E += 0.5 * dx[i] * m->K[i][j] * dx[j];
                forces[i / 3][i % 3] -= m->K[i][j] * dx[j];
            }
    } else {
        double cell[3][3], pos[8][3], recip[3][3], V;
        for (int i = 0; i < 9; i++) cell[i / 3][i % 3] = s->cell[i / 3][i % 3] * LS_BOHR_ANGSTROM;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 3; k++) pos[i][k] = s->pos[i][k] * LS_BOHR_ANGSTROM;
        inv3_test(cell, recip); /* columns of cell^-1: reciprocal vectors without the 2 pi */
        V = fabs(ls_cell_volume(cell));
        int nmax[3];
        for (int d = 0; d < 3; d++) {
            double len = sqrt(recip[0][d] * recip[0][d] + recip[1][d] * recip[1][d] + recip[2][d] * recip[2][d]);
            nmax[d] = (int)ceil(m->rc_a * len) + 1; /* plane spacing is 1/len */
        }
        const double s6 = pow(m->sigma_a, 6), s12 = s6 * s6;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int t0 = -nmax[0]; t0 <= nmax[0]; t0++)
                    for (int t1 = -nmax[1]; t1 <= nmax[1]; t1++)
                        for (int t2 = -nmax[2]; t2 <= nmax[2]; t2++) {
                            double r[3];
                            for (int k = 0; k < 3; k++)
                                r[k] = pos[j][k] - pos[i][k] + t0 * cell[0][k] + t1 * cell[1][k] + t2 * cell[2][k];
                            double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
                            if (r2 < 1e-12 || r2 >= m->rc_a * m->rc_a) continue;
                            double ir2 = 1 / r2, ir6 = ir2 * ir2 * ir2;
                            E += 0.5 * 4 * m->eps_ev * (s12 * ir6 * ir6 - s6 * ir6);
                            double dphi_r = 4 * m->eps_ev * (-12 * s12 * ir6 * ir6 + 6 * s6 * ir6) * ir2; /* phi'/r */
                            for (int a = 0; a < 3; a++) {
                                forces[i][a] += dphi_r * r[a];
                                for (int b = 0; b < 3; b++) sig[a][b] += 0.5 * dphi_r * r[a] * r[b] / V;
                            }
                        }
    }
    for (int i = 0; i < n; i++)
        for (int a = 0; a < 3; a++) {
            double x = s->pos[i][0] * LS_BOHR_ANGSTROM, y = s->pos[i][1] * LS_BOHR_ANGSTROM, z = s->pos[i][2] * LS_BOHR_ANGSTROM;
            forces[i][a] = (forces[i][a] + m->noise * noise_fn(x, y, z, 3 * i + a)) / LS_HA_BOHR_EV_A;
        }
    *energy = E / LS_HARTREE_EV;
    if (stress)
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double c = s->cell[0][0] + 2 * s->cell[1][1] + 3 * s->cell[2][2];
                stress[a][b] = (sig[a][b] * LS_EV_PER_A3_GPA + m->noise * noise_fn(c, 0, 0, 100 + 3 * (a < b ? a : b) + (a < b ? b : a))) / LS_HA_BOHR3_GPA;
            }
    return LS_OK;
}

/* Lennard-Jones with eps 0.1032 eV, sigma 2.615 Å (untidy, near argon's shape at ten times
 * its depth), cut at 2.555 sigma: midway between the fifth (2.450 sigma) and sixth (2.684
 * sigma) neighbour shells of the relaxed crystal. */
static inline void model_lj(struct model *m)
{
    memset(m, 0, sizeof *m);
    m->eps_ev = 0.1032;
    m->sigma_a = 2.615;
    m->rc_a = 2.555 * m->sigma_a;
}

/* The conventional fcc cell (4 atoms) of lattice constant a (Å), atom 1 moved by d (Å). */
static inline ls_structure *fcc_cell(double a, const double d[3])
{
    ls_structure *s = NULL;
    if (ls_structure_create(4, &s) != LS_OK) return NULL;
    const double f[4][3] = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
    for (int k = 0; k < 3; k++) s->cell[k][k] = a * LS_ANGSTROM_BOHR;
    for (int i = 0; i < 4; i++) {
        ls_structure_set_species(s, i, "Ar");
        for (int k = 0; k < 3; k++) s->pos[i][k] = (f[i][k] * a + (i == 1 && d ? d[k] : 0)) * LS_ANGSTROM_BOHR;
    }
    return s;
}

#endif
