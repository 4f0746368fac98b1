/* Symmetrisation of forces and stress over the system's operations (common/symmetry.h gives
 * each operation's Cartesian rotation S and atom map):
 *   F_sym(op(a)) = (1/N) sum_op S F(a),   sigma_sym = (1/N) sum_op S sigma S^T.
 */
#include <stdlib.h>

#include "common/symmetry.h"
#include "dft/basis/symmetrize.h"

void dft_symmetrize_forces(const dft_system *sys, double (*f)[3])
{
    if (sys->n_sym <= 1) return;
    int n = sys->n_atom;
    double (*acc)[3] = calloc((size_t)n, sizeof *acc);
    if (!acc) return; /* the unsymmetrised forces stay valid */
    for (int op = 0; op < sys->n_sym; op++) {
        const double (*s)[3] = (const double(*)[3])sys->symops->cart_rotations[op];
        const int *map = sys->symops->atom_map + (size_t)op * n;
        for (int a = 0; a < n; a++)
            for (int x = 0; x < 3; x++) acc[map[a]][x] += s[x][0] * f[a][0] + s[x][1] * f[a][1] + s[x][2] * f[a][2];
    }
    for (int a = 0; a < n; a++)
        for (int x = 0; x < 3; x++) f[a][x] = acc[a][x] / sys->n_sym;
    free(acc);
}

void dft_symmetrize_stress(const dft_system *sys, double sigma[3][3])
{
    if (sys->n_sym <= 1) return;
    double acc[3][3] = {{0}};
    for (int op = 0; op < sys->n_sym; op++) {
        const double (*s)[3] = (const double(*)[3])sys->symops->cart_rotations[op];
        for (int x = 0; x < 3; x++)
            for (int y = 0; y < 3; y++) {
                double v = 0;
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++) v += s[x][i] * sigma[i][j] * s[y][j];
                acc[x][y] += v;
            }
    }
    for (int x = 0; x < 3; x++)
        for (int y = 0; y < 3; y++) sigma[x][y] = acc[x][y] / sys->n_sym;
}

int dft_sym_det3(const int r[3][3])
{
    return r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
           r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
}

void dft_sym_invert3(const int r[3][3], int inv[3][3])
{
    int det = dft_sym_det3(r);
    inv[0][0] = (r[1][1] * r[2][2] - r[1][2] * r[2][1]) * det;
    inv[0][1] = (r[0][2] * r[2][1] - r[0][1] * r[2][2]) * det;
    inv[0][2] = (r[0][1] * r[1][2] - r[0][2] * r[1][1]) * det;
    inv[1][0] = (r[1][2] * r[2][0] - r[1][0] * r[2][2]) * det;
    inv[1][1] = (r[0][0] * r[2][2] - r[0][2] * r[2][0]) * det;
    inv[1][2] = (r[0][2] * r[1][0] - r[0][0] * r[1][2]) * det;
    inv[2][0] = (r[1][0] * r[2][1] - r[1][1] * r[2][0]) * det;
    inv[2][1] = (r[0][1] * r[2][0] - r[0][0] * r[2][1]) * det;
    inv[2][2] = (r[0][0] * r[1][1] - r[0][1] * r[1][0]) * det;
}
