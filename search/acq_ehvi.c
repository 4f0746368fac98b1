/* Expected hypervolume improvement, exact, for 2 or 3 objectives with independent Gaussian
 * posteriors.  On the minimisation scale (a = -y, r = -ref) the improvement of a point Y is
 * the volume of the non-dominated region A below r that Y dominates, so
 *
 *   EHVI = integral over A of P(Y <= z) dz = integral_A prod_d Phi((z_d - mu_d)/sd_d) dz.
 *
 * A is cut into cells along the first m-1 objectives at the front's coordinates; inside a
 * cell with lower corner l, A extends along the last objective from -inf to
 * u(l) = min(r_m, min{p_m : p_d <= l_d, d < m}), so each cell contributes a product of
 * one-dimensional integrals
 *
 *   J(l, u) = integral_l^u Phi((z - mu)/sd) dz = sd [G((u - mu)/sd) - G((l - mu)/sd)],
 *   G(t) = t Phi(t) + phi(t),  G(-inf) = 0.
 *
 * This is the cell decomposition of Emmerich, Deutz & Klinkenberg, IEEE CEC 2011,
 * doi:10.1109/CEC.2011.5949880 (O(n^2) cells for three objectives); the integrals follow
 * from the definition above.  Multi-objective batches use kriging-believer fantasies (select.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "search/mo.h"

const bo_acquisition bo_acq_ehvi = {"ehvi", "expected hypervolume improvement (exact, 2 or 3 objectives)",
                                    NULL, 1, 0, 0, 1};

static double G(double t)
{
    if (t == -INFINITY) return 0.0;
    return t * 0.5 * erfc(-t / M_SQRT2) + exp(-0.5 * t * t) / sqrt(2.0 * M_PI);
}

static double J(double l, double u, double mu, double sd)
{
    if (!(u > l)) return 0.0;
    if (!(sd > 1e-300)) {
        double a = l > mu ? l : mu;
        return u > a ? u - a : 0.0;
    }
    double gl = l == -INFINITY ? 0.0 : G((l - mu) / sd);
    return sd * (G((u - mu) / sd) - gl);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b ? 1 : 0;
}

void bo_ehvi_free(bo_ehvi *e)
{
    for (int d = 0; d < 2; d++) {
        free(e->lo[d]);
        free(e->hi[d]);
        e->lo[d] = e->hi[d] = NULL;
    }
    free(e->ulast);
    e->ulast = NULL;
}

int bo_ehvi_prepare(bo_ehvi *e, int m, long n, const double *front, const double *ref)
{
    memset(e, 0, sizeof *e);
    if (m < 2 || m > 3) LS_ERROR(LS_ERR_UNSUPPORTED, "EHVI needs 2 or 3 objectives, got %d", m);
    e->m = m;
    for (int d = 0; d < m; d++) e->r[d] = -ref[d];
    /* Front points strictly better than the reference, minimisation scale. */
    double *a = malloc(sizeof *a * (size_t)(n > 0 ? n : 1) * m);
    if (a == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for EHVI");
    long k = 0;
    for (long i = 0; i < n; i++) {
        int ok = 1;
        for (int d = 0; d < m; d++) ok &= -front[i * m + d] < e->r[d];
        if (!ok) continue;
        for (int d = 0; d < m; d++) a[k * m + d] = -front[i * m + d];
        k++;
    }
    int status = LS_OK;
    long total = 1;
    for (int d = 0; d < m - 1; d++) {
        e->lo[d] = malloc(sizeof *e->lo[d] * (size_t)(k + 1));
        e->hi[d] = malloc(sizeof *e->hi[d] * (size_t)(k + 1));
        if (!e->lo[d] || !e->hi[d]) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for EHVI");
        for (long i = 0; i < k; i++) e->hi[d][i] = a[i * m + d];
        qsort(e->hi[d], (size_t)k, sizeof *e->hi[d], cmp_double);
        long u = 0; /* unique breakpoints */
        for (long i = 0; i < k; i++)
            if (u == 0 || e->hi[d][i] != e->hi[d][u - 1]) e->hi[d][u++] = e->hi[d][i];
        e->hi[d][u] = e->r[d];
        e->lo[d][0] = -INFINITY;
        for (long i = 1; i <= u; i++) e->lo[d][i] = e->hi[d][i - 1];
        e->nb[d] = u + 1;
        total *= u + 1;
    }
    e->ulast = malloc(sizeof *e->ulast * (size_t)total);
    if (e->ulast == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for EHVI");
    for (long c = 0; c < total; c++) {
        long i0 = m == 2 ? c : c / e->nb[1], i1 = m == 2 ? 0 : c % e->nb[1];
        double u = e->r[m - 1];
        for (long p = 0; p < k; p++) {
            if (a[p * m] > e->lo[0][i0]) continue;
            if (m == 3 && a[p * m + 1] > e->lo[1][i1]) continue;
            if (a[p * m + m - 1] < u) u = a[p * m + m - 1];
        }
        e->ulast[c] = u;
    }
done:
    free(a);
    if (status != LS_OK) bo_ehvi_free(e);
    return status;
}

double bo_ehvi_eval(const bo_ehvi *e, const double *mean, const double *sd)
{
    int m = e->m;
    double mu[3], j0[4096], sum = 0.0;
    for (int d = 0; d < m; d++) mu[d] = -mean[d];
    if (m == 2) {
        for (long i = 0; i < e->nb[0]; i++) {
            double a = J(e->lo[0][i], e->hi[0][i], mu[0], sd[0]);
            if (a != 0.0) sum += a * J(-INFINITY, e->ulast[i], mu[1], sd[1]);
        }
        return sum;
    }
    long n0 = e->nb[0], n1 = e->nb[1];
    for (long i = 0; i < n0 && i < 4096; i++) j0[i] = J(e->lo[0][i], e->hi[0][i], mu[0], sd[0]);
    for (long j = 0; j < n1; j++) {
        double b = J(e->lo[1][j], e->hi[1][j], mu[1], sd[1]);
        if (b == 0.0) continue;
        for (long i = 0; i < n0; i++) {
            double a = i < 4096 ? j0[i] : J(e->lo[0][i], e->hi[0][i], mu[0], sd[0]);
            if (a != 0.0) sum += a * b * J(-INFINITY, e->ulast[i * n1 + j], mu[2], sd[2]);
        }
    }
    return sum;
}
