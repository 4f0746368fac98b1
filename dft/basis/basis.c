/* Plane-wave basis per k-point; see basis.h. */
#include "dft/basis/basis.h"

#include <math.h>
#include <stdlib.h>

#include "common/err.h"

int dft_basis_create(const dft_grid *grid, const double k_frac[3], double weight, double ecut_wfc,
                     dft_basis **out)
{
    *out = NULL;
    dft_basis *b = calloc(1, sizeof *b);
    if (b == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    b->weight = weight;
    for (int j = 0; j < 3; j++) {
        b->k_frac[j] = k_frac[j];
        b->k[j] = k_frac[0] * grid->recip[0][j] + k_frac[1] * grid->recip[1][j] + k_frac[2] * grid->recip[2][j];
    }
    double gmax = sqrt(2.0 * ecut_wfc);
    int m[3];
    /* the sphere is chosen in the grid's selection cell (the cell itself, or a reference cell) */
    double ks[3];
    for (int j = 0; j < 3; j++)
        ks[j] = k_frac[0] * grid->sel_recip[0][j] + k_frac[1] * grid->sel_recip[1][j] + k_frac[2] * grid->sel_recip[2][j];
    for (int j = 0; j < 3; j++) {
        double len = sqrt(grid->sel_cell[j][0] * grid->sel_cell[j][0] + grid->sel_cell[j][1] * grid->sel_cell[j][1] +
                          grid->sel_cell[j][2] * grid->sel_cell[j][2]);
        m[j] = (int)ceil((gmax + sqrt(ks[0] * ks[0] + ks[1] * ks[1] + ks[2] * ks[2])) * len / (2 * M_PI)) + 1;
    }
    long cap = (long)(2 * m[0] + 1) * (2 * m[1] + 1) * (2 * m[2] + 1);
    /* Count first, then fill. */
    int pass, n = 0;
    for (pass = 0; pass < 2; pass++) {
        n = 0;
        for (int m0 = -m[0]; m0 <= m[0]; m0++)
            for (int m1 = -m[1]; m1 <= m[1]; m1++)
                for (int m2 = -m[2]; m2 <= m[2]; m2++) {
                    double v[3], vs[3];
                    for (int j = 0; j < 3; j++) {
                        v[j] = b->k[j] + m0 * grid->recip[0][j] + m1 * grid->recip[1][j] + m2 * grid->recip[2][j];
                        vs[j] = ks[j] + m0 * grid->sel_recip[0][j] + m1 * grid->sel_recip[1][j] + m2 * grid->sel_recip[2][j];
                    }
                    double e = 0.5 * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
                    if (0.5 * (vs[0] * vs[0] + vs[1] * vs[1] + vs[2] * vs[2]) > ecut_wfc) continue;
                    if (pass == 1) {
                        int mm[3] = {m0, m1, m2};
                        for (int j = 0; j < 3; j++) {
                            if (2 * abs(mm[j]) >= grid->n[j]) {
                                dft_basis_destroy(b);
                                LS_ERROR(LS_ERR_INPUT, "the FFT grid %d x %d x %d is too small for the wavefunction cutoff", grid->n[0], grid->n[1], grid->n[2]);
                            }
                            b->miller[n][j] = mm[j];
                            b->kg[n][j] = v[j];
                        }
                        b->kin[n] = e;
                        long i0 = (m0 + grid->n[0]) % grid->n[0], i1 = (m1 + grid->n[1]) % grid->n[1],
                             i2 = (m2 + grid->n[2]) % grid->n[2];
                        b->fft_index[n] = (i0 * grid->n[1] + i1) * grid->n[2] + i2;
                    }
                    n++;
                }
        if (pass == 0) {
            (void)cap;
            b->n_pw = n;
            b->miller = malloc((size_t)n * sizeof *b->miller);
            b->kg = malloc((size_t)n * sizeof *b->kg);
            b->kin = malloc((size_t)n * sizeof *b->kin);
            b->fft_index = malloc((size_t)n * sizeof *b->fft_index);
            if (!b->miller || !b->kg || !b->kin || !b->fft_index) {
                dft_basis_destroy(b);
                LS_ERROR(LS_ERR_NOMEM, "out of memory for %d plane waves", n);
            }
        }
    }
    *out = b;
    return LS_OK;
}

void dft_basis_destroy(dft_basis *b)
{
    if (b == NULL) return;
    free(b->miller);
    free(b->kg);
    free(b->kin);
    free(b->fft_index);
    free(b);
}
