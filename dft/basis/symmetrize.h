/* Symmetrisation of forces and stress (see symmetrize.c).  Internal to dft/. */
#ifndef LS_DFT_SYMMETRIZE_H
#define LS_DFT_SYMMETRIZE_H

#include "dft/scf/system.h"

void dft_symmetrize_forces(const dft_system *sys, double (*f)[3]);
void dft_symmetrize_stress(const dft_system *sys, double sigma[3][3]);

#endif
