/* Fixed spin moment (pw.x tot_magnetization) and magnetic constraints (pw.x
 * constrained_magnetization 'atomic' / 'atomic direction' with lambda).  Internal to dft/.
 *
 * Fixed spin moment.  Collinear: the up and down electrons are counted apart, N_up,dn =
 * (N +- M) / 2, each with its own Fermi level (pw.x two_fermi_energies).  Noncollinear (pw.x 6.7
 * has none): the same thing in the only way spinors allow, a uniform field B along a fixed
 * direction e (that of the starting moments), H -> H - B sigma.e, with B the Lagrange multiplier
 * that makes M.e = M: at every SCF iteration the occupations are found for eigenvalues shifted to
 * first order, e_n - dB <sigma.e>_n, with dB such that the moment is M (exactly as the two Fermi
 * levels do in the collinear case, where <sigma.e> = +-1), and B + dB enters the next potential.
 * The energy is the Kohn-Sham energy without the field term.
 *
 * Constraints (noncollinear).  Penalty E_p = lambda sum_a (m_a - m_a^0)^2 ('atomic', m_a^0 the
 * starting moment of atom a) or lambda sum_a (m_a,z / |m_a| - cos angle1)^2 ('atomic direction'),
 * m_a the moments in pw.x's spheres (moments.h), computed from the input density of each
 * iteration as pw.x does (add_bfield.f90); its derivative is added to the magnetic potential,
 * B(r) = w(r) dE_p/dm_a.  (pw.x 6.7 multiplied that field by Omega / N_grid, a factor removed
 * after pw.x 7.3.1 as unjustified; the two agree where the constraint is met.)  As in pw.x the
 * penalty is reported apart and not added to the total energy, which is the Kohn-Sham energy of
 * the constrained density.
 */
#ifndef LS_DFT_MAGFIELD_H
#define LS_DFT_MAGFIELD_H

#include "dft/scf/system.h"

/* At system creation: the spheres for the constraints, the fixed-moment direction. */
int dft_magfield_setup(dft_system *sys);

/* Add the fixed-moment field and the constraint fields of the density rho (the input density of
 * the potential) to veff; sets sys->e_ext_rho (int v_ext.m) and sys->e_penalty.  No-op without
 * either. */
int dft_magfield_add(dft_system *sys, const double *rho, double *veff);

/* Occupations with a fixed moment (sys->fsm): *done = 1 and sys->occ, fermi, minus_ts set;
 * *done = 0 without a fixed moment.  homo/lumo for fixed occupations. */
int dft_magfield_occupy(dft_system *sys, double *homo, double *lumo, int *done);

/* Noncollinear fixed moment: <psi_n|sigma.e|psi_n> of the bands of task ik into sys->spin_proj. */
void dft_magfield_spin_proj(dft_system *sys, int ik);

#endif
