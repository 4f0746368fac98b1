/* Relaxation checkpoints (workflow/relax_state.c): a run stopped after 5 steps and restarted
 * follows the path of 10 uninterrupted steps exactly (positions, cell, history and the
 * trajectory file, byte for byte), for BFGS and FIRE, also when stopped by SIGTERM; a
 * restart without a checkpoint starts afresh and says so; a checkpoint of another input or
 * other options, a corrupt one and a foreign trajectory are errors naming the file. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "workflow/relax.h"
#include "common/stop.h"
#include "common/test.h"
#include "workflow/test_relax_models.h"
#include "common/textio.h"
#include "common/units.h"

#define IDENTITY "input: content fnv1a64 0123456789abcdef\noptimizer: test\ncell: relaxed"

struct run {
    ls_structure *s;
    struct ls_relax_result res;
    int status;
    struct model m;
};

/* A cell relaxation of the displaced LJ crystal, tight enough not to converge in 10 steps. */
static void run_lj(struct run *r, const char *opt, int max_steps, const char *ckpt, const char *traj, int restart,
                   int sigterm_at)
{
    model_lj(&r->m);
    r->m.sigterm_at = sigterm_at;
    const double d[3] = {0.05, -0.031, 0.017};
    r->s = fcc_cell(1.03 * lj_fcc_a0(r->m.sigma_a), d);
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.optimizer = opt;
    cfg.relax_cell = 1;
    cfg.fmax_ev_a = 1e-12;
    cfg.stress_tol_gpa = 1e-12;
    cfg.max_steps = max_steps;
    cfg.log_every = 0;
    cfg.checkpoint = ckpt;
    cfg.trajectory = traj;
    cfg.restart = restart;
    cfg.identity = IDENTITY;
    r->status = r->s ? ls_relax_run(r->s, model_calc, &r->m, &cfg, &r->res) : LS_ERR_NOMEM;
}

static void run_free(struct run *r)
{
    ls_relax_result_free(&r->res);
    ls_structure_destroy(r->s);
}

static int same_file(const char *a, const char *b)
{
    char *ta = NULL, *tb = NULL;
    size_t na = 0, nb = 0;
    int same = ls_file_read_all(a, &ta, &na) == LS_OK && ls_file_read_all(b, &tb, &nb) == LS_OK && na == nb &&
               memcmp(ta, tb, na) == 0;
    free(ta);
    free(tb);
    return same;
}

static int count(const char *path, const char *what)
{
    char *t = NULL;
    size_t n = 0;
    int c = 0;
    if (ls_file_read_all(path, &t, &n) != LS_OK) return -1;
    for (const char *p = t; (p = strstr(p, what)) != NULL; p++) c++;
    free(t);
    return c;
}

/* 10 steps in one go, and 5 + restart to 10 (stopped by max_steps or by SIGTERM). */
static void check_restart(const char *opt, int by_signal)
{
    char ck_a[512], ck_b[512], tr_a[512], tr_b[512], name[64];
    snprintf(name, sizeof name, "relax_%s_%d_a.ckpt", opt, by_signal);
    ls_test_tmp_path(ck_a, sizeof ck_a, name);
    snprintf(name, sizeof name, "relax_%s_%d_b.ckpt", opt, by_signal);
    ls_test_tmp_path(ck_b, sizeof ck_b, name);
    snprintf(name, sizeof name, "relax_%s_%d_a.xyz", opt, by_signal);
    ls_test_tmp_path(tr_a, sizeof tr_a, name);
    snprintf(name, sizeof name, "relax_%s_%d_b.xyz", opt, by_signal);
    ls_test_tmp_path(tr_b, sizeof tr_b, name);
    remove(ck_b);
    static struct run a, b1, b2;
    run_lj(&a, opt, 10, ck_a, tr_a, 0, 0);
    LS_CHECK(a.status == LS_ERR_CONVERGENCE && a.res.stop == LS_RELAX_MAX_STEPS && a.res.n_steps == 10);
    if (by_signal) {
        /* SIGTERM during the calculation of step 5: that step is finished, its checkpoint
         * written, then the run stops with LS_ERR_INTERRUPTED. */
        ls_stop_install();
        run_lj(&b1, opt, 10, ck_b, tr_b, 0, 6);
        LS_CHECK(b1.status == LS_ERR_INTERRUPTED && b1.res.stop == LS_RELAX_INTERRUPTED);
        LS_CHECK(strstr(ls_error_message(), "--restart") != NULL);
        ls_stop_reset();
    } else {
        run_lj(&b1, opt, 5, ck_b, tr_b, 0, 0);
        LS_CHECK(b1.status == LS_ERR_CONVERGENCE && b1.res.stop == LS_RELAX_MAX_STEPS);
    }
    LS_CHECK(b1.res.n_steps == 5 && count(tr_b, "step=") == 6);
    run_lj(&b2, opt, 10, ck_b, tr_b, 1, 0);
    LS_CHECK(b2.status == LS_ERR_CONVERGENCE && b2.res.restarted && b2.res.start_step == 6);
    LS_CHECK(b2.m.calls == 5); /* steps 6..10 only */
    LS_CHECK(b2.res.n_steps == 10 && b2.res.n_history == 11);
    if (a.s && b2.s) {
        LS_CHECK(memcmp(a.s->pos, b2.s->pos, 4 * sizeof *a.s->pos) == 0);
        LS_CHECK(memcmp(a.s->cell, b2.s->cell, sizeof a.s->cell) == 0);
        LS_CHECK(a.res.energy == b2.res.energy);
        for (int i = 0; i < 11 && b2.res.n_history == 11; i++) {
            const struct ls_relax_history *x = &a.res.history[i], *y = &b2.res.history[i];
            LS_CHECK(x->step == i && y->step == i && x->energy == y->energy && x->enthalpy == y->enthalpy &&
                     x->fmax_ev_a == y->fmax_ev_a && x->stress_dev_gpa == y->stress_dev_gpa &&
                     x->pressure_gpa == y->pressure_gpa && x->volume_bohr3 == y->volume_bohr3);
        }
    }
    LS_CHECK(same_file(tr_a, tr_b));
    LS_CHECK(count(tr_b, "step=") == 11);
    printf("  %s, stopped %s: 5 + 5 steps = 10 steps exactly (energy %.12f eV)\n", opt,
           by_signal ? "by SIGTERM" : "by --steps", b2.res.energy * LS_HARTREE_EV);
    run_free(&a);
    run_free(&b1);
    run_free(&b2);
}

static void test_restart_bfgs(void) { check_restart("bfgs", 0); }
static void test_restart_fire(void) { check_restart("fire", 0); }
static void test_restart_sigterm(void) { check_restart("bfgs", 1); }

/* --restart without a checkpoint: a fresh run, and a log line saying so. */
static void test_restart_without_checkpoint(void)
{
    char ck[512], logp[512];
    ls_test_tmp_path(ck, sizeof ck, "relax_absent.ckpt");
    ls_test_tmp_path(logp, sizeof logp, "relax_absent.log");
    remove(ck);
    FILE *log = fopen(logp, "w+");
    LS_CHECK(log != NULL);
    if (!log) return;
    ls_log_set_stream(log);
    ls_log_set_level(LS_LOG_INFO);
    static struct run r;
    run_lj(&r, "bfgs", 2, ck, NULL, 1, 0);
    ls_log_set_stream(NULL);
    ls_log_set_level(LS_LOG_WARN);
    fclose(log);
    LS_CHECK(r.status == LS_ERR_CONVERGENCE && !r.res.restarted && r.res.start_step == 0 && r.m.calls == 3);
    LS_CHECK(count(logp, "no checkpoint") == 1 && count(logp, "starting afresh") == 1);
    run_free(&r);
}

/* The documented errors, each naming the checkpoint (or trajectory) file. */
static void test_errors(void)
{
    char ck[512], bad[512], tr[512];
    ls_test_tmp_path(ck, sizeof ck, "relax_err.ckpt");
    ls_test_tmp_path(bad, sizeof bad, "relax_err_bad.ckpt");
    ls_test_tmp_path(tr, sizeof tr, "relax_err.xyz");
    remove(ck);
    static struct run r;
    run_lj(&r, "bfgs", 2, ck, NULL, 0, 0);
    run_free(&r);

    /* Another input. */
    struct model m;
    model_lj(&m);
    ls_structure *s = fcc_cell(4.1, NULL);
    if (!s) return;
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.relax_cell = 1;
    cfg.log_every = 0;
    cfg.checkpoint = ck;
    cfg.restart = 1;
    cfg.identity = "input: content fnv1a64 fedcba9876543210\noptimizer: test\ncell: relaxed";
    struct ls_relax_result res;
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), ck) && strstr(ls_error_message(), "written for another input"));
    LS_CHECK(m.calls == 0);
    ls_relax_result_free(&res);
    /* Other options. */
    cfg.identity = "input: content fnv1a64 0123456789abcdef\noptimizer: test\ncell: fixed";
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), ck) && strstr(ls_error_message(), "other settings") &&
             strstr(ls_error_message(), "cell: fixed"));
    ls_relax_result_free(&res);
    /* Another optimiser (same identity). */
    cfg.identity = IDENTITY;
    cfg.optimizer = "fire";
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "bfgs optimizer") != NULL);
    ls_relax_result_free(&res);
    cfg.optimizer = "bfgs";
    /* Corrupt: one byte flipped in the middle. */
    char *t = NULL;
    size_t n = 0;
    LS_CHECK_OK(ls_file_read_all(ck, &t, &n));
    if (t) {
        t[n / 2] ^= 0x5a;
        LS_CHECK_OK(ls_file_write_atomic(bad, t, n));
        free(t);
    }
    cfg.checkpoint = bad;
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), bad) && strstr(ls_error_message(), "corrupt"));
    ls_relax_result_free(&res);
    /* A trajectory that is not one of a relaxation. */
    cfg.checkpoint = ck;
    FILE *f = fopen(tr, "w");
    if (f) {
        fputs("1\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3\nAr 0 0 0\n", f);
        fclose(f);
    }
    cfg.trajectory = tr;
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), tr) && strstr(ls_error_message(), ":2: a frame without a step= key"));
    LS_CHECK(m.calls == 0);
    ls_relax_result_free(&res);
    /* A restart without a checkpoint file name. */
    cfg.trajectory = NULL;
    cfg.checkpoint = NULL;
    LS_CHECK(ls_relax_run(s, model_calc, &m, &cfg, &res) == LS_ERR_INPUT);
    ls_relax_result_free(&res);
    ls_structure_destroy(s);
}

/* FIRE checkpoints with a valid checksum holding a NaN coordinate, a NaN time step, or a step counter of
 * INT_MAX (the next positive step would overflow it): refused as corrupt, naming the file. */
static void test_fire_state_corrupt(void)
{
    char ck[512];
    ls_test_tmp_path(ck, sizeof ck, "relax_fire_state.ckpt");
    remove(ck);
    static struct run r;
    run_lj(&r, "fire", 2, ck, NULL, 0, 0);
    run_free(&r);
    static const struct {
        int64_t n_pos;
        double dt;
        const char *what;
    } cases[3] = {{0, 0.1, "not a finite number"}, {0, NAN, "dt nan"}, {2147483647, 0.1, "2147483647 steps: corrupt"}};
    for (int i = 0; i < 3; i++) {
        ls_ckpt *c = NULL;
        LS_CHECK_OK(ls_ckpt_read(ck, &c));
        if (c == NULL) return;
        int64_t k[2] = {cases[i].n_pos, 1};
        double dt_alpha[2] = {cases[i].dt, 0.1};
        LS_CHECK_OK(ls_ckpt_put_ints(c, "opt.npos_havev", k, 2));
        LS_CHECK_OK(ls_ckpt_put_doubles(c, "opt.dt_alpha", dt_alpha, 2));
        if (i == 0) { /* and a NaN among the coordinates of the next step, which is checked first */
            const double *q = NULL;
            size_t nq = 0;
            LS_CHECK_OK(ls_ckpt_get_doubles(c, "q", &q, &nq));
            double *q2 = malloc(nq * sizeof *q2);
            if (q2 == NULL || nq == 0) return;
            memcpy(q2, q, nq * sizeof *q2);
            q2[nq - 1] = NAN;
            LS_CHECK_OK(ls_ckpt_put_doubles(c, "q", q2, nq));
            free(q2);
        }
        char bad[512];
        ls_test_tmp_path(bad, sizeof bad, "relax_fire_state_bad.ckpt");
        LS_CHECK_OK(ls_ckpt_write(c, bad));
        ls_ckpt_destroy(c);
        run_lj(&r, "fire", 4, bad, NULL, 1, 0);
        LS_CHECK(r.status == LS_ERR_INPUT);
        LS_CHECK_MSG(strstr(ls_error_message(), bad) && strstr(ls_error_message(), cases[i].what), "%s",
                     ls_error_message());
        run_free(&r);
    }
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_restart_bfgs);
    LS_RUN(test_restart_fire);
    LS_RUN(test_restart_sigterm);
    LS_RUN(test_restart_without_checkpoint);
    LS_RUN(test_errors);
    LS_RUN(test_fire_state_corrupt);
    return ls_test_summary("test_relax_restart");
}
