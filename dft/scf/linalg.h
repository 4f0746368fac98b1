/* Dense linear algebra with the threading of the whole engine in OpenMP: OpenBLAS is used
 * single-threaded (dft_linalg_init) and large products are split into column or row blocks
 * over the OpenMP threads, so BLAS threads never compete with the engine's own.  Internal to
 * dft/. */
#ifndef LS_DFT_LINALG_H
#define LS_DFT_LINALG_H

#include <complex.h>

#include <cblas.h>

/* Make OpenBLAS single-threaded (call once before the SCF). */
void dft_linalg_init(void);

/* C = alpha op(A) op(B) + beta C, row-major, as cblas_zgemm; split over OpenMP threads when
 * called outside a parallel region and the product is large. */
void dft_zgemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, double complex alpha,
               const double complex *a, int lda, const double complex *b, int ldb, double complex beta,
               double complex *c, int ldc);

#endif

/* FFTW wisdom kept between runs: plans measured once are reused by later runs of similar
 * size.  The file is $LODESTONE_FFTW_WISDOM, else $XDG_CACHE_HOME/lodestone/fftw-wisdom, else
 * ~/.cache/lodestone/fftw-wisdom; LODESTONE_FFTW_WISDOM=none disables it.  Load before
 * planning; save after (written atomically, so concurrent runs never see a partial file).
 * Failures are not errors: the run only plans again. */
void dft_fftw_wisdom_load(void);
void dft_fftw_wisdom_save(void); /* rank 0 only writes (common/parallel.h) */

/* The same FFTW plans on every MPI rank, so that replicated fields stay bit-identical: rank 0
 * measures its plans first and hands its wisdom to the others, which then plan from it.  Call
 * begin before the first plan and end after the last, on every path (also on failure), with
 * no other collective step in between.  Collective; no-ops in a one-process run. */
void dft_fftw_plans_begin(void);
void dft_fftw_plans_end(void);
