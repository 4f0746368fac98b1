/* Pulay (DIIS) density mixing with a Kerker preconditioner.
 *
 * With inputs x_i and residuals r_i = F(x_i) - x_i of the last n steps, the coefficients
 * alpha (sum alpha = 1) minimise |sum alpha_i r_i| in the metric M; the next input is
 * sum alpha_i (x_i + beta P r_i), P = G^2 / (G^2 + q0^2) on the total density (Kerker) and 1 on
 * the magnetisation.  P. Pulay, Chem. Phys. Lett. 73, 393 (1980), doi:10.1016/0009-2614(80)80396-4;
 * G. P. Kerker, Phys. Rev. B 23, 3082 (1981), doi:10.1103/PhysRevB.23.3082.
 */
#include "dft/scf/mixer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <lapacke.h>

#include "common/err.h"

struct dft_mixer {
    const dft_grid *grid;
    int n_comp;
    long n;          /* n_comp * n_g */
    double beta;
    int n_hist;
    double q0;
    int count;       /* steps stored so far */
    double complex *x; /* [n_hist][n] inputs */
    double complex *r; /* [n_hist][n] residuals */
    double *weight;  /* [n] metric weights */
};

int dft_mixer_create(const dft_grid *grid, int n_comp, double beta, int n_hist, double kerker_q0, dft_mixer **out)
{
    *out = NULL;
    if (n_hist > DFT_MIXER_MAX_HISTORY)
        LS_ERROR(LS_ERR_INPUT, "a mixing history of %d steps: at most %d are kept (pw.x's default is 8)", n_hist,
                 DFT_MIXER_MAX_HISTORY);
    dft_mixer *m = calloc(1, sizeof *m);
    if (!m) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    m->grid = grid;
    m->n_comp = n_comp;
    m->n = (long)n_comp * grid->n_g;
    m->beta = beta;
    m->n_hist = n_hist < 1 ? 1 : n_hist;
    m->q0 = kerker_q0;
    m->x = malloc((size_t)m->n_hist * m->n * sizeof *m->x);
    m->r = malloc((size_t)m->n_hist * m->n * sizeof *m->r);
    m->weight = malloc((size_t)m->n * sizeof *m->weight);
    if (!m->x || !m->r || !m->weight) {
        dft_mixer_destroy(m);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for the mixer");
    }
    for (int c = 0; c < n_comp; c++)
        for (long ig = 0; ig < grid->n_g; ig++) {
            double w;
            if (c == 0) w = grid->g2[ig] > 1e-12 ? 2.0 * M_PI / grid->g2[ig] : 0.0;
            else w = 1.0 / (2.0 * M_PI);
            m->weight[(long)c * grid->n_g + ig] = w * grid->omega;
        }
    *out = m;
    return LS_OK;
}

void dft_mixer_destroy(dft_mixer *m)
{
    if (!m) return;
    free(m->x);
    free(m->r);
    free(m->weight);
    free(m);
}

static double dot(const dft_mixer *m, const double complex *a, const double complex *b)
{
    double s = 0;
    for (long i = 0; i < m->n; i++) s += m->weight[i] * creal(conj(a[i]) * b[i]);
    return s;
}

double dft_mixer_residual_norm(const dft_mixer *m, const double complex *in, const double complex *out)
{
    double s = 0;
    for (long i = 0; i < m->n; i++) {
        double complex d = out[i] - in[i];
        s += m->weight[i] * creal(conj(d) * d);
    }
    return s;
}

int dft_mixer_mix(dft_mixer *m, double complex *in, const double complex *out)
{
    /* Store (x, r) in a ring buffer, newest at slot count % n_hist. */
    int slot = m->count % m->n_hist;
    double complex *xs = m->x + (size_t)slot * m->n, *rs = m->r + (size_t)slot * m->n;
    for (long i = 0; i < m->n; i++) {
        xs[i] = in[i];
        rs[i] = out[i] - in[i];
    }
    m->count++;
    int k = m->count < m->n_hist ? m->count : m->n_hist;
    double alpha[64];
    if (k > 64) k = 64;
    /* Solve [A 1; 1^T 0] [alpha; lambda] = [0; 1]. */
    int dim = k + 1;
    double *a = calloc((size_t)dim * dim, sizeof *a);
    double *rhs = calloc((size_t)dim, sizeof *rhs);
    if (!a || !rhs) {
        free(a);
        free(rhs);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < k; i++) {
        for (int j = 0; j <= i; j++) {
            double v = dot(m, m->r + (size_t)i * m->n, m->r + (size_t)j * m->n);
            a[i * dim + j] = a[j * dim + i] = v;
        }
        a[i * dim + k] = a[k * dim + i] = 1.0;
    }
    /* Scale the diagonal slightly for conditioning. */
    double scale = 0;
    for (int i = 0; i < k; i++) scale = fmax(scale, a[i * dim + i]);
    for (int i = 0; i < k; i++) a[i * dim + i] += 1e-12 * scale;
    rhs[k] = 1.0;
    lapack_int *ipiv = malloc((size_t)dim * sizeof *ipiv);
    lapack_int info = ipiv ? LAPACKE_dgesv(LAPACK_ROW_MAJOR, dim, 1, a, dim, ipiv, rhs, 1) : -1;
    free(ipiv);
    if (info != 0) {
        /* Degenerate history: fall back to simple mixing of the newest pair. */
        for (int i = 0; i < k; i++) rhs[i] = 0;
        rhs[slot] = 1.0;
    }
    for (int i = 0; i < k; i++) alpha[i] = rhs[i];
    free(a);
    free(rhs);
    const dft_grid *g = m->grid;
    for (int c = 0; c < m->n_comp; c++)
        for (long ig = 0; ig < g->n_g; ig++) {
            long i = (long)c * g->n_g + ig;
            double complex xo = 0, ro = 0;
            for (int j = 0; j < k; j++) {
                xo += alpha[j] * m->x[(size_t)j * m->n + i];
                ro += alpha[j] * m->r[(size_t)j * m->n + i];
            }
            double p = 1.0;
            if (c == 0 && m->q0 > 0) p = g->g2[ig] / (g->g2[ig] + m->q0 * m->q0);
            in[i] = xo + m->beta * p * ro;
        }
    return LS_OK;
}
