/* Bravais lattices of pw.x inputs: ibrav with celldm(1..6) or A, B, C, cosAB, cosAC, cosBC,
 * into lattice vectors in bohr, with pw.x 6.7's exact formulas and orientations (the
 * orientation matters: positions in alat or crystal units and k-points in tpiba units refer
 * to it).  Documented in pw.x's INPUT_PW (QE 6.7), section "ibrav"; the vectors below are
 * those listed there, rows a1, a2, a3, with a = celldm(1):
 *
 *    1 sc       a(1,0,0), a(0,1,0), a(0,0,1)
 *    2 fcc      a/2(-1,0,1), a/2(0,1,1), a/2(-1,1,0)
 *    3 bcc      a/2(1,1,1), a/2(-1,1,1), a/2(-1,-1,1);   -3: a/2(-1,1,1), a/2(1,-1,1), a/2(1,1,-1)
 *    4 hex      a(1,0,0), a(-1/2,sqrt3/2,0), a(0,0,c/a)
 *    5 trig R   c = cos(alpha) = celldm(4), t1 = sqrt(1+2c), t2 = sqrt(1-c):
 *               a(t2/sqrt2, -t2/sqrt6, t1/sqrt3), a(0, sqrt2 t2/sqrt3, t1/sqrt3), a(-t2/sqrt2, -t2/sqrt6, t1/sqrt3)
 *   -5 trig R   (3-fold axis <111>) u = (t1 - 2 t2)/3, w = (t1 + t2)/3: a(u,w,w), a(w,u,w), a(w,w,u)
 *    6 tetra P  a(1,0,0), a(0,1,0), a(0,0,c/a)
 *    7 tetra I  a/2(1,-1,c/a), a/2(1,1,c/a), a/2(-1,-1,c/a)
 *    8 ortho P  a(1,0,0), a(0,b/a,0), a(0,0,c/a)
 *    9 ortho C  a(1/2,b/2a,0), a(-1/2,b/2a,0), a(0,0,c/a);  -9: a(1/2,-b/2a,0), a(1/2,b/2a,0), a(0,0,c/a)
 *   91 ortho A  a(1,0,0), a(0,b/2a,-c/2a), a(0,b/2a,c/2a)
 *   10 ortho F  a/2(1,0,c/a), a/2(1,b/a,0), a/2(0,b/a,c/a)
 *   11 ortho I  a/2(1,b/a,c/a), a/2(-1,b/a,c/a), a/2(-1,-b/a,c/a)
 *   12 mono P   (unique axis c) a(1,0,0), b(cos g, sin g, 0), c(0,0,1), cos g = celldm(4)
 *  -12 mono P   (unique axis b) a(1,0,0), b(0,1,0), c(cos b, 0, sin b), cos b = celldm(5)
 *   13 mono C   (unique axis c) a/2(1,0,-c/a), b(cos g, sin g, 0), a/2(1,0,c/a)
 *  -13 mono C   (unique axis b) a/2(1,b/a,0), a/2(-1,b/a,0), c(cos b,0,sin b) (as pw.x 6.7; QE 7 differs)
 *   14 tri      a(1,0,0), b(cos g, sin g, 0),
 *               c(cos b, (cos a - cos b cos g)/sin g, sqrt(1 + 2 cos a cos b cos g - cos^2 a
 *               - cos^2 b - cos^2 g)/sin g), cos a = celldm(4), cos b = celldm(5), cos g = celldm(6)
 *
 * pw.x evaluates ibrav 4, 5 and -5 with its constants sqrt(2) = 1.414213562373 and sqrt(3) =
 * 1.732050807569 (latgen.f90, to 13 digits); they are used here too, so that the vectors agree
 * with pw.x's to the last bit rather than to 1e-13.  A, B, C (Å) become celldm with pw.x 6.7's
 * bohr radius, 0.529177210903 Å (QE_BOHR_ANGSTROM), and the cosines as pw.x 6.7's cell_base_init does: cosBC,
 * cosAC, cosAB into celldm(4..6) for ibrav 14, cosAC into celldm(5) for -12 and -13, cosAB
 * into celldm(4) otherwise.  The checks and their messages follow pw.x's errors in latgen.
 */
#include <math.h>
#include <string.h>

#include "common/err.h"
#include "dft/input/input_qe.h"

#define QE_SR2 1.414213562373 /* pw.x's sqrt(2) and sqrt(3) (latgen.f90) */
#define QE_SR3 1.732050807569

int qe_lattice_abc_to_celldm(int ibrav, const double abc[6], double celldm[7], char *err, size_t n)
{
    const double a = abc[0], b = abc[1], c = abc[2], cosab = abc[3], cosac = abc[4], cosbc = abc[5];
    if (!(a > 0)) return snprintf(err, n, "A = %g: the lattice parameter must be positive (Å)", a), -1;
    if (b < 0 || c < 0) return snprintf(err, n, "B and C must not be negative (Å)"), -1;
    if (fabs(cosab) > 1 || fabs(cosac) > 1 || fabs(cosbc) > 1)
        return snprintf(err, n, "cosAB, cosAC and cosBC must lie between -1 and 1"), -1;
    memset(celldm, 0, 7 * sizeof *celldm);
    celldm[1] = a / QE_BOHR_ANGSTROM;
    celldm[2] = b / a;
    celldm[3] = c / a;
    if (ibrav == 14) {
        celldm[4] = cosbc;
        celldm[5] = cosac;
        celldm[6] = cosab;
    } else if (ibrav == -12 || ibrav == -13) {
        celldm[5] = cosac;
    } else {
        celldm[4] = cosab;
    }
    return 0;
}

/* The celldm(i) an ibrav needs, as a bit set (bit i = celldm(i)). */
static unsigned needed(int ibrav)
{
    switch (ibrav) {
    case 4: case 6: case 7: return 1u << 3;
    case 5: case -5: return 1u << 4;
    case 8: case 9: case -9: case 91: case 10: case 11: return (1u << 2) | (1u << 3);
    case 12: case 13: return (1u << 2) | (1u << 3) | (1u << 4);
    case -12: case -13: return (1u << 2) | (1u << 3) | (1u << 5);
    case 14: return (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6);
    default: return 0;
    }
}

int qe_lattice_known(int ibrav)
{
    return (ibrav >= 1 && ibrav <= 14) || ibrav == -3 || ibrav == -5 || ibrav == -9 || ibrav == 91 ||
           ibrav == -12 || ibrav == -13;
}

int qe_lattice_vectors(int ibrav, const double celldm[7], double v[3][3], char *err, size_t n)
{
    memset(v, 0, 9 * sizeof v[0][0]);
    const double a = celldm[1], r2 = celldm[2], r3 = celldm[3], c4 = celldm[4], c5 = celldm[5], c6 = celldm[6];
    if (!qe_lattice_known(ibrav))
        return snprintf(err, n, "ibrav = %d is not a Bravais lattice of pw.x 6.7 (0-14, -3, -5, -9, 91, -12, "
                        "-13)", ibrav), -1;
    if (!(a > 0)) return snprintf(err, n, "celldm(1) (or A) must be positive for ibrav = %d", ibrav), -1;
    unsigned need = needed(ibrav);
    for (int i = 2; i <= 3; i++)
        if ((need >> i & 1u) && !(celldm[i] > 0))
            return snprintf(err, n, "ibrav = %d needs celldm(%d) > 0 (%s/A)", ibrav, i, i == 2 ? "B" : "C"), -1;
    for (int i = 4; i <= 6; i++)
        if ((need >> i & 1u) && !(fabs(celldm[i]) < 1))
            return snprintf(err, n, "ibrav = %d needs -1 < celldm(%d) < 1 (a cosine)", ibrav, i), -1;
    switch (ibrav) {
    case 1:
        v[0][0] = v[1][1] = v[2][2] = a;
        break;
    case 2: {
        double t = a / 2;
        v[0][0] = -t, v[0][2] = t;
        v[1][1] = t, v[1][2] = t;
        v[2][0] = -t, v[2][1] = t;
        break;
    }
    case 3: case -3: {
        double t = a / 2;
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++) v[i][k] = t;
        if (ibrav < 0) {
            v[0][0] = -t, v[1][1] = -t, v[2][2] = -t;
        } else {
            v[1][0] = -t, v[2][0] = -t, v[2][1] = -t;
        }
        break;
    }
    case 4:
        v[0][0] = a;
        v[1][0] = -a / 2, v[1][1] = a * QE_SR3 / 2;
        v[2][2] = a * r3;
        break;
    case 5: case -5: {
        if (c4 <= -0.5 || c4 >= 1)
            return snprintf(err, n, "ibrav = %d needs -1/2 < celldm(4) < 1 (cos alpha)", ibrav), -1;
        double t1 = sqrt(1 + 2 * c4), t2 = sqrt(1 - c4);
        if (ibrav == 5) {
            v[1][1] = QE_SR2 * a * t2 / QE_SR3;
            v[1][2] = a * t1 / QE_SR3;
            v[0][0] = a * t2 / QE_SR2;
            v[0][1] = -v[0][0] / QE_SR3;
            v[0][2] = v[1][2];
            v[2][0] = -v[0][0];
            v[2][1] = v[0][1];
            v[2][2] = v[1][2];
        } else {
            double u = a * (t1 - 2 * t2) / 3, w = a * (t1 + t2) / 3;
            v[0][0] = u, v[0][1] = w, v[0][2] = w;
            v[1][0] = w, v[1][1] = u, v[1][2] = w;
            v[2][0] = w, v[2][1] = w, v[2][2] = u;
        }
        break;
    }
    case 6:
        v[0][0] = a, v[1][1] = a, v[2][2] = a * r3;
        break;
    case 7:
        v[1][0] = a / 2, v[1][1] = a / 2, v[1][2] = r3 * a / 2;
        v[0][0] = a / 2, v[0][1] = -a / 2, v[0][2] = v[1][2];
        v[2][0] = -a / 2, v[2][1] = -a / 2, v[2][2] = v[1][2];
        break;
    case 8:
        v[0][0] = a, v[1][1] = a * r2, v[2][2] = a * r3;
        break;
    case 9: case -9:
        v[0][0] = 0.5 * a;
        if (ibrav == 9) {
            v[0][1] = v[0][0] * r2;
            v[1][0] = -v[0][0], v[1][1] = v[0][1];
        } else {
            v[0][1] = -v[0][0] * r2;
            v[1][0] = v[0][0], v[1][1] = -v[0][1];
        }
        v[2][2] = a * r3;
        break;
    case 91:
        v[0][0] = a;
        v[1][1] = a * r2 * 0.5, v[1][2] = -a * r3 * 0.5;
        v[2][1] = v[1][1], v[2][2] = -v[1][2];
        break;
    case 10:
        v[1][0] = 0.5 * a, v[1][1] = v[1][0] * r2;
        v[0][0] = v[1][0], v[0][2] = v[1][0] * r3;
        v[2][1] = v[1][0] * r2, v[2][2] = v[0][2];
        break;
    case 11:
        v[0][0] = 0.5 * a, v[0][1] = v[0][0] * r2, v[0][2] = v[0][0] * r3;
        v[1][0] = -v[0][0], v[1][1] = v[0][1], v[1][2] = v[0][2];
        v[2][0] = -v[0][0], v[2][1] = -v[0][1], v[2][2] = v[0][2];
        break;
    case 12: {
        double s = sqrt(1 - c4 * c4);
        v[0][0] = a;
        v[1][0] = a * r2 * c4, v[1][1] = a * r2 * s;
        v[2][2] = a * r3;
        break;
    }
    case -12: {
        double s = sqrt(1 - c5 * c5);
        v[0][0] = a;
        v[1][1] = a * r2;
        v[2][0] = a * r3 * c5, v[2][2] = a * r3 * s;
        break;
    }
    case 13: {
        double s = sqrt(1 - c4 * c4);
        v[0][0] = 0.5 * a, v[0][2] = -v[0][0] * r3;
        v[1][0] = a * r2 * c4, v[1][1] = a * r2 * s;
        v[2][0] = v[0][0], v[2][2] = -v[0][2];
        break;
    }
    case -13: { /* pw.x 6.7's orientation (later versions swap a1 and a2 and change signs) */
        double s = sqrt(1 - c5 * c5);
        v[0][0] = 0.5 * a, v[0][1] = 0.5 * a * r2;
        v[1][0] = -v[0][0], v[1][1] = v[0][1];
        v[2][0] = a * r3 * c5, v[2][2] = a * r3 * s;
        break;
    }
    case 14: {
        double sg = sqrt(1 - c6 * c6);
        double t = 1 + 2 * c4 * c5 * c6 - c4 * c4 - c5 * c5 - c6 * c6;
        if (t < 0)
            return snprintf(err, n, "ibrav = 14: the angles of celldm(4..6) (cosBC, cosAC, cosAB) do not make a "
                            "cell (1 + 2 cos a cos b cos g - cos^2 a - cos^2 b - cos^2 g < 0)"), -1;
        t = sqrt(t / (1 - c6 * c6));
        v[0][0] = a;
        v[1][0] = a * r2 * c6, v[1][1] = a * r2 * sg;
        v[2][0] = a * r3 * c5, v[2][1] = a * r3 * (c4 - c5 * c6) / sg, v[2][2] = a * r3 * t;
        break;
    }
    }
    return 0;
}
