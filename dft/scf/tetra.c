/* The tetrahedron method (see tetra.h).
 *
 * Tetrahedra.  Mesh point (i, j, k) (along b1, b2, b3; index k + j n3 + i n2 n3, the order of
 * dft_kpoints_mp) with neighbours p = (i+1, j, k) etc., modulo the mesh.
 *  - Bloechl: the cell's corners c0 = (0,0,0), c1 = (1,0,0), c2 = (0,1,0), c3 = (1,1,0),
 *    c4 = (0,0,1), c5 = (1,0,1), c6 = (0,1,1), c7 = (1,1,1) in units of the mesh steps; the
 *    tetrahedra {c0 c1 c2 c5}, {c1 c2 c3 c5}, {c0 c2 c4 c5}, {c2 c3 c5 c7}, {c2 c5 c6 c7},
 *    {c2 c4 c5 c6} (Quantum ESPRESSO's tetra_init).
 *  - Linear and optimised: the 6 tetrahedra share the shortest of the cell's four diagonals
 *    (with steps b_i / n_i); they follow the 6 orders of the three axes from the diagonal's
 *    start.  The optimised method adds 16 points around each tetrahedron (points 5..20: twice
 *    a corner minus another, and three-corner combinations) and fits the corner energies
 *    e_j = sum_i W_ji e(point i) with Kawamura's 4 x 20 matrix W (W/1260, eq. 16 of the paper);
 *    the linear method has W = 1 and 4 points.
 * Every point maps to its irreducible k-point (kp->mesh_map).
 *
 * Weights.  Energies sorted e1 <= e2 <= e3 <= e4 in each tetrahedron of volume 1/N_t.
 *  - Bloechl (eqs. B1-B8 of the paper): the linear integrated occupation of each corner plus
 *    the correction dos(E_F) (sum_j e_j - 4 e_i) / 40; the Fermi level from the linear count
 *    of electrons (QE's sumkt) by bisection from the bracket [min_k e(nlw), max_k e(nbnd)],
 *    nlw = max(1, round(N/2 - 5)), to |N(E_F) - N| < 1e-10, keeping the best midpoint.
 *  - Linear and optimised: the occupied volume of the fitted tetrahedron split over its
 *    corners with a_ij = (E_F - e_j) / (e_i - e_j), then spread back over the points by W;
 *    the Fermi level by bisection between the lowest and highest eigenvalue, to 1e-10
 *    electrons; degenerate states (within 1e-6 Ry) share their weights equally, as
 *    pw.x's opt_tetra_weights_only does.
 */
#include "dft/scf/tetra.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

void dft_tetra_destroy(dft_tetra *t)
{
    if (!t) return;
    free(t->corner);
    free(t);
}

static long mesh_index(const int n[3], int i, int j, int k)
{
    i = ((i % n[0]) + n[0]) % n[0];
    j = ((j % n[1]) + n[1]) % n[1];
    k = ((k % n[2]) + n[2]) % n[2];
    return (long)k + (long)n[2] * ((long)j + (long)n[1] * i);
}

/* Kawamura's W x 1260, rows j = 1..4, columns i = 1..20. */
static const double W_OPT[4][20] = {
    {1440, 0, 30, 0, -38, 7, 17, -28, -56, 9, -46, 9, -38, -28, 17, 7, -18, -18, 12, -18},
    {0, 1440, 0, 30, -28, -38, 7, 17, 9, -56, 9, -46, 7, -38, -28, 17, -18, -18, -18, 12},
    {30, 0, 1440, 0, 17, -28, -38, 7, -46, 9, -56, 9, 17, 7, -38, -28, 12, -18, -18, -18},
    {0, 30, 0, 1440, 7, 17, -28, -38, 9, -46, 9, -56, -28, 17, 7, -38, -18, 12, -18, -18},
};

int dft_tetra_create(const dft_kpoints *kp, const double recip[3][3], enum dft_tetrahedra kind, dft_tetra **out)
{
    *out = NULL;
    if (!kp->mesh_map || kp->mesh[0] < 1)
        LS_ERROR(LS_ERR_INPUT, "the tetrahedron method needs a Monkhorst-Pack mesh of k-points, not a list");
    const int *n = kp->mesh;
    long n_cell = (long)n[0] * n[1] * n[2];
    dft_tetra *t = calloc(1, sizeof *t);
    if (!t) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    t->kind = kind;
    t->n_tetra = (int)(6 * n_cell);
    t->n_corner = kind == DFT_TETRA_OPT ? 20 : 4;
    t->corner = malloc((size_t)t->n_tetra * t->n_corner * sizeof *t->corner);
    if (!t->corner) {
        int nt = t->n_tetra;
        dft_tetra_destroy(t);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for %d tetrahedra", nt);
    }
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 20; i++)
            t->wlsm[j][i] = kind == DFT_TETRA_OPT ? W_OPT[j][i] / 1260.0 : (i == j ? 1.0 : 0.0);
    int v[6][20][3]; /* offsets of each tetrahedron's points from the cell's origin */
    if (kind == DFT_TETRA_BLOECHL) {
        static const int c[8][3] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0},
                                    {0, 0, 1}, {1, 0, 1}, {0, 1, 1}, {1, 1, 1}};
        static const int tet[6][4] = {{0, 1, 2, 5}, {1, 2, 3, 5}, {0, 2, 4, 5}, {2, 3, 5, 7}, {2, 5, 6, 7}, {2, 4, 5, 6}};
        for (int it = 0; it < 6; it++)
            for (int q = 0; q < 4; q++) memcpy(v[it][q], c[tet[it][q]], sizeof v[it][q]);
    } else {
        /* the shortest diagonal: -b1+b2+b3, b1-b2+b3, b1+b2-b3, b1+b2+b3 (steps b_i / n_i) */
        static const int sgn[4][3] = {{-1, 1, 1}, {1, -1, 1}, {1, 1, -1}, {1, 1, 1}};
        int best = 0;
        double lmin = INFINITY;
        for (int d = 0; d < 4; d++) {
            double x[3] = {0, 0, 0};
            for (int a = 0; a < 3; a++)
                for (int c = 0; c < 3; c++) x[c] += sgn[d][a] * recip[a][c] / n[a];
            double l = x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
            if (l < lmin) lmin = l, best = d; /* the first of equal lengths, as MINLOC */
        }
        int start[3] = {0, 0, 0}, step[3] = {1, 1, 1};
        if (best < 3) start[best] = 1, step[best] = -1;
        static const int perm[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int it = 0; it < 6; it++) {
            memcpy(v[it][0], start, sizeof start);
            for (int q = 1; q < 4; q++) {
                memcpy(v[it][q], v[it][q - 1], sizeof v[it][q]);
                v[it][q][perm[it][q - 1]] += step[perm[it][q - 1]];
            }
            /* points 5..20 (1-based): 2 c_a - c_b and c_a - c_b + c_c */
            static const int two[12][2] = {{0, 1}, {1, 2}, {2, 3}, {3, 0}, {0, 2}, {1, 3},
                                           {2, 0}, {3, 1}, {0, 3}, {1, 0}, {2, 1}, {3, 2}};
            static const int three[4][3] = {{3, 0, 1}, {0, 1, 2}, {1, 2, 3}, {2, 3, 0}};
            for (int q = 0; q < 12; q++)
                for (int a = 0; a < 3; a++) v[it][4 + q][a] = 2 * v[it][two[q][0]][a] - v[it][two[q][1]][a];
            for (int q = 0; q < 4; q++)
                for (int a = 0; a < 3; a++)
                    v[it][16 + q][a] = v[it][three[q][0]][a] - v[it][three[q][1]][a] + v[it][three[q][2]][a];
        }
    }
    long nt = 0;
    for (int i = 0; i < n[0]; i++)
        for (int j = 0; j < n[1]; j++)
            for (int k = 0; k < n[2]; k++)
                for (int it = 0; it < 6; it++, nt++)
                    for (int q = 0; q < t->n_corner; q++)
                        t->corner[nt * t->n_corner + q] =
                            kp->mesh_map[mesh_index(n, i + v[it][q][0], j + v[it][q][1], k + v[it][q][2])];
    *out = t;
    return LS_OK;
}

/* Sort e[4] ascending, carrying the original indices in idx[4] (insertion sort, stable). */
static void sort4(double e[4], int idx[4])
{
    for (int a = 0; a < 4; a++) idx[a] = a;
    for (int a = 1; a < 4; a++) {
        double x = e[a];
        int ix = idx[a], b = a - 1;
        while (b >= 0 && e[b] > x) {
            e[b + 1] = e[b];
            idx[b + 1] = idx[b];
            b--;
        }
        e[b + 1] = x;
        idx[b + 1] = ix;
    }
}

/* Linear tetrahedron count of states below ef (QE's sumkt), times max_occ. */
static double count_linear(const dft_tetra *t, int n_kpt, int ns, int nb, const double *eig, double max_occ, double ef)
{
    double sum = 0, vt = 1.0 / t->n_tetra;
    for (int is = 0; is < ns; is++)
        for (int it = 0; it < t->n_tetra; it++)
            for (int ib = 0; ib < nb; ib++) {
                double e[4];
                int idx[4];
                for (int q = 0; q < 4; q++) e[q] = eig[((size_t)is * n_kpt + t->corner[(size_t)it * 4 + q]) * nb + ib];
                sort4(e, idx);
                double e1 = e[0], e2 = e[1], e3 = e[2], e4 = e[3];
                if (ef >= e4) sum += vt;
                else if (ef >= e3) sum += vt * (1 - pow(e4 - ef, 3) / (e4 - e1) / (e4 - e2) / (e4 - e3));
                else if (ef >= e2)
                    sum += vt / (e3 - e1) / (e4 - e1) *
                           ((e2 - e1) * (e2 - e1) + 3 * (e2 - e1) * (ef - e2) + 3 * (ef - e2) * (ef - e2) -
                            (e3 - e1 + e4 - e2) / (e3 - e2) / (e4 - e2) * pow(ef - e2, 3));
                else if (ef >= e1) sum += vt * pow(ef - e1, 3) / (e2 - e1) / (e3 - e1) / (e4 - e1);
            }
    return sum * max_occ;
}

/* Bloechl's weights at ef into w[(is n_kpt + ik) nb + ib] (occupation x k weight, summing to N). */
static void weights_bloechl(const dft_tetra *t, int n_kpt, int ns, int nb, const double *eig, double max_occ,
                            double ef, double *w)
{
    double vt = 1.0 / t->n_tetra;
    memset(w, 0, (size_t)ns * n_kpt * nb * sizeof *w);
    for (int is = 0; is < ns; is++)
        for (int it = 0; it < t->n_tetra; it++)
            for (int ib = 0; ib < nb; ib++) {
                double e[4], add[4] = {0, 0, 0, 0}, dos = 0;
                int idx[4];
                size_t kp[4];
                for (int q = 0; q < 4; q++) e[q] = eig[((size_t)is * n_kpt + t->corner[(size_t)it * 4 + q]) * nb + ib];
                sort4(e, idx);
                for (int q = 0; q < 4; q++) kp[q] = ((size_t)is * n_kpt + t->corner[(size_t)it * 4 + idx[q]]) * nb + ib;
                double e1 = e[0], e2 = e[1], e3 = e[2], e4 = e[3];
                if (ef >= e4) {
                    for (int q = 0; q < 4; q++) add[q] = 0.25 * vt;
                } else if (ef >= e3) {
                    double c4 = 0.25 * vt * pow(e4 - ef, 3) / (e4 - e1) / (e4 - e2) / (e4 - e3);
                    dos = 3 * vt * (e4 - ef) * (e4 - ef) / (e4 - e1) / (e4 - e2) / (e4 - e3);
                    add[0] = 0.25 * vt - c4 * (e4 - ef) / (e4 - e1);
                    add[1] = 0.25 * vt - c4 * (e4 - ef) / (e4 - e2);
                    add[2] = 0.25 * vt - c4 * (e4 - ef) / (e4 - e3);
                    add[3] = 0.25 * vt - c4 * (4 - (e4 - ef) * (1 / (e4 - e1) + 1 / (e4 - e2) + 1 / (e4 - e3)));
                } else if (ef >= e2) {
                    double c1 = 0.25 * vt * (ef - e1) * (ef - e1) / (e4 - e1) / (e3 - e1);
                    double c2 = 0.25 * vt * (ef - e1) * (ef - e2) * (e3 - ef) / (e4 - e1) / (e3 - e2) / (e3 - e1);
                    double c3 = 0.25 * vt * (ef - e2) * (ef - e2) * (e4 - ef) / (e4 - e2) / (e3 - e2) / (e4 - e1);
                    dos = vt / (e3 - e1) / (e4 - e1) *
                          (3 * (e2 - e1) + 6 * (ef - e2) - 3 * (e3 - e1 + e4 - e2) * (ef - e2) * (ef - e2) / (e3 - e2) / (e4 - e2));
                    add[0] = c1 + (c1 + c2) * (e3 - ef) / (e3 - e1) + (c1 + c2 + c3) * (e4 - ef) / (e4 - e1);
                    add[1] = c1 + c2 + c3 + (c2 + c3) * (e3 - ef) / (e3 - e2) + c3 * (e4 - ef) / (e4 - e2);
                    add[2] = (c1 + c2) * (ef - e1) / (e3 - e1) + (c2 + c3) * (ef - e2) / (e3 - e2);
                    add[3] = (c1 + c2 + c3) * (ef - e1) / (e4 - e1) + c3 * (ef - e2) / (e4 - e2);
                } else if (ef >= e1) {
                    double c4 = 0.25 * vt * pow(ef - e1, 3) / (e2 - e1) / (e3 - e1) / (e4 - e1);
                    dos = 3 * vt * (ef - e1) * (ef - e1) / (e2 - e1) / (e3 - e1) / (e4 - e1);
                    add[0] = c4 * (4 - (ef - e1) * (1 / (e2 - e1) + 1 / (e3 - e1) + 1 / (e4 - e1)));
                    add[1] = c4 * (ef - e1) / (e2 - e1);
                    add[2] = c4 * (ef - e1) / (e3 - e1);
                    add[3] = c4 * (ef - e1) / (e4 - e1);
                } else {
                    continue;
                }
                /* Bloechl's correction: dos(E_F) (sum_j e_j - 4 e_i) / 40 */
                for (int q = 0; q < 4; q++) w[kp[q]] += add[q] + dos * (e1 + e2 + e3 + e4 - 4 * eig[kp[q]]) / 40;
            }
    for (size_t i = 0; i < (size_t)ns * n_kpt * nb; i++) w[i] *= max_occ;
}

/* Linear / optimised weights at ef (see the top of the file). */
static void weights_opt(const dft_tetra *t, int n_kpt, int ns, int nb, const double *eig, double max_occ, double ef,
                        double *w)
{
    int nc = t->n_corner;
    double vt = 1.0 / t->n_tetra;
    memset(w, 0, (size_t)ns * n_kpt * nb * sizeof *w);
    for (int is = 0; is < ns; is++)
        for (int it = 0; it < t->n_tetra; it++) {
            const int *pt = t->corner + (size_t)it * nc;
            for (int ib = 0; ib < nb; ib++) {
                double e[4] = {0, 0, 0, 0}, a[4][4], w0[4];
                int idx[4];
                for (int q = 0; q < nc; q++) {
                    double x = eig[((size_t)is * n_kpt + pt[q]) * nb + ib];
                    for (int j = 0; j < 4; j++) e[j] += t->wlsm[j][q] * x;
                }
                sort4(e, idx);
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++) a[i][j] = fabs(e[j] - e[i]) < 1e-12 ? 0 : (ef - e[j]) / (e[i] - e[j]);
                if (e[0] <= ef && ef < e[1]) {
                    double c = a[1][0] * a[2][0] * a[3][0] * 0.25;
                    w0[0] = c * (1 + a[0][1] + a[0][2] + a[0][3]);
                    w0[1] = c * a[1][0];
                    w0[2] = c * a[2][0];
                    w0[3] = c * a[3][0];
                } else if (e[1] <= ef && ef < e[2]) {
                    double c1 = a[3][0] * a[2][0] * 0.25, c2 = a[3][0] * a[2][1] * a[0][2] * 0.25,
                           c3 = a[3][1] * a[2][1] * a[0][3] * 0.25;
                    w0[0] = c1 + (c1 + c2) * a[0][2] + (c1 + c2 + c3) * a[0][3];
                    w0[1] = c1 + c2 + c3 + (c2 + c3) * a[1][2] + c3 * a[1][3];
                    w0[2] = (c1 + c2) * a[2][0] + (c2 + c3) * a[2][1];
                    w0[3] = (c1 + c2 + c3) * a[3][0] + c3 * a[3][1];
                } else if (e[2] <= ef && ef < e[3]) {
                    double c = a[0][3] * a[1][3] * a[2][3];
                    w0[0] = 0.25 * (1 - c * a[0][3]);
                    w0[1] = 0.25 * (1 - c * a[1][3]);
                    w0[2] = 0.25 * (1 - c * a[2][3]);
                    w0[3] = 0.25 * (1 - c * (1 + a[3][0] + a[3][1] + a[3][2]));
                } else if (e[3] <= ef) {
                    w0[0] = w0[1] = w0[2] = w0[3] = 0.25;
                } else {
                    continue;
                }
                for (int q = 0; q < nc; q++) {
                    double s = 0;
                    for (int j = 0; j < 4; j++) s += t->wlsm[idx[j]][q] * w0[j];
                    w[((size_t)is * n_kpt + pt[q]) * nb + ib] += s * vt;
                }
            }
        }
    /* degenerate states share their weights (pw.x's rule, including its last group left as is) */
    for (int is = 0; is < ns; is++)
        for (int ik = 0; ik < n_kpt; ik++) {
            const double *ek = eig + ((size_t)is * n_kpt + ik) * nb;
            double *wk = w + ((size_t)is * n_kpt + ik) * nb;
            for (int ib = 0; ib < nb; ib++) {
                double sum = wk[ib];
                for (int jb = ib + 1; jb < nb; jb++) {
                    if (fabs(ek[ib] - ek[jb]) < 0.5e-6) {
                        sum += wk[jb];
                    } else {
                        for (int kb = ib; kb < jb; kb++) wk[kb] = sum / (jb - ib);
                        break;
                    }
                }
            }
        }
    for (size_t i = 0; i < (size_t)ns * n_kpt * nb; i++) w[i] *= max_occ;
}

int dft_tetra_occupy(const dft_tetra *t, int n_kpt, int n_spin, int n_band, const double *eig, const double *wk,
                     double max_occ, double n_electrons, double *mu, double *occ)
{
    size_t n = (size_t)n_spin * n_kpt * n_band;
    double *w = malloc(n * sizeof *w);
    if (!w) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    int status = LS_OK;
    double ef = 0;
    const double eps = 1e-10;
    if (t->kind == DFT_TETRA_BLOECHL) {
        int nlw = (int)lround(n_electrons / 2.0 - 5.0);
        if (nlw < 1) nlw = 1;
        if (nlw > n_band) nlw = n_band;
        double lo = INFINITY, hi = -INFINITY;
        for (int is = 0; is < n_spin; is++)
            for (int ik = 0; ik < n_kpt; ik++) {
                lo = fmin(lo, eig[((size_t)is * n_kpt + ik) * n_band + nlw - 1]);
                hi = fmax(hi, eig[((size_t)is * n_kpt + ik) * n_band + n_band - 1]);
            }
        if (count_linear(t, n_kpt, n_spin, n_band, eig, max_occ, hi) - n_electrons < -eps ||
            count_linear(t, n_kpt, n_spin, n_band, eig, max_occ, lo) - n_electrons > eps) {
            free(w);
            LS_ERROR(LS_ERR_NUMERIC, "tetrahedra: cannot bracket the Fermi level of %g electrons in %d bands: add bands",
                     n_electrons, n_band);
        }
        double best = INFINITY, ef_best = 0.5 * (lo + hi);
        for (int it = 0; it < 300; it++) {
            ef = 0.5 * (lo + hi);
            double d = count_linear(t, n_kpt, n_spin, n_band, eig, max_occ, ef) - n_electrons;
            if (fabs(d) < best) best = fabs(d), ef_best = ef;
            if (fabs(d) < eps) break;
            if (d < -eps) lo = ef;
            else hi = ef;
        }
        ef = ef_best;
        weights_bloechl(t, n_kpt, n_spin, n_band, eig, max_occ, ef, w);
    } else {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) lo = fmin(lo, eig[i]), hi = fmax(hi, eig[i]);
        int it;
        for (it = 0; it < 300; it++) {
            ef = 0.5 * (lo + hi);
            weights_opt(t, n_kpt, n_spin, n_band, eig, max_occ, ef, w);
            double sum = 0;
            for (size_t i = 0; i < n; i++) sum += w[i];
            if (fabs(sum - n_electrons) < eps) break;
            if (sum < n_electrons) lo = ef;
            else hi = ef;
        }
        if (it == 300)
            status = ls_error_set(LS_ERR_NUMERIC, __FILE__, __LINE__, "tetrahedra: the Fermi level did not converge "
                                  "in 300 bisections (too few bands for %g electrons?)", n_electrons);
    }
    for (int is = 0; is < n_spin; is++)
        for (int ik = 0; ik < n_kpt; ik++)
            for (int ib = 0; ib < n_band; ib++) {
                size_t i = ((size_t)is * n_kpt + ik) * n_band + ib;
                occ[i] = wk[ik] > 0 ? w[i] / wk[ik] : 0;
            }
    *mu = ef;
    free(w);
    return status;
}
