/* The SCF loop on a set-up system (see scf.c).  Internal to dft/. */
#ifndef LS_DFT_SCF_H
#define LS_DFT_SCF_H

#include "dft/scf/system.h"

struct dft_scf_report {
    int converged, n_iter;
    double energy_free, energy;     /* Ha, Harris-Foulkes estimate of the last iteration */
    double energy_ks;               /* Ha, Kohn-Sham functional at the final output density */
    double e_kinetic, e_nonlocal, e_local, e_hartree, e_xc, e_band;
    double scf_error;               /* Ha */
    double homo, lumo;
    double wall_s;
};

/* Returns LS_OK when converged, LS_ERR_CONVERGENCE (report filled) when not. */
int dft_scf_solve(dft_system *sys, struct dft_scf_report *rep);

/* Pieces of the SCF for the non-self-consistent runs (dft/scf/nscf.c): allocate the state
 * (random wavefunctions, eig, occ, rho, veff), replace the wavefunctions by the atomic-orbital
 * start (needs veff), and occupy the current eigenvalues (fixed, smearing, given or
 * tetrahedra; sets sys->occ, sys->fermi, sys->minus_ts). */
struct dft_ham_work;
int dft_scf_alloc_states(dft_system *sys);
int dft_scf_atomic_start(dft_system *sys, struct dft_ham_work *hw);
int dft_scf_occupy(dft_system *sys, double *homo, double *lumo);

/* The bands in the potential of a given density (sys->start's), without self-consistency
 * (pw.x's 'nscf' and 'bands'; dft/scf/nscf.c): every band converged to pw.x's nscf threshold
 * 0.1 min(1e-2, conv_thr / N); occupations and Fermi level for NSCF, none for BANDS.
 * rep->converged = 0 when some band did not converge (LS_ERR_CONVERGENCE). */
int dft_nscf_solve(dft_system *sys, struct dft_scf_report *rep);

#endif
