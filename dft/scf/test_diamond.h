/* Helpers shared by the DFT tests of silicon in the diamond structure. */
#ifndef LS_DFT_TEST_DIAMOND_H
#define LS_DFT_TEST_DIAMOND_H

#include <math.h>

#include "common/structure.h"
#include "common/units.h"

/* How far (Å) atom 2 is from atom 1 + a/4 (1,1,1), the diamond position, in a two-atom fcc
 * primitive cell: a/4 (1,1,1) is (1/4, 1/4, 1/4) in fractional coordinates; the difference is
 * wrapped into the cell before it is measured. */
static inline double dft_test_diamond_error(const ls_structure *s)
{
    double f[2][3], d[3], err2 = 0;
    ls_structure_frac(s, f);
    for (int k = 0; k < 3; k++) {
        double x = f[1][k] - f[0][k] - 0.25;
        d[k] = x - floor(x + 0.5);
    }
    for (int k = 0; k < 3; k++) {
        double c = (d[0] * s->cell[0][k] + d[1] * s->cell[1][k] + d[2] * s->cell[2][k]) * LS_BOHR_ANGSTROM;
        err2 += c * c;
    }
    return sqrt(err2);
}

#endif
