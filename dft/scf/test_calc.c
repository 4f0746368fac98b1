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
#include "dft/calc.h"
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

/* The per-calculation limit (dft_calc_set_limit): a wall-time limit far below one SCF and a
 * cancel callback each stop the SCF after its first iteration with LS_ERR_LIMIT, nothing filled
 * and the message naming the limit; with the limit lifted the same calculator computes the energy
 * of a fresh calculator (1e-9 Ha).  Also the calculator through struct ls_calc (dft_calc_bind: the
 * info hook gives the SCF iterations of the last call) and atoms labelled differently from the
 * parameters (the same elements): accepted, another element refused. */
static int cancel_now(void *ctx)
{
    int *calls = ctx;
    (*calls)++;
    return 1;
}

static void test_limit_and_bind(void)
{
    dft_params p;
    LS_CHECK(setup("Si", 10.26, 0, 0, &p) == LS_OK);
    dft_calc *c = NULL;
    LS_CHECK(dft_calc_create(&p, &c) == LS_OK);
    if (c == NULL) return;
    double e = 12345.0, f[2][3];
    LS_CHECK(dft_calc_set_limit(c, -1, NULL, NULL) == LS_ERR_USAGE);
    LS_CHECK_OK(dft_calc_set_limit(c, 1e-9, NULL, NULL));
    LS_CHECK(dft_calc_compute(c, p.structure, &e, f, NULL) == LS_ERR_LIMIT);
    LS_CHECK_MSG(strstr(ls_error_message(), "wall-time limit of 1e-09 s after iteration 1"), "%s", ls_error_message());
    LS_CHECK(e == 12345.0 && dft_calc_result(c) == NULL);
    int calls = 0;
    LS_CHECK_OK(dft_calc_set_limit(c, 0, cancel_now, &calls));
    LS_CHECK(dft_calc_compute(c, p.structure, &e, f, NULL) == LS_ERR_LIMIT);
    LS_CHECK(calls == 1 && strstr(ls_error_message(), "cancelled by its caller after iteration 1"));
    LS_CHECK_OK(dft_calc_set_limit(c, 0, NULL, NULL));
    ls_calc calc;
    dft_calc_bind(c, &calc);
    LS_CHECK(strcmp(calc.name, "dft") == 0 && calc.ctx == c);
    /* Labels Si1, Si2 for the atoms the parameters call Si: the same elements, accepted. */
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_copy(p.structure, &s));
    LS_CHECK_OK(ls_structure_set_species(s, 0, "Si1"));
    LS_CHECK_OK(ls_structure_set_species(s, 1, "Si2"));
    LS_CHECK_OK(calc.compute(calc.ctx, s, &e, f, NULL));
    struct ls_calc_info info;
    ls_calc_last_info(&calc, &info);
    LS_CHECK(info.n_iter == dft_calc_result(c)->n_iter && info.n_iter > 1 && !info.has_spread);
    dft_result *r = NULL;
    LS_CHECK(dft_scf_run(&p, &r) == LS_OK);
    if (r) LS_CHECK_NEAR(e, r->energy_free, 1e-9);
    dft_result_destroy(r);
    LS_CHECK_OK(ls_structure_set_species(s, 1, "Ge"));
    LS_CHECK(calc.compute(calc.ctx, s, &e, f, NULL) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "atom 2 is Ge, but the DFT calculator was set up with Si there"));
    ls_structure_destroy(s);
    dft_calc_destroy(c);
    dft_params_free(&p);
}

/* Periodic SCF checkpoints (dft_calc_set_checkpoint_interval), what survives a kill -9: with an
 * interval far below one iteration the state is in the file when the caller's cancel callback
 * runs after iteration 1 (the SCF is then stopped as a kill would stop it), and a new calculator
 * continues from it to the energy of a fresh SCF (1e-9 Ha).  Usage errors: no path, interval
 * not positive. */
struct saw_file {
    const char *path;
    int seen;
};

static int cancel_if_saved(void *ctx)
{
    struct saw_file *w = ctx;
    w->seen = access(w->path, F_OK) == 0;
    return 1;
}

static void test_periodic_checkpoint(void)
{
    char path[1024];
    ls_test_tmp_path(path, sizeof path, "calc_periodic.scf");
    remove(path);
    dft_params p;
    LS_CHECK(setup("Si", 10.26, 0, 0, &p) == LS_OK);
    dft_calc *c = NULL;
    LS_CHECK(dft_calc_create(&p, &c) == LS_OK);
    if (c == NULL) return;
    LS_CHECK(dft_calc_set_checkpoint_interval(c, 1.0) == LS_ERR_USAGE);
    LS_CHECK_OK(dft_calc_set_checkpoint(c, path, 0));
    LS_CHECK(dft_calc_set_checkpoint_interval(c, 0) == LS_ERR_USAGE);
    LS_CHECK(dft_calc_set_checkpoint_interval(c, NAN) == LS_ERR_USAGE);
    LS_CHECK_OK(dft_calc_set_checkpoint_interval(c, 1e-9));
    struct saw_file w = {path, 0};
    LS_CHECK_OK(dft_calc_set_limit(c, 0, cancel_if_saved, &w));
    double e = 0, f[2][3];
    LS_CHECK(dft_calc_compute(c, p.structure, &e, f, NULL) == LS_ERR_LIMIT);
    LS_CHECK_MSG(w.seen, "no SCF state in %s after iteration 1 with a 1e-9 s interval", path);
    dft_calc_destroy(c);
    c = NULL;
    LS_CHECK(dft_calc_create(&p, &c) == LS_OK);
    if (c) {
        LS_CHECK_OK(dft_calc_set_checkpoint(c, path, 1));
        LS_CHECK_OK(dft_calc_compute(c, p.structure, &e, f, NULL));
        LS_CHECK_MSG(access(path, F_OK) != 0, "%s left after the SCF converged", path);
        dft_result *r = NULL;
        LS_CHECK(dft_scf_run(&p, &r) == LS_OK);
        if (r) LS_CHECK_NEAR(e, r->energy_free, 1e-9);
        dft_result_destroy(r);
    }
    dft_calc_destroy(c);
    dft_params_free(&p);
    remove(path);
}

/* dft_params_copy owns its structure; dft_result_label gives the frame `scf --xyz` writes: free
 * energy, forces, stress, per-atom moments of a spin-polarised run, calculator=lodestone-scf. */
static void test_copy_and_label(void)
{
    dft_params p, q;
    LS_CHECK(setup("Al", 7.6, 1, 1, &p) == LS_OK);
    LS_CHECK_OK(dft_params_copy(&p, &q));
    LS_CHECK(q.structure != p.structure && q.structure->n_atom == 2 && q.n_spin == 2 && q.ecut_wfc == p.ecut_wfc);
    LS_CHECK(strcmp(q.species[0].pseudo, p.species[0].pseudo) == 0 && q.species[0].starting_magnetization == 0.3);
    q.structure->pos[1][0] += 0.1;
    LS_CHECK(p.structure->pos[1][0] != q.structure->pos[1][0]);
    dft_result *r = NULL;
    LS_CHECK(dft_scf_run(&q, &r) == LS_OK);
    ls_structure *fr = NULL;
    if (r) {
        LS_CHECK_OK(dft_result_label(r, q.structure, &fr));
        if (fr) {
            LS_CHECK(fr->has_energy && fr->energy == r->energy_free && fr->has_stress);
            LS_CHECK(fr->forces && memcmp(fr->forces, r->forces, 2 * sizeof *fr->forces) == 0);
            LS_CHECK(memcmp(fr->stress, r->stress, sizeof fr->stress) == 0);
            LS_CHECK(fr->magmom && fr->magmom[0] == r->atom_magnetization[0] && fr->magmom[1] == r->atom_magnetization[1]);
            LS_CHECK(fr->pos[1][0] == q.structure->pos[1][0]);
            const char *calc = ls_structure_info_get(fr, "calculator");
            LS_CHECK(calc && strcmp(calc, "lodestone-scf") == 0);
        }
        ls_structure_destroy(fr);
        ls_structure *one = NULL;
        LS_CHECK_OK(ls_structure_create(1, &one));
        LS_CHECK(dft_result_label(r, one, &fr) == LS_ERR_INPUT && fr == NULL);
        ls_structure_destroy(one);
    }
    dft_result_destroy(r);
    dft_params_free(&q);
    dft_params_free(&p);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_si_moved);
    LS_RUN(test_si_strained);
    LS_RUN(test_al_spin_moved);
    LS_RUN(test_stop_and_restart);
    LS_RUN(test_limit_and_bind);
    LS_RUN(test_periodic_checkpoint);
    LS_RUN(test_copy_and_label);
    return ls_test_summary("test_calc");
}
