/* Tests of the density of states (dft_dos_run, dft/dos/dos.c) on bcc Fe:
 * - sum rule: the total DOS integrated over a window holding every band is the number of
 *   states, n_spin x n_band per cell (1e-6), and its spin channels n_band each;
 * - the projections on Loewdin-orthonormalised atomic orbitals never exceed the total (an
 *   orthonormal set's projector: spilling >= 0, to 1e-9 states/Ha);
 * - noncollinear spinors without spin-orbit, moments along z, give the collinear DOS: the same
 *   Fermi level (1e-6 Ha: measured 3e-7, first order in the SCF error like the moments, which
 *   dft/scf/test_noncolin.c compares to 2e-5 muB) and the same up and down DOS (spin along the magnetisation) below
 *   E_F + 2 eV, where both runs hold every state (1e-4 of the peak).
 * Cheap settings (12 Ha, 2x2x2 k-points, Marzari-Vanderbilt 0.02 Ha, Gaussian broadening
 * 0.2 eV) with the shipped inputs/pseudo/pd04-pbe-fr/Fe.upf (j-averaged without spin-orbit).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/units.h"
#include "dft/dft.h"
#include "dft/magnet/test_fe_bcc.h"

static int fe_params(dft_params *p, int noncolin)
{
    LS_TRY(test_fe_bcc_params(p, noncolin, 1e-12, "test_dos"));
    p->n_bands = noncolin ? 24 : 12; /* the same states */
    return LS_OK;
}

static int run(int noncolin, double emax_ev, dft_dos **d)
{
    dft_params p;
    LS_TRY(fe_params(&p, noncolin));
    struct dft_dos_options o;
    memset(&o, 0, sizeof o);
    o.width = 0.2 * LS_EV_HARTREE;
    o.step = 0.02 * LS_EV_HARTREE;
    o.emin = -150 * LS_EV_HARTREE;
    o.emax = emax_ev * LS_EV_HARTREE;
    o.projected = 1;
    int status = dft_dos_run(&p, &o, d);
    dft_params_free(&p);
    return status;
}

static double integral(const dft_dos *d, const double *f)
{
    double s = 0;
    for (int i = 0; i < d->n_e; i++) s += f[i];
    return s * (d->energy[1] - d->energy[0]);
}

static void test_sum_rule(void)
{
    dft_dos *d = NULL;
    LS_CHECK_OK(run(0, 150, &d));
    if (!d) return;
    double n = integral(d, d->total), up = integral(d, d->spin), dn = integral(d, d->spin + d->n_e);
    printf("  collinear: %d energies, states %.8f (up %.8f, down %.8f), want 24 (12 + 12)\n", d->n_e, n, up, dn);
    LS_CHECK(d->n_spin == 2);
    LS_CHECK_NEAR(n, 24.0, 1e-6);
    LS_CHECK_NEAR(up, 12.0, 1e-6);
    LS_CHECK_NEAR(dn, 12.0, 1e-6);
    double worst = -INFINITY;
    for (int i = 0; i < d->n_e; i++) worst = fmax(worst, d->pdos_sum[i] - d->total[i]);
    printf("  projections: at most %.2e states/Ha above the total\n", worst);
    LS_CHECK(worst < 1e-9);
    dft_dos_destroy(d);
}

static void test_noncollinear_equals_collinear(void)
{
    dft_dos *c = NULL, *n = NULL;
    LS_CHECK_OK(run(0, 2, &c));
    LS_CHECK_OK(run(1, 2, &n));
    if (!c || !n) goto done;
    LS_CHECK(n->noncolin && n->n_spin == 2 && c->n_e == n->n_e);
    LS_CHECK_NEAR(n->fermi, c->fermi, 1e-6); /* first order in the density error, as the moment (test_noncolin: 2e-5 muB) */
    double peak = 0, diff = 0;
    for (int i = 0; c->n_e == n->n_e && i < 2 * c->n_e; i++) {
        peak = fmax(peak, c->spin[i]);
        diff = fmax(diff, fabs(n->spin[i] - c->spin[i]));
    }
    printf("  noncollinear along z: Fermi level %.8f Ha (collinear %.8f); spin DOS differs by at most %.2e of the "
           "peak\n", n->fermi, c->fermi, diff / peak);
    LS_CHECK(n->axis[2] > 0.999999);
    LS_CHECK(diff < 1e-4 * peak);
done:
    dft_dos_destroy(c);
    dft_dos_destroy(n);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_sum_rule);
    LS_RUN(test_noncollinear_equals_collinear);
    return ls_test_summary("test_dos");
}
