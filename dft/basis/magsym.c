/* Magnetic symmetry (see magsym.h).
 *
 * The symmetrised field is the group average of the symmetric images: a field with the symmetry
 * satisfies M(R x + t) = s det(S) S M(x), so M(x) = s det(S) S^T M(R x + t) for every operation,
 * and averaging the right-hand side over the group projects any field onto the symmetric ones.
 * With M(x) = sum_m c(m) exp(2 pi i m.x) the coefficient of the average at m' is
 * (1/N) sum_op s det(S) S^T c(R^-T m') exp(2 pi i (R^-T m').t), as for the scalar density in
 * dft/scf/density.c (which has s det(S) S^T = 1).
 */
#include "dft/basis/magsym.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "dft/basis/symmetrize.h"
#include "dft/scf/system.h"

int dft_magsym_filter(ls_symops *ops, const double (*m)[3], int *t_rev)
{
    int na = ops->n_atom, kept = 0, n0 = ops->n_op;
    for (int op = 0; op < n0; op++) {
        const double (*s)[3] = (const double(*)[3])ops->cart_rotations[op];
        double d = dft_sym_det3((const int(*)[3])ops->rotations[op]);
        const int *map = ops->atom_map + (size_t)op * na;
        int same = 1, reversed = 1;
        for (int a = 0; a < na; a++) {
            const double *mb = m[map[a]];
            for (int x = 0; x < 3; x++) {
                double r = d * (s[x][0] * m[a][0] + s[x][1] * m[a][1] + s[x][2] * m[a][2]);
                if (fabs(r - mb[x]) > 1e-5) same = 0;
                if (fabs(r + mb[x]) > 1e-5) reversed = 0;
            }
        }
        if (!same && !reversed) continue;
        if (kept != op) {
            memcpy(ops->rotations[kept], ops->rotations[op], sizeof ops->rotations[op]);
            memcpy(ops->translations[kept], ops->translations[op], sizeof ops->translations[op]);
            memcpy(ops->cart_rotations[kept], ops->cart_rotations[op], sizeof ops->cart_rotations[op]);
            memmove(ops->atom_map + (size_t)kept * na, ops->atom_map + (size_t)op * na, (size_t)na * sizeof *ops->atom_map);
        }
        t_rev[kept] = same ? 0 : 1;
        kept++;
    }
    ops->n_op = kept;
    return n0 - kept;
}

int dft_magsym_symmetrize_g(const dft_system *sys, double complex *m_g)
{
    if (sys->n_sym <= 1) return LS_OK;
    const dft_grid *g = sys->grid;
    long ng = g->n_g, nr = g->n_r;
    int nsym = sys->n_sym;
    /* The three components on the full grid. */
    double complex *full = malloc((size_t)3 * nr * sizeof *full);
    int (*inv)[3][3] = malloc((size_t)nsym * sizeof *inv);
    double (*f)[3][3] = malloc((size_t)nsym * sizeof *f);
    if (!full || !inv || !f) {
        free(full);
        free(inv);
        free(f);
        LS_ERROR(LS_ERR_NOMEM, "out of memory symmetrising the magnetisation");
    }
    memset(full, 0, (size_t)3 * nr * sizeof *full);
    for (int c = 0; c < 3; c++)
        for (long ig = 0; ig < ng; ig++) full[(size_t)c * nr + g->fft_index[ig]] = m_g[(size_t)c * ng + ig];
    for (int op = 0; op < nsym; op++) {
        dft_sym_invert3((const int(*)[3])sys->sym_rot[op], inv[op]);
        double s = dft_sym_det3((const int(*)[3])sys->sym_rot[op]) * (sys->t_rev && sys->t_rev[op] ? -1.0 : 1.0);
        const double (*c)[3] = (const double(*)[3])sys->symops->cart_rotations[op];
        for (int x = 0; x < 3; x++)
            for (int y = 0; y < 3; y++) f[op][x][y] = s * c[y][x]; /* s det(S) S^T */
    }
#pragma omp parallel for schedule(static)
    for (long ig = 0; ig < ng; ig++) {
        const int *mp = g->miller[ig];
        double complex acc[3] = {0, 0, 0};
        for (int op = 0; op < nsym; op++) {
            double complex e;
            long idx = dft_sym_image(g, (const int(*)[3])inv[op], mp, sys->sym_trans[op], &e);
            double complex v[3] = {full[idx], full[nr + idx], full[2 * (size_t)nr + idx]};
            for (int x = 0; x < 3; x++) acc[x] += (f[op][x][0] * v[0] + f[op][x][1] * v[1] + f[op][x][2] * v[2]) * e;
        }
        for (int x = 0; x < 3; x++) m_g[(size_t)x * ng + ig] = acc[x] / nsym;
    }
    free(full);
    free(inv);
    free(f);
    return LS_OK;
}
