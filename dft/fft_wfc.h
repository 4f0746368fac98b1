/* Pruned 3D FFTs for wavefunctions.  Internal to dft/.
 *
 * A wavefunction's coefficients fill a sphere whose Miller indices satisfy |m_i| <= M_i, half
 * the extent of the density grid.  The 3D transform is done as three passes of 1D transforms
 * (z, then y, then x for G -> r; the reverse for r -> G) that skip the columns known to be zero
 * (G -> r) or not needed (r -> G): z-columns only for |m0| <= M0 and |m1| <= M1 (1/4 of them),
 * y-columns only in the planes |m0| <= M0 (1/2), x-columns all.  Cost about 0.58 of a full
 * transform.  The same scheme as the established plane-wave codes' "sticks".
 */
#ifndef LS_DFT_FFT_WFC_H
#define LS_DFT_FFT_WFC_H

#include <complex.h>
#include <fftw3.h>

typedef struct dft_wfft {
    int n[3];
    int m[3];                   /* largest |Miller index| of any wavefunction coefficient */
    fftw_plan z_lo[2], z_hi[2]; /* [0] backward (G -> r), [1] forward; columns m1 = 0..M1 and n1-M1..n1-1 */
    fftw_plan y[2];             /* all y-columns of one plane */
    fftw_plan x[2];             /* all x-columns */
} dft_wfft;

/* n: grid dimensions; m: extents (each 2 m_i + 1 <= n_i). */
int dft_wfft_create(const int n[3], const int m[3], dft_wfft **out);
void dft_wfft_destroy(dft_wfft *w);

/* In place.  g2r: data must be zero outside the coefficient sphere's box; result is the full
 * real-space field (exp(+iGr), unnormalised).  r2g: exp(-iGr), unnormalised; only entries with
 * |m_i| <= M_i are valid afterwards. */
void dft_wfft_g2r(const dft_wfft *w, double complex *data);
void dft_wfft_r2g(const dft_wfft *w, double complex *data);

#endif
