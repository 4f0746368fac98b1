/* Pruned 3D FFTs for wavefunctions.  Internal to dft/.
 *
 * A wavefunction's coefficients fill a sphere whose Miller indices satisfy |m_i| <= M_i, about
 * half the extent of the density grid.  G -> r is done as three passes of batched 1D transforms:
 * x (stride n1 n2) only on the columns with |m1| <= M1 and |m2| <= M2 (1/4 of them), then y
 * (stride n2) only where |m2| <= M2 (1/2), then z (contiguous) on all columns; r -> G runs the
 * passes in the opposite order and produces the entries with |m_i| <= M_i only.  The costly
 * strided passes are the pruned ones; about 0.55 of a full 3D transform.  Plans exist in an
 * aligned and an unaligned variant, chosen by the alignment of each batch's first element.
 */
#ifndef LS_DFT_FFT_WFC_H
#define LS_DFT_FFT_WFC_H

#include <complex.h>
#include <fftw3.h>

typedef struct dft_wfft {
    int n[3];
    int m[3];           /* largest |Miller index| of any wavefunction coefficient */
    int alignment;      /* fftw_alignment_of of the planning buffer */
    /* [direction: 0 backward (G -> r), 1 forward][0 aligned, 1 unaligned] */
    fftw_plan x_lo[2][2], x_hi[2][2]; /* M2 + 1 and M2 columns along x */
    fftw_plan y_lo[2][2], y_hi[2][2]; /* M2 + 1 and M2 columns along y */
    fftw_plan z[2];                   /* all n0 n1 columns along z */
} dft_wfft;

/* n: grid dimensions; m: extents (each 2 m_i + 1 <= n_i). */
int dft_wfft_create(const int n[3], const int m[3], dft_wfft **out);
void dft_wfft_destroy(dft_wfft *w);

/* In place, on fftw_malloc'ed arrays.  g2r: data must be zero outside the box |m_i| <= M_i;
 * result is the full real-space field (exp(+iGr), unnormalised).  r2g: exp(-iGr),
 * unnormalised; only entries with |m_i| <= M_i are valid afterwards. */
void dft_wfft_g2r(const dft_wfft *w, double complex *data);
void dft_wfft_r2g(const dft_wfft *w, double complex *data);

#endif
