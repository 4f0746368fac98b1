/* Relaxation (workflow/relax.c, relax_bfgs.c, relax_fire.c) on analytic calculators
 * (test_relax_models.h): a harmonic model with a known minimum; the Lennard-Jones fcc
 * crystal, positions and cell, against the closed-form lattice constant of the crystal
 * truncated after five neighbour shells; a cubic cell that stays exactly cubic under a cell
 * relaxation with symmetry-breaking noise (and does not without symmetrisation); fixed
 * coordinates (exactly fixed, also under a cell relaxation); the energy test; the
 * documented stops (maximum steps, a failed calculation, bad options). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "workflow/relax.h"
#include "common/test.h"
#include "workflow/test_relax_models.h"
#include "common/units.h"

/* The model itself: forces and stress are the derivatives of the energy (central
 * differences, h = 1e-4 Å and strain 1e-5), so the tests below test the optimiser. */
static void test_model_derivatives(void)
{
    struct model m;
    model_lj(&m);
    const double d[3] = {0.061, -0.037, 0.023};
    ls_structure *s = fcc_cell(1.02 * lj_fcc_a0(m.sigma_a), d);
    if (!s) return;
    double e0, ep, em, F[4][3], Fd[4][3], sig[3][3], sd[3][3];
    LS_CHECK_OK(model_calc(&m, s, &e0, F, sig));
    const double h = 1e-4 * LS_ANGSTROM_BOHR;
    s->pos[1][2] += h;
    model_calc(&m, s, &ep, Fd, sd);
    s->pos[1][2] -= 2 * h;
    model_calc(&m, s, &em, Fd, sd);
    s->pos[1][2] += h;
    LS_CHECK_NEAR(F[1][2], -(ep - em) / (2 * h), 1e-9);
    /* sigma_xy = (1/V) dE/d eps_xy, eps applied to cell and positions. */
    ls_structure *t = NULL;
    const double st = 1e-5, V = fabs(ls_cell_volume(s->cell));
    double e[2];
    for (int k = 0; k < 2; k++) {
        LS_CHECK_OK(ls_structure_copy(s, &t));
        double x = k ? -st : st;
        for (int i = 0; i < 3; i++) t->cell[i][0] += x * t->cell[i][1];
        for (int i = 0; i < 4; i++) t->pos[i][0] += x * t->pos[i][1];
        model_calc(&m, t, &e[k], Fd, sd);
        ls_structure_destroy(t);
    }
    LS_CHECK_NEAR(sig[0][1], (e[0] - e[1]) / (2 * st) / V, 1e-10);
    LS_CHECK(fabs(sig[0][1]) > 1e-6); /* the displaced cell has a shear stress to test */
    ls_structure_destroy(s);
}

/* A coupled harmonic model: BFGS reaches x0 in far fewer steps than FIRE. */
static void test_harmonic(void)
{
    static struct model m;
    memset(&m, 0, sizeof m);
    m.harmonic = 1;
    m.n = 3;
    double B[9][9];
    for (int i = 0; i < 9; i++)
        for (int j = 0; j < 9; j++) B[i][j] = 1.9 * sin(1.7 * i + 0.31 * j + 0.2);
    for (int i = 0; i < 9; i++)
        for (int j = 0; j < 9; j++) {
            m.K[i][j] = (i == j) * 4.0;
            for (int k = 0; k < 9; k++) m.K[i][j] += B[k][i] * B[k][j];
        }
    const double x0[9] = {1.113, 2.271, 0.587, 3.342, 1.906, 2.218, 0.771, 4.055, 3.120};
    memcpy(m.x0, x0, sizeof x0);
    int steps[2] = {0, 0};
    for (int opt = 0; opt < 2; opt++) {
        ls_structure *s = NULL;
        LS_CHECK_OK(ls_structure_create(3, &s));
        if (!s) return;
        for (int k = 0; k < 3; k++) {
            s->cell[k][k] = 20 * LS_ANGSTROM_BOHR;
            s->pbc[k] = 0;
        }
        for (int i = 0; i < 9; i++) s->pos[i / 3][i % 3] = (x0[i] + 0.35 * sin(2.3 * i + 1)) * LS_ANGSTROM_BOHR;
        for (int i = 0; i < 3; i++) ls_structure_set_species(s, i, "C");
        struct ls_relax_config cfg;
        ls_relax_config_default(&cfg);
        cfg.optimizer = opt ? "fire" : "bfgs";
        cfg.fmax_ev_a = 1e-5;
        cfg.max_steps = 2000;
        cfg.log_every = 0;
        struct ls_relax_result res;
        LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
        LS_CHECK(res.converged && res.stop == LS_RELAX_CONVERGED);
        double err = 0;
        for (int i = 0; i < 9; i++) err = fmax(err, fabs(s->pos[i / 3][i % 3] * LS_BOHR_ANGSTROM - x0[i]));
        /* |x - x0| <= |F| / lambda_min, lambda_min >= 4 eV/Å^2 */
        LS_CHECK_MSG(err < 1e-5 / 4 * sqrt(3.0), "%s: |x - x0| = %.3g Å", cfg.optimizer, err);
        LS_CHECK_NEAR(res.energy * LS_HARTREE_EV, 0.0, 1e-10);
        steps[opt] = res.n_steps;
        ls_relax_result_free(&res);
        ls_structure_destroy(s);
    }
    printf("  harmonic (9 coupled coordinates): BFGS %d steps, FIRE %d steps\n", steps[0], steps[1]);
    LS_CHECK(steps[0] < 40);
    LS_CHECK(steps[0] * 3 < steps[1]);
}

/* A double well along x (E = D (x^2 - 1)^2 + k (y^2 + z^2) / 2, one atom, eV and Å),
 * started near the barrier top where the curvature is negative: the curvature safeguard
 * skips those updates, and the overshoot of a first step with a too-soft initial Hessian
 * raises the energy and resets the Hessian; the run still ends in the minimum x = 1. */
static int double_well(void *ctx, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3])
{
    (void)stress;
    const double *p = ctx; /* D, k */
    double x = s->pos[0][0] * LS_BOHR_ANGSTROM, y = s->pos[0][1] * LS_BOHR_ANGSTROM, z = s->pos[0][2] * LS_BOHR_ANGSTROM;
    *energy = (p[0] * (x * x - 1) * (x * x - 1) + 0.5 * p[1] * (y * y + z * z)) / LS_HARTREE_EV;
    forces[0][0] = -4 * p[0] * x * (x * x - 1) / LS_HA_BOHR_EV_A;
    forces[0][1] = -p[1] * y / LS_HA_BOHR_EV_A;
    forces[0][2] = -p[1] * z / LS_HA_BOHR_EV_A;
    return LS_OK;
}

static void test_safeguards(void)
{
    const double p[2] = {2.35, 41.0};
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_create(1, &s));
    if (!s) return;
    for (int k = 0; k < 3; k++) {
        s->cell[k][k] = 10 * LS_ANGSTROM_BOHR;
        s->pbc[k] = 0;
    }
    ls_structure_set_species(s, 0, "He");
    const double start[3] = {0.12, 0.31, -0.17};
    for (int k = 0; k < 3; k++) s->pos[0][k] = start[k] * LS_ANGSTROM_BOHR;
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.fmax_ev_a = 1e-5;
    cfg.hessian0_ev_a2 = 1.0; /* far too soft: the first step overshoots the y-z well */
    cfg.max_step_a = 1.0;
    cfg.log_every = 0;
    char path[512];
    ls_test_tmp_path(path, sizeof path, "relax_safeguards.log");
    FILE *log = fopen(path, "w+");
    LS_CHECK_MSG(log != NULL, "cannot open %s", path);
    if (!log) return;
    ls_log_set_stream(log);
    ls_log_set_level(LS_LOG_DEBUG);
    struct ls_relax_result res;
    LS_CHECK_OK(ls_relax_run(s, double_well, (void *)p, &cfg, &res));
    ls_log_set_stream(NULL);
    ls_log_set_level(LS_LOG_WARN);
    LS_CHECK(res.converged);
    LS_CHECK_NEAR(s->pos[0][0] * LS_BOHR_ANGSTROM, 1.0, 1e-5);
    char text[8192] = "";
    rewind(log);
    size_t n = fread(text, 1, sizeof text - 1, log);
    text[n] = '\0';
    fclose(log);
    printf("  double well: %d steps; %s%s\n", res.n_steps, strstr(text, "skipped") ? "update skipped (s.y <= 0); " : "",
           strstr(text, "Hessian reset") ? "Hessian reset after an energy rise" : "");
    LS_CHECK(strstr(text, "BFGS update skipped") != NULL);
    LS_CHECK(strstr(text, "BFGS Hessian reset") != NULL);
    ls_relax_result_free(&res);
    ls_structure_destroy(s);
}

/* Fractional coordinates of atom i relative to atom 0, wrapped to [-0.5, 0.5). */
static double fcc_site_error(const ls_structure *s)
{
    const double f[4][3] = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
    double fr[4][3], err = 0;
    ls_structure_frac(s, fr);
    for (int i = 1; i < 4; i++)
        for (int k = 0; k < 3; k++) {
            double x = fr[i][k] - fr[0][k] - f[i][k];
            err = fmax(err, fabs(x - floor(x + 0.5)));
        }
    return err;
}

/* Positions and cell from a strained cell with one atom displaced (lower symmetry). */
static void test_lj_cell_displaced(void)
{
    struct model m;
    model_lj(&m);
    const double a0 = lj_fcc_a0(m.sigma_a), d[3] = {0.05, -0.031, 0.017};
    ls_structure *s = fcc_cell(1.03 * a0, d);
    if (!s) return;
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.relax_cell = 1;
    cfg.fmax_ev_a = 1e-4;
    cfg.stress_tol_gpa = 1e-4;
    cfg.log_every = 0;
    struct ls_relax_result res;
    LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
    LS_CHECK(res.converged);
    double len[3], ang[3];
    ls_cell_parameters(s->cell, len, ang);
    printf("  LJ fcc, displaced: %d steps, %d symmetry operations, a = %.7f %.7f %.7f Å (closed form %.7f)\n",
           res.n_steps, res.n_sym_ops, len[0] * LS_BOHR_ANGSTROM, len[1] * LS_BOHR_ANGSTROM, len[2] * LS_BOHR_ANGSTROM,
           a0);
    LS_CHECK(res.n_sym_ops < 192 && res.n_sym_ops >= 1); /* fcc conventional cell: 48 x 4 */
    for (int k = 0; k < 3; k++) {
        LS_CHECK_NEAR(len[k] * LS_BOHR_ANGSTROM, a0, 1e-4);
        LS_CHECK_NEAR(ang[k], 90.0, 1e-3);
    }
    LS_CHECK(fcc_site_error(s) < 1e-5);
    LS_CHECK_NEAR(res.energy * LS_HARTREE_EV, 4 * lj_fcc_energy_per_atom(m.eps_ev, m.sigma_a, a0), 1e-8);
    LS_CHECK(res.n_steps < 60);
    LS_CHECK(res.n_history == res.n_steps + 1 && res.history[0].step == 0);
    ls_relax_result_free(&res);
    ls_structure_destroy(s);
}

/* A cubic cell under a cell relaxation, with noise that breaks every symmetry: symmetrised
 * forces and stress keep it exactly cubic; without symmetry the noise shows up. */
static void test_cubic_stays_cubic(void)
{
    double dev[2] = {0, 0};
    for (int sym = 1; sym >= 0; sym--) {
        struct model m;
        model_lj(&m);
        m.noise = 2e-5; /* eV/Å and GPa */
        const double a0 = lj_fcc_a0(m.sigma_a);
        ls_structure *s = fcc_cell(0.975 * a0, NULL);
        if (!s) return;
        struct ls_relax_config cfg;
        ls_relax_config_default(&cfg);
        cfg.relax_cell = 1;
        cfg.use_symmetry = sym;
        cfg.fmax_ev_a = 1e-4;
        cfg.stress_tol_gpa = 1e-4;
        cfg.log_every = 0;
        struct ls_relax_result res;
        LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
        LS_CHECK(res.converged);
        double a = s->cell[0][0];
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++) dev[sym] = fmax(dev[sym], fabs(s->cell[i][k] - (i == k ? a : 0.0)) / a);
        dev[sym] = fmax(dev[sym], fcc_site_error(s));
        LS_CHECK_NEAR(a * LS_BOHR_ANGSTROM, a0, 2e-4);
        if (sym) LS_CHECK(res.n_sym_ops == 192);
        printf("  cubic cell %s symmetry: %d steps, a = %.7f Å (closed form %.7f), largest deviation from cubic %.2e\n",
               sym ? "with" : "without", res.n_steps, a * LS_BOHR_ANGSTROM, a0, dev[sym]);
        ls_relax_result_free(&res);
        ls_structure_destroy(s);
    }
    LS_CHECK(dev[1] < 1e-13);
    LS_CHECK(dev[0] > 1e-9); /* the noise is really there */
}

/* FIRE (kept as an option) relaxes the displaced atom at fixed cell. */
static void test_fire_positions(void)
{
    struct model m;
    model_lj(&m);
    const double a0 = lj_fcc_a0(m.sigma_a), d[3] = {-0.043, 0.052, 0.011};
    ls_structure *s = fcc_cell(a0, d);
    if (!s) return;
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.optimizer = "fire";
    cfg.fmax_ev_a = 1e-4;
    cfg.max_steps = 1000;
    cfg.log_every = 0;
    struct ls_relax_result res;
    LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
    LS_CHECK(res.converged && res.fmax_ev_a < 1e-4);
    LS_CHECK(fcc_site_error(s) < 1e-4);
    ls_relax_result_free(&res);
    ls_structure_destroy(s);
}

/* Fixed coordinates (s->fixed): atom 0 fixed, atom 1 displaced.  At fixed cell atom 0 keeps
 * its Cartesian position bit for bit (no force, a step of exactly zero), in a cell relaxation
 * its fractional coordinates (it moves with the cell, as in pw.x); the others relax as usual.
 * The fixed atom maps onto free ones under the fcc translations, so the symmetry is dropped
 * (with a warning), as it is for an atom fixed in one coordinate only. */
static void test_fixed_coordinates(void)
{
    const char *opt_name[2] = {"bfgs", "fire"};
    for (int run = 0; run < 3; run++) {
        const int relax_cell = run == 2, fire = run == 1;
        struct model m;
        model_lj(&m);
        const double a0 = lj_fcc_a0(m.sigma_a), d[3] = {0.047, -0.029, 0.013};
        ls_structure *s = fcc_cell((relax_cell ? 1.02 : 1.0) * a0, d);
        if (!s) return;
        s->pos[0][0] += 0.031 * LS_ANGSTROM_BOHR; /* atom 0 off its site too: fixed there */
        LS_CHECK_OK(ls_structure_alloc_fixed(s));
        s->fixed[0][0] = s->fixed[0][1] = s->fixed[0][2] = 1;
        double start[3], frac0[4][3], frac1[4][3];
        memcpy(start, s->pos[0], sizeof start);
        ls_structure_frac(s, frac0);
        struct ls_relax_config cfg;
        ls_relax_config_default(&cfg);
        cfg.optimizer = opt_name[fire];
        cfg.relax_cell = relax_cell;
        cfg.fmax_ev_a = 1e-4;
        cfg.stress_tol_gpa = 1e-3;
        cfg.max_steps = 1000;
        cfg.remove_net_force = 1; /* must be ignored with fixed atoms */
        cfg.log_every = 0;
        struct ls_relax_result res;
        ls_log_set_level(LS_LOG_ERROR); /* the symmetry warning */
        LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
        ls_log_set_level(LS_LOG_WARN);
        LS_CHECK(res.converged && res.n_sym_ops == 1);
        ls_structure_frac(s, frac1);
        if (relax_cell) {
            for (int k = 0; k < 3; k++) LS_CHECK_NEAR(frac1[0][k], frac0[0][k], 1e-14);
            LS_CHECK(fabs(s->cell[0][0] - 1.02 * a0 * LS_ANGSTROM_BOHR) > 1e-3); /* the cell did move */
        } else {
            LS_CHECK_MSG(memcmp(start, s->pos[0], sizeof start) == 0, "%s: atom 0 moved by %.3g bohr", cfg.optimizer,
                         fabs(s->pos[0][0] - start[0]) + fabs(s->pos[0][1] - start[1]) + fabs(s->pos[0][2] - start[2]));
        }
        LS_CHECK(fabs(frac1[1][0] - frac0[1][0]) > 1e-4); /* atom 1 relaxed */
        printf("  atom 0 fixed, %s%s: %d steps, atom 0 %s\n", cfg.optimizer, relax_cell ? " with the cell" : "",
               res.n_steps, relax_cell ? "kept its fractional coordinates" : "did not move");
        ls_relax_result_free(&res);
        ls_structure_destroy(s);
    }
    /* One coordinate fixed (z of atom 1) in a cell relaxation from a sheared cell: the fixed
     * coordinate is that of r~ = f cell0 (f: fractional coordinates, cell0: the starting
     * cell), which keeps its start value although D^T F_1 of the sheared cell would push it. */
    {
        struct model m;
        model_lj(&m);
        const double d[3] = {0.047, -0.029, 0.013};
        ls_structure *s = fcc_cell(1.02 * lj_fcc_a0(m.sigma_a), d);
        if (!s) return;
        for (int i = 0; i < 3; i++) s->cell[i][0] += 0.03 * s->cell[i][1]; /* shear the cell and the atoms */
        for (int i = 0; i < 4; i++) s->pos[i][0] += 0.03 * s->pos[i][1];
        LS_CHECK_OK(ls_structure_alloc_fixed(s));
        s->fixed[1][2] = 1;
        double cell0[3][3], f[4][3], z0 = s->pos[1][2];
        memcpy(cell0, s->cell, sizeof cell0);
        struct ls_relax_config cfg;
        ls_relax_config_default(&cfg);
        cfg.relax_cell = 1;
        cfg.fmax_ev_a = 1e-4;
        cfg.stress_tol_gpa = 1e-3;
        cfg.log_every = 0;
        struct ls_relax_result res;
        ls_log_set_level(LS_LOG_ERROR);
        LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
        ls_log_set_level(LS_LOG_WARN);
        ls_structure_frac(s, f);
        double z = f[1][0] * cell0[0][2] + f[1][1] * cell0[1][2] + f[1][2] * cell0[2][2];
        LS_CHECK(res.converged);
        LS_CHECK_MSG(fabs(z - z0) < 1e-12, "r~_z of atom 1 moved by %.3g bohr", z - z0);
        LS_CHECK(fabs(s->cell[0][1] - cell0[0][1]) + fabs(s->cell[1][0] - cell0[1][0]) > 1e-3); /* the shear relaxed */
        ls_relax_result_free(&res);
        ls_structure_destroy(s);
    }
    /* One coordinate fixed on the perfect crystal: the symmetry goes, with a warning. */
    struct model m;
    model_lj(&m);
    ls_structure *s = fcc_cell(lj_fcc_a0(m.sigma_a), NULL);
    if (!s) return;
    LS_CHECK_OK(ls_structure_alloc_fixed(s));
    s->fixed[2][2] = 1;
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.log_every = 0;
    char path[512];
    ls_test_tmp_path(path, sizeof path, "relax_fixed.log");
    FILE *log = fopen(path, "w+");
    LS_CHECK_MSG(log != NULL, "cannot open %s", path);
    if (!log) return;
    ls_log_set_stream(log);
    struct ls_relax_result res;
    LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
    ls_log_set_stream(NULL);
    char text[4096] = "";
    rewind(log);
    text[fread(text, 1, sizeof text - 1, log)] = '\0';
    fclose(log);
    LS_CHECK(res.n_sym_ops == 1 && strstr(text, "fixed coordinates do not respect the crystal symmetry") != NULL);
    ls_relax_result_free(&res);
    ls_structure_destroy(s);
}

/* The energy test (energy_tol_ev, pw.x's etot_conv_thr): atom 1 moved by 1e-3 Å, forces
 * below fmax from the start.  Without the test the run stops at step 0; with a threshold above
 * the predicted first-step decrease |f|^2 / (2 h0) too; below it the run goes on until the
 * enthalpy changes less than the threshold per step. */
/* A whole atom fixed in the perfect fcc crystal (conventional cell, 4 atoms): the relaxation
 * keeps the operations that map atom 0 onto itself, its site symmetry m-3m, 48 of the 192
 * (48 point operations x 4 centring translations); a free atom pushed along a cubic axis
 * comes back to its site with the fixed atom untouched, and the cell returns to cubic. */
static void test_fixed_atom_keeps_site_symmetry(void)
{
    struct model m;
    model_lj(&m);
    const double a0 = lj_fcc_a0(m.sigma_a);
    ls_structure *s = fcc_cell(a0, NULL);
    if (!s) return;
    LS_CHECK_OK(ls_structure_alloc_fixed(s));
    s->fixed[0][0] = s->fixed[0][1] = s->fixed[0][2] = 1;
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.log_every = 0;
    cfg.fmax_ev_a = 1e-6;
    struct ls_relax_result res;
    ls_log_set_level(LS_LOG_ERROR); /* the note on the operations kept */
    LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
    LS_CHECK_MSG(res.n_sym_ops == 48, "%d symmetry operations kept, expected 48", res.n_sym_ops);
    ls_relax_result_free(&res);
    ls_structure_destroy(s);

    /* Atom 1 (a face centre) pushed along z: the free atoms relax back, atom 0 stays put. */
    s = fcc_cell(a0, NULL);
    if (!s) return;
    LS_CHECK_OK(ls_structure_alloc_fixed(s));
    s->fixed[0][0] = s->fixed[0][1] = s->fixed[0][2] = 1;
    double p0[3], site1[3];
    memcpy(p0, s->pos[0], sizeof p0);
    memcpy(site1, s->pos[1], sizeof site1);
    s->pos[1][2] += 0.05 * LS_ANGSTROM_BOHR;
    cfg.relax_cell = 1;
    cfg.stress_tol_gpa = 1e-4;
    LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
    ls_log_set_level(LS_LOG_WARN);
    LS_CHECK(res.converged && res.n_sym_ops >= 1 && res.n_sym_ops < 48);
    double len[3], ang[3];
    ls_cell_parameters(s->cell, len, ang);
    for (int k = 0; k < 3; k++) LS_CHECK_NEAR(s->pos[0][k], p0[k], 1e-12); /* at the origin: fixed there */
    /* The mirrors x -> -x and y -> -y through atom 0 stay: no shear, right angles exactly.  The
     * lengths are within what the stress threshold allows (1e-4 GPa over a bulk modulus of a
     * few GPa: a strain of about 1e-4, 1e-3 bohr on a 7.4 bohr cell). */
    for (int k = 0; k < 3; k++) LS_CHECK_NEAR(ang[k], 90.0, 1e-9);
    for (int k = 0; k < 3; k++) LS_CHECK_NEAR(len[k], a0 * LS_ANGSTROM_BOHR, 1e-3);
    for (int k = 0; k < 3; k++) LS_CHECK_NEAR(s->pos[1][k], site1[k] * len[k] / (a0 * LS_ANGSTROM_BOHR), 1e-3);
    ls_relax_result_free(&res);
    ls_structure_destroy(s);
}

static void test_energy_criterion(void)
{
    const double tol[3] = {0.0, 1e-6, 1e-11};
    int steps[3] = {-1, -1, -1};
    for (int t = 0; t < 3; t++) {
        struct model m;
        model_lj(&m);
        const double d[3] = {1e-3, 0, 0};
        ls_structure *s = fcc_cell(lj_fcc_a0(m.sigma_a), d);
        if (!s) return;
        struct ls_relax_config cfg;
        ls_relax_config_default(&cfg);
        cfg.fmax_ev_a = 0.01;
        cfg.energy_tol_ev = tol[t];
        cfg.log_every = 0;
        struct ls_relax_result res;
        LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
        LS_CHECK(res.converged);
        steps[t] = res.n_steps;
        if (t == 2 && res.n_steps > 0) /* the last step changed the enthalpy by less than the threshold */
            LS_CHECK(fabs(res.history[res.n_steps].enthalpy - res.history[res.n_steps - 1].enthalpy) * LS_HARTREE_EV < tol[t]);
        if (t == 0) { /* the predicted decrease lies between the two thresholds */
            double f2 = 0;
            for (int i = 0; i < 4; i++)
                for (int k = 0; k < 3; k++) f2 += s->forces[i][k] * s->forces[i][k];
            double pred = 0.5 * f2 * LS_HA_BOHR_EV_A * LS_HA_BOHR_EV_A / cfg.hessian0_ev_a2;
            LS_CHECK_MSG(pred > tol[2] && pred < tol[1], "predicted first-step decrease %.3g eV", pred);
        }
        ls_relax_result_free(&res);
        ls_structure_destroy(s);
    }
    printf("  energy test: %d steps without, %d with 1e-6 eV, %d with 1e-11 eV\n", steps[0], steps[1], steps[2]);
    LS_CHECK(steps[0] == 0 && steps[1] == 0 && steps[2] > 0);
}

/* Not converged in max_steps, a failed calculation, bad options. */
static void test_stops(void)
{
    struct model m;
    model_lj(&m);
    const double a0 = lj_fcc_a0(m.sigma_a), d[3] = {0.05, -0.031, 0.017};
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.relax_cell = 1;
    cfg.log_every = 0;
    cfg.max_steps = 3;
    cfg.fmax_ev_a = 1e-6;
    struct ls_relax_result res;
    ls_structure *s = fcc_cell(1.03 * a0, d);
    if (!s) return;
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_CONVERGENCE);
    LS_CHECK(!res.converged && res.stop == LS_RELAX_MAX_STEPS && res.n_steps == 3 && m.calls == 4);
    LS_CHECK(strstr(ls_error_message(), "did not converge in 3 steps") != NULL);
    LS_CHECK(memcmp(s->pos, m.pos_at_call[3], sizeof m.pos_at_call[3][0] * 4) == 0); /* the last evaluated */
    ls_relax_result_free(&res);
    ls_structure_destroy(s);

    /* The calculation fails at the third call: stop with the geometry of the second. */
    model_lj(&m);
    m.fail_at = 3;
    s = fcc_cell(1.03 * a0, d);
    cfg.max_steps = 200;
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_CONVERGENCE);
    LS_CHECK(res.stop == LS_RELAX_CALC_FAILED && res.has_step && res.n_steps == 1);
    LS_CHECK(strstr(ls_error_message(), "step 2: the calculation did not converge") != NULL);
    LS_CHECK(memcmp(s->pos, m.pos_at_call[1], sizeof m.pos_at_call[1][0] * 4) == 0);
    LS_CHECK(s->has_energy && s->energy == res.energy);
    ls_relax_result_free(&res);

    /* A per-calculation limit stops the third call (workflow/calc.h, LS_ERR_LIMIT): the status is
     * passed on, the stop says why, the structure is the last good step's. */
    model_lj(&m);
    m.limit_at = 3;
    ls_structure_destroy(s);
    s = fcc_cell(1.03 * a0, d);
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_LIMIT);
    LS_CHECK(res.stop == LS_RELAX_LIMIT && res.has_step && res.n_steps == 1 && m.calls == 3);
    LS_CHECK(strstr(ls_error_message(), "step 2: test model: wall-time limit (call 3)") != NULL);
    LS_CHECK(memcmp(s->pos, m.pos_at_call[1], sizeof m.pos_at_call[1][0] * 4) == 0);
    ls_relax_result_free(&res);

    /* Options. */
    model_lj(&m);
    cfg.optimizer = "lbfgs";
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "unknown optimizer 'lbfgs'") != NULL && m.calls == 0);
    cfg.optimizer = "bfgs";
    cfg.max_step_a = 0;
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_INPUT);
    cfg.max_step_a = 0.2;
    cfg.energy_tol_ev = -1e-3;
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "energy threshold must be >= 0") != NULL && m.calls == 0);
    cfg.energy_tol_ev = 0;
    s->pbc[2] = 0;
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "periodic in all three directions") != NULL && m.calls == 0);
    ls_relax_result_free(&res);
    ls_structure_destroy(s);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_model_derivatives);
    LS_RUN(test_harmonic);
    LS_RUN(test_safeguards);
    LS_RUN(test_lj_cell_displaced);
    LS_RUN(test_cubic_stays_cubic);
    LS_RUN(test_fire_positions);
    LS_RUN(test_fixed_coordinates);
    LS_RUN(test_fixed_atom_keeps_site_symmetry);
    LS_RUN(test_energy_criterion);
    LS_RUN(test_stops);
    return ls_test_summary("test_relax");
}
