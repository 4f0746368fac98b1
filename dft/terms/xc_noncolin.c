/* Noncollinear exchange-correlation in the local spin frame.
 *
 * At each point the spin density matrix (n + m.sigma)/2 is diagonal along m/|m|: the local
 * spin-up and spin-down densities are n_up,dn = (n +- f(m)) / 2 with f = |m|, the collinear
 * LSDA/GGA (dft/terms/potential.c with two spins) gives v_up and v_dn, and
 *   v = (v_up + v_dn) / 2,   B = (v_up - v_dn) / 2  df/dm,
 * so that H = v + sigma.B (J. Kuebler, K.-H. Hoeck, J. Sticht, A. R. Williams, J. Phys. F 18,
 * 469 (1988), doi:10.1088/0305-4608/18/3/018).  B is the exact derivative of E_xc[n_up, n_dn]
 * with respect to m, and int v_xc n + B.m is the potential energy the Hamiltonian holds.
 *
 * GGAs where every starting moment is parallel or antiparallel to one axis ux: pw.x 6.7 takes
 * f = sign(m.ux) |m| (compute_ux.f90, compute_rho.f90, gradcorr.f90), which keeps n_up and n_dn
 * smooth where m changes sign along that axis and makes the run exactly the collinear functional
 * of m.ux when m is along ux.  Where m also has a part m_perp across ux (spin-orbit coupling
 * turns the moments a little), that f jumps by 2 |m_perp| on the surface m.ux = 0: the energy
 * is then not a continuous function of the density, and an SCF driven below ~1e-10 Ry stalls,
 * its energy scattering by ~1e-8 Ry as grid points near that surface change side.  Here the
 * sign is regularised over |m.ux| < eps:
 *   f = (m.ux) sqrt(|m|^2 + eps^2) / sqrt((m.ux)^2 + eps^2),
 * smooth everywhere, equal to m.ux exactly when m_perp = 0 (so the collinear equivalence stays
 * exact), and equal to pw.x's f up to O(eps^2 m_perp^2 / (m.ux)^2) away from that surface.
 * eps = 1e-4 electrons/bohr^3 (peak moments are ~0.2): on bcc Fe pairs with spin-orbit the
 * energy moves by ~1e-6 Ha per cell from pw.x's form, and the SCF converges to 1e-13 Ha as
 * fast as the LDA's (eps = 1e-5 still scattered by 1e-8 Ry).  LDAs are spin-symmetric: f = |m|
 * for them, as in pw.x, and for GGAs without a common axis (where pw.x uses |m| too).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "dft/terms/potential.h"
#include "dft/terms/xc.h"

#define DFT_XC_SIGN_EPS 1e-4 /* electrons/bohr^3: the width of the regularised sign of m.ux */

/* f(m) of one point and, when grad is not NULL, df/dm; use_sign: the regularised signed form. */
static inline double local_moment(const dft_system *sys, int use_sign, double mx, double my, double mz, double *grad)
{
    double m2 = mx * mx + my * my + mz * mz;
    if (use_sign) {
        const double e2 = DFT_XC_SIGN_EPS * DFT_XC_SIGN_EPS;
        double mp = mx * sys->ux[0] + my * sys->ux[1] + mz * sys->ux[2];
        double a = sqrt(m2 + e2), pp = sqrt(mp * mp + e2);
        if (grad) { /* d/dm of mp a / pp = ux a eps^2 / pp^3 + m mp / (a pp) */
            double cu = a * e2 / (pp * pp * pp), cm = mp / (a * pp);
            grad[0] = cu * sys->ux[0] + cm * mx;
            grad[1] = cu * sys->ux[1] + cm * my;
            grad[2] = cu * sys->ux[2] + cm * mz;
        }
        return mp * a / pp;
    }
    double am = sqrt(m2);
    if (grad) {
        double c = am > 1e-12 ? 1.0 / am : 0.0; /* B = 0 where m vanishes (pw.x's vanishing_mag) */
        grad[0] = c * mx;
        grad[1] = c * my;
        grad[2] = c * mz;
    }
    return am;
}

static int use_sign(const dft_system *sys)
{
    return sys->lsign && dft_xc_is_gga(sys->xc);
}

/* Local-frame densities ud[2][n_r] (valence; the core is added by the collinear engine). */
static void local_frame(const dft_system *sys, const double *rho, double *ud)
{
    long nr = sys->grid->n_r;
    int sgn = use_sign(sys);
    const double *n = rho, *mx = rho + nr, *my = rho + 2 * nr, *mz = rho + 3 * nr;
#pragma omp parallel for schedule(static)
    for (long ir = 0; ir < nr; ir++) {
        double f = local_moment(sys, sgn, mx[ir], my[ir], mz[ir], NULL);
        ud[ir] = 0.5 * (n[ir] + f);
        ud[nr + ir] = 0.5 * (n[ir] - f);
    }
}

int dft_potential_compute_noncolin(const dft_system *sys, const double *rho, double *veff, double *vxc_out,
                                   struct dft_potential_energies *e)
{
    long nr = sys->grid->n_r;
    int status = LS_OK, sgn = use_sign(sys);
    double *ud = malloc((size_t)2 * nr * sizeof *ud);
    double *vud = malloc((size_t)2 * nr * sizeof *vud);
    double *xud = malloc((size_t)2 * nr * sizeof *xud);
    if (!ud || !vud || !xud) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    local_frame(sys, rho, ud);
    LS_TRY_GOTO(status, dft_potential_compute_ns(sys, 2, ud, vud, xud, e), done);
    const double *n = rho, *mx = rho + nr, *my = rho + 2 * nr, *mz = rho + 3 * nr;
    double vxc_rho = 0;
#pragma omp parallel for schedule(static) reduction(+ : vxc_rho)
    for (long ir = 0; ir < nr; ir++) {
        double df[3];
        local_moment(sys, sgn, mx[ir], my[ir], mz[ir], df);
        double bs = 0.5 * (xud[ir] - xud[nr + ir]), vx = 0.5 * (xud[ir] + xud[nr + ir]);
        double b[3] = {bs * df[0], bs * df[1], bs * df[2]};
        veff[ir] = 0.5 * (vud[ir] + vud[nr + ir]);
        for (int x = 0; x < 3; x++) veff[(size_t)(x + 1) * nr + ir] = b[x];
        if (vxc_out) {
            vxc_out[ir] = vx;
            for (int x = 0; x < 3; x++) vxc_out[(size_t)(x + 1) * nr + ir] = b[x];
        }
        vxc_rho += vx * n[ir] + b[0] * mx[ir] + b[1] * my[ir] + b[2] * mz[ir];
    }
    /* int v_xc n + B.m: what the eigenvalues hold (the Harris-Foulkes energy and the stress need
     * it); sum_s v_s n_s of the local frame differs from it by O(eps) where f is regularised. */
    e->vxc_rho = vxc_rho * sys->omega / (double)nr;
done:
    free(ud);
    free(vud);
    free(xud);
    return status;
}

int dft_potential_gga_stress_noncolin(const dft_system *sys, const double *rho, double out[3][3])
{
    long nr = sys->grid->n_r;
    int status = LS_OK;
    double *ud = malloc((size_t)2 * nr * sizeof *ud);
    if (!ud) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    local_frame(sys, rho, ud);
    status = dft_potential_gga_stress_ns(sys, 2, ud, out);
done:
    free(ud);
    return status;
}
