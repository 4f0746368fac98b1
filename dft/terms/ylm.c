/* Real spherical harmonics up to l = 3.
 *
 * Y_lm for m > 0 ~ sqrt(2) N_lm P_l^m(cos theta) cos(m phi), m < 0 ~ sqrt(2) N_l|m| P_l^|m| sin(|m| phi),
 * m = 0 ~ N_l0 P_l(cos theta), written as polynomials in the unit vector (x, y, z), normalised
 * so that the integral of Y_lm^2 over the unit sphere is 1 (M. A. Blanco, M. Florez, M. Bermejo,
 * J. Mol. Struct. THEOCHEM 419, 19 (1997), doi:10.1016/S0166-1280(97)00185-1).  Any fixed real
 * basis of each l works for the Kleinman-Bylander sum, which only needs sum_m Y_lm(a) Y_lm(b)
 * = (2l+1)/(4 pi) P_l(a.b).
 */
#include <math.h>

#include "dft/scf/system.h"

void dft_ylm_real(int l, const double v[3], double *ylm)
{
    double r = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    double x = 0, y = 0, z = 0;
    if (r > 1e-14) {
        x = v[0] / r;
        y = v[1] / r;
        z = v[2] / r;
    }
    const double pi = M_PI;
    switch (l) {
    case 0: ylm[0] = 0.5 * sqrt(1.0 / pi); break;
    case 1: {
        double c = sqrt(3.0 / (4.0 * pi));
        ylm[0] = c * y;
        ylm[1] = c * z;
        ylm[2] = c * x;
        break;
    }
    case 2: {
        double c1 = 0.5 * sqrt(15.0 / pi), c0 = 0.25 * sqrt(5.0 / pi), c2 = 0.25 * sqrt(15.0 / pi);
        ylm[0] = c1 * x * y;
        ylm[1] = c1 * y * z;
        ylm[2] = c0 * (3 * z * z - 1);
        ylm[3] = c1 * x * z;
        ylm[4] = c2 * (x * x - y * y);
        break;
    }
    case 3: {
        double c3 = 0.25 * sqrt(35.0 / (2 * pi)), c2 = 0.5 * sqrt(105.0 / pi), c1 = 0.25 * sqrt(21.0 / (2 * pi)),
               c0 = 0.25 * sqrt(7.0 / pi), c2b = 0.25 * sqrt(105.0 / pi);
        ylm[0] = c3 * y * (3 * x * x - y * y);
        ylm[1] = c2 * x * y * z;
        ylm[2] = c1 * y * (5 * z * z - 1);
        ylm[3] = c0 * z * (5 * z * z - 3);
        ylm[4] = c1 * x * (5 * z * z - 1);
        ylm[5] = c2b * z * (x * x - y * y);
        ylm[6] = c3 * x * (x * x - 3 * y * y);
        break;
    }
    default:
        for (int m = 0; m < 2 * l + 1; m++) ylm[m] = 0;
    }
}
