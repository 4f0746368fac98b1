/* Symmetry operations in Cartesian form, atom maps, and symmetrisation of forces and stress
 * (see symmetrize.c).  Internal to dft/. */
#ifndef LS_DFT_SYMMETRIZE_H
#define LS_DFT_SYMMETRIZE_H

#include "dft/system.h"

void dft_symmetry_cartesian(const double cell[3][3], const int rot[3][3], double s[3][3]);
/* map[a] = the atom that operation op sends atom a to; -1 return if the operation does not map
 * the structure onto itself. */
int dft_symmetry_atom_map(const dft_system *sys, int op, int *map);
void dft_symmetrize_forces(const dft_system *sys, double (*f)[3]);
void dft_symmetrize_stress(const dft_system *sys, double sigma[3][3]);

#endif
