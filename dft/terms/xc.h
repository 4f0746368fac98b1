/* Exchange-correlation through libxc, evaluated point by point on the real-space grid.
 * Internal to dft/.  The caller supplies densities (and for GGAs the gradients, computed in
 * reciprocal space) and assembles the GGA potential's divergence term; this file owns
 * every call into libxc, the functional registry by name, and the density thresholds.
 *
 * References: S. Lehtola et al., SoftwareX 7, 1 (2018) (libxc); J. P. Perdew, K. Burke,
 * M. Ernzerhof, Phys. Rev. Lett. 77, 3865 (1996) (PBE); J. P. Perdew, A. Zunger (1981) /
 * J. P. Perdew, Y. Wang (1992) (LDA correlation).
 */
#ifndef LS_DFT_XC_H
#define LS_DFT_XC_H

typedef struct dft_xc dft_xc;

/* Create for a functional name: "LDA" (Slater + PW92, as QE's 'SLA PW'), "PZ" (Slater +
 * Perdew-Zunger), "PBE", "PBEsol", or libxc names joined by '+' ("GGA_X_PBE+GGA_C_PBE").
 * UPF functional strings ("PBE", "SLA PW PBX PBC", "SLA PZ NOGX NOGC") are accepted too.
 * n_spin 1 or 2.  LS_ERR_INPUT for an unknown name, listing the known ones. */
int dft_xc_create(const char *name, int n_spin, dft_xc **out);
void dft_xc_destroy(dft_xc *xc);
int dft_xc_is_gga(const dft_xc *xc);
const char *dft_xc_name(const dft_xc *xc);

/* Evaluate at n points.
 *   rho[n * n_spin]        densities (spin-major for n_spin=2: rho[is*n + ir]), 1/bohr^3
 *   sigma[n * (2n_spin-1)] for GGAs: |grad rho|^2 (n_spin=1) or (up.up, up.down, down.down)
 *                          (index [k*n + ir]); NULL for LDAs
 * Outputs:
 *   exc[n]                 energy per volume e_xc(r) = rho * eps_xc (Ha/bohr^3), so E_xc = sum exc dV
 *   vrho[n * n_spin]       d e_xc / d rho_s
 *   vsigma[n * (2n_spin-1)] d e_xc / d sigma_k (GGAs; may be NULL for LDAs)
 * Points where the total density is below the threshold (1e-10, as QE uses for the
 * spin-unpolarised case) contribute nothing.  Negative densities: for n_spin=2 each spin
 * density is treated as zero where negative (and its vrho is zero there); for n_spin=1
 * exc = rho * eps_xc(|rho|), odd in rho, so such points subtract: vrho is the value at |rho|
 * and vsigma that value times the sign of rho (QE 6.7 drops this sign; see dft/terms/xc.c).
 * vrho and vsigma are the exact derivatives of exc away from the thresholds.  The named GGAs apply their gradient
 * correction only where rho > 1e-6 and sigma > 1e-10 (QE's gradcorr thresholds).
 * The loop is OpenMP-parallel in chunks; results do not depend on the thread count. */
int dft_xc_eval(const dft_xc *xc, long n, const double *rho, const double *sigma, double *exc,
                double *vrho, double *vsigma);

#endif
