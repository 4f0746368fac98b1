/* The plane-wave basis of one k-point: every G with |k+G|^2 / 2 <= ecut_wfc, with its place
 * on the FFT grid.  Internal to dft/.  Wavefunction coefficients c_G are normalised so that
 * sum_G |c_G|^2 = 1, i.e. psi(r) = (1/sqrt(Omega)) sum_G c_G exp(i (k+G).r).
 */
#ifndef LS_DFT_BASIS_H
#define LS_DFT_BASIS_H

#include "dft/basis/grid.h"

typedef struct dft_basis {
    double k_frac[3];
    double k[3];        /* Cartesian, 1/bohr */
    double weight;      /* k-point weight (sums to 1 over the irreducible set) */
    int n_pw;
    int (*miller)[3];   /* [n_pw] */
    double (*kg)[3];    /* [n_pw] k + G, Cartesian */
    double *kin;        /* [n_pw] |k+G|^2 / 2, Ha */
    long *fft_index;    /* [n_pw] position on the grid */
} dft_basis;

/* LS_ERR_INPUT if the wavefunction sphere does not fit the grid (needs 2 m + 1 <= n along
 * each direction for the product psi * V to alias nothing within the density sphere...
 * the usual requirement ecut_rho >= 4 ecut_wfc is checked by the caller). */
int dft_basis_create(const dft_grid *grid, const double k_frac[3], double weight, double ecut_wfc,
                     dft_basis **out);
void dft_basis_destroy(dft_basis *b);

#endif
