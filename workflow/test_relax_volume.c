/* Cell-shape relaxation at fixed volume (workflow/relax.c, cfg.fixed_volume; pw.x's
 * cell_dofree='shape'):
 *
 *   - the generalised force the optimiser gets is minus the gradient of the energy it sees,
 *     E(D(q)) with D = M / det(M)^(1/3), by central differences in every cell coordinate and
 *     some atom coordinates, at a sheared, non-normalised M (and, as a control, the same for the
 *     free-volume coordinates); the energy does not change along the one free direction M;
 *   - a tetragonal "cell spring" model, E = sum_k k_k (|a_k| - L_k)^2 / 2, whose constrained
 *     optimum is known independently: at fixed volume V = a^2 c the minimum has
 *     k_a a (a - L_a) = k_c c (c - L_c) (the deviatoric stress vanishes), solved here by bisection;
 *     BFGS and FIRE reach it, the volume stays constant to 1e-12 relative at every step, and the
 *     cell stays exactly tetragonal (a = b, right angles: the symmetry is kept);
 *   - the Lennard-Jones fcc crystal (test_relax_models.h) strained tetragonally at its own
 *     volume with an atom displaced: positions and shape relax together back to the cubic cell,
 *     with the closed-form energy of the truncated crystal;
 *   - a restart continues the path exactly; a free-volume checkpoint is refused by a
 *     fixed-volume run; the documented errors (fixed volume without the cell, with a pressure). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "workflow/relax.h"
#include "workflow/relax_impl.h"
#include "common/test.h"
#include "workflow/test_relax_models.h"
#include "common/units.h"

/* The cell-spring model: one atom (no force), energy from the lengths of the cell vectors.
 * sigma_ab = (1/V) dE/d eps_ab = (1/V) sum_k k_k (|a_k| - L_k) a_k,a a_k,b / |a_k|. */
struct springs {
    double k_ev_a2[3]; /* eV/Å^2 */
    double len_a[3];   /* rest lengths, Å */
};

static int spring_calc(void *ctx, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3])
{
    const struct springs *m = ctx;
    double E = 0, sig[3][3] = {{0}}, cell[3][3];
    for (int i = 0; i < 9; i++) cell[i / 3][i % 3] = s->cell[i / 3][i % 3] * LS_BOHR_ANGSTROM;
    const double V = fabs(ls_cell_volume(cell));
    for (int k = 0; k < 3; k++) {
        double len = sqrt(cell[k][0] * cell[k][0] + cell[k][1] * cell[k][1] + cell[k][2] * cell[k][2]);
        double t = m->k_ev_a2[k] * (len - m->len_a[k]);
        E += 0.5 * t * (len - m->len_a[k]);
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) sig[a][b] += t * cell[k][a] * cell[k][b] / len / V;
    }
    for (int i = 0; i < s->n_atom; i++) forces[i][0] = forces[i][1] = forces[i][2] = 0;
    *energy = E / LS_HARTREE_EV;
    if (stress)
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) stress[a][b] = sig[a][b] * LS_EV_PER_A3_GPA / LS_HA_BOHR3_GPA;
    return LS_OK;
}

/* Model 1: k_a = k_b = 3.7, k_c = 1.9 eV/Å^2, L_a = L_b = 3.12, L_c = 4.85 Å. */
static const struct springs tetragonal_springs = {{3.7, 3.7, 1.9}, {3.12, 3.12, 4.85}};

/* The constrained optimum at volume V (Å^3): a with k_a a (a - L_a) = k_c c (c - L_c),
 * c = V / a^2, by bisection (g rises with a: c falls). */
static double spring_optimum_a(const struct springs *m, double V)
{
    double lo = 0.5 * m->len_a[0], hi = 2.0 * m->len_a[0];
    for (int it = 0; it < 200; it++) {
        double a = 0.5 * (lo + hi), c = V / (a * a);
        double g = m->k_ev_a2[0] * a * (a - m->len_a[0]) - m->k_ev_a2[2] * c * (c - m->len_a[2]);
        if (g > 0) hi = a;
        else lo = a;
    }
    return 0.5 * (lo + hi);
}

/* A one-atom tetragonal cell a x a x c (Å). */
static ls_structure *tetragonal_cell(double a, double c)
{
    ls_structure *s = NULL;
    if (ls_structure_create(1, &s) != LS_OK) return NULL;
    s->cell[0][0] = s->cell[1][1] = a * LS_ANGSTROM_BOHR;
    s->cell[2][2] = c * LS_ANGSTROM_BOHR;
    ls_structure_set_species(s, 0, "Cu");
    s->pos[0][0] = s->pos[0][1] = s->pos[0][2] = 0.0;
    return s;
}

/* The model's stress is the strain derivative of its energy (so the tests below test the
 * relaxation, not the model). */
static void test_spring_model(void)
{
    ls_structure *s = tetragonal_cell(3.013, 4.377);
    if (!s) return;
    s->cell[2][0] = 0.21 * LS_ANGSTROM_BOHR; /* a general cell */
    double e, F[1][3], sig[3][3], sd[3][3], ep, em;
    LS_CHECK_OK(spring_calc((void *)&tetragonal_springs, s, &e, F, sig));
    const double h = 1e-6, V = fabs(ls_cell_volume(s->cell));
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            ls_structure *t = NULL;
            double en[2];
            for (int k = 0; k < 2; k++) {
                LS_CHECK_OK(ls_structure_copy(s, &t));
                if (!t) return;
                for (int i = 0; i < 3; i++) t->cell[i][a] += (k ? -h : h) * s->cell[i][b];
                spring_calc((void *)&tetragonal_springs, t, &en[k], F, sd);
                ls_structure_destroy(t);
            }
            ep = en[0];
            em = en[1];
            LS_CHECK_NEAR(sig[a][b], (ep - em) / (2 * h) / V, 1e-9 * fabs(sig[0][0]) + 1e-14);
        }
    ls_structure_destroy(s);
}

/* E(q) in eV through the driver's own geometry (relax_impl.h). */
static double energy_of_q(const double *q, int relax_cell, int fixed_volume, const double cell0[3][3], ls_structure *s,
                          struct model *m)
{
    double D[3][3], ms, E, F[4][3], sig[3][3];
    if (ls_relax_geometry(q, s->n_atom, relax_cell, fixed_volume, cell0, s, D, &ms) != LS_OK) return NAN;
    model_calc(m, s, &E, F, sig);
    return E * LS_HARTREE_EV;
}

/* The generalised force is -dE/dq, at fixed and at free volume. */
static void test_gradient(void)
{
    struct model m;
    model_lj(&m);
    const double d[3] = {0.061, -0.037, 0.023};
    ls_structure *s = fcc_cell(1.01 * lj_fcc_a0(m.sigma_a), d);
    if (!s) return;
    double cell0[3][3];
    memcpy(cell0, s->cell, sizeof cell0);
    const int n = 4;
    double q[21];
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 3; k++) q[3 * i + k] = s->pos[i][k] * LS_BOHR_ANGSTROM + 0.01 * sin(1.3 * i + 2.1 * k);
    /* c eps: sheared, stretched, det(M) != 1 (c = 4) */
    const double ce[9] = {0.083, 0.031, -0.022, 0.017, -0.061, 0.044, -0.028, 0.012, 0.109};
    for (int fv = 1; fv >= 0; fv--) {
        memcpy(q + 12, ce, sizeof ce);
        double D[3][3], ms, E, F[4][3], sig[3][3], f[21];
        LS_CHECK_OK(ls_relax_geometry(q, n, 1, fv, cell0, s, D, &ms));
        LS_CHECK_OK(model_calc(&m, s, &E, F, sig));
        if (fv) {
            double V = fabs(ls_cell_volume(s->cell)), V0 = fabs(ls_cell_volume(cell0));
            LS_CHECK_NEAR(V / V0, 1.0, 1e-14);
            LS_CHECK(fabs(ms - 1.0) > 1e-3); /* M is far from normalised: the factor is tested */
        }
        ls_relax_generalised_force(s, 1, fv, D, ms, (const double(*)[3])F, sig, 0.0, f);
        double err = 0, fmax_abs = 0;
        const double h = 1e-5;
        for (int k = 0; k < 21; k++) {
            if (k < 12 && k % 4 != 1) continue; /* some atom coordinates, every cell one */
            double qk = q[k];
            q[k] = qk + h;
            double ep = energy_of_q(q, 1, fv, cell0, s, &m);
            q[k] = qk - h;
            double em = energy_of_q(q, 1, fv, cell0, s, &m);
            q[k] = qk;
            err = fmax(err, fabs(f[k] + (ep - em) / (2 * h)));
            fmax_abs = fmax(fmax_abs, fabs(f[k]));
        }
        printf("  %s volume: |f + dE/dq| <= %.2e eV (largest |f| %.3f eV)\n", fv ? "fixed" : "free", err, fmax_abs);
        LS_CHECK_MSG(err < 1e-7, "%s volume: generalised force vs finite differences: %.3g eV", fv ? "fixed" : "free", err);
        LS_CHECK(fmax_abs > 0.05);
        if (fv) {
            /* The free direction: M -> (1 + t) M changes nothing, and the force has no part along it. */
            double dot = 0, e0 = energy_of_q(q, 1, 1, cell0, s, &m);
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) dot += f[12 + 3 * a + b] * ((a == b) * n + q[12 + 3 * a + b]);
            LS_CHECK_MSG(fabs(dot) < 1e-12, "force . M = %.3g", dot);
            double qs[21];
            memcpy(qs, q, sizeof qs);
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) qs[12 + 3 * a + b] = 1.07 * ((a == b) * n + q[12 + 3 * a + b]) - (a == b) * n;
            LS_CHECK_NEAR(energy_of_q(qs, 1, 1, cell0, s, &m), e0, 1e-12 * fabs(e0));
        }
    }
    ls_structure_destroy(s);
}

/* The largest relative deviation of the volume from V0 over the steps of a result. */
static double volume_drift(const struct ls_relax_result *res, double V0)
{
    double dev = 0;
    for (int i = 0; i < res->n_history; i++) dev = fmax(dev, fabs(res->history[i].volume_bohr3 / V0 - 1.0));
    return dev;
}

static void test_spring_tetragonal(void)
{
    const struct springs *m = &tetragonal_springs;
    const double V = 0.93 * m->len_a[0] * m->len_a[0] * m->len_a[2]; /* compressed: the optimum is not L */
    const double a_opt = spring_optimum_a(m, V), c_opt = V / (a_opt * a_opt);
    for (int opt = 0; opt < 2; opt++) {
        const double a_start = 3.25;
        ls_structure *s = tetragonal_cell(a_start, V / (a_start * a_start));
        if (!s) return;
        const double V0 = fabs(ls_cell_volume(s->cell));
        struct ls_relax_config cfg;
        ls_relax_config_default(&cfg);
        cfg.optimizer = opt ? "fire" : "bfgs";
        cfg.relax_cell = 1;
        cfg.fixed_volume = 1;
        cfg.stress_tol_gpa = 1e-5;
        cfg.max_steps = 2000;
        cfg.log_every = 0;
        struct ls_relax_result res;
        LS_CHECK_OK(ls_relax_run(s, spring_calc, (void *)m, &cfg, &res));
        LS_CHECK(res.converged);
        double len[3], ang[3];
        ls_cell_parameters(s->cell, len, ang);
        for (int k = 0; k < 3; k++) len[k] *= LS_BOHR_ANGSTROM;
        const double drift = volume_drift(&res, V0);
        printf("  springs, %s: %d steps, %d symmetry operations, c/a %.8f (optimum %.8f from the start %.4f), "
               "volume drift %.1e\n", cfg.optimizer, res.n_steps, res.n_sym_ops, len[2] / len[0], c_opt / a_opt,
               V / (a_start * a_start * a_start), drift);
        LS_CHECK(res.n_sym_ops == 16); /* 4/mmm */
        LS_CHECK(drift < 1e-12);
        LS_CHECK_NEAR(fabs(ls_cell_volume(s->cell)) / V0, 1.0, 1e-12);
        /* |dev sigma| < 1e-5 GPa over a stiffness V^-1 k L^2 ~ 10 GPa: the lengths to ~1e-6 relative. */
        LS_CHECK_NEAR(len[0], a_opt, 1e-5 * a_opt);
        LS_CHECK_NEAR(len[2], c_opt, 1e-5 * c_opt);
        LS_CHECK(len[0] == len[1]);
        for (int k = 0; k < 3; k++) LS_CHECK(ang[k] == 90.0);
        LS_CHECK(res.stress_dev_gpa < 1e-5);
        /* The energy: the model's at the constrained optimum, not its free minimum 0. */
        double e_opt = m->k_ev_a2[0] * (a_opt - m->len_a[0]) * (a_opt - m->len_a[0]) +
                       0.5 * m->k_ev_a2[2] * (c_opt - m->len_a[2]) * (c_opt - m->len_a[2]);
        LS_CHECK_NEAR(res.energy * LS_HARTREE_EV, e_opt, 1e-9);
        LS_CHECK(e_opt > 1e-3);
        if (opt == 0) LS_CHECK(res.n_steps < 30);
        ls_relax_result_free(&res);
        ls_structure_destroy(s);
    }
    /* Control: at free volume the same model goes to its rest lengths. */
    ls_structure *s = tetragonal_cell(3.25, V / (3.25 * 3.25));
    if (!s) return;
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.relax_cell = 1;
    cfg.stress_tol_gpa = 1e-5;
    cfg.log_every = 0;
    struct ls_relax_result res;
    LS_CHECK_OK(ls_relax_run(s, spring_calc, (void *)m, &cfg, &res));
    LS_CHECK_NEAR(s->cell[0][0] * LS_BOHR_ANGSTROM, m->len_a[0], 1e-5);
    LS_CHECK_NEAR(s->cell[2][2] * LS_BOHR_ANGSTROM, m->len_a[2], 1e-5);
    ls_relax_result_free(&res);
    ls_structure_destroy(s);
}

/* The relaxed LJ fcc cell strained to c/a (its volume kept), atom 1 displaced. */
static ls_structure *lj_tetragonal(const struct model *m, double ca)
{
    const double d[3] = {0.05, -0.031, 0.017};
    ls_structure *s = fcc_cell(lj_fcc_a0(m->sigma_a), d);
    if (!s) return NULL;
    const double fa = pow(ca, -1.0 / 3.0);
    for (int i = 0; i < 4; i++) {
        for (int k = 0; k < 2; k++) s->pos[i][k] *= fa;
        s->pos[i][2] *= fa * ca;
    }
    s->cell[0][0] *= fa;
    s->cell[1][1] *= fa;
    s->cell[2][2] *= fa * ca;
    return s;
}

/* fcc strained to c/a = 1.03 at the volume of the relaxed crystal, atom 1 displaced: positions
 * and shape relax together to the cubic crystal, whose energy is known in closed form. */
static void test_lj_tetragonal_to_cubic(void)
{
    struct model m;
    model_lj(&m);
    const double a0 = lj_fcc_a0(m.sigma_a);
    ls_structure *s = lj_tetragonal(&m, 1.03);
    if (!s) return;
    const double V0 = fabs(ls_cell_volume(s->cell));
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.relax_cell = 1;
    cfg.fixed_volume = 1;
    cfg.fmax_ev_a = 1e-5;
    cfg.stress_tol_gpa = 1e-5;
    cfg.log_every = 0;
    struct ls_relax_result res;
    LS_CHECK_OK(ls_relax_run(s, model_calc, &m, &cfg, &res));
    LS_CHECK(res.converged);
    double len[3], ang[3];
    ls_cell_parameters(s->cell, len, ang);
    const double drift = volume_drift(&res, V0);
    printf("  LJ fcc, c/a 1.03 at fixed volume, atom displaced: %d steps, a b c = %.7f %.7f %.7f A (closed form "
           "%.7f), volume drift %.1e\n", res.n_steps, len[0] * LS_BOHR_ANGSTROM, len[1] * LS_BOHR_ANGSTROM,
           len[2] * LS_BOHR_ANGSTROM, a0, drift);
    LS_CHECK(drift < 1e-12);
    for (int k = 0; k < 3; k++) {
        LS_CHECK_NEAR(len[k] * LS_BOHR_ANGSTROM, a0, 1e-5 * a0);
        LS_CHECK_NEAR(ang[k], 90.0, 1e-3);
    }
    LS_CHECK_NEAR(res.energy * LS_HARTREE_EV, 4 * lj_fcc_energy_per_atom(m.eps_ev, m.sigma_a, a0), 1e-8);
    LS_CHECK(res.n_steps < 80);
    ls_relax_result_free(&res);
    ls_structure_destroy(s);
}

/* 3 steps, then a restart to 8, equals 8 steps in one go; a free-volume checkpoint is refused. */
static void test_restart_and_errors(void)
{
    char ck[512], ck_free[512];
    ls_test_tmp_path(ck, sizeof ck, "relax_volume.ckpt");
    ls_test_tmp_path(ck_free, sizeof ck_free, "relax_volume_free.ckpt");
    remove(ck);
    struct model m;
    model_lj(&m);
    ls_structure *a = lj_tetragonal(&m, 1.03), *b = lj_tetragonal(&m, 1.03);
    if (!a || !b) return;
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.relax_cell = 1;
    cfg.fixed_volume = 1;
    cfg.fmax_ev_a = 1e-12;
    cfg.stress_tol_gpa = 1e-12;
    cfg.log_every = 0;
    cfg.identity = "input: test LJ";
    struct ls_relax_result ra, rb;
    cfg.max_steps = 8;
    LS_CHECK(ls_relax_run(a, model_calc, &m, &cfg, &ra) == LS_ERR_CONVERGENCE);
    LS_CHECK(strstr(ls_error_message(), "deviatoric stress") != NULL);
    cfg.checkpoint = ck;
    cfg.max_steps = 3;
    model_lj(&m);
    LS_CHECK(ls_relax_run(b, model_calc, &m, &cfg, &rb) == LS_ERR_CONVERGENCE);
    ls_relax_result_free(&rb);
    /* The restart starts from the input structure, as `lodestone relax --restart` does (the
     * symmetry is found on it; b now holds step 3's geometry, whose symmetry operations differ
     * from the input's in the last bits, which an -O1 build shows). */
    ls_structure_destroy(b);
    b = lj_tetragonal(&m, 1.03);
    if (!b) {
        ls_structure_destroy(a);
        return;
    }
    cfg.max_steps = 8;
    cfg.restart = 1;
    model_lj(&m);
    LS_CHECK(ls_relax_run(b, model_calc, &m, &cfg, &rb) == LS_ERR_CONVERGENCE);
    LS_CHECK(rb.restarted && rb.start_step == 4 && rb.n_steps == 8 && m.calls == 5);
    LS_CHECK(memcmp(a->cell, b->cell, sizeof a->cell) == 0 && memcmp(a->pos, b->pos, 4 * sizeof *a->pos) == 0);
    LS_CHECK(ra.energy == rb.energy);
    ls_relax_result_free(&ra);
    ls_relax_result_free(&rb);

    /* A checkpoint of a free-volume cell relaxation. */
    cfg.fixed_volume = 0;
    cfg.restart = 0;
    cfg.max_steps = 1;
    cfg.checkpoint = ck_free;
    LS_CHECK(ls_relax_run(b, model_calc, &m, &cfg, &rb) == LS_ERR_CONVERGENCE);
    ls_relax_result_free(&rb);
    cfg.fixed_volume = 1;
    cfg.restart = 1;
    LS_CHECK(ls_relax_run(b, model_calc, &m, &cfg, &rb) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), ck_free) && strstr(ls_error_message(), "with a free volume"), "%s",
                 ls_error_message());
    ls_relax_result_free(&rb);

    /* The documented errors. */
    cfg.checkpoint = NULL;
    cfg.restart = 0;
    cfg.relax_cell = 0;
    LS_CHECK(ls_relax_run(b, model_calc, &m, &cfg, &rb) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "relax_cell") != NULL);
    ls_relax_result_free(&rb);
    cfg.relax_cell = 1;
    cfg.pressure_gpa = 1.5;
    LS_CHECK(ls_relax_run(b, model_calc, &m, &cfg, &rb) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "no effect at fixed volume") != NULL);
    ls_relax_result_free(&rb);
    ls_structure_destroy(a);
    ls_structure_destroy(b);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_spring_model);
    LS_RUN(test_gradient);
    LS_RUN(test_spring_tetragonal);
    LS_RUN(test_lj_tetragonal_to_cubic);
    LS_RUN(test_restart_and_errors);
    return ls_test_summary("test_relax_volume");
}
