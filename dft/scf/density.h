/* Electron densities: from the occupied wavefunctions, from a superposition of atomic
 * densities (the SCF's start), and their symmetrisation.  Internal to dft/. */
#ifndef LS_DFT_DENSITY_H
#define LS_DFT_DENSITY_H

#include "dft/scf/system.h"

/* rho[n_spin][n_r] = sum_k w_k sum_n occ_nk |psi_nk(r)|^2 from sys->psi and sys->occ,
 * symmetrised.  Collective over the MPI ranks: each adds the bands of its share (dft/scf/dist.h)
 * and the sum is handed to every rank. */
int dft_density_from_states(const dft_system *sys, double *rho);
/* Superposition of atomic valence densities, renormalised to the electron count, with the
 * starting magnetisation of each species (fraction of its atomic density) for spin. */
int dft_density_atomic(const dft_system *sys, double *rho);
/* Symmetrise a field given on the density sphere (in place) with the system's operations. */
void dft_density_symmetrize_g(const dft_system *sys, double complex *f_g, double complex *work);

#endif
