/* Molecular dynamics over the calculator contract (workflow/md.c), on the analytic harmonic model
 * of test_relax_models.h:
 *  - NVE: for one atom in an isotropic harmonic well started at rest, velocity Verlet's positions
 *    are exactly x_n = A cos(n theta) with cos(theta) = 1 - (omega dt)^2 / 2 (the recurrence
 *    x_{n+1} = 2 x_n - x_{n-1} - (omega dt)^2 x_n with x_1 = x_0 cos(theta)); checked to 1e-10.
 *  - NVT: eight atoms in independent wells (24 thermalised degrees of freedom; the kinetic
 *    temperature is reported over 3N - 3 = 21) under Langevin at 600 K: the mean reported
 *    temperature is 600 x 24/21 = 685.7 K (equipartition); 50000 steps, about 5000 samples, the
 *    statistical error of the mean is about 0.8 %, the tolerance 4 %.
 *  - Drawn velocities: the first frame has the requested temperature and no net momentum; the same
 *    seed gives the same run, another seed another.
 *  - The calculator's spread (info hook) reaches the frames and flags them above the threshold.
 *  - Every setting outside its stated limit and a failing calculation are errors that name them. */
#include <math.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/units.h"
#include "workflow/md.h"
#include "workflow/test_relax_models.h"

/* n atoms of argon in isotropic wells of stiffness k (eV/Å^2) at the positions of s. */
static void harmonic_wells(struct model *m, const ls_structure *s, double k_ev_a2)
{
    memset(m, 0, sizeof *m);
    m->harmonic = 1;
    m->n = s->n_atom;
    for (int i = 0; i < 3 * s->n_atom; i++) {
        m->x0[i] = s->pos[i / 3][i % 3] * LS_BOHR_ANGSTROM;
        m->K[i][i] = k_ev_a2;
    }
}

static ls_structure *argon(int n)
{
    ls_structure *s = NULL;
    if (ls_structure_create(n, &s) != LS_OK) return NULL;
    for (int i = 0; i < n; i++) {
        ls_structure_set_species(s, i, "Ar");
        for (int k = 0; k < 3; k++) s->pos[i][k] = (3.1 * i + 0.7 * k) * LS_ANGSTROM_BOHR;
    }
    return s;
}

struct trace {
    int n;
    double x[1001][3];  /* atom 0, bohr */
    double t_sum;
    int t_n;
    int n_flagged;
    double spread_last;
};

static int record(void *ctx, const ls_structure *s, const struct ls_md_frame *f)
{
    struct trace *t = ctx;
    if (t->n < 1001) memcpy(t->x[t->n], s->pos[0], sizeof t->x[0]);
    t->n++;
    if (f->step > 0) {
        t->t_sum += f->temperature_k;
        t->t_n++;
    }
    t->n_flagged += f->extrapolating;
    t->spread_last = f->max_force_spread;
    return LS_OK;
}

static void test_verlet_exact(void)
{
    ls_structure *s = argon(1);
    if (!s) return;
    struct model m;
    const double k = 2.37, A[3] = {0.1, -0.05, 0.07};
    harmonic_wells(&m, s, k);
    for (int d = 0; d < 3; d++) s->pos[0][d] += A[d] * LS_ANGSTROM_BOHR;
    LS_CHECK_OK(ls_structure_alloc_velocities(s)); /* at rest */
    ls_calc calc = {"harmonic", model_calc, &m, NULL, NULL};
    struct ls_md_config cfg;
    ls_md_config_default(&cfg);
    cfg.dt_fs = 2.0;
    cfg.n_step = 1000;
    cfg.frame_every = 1;
    static struct trace t;
    memset(&t, 0, sizeof t);
    LS_CHECK_OK(ls_md_run(s, &calc, &cfg, record, &t));
    LS_CHECK(t.n == 1001);
    const double k_au = k * LS_EV_HARTREE / (LS_ANGSTROM_BOHR * LS_ANGSTROM_BOHR);
    const double mass = ls_element_mass_amu(18) * LS_AMU_ME, dt = cfg.dt_fs / LS_AU_TIME_FS;
    const double theta = acos(1.0 - k_au / mass * dt * dt / 2.0);
    double err = 0;
    for (int n = 0; n <= 1000; n++)
        for (int d = 0; d < 3; d++)
            err = fmax(err, fabs(t.x[n][d] - m.x0[d] * LS_ANGSTROM_BOHR - A[d] * LS_ANGSTROM_BOHR * cos(n * theta)));
    printf("  velocity Verlet, harmonic well: largest deviation from A cos(n theta) %.2e bohr over 1000 steps "
           "(%.1f periods)\n", err, 1000 * theta / (2 * M_PI));
    LS_CHECK(err < 1e-10);
    ls_structure_destroy(s);
}

static void test_langevin_equipartition(void)
{
    ls_structure *s = argon(8);
    if (!s) return;
    struct model m;
    harmonic_wells(&m, s, 2.37);
    ls_calc calc = {"harmonic", model_calc, &m, NULL, NULL};
    struct ls_md_config cfg;
    ls_md_config_default(&cfg);
    cfg.dt_fs = 2.0;
    cfg.n_step = 50000;
    cfg.frame_every = 10;
    cfg.temperature_k = cfg.init_temperature_k = 600;
    cfg.friction_per_fs = 0.05;
    cfg.seed = 20261207;
    static struct trace t;
    memset(&t, 0, sizeof t);
    LS_CHECK_OK(ls_md_run(s, &calc, &cfg, record, &t));
    const double mean = t.t_sum / t.t_n, expect = 600.0 * 24.0 / 21.0;
    printf("  Langevin 600 K, 8 atoms in harmonic wells: mean kinetic temperature %.1f K (equipartition %.1f K)\n", mean,
           expect);
    LS_CHECK_MSG(fabs(mean / expect - 1) < 0.04, "mean temperature %.1f K, expected %.1f K", mean, expect);
    ls_structure_destroy(s);
}

static int first_frame(void *ctx, const ls_structure *s, const struct ls_md_frame *f)
{
    double *out = ctx;
    if (f->step != 0) return LS_OK;
    out[0] = f->temperature_k;
    out[1] = 0;
    for (int d = 0; d < 3; d++) {
        double p = 0;
        for (int i = 0; i < s->n_atom; i++) p += ls_element_mass_amu(s->z[i]) * s->velocities[i][d];
        out[1] = fmax(out[1], fabs(p));
    }
    return LS_OK;
}

static void test_drawn_velocities_and_seed(void)
{
    double final[3][8][3], got[2] = {0, 0};
    for (int run = 0; run < 3; run++) {
        ls_structure *s = argon(8);
        if (!s) return;
        struct model m;
        harmonic_wells(&m, s, 1.3);
        ls_calc calc = {"harmonic", model_calc, &m, NULL, NULL};
        struct ls_md_config cfg;
        ls_md_config_default(&cfg);
        cfg.n_step = 200;
        cfg.init_temperature_k = 250;
        cfg.friction_per_fs = 0.01;
        cfg.seed = run == 2 ? 8 : 7;
        LS_CHECK_OK(ls_md_run(s, &calc, &cfg, first_frame, got));
        if (run == 0) {
            LS_CHECK_NEAR(got[0], 250.0, 1e-9);
            LS_CHECK(got[1] < 1e-12);
        }
        memcpy(final[run], s->pos, sizeof final[run]);
        ls_structure_destroy(s);
    }
    LS_CHECK(memcmp(final[0], final[1], sizeof final[0]) == 0);
    LS_CHECK(memcmp(final[0], final[2], sizeof final[0]) != 0);
}

/* A calculator reporting an ensemble spread that grows with the calls: 0.01 eV/Å per call. */
static void spread_info(void *ctx, struct ls_calc_info *info)
{
    const struct model *m = ctx;
    info->has_spread = 1;
    info->max_force_spread = 0.01 * m->calls / LS_HA_BOHR_EV_A;
}

static void test_spread_and_errors(void)
{
    ls_structure *s = argon(2);
    if (!s) return;
    struct model m;
    harmonic_wells(&m, s, 2.0);
    ls_calc calc = {"harmonic with spread", model_calc, &m, spread_info, NULL};
    struct ls_md_config cfg;
    ls_md_config_default(&cfg);
    cfg.n_step = 20;
    cfg.frame_every = 1;
    cfg.spread_threshold_ev_a = 0.105; /* the frame of step n follows call n + 1: steps 10 to 20 are above it */
    static struct trace t;
    memset(&t, 0, sizeof t);
    LS_CHECK_OK(ls_md_run(s, &calc, &cfg, record, &t));
    LS_CHECK_MSG(t.n_flagged == 11, "%d frames flagged, expected 11", t.n_flagged);
    LS_CHECK_NEAR(t.spread_last * LS_HA_BOHR_EV_A, 0.21, 1e-12);

    struct {
        const char *what;
        void (*set)(struct ls_md_config *);
        const char *expect;
    } bad[] = {
        {"dt 0", NULL, "time step must be between 0 and 100 fs"},
        {"dt 1e6", NULL, "got 1e+06 fs"},
        {"steps -5", NULL, "number of steps must be between 0 and 1000000000, got -5"},
        {"friction -1", NULL, "friction must be >= 0"},
        {"temperature -300", NULL, "temperatures must be between 0 and 1e+06 K, got -300 K"},
        {"every 0", NULL, "frames every 0 steps"},
    };
    for (int i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
        struct ls_md_config c = cfg;
        if (i == 0) c.dt_fs = 0;
        if (i == 1) c.dt_fs = 1e6;
        if (i == 2) c.n_step = -5;
        if (i == 3) c.friction_per_fs = -1;
        if (i == 4) c.temperature_k = -300;
        if (i == 5) c.frame_every = 0;
        m.calls = 0;
        LS_CHECK(ls_md_run(s, &calc, &c, record, &t) == LS_ERR_INPUT);
        LS_CHECK_MSG(strstr(ls_error_message(), bad[i].expect) && m.calls == 0, "%s: %s", bad[i].what,
                     ls_error_message());
    }
    /* A calculation that fails at the third call (step 2) stops the run with its status. */
    harmonic_wells(&m, s, 2.0);
    m.fail_at = 3;
    LS_CHECK(ls_md_run(s, &calc, &cfg, record, &t) == LS_ERR_CONVERGENCE);
    LS_CHECK_MSG(strstr(ls_error_message(), "md step 2: test model: SCF did not converge (call 3)"), "%s",
                 ls_error_message());
    ls_structure_destroy(s);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_verlet_exact);
    LS_RUN(test_langevin_equipartition);
    LS_RUN(test_drawn_velocities_and_seed);
    LS_RUN(test_spread_and_errors);
    return ls_test_summary("test_md");
}
