/* Norm-conserving pseudopotentials: the data of one species and its Fourier-space form
 * factors.  Readers: UPF v1 and v2 (pseudo_upf.c), GTH/HGH in CP2K's GTH_POTENTIALS format
 * (pseudo_gth.c).  Internal to dft/.
 *
 * Units: Hartree atomic units throughout (UPF files are in Rydberg: readers convert).
 * Radial functions are kept on the file's mesh up to `n_mesh` points; the radial integrals
 * use that mesh and nothing beyond (the PseudoDojo `trim600` files end at 5.99 bohr).
 *
 * Plane-wave form factors (all per unit cell volume Omega, which the caller divides by):
 *   local:     V(q) = 4 pi int r^2 [V_loc(r) + Z erf(r)/r] j0(qr) dr - 4 pi Z exp(-q^2/4)/q^2
 *              (the erf(r)/r part is done analytically so the long-range -Z/r tail is exact);
 *              for q = 0 the divergent term is dropped and V(0) = 4 pi int r^2 [V_loc(r) + Z/r] dr
 *              (the "alpha Z" term of the established codes).
 *   projector: beta_i(q) = 4 pi int r^2 beta_i(r) j_l(qr) dr   (beta in 1/bohr^{3/2})
 *   core:      rho_c(q)  = 4 pi int r^2 rho_c(r) j0(qr) dr
 *   atomic:    rho_a(q)  = 4 pi int r^2 rho_a(r) j0(qr) dr     (integrates to z_valence at q = 0)
 * Radial integrals use Simpson's rule with the mesh's dr/di weights (rab), the rule of
 * the established codes, so that results compare to the last digits.
 */
#ifndef LS_DFT_PSEUDO_H
#define LS_DFT_PSEUDO_H

#define DFT_PSEUDO_MAX_BETA 16

enum dft_pseudo_kind { DFT_PSEUDO_UPF = 1, DFT_PSEUDO_GTH = 2 };

typedef struct dft_pseudo {
    enum dft_pseudo_kind kind;
    char path[4096];
    char element[4];
    int z;               /* atomic number */
    double z_valence;    /* valence charge */
    char functional[64]; /* as declared by the file ("PBE", "SLA PW PBX PBC", ...) */
    int l_max;
    int has_nlcc;

    /* Radial mesh (UPF): r, rab = dr/di, n_mesh points. */
    int n_mesh;
    /* Points used by the local, core and atomic-density integrals: Quantum ESPRESSO's
     * `msh` (first index with r > 10 bohr, else n_mesh; then forced odd, rounding down).
     * 599 for the PseudoDojo trim600 files.  [added by the dft-pseudo branch] */
    int n_mesh_int;
    double *r;
    double *rab;
    double *vloc;     /* V_loc(r), Ha */
    double *rho_core; /* core charge rho_c(r) (NOT times 4 pi r^2), NULL if no core correction */
    double *rho_atom; /* atomic valence density rho_a(r) (NOT times 4 pi r^2), NULL if absent */

    /* Kleinman-Bylander projectors: beta_i(r) (not times r), angular momentum l_i, and
     * the coupling matrix D_ij (Ha), n_beta x n_beta row-major.  UPF: beta keeps the file's
     * numbers (PP_BETA / r) and the whole Ry -> Ha factor 1/2 goes into D_ij (exact in binary).
     * beta_n_mesh[i] is QE's kkbeta (the largest cutoff_radius_index) for every i. */
    int n_beta;
    int beta_l[DFT_PSEUDO_MAX_BETA];
    int beta_n_mesh[DFT_PSEUDO_MAX_BETA]; /* points used for each projector's integrals */
    double *beta[DFT_PSEUDO_MAX_BETA];
    double dij[DFT_PSEUDO_MAX_BETA * DFT_PSEUDO_MAX_BETA];

    /* Optional interpolation tables of beta_i(q) at q = iq * tab_dq, iq = 0..tab_n-1, built
     * by dft_pseudo_tabulate (tab_n = 0: none, every call integrates directly).
     * [added by the dft-pseudo branch] */
    int tab_n;
    double tab_dq;
    double *beta_tab[DFT_PSEUDO_MAX_BETA];

    /* Pseudo-atomic wavefunctions chi_i(r) (not times r) with angular momentum chi_l[i], from
     * UPF's PP_PSWFC (optional): used for the starting wavefunctions. */
    int n_chi;
    int chi_l[DFT_PSEUDO_MAX_BETA];
    double *chi[DFT_PSEUDO_MAX_BETA];

    /* Fully relativistic files (UPF has_so="T", PP_SPIN_ORB): each projector and atomic
     * wavefunction has a total angular momentum j = l +- 1/2 (PP_RELBETA.i jjj, PP_RELWFC.i jchi).
     * has_so stays 1 while the projectors are the j-resolved ones; dft_pseudo_average_so
     * (pseudo_so.c) replaces them by pw.x's j-averaged scalar-relativistic ones and clears it. */
    int has_so;
    double beta_j[DFT_PSEUDO_MAX_BETA];
    double chi_j[DFT_PSEUDO_MAX_BETA];

    /* GTH analytic parameters (kind == DFT_PSEUDO_GTH). */
    double gth_rloc;
    int gth_n_c;
    double gth_c[4];
    int gth_n_l;                 /* number of angular-momentum channels */
    double gth_r[4];             /* r_l */
    int gth_n_proj[4];           /* projectors per channel */
    double gth_h[4][3][3];       /* h^l_ij, Ha */
} dft_pseudo;

/* Read a UPF (v1 or v2) file.  Errors name the file and line (LS_ERR_INPUT) or the missing
 * section.  The caller owns the result. */
int dft_pseudo_read_upf(const char *path, dft_pseudo **out);
/* Read one GTH/HGH potential from a CP2K GTH_POTENTIALS file: `element` ("Si") and `name`
 * ("GTH-PBE-q4", or "GTH-PBE" to take the first for the element). */
int dft_pseudo_read_gth(const char *path, const char *element, const char *name, dft_pseudo **out);
/* Read one GTH/HGH potential from the single-file format QE ships (*.gth, ABINIT's pspcod = 10;
 * pseudo_gth_abinit.c). */
int dft_pseudo_read_gth_abinit(const char *path, dft_pseudo **out);
/* Read by extension: .upf/.UPF as UPF, .gth as QE's GTH file, otherwise "FILE:ELEMENT:NAME"
 * selects a GTH entry of a CP2K file. */
int dft_pseudo_read(const char *spec, dft_pseudo **out);
void dft_pseudo_destroy(dft_pseudo *p);

/* Form factors at n_q values of q (1/bohr), as defined above (not divided by Omega). */
int dft_pseudo_vloc_q(const dft_pseudo *p, int n_q, const double *q, double *out);
int dft_pseudo_beta_q(const dft_pseudo *p, int i_beta, int n_q, const double *q, double *out);
int dft_pseudo_core_q(const dft_pseudo *p, int n_q, const double *q, double *out);
int dft_pseudo_atom_q(const dft_pseudo *p, int n_q, const double *q, double *out);

/* Pseudo-atomic wavefunction form factor chi_i(q) = 4 pi int r^2 chi_i(r) j_l(qr) dr over the
 * n_mesh_int points. */
int dft_pseudo_chi_q(const dft_pseudo *p, int i_chi, int n_q, const double *q, double *out);

/* Derivatives d/dq of the form factors (for the stress), same conventions. */
int dft_pseudo_vloc_dq(const dft_pseudo *p, int n_q, const double *q, double *out);
int dft_pseudo_beta_dq(const dft_pseudo *p, int i_beta, int n_q, const double *q, double *out);
int dft_pseudo_core_dq(const dft_pseudo *p, int n_q, const double *q, double *out);

/* Tabulate beta_i(q) for 0 <= q <= q_max (1/bohr) on Quantum ESPRESSO's grid, dq = 0.01
 * bohr^-1 (QE 6.7 init_us_1).  Afterwards dft_pseudo_beta_q interpolates with QE's 4-point
 * Lagrange formula (init_us_2) and dft_pseudo_beta_dq returns the derivative of that same
 * interpolant (QE's gen_us_dj), so energies and stresses follow pw.x; q beyond the table
 * falls back to direct integration.  Call it once, before sharing p between threads; a second
 * call rebuilds the tables.  No-op for GTH (analytic).  LS_ERR_NOMEM.
 * [added by the dft-pseudo branch] */
int dft_pseudo_tabulate(dft_pseudo *p, double q_max);

/* Spherical Bessel function j_l(x), 0 <= l <= 4, x >= 0, and its derivative j_l'(x),
 * 0 <= l <= 3, to ~1e-15 relative (power series at small x).  [added by the dft-pseudo branch] */
double dft_sph_bessel(int l, double x);
double dft_sph_bessel_deriv(int l, double x);

/* A fully relativistic pseudopotential (has_so) made scalar-relativistic as pw.x 6.7 does in a
 * calculation without spin-orbit coupling (PW/src/average_pp.f90): each pair of projectors of
 * one l > 0 with j = l - 1/2 and j = l + 1/2, consecutive in the file, becomes one with
 *   D = [(l+1) D_+ + l D_-] / (2l+1),  beta = [(l+1) sqrt(D_+/D) beta_+ + l sqrt(D_-/D) beta_-] / (2l+1)
 * (only the diagonal of D enters, as in pw.x), and the atomic wavefunctions likewise
 * chi = [(l+1) chi_+ + l chi_-] / (2l+1).  Call before dft_pseudo_tabulate.  No-op without has_so.
 * LS_ERR_INPUT naming the file when the projectors are not in such pairs or D_+ and D_- differ in
 * sign (pw.x would take the square root of a negative number). */
int dft_pseudo_average_so(dft_pseudo *p);

/* Number of Kleinman-Bylander projector functions counting the 2l+1 m's. */
int dft_pseudo_n_proj(const dft_pseudo *p);

/* Simpson's rule on a radial mesh: sum_i w_i f_i rab_i over the first n points (n odd
 * as in the established codes: an even n drops the weight pattern to the last point as
 * they do). */
double dft_radial_simpson(int n, const double *f, const double *rab);

#endif
