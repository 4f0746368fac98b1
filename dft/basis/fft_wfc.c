/* Pruned wavefunction FFTs; see fft_wfc.h. */
#include "dft/basis/fft_wfc.h"

#include <stdlib.h>

#include "common/err.h"

static fftw_plan plan_many(int len, int howmany, int stride, int dist, double complex *buf, int sign, int unaligned)
{
    if (howmany < 1) return NULL;
    int nn[1] = {len};
    return fftw_plan_many_dft(1, nn, howmany, (fftw_complex *)buf, NULL, stride, dist, (fftw_complex *)buf, NULL,
                              stride, dist, sign, FFTW_MEASURE | (unaligned ? FFTW_UNALIGNED : 0));
}

int dft_wfft_create(const int n[3], const int m[3], dft_wfft **out)
{
    *out = NULL;
    for (int i = 0; i < 3; i++)
        if (2 * m[i] + 1 > n[i]) LS_ERROR(LS_ERR_INTERNAL, "wavefunction extent %d does not fit the grid %d", m[i], n[i]);
    dft_wfft *w = calloc(1, sizeof *w);
    long nr = (long)n[0] * n[1] * n[2];
    double complex *buf = fftw_malloc((size_t)nr * sizeof *buf);
    if (!w || !buf) {
        free(w);
        fftw_free(buf);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < 3; i++) {
        w->n[i] = n[i];
        w->m[i] = m[i];
    }
    w->alignment = fftw_alignment_of((double *)buf);
    int ok = 1;
    long plane = (long)n[1] * n[2];
    /* Plan the unaligned variant only if some batch starts at another alignment than the
     * buffer (FFTW's alignment granularity is 16 bytes, so for double complex data it never
     * happens on common builds; kept for builds with wider SIMD requirements). */
    int need_unaligned = 0;
    long offsets[4] = {n[2], n[2] - m[2], plane, plane + n[2] - m[2]};
    for (int i = 0; i < 4; i++)
        if (fftw_alignment_of((double *)(buf + offsets[i])) != w->alignment) need_unaligned = 1;
    for (int d = 0; d < 2; d++) {
        int sign = d == 0 ? FFTW_BACKWARD : FFTW_FORWARD;
        for (int u = 0; u < 1 + need_unaligned; u++) {
            w->x_lo[d][u] = plan_many(n[0], m[2] + 1, (int)plane, 1, buf, sign, u);
            w->x_hi[d][u] = plan_many(n[0], m[2], (int)plane, 1, buf, sign, u);
            w->y_lo[d][u] = plan_many(n[1], m[2] + 1, n[2], 1, buf, sign, u);
            w->y_hi[d][u] = plan_many(n[1], m[2], n[2], 1, buf, sign, u);
            ok = ok && w->x_lo[d][u] && w->y_lo[d][u] && (m[2] == 0 || (w->x_hi[d][u] && w->y_hi[d][u]));
            if (u == 0 && !need_unaligned) { /* the aligned plans serve every batch */
                w->x_lo[d][1] = NULL;
                w->x_hi[d][1] = NULL;
                w->y_lo[d][1] = NULL;
                w->y_hi[d][1] = NULL;
            }
        }
        w->z[d] = plan_many(n[2], n[0] * n[1], 1, n[2], buf, sign, 0);
        ok = ok && w->z[d];
    }
    fftw_free(buf);
    if (!ok) {
        dft_wfft_destroy(w);
        LS_ERROR(LS_ERR_LIBRARY, "FFTW could not plan the wavefunction transforms");
    }
    *out = w;
    return LS_OK;
}

void dft_wfft_destroy(dft_wfft *w)
{
    if (!w) return;
    for (int d = 0; d < 2; d++) {
        for (int u = 0; u < 2; u++) {
            if (w->x_lo[d][u]) fftw_destroy_plan(w->x_lo[d][u]);
            if (w->x_hi[d][u]) fftw_destroy_plan(w->x_hi[d][u]);
            if (w->y_lo[d][u]) fftw_destroy_plan(w->y_lo[d][u]);
            if (w->y_hi[d][u]) fftw_destroy_plan(w->y_hi[d][u]);
        }
        if (w->z[d]) fftw_destroy_plan(w->z[d]);
    }
    free(w);
}

/* Run a plan on the batch starting at p, with the variant that matches p's alignment. */
static void run(const dft_wfft *w, fftw_plan const pl[2], double complex *p)
{
    int u = pl[1] != NULL && fftw_alignment_of((double *)p) != w->alignment;
    if (pl[u]) fftw_execute_dft(pl[u], (fftw_complex *)p, (fftw_complex *)p);
}

/* Index of the k-th non-negative-or-wrapped coordinate among 2 M + 1: 0..M, then n-M..n-1. */
static int wrapped(int k, int m, int n) { return k <= m ? k : n - (2 * m + 1 - k); }

/* The z-ranges [0, M2] and [n2 - M2, n2 - 1] start at these offsets within a column. */
static void x_pass(const dft_wfft *w, double complex *data, int d)
{
    for (int k = 0; k < 2 * w->m[1] + 1; k++) {
        double complex *col = data + (long)wrapped(k, w->m[1], w->n[1]) * w->n[2];
        run(w, w->x_lo[d], col);
        if (w->m[2] > 0) run(w, w->x_hi[d], col + (w->n[2] - w->m[2]));
    }
}

static void y_pass(const dft_wfft *w, double complex *data, int d)
{
    long plane = (long)w->n[1] * w->n[2];
    for (int i0 = 0; i0 < w->n[0]; i0++) {
        double complex *p = data + (long)i0 * plane;
        run(w, w->y_lo[d], p);
        if (w->m[2] > 0) run(w, w->y_hi[d], p + (w->n[2] - w->m[2]));
    }
}

void dft_wfft_g2r(const dft_wfft *w, double complex *data)
{
    x_pass(w, data, 0);
    y_pass(w, data, 0);
    fftw_execute_dft(w->z[0], (fftw_complex *)data, (fftw_complex *)data);
}

void dft_wfft_r2g(const dft_wfft *w, double complex *data)
{
    fftw_execute_dft(w->z[1], (fftw_complex *)data, (fftw_complex *)data);
    y_pass(w, data, 1);
    x_pass(w, data, 1);
}
