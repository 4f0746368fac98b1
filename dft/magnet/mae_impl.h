/* Private to dft/magnet/: what mae.c needs from anisotropy.c. */
#ifndef LS_DFT_MAE_IMPL_H
#define LS_DFT_MAE_IMPL_H

#include "dft/dft.h"

/* Formula, formula units, volume and the uniaxial axis of p's structure into r. */
int dft_mae_describe(const dft_params *p, dft_mae_result *r);
/* K1, K2, Ms and kappa of the last mesh (r->has_k says which methods had what they need). */
void dft_mae_anisotropy_constants(dft_mae_result *r);

#endif
