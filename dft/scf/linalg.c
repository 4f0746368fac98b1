/* Threaded GEMM by blocks; see linalg.h. */
#include "dft/scf/linalg.h"

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

#include <errno.h>
#include <fftw3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/textio.h"

static int wisdom_path(char *buf, size_t n)
{
    const char *env = getenv("LODESTONE_FFTW_WISDOM");
    if (env && *env) {
        if (strcmp(env, "none") == 0) return -1;
        return snprintf(buf, n, "%s", env) < (int)n ? 0 : -1;
    }
    const char *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char dir[3072];
    if (cache && *cache) snprintf(dir, sizeof dir, "%s/lodestone", cache);
    else if (home && *home) snprintf(dir, sizeof dir, "%s/.cache/lodestone", home);
    else return -1;
    /* Create the folder (and its parent) if needed. */
    char parent[3072];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    if (slash) {
        *slash = '\0';
        mkdir(parent, 0755);
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) return -1;
    return snprintf(buf, n, "%s/fftw-wisdom", dir) < (int)n ? 0 : -1;
}

void dft_fftw_wisdom_load(void)
{
    /* A first run measures each plan for at most this long. */
    fftw_set_timelimit(0.05);
    char path[4096];
    if (wisdom_path(path, sizeof path) != 0) return;
    FILE *f = fopen(path, "r");
    if (!f) return;
    if (!fftw_import_wisdom_from_file(f)) ls_log_debug("FFTW wisdom in %s is not usable; plans will be measured again", path);
    fclose(f);
}

void dft_fftw_wisdom_save(void)
{
    if (ls_par_rank() != 0) return;
    char path[4096];
    if (wisdom_path(path, sizeof path) != 0) return;
    char *w = fftw_export_wisdom_to_string();
    if (!w) return;
    if (ls_file_write_atomic(path, w, strlen(w)) != 0) {
        ls_log_debug("could not save FFTW wisdom to %s: %s", path, ls_error_message());
        ls_error_clear();
    }
    free(w);
}

/* Rank 0's wisdom to every rank: its length, then the text in pieces (a rank that cannot
 * allocate still takes part, and then measures plans of its own). */
static void wisdom_bcast(void)
{
    const ls_comm *world = ls_comm_world();
    int root = ls_comm_rank(world) == 0;
    char *w = root ? fftw_export_wisdom_to_string() : NULL;
    long len = w ? (long)strlen(w) + 1 : 0;
    ls_comm_bcast(world, &len, sizeof len, 0);
    if (!root && len > 0) w = malloc((size_t)len);
    char scratch[4096];
    for (long off = 0; off < len; off += (long)sizeof scratch) {
        size_t n = (size_t)(len - off) < sizeof scratch ? (size_t)(len - off) : sizeof scratch;
        ls_comm_bcast(world, w ? w + off : scratch, n, 0);
    }
    if (!root && w) fftw_forget_wisdom(); /* rank 0's wisdom only, not this rank's file */
    if (!root && w && !fftw_import_wisdom_from_string(w))
        ls_log_debug("FFTW wisdom from rank 0 not usable on rank %d", ls_comm_rank(world));
    free(w);
}

void dft_fftw_plans_begin(void)
{
    if (ls_par_size() > 1 && ls_par_rank() != 0) wisdom_bcast();
}

void dft_fftw_plans_end(void)
{
    if (ls_par_size() > 1 && ls_par_rank() == 0) wisdom_bcast();
}
