/* Noncollinear exchange-correlation in the local spin frame.
 *
 * At each point the spin density matrix (n + m.sigma)/2 is diagonal along m/|m|: the local
 * spin-up and spin-down densities are n_up,dn = (n +- s |m|) / 2, the collinear LSDA/GGA
 * (dft/terms/potential.c with two spins) gives v_up and v_dn, and
 *   v = (v_up + v_dn) / 2,   B = s (v_up - v_dn) / 2  m/|m|     (|m| > 1e-12; else B = 0),
 * so that H = v + sigma.B (J. Kuebler, K.-H. Hoeck, J. Sticht, A. R. Williams, J. Phys. F 18,
 * 469 (1988), doi:10.1088/0305-4608/18/3/018).  s = 1, except where every starting moment is
 * parallel or antiparallel to one axis ux: then s = sign(m.ux), which keeps n_up and n_dn smooth
 * where m changes sign along that axis, as pw.x 6.7 does for GGAs (compute_ux.f90, compute_rho.f90,
 * gradcorr.f90; its LSDA part, spin-symmetric, is the same either way).  With all moments along
 * one axis this is exactly the collinear functional of m.ux, which the tests check.  The energy
 * terms are those of the collinear engine: int v_xc,s n_s = int (v_xc n + B_xc.m).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "dft/terms/potential.h"

/* Local-frame densities ud[2][n_r] and the sign s[n_r] of each point. */
static void local_frame(const dft_system *sys, const double *rho, double *ud, double *sgn)
{
    long nr = sys->grid->n_r;
    const double *n = rho, *mx = rho + nr, *my = rho + 2 * nr, *mz = rho + 3 * nr;
#pragma omp parallel for schedule(static)
    for (long ir = 0; ir < nr; ir++) {
        double s = 1.0;
        if (sys->lsign) s = mx[ir] * sys->ux[0] + my[ir] * sys->ux[1] + mz[ir] * sys->ux[2] < 0 ? -1.0 : 1.0;
        double am = sqrt(mx[ir] * mx[ir] + my[ir] * my[ir] + mz[ir] * mz[ir]);
        ud[ir] = 0.5 * (n[ir] + s * am);
        ud[nr + ir] = 0.5 * (n[ir] - s * am);
        sgn[ir] = s;
    }
}

int dft_potential_compute_noncolin(const dft_system *sys, const double *rho, double *veff, double *vxc_out,
                                   struct dft_potential_energies *e)
{
    long nr = sys->grid->n_r;
    int status = LS_OK;
    double *ud = malloc((size_t)2 * nr * sizeof *ud);
    double *vud = malloc((size_t)2 * nr * sizeof *vud);
    double *xud = malloc((size_t)2 * nr * sizeof *xud);
    double *sgn = malloc((size_t)nr * sizeof *sgn);
    if (!ud || !vud || !xud || !sgn) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    local_frame(sys, rho, ud, sgn);
    LS_TRY_GOTO(status, dft_potential_compute_ns(sys, 2, ud, vud, xud, e), done);
    const double *mx = rho + nr, *my = rho + 2 * nr, *mz = rho + 3 * nr;
#pragma omp parallel for schedule(static)
    for (long ir = 0; ir < nr; ir++) {
        double am = sqrt(mx[ir] * mx[ir] + my[ir] * my[ir] + mz[ir] * mz[ir]);
        double b = am > 1e-12 ? sgn[ir] * 0.5 * (xud[ir] - xud[nr + ir]) / am : 0.0;
        veff[ir] = 0.5 * (vud[ir] + vud[nr + ir]);
        veff[nr + ir] = b * mx[ir];
        veff[2 * nr + ir] = b * my[ir];
        veff[3 * nr + ir] = b * mz[ir];
        if (vxc_out) {
            vxc_out[ir] = 0.5 * (xud[ir] + xud[nr + ir]);
            vxc_out[nr + ir] = b * mx[ir];
            vxc_out[2 * nr + ir] = b * my[ir];
            vxc_out[3 * nr + ir] = b * mz[ir];
        }
    }
done:
    free(ud);
    free(vud);
    free(xud);
    free(sgn);
    return status;
}

int dft_potential_gga_stress_noncolin(const dft_system *sys, const double *rho, double out[3][3])
{
    long nr = sys->grid->n_r;
    int status = LS_OK;
    double *ud = malloc((size_t)2 * nr * sizeof *ud);
    double *sgn = malloc((size_t)nr * sizeof *sgn);
    if (!ud || !sgn) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    local_frame(sys, rho, ud, sgn);
    status = dft_potential_gga_stress_ns(sys, 2, ud, out);
done:
    free(ud);
    free(sgn);
    return status;
}
