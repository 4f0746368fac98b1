/* The tetrahedron method for occupations on a Monkhorst-Pack mesh (dft/scf/tetra.c).  Internal
 * to dft/.
 *
 * Each cell of the mesh is cut into 6 tetrahedra; within a tetrahedron the bands are
 * interpolated linearly between its corners, and the occupation of every state is the
 * integral of the step function below the Fermi level over the tetrahedra around it:
 *   DFT_TETRA_BLOECHL  linear tetrahedra with Bloechl's correction for the curvature of the
 *                      bands, P. E. Bloechl, O. Jepsen, O. K. Andersen, Phys. Rev. B 49, 16223
 *                      (1994), doi:10.1103/PhysRevB.49.16223; the Fermi level from the linear
 *                      integral, the weights with the correction (pw.x's 'tetrahedra')
 *   DFT_TETRA_LINEAR   linear tetrahedra cut along the shortest diagonal of the cell
 *                      (pw.x's 'tetrahedra_lin')
 *   DFT_TETRA_OPT      the optimised tetrahedron method: the corner energies fitted over 20
 *                      mesh points around each tetrahedron, M. Kawamura, Y. Gohda, S. Tsuneyuki,
 *                      Phys. Rev. B 89, 094515 (2014), doi:10.1103/PhysRevB.89.094515
 *                      (pw.x's 'tetrahedra_opt')
 * as Quantum ESPRESSO 6.7 does them (tetra_init, opt_tetra_init, tetra_weights,
 * opt_tetra_weights), so that occupations, Fermi level and energies compare with pw.x's.
 */
#ifndef LS_DFT_TETRA_H
#define LS_DFT_TETRA_H

#include "dft/basis/kpoints.h"
#include "dft/dft.h"

typedef struct dft_tetra {
    enum dft_tetrahedra kind;
    int n_tetra;          /* 6 per mesh cell */
    int n_corner;         /* points per tetrahedron: 4, or 20 for the optimised method */
    int *corner;          /* [n_tetra][n_corner] irreducible k-point index of each point */
    double wlsm[4][20];   /* corner energies e_j = sum_i wlsm[j][i] e(point i) */
} dft_tetra;

/* Tetrahedra of the mesh of kp (kp->mesh_map must be set: a Monkhorst-Pack mesh), recip the
 * reciprocal vectors (rows, 1/bohr; for the shortest diagonal).  LS_ERR_INPUT for a list. */
int dft_tetra_create(const dft_kpoints *kp, const double recip[3][3], enum dft_tetrahedra kind, dft_tetra **out);
void dft_tetra_destroy(dft_tetra *t);

/* Occupations of eig[(is n_kpt + ik) n_band + ib] (Ha) for n_electrons: the Fermi level *mu
 * (Ha; common to both spins) and occ (same layout, 0..max_occ per state, the k-point weight
 * wk[ik] divided out).  LS_ERR_NUMERIC if the Fermi level cannot be bracketed. */
int dft_tetra_occupy(const dft_tetra *t, int n_kpt, int n_spin, int n_band, const double *eig, const double *wk,
                     double max_occ, double n_electrons, double *mu, double *occ);

#endif
