/* Magnetic symmetry of noncollinear states: the crystal operations that keep the starting
 * moments (some combined with time reversal), and the symmetrisation of the magnetisation
 * density, an axial vector field.  Internal to dft/.
 *
 * An operation {R|t} (fractional, x' = R x + t; Cartesian rotation S, common/symmetry.h) maps
 * the moment m_a of atom a onto det(S) S m_a (an axial vector ignores inversion).  It is kept
 * when, for every atom, that equals the moment of the image atom, and kept with time reversal
 * (which reverses every moment) when it equals minus it, as Quantum ESPRESSO 6.7 does
 * (symm_base.f90, sgam_at_mag; its no_t_rev = .false. default).  A time-reversed operation maps
 * k onto -R^T k (dft/basis/kpoints.h) and the magnetisation onto -det(S) S m.
 */
#ifndef LS_DFT_MAGSYM_H
#define LS_DFT_MAGSYM_H

#include <complex.h>

#include "common/symmetry.h"

struct dft_system;

/* Keep the operations of ops (compacted in place, order kept, the identity first) that map the
 * moments m[n_atom][3] (any unit) onto themselves, alone or with time reversal; t_rev[n_op]
 * (capacity ops->n_op on entry) receives 1 for the latter.  Moments equal within 1e-5 (the
 * tolerance of pw.x).  Returns the number of operations removed. */
int dft_magsym_filter(ls_symops *ops, const double (*m)[3], int *t_rev);

/* Symmetrise the magnetisation given on the density sphere, m_g[3][n_g] (Cartesian components),
 * in place: m_sym(G') = (1/N) sum_op s_op det(S) S^T m(R^-T G') exp(2 pi i (R^-T G').t) with
 * s_op = -1 for time-reversed operations.  LS_ERR_NOMEM. */
int dft_magsym_symmetrize_g(const struct dft_system *sys, double complex *m_g);

#endif
