/* Explicit k-point lists (pw.x's K_POINTS tpiba/crystal, dft_params.klist): as given, or
 * treated as pw.x 6.7 treats them in scf and nscf runs (setup.f90, irreducible_BZ):
 *
 *  1. The list is taken to lie in the irreducible wedge of the Bravais lattice's point group
 *     G.  Each point k with weight w is expanded into its star {R k : R in G} (distinct points
 *     modulo reciprocal lattice vectors, to 1e-5), each star point with weight w / |star|.
 *  2. The star is reduced by the crystal's point group H (and time reversal, k ~ -k): star
 *     points related by H are one k-point whose weight is the sum.  The first is k itself.
 *  3. The weights of all points are normalised to 1.  The given points keep their order; the
 *     points a star adds follow them, in the order of the input (as pw.x's irrek lists them).
 *
 * G is found as pw.x's set_sym_bl finds it, so that the same stars result: the 24 proper
 * rotations of the cube (signed permutation matrices of determinant 1) and the 8 further
 * proper rotations of the hexagonal lattice with c along z (rotations by 60 and 120 degrees
 * about z, two-fold axes in the xy plane at +-30 and +-60 degrees), in Cartesian coordinates,
 * are kept when they map the lattice onto itself (integer in crystal coordinates to 1e-6);
 * a count other than 1, 2, 4, 6, 8, 12 or 24 is not a point group of a lattice (a cell in an
 * odd orientation), and G is then the identity, as in pw.x; inversion is then added.  The
 * trigonometric constants are pw.x's (sin 60 = 0.866025403784438597).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/symmetry.h"
#include "dft/basis/kpoints.h"

#define SIN60 0.866025403784438597

static int det3i(const int m[3][3])
{
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

/* The 32 candidate proper rotations (Cartesian). */
static int candidates(double c[32][3][3])
{
    int n = 0;
    static const int perm[6][3] = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}, {2, 1, 0}, {1, 0, 2}};
    for (int p = 0; p < 6; p++)
        for (int s = 0; s < 8; s++) {
            int m[3][3] = {{0}};
            for (int i = 0; i < 3; i++) m[i][perm[p][i]] = (s >> i & 1) ? -1 : 1;
            if (det3i((const int(*)[3])m) != 1) continue;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) c[n][i][j] = m[i][j];
            n++;
        }
    /* rotations about z by +-60 and +-120 degrees */
    const double cs[4][2] = {{0.5, SIN60}, {0.5, -SIN60}, {-0.5, SIN60}, {-0.5, -SIN60}};
    for (int r = 0; r < 4; r++, n++) {
        memset(c[n], 0, sizeof c[n]);
        c[n][0][0] = cs[r][0], c[n][0][1] = -cs[r][1];
        c[n][1][0] = cs[r][1], c[n][1][1] = cs[r][0];
        c[n][2][2] = 1;
    }
    /* two-fold axes in the xy plane at angle t/2: [[cos t, sin t, 0], [sin t, -cos t, 0], [0, 0, -1]],
     * t = +-60, +-120 degrees */
    for (int r = 0; r < 4; r++, n++) {
        memset(c[n], 0, sizeof c[n]);
        c[n][0][0] = cs[r][0], c[n][0][1] = cs[r][1];
        c[n][1][0] = cs[r][1], c[n][1][1] = -cs[r][0];
        c[n][2][2] = -1;
    }
    return n;
}

static void inv3(const double m[3][3], double out[3][3])
{
    double d = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
               m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            int i1 = (j + 1) % 3, i2 = (j + 2) % 3, j1 = (i + 1) % 3, j2 = (i + 2) % 3;
            out[i][j] = (m[i1][j1] * m[i2][j2] - m[i1][j2] * m[i2][j1]) / d;
        }
}

static int is_group(int n, int (*r)[3][3])
{
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++) {
            int p[3][3] = {{0}}, found = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    for (int k = 0; k < 3; k++) p[i][j] += r[a][i][k] * r[b][k][j];
            for (int c = 0; c < n && !found; c++) found = !memcmp(p, r[c], sizeof p);
            if (!found) return 0;
        }
    return 1;
}

int dft_lattice_rotations(const double cell[3][3], int rot[48][3][3], int *n_rot)
{
    /* R = A^-T C A^T acts on fractional coordinates (x' = R x), A the rows of cell. */
    double at[3][3], ait[3][3], cand[32][3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) at[i][j] = cell[j][i];
    inv3(at, ait);
    int nc = candidates(cand), n = 0;
    for (int c = 0; c < nc; c++) {
        double t[3][3] = {{0}}, r[3][3] = {{0}};
        int ok = 1;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) t[i][j] += cand[c][i][k] * at[k][j];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) r[i][j] += ait[i][k] * t[k][j];
                if (fabs(r[i][j] - nearbyint(r[i][j])) > 1e-6) ok = 0;
            }
        if (!ok) continue;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) rot[n][i][j] = (int)nearbyint(r[i][j]);
        n++;
    }
    if (n != 1 && n != 2 && n != 4 && n != 6 && n != 8 && n != 12 && n != 24) n = 1; /* pw.x's rule */
    for (int i = 0; i < n; i++) /* inversion */
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) rot[n + i][a][b] = -rot[i][a][b];
    n *= 2;
    if (!is_group(n, rot)) {
        memset(rot, 0, sizeof rot[0]);
        rot[0][0][0] = rot[0][1][1] = rot[0][2][2] = 1;
        rot[1][0][0] = rot[1][1][1] = rot[1][2][2] = -1;
        n = 2;
    }
    *n_rot = n;
    return LS_OK;
}

/* k' = R^T k (see kpoints.h), sign = -1 for time reversal. */
static void rotate(const int r[3][3], int sign, const double k[3], double out[3])
{
    for (int a = 0; a < 3; a++) out[a] = sign * (r[0][a] * k[0] + r[1][a] * k[1] + r[2][a] * k[2]);
}

static int same_k(const double a[3], const double b[3])
{
    for (int d = 0; d < 3; d++) {
        double x = a[d] - b[d];
        if (fabs(x - nearbyint(x)) > 1e-5) return 0;
    }
    return 1;
}

int dft_kpoints_list(const struct dft_kpoint_in *in, int n_in, int expand, const double cell[3][3], int n_op,
                     const int (*rot)[3][3], int time_reversal, dft_kpoints **out)
{
    *out = NULL;
    int lat[48][3][3], n_lat = 1;
    memset(lat, 0, sizeof lat);
    lat[0][0][0] = lat[0][1][1] = lat[0][2][2] = 1;
    if (expand) LS_TRY(dft_lattice_rotations(cell, lat, &n_lat));
    int n_h = n_op > 0 ? n_op : 1;
    static const int identity[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    long cap = (long)n_in * (expand ? n_lat : 1);
    dft_kpoints *kp = calloc(1, sizeof *kp);
    double (*star)[3] = malloc(48 * sizeof *star);
    double *star_w = malloc(48 * sizeof *star_w);
    int *orbit = malloc(48 * sizeof *orbit);
    if (kp) {
        kp->k = malloc((size_t)cap * sizeof *kp->k);
        kp->weight = malloc((size_t)cap * sizeof *kp->weight);
    }
    double (*extra)[3] = malloc((size_t)cap * sizeof *extra);
    double *extra_w = malloc((size_t)cap * sizeof *extra_w);
    int status = LS_OK, n_extra = 0;
    if (!kp || !kp->k || !kp->weight || !star || !star_w || !orbit || !extra || !extra_w)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for %ld k-points", cap);
    for (int i = 0; i < n_in; i++) {
        /* the star under G: distinct points, k itself first (G's first element is the identity) */
        int ns = 0;
        for (int g = 0; g < (expand ? n_lat : 1); g++) {
            double k[3];
            rotate((const int(*)[3])lat[g], 1, in[i].k, k);
            int dup = 0;
            for (int s = 0; s < ns && !dup; s++) dup = same_k(star[s], k);
            if (!dup) memcpy(star[ns++], k, sizeof k);
        }
        /* orbits under H (+ time reversal): orbit[s] = index of the first star point of its orbit */
        for (int s = 0; s < ns; s++) {
            orbit[s] = s;
            for (int t = 0; t < s && orbit[s] == s; t++) {
                if (orbit[t] != t) continue;
                for (int h = 0; h < n_h && orbit[s] == s; h++)
                    for (int sign = 1; sign >= (time_reversal ? -1 : 1); sign -= 2) {
                        double k[3];
                        rotate(n_op > 0 ? rot[h] : identity, sign, star[t], k);
                        if (same_k(k, star[s])) {
                            orbit[s] = t;
                            break;
                        }
                    }
            }
        }
        for (int s = 0; s < ns; s++) star_w[s] = 0;
        for (int s = 0; s < ns; s++) star_w[orbit[s]] += in[i].weight / ns;
        memcpy(kp->k[i], star[0], sizeof star[0]);
        kp->weight[i] = star_w[0];
        for (int s = 1; s < ns; s++)
            if (orbit[s] == s) {
                memcpy(extra[n_extra], star[s], sizeof star[s]);
                extra_w[n_extra++] = star_w[s];
            }
    }
    int n = n_in;
    for (int e = 0; e < n_extra; e++, n++) {
        memcpy(kp->k[n], extra[e], sizeof extra[e]);
        kp->weight[n] = extra_w[e];
    }
    double sum = 0;
    for (int ik = 0; ik < n; ik++) sum += kp->weight[ik];
    if (!(sum > 0)) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "the k-point weights add up to 0");
    for (int ik = 0; ik < n; ik++) kp->weight[ik] /= sum;
    kp->n_kpt = n;
    *out = kp;
    kp = NULL;
done:
    dft_kpoints_destroy(kp);
    free(star);
    free(star_w);
    free(orbit);
    free(extra);
    free(extra_w);
    return status;
}
