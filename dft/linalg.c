/* Threaded GEMM by blocks; see linalg.h. */
#include "dft/linalg.h"

#ifdef _OPENMP
#include <omp.h>
#endif

void dft_linalg_init(void) { openblas_set_num_threads(1); }

void dft_zgemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, double complex alpha,
               const double complex *a, int lda, const double complex *b, int ldb, double complex beta,
               double complex *c, int ldc)
{
    int nt = 1;
#ifdef _OPENMP
    if (!omp_in_parallel()) nt = omp_get_max_threads();
#endif
    double work = (double)m * n * k;
    if (nt <= 1 || work < 2e6 || (m < 2 * nt && n < 2 * nt)) {
        cblas_zgemm(CblasRowMajor, ta, tb, m, n, k, &alpha, a, lda, b, ldb, &beta, c, ldc);
        return;
    }
    int split_rows = m >= n;
    int len = split_rows ? m : n;
#pragma omp parallel num_threads(nt)
    {
        int t = 0, T = 1;
#ifdef _OPENMP
        t = omp_get_thread_num();
        T = omp_get_num_threads();
#endif
        int lo = (int)((long)len * t / T), hi = (int)((long)len * (t + 1) / T);
        if (hi > lo) {
            if (split_rows) {
                /* Rows of C come from rows of op(A). */
                const double complex *as = ta == CblasNoTrans ? a + (long)lo * lda : a + lo;
                cblas_zgemm(CblasRowMajor, ta, tb, hi - lo, n, k, &alpha, as, lda, b, ldb, &beta, c + (long)lo * ldc, ldc);
            } else {
                /* Columns of C come from columns of op(B). */
                const double complex *bs = tb == CblasNoTrans ? b + lo : b + (long)lo * ldb;
                cblas_zgemm(CblasRowMajor, ta, tb, m, hi - lo, k, &alpha, a, lda, bs, ldb, &beta, c + lo, ldc);
            }
        }
    }
}
