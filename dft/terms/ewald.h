/* Ion-ion (Ewald) energy, forces and stress of point charges in a periodic cell, with a
 * uniform compensating background (the G = 0 convention of the established plane-wave codes:
 * the background term -pi (sum Z)^2 / (2 Omega eta) for splitting exp(-G^2/(4 eta)) is
 * included, so totals compare with Quantum ESPRESSO and ABINIT).  Internal to dft/.
 *
 * Reference: P. P. Ewald, Ann. Phys. 369, 253 (1921); formulas as in M. T. Yin and
 * M. L. Cohen, Phys. Rev. B 26, 3259 (1982).  Hartree atomic units.
 */
#ifndef LS_DFT_EWALD_H
#define LS_DFT_EWALD_H

/* cell: rows are lattice vectors (bohr); pos: Cartesian (bohr); charge: valence charges.
 * Outputs (any may be NULL): energy (Ha), forces [n_atom][3] (Ha/bohr, = -dE/dR),
 * stress [3][3] (Ha/bohr^3, sigma_ab = (1/Omega) dE/d eps_ab for a homogeneous strain
 * eps: ASE's sign, positive = tensile; every stress in dft/ uses this convention).
 * The splitting parameter is chosen for full double precision convergence in both sums. */
int dft_ewald(const double cell[3][3], int n_atom, const double (*pos)[3], const double *charge,
              double *energy, double (*forces)[3], double stress[3][3]);

/* The same with a given splitting parameter eta (1/bohr^2: exp(-G^2/(4 eta)) in reciprocal
 * space, erfc(sqrt(eta) r) in real space; QE's "alpha").  Cut-offs follow eta, so the result
 * is independent of it to rounding; exposed for tests and for comparing with other codes.
 * (Added by the dft-terms branch; dft_ewald picks eta = pi (N / Omega^2)^(1/3).) */
int dft_ewald_eta(const double cell[3][3], int n_atom, const double (*pos)[3],
                  const double *charge, double eta, double *energy, double (*forces)[3],
                  double stress[3][3]);

#endif
