/* Pseudo-atomic orbitals in the plane-wave basis (the starting wavefunctions, and the projections
 * of the density of states).  Internal to dft/. */
#ifndef LS_DFT_ATWFC_H
#define LS_DFT_ATWFC_H

#include <complex.h>

#include "dft/scf/system.h"

struct dft_atwfc_label {
    int atom, chi, l, m; /* atom, PP_CHI index of its species, angular momentum, real-harmonic index 0..2l */
};

/* Atomic orbitals of k-point ik, phi_{a,i,m}(G) = (1/sqrt(Omega)) (-i)^l Y_lm(k+G) chi_i(|k+G|)
 * exp(-i (k+G).tau_a), into out[n][n_pw] (at most max_n of them, atom by atom, each chi_i of its
 * species with m = 0..2l), *n_out of them; label[n] (may be NULL) says which.  The radial
 * transforms are done once per species and orbital, the phases once per atom.  LS_ERR_NOMEM. */
int dft_atomic_orbitals(const dft_system *sys, int ik, int max_n, double complex *out, int *n_out,
                        struct dft_atwfc_label *label);

#endif
