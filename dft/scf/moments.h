/* Spin and orbital moments of the atoms, integrated in spheres as pw.x integrates its local
 * moments (make_pointlists.f90, get_locals.f90).  Internal to dft/.
 *
 * Sphere radius r_m of a species: 0.99 x half the shortest distance from its atoms to any atom
 * (periodic images of the neighbouring cells included), divided by 1.2, and at most
 * 0.99 |a1| / 2.4 (pw.x starts the search at one lattice parameter, alat = |a1| here); a grid
 * point belongs to the first atom (in pw.x's loop order) within r_m, with weight 1, or within
 * 1.2 r_m, with weight 1 - (d - r_m) / (0.2 r_m).  The spheres never overlap.
 *   spin moment      m_a = sum_r w(r) m(r) Omega / N
 *   orbital moment   L_a = sum_nk f w_k Re sum_r w(r) psi^+(r) [(r - tau_a) x (-i grad)] psi(r) Omega / N
 * (hbar = 1: <L> in Bohr magnetons, in the sign convention of m = psi^+ sigma psi, so that the
 * moment experiments measure is m + L), symmetrised over the magnetic group as axial vectors.
 */
#ifndef LS_DFT_MOMENTS_H
#define LS_DFT_MOMENTS_H

#include "dft/scf/system.h"

typedef struct dft_sites {
    double *radius;     /* [n_atom] r_m, bohr */
    int *atom;          /* [n_r] atom of each grid point, -1 outside every sphere */
    double *weight;     /* [n_r] w(r) */
    double (*d)[3];     /* [n_r] r - tau of that atom (its nearest image), bohr */
} dft_sites;

int dft_sites_create(const dft_system *sys, dft_sites **out);
void dft_sites_destroy(dft_sites *s);

/* Spin moments m[n_atom][3] (muB) of a density rho[n_rho][n_r] (noncollinear: (n, m); collinear:
 * (up, down), giving (0, 0, m)), and the charges in the spheres (may be NULL). */
void dft_sites_moments(const dft_system *sys, const dft_sites *s, const double *rho, double (*m)[3], double *charge);

/* Orbital moments l[n_atom][3] of the occupied states of sys (spinor or collinear); collective
 * over the MPI ranks.  LS_ERR_NOMEM. */
int dft_sites_orbital(const dft_system *sys, const dft_sites *s, double (*l)[3]);

#endif
