/* Tests of explicit k-point lists (dft/basis/kpoints_list.c): the lattice point group found as
 * pw.x finds it, and pw.x's irreducible_BZ expansion of a list for a crystal of lower symmetry.
 *
 * Reference (pw.x 6.7, Debian quantum-espresso 6.7-2, run 2026-12-07 with verbosity = 'high'):
 * fcc, celldm(1) = 10.2, Si at alat (0,0,0) and (0.25,0.25,0.27) (the second atom moved off
 * the diamond site: 4 symmetry operations), K_POINTS tpiba with (0.25,0.25,0.25) weight 1 and
 * (0.25,0.25,0.75) weight 3.  pw.x prints "number of k points= 6":
 *   k(1) = ( 0.25  0.25  0.25), wk = 0.25     k(4) = ( 0.25 -0.25  0.75), wk = 0.25
 *   k(2) = ( 0.25  0.25  0.75), wk = 0.25     k(5) = ( 0.75 -0.25  0.25), wk = 0.50
 *   k(3) = ( 0.25 -0.25  0.25), wk = 0.25     k(6) = (-0.75 -0.25 -0.25), wk = 0.50
 * (tpiba; pw.x's weights sum to 2, the spin factor).  The test checks the count, the weights,
 * and that each point is equivalent to pw.x's under the crystal's operations and k -> -k.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/symmetry.h"
#include "common/test.h"
#include "dft/basis/kpoints.h"

static const double ALAT = 10.2;

static void fcc(double cell[3][3])
{
    double t = ALAT / 2; /* pw.x's ibrav = 2 */
    double a[3][3] = {{-t, 0, t}, {0, t, t}, {-t, t, 0}};
    memcpy(cell, a, sizeof a);
}

/* tpiba -> fractional: k_i = k . a_i / alat */
static void to_frac(const double cell[3][3], const double k[3], double f[3])
{
    for (int i = 0; i < 3; i++) f[i] = (k[0] * cell[i][0] + k[1] * cell[i][1] + k[2] * cell[i][2]) / ALAT;
}

static void test_lattice_groups(void)
{
    double cell[3][3];
    int rot[48][3][3], n;
    fcc(cell);
    LS_CHECK_OK(dft_lattice_rotations(cell, rot, &n));
    LS_CHECK(n == 48);
    double hex[3][3] = {{5.1, 0, 0}, {-2.55, 5.1 * 0.866025403784438597, 0}, {0, 0, 8.3}};
    LS_CHECK_OK(dft_lattice_rotations(hex, rot, &n));
    LS_CHECK(n == 24);
    double tri[3][3] = {{5.1, 0, 0}, {0.7, 5.3, 0}, {0.4, 0.9, 6.2}};
    LS_CHECK_OK(dft_lattice_rotations(tri, rot, &n));
    LS_CHECK(n == 2); /* identity and inversion */
    /* a cubic cell turned by 10 degrees about z: pw.x's Cartesian candidates miss its axes */
    double c = cos(10 * M_PI / 180), s = sin(10 * M_PI / 180);
    double turned[3][3] = {{6 * c, 6 * s, 0}, {-6 * s, 6 * c, 0}, {0, 0, 6}};
    LS_CHECK_OK(dft_lattice_rotations(turned, rot, &n));
    LS_CHECK(n == 8); /* the rotations about z by 90 and 180 degrees survive, and inversion: 4 x 2 */
}

static void test_irreducible_bz(void)
{
    double cell[3][3];
    fcc(cell);
    ls_structure *st = NULL;
    LS_CHECK_OK(ls_structure_create(2, &st));
    memcpy(st->cell, cell, sizeof cell);
    LS_CHECK_OK(ls_structure_set_species(st, 0, "Si"));
    LS_CHECK_OK(ls_structure_set_species(st, 1, "Si"));
    double tau[2][3] = {{0, 0, 0}, {0.25, 0.25, 0.27}};
    for (int a = 0; a < 2; a++)
        for (int k = 0; k < 3; k++) st->pos[a][k] = tau[a][k] * ALAT;
    ls_symops *ops = NULL;
    LS_CHECK_OK(ls_symops_create(st, 0.0, &ops));
    /* 8 operations: pw.x finds 4 and drops the 4 whose fractional translation does not fit its FFT
     * grid; Lodestone chooses a grid that fits them.  Both give the same orbits of k-points (the
     * 4 dropped ones are the 4 kept times the inversion, which time reversal already supplies). */
    LS_CHECK(ops && ops->n_op == 8);
    struct dft_kpoint_in in[2] = {{{0}, 1.0, ""}, {{0}, 3.0, ""}};
    double k0[2][3] = {{0.25, 0.25, 0.25}, {0.25, 0.25, 0.75}};
    for (int i = 0; i < 2; i++) to_frac(cell, k0[i], in[i].k);
    dft_kpoints *kp = NULL;
    LS_CHECK_OK(dft_kpoints_list(in, 2, 1, (const double(*)[3])cell, ops->n_op, (const int(*)[3][3])ops->rotations, 1, &kp));
    static const double ref_k[6][3] = {{0.25, 0.25, 0.25}, {0.25, 0.25, 0.75}, {0.25, -0.25, 0.25},
                                       {0.25, -0.25, 0.75}, {0.75, -0.25, 0.25}, {-0.75, -0.25, -0.25}};
    static const double ref_w[6] = {0.25, 0.25, 0.25, 0.25, 0.5, 0.5}; /* / 2: pw.x prints the spin factor */
    LS_CHECK(kp && kp->n_kpt == 6);
    /* pw.x's points, in its order; Lodestone's in the same order but for the two added by the second
     * star, whose representatives come in the other order (equal weights): match them as a set */
    int used[6] = {0};
    for (int j = 0; kp && j < 6 && kp->n_kpt == 6; j++) {
        double f[3];
        to_frac(cell, ref_k[j], f);
        int found = -1;
        for (int ik = 0; ik < 6 && found < 0; ik++) {
            if (used[ik] || fabs(kp->weight[ik] - ref_w[j] / 2) > 1e-14) continue;
            for (int op = 0; op < ops->n_op && found < 0; op++)
                for (int sign = 1; sign >= -1 && found < 0; sign -= 2) {
                    int same = 1;
                    for (int a = 0; a < 3; a++) {
                        double r = 0;
                        for (int b = 0; b < 3; b++) r += ops->rotations[op][b][a] * kp->k[ik][b];
                        double d = sign * r - f[a];
                        if (fabs(d - nearbyint(d)) > 1e-9) same = 0;
                    }
                    if (same) found = ik;
                }
        }
        LS_CHECK_MSG(found >= 0, "pw.x's k-point %d (weight %g) has no equivalent of that weight", j + 1, ref_w[j] / 2);
        if (found >= 0) used[found] = 1;
        if (j < 4) LS_CHECK_MSG(found == j, "pw.x's k-point %d is Lodestone's %d", j + 1, found + 1);
    }
    /* as given (bands runs): the same two points, weights normalised */
    dft_kpoints_destroy(kp);
    LS_CHECK_OK(dft_kpoints_list(in, 2, 0, (const double(*)[3])cell, ops->n_op, (const int(*)[3][3])ops->rotations, 1, &kp));
    LS_CHECK(kp && kp->n_kpt == 2);
    if (kp) {
        LS_CHECK_NEAR(kp->weight[0], 0.25, 1e-15);
        LS_CHECK_NEAR(kp->weight[1], 0.75, 1e-15);
    }
    /* the diamond crystal (full symmetry): the list stays as given (pw.x's scf.in: 2 k-points, 1:3) */
    dft_kpoints_destroy(kp);
    st->pos[1][2] = 0.25 * ALAT;
    ls_symops_destroy(ops);
    LS_CHECK_OK(ls_symops_create(st, 0.0, &ops));
    LS_CHECK_OK(dft_kpoints_list(in, 2, 1, (const double(*)[3])cell, ops->n_op, (const int(*)[3][3])ops->rotations, 1, &kp));
    LS_CHECK(kp && kp->n_kpt == 2);
    if (kp) LS_CHECK_NEAR(kp->weight[1], 0.75, 1e-14);
    dft_kpoints_destroy(kp);
    ls_symops_destroy(ops);
    ls_structure_destroy(st);
}

int main(void)
{
    LS_RUN(test_lattice_groups);
    LS_RUN(test_irreducible_bz);
    return ls_test_summary("test_kpoints_list");
}
