/* The effective potential from a density: local pseudopotential + Hartree + exchange-
 * correlation (with the core correction).  Internal to dft/. */
#ifndef LS_DFT_POTENTIAL_H
#define LS_DFT_POTENTIAL_H

#include "dft/scf/system.h"

struct dft_potential_energies {
    double hartree;  /* E_H, Ha */
    double xc;       /* E_xc[rho + rho_core], Ha */
    double vxc_rho;  /* int v_xc rho (valence), Ha */
    double vh_rho;   /* int v_H rho = 2 E_H */
};

/* rho[n_rho][n_r] spin densities (1/bohr^3); writes veff[n_rho][n_r] (Ha) and energies.
 * vxc (may be NULL) receives v_xc[n_rho][n_r] alone (for the stress and forces).  Noncollinear
 * with a magnetisation (sys->domag): rho = (n, mx, my, mz), veff = (v, Bx, By, Bz) with
 * H = v + sigma.B, vxc likewise (dft_potential_compute_noncolin). */
int dft_potential_compute(const dft_system *sys, const double *rho, double *veff, double *vxc,
                          struct dft_potential_energies *e);
/* The collinear engine with ns = 1 or 2 spin densities whatever sys->n_spin (sys->xc must have
 * been created for ns). */
int dft_potential_compute_ns(const dft_system *sys, int ns, const double *rho, double *veff, double *vxc,
                             struct dft_potential_energies *e);
/* Noncollinear exchange-correlation in the local spin frame (xc_noncolin.c). */
int dft_potential_compute_noncolin(const dft_system *sys, const double *rho, double *veff, double *vxc,
                                   struct dft_potential_energies *e);

/* Gradient of a real field given by its sphere coefficients f_g: grad[3][n_r]. */
void dft_field_gradient(const dft_grid *g, const double complex *f_g, double *grad, double complex *work);

#endif

/* The gradient-correction part of the xc stress times Omega:
 * out_ab = -int sum_{s s'} c_ss' e_sigma d_a rho_s d_b rho_s' (2 e_sigma_ss on the diagonal
 * pairs, e_sigma_ud for the mixed pair), for the density rho (core added).  Zero for LDAs. */
int dft_potential_gga_stress(const dft_system *sys, const double *rho, double out[3][3]);
int dft_potential_gga_stress_ns(const dft_system *sys, int ns, const double *rho, double out[3][3]);
int dft_potential_gga_stress_noncolin(const dft_system *sys, const double *rho, double out[3][3]);
