/* k-point sampling: Monkhorst-Pack meshes and their reduction by the crystal symmetry and
 * time reversal.  Internal to dft/.
 *
 * Mesh (pw.x's convention): k = (i + s/2) / N along each reciprocal vector, i = 0..N-1,
 * s = 0 or 1 (H. J. Monkhorst, J. D. Pack, Phys. Rev. B 13, 5188 (1976),
 * doi:10.1103/PhysRevB.13.5188).  A rotation R acting on fractional real-space coordinates
 * (x' = R x + t, spglib's convention) maps a k in fractional reciprocal coordinates to R^T k
 * up to the group's closure; two mesh points are equivalent when one maps onto the other
 * modulo a reciprocal lattice vector, or onto minus the other (time reversal).
 */
#ifndef LS_DFT_KPOINTS_H
#define LS_DFT_KPOINTS_H

#include "dft/dft.h"

typedef struct dft_kpoints {
    int n_kpt;
    double (*k)[3];  /* fractional reciprocal coordinates, in (-1/2, 1/2] for meshes */
    double *weight;  /* sums to 1 */
    int mesh[3];     /* 0 0 0 for a list */
    int shift[3];
    int *mesh_map;   /* meshes: [mesh[0] mesh[1] mesh[2]] the irreducible k-point of each mesh point
                        (index i0 n1 n2 + i1 n2 + i2, k_j = (i_j + shift_j/2) / n_j); NULL for lists */
} dft_kpoints;

/* Build the mesh and reduce it with n_op rotations rot[n_op][3][3] (may be NULL with n_op 0:
 * no reduction but time reversal if asked).  LS_ERR_INPUT for divisions below 1, shifts other
 * than 0 and 1, or more than DFT_KPOINTS_MAX_MESH points. */
int dft_kpoints_mp(const int mesh[3], const int shift[3], int n_op, const int (*rot)[3][3],
                   int time_reversal, dft_kpoints **out);
/* As dft_kpoints_mp with magnetic symmetry: t_rev[n_op] (NULL: none) marks operations combined
 * with time reversal, which map k onto -R^T k (dft/basis/magsym.h). */
int dft_kpoints_mp_mag(const int mesh[3], const int shift[3], int n_op, const int (*rot)[3][3], const int *t_rev,
                       int time_reversal, dft_kpoints **out);
/* An explicit list (dft/basis/kpoints_list.c): with expand = 0 as given (weights normalised);
 * with expand = 1 as pw.x's irreducible_BZ: each point expanded by the rotations of the
 * lattice `cell` (rows, bohr) and the star reduced by the n_op crystal rotations rot (and
 * k ~ -k with time_reversal). */
int dft_kpoints_list(const struct dft_kpoint_in *in, int n_in, int expand, const double cell[3][3], int n_op,
                     const int (*rot)[3][3], int time_reversal, dft_kpoints **out);
/* The point group of the lattice (rows of cell, bohr) as pw.x finds it (set_sym_bl): proper
 * rotations of the cube and of the hexagon with c along z that map the lattice onto itself,
 * and their products with inversion; rot[i] acts on fractional coordinates, rot[0] = 1. */
int dft_lattice_rotations(const double cell[3][3], int rot[48][3][3], int *n_rot);
/* The most points a Monkhorst-Pack mesh may have (before symmetry reduction): a limit on what a
 * user's mesh or spacing may ask for, checked before anything is allocated (100 x 100 x 100). */
#define DFT_KPOINTS_MAX_MESH 1000000

/* Mesh from a spacing (1/bohr, with 2 pi): n_i = max(1, ceil(|b_i| / spacing)).  LS_ERR_INPUT
 * when the spacing is not positive or the mesh would pass DFT_KPOINTS_MAX_MESH points. */
int dft_kpoints_mesh_from_spacing(const double recip[3][3], double spacing, int mesh[3]);
void dft_kpoints_destroy(dft_kpoints *kp);

#endif
