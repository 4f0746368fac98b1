/* FIRE: Bitzek et al., Phys. Rev. Lett. 97, 170201 (2006), doi:10.1103/PhysRevLett.97.170201,
 * with the parameters of ASE's implementation (ASE 3.22, ase/optimize/fire.py): dt 0.1,
 * dt_max 1.0, N_min 5, f_inc 1.1, f_dec 0.5, alpha 0.1, f_alpha 0.99, unit masses, eV/Å
 * units; the step dt v is scaled to the maximum step by its total norm (as ASE). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "workflow/relax_impl.h"

struct fire {
    long nq;
    double max_step;
    double *v;
    double dt, alpha;
    int n_pos, have_v;
};

static void fire_destroy(void *state)
{
    struct fire *s = state;
    if (s == NULL) return;
    free(s->v);
    free(s);
}

static int fire_create(long nq, const struct ls_relax_config *cfg, void **state)
{
    *state = NULL;
    struct fire *s = calloc(1, sizeof *s);
    if (s == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    s->v = calloc((size_t)nq, sizeof *s->v);
    if (s->v == NULL) {
        free(s);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    s->nq = nq;
    s->max_step = cfg->max_step_a;
    s->dt = 0.1;
    s->alpha = 0.1;
    *state = s;
    return LS_OK;
}

static int fire_step(void *state, const double *q, const double *f, double objective_ev, double *dq)
{
    (void)q;
    (void)objective_ev;
    struct fire *s = state;
    const long n = s->nq;
    double vf = 0.0, vv = 0.0, ff = 0.0;
    for (long i = 0; i < n; i++) {
        vf += s->v[i] * f[i];
        vv += s->v[i] * s->v[i];
        ff += f[i] * f[i];
    }
    if (s->have_v) {
        if (vf > 0.0) {
            double mix = sqrt(vv) / (sqrt(ff) + 1e-300);
            for (long i = 0; i < n; i++) s->v[i] = (1.0 - s->alpha) * s->v[i] + s->alpha * f[i] * mix;
            if (s->n_pos > 5) {
                s->dt = fmin(s->dt * 1.1, 1.0);
                s->alpha *= 0.99;
            }
            s->n_pos++;
        } else {
            memset(s->v, 0, (size_t)n * sizeof *s->v);
            s->alpha = 0.1;
            s->dt *= 0.5;
            s->n_pos = 0;
        }
    }
    s->have_v = 1;
    double dr2 = 0.0;
    for (long i = 0; i < n; i++) {
        s->v[i] += s->dt * f[i];
        dq[i] = s->dt * s->v[i];
        dr2 += dq[i] * dq[i];
    }
    if (sqrt(dr2) > s->max_step)
        for (long i = 0; i < n; i++) dq[i] *= s->max_step / sqrt(dr2);
    return LS_OK;
}

static int fire_save(const void *state, ls_ckpt *c)
{
    const struct fire *s = state;
    LS_TRY(ls_ckpt_put_doubles(c, "opt.velocity", s->v, (size_t)s->nq));
    double d[2] = {s->dt, s->alpha};
    LS_TRY(ls_ckpt_put_doubles(c, "opt.dt_alpha", d, 2));
    int64_t k[2] = {s->n_pos, s->have_v};
    LS_TRY(ls_ckpt_put_ints(c, "opt.npos_havev", k, 2));
    return LS_OK;
}

static int fire_load(void *state, const ls_ckpt *c)
{
    struct fire *s = state;
    const double *v = NULL;
    const int64_t *k = NULL;
    size_t n = 0;
    LS_TRY(ls_ckpt_get_doubles(c, "opt.velocity", &v, &n));
    if ((long)n != s->nq) LS_ERROR(LS_ERR_INPUT, "checkpoint record 'opt.velocity' has %zu numbers, expected %ld", n, s->nq);
    memcpy(s->v, v, n * sizeof *v);
    LS_TRY(ls_ckpt_get_doubles(c, "opt.dt_alpha", &v, &n));
    if (n != 2) LS_ERROR(LS_ERR_INPUT, "checkpoint record 'opt.dt_alpha' has %zu numbers, expected 2", n);
    s->dt = v[0];
    s->alpha = v[1];
    if (!(s->dt > 0 && s->dt < 1e6 && s->alpha >= 0 && s->alpha <= 1))
        LS_ERROR(LS_ERR_INPUT, "checkpoint record 'opt.dt_alpha' holds dt %g, alpha %g: corrupt", s->dt, s->alpha);
    LS_TRY(ls_ckpt_get_ints(c, "opt.npos_havev", &k, &n));
    if (n != 2) LS_ERROR(LS_ERR_INPUT, "checkpoint record 'opt.npos_havev' has %zu integers, expected 2", n);
    /* A step count no run reaches (the counter is an int that the next steps increment). */
    if (k[0] < 0 || k[0] > 1000000000)
        LS_ERROR(LS_ERR_INPUT, "checkpoint record 'opt.npos_havev' holds %lld steps: corrupt", (long long)k[0]);
    s->n_pos = (int)k[0];
    s->have_v = (int)k[1];
    return LS_OK;
}

const struct ls_relax_optimizer ls_relax_fire = {
    "fire", "FIRE (fast inertial relaxation engine), ASE's parameters",
    fire_create, fire_step, fire_save, fire_load, fire_destroy,
};
