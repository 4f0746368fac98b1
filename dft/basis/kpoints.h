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

typedef struct dft_kpoints {
    int n_kpt;
    double (*k)[3];  /* fractional reciprocal coordinates, in (-1/2, 1/2] */
    double *weight;  /* sums to 1 */
    int mesh[3];
    int shift[3];
} dft_kpoints;

/* Build the mesh and reduce it with n_op rotations rot[n_op][3][3] (may be NULL with n_op 0:
 * no reduction but time reversal if asked). */
int dft_kpoints_mp(const int mesh[3], const int shift[3], int n_op, const int (*rot)[3][3],
                   int time_reversal, dft_kpoints **out);
/* As dft_kpoints_mp with magnetic symmetry: t_rev[n_op] (NULL: none) marks operations combined
 * with time reversal, which map k onto -R^T k (dft/basis/magsym.h). */
int dft_kpoints_mp_mag(const int mesh[3], const int shift[3], int n_op, const int (*rot)[3][3], const int *t_rev,
                       int time_reversal, dft_kpoints **out);
/* Mesh from a spacing (1/bohr, with 2 pi): n_i = max(1, ceil(|b_i| / spacing)). */
void dft_kpoints_mesh_from_spacing(const double recip[3][3], double spacing, int mesh[3]);
void dft_kpoints_destroy(dft_kpoints *kp);

#endif
