/* Pruned wavefunction FFTs; see fft_wfc.h. */
#include "dft/fft_wfc.h"

#include <stdlib.h>

#include "common/err.h"

static fftw_plan plan_many(int len, int howmany, int stride, int dist, double complex *buf, int sign)
{
    int nn[1] = {len};
    return fftw_plan_many_dft(1, nn, howmany, (fftw_complex *)buf, NULL, stride, dist, (fftw_complex *)buf, NULL,
                              stride, dist, sign, FFTW_MEASURE | FFTW_UNALIGNED);
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
    int ok = 1;
    for (int d = 0; d < 2; d++) {
        int sign = d == 0 ? FFTW_BACKWARD : FFTW_FORWARD;
        w->z_lo[d] = plan_many(n[2], m[1] + 1, 1, n[2], buf, sign);
        w->z_hi[d] = m[1] > 0 ? plan_many(n[2], m[1], 1, n[2], buf, sign) : NULL;
        w->y[d] = plan_many(n[1], n[2], n[2], 1, buf, sign);
        w->x[d] = plan_many(n[0], n[1] * n[2], n[1] * n[2], 1, buf, sign);
        ok = ok && w->z_lo[d] && (m[1] == 0 || w->z_hi[d]) && w->y[d] && w->x[d];
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
        if (w->z_lo[d]) fftw_destroy_plan(w->z_lo[d]);
        if (w->z_hi[d]) fftw_destroy_plan(w->z_hi[d]);
        if (w->y[d]) fftw_destroy_plan(w->y[d]);
        if (w->x[d]) fftw_destroy_plan(w->x[d]);
    }
    free(w);
}

/* The k-th plane (k = 0..2 M0) holding coefficients: i0 = 0..M0, then n0-M0..n0-1. */
static int plane_index(const dft_wfft *w, int k) { return k <= w->m[0] ? k : w->n[0] - (2 * w->m[0] + 1 - k); }

static void z_pass(const dft_wfft *w, double complex *data, int d)
{
    long plane = (long)w->n[1] * w->n[2];
    for (int k = 0; k < 2 * w->m[0] + 1; k++) {
        double complex *p = data + (long)plane_index(w, k) * plane;
        fftw_execute_dft(w->z_lo[d], (fftw_complex *)p, (fftw_complex *)p);
        if (w->z_hi[d]) {
            double complex *q = p + (long)(w->n[1] - w->m[1]) * w->n[2];
            fftw_execute_dft(w->z_hi[d], (fftw_complex *)q, (fftw_complex *)q);
        }
    }
}

static void y_pass(const dft_wfft *w, double complex *data, int d)
{
    long plane = (long)w->n[1] * w->n[2];
    for (int k = 0; k < 2 * w->m[0] + 1; k++) {
        double complex *p = data + (long)plane_index(w, k) * plane;
        fftw_execute_dft(w->y[d], (fftw_complex *)p, (fftw_complex *)p);
    }
}

void dft_wfft_g2r(const dft_wfft *w, double complex *data)
{
    z_pass(w, data, 0);
    y_pass(w, data, 0);
    fftw_execute_dft(w->x[0], (fftw_complex *)data, (fftw_complex *)data);
}

void dft_wfft_r2g(const dft_wfft *w, double complex *data)
{
    fftw_execute_dft(w->x[1], (fftw_complex *)data, (fftw_complex *)data);
    y_pass(w, data, 1);
    z_pass(w, data, 1);
}
