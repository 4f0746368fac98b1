/* Density mixing for the SCF.  Internal to dft/.  A mixer sees the input and output densities
 * on the density sphere as a vector of n_comp components (total density, then magnetisation)
 * and proposes the next input density.  The metric is the Hartree energy of the difference
 * for the total density and a constant-kernel norm for the magnetisation (as pw.x does), so
 * dft_mixer_residual_norm returns pw.x's "estimated scf accuracy" (in Ha).
 */
#ifndef LS_DFT_MIXER_H
#define LS_DFT_MIXER_H

#include <complex.h>

#include "dft/basis/grid.h"

typedef struct dft_mixer dft_mixer;

/* The longest Pulay history accepted (a limit on what an input's mixing_history / mixing_ndim may
 * ask for: each step keeps two densities). */
#define DFT_MIXER_MAX_HISTORY 100

/* beta: step; n_hist: history length (Pulay/DIIS, 1..DFT_MIXER_MAX_HISTORY, else LS_ERR_INPUT);
 * kerker_q0 (1/bohr, 0 = off). */
int dft_mixer_create(const dft_grid *grid, int n_comp, double beta, int n_hist, double kerker_q0, dft_mixer **out);
void dft_mixer_destroy(dft_mixer *m);

/* Residual norm of out - in in the mixing metric (Ha, times Omega). */
double dft_mixer_residual_norm(const dft_mixer *m, const double complex *in, const double complex *out);

/* in (n_comp * n_g, in/out): replaced by the next input density from the history and out. */
int dft_mixer_mix(dft_mixer *m, double complex *in, const double complex *out);

#endif
