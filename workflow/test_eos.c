/* The equation-of-state driver (workflow/eos.c) on the analytic Lennard-Jones crystal of
 * test_relax_models.h, without DFT:
 *  - fixed positions: every point's energy is the closed-form lattice sum e(a) of the truncated
 *    crystal (to 1e-12 eV/atom), the fitted V0 is near the closed-form minimum a0^3/4 (the
 *    Birch-Murnaghan form is not exact for Lennard-Jones: 0.02 %), a0 = |a1| (V0/V_in)^(1/3);
 *  - a calculation that does not converge leaves its volume out (LS_ERR_CONVERGENCE naming it),
 *    and a restart from the checkpoint computes that volume only;
 *  - a stop signal after the third volume: LS_ERR_INTERRUPTED with three volumes in the
 *    checkpoint; the restart computes the other four and gives the uninterrupted run's points;
 *  - relaxed positions: an atom displaced in the input returns to its site at every volume, so the
 *    points equal the perfect crystal's;
 *  - errors: a structure not periodic in 3D, a checkpoint of other volumes, a calculator's limit. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/stop.h"
#include "common/test.h"
#include "common/units.h"
#include "workflow/eos.h"
#include "workflow/test_relax_models.h"

static char dir[1024];

static void test_fixed_positions(void)
{
    struct model m;
    model_lj(&m);
    const double a0 = lj_fcc_a0(m.sigma_a), a_in = 1.013 * a0;
    ls_structure *s = fcc_cell(a_in, NULL);
    if (!s) return;
    ls_calc calc = {"lj", model_calc, &m, NULL, NULL};
    struct ls_eos_config cfg;
    ls_eos_config_default(&cfg);
    struct ls_eos_result r;
    LS_CHECK_OK(ls_eos_run(s, &calc, &cfg, &r));
    LS_CHECK(r.completed && r.has_fit && r.n == 7 && m.calls == 7);
    double worst = 0;
    for (int i = 0; i < r.n; i++) {
        const double a = a_in * cbrt(r.pt[i].scale);
        worst = fmax(worst, fabs(ls_eos_energy_ev_per_atom(&r, &r.pt[i]) - lj_fcc_energy_per_atom(m.eps_ev, m.sigma_a, a)));
        LS_CHECK(r.pt[i].converged && r.pt[i].done && !r.pt[i].from_checkpoint);
    }
    LS_CHECK_MSG(worst < 1e-12, "energies differ from the lattice sum by %.2e eV/atom", worst);
    const double v0_exact = a0 * a0 * a0 / 4;
    printf("  Lennard-Jones fcc: V0 %.5f A^3/atom (closed form %.5f), B0 %.3f GPa, a0 %.5f A (closed form %.5f)\n",
           r.fit.v0, v0_exact, r.fit.b0 * LS_EV_PER_A3_GPA, ls_eos_a0_angstrom(&r), a0);
    LS_CHECK(fabs(r.fit.v0 / v0_exact - 1) < 2e-4); /* measured 3e-5 */
    LS_CHECK_NEAR(ls_eos_a0_angstrom(&r), a_in * cbrt(r.fit.v0 / (a_in * a_in * a_in / 4)), 1e-12);
    double len[3], ang[3];
    int n_used = -1;
    LS_CHECK_OK(ls_eos_lattice_at_v0(&r, len, ang, &n_used));
    LS_CHECK(n_used == 0 && fabs(len[0] - ls_eos_a0_angstrom(&r)) < 1e-12 && fabs(ang[0] - 90) < 1e-9);
    ls_eos_result_free(&r);
    ls_structure_destroy(s);
}

static void test_failure_and_restart(void)
{
    struct model m;
    model_lj(&m);
    const double a0 = lj_fcc_a0(m.sigma_a);
    ls_structure *s = fcc_cell(a0, NULL);
    if (!s) return;
    ls_calc calc = {"lj", model_calc, &m, NULL, NULL};
    struct ls_eos_config cfg;
    ls_eos_config_default(&cfg);
    char ckpt[1100];
    snprintf(ckpt, sizeof ckpt, "%s/fail.ckpt", dir);
    cfg.checkpoint = ckpt;
    cfg.input = "lj-fcc";
    m.fail_at = 4;
    struct ls_eos_result r;
    LS_CHECK(ls_eos_run(s, &calc, &cfg, &r) == LS_ERR_CONVERGENCE);
    LS_CHECK_MSG(strstr(ls_error_message(), "the SCF did not converge at 1 of 7 volumes (V/V_in = 1.00)"), "%s",
                 ls_error_message());
    LS_CHECK(r.completed && r.has_fit && r.fit.n_points == 6 && !r.pt[3].converged);
    ls_eos_result_free(&r);
    /* The restart recomputes the volume that did not converge, and only that one. */
    model_lj(&m);
    cfg.restart = 1;
    LS_CHECK_OK(ls_eos_run(s, &calc, &cfg, &r));
    LS_CHECK_MSG(m.calls == 1, "%d calculations after the restart, expected 1", m.calls);
    LS_CHECK(r.fit.n_points == 7 && r.pt[0].from_checkpoint && !r.pt[3].from_checkpoint);
    ls_eos_result_free(&r);
    /* Another volume list is another run: refused, naming the file. */
    cfg.n_volumes = 5;
    LS_CHECK(ls_eos_run(s, &calc, &cfg, &r) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), ckpt) && strstr(ls_error_message(), "written for other volumes"));
    ls_eos_result_free(&r);
    ls_structure_destroy(s);
}

static void test_stop_and_restart(void)
{
    struct model m;
    model_lj(&m);
    ls_structure *s = fcc_cell(lj_fcc_a0(m.sigma_a), NULL);
    if (!s) return;
    ls_calc calc = {"lj", model_calc, &m, NULL, NULL};
    struct ls_eos_config cfg;
    ls_eos_config_default(&cfg);
    struct ls_eos_result ref, r;
    LS_CHECK_OK(ls_eos_run(s, &calc, &cfg, &ref));
    char ckpt[1100];
    snprintf(ckpt, sizeof ckpt, "%s/stop.ckpt", dir);
    cfg.checkpoint = ckpt;
    model_lj(&m);
    m.sigterm_at = 3;
    ls_stop_install();
    LS_CHECK(ls_eos_run(s, &calc, &cfg, &r) == LS_ERR_INTERRUPTED);
    ls_stop_reset();
    LS_CHECK_MSG(strstr(ls_error_message(), "with 3 of 7 volumes done, all in the checkpoint"), "%s", ls_error_message());
    LS_CHECK(!r.completed);
    ls_eos_result_free(&r);
    model_lj(&m);
    cfg.restart = 1;
    LS_CHECK_OK(ls_eos_run(s, &calc, &cfg, &r));
    LS_CHECK(m.calls == 4);
    for (int i = 0; i < 7; i++) LS_CHECK(r.pt[i].energy_ha == ref.pt[i].energy_ha);
    LS_CHECK(r.fit.v0 == ref.fit.v0);
    ls_eos_result_free(&r);
    ls_eos_result_free(&ref);
    ls_structure_destroy(s);
}

static void test_relaxed_positions(void)
{
    struct model m;
    model_lj(&m);
    const double a0 = lj_fcc_a0(m.sigma_a), d[3] = {0.04, -0.025, 0.013};
    ls_structure *s = fcc_cell(a0, d);
    if (!s) return;
    ls_calc calc = {"lj", model_calc, &m, NULL, NULL};
    struct ls_eos_config cfg;
    ls_eos_config_default(&cfg);
    cfg.relax = LS_EOS_RELAX_POSITIONS;
    cfg.fmax_ev_a = 1e-5;
    struct ls_eos_result r;
    LS_CHECK_OK(ls_eos_run(s, &calc, &cfg, &r));
    double worst = 0;
    for (int i = 0; i < r.n; i++) {
        const double a = a0 * cbrt(r.pt[i].scale);
        worst = fmax(worst, fabs(ls_eos_energy_ev_per_atom(&r, &r.pt[i]) - lj_fcc_energy_per_atom(m.eps_ev, m.sigma_a, a)));
        LS_CHECK(r.pt[i].relax_stop == LS_EOS_RELAX_DONE && r.pt[i].relax_steps > 0);
    }
    printf("  relaxed positions: points within %.2e eV/atom of the perfect crystal's\n", worst);
    LS_CHECK(worst < 1e-8);
    ls_eos_result_free(&r);
    ls_structure_destroy(s);
}

static void test_errors(void)
{
    struct model m;
    model_lj(&m);
    ls_structure *s = fcc_cell(lj_fcc_a0(m.sigma_a), NULL);
    if (!s) return;
    ls_calc calc = {"lj", model_calc, &m, NULL, NULL};
    struct ls_eos_config cfg;
    ls_eos_config_default(&cfg);
    struct ls_eos_result r;
    m.limit_at = 2;
    LS_CHECK(ls_eos_run(s, &calc, &cfg, &r) == LS_ERR_LIMIT);
    LS_CHECK_MSG(strstr(ls_error_message(), "structure: volume 2/7 (0.96 V_in): test model: wall-time limit"), "%s",
                 ls_error_message());
    ls_eos_result_free(&r);
    s->pbc[1] = 0;
    LS_CHECK(ls_eos_run(s, &calc, &cfg, &r) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "periodic in all three directions"));
    ls_eos_result_free(&r);
    s->pbc[1] = 1;
    cfg.scales[1] = cfg.scales[0];
    LS_CHECK(ls_eos_run(s, &calc, &cfg, &r) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "given twice"));
    ls_eos_result_free(&r);
    ls_structure_destroy(s);
}

int main(void)
{
    ls_log_set_level(LS_LOG_ERROR);
    ls_test_fresh_dir(dir, sizeof dir, "workflow_eos");
    LS_RUN(test_fixed_positions);
    LS_RUN(test_failure_and_restart);
    LS_RUN(test_stop_and_restart);
    LS_RUN(test_relaxed_positions);
    LS_RUN(test_errors);
    return ls_test_summary("test_eos");
}
