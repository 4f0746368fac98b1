/* Consistency tests of the noncollinear engine and spin-orbit coupling (issue 18):
 *
 * 1. Noncollinear spinors without spin-orbit and every moment along z give the collinear
 *    (nspin = 2) free energy to 1e-8 Ha; with every moment along -z too (the fixed GGA axis of
 *    pw.x's compute_ux makes the local frame follow the sign of m.z).
 * 2. A rigid rotation of all moments without spin-orbit leaves the energy unchanged (1e-8 Ha):
 *    along (theta, phi) = (63.4, 27.1) degrees, with the magnetic symmetry and k-points of that
 *    direction (2 operations instead of 16).
 * 3. With spin-orbit coupling the forces are the derivative of the free energy, LDA and PBE: two
 *    Fe atoms of a bcc cell, one moved along z (the moments stay along z by the fourfold axis),
 *    central differences of SCFs at +-h along z.  LDA: h = 2e-3 bohr, to 2e-6 Ha/bohr (measured
 *    4.2e-7; the force is 3e-2 Ha/bohr).  PBE: the central differences at this cutoff carry an
 *    h^2 error of 2.4e-6 at h = 2e-3 (5.6e-7 at 1e-3, 9.5e-6 at 4e-3: the GGA's egg-box ripple at
 *    12 Ha), so h = 1e-3 and 2e-3 are Richardson-extrapolated, to 3e-7 (measured 4e-8).  The PBE
 *    runs also guard the regularised sign of the GGA's local frame (dft/terms/xc_noncolin.c):
 *    with pw.x's sign(m.z) this cell's SCF stalled near 1e-10 Ry and never reached conv_thr, so
 *    each SCF here must converge to 1e-13 Ha within 40 iterations (it takes 14-23).  The FFT grid
 *    is fixed (18^3) so the displaced runs share it.
 * 4. A fixed moment (tot_magnetization = 2 muB) gives that moment, collinear (two Fermi levels)
 *    and noncollinear (a field along z), and the same free energy to 1e-7 Ha (the noncollinear
 *    field converges with the SCF, the collinear Fermi levels exactly).
 * 5. The default band count is pw.x's for an odd electron count: three Mn (45 electrons),
 *    noncollinear with smearing, 56 spinor bands as pw.x 6.7 prints ("number of Kohn-Sham
 *    states = 56" for validation/soc/mn3_kagome_soc.in: 2 x NINT(1.2 N_up), N_up = 23), not 54.
 * Systems made cheap (12 Ha, 2x2x2 k-points), with the shipped fully relativistic PseudoDojo
 * file (inputs/pseudo/pd04-pbe-fr/Fe.upf; j-averaged without spin-orbit), PBE,
 * Marzari-Vanderbilt smearing of 0.02 Ha.  Every comparison is printed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "dft/dft.h"
#include "dft/calc.h"
#include "dft/magnet/test_fe_bcc.h"
#include "dft/scf/scf.h"
#include "dft/scf/system.h"
#include "dft/terms/forces.h"

/* bcc Fe, one atom (dft/magnet/test_fe_bcc.h): collinear (n_spin 2) or noncollinear with the
 * moment along (a1, a2) degrees. */
static int fe_params(dft_params *p, int noncolin, double a1, double a2)
{
    LS_TRY(test_fe_bcc_params(p, noncolin, 1e-13, "test_noncolin"));
    p->angle1_deg[0] = a1;
    p->angle2_deg[0] = a2;
    p->compute_forces = 0;
    p->compute_stress = 0;
    return LS_OK;
}

static double free_energy(dft_params *p, double *m, int *n_sym)
{
    dft_result *r = NULL;
    int status = dft_scf_run(p, &r);
    LS_CHECK_OK(status);
    double f = r ? r->energy_free : NAN;
    if (m) *m = r ? (r->noncolin ? r->magnetization[2] : r->total_magnetization) : NAN;
    if (n_sym) *n_sym = r ? r->n_symmetry : 0;
    dft_result_destroy(r);
    dft_params_free(p);
    return f;
}

static void test_collinear_equivalence(void)
{
    dft_params p;
    double mc, mz, mm;
    LS_CHECK_OK(fe_params(&p, 0, 0, 0));
    double fc = free_energy(&p, &mc, NULL);
    LS_CHECK_OK(fe_params(&p, 1, 0, 0));
    double fz = free_energy(&p, &mz, NULL);
    LS_CHECK_OK(fe_params(&p, 1, 180, 0));
    double fm = free_energy(&p, &mm, NULL);
    printf("  collinear F = %.12f Ha (M %.6f); noncollinear along +z %.12f (%.6f), along -z %.12f (%.6f): "
           "differences %.2e, %.2e Ha\n", fc, mc, fz, mz, fm, mm, fz - fc, fm - fc);
    LS_CHECK_NEAR(fz, fc, 1e-8);
    LS_CHECK_NEAR(fm, fc, 1e-8);
    LS_CHECK_NEAR(mz, mc, 2e-5); /* the moment converges more slowly than the (variational) energy */
    LS_CHECK_NEAR(mm, -mc, 2e-5);
}

static void test_rigid_rotation(void)
{
    dft_params p;
    int ns0, ns1;
    LS_CHECK_OK(fe_params(&p, 1, 0, 0));
    double f0 = free_energy(&p, NULL, &ns0);
    LS_CHECK_OK(fe_params(&p, 1, 63.4, 27.1));
    p.conv_thr = 1e-12; /* the rotated run converges more slowly (2 operations) */
    double f1 = free_energy(&p, NULL, &ns1);
    printf("  along z F = %.12f Ha (%d operations); along (63.4, 27.1) deg %.12f Ha (%d): difference %.2e Ha\n", f0, ns0,
           f1, ns1, f1 - f0);
    LS_CHECK_NEAR(f1, f0, 1e-8);
    LS_CHECK(ns0 == 16 && ns1 == 2);
}

/* Two Fe atoms of a bcc cell (simple cubic, 2.83 Å), the first moved along z, spin-orbit on:
 * the fourfold axis along z keeps the moments along z. */
static int fe2_params(dft_params *p, const char *functional)
{
    LS_TRY(test_fe_bcc_params(p, 1, 1e-13, "test_noncolin"));
    ls_structure_destroy(p->structure);
    p->structure = NULL;
    LS_TRY(ls_structure_create(2, &p->structure));
    double a = 2.83 * LS_ANGSTROM_BOHR;
    double cell[3][3] = {{a, 0, 0}, {0, a, 0}, {0, 0, a}};
    memcpy(p->structure->cell, cell, sizeof cell);
    double pos[2][3] = {{0, 0, 0.02 * a}, {0.5 * a, 0.5 * a, 0.5 * a}};
    for (int i = 0; i < 2; i++) {
        LS_TRY(ls_structure_set_species(p->structure, i, "Fe"));
        memcpy(p->structure->pos[i], pos[i], sizeof pos[i]);
    }
    p->fft[0] = p->fft[1] = p->fft[2] = 18;
    p->spinorbit = 1;
    snprintf(p->functional, sizeof p->functional, "%s", functional);
    p->max_iter = 40; /* a stalled SCF fails the test instead of running on */
    p->compute_stress = 0;
    return LS_OK;
}

/* Forces with spin-orbit against central differences of the free energy at steps h[0..n_h-1]
 * (Richardson-extrapolated to h -> 0 when two: h[1] = 2 h[0]); one calculator, so the displaced
 * SCFs start from the previous solution. */
static void check_forces_spin_orbit(const char *functional, int n_h, const double *h, double tol)
{
    dft_params p;
    dft_calc *c = NULL;
    ls_structure *s = NULL;
    LS_CHECK_OK(fe2_params(&p, functional));
    LS_CHECK_OK(dft_calc_create(&p, &c));
    LS_CHECK_OK(ls_structure_copy(p.structure, &s));
    if (!c || !s) goto done;
    double e0, f[2][3], fd[2] = {0, 0};
    LS_CHECK_OK(dft_calc_compute(c, s, &e0, f, NULL));
    const dft_result *r = dft_calc_result(c);
    double mz = r ? r->magnetization[2] : NAN, lz = r && r->site_orbital ? r->site_orbital[0][2] : NAN;
    double z0 = s->pos[0][2];
    for (int i = 0; i < n_h; i++) {
        double ep, em;
        s->pos[0][2] = z0 + h[i];
        LS_CHECK_OK(dft_calc_compute(c, s, &ep, NULL, NULL));
        s->pos[0][2] = z0 - h[i];
        LS_CHECK_OK(dft_calc_compute(c, s, &em, NULL, NULL));
        fd[i] = -(ep - em) / (2 * h[i]);
    }
    double fx = n_h == 2 ? fd[0] + (fd[0] - fd[1]) / 3.0 : fd[0]; /* error h^2: (4 fd(h) - fd(2h)) / 3 */
    printf("  Fe2 %s with spin-orbit, M_z = %.4f muB, L_z(atom 1) = %.4f muB: F_z(atom 1) = %.9f Ha/bohr, finite "
           "difference %.9f (h = %g bohr", functional, mz, lz, f[0][2], fd[0], h[0]);
    if (n_h == 2) printf("; %.9f at h = %g; extrapolated %.9f", fd[1], h[1], fx);
    printf("): difference %.2e\n", f[0][2] - fx);
    LS_CHECK_NEAR(f[0][2], fx, tol);
    LS_CHECK(fabs(f[0][2]) > 1e-3);
done:
    ls_structure_destroy(s);
    dft_calc_destroy(c);
    dft_params_free(&p);
}

static void test_forces_spin_orbit_lda(void)
{
    const double h[1] = {2e-3}; /* bohr */
    check_forces_spin_orbit("LDA", 1, h, 2e-6);
}

static void test_forces_spin_orbit_pbe(void)
{
    const double h[2] = {1e-3, 2e-3}; /* bohr */
    check_forces_spin_orbit("PBE", 2, h, 3e-7);
}

static void test_fixed_moment(void)
{
    dft_params p;
    double mc, mn;
    LS_CHECK_OK(fe_params(&p, 0, 0, 0));
    p.has_tot_magnetization = 1;
    p.tot_magnetization = 2.0;
    double fc = free_energy(&p, &mc, NULL);
    LS_CHECK_OK(fe_params(&p, 1, 0, 0));
    p.has_tot_magnetization = 1;
    p.tot_magnetization = 2.0;
    double fn = free_energy(&p, &mn, NULL);
    printf("  fixed moment 2 muB: collinear F = %.12f Ha (M %.9f), noncollinear %.12f Ha (M %.9f): difference %.2e Ha\n", fc,
           mc, fn, mn, fn - fc);
    LS_CHECK_NEAR(mc, 2.0, 1e-9);
    LS_CHECK_NEAR(mn, 2.0, 1e-6);
    LS_CHECK_NEAR(fn, fc, 1e-7);
}

static void test_band_count_odd(void)
{
    dft_params p;
    LS_CHECK_OK(test_fe_bcc_params(&p, 1, 1e-13, "test_noncolin"));
    ls_structure_destroy(p.structure);
    p.structure = NULL;
    LS_CHECK_OK(ls_structure_create(3, &p.structure));
    double a = 2.6 * LS_ANGSTROM_BOHR;
    double cell[3][3] = {{2 * a, 0, 0}, {0, 2 * a, 0}, {0, 0, a}};
    memcpy(p.structure->cell, cell, sizeof cell);
    double pos[3][3] = {{0, 0, 0}, {a, 0, 0}, {0, a, 0}};
    for (int i = 0; i < 3; i++) {
        LS_CHECK_OK(ls_structure_set_species(p.structure, i, "Mn"));
        memcpy(p.structure->pos[i], pos[i], sizeof pos[i]);
    }
    snprintf(p.species[0].label, sizeof p.species[0].label, "Mn");
    snprintf(p.species[0].pseudo, sizeof p.species[0].pseudo, "inputs/pseudo/pd04-pbe-fr/Mn.upf");
    p.ecut_wfc = 6.0;
    p.kmesh[0] = p.kmesh[1] = p.kmesh[2] = 1;
    p.max_iter = 1; /* the band count is set before the SCF; one iteration is enough */
    p.compute_forces = p.compute_stress = 0;
    dft_result *r = NULL;
    ls_log_set_level(LS_LOG_ERROR);
    int status = dft_scf_run(&p, &r);
    ls_log_set_level(LS_LOG_WARN);
    LS_CHECK(status == LS_OK || status == LS_ERR_CONVERGENCE);
    ls_error_clear();
    printf("  3 Mn, 45 electrons, noncollinear: %d spinor bands (pw.x 6.7: 56)\n", r ? r->n_band : -1);
    LS_CHECK(r && r->n_band == 56);
    dft_result_destroy(r);
    dft_params_free(&p);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_collinear_equivalence);
    LS_RUN(test_rigid_rotation);
    LS_RUN(test_forces_spin_orbit_lda);
    LS_RUN(test_forces_spin_orbit_pbe);
    LS_RUN(test_fixed_moment);
    LS_RUN(test_band_count_odd);
    return ls_test_summary("test_noncolin");
}
