/* Iterative eigensolvers for the lowest bands of H at one k-point and spin.  Internal to dft/.
 * A registry entry is one solver; the SCF selects it by name.
 */
#ifndef LS_DFT_EIGENSOLVER_H
#define LS_DFT_EIGENSOLVER_H

#include <complex.h>

#include "dft/scf/hamiltonian.h"

typedef struct dft_eig_work dft_eig_work;

struct dft_eigensolver {
    const char *name;
    /* Improve psi[n_band][n_pw] (in/out, any non-degenerate start) and eig[n_band] (in: the
     * previous eigenvalues for the convergence test, out: Ritz values) until every band's
     * eigenvalue changes by less than ethr (Ha) or max_iter iterations pass.  n_hpsi counts
     * H applications (per band), notconv the bands left unconverged. */
    int (*solve)(const dft_system *sys, int ik, int is, int n_band, double complex *psi, double *eig,
                 double ethr, int max_iter, dft_ham_work *hw, dft_eig_work *ew, int *n_hpsi, int *notconv);
};

extern const struct dft_eigensolver dft_eigensolver_davidson;
extern const struct dft_eigensolver *const dft_eigensolver_registry[];

/* Starting wavefunctions by Rayleigh-Ritz in the span of n_vec vectors (destroyed): the n_band
 * lowest Ritz vectors into psi[n_band][n_pw] and their values into eig.  LS_ERR_NUMERIC if
 * fewer than n_band of the vectors are independent. */
int dft_subspace_start(const dft_system *sys, int ik, int is, int n_vec, double complex *vecs, int n_band,
                       double complex *psi, double *eig, dft_ham_work *hw);

/* Workspace for blocks of up to n_band bands and n_pw_max plane waves. */
int dft_eig_work_create(int n_band, int n_pw_max, dft_eig_work **out);
void dft_eig_work_destroy(dft_eig_work *w);

#endif
