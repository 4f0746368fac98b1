/* The third-order Birch-Murnaghan fit (workflow/eos_fit.c).
 *
 * Reference numbers: the curves are synthetic, made from BM3 parameters of the size of
 * silicon's (V0 = 20.4531 Å^3/atom, B0 = 0.5512 eV/Å^3 = 88.3 GPa, B1 = 4.307, E0 = -107.2173
 * eV/atom; roughly the ACWF PBE values of diamond Si, Bosoni et al. 2024) and of the same curve in
 * Hartree atomic units; the fit must give back the parameters it was made from.  The volumes
 * are the ACWF protocol's seven fractions 0.94 ... 1.06 of a V_in that is not V0. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "workflow/eos_fit.h"
#include "common/err.h"
#include "common/log.h"
#include "common/rng.h"
#include "common/test.h"
#include "common/units.h"

static const struct ls_eos_bm3 si = {.v0 = 20.4531, .b0 = 0.5512, .b1 = 4.307, .e0 = -107.2173};
static const double fractions[7] = {0.94, 0.96, 0.98, 1.00, 1.02, 1.04, 1.06};
static const double v_in = 20.61; /* the "input cell": V0 / V_in = 0.9924 */

/* Rounding-level agreement that 1e-8 relative leaves room for. */
static void check_recovers(const struct ls_eos_bm3 *ref, const struct ls_eos_bm3 *fit)
{
    LS_CHECK_NEAR(fit->v0, ref->v0, 1e-8 * ref->v0);
    LS_CHECK_NEAR(fit->b0, ref->b0, 1e-8 * ref->b0);
    LS_CHECK_NEAR(fit->b1, ref->b1, 1e-8 * ref->b1);
    LS_CHECK_NEAR(fit->e0, ref->e0, 1e-8 * fabs(ref->e0));
}

static void test_exact_data(void)
{
    double v[7], e[7];
    for (int i = 0; i < 7; i++) {
        v[i] = fractions[i] * v_in;
        e[i] = ls_eos_bm3_energy(&si, v[i]);
    }
    struct ls_eos_bm3 fit;
    LS_CHECK_OK(ls_eos_bm3_fit(v, e, 7, &fit));
    check_recovers(&si, &fit);
    LS_CHECK(fit.n_points == 7 && fit.v0_inside);
    LS_CHECK(fit.rms_residual < 1e-10);
    /* Exact data: the standard errors vanish with the residuals. */
    LS_CHECK(fit.v0_err < 1e-8 * si.v0 && fit.b0_err < 1e-8 * si.b0 && fit.b1_err < 1e-6);
}

/* The same crystal in Ha and bohr^3 per atom: tiny numbers for B0, large for V0. */
static void test_atomic_units(void)
{
    const double a3 = LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM;
    struct ls_eos_bm3 au = {.v0 = si.v0 / a3, .b0 = si.b0 * LS_EV_HARTREE * a3, .b1 = si.b1,
                            .e0 = si.e0 * LS_EV_HARTREE};
    double v[9], e[9];
    for (int i = 0; i < 9; i++) {
        v[i] = (1.1 - 0.025 * i) * au.v0; /* decreasing order, 0.9 ... 1.1 V0 */
        e[i] = ls_eos_bm3_energy(&au, v[i]);
    }
    struct ls_eos_bm3 fit;
    LS_CHECK_OK(ls_eos_bm3_fit(v, e, 9, &fit));
    check_recovers(&au, &fit);
    LS_CHECK_NEAR(fit.b0 * LS_HA_BOHR3_GPA, si.b0 * LS_EV_PER_A3_GPA, 1e-6);
}

/* P = -dE/dV (central differences), P(V0) = 0, B0 = -V dP/dV at V0. */
static void test_pressure(void)
{
    for (int i = 0; i < 7; i++) {
        double v = fractions[i] * v_in, h = 1e-4;
        double p_fd = -(ls_eos_bm3_energy(&si, v + h) - ls_eos_bm3_energy(&si, v - h)) / (2 * h);
        LS_CHECK_NEAR(ls_eos_bm3_pressure(&si, v), p_fd, 1e-8);
    }
    LS_CHECK_NEAR(ls_eos_bm3_pressure(&si, si.v0), 0.0, 1e-15);
    double h = 1e-4;
    double b_fd = -si.v0 * (ls_eos_bm3_pressure(&si, si.v0 + h) - ls_eos_bm3_pressure(&si, si.v0 - h)) / (2 * h);
    LS_CHECK_NEAR(b_fd, si.b0, 1e-8);
    /* B1 = dB/dP at V0, B = -V dP/dV, by differences in V. */
    double bp = -(si.v0 + h) * (ls_eos_bm3_pressure(&si, si.v0 + 2 * h) - ls_eos_bm3_pressure(&si, si.v0)) / (2 * h);
    double bm = -(si.v0 - h) * (ls_eos_bm3_pressure(&si, si.v0) - ls_eos_bm3_pressure(&si, si.v0 - 2 * h)) / (2 * h);
    double dp = ls_eos_bm3_pressure(&si, si.v0 + h) - ls_eos_bm3_pressure(&si, si.v0 - h);
    LS_CHECK_NEAR((bp - bm) / dp, si.b1, 1e-4);
}

/* splitmix64 and Box-Muller: a fixed-seed normal stream. */
static uint64_t rng_state = 0x2545F4914F6CDD1DULL;
static double uniform(void)
{
    return ((ls_splitmix64(&rng_state) >> 11) + 0.5) * (1.0 / 9007199254740992.0); /* in (0, 1) */
}
static double normal(void)
{
    return sqrt(-2.0 * log(uniform())) * cos(2.0 * M_PI * uniform());
}

/* Noise of 0.2 meV/atom on the seven energies, 200 replicas: the mean reported standard error
 * of V0, B0 and B1 is within a factor 1.5 of the scatter of the fitted values.  (For normal
 * noise and 7 - 4 = 3 degrees of freedom the expected ratio is E[s]/sigma = 0.886; the scatter
 * of 200 replicas is known to about 5 %.)  The means stay within 3 standard errors of the
 * truth: the fit is unbiased to first order. */
static void test_noise_errors(void)
{
    enum { N_REP = 200 };
    const double sigma = 2e-4;
    double sum[3] = {0}, sum2[3] = {0}, err[3] = {0};
    int n_ok = 0;
    for (int rep = 0; rep < N_REP; rep++) {
        double v[7], e[7];
        for (int i = 0; i < 7; i++) {
            v[i] = fractions[i] * v_in;
            e[i] = ls_eos_bm3_energy(&si, v[i]) + sigma * normal();
        }
        struct ls_eos_bm3 fit;
        if (ls_eos_bm3_fit(v, e, 7, &fit) != LS_OK) continue;
        n_ok++;
        double p[3] = {fit.v0, fit.b0, fit.b1}, pe[3] = {fit.v0_err, fit.b0_err, fit.b1_err};
        for (int k = 0; k < 3; k++) {
            sum[k] += p[k];
            sum2[k] += p[k] * p[k];
            err[k] += pe[k];
        }
    }
    LS_CHECK(n_ok == N_REP);
    const double truth[3] = {si.v0, si.b0, si.b1};
    const char *name[3] = {"V0", "B0", "B1"};
    for (int k = 0; k < 3; k++) {
        double mean = sum[k] / n_ok;
        double sd = sqrt((sum2[k] - n_ok * mean * mean) / (n_ok - 1));
        double mean_err = err[k] / n_ok;
        double ratio = mean_err / sd;
        LS_CHECK_MSG(ratio > 1 / 1.5 && ratio < 1.5, "%s: mean reported error %.4g, scatter %.4g (ratio %.3f)", name[k],
                     mean_err, sd, ratio);
        LS_CHECK_MSG(fabs(mean - truth[k]) < 3 * sd / sqrt(n_ok) + 1e-12, "%s: mean %.8g, truth %.8g, scatter %.3g",
                     name[k], mean, truth[k], sd);
    }
}

static void test_too_few_points(void)
{
    double v[4], e[4];
    for (int i = 0; i < 4; i++) {
        v[i] = fractions[i] * v_in;
        e[i] = ls_eos_bm3_energy(&si, v[i]);
    }
    struct ls_eos_bm3 fit;
    LS_CHECK(ls_eos_bm3_fit(v, e, 4, &fit) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "at least 5") != NULL, "%s", ls_error_message());
    /* Five points, but only three different volumes. */
    double v5[5] = {v[0], v[1], v[2], v[1], v[0]}, e5[5] = {e[0], e[1], e[2], e[1], e[0]};
    LS_CHECK(ls_eos_bm3_fit(v5, e5, 5, &fit) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "4 different volumes") != NULL, "%s", ls_error_message());
    double bad[5] = {20, 21, -22, 23, 24};
    LS_CHECK(ls_eos_bm3_fit(bad, e5, 5, &fit) == LS_ERR_INPUT);
}

/* Energies that fall with volume all the way (a gas, or a cell far too compressed) have no
 * minimum: an error, not a made-up V0. */
static void test_no_minimum(void)
{
    double v[7], e[7];
    for (int i = 0; i < 7; i++) {
        v[i] = fractions[i] * v_in;
        e[i] = -0.37 * v[i];
    }
    struct ls_eos_bm3 fit;
    LS_CHECK(ls_eos_bm3_fit(v, e, 7, &fit) == LS_ERR_NUMERIC);
    LS_CHECK_MSG(strstr(ls_error_message(), "no minimum") != NULL, "%s", ls_error_message());
}

/* Volumes all below V0: the fit works (exact data) but warns that V0 is extrapolated. */
static void test_minimum_outside(void)
{
    double v[7], e[7];
    for (int i = 0; i < 7; i++) {
        v[i] = (0.80 + 0.02 * i) * si.v0;
        e[i] = ls_eos_bm3_energy(&si, v[i]);
    }
    struct ls_eos_bm3 fit;
    long warnings = ls_log_warning_count();
    ls_log_set_level(LS_LOG_ERROR); /* keep the expected warning out of the test output */
    LS_CHECK_OK(ls_eos_bm3_fit(v, e, 7, &fit));
    ls_log_set_level(LS_LOG_INFO);
    LS_CHECK(!fit.v0_inside);
    LS_CHECK(ls_log_warning_count() == warnings + 1);
    LS_CHECK_NEAR(fit.v0, si.v0, 1e-6 * si.v0);
}

int main(void)
{
    LS_RUN(test_exact_data);
    LS_RUN(test_atomic_units);
    LS_RUN(test_pressure);
    LS_RUN(test_noise_errors);
    LS_RUN(test_too_few_points);
    LS_RUN(test_no_minimum);
    LS_RUN(test_minimum_outside);
    return ls_test_summary("test_eos_fit");
}
