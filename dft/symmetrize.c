/* Symmetrisation of forces and stress over the operations in the system.
 *
 * With lattice vectors as the rows of C, a fractional operation f' = R f + t acts on Cartesian
 * vectors as S = C^T R C^{-T}.  Forces: F_sym(op(a)) = (1/N) sum_op S F(a); stress:
 * sigma_sym = (1/N) sum_op S sigma S^T.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/structure.h"
#include "dft/forces.h"
#include "dft/symmetrize.h"

void dft_symmetry_cartesian(const double cell[3][3], const int rot[3][3], double s[3][3])
{
    /* C^{-T} = recip / (2 pi) (rows of recip are b_i with a_i . b_j = 2 pi delta_ij). */
    double recip[3][3];
    if (ls_cell_reciprocal(cell, recip) != 0) {
        memset(s, 0, 9 * sizeof(double));
        return;
    }
    /* S_xy = sum_ij C_ix R_ij (C^{-T})_jy ; (C^{-T})_jy = recip[j][y] / (2 pi) */
    for (int x = 0; x < 3; x++)
        for (int y = 0; y < 3; y++) {
            double v = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) v += cell[i][x] * rot[i][j] * recip[j][y] / (2.0 * M_PI);
            s[x][y] = v;
        }
}

int dft_symmetry_atom_map(const dft_system *sys, int op, int *map)
{
    double recip[3][3];
    if (ls_cell_reciprocal(sys->cell, recip) != 0) return -1;
    for (int a = 0; a < sys->n_atom; a++) {
        double f[3], fp[3];
        for (int i = 0; i < 3; i++)
            f[i] = (sys->tau[a][0] * recip[i][0] + sys->tau[a][1] * recip[i][1] + sys->tau[a][2] * recip[i][2]) / (2.0 * M_PI);
        for (int i = 0; i < 3; i++)
            fp[i] = sys->sym_rot[op][i][0] * f[0] + sys->sym_rot[op][i][1] * f[1] + sys->sym_rot[op][i][2] * f[2] +
                    sys->sym_trans[op][i];
        map[a] = -1;
        for (int b = 0; b < sys->n_atom; b++) {
            if (sys->species_of[b] != sys->species_of[a]) continue;
            double fb[3], d2 = 0;
            for (int i = 0; i < 3; i++) {
                fb[i] = (sys->tau[b][0] * recip[i][0] + sys->tau[b][1] * recip[i][1] + sys->tau[b][2] * recip[i][2]) / (2.0 * M_PI);
                double d = fp[i] - fb[i];
                d -= round(d);
                d2 += d * d;
            }
            if (d2 < 1e-8) {
                map[a] = b;
                break;
            }
        }
        if (map[a] < 0) return -1;
    }
    return 0;
}

void dft_symmetrize_forces(const dft_system *sys, double (*f)[3])
{
    if (sys->n_sym <= 1) return;
    int n = sys->n_atom;
    double (*acc)[3] = calloc((size_t)n, sizeof *acc);
    int *map = malloc((size_t)n * sizeof *map);
    if (!acc || !map) {
        free(acc);
        free(map);
        return;
    }
    int used = 0;
    for (int op = 0; op < sys->n_sym; op++) {
        if (dft_symmetry_atom_map(sys, op, map) != 0) continue;
        double s[3][3];
        dft_symmetry_cartesian(sys->cell, (const int(*)[3])sys->sym_rot[op], s);
        for (int a = 0; a < n; a++)
            for (int x = 0; x < 3; x++) acc[map[a]][x] += s[x][0] * f[a][0] + s[x][1] * f[a][1] + s[x][2] * f[a][2];
        used++;
    }
    if (used > 0)
        for (int a = 0; a < n; a++)
            for (int x = 0; x < 3; x++) f[a][x] = acc[a][x] / used;
    free(acc);
    free(map);
}

void dft_symmetrize_stress(const dft_system *sys, double sigma[3][3])
{
    if (sys->n_sym <= 1) return;
    double acc[3][3] = {{0}};
    for (int op = 0; op < sys->n_sym; op++) {
        double s[3][3];
        dft_symmetry_cartesian(sys->cell, (const int(*)[3])sys->sym_rot[op], s);
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
