/* Hellmann-Feynman forces and the stress tensor of a converged state.  Internal to dft/. */
#ifndef LS_DFT_FORCES_H
#define LS_DFT_FORCES_H

#include "dft/scf/system.h"

/* forces[n_atom][3] in Ha/bohr (= -dE/dtau), symmetrised. */
int dft_forces_compute(const dft_system *sys, double (*forces)[3]);
/* stress[3][3] in Ha/bohr^3, sigma = (1/Omega) dE/d eps (ASE's sign), symmetrised. */
int dft_stress_compute(const dft_system *sys, double stress[3][3]);

#endif
