/* Nonlocal pseudopotential forces and stress (see nonlocal_deriv.c).  Internal to dft/. */
#ifndef LS_DFT_NONLOCAL_DERIV_H
#define LS_DFT_NONLOCAL_DERIV_H

#include "dft/scf/system.h"

/* dedtau[n_atom][3] = dE_NL/dtau (may be NULL); dede[3][3] = dE_NL/d eps (may be NULL; not yet
 * divided by Omega); e_nl = E_NL (Ha). */
int dft_nonlocal_derivatives(const dft_system *sys, double (*dedtau)[3], double dede[3][3], double *e_nl);

#endif
