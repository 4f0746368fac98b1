/* The chain POSCAR -> extended XYZ -> CIF -> POSCAR keeps the cell and the positions to
 * 1e-8 Å (foundation issue acceptance).  The starting cell is triclinic and in the CIF
 * orientation (a along x, b in the xy plane), so Cartesian vectors can be compared directly;
 * the positions are untidy numbers and include an atom outside [0, 1) that the CIF step wraps:
 * compared modulo lattice vectors. */
#include <math.h>
#include <stdio.h>

#include "common/err.h"
#include "common/io.h"
#include "common/structure.h"
#include "common/test.h"
#include "common/units.h"

static void test_chain(void)
{
    char p0[512], x1[512], c2[512], p3[512];
    ls_test_tmp_path(p0, sizeof p0, "chain0.vasp");
    ls_test_tmp_path(x1, sizeof x1, "chain1.xyz");
    ls_test_tmp_path(c2, sizeof c2, "chain2.cif");
    ls_test_tmp_path(p3, sizeof p3, "chain3.vasp");
    FILE *f = fopen(p0, "w");
    if (!f) return;
    fputs("triclinic test cell\n1.0\n"
          "  5.4312345678901234  0.0  0.0\n"
          "  1.2345678912345678  6.1098765432109876  0.0\n"
          "  -0.9876543219876543  1.1122334455667788  7.2385123456789012\n"
          "Fe O Si\n1 2 1\nDirect\n"
          "0.0123456789012345 0.2345678901234567 0.3456789012345678\n"
          "0.5123456789012345 0.6234567890123456 0.7345678901234567\n"
          "1.1111111111111111 -0.1234567890123456 0.4444444444444444\n"
          "0.8765432109876543 0.3210987654321098 0.9876543210987654\n",
          f);
    fclose(f);
    ls_structure *s0 = NULL, *s1 = NULL, *s2 = NULL, *s3 = NULL;
    LS_CHECK_OK(ls_structure_read(p0, LS_FORMAT_AUTO, &s0));
    if (!s0) return;
    LS_CHECK_OK(ls_structure_write(x1, LS_FORMAT_AUTO, s0));
    LS_CHECK_OK(ls_structure_read(x1, LS_FORMAT_AUTO, &s1));
    if (s1) LS_CHECK_OK(ls_structure_write(c2, LS_FORMAT_AUTO, s1));
    LS_CHECK_OK(ls_structure_read(c2, LS_FORMAT_AUTO, &s2));
    if (s2) LS_CHECK_OK(ls_structure_write(p3, LS_FORMAT_AUTO, s2));
    LS_CHECK_OK(ls_structure_read(p3, LS_FORMAT_AUTO, &s3));
    if (s3) {
        LS_CHECK(s3->n_atom == 4);
        double cell_err = 0, pos_err = 0;
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++) cell_err = fmax(cell_err, fabs(s3->cell[i][k] - s0->cell[i][k]));
        double f0[4][3], f3[4][3];
        LS_CHECK_OK(ls_structure_frac(s0, f0));
        LS_CHECK_OK(ls_structure_frac(s3, f3));
        for (int a = 0; a < 4; a++) {
            LS_CHECK(s3->z[a] == s0->z[a]);
            double d[3], r[3];
            for (int k = 0; k < 3; k++) {
                d[k] = f3[a][k] - f0[a][k];
                d[k] -= round(d[k]);
            }
            for (int k = 0; k < 3; k++) r[k] = d[0] * s0->cell[0][k] + d[1] * s0->cell[1][k] + d[2] * s0->cell[2][k];
            pos_err = fmax(pos_err, sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]));
        }
        cell_err *= LS_BOHR_ANGSTROM;
        pos_err *= LS_BOHR_ANGSTROM;
        LS_CHECK_MSG(cell_err < 1e-8, "cell changed by %.3g Å", cell_err);
        LS_CHECK_MSG(pos_err < 1e-8, "positions changed by %.3g Å", pos_err);
        printf("  POSCAR -> extxyz -> CIF -> POSCAR: cell %.2g Å, positions %.2g Å\n", cell_err, pos_err);
    }
    ls_structure_destroy(s0);
    ls_structure_destroy(s1);
    ls_structure_destroy(s2);
    ls_structure_destroy(s3);
}

int main(void)
{
    LS_RUN(test_chain);
    return ls_test_summary("test_formats_roundtrip");
}
