/* Effective potential: V_eff = V_loc + V_H + V_xc.
 *
 * Hartree: V_H(G) = 4 pi rho(G) / G^2 (G != 0; the G = 0 term cancels against the ions and
 * the background), E_H = (Omega / 2) sum_{G != 0} 4 pi |rho(G)|^2 / G^2.
 * Exchange-correlation on the grid through dft/terms/xc.h with rho_xc = rho + rho_core (split equally
 * between spins); for GGAs, v_s = de/drho_s - div h_s with h_up = 2 e_{sigma_uu} grad rho_up +
 * e_{sigma_ud} grad rho_down (and the mirror for down; h = 2 e_sigma grad rho without spin),
 * gradients and divergence taken in reciprocal space on the density sphere.
 */
#include "dft/terms/potential.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

void dft_field_gradient(const dft_grid *g, const double complex *f_g, double *grad, double complex *work)
{
    for (int d = 0; d < 3; d++) {
        memset(work, 0, (size_t)g->n_r * sizeof *work);
        for (long ig = 0; ig < g->n_g; ig++) work[g->fft_index[ig]] = I * g->g[ig][d] * f_g[ig];
        dft_grid_g2r(g, work);
        for (long ir = 0; ir < g->n_r; ir++) grad[(size_t)d * g->n_r + ir] = creal(work[ir]);
    }
}

/* out_r = div h for h[3][n_r], restricted to the density sphere. */
static void divergence(const dft_grid *g, const double *h, double *out_r, double complex *work, double complex *acc)
{
    memset(acc, 0, (size_t)g->n_g * sizeof *acc);
    for (int d = 0; d < 3; d++) {
        for (long ir = 0; ir < g->n_r; ir++) work[ir] = h[(size_t)d * g->n_r + ir];
        dft_grid_r2g(g, work);
        for (long ig = 0; ig < g->n_g; ig++) acc[ig] += I * g->g[ig][d] * work[g->fft_index[ig]];
    }
    dft_grid_sphere_to_field(g, acc, out_r, work);
}

int dft_potential_compute_ns(const dft_system *sys, int ns, const double *rho, double *veff, double *vxc_out,
                             struct dft_potential_energies *e)
{
    const dft_grid *g = sys->grid;
    long nr = g->n_r;
    int gga = dft_xc_is_gga(sys->xc);
    int n_sig = 2 * ns - 1;
    int status = LS_OK;
    double complex *work = fftw_malloc((size_t)nr * sizeof *work);
    double complex *rho_g = malloc((size_t)g->n_g * ns * sizeof *rho_g);
    double complex *acc = malloc((size_t)g->n_g * sizeof *acc);
    double *rho_xc = malloc((size_t)nr * ns * sizeof *rho_xc);
    double *exc = malloc((size_t)nr * sizeof *exc);
    double *vrho = malloc((size_t)nr * ns * sizeof *vrho);
    double *vh = malloc((size_t)nr * sizeof *vh);
    double *vloc = malloc((size_t)nr * sizeof *vloc);
    double *grad = NULL, *sigma = NULL, *vsigma = NULL, *h = NULL, *divh = NULL;
    if (!work || !rho_g || !acc || !rho_xc || !exc || !vrho || !vh || !vloc)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    if (gga) {
        grad = malloc((size_t)3 * nr * ns * sizeof *grad);
        sigma = malloc((size_t)nr * n_sig * sizeof *sigma);
        vsigma = malloc((size_t)nr * n_sig * sizeof *vsigma);
        h = malloc((size_t)3 * nr * sizeof *h);
        divh = malloc((size_t)nr * sizeof *divh);
        if (!grad || !sigma || !vsigma || !h || !divh) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    }
    double dv = sys->omega / (double)nr;

    /* Hartree from the total density. */
    double complex *rt = acc;
    for (long ir = 0; ir < nr; ir++) work[ir] = ns == 2 ? rho[ir] + rho[nr + ir] : rho[ir];
    dft_grid_r2g(g, work);
    double eh = 0;
    for (long ig = 0; ig < g->n_g; ig++) {
        double complex r = work[g->fft_index[ig]];
        if (g->g2[ig] > 1e-12) {
            rt[ig] = 4.0 * M_PI * r / g->g2[ig];
            eh += 2.0 * M_PI * creal(r * conj(r)) / g->g2[ig];
        } else {
            rt[ig] = 0;
        }
    }
    e->hartree = eh * sys->omega;
    dft_grid_sphere_to_field(g, rt, vh, work);
    dft_grid_sphere_to_field(g, sys->vloc_g, vloc, work);

    /* XC density: valence + core, restricted to the sphere for the gradients. */
    for (int s = 0; s < ns; s++)
        for (long ir = 0; ir < nr; ir++)
            rho_xc[(size_t)s * nr + ir] = rho[(size_t)s * nr + ir] + (sys->rho_core ? sys->rho_core[ir] / ns : 0.0);
    if (gga) {
        for (int s = 0; s < ns; s++) {
            dft_grid_field_to_sphere(g, rho_xc + (size_t)s * nr, rho_g + (size_t)s * g->n_g, work);
            dft_field_gradient(g, rho_g + (size_t)s * g->n_g, grad + (size_t)s * 3 * nr, work);
        }
        for (long ir = 0; ir < nr; ir++) {
            const double *g0 = grad, *g1 = grad + 3 * nr;
            double a[3] = {g0[ir], g0[nr + ir], g0[2 * nr + ir]};
            if (ns == 1) {
                sigma[ir] = a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
            } else {
                double b[3] = {g1[ir], g1[nr + ir], g1[2 * nr + ir]};
                sigma[ir] = a[0] * a[0] + a[1] * a[1] + a[2] * a[2];
                sigma[nr + ir] = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
                sigma[2 * nr + ir] = b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
            }
        }
    }
    LS_TRY_GOTO(status, dft_xc_eval(sys->xc, nr, rho_xc, sigma, exc, vrho, vsigma), done);
    double exc_sum = 0;
    for (long ir = 0; ir < nr; ir++) exc_sum += exc[ir];
    e->xc = exc_sum * dv;
    if (gga) {
        for (int s = 0; s < ns; s++) {
            const double *gs = grad + (size_t)s * 3 * nr, *go = grad + (size_t)(1 - s) * 3 * nr;
            for (int d = 0; d < 3; d++)
                for (long ir = 0; ir < nr; ir++) {
                    double v;
                    if (ns == 1) v = 2.0 * vsigma[ir] * gs[(size_t)d * nr + ir];
                    else v = 2.0 * vsigma[(size_t)(2 * s) * nr + ir] * gs[(size_t)d * nr + ir] +
                             vsigma[nr + ir] * go[(size_t)d * nr + ir];
                    h[(size_t)d * nr + ir] = v;
                }
            divergence(g, h, divh, work, acc);
            for (long ir = 0; ir < nr; ir++) vrho[(size_t)s * nr + ir] -= divh[ir];
        }
    }
    double vxc_rho = 0, vh_rho = 0;
    for (int s = 0; s < ns; s++)
        for (long ir = 0; ir < nr; ir++) {
            double r = rho[(size_t)s * nr + ir], vx = vrho[(size_t)s * nr + ir];
            vxc_rho += vx * r;
            vh_rho += vh[ir] * r;
            veff[(size_t)s * nr + ir] = vloc[ir] + vh[ir] + vx;
            if (vxc_out) vxc_out[(size_t)s * nr + ir] = vx;
        }
    e->vxc_rho = vxc_rho * dv;
    e->vh_rho = vh_rho * dv;
done:
    fftw_free(work);
    free(rho_g);
    free(acc);
    free(rho_xc);
    free(exc);
    free(vrho);
    free(vh);
    free(vloc);
    free(grad);
    free(sigma);
    free(vsigma);
    free(h);
    free(divh);
    return status;
}

int dft_potential_compute(const dft_system *sys, const double *rho, double *veff, double *vxc_out,
                          struct dft_potential_energies *e)
{
    if (sys->noncolin && sys->domag) return dft_potential_compute_noncolin(sys, rho, veff, vxc_out, e);
    return dft_potential_compute_ns(sys, sys->n_spin, rho, veff, vxc_out, e);
}

int dft_potential_gga_stress(const dft_system *sys, const double *rho, double out[3][3])
{
    if (sys->noncolin && sys->domag) return dft_potential_gga_stress_noncolin(sys, rho, out);
    return dft_potential_gga_stress_ns(sys, sys->n_spin, rho, out);
}

int dft_potential_gga_stress_ns(const dft_system *sys, int ns, const double *rho, double out[3][3])
{
    memset(out, 0, 9 * sizeof(double));
    if (!dft_xc_is_gga(sys->xc)) return LS_OK;
    const dft_grid *g = sys->grid;
    int n_sig = 2 * ns - 1;
    long nr = g->n_r;
    int status = LS_OK;
    double complex *work = fftw_malloc((size_t)nr * sizeof *work);
    double complex *rho_g = malloc((size_t)g->n_g * sizeof *rho_g);
    double *rho_xc = malloc((size_t)nr * ns * sizeof *rho_xc);
    double *grad = malloc((size_t)3 * nr * ns * sizeof *grad);
    double *sigma = malloc((size_t)nr * n_sig * sizeof *sigma);
    double *vsigma = malloc((size_t)nr * n_sig * sizeof *vsigma);
    double *exc = malloc((size_t)nr * sizeof *exc);
    double *vrho = malloc((size_t)nr * ns * sizeof *vrho);
    if (!work || !rho_g || !rho_xc || !grad || !sigma || !vsigma || !exc || !vrho)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int s = 0; s < ns; s++) {
        for (long ir = 0; ir < nr; ir++)
            rho_xc[(size_t)s * nr + ir] = rho[(size_t)s * nr + ir] + (sys->rho_core ? sys->rho_core[ir] / ns : 0.0);
        dft_grid_field_to_sphere(g, rho_xc + (size_t)s * nr, rho_g, work);
        dft_field_gradient(g, rho_g, grad + (size_t)s * 3 * nr, work);
    }
    for (long ir = 0; ir < nr; ir++) {
        for (int k = 0; k < n_sig; k++) {
            int s1 = ns == 1 ? 0 : (k == 2 ? 1 : 0), s2 = ns == 1 ? 0 : (k == 0 ? 0 : 1);
            const double *a = grad + (size_t)s1 * 3 * nr, *b = grad + (size_t)s2 * 3 * nr;
            sigma[(size_t)k * nr + ir] = a[ir] * b[ir] + a[nr + ir] * b[nr + ir] + a[2 * nr + ir] * b[2 * nr + ir];
        }
    }
    LS_TRY_GOTO(status, dft_xc_eval(sys->xc, nr, rho_xc, sigma, exc, vrho, vsigma), done);
    double dv = sys->omega / (double)nr;
    for (int x = 0; x < 3; x++)
        for (int y = 0; y < 3; y++) {
            double acc = 0;
            for (int k = 0; k < n_sig; k++) {
                int s1 = ns == 1 ? 0 : (k == 2 ? 1 : 0), s2 = ns == 1 ? 0 : (k == 0 ? 0 : 1);
                double c = (s1 == s2) ? 2.0 : 1.0;
                const double *a = grad + (size_t)s1 * 3 * nr, *b = grad + (size_t)s2 * 3 * nr;
                for (long ir = 0; ir < nr; ir++) {
                    double t = a[(size_t)x * nr + ir] * b[(size_t)y * nr + ir];
                    if (s1 != s2) t = 0.5 * (t + a[(size_t)y * nr + ir] * b[(size_t)x * nr + ir]) * 2.0;
                    acc += c * vsigma[(size_t)k * nr + ir] * t;
                }
            }
            out[x][y] = -acc * dv;
        }
done:
    fftw_free(work);
    free(rho_g);
    free(rho_xc);
    free(grad);
    free(sigma);
    free(vsigma);
    free(exc);
    free(vrho);
    return status;
}
