/* Starting an SCF from a previous solution: after a relaxation step, at the next volume of an
 * equation of state, or from a checkpoint.  Internal to dft/.
 *
 * The saved state is independent of the cell and of the FFT grid: everything is indexed by
 * Miller indices, so it carries over to a strained cell or a different grid.
 * - Density: pw.x's first-order extrapolation (its 'atomic' pot_extrapolation): the saved
 *   difference between the self-consistent density and the superposition of atomic densities,
 *   drho(G) Omega (electrons, so the electron count is kept when the volume changes), is added
 *   to the atomic superposition at the new geometry.
 * - Wavefunctions: the coefficients of each (spin, k-point) are carried over by Miller index
 *   (plane waves outside the new sphere dropped, new ones zero) and the bands re-started by
 *   Rayleigh-Ritz in their span.  Only when the k-point set and the band count are unchanged;
 *   otherwise the usual atomic start is used for the wavefunctions.
 */
#ifndef LS_DFT_START_H
#define LS_DFT_START_H

#include <complex.h>

#include "dft/scf/system.h"

struct ls_ckpt;
struct dft_ham_work;

typedef struct dft_start {
    int n_spin;             /* spin channels of the wavefunctions */
    int n_rho;              /* density components (= n_spin collinear; 1 or 4 noncollinear) */
    int npol;               /* spinor components of a wavefunction (2 noncollinear) */
    long n_g;
    int (*miller)[3];       /* [n_g] */
    double complex *drho;   /* [n_rho][n_g] Omega (rho - rho_atomic)(G), electrons */
    int n_kpt, n_band;
    double (*k_frac)[3];    /* [n_kpt] */
    int *n_pw;              /* [n_kpt] */
    int (**miller_k)[3];    /* [n_kpt][n_pw] */
    double complex **psi;   /* [n_spin * n_kpt][n_band * npol * n_pw] */
} dft_start;

/* Save the state of a solved system (its density sys->rho and wavefunctions).  Collective over
 * the MPI ranks: with k-point pools each task's wavefunctions come from the pool that holds
 * them (dft/scf/dist.h), so every rank gets the whole state. */
int dft_start_save(const dft_system *sys, dft_start **out);
void dft_start_destroy(dft_start *st); /* accepts NULL */

/* Starting density at sys's geometry into rho[n_spin][n_r]; LS_ERR_INPUT if the spin
 * channels differ. */
int dft_start_density(const dft_start *st, const dft_system *sys, double *rho);
/* Starting wavefunctions into sys->psi / sys->eig (needs sys->veff).  *used = 0 (and nothing
 * changed) when the k-points or band count differ or the vectors are not independent. */
int dft_start_states(const dft_start *st, dft_system *sys, struct dft_ham_work *hw, int *used);

/* Checkpoint records under the prefix "start/" (common/checkpoint.h). */
int dft_start_to_ckpt(const dft_start *st, struct ls_ckpt *c);
int dft_start_from_ckpt(const struct ls_ckpt *c, dft_start **out);

#endif
