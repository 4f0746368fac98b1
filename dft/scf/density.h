/* Electron densities: from the occupied wavefunctions, from a superposition of atomic
 * densities (the SCF's start), and their symmetrisation.  Internal to dft/. */
#ifndef LS_DFT_DENSITY_H
#define LS_DFT_DENSITY_H

#include "dft/scf/dist.h"
#include "dft/scf/system.h"

/* rho[n_spin][n_r] = sum_k w_k sum_n occ_nk |psi_nk(r)|^2 from sys->psi and sys->occ (spinors:
 * rho[n_rho][n_r], n and m), symmetrised.  Collective over the MPI ranks: each adds the bands of its share (dft/scf/dist.h)
 * and the sum is handed to every rank. */
int dft_density_from_states(const dft_system *sys, double *rho);
/* Superposition of atomic valence densities, renormalised to the electron count, with the
 * starting magnetisation of each species (fraction of its atomic density) for spin. */
int dft_density_atomic(const dft_system *sys, double *rho);
/* This rank's share of the occupied bands, for the loops over them (the density, the orbital
 * moments): n tasks (its pool's spin-k tasks times its share b_lo.. of their bands). */
struct dft_band_tasks {
    int b_lo, nb_mine, n;
};
void dft_band_tasks_init(const dft_system *sys, struct dft_band_tasks *bt);
/* Task `task` of bt: band *ib of the spin-k task *isk (= is n_kpt + ik, the index of sys->psi);
 * returns its occupation times the k-point weight (0 or tiny: nothing to add). */
static inline double dft_band_task(const dft_system *sys, const struct dft_band_tasks *bt, int task, int *ib, int *isk)
{
    *ib = bt->b_lo + task % bt->nb_mine;
    *isk = sys->dist->task_lo + task / bt->nb_mine;
    return sys->occ[(size_t)*isk * sys->n_band + *ib] * sys->basis[*isk % sys->kpts->n_kpt]->weight;
}
/* Symmetrise a field given on the density sphere (in place) with the system's operations. */
void dft_density_symmetrize_g(const dft_system *sys, double complex *f_g, double complex *work);

#endif
