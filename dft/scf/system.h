/* Everything the SCF needs, set up once from dft_params: pseudopotentials, atoms, the grid,
 * k-points and bases, the local potential and core density, the projectors.  Internal to
 * dft/.  The state (wavefunctions, eigenvalues, densities, potentials) lives here too so the
 * SCF, forces and stress see one object.
 */
#ifndef LS_DFT_SYSTEM_H
#define LS_DFT_SYSTEM_H

#include <complex.h>

#include "dft/basis/basis.h"
#include "dft/basis/fft_wfc.h"
#include "dft/dft.h"
#include "dft/basis/grid.h"
#include "dft/basis/kpoints.h"
#include "dft/pseudo/pseudo.h"
#include "dft/terms/xc.h"

struct dft_smearing;
struct dft_dist;
struct dft_tetra;

/* Projectors of one k-point: proj[ip * n_pw + ig] = (1/sqrt(Omega)) (-i)^l Y_lm(k+G)
 * beta_i(|k+G|) exp(-i (k+G).tau_a) for every atom a, projector i, m. */
typedef struct dft_projectors {
    int n_proj;
    double complex *proj; /* [n_proj][n_pw] */
} dft_projectors;

typedef struct dft_system {
    const dft_params *params;     /* borrowed */
    int n_atom;
    int n_species;
    dft_pseudo *pseudo[DFT_MAX_SPECIES];
    int *species_of;              /* [n_atom] */
    double (*tau)[3];             /* [n_atom] Cartesian positions, bohr */
    double cell[3][3];
    double omega;

    double n_electrons;
    int n_spin;                   /* 1 or 2 */
    int n_band;
    double max_occ;               /* 2 without spin, 1 with */
    const struct dft_smearing *smearing; /* NULL for fixed occupations */
    double sigma;                 /* smearing width, Ha */
    struct dft_tetra *tetra;      /* the tetrahedron method's tetrahedra (dft/scf/tetra.h), or NULL */

    dft_grid *grid;
    dft_wfft *wfft;               /* pruned FFTs for wavefunctions on the grid */
    dft_xc *xc;
    dft_kpoints *kpts;
    struct dft_dist *dist;        /* the (spin, k-point) tasks and bands of this MPI rank (dft/scf/dist.h) */
    dft_basis **basis;            /* [n_kpt] */
    dft_projectors *projectors;   /* [n_kpt] */

    /* Per-atom projector layout: atom a's projectors are [proj_offset[a], proj_offset[a+1]). */
    int *proj_offset;
    int n_proj_total;
    /* Block of D over all projectors (block-diagonal per atom), Ha: dmat[ip * n_proj_total + jp]. */
    double *dmat;
    int *proj_l;                  /* [n_proj_total] angular momentum */

    /* Symmetry operations (fractional, x' = R x + t, with atom maps and Cartesian forms) used
     * to reduce k-points and symmetrise densities, forces and stress; NULL without symmetry. */
    struct ls_symops *symops;
    int n_sym;                    /* symops->n_op, or 0 */
    int (*sym_rot)[3][3];         /* borrowed from symops */
    double (*sym_trans)[3];

    double complex *vloc_g;       /* [n_g] local potential on the density sphere, Ha */
    double *rho_core;             /* [n_r] core charge for the core correction, or NULL */
    double complex *rho_core_g;   /* [n_g] */
    double e_ewald;
    double e_alphaz;              /* (sum_a alpha_a) N_e / Omega, Ha (reported separately) */

    /* State. */
    double complex **psi;         /* [n_kpt * n_spin][n_band * npol * n_pw(k)] */
    double *eig;                  /* [(is * n_kpt + ik) * n_band + ib] */
    double *occ;                  /* same layout; includes the spin factor max_occ */
    double *rho;                  /* [n_rho][n_r] spin densities (or total for n_rho 1; n, mx, my, mz for 4) */
    double *veff;                 /* [n_rho][n_r] effective local potential, Ha (v, Bx, By, Bz for 4) */
    double fermi;
    double minus_ts;

    /* Noncollinear magnetism and spin-orbit coupling (issue 18; dft/README.md, section
     * "Noncollinear magnetism and spin-orbit coupling").  In a collinear run noncolin = 0,
     * npol = 1, n_rho = n_spin and nothing below is allocated, so the collinear paths are
     * unchanged. */
    int noncolin;                 /* spinors: psi holds npol = 2 blocks of n_pw (up, then down) per band */
    int npol;                     /* 1 or 2 */
    int domag;                    /* noncollinear with a magnetisation (pw.x domag): rho and veff have
                                     4 components (n, mx, my, mz) and (v, Bx, By, Bz), H = v + sigma.B */
    int spinorbit;                /* j-resolved projectors with 2x2 spin blocks of D (dso) */
    int n_rho;                    /* components of rho and veff: 1, 2 (up, down) or 4 (n, m) */
    double complex *dso;          /* spin-orbit D of atom a: dso[dso_offset[a] + (s n_a + p)(2 n_a) + s' n_a + q],
                                     n_a = its projectors, s, s' = 0 up, 1 down (Ha) */
    long *dso_offset;             /* [n_atom + 1] */
    double (*m_start)[3];         /* [n_atom] starting moments (starting_magnetization x direction) */
    int *t_rev;                   /* [n_sym] 1: operation combined with time reversal (magnetic symmetry) */
    int n_sym_trev;               /* how many */
    int lsign;                    /* GGA: spin up/down along the fixed axis ux (pw.x compute_ux) */
    double ux[3];
    /* Fixed spin moment and magnetic constraints (dft/scf/magfield.c). */
    int fsm;                      /* tot_magnetization: collinear two Fermi levels, noncollinear a field */
    double fsm_field;             /* noncollinear: the Lagrange field B along fsm_dir (H gets -B sigma.e), Ha */
    double fsm_dir[3];
    double *spin_proj;            /* noncollinear fixed moment: <psi|sigma.e|psi> [n_kpt][n_band] */
    double fermi_up, fermi_down;  /* collinear fixed moment */
    struct dft_sites *sites;      /* pw.x's atomic spheres for the constraints (NULL without) */
    double e_ext_rho;             /* int v_ext . m_in of the extra magnetic fields in veff, Ha */
    double e_penalty;             /* constraint penalty lambda sum (...)^2, Ha (reported apart, as pw.x) */

    /* Optional (issue 18), set by the caller between dft_system_create and dft_scf_solve: a
     * starting density on this grid (borrowed, [n_rho][n_r]; before start and atomic densities),
     * and nscf = 1 for a non-self-consistent calculation with that density (dft_scf_solve then
     * diagonalises to convergence and reports the band energy; the magnetic force theorem). */
    const double *rho_init;
    int nscf;

    /* Optional, set by the caller between dft_system_create and dft_scf_solve:
     * a previous solution to start from (dft/scf/start.h), and a function called after every SCF
     * iteration with the next input density in rho (checkpoints; a non-LS_OK return stops
     * the SCF with that status). */
    const struct dft_start *start;
    int (*iteration_hook)(void *ctx, const struct dft_system *sys, int iter);
    void *iteration_ctx;
} dft_system;

int dft_system_create(const dft_params *p, dft_system **out);
/* Components of the density of these parameters: 1, 2 (collinear up, down) or 4 (noncollinear
 * n, m; pw.x's nspin_mag). */
int dft_params_n_rho(const dft_params *p);
/* Coefficients of one wavefunction at k-point ik: npol * n_pw. */
static inline int dft_system_npw(const dft_system *sys, int ik) { return sys->npol * sys->basis[ik]->n_pw; }
void dft_system_destroy(dft_system *sys);

/* Structure factor of species s at every G of the sphere: sum_{a in s} exp(-i G.tau_a). */
void dft_structure_factor(const dft_system *sys, int species, double complex *sf);

/* Real spherical harmonics Y_lm(v) for l <= 3, m = -l..l in index m + l (normalised on the
 * unit sphere); v need not be normalised; for v = 0 only l = 0 is non-zero. */
void dft_ylm_real(int l, const double v[3], double *ylm);

/* Moments (Bohr magnetons) in spheres of radius[a] (bohr) around the atoms; see magnetization.c. */
int dft_atom_magnetization(const dft_system *sys, double *moment, double *radius);

/* Build the projectors of every k-point. */
int dft_projectors_build(dft_system *sys);

#endif
