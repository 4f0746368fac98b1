/* The DFT engine as a calculator (see dft/calc.h). */
#include "dft/calc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/stop.h"
#include "dft/scf/run.h"
#include "dft/scf/start.h"

struct dft_calc {
    dft_params params;   /* owns a copy of the structure */
    dft_result *last;
    dft_start *state;    /* the last solution, the start of the next call */
    char ckpt_path[4096]; /* SCF state on a stop ("" = none; dft_calc_set_checkpoint) */
    struct dft_checkpoint ckpt;
    double limit_wall_s;  /* dft_calc_set_limit: 0 none */
    int (*cancel)(void *ctx);
    void *cancel_ctx;
};

int dft_calc_create(const dft_params *p, dft_calc **out)
{
    *out = NULL;
    if (p->calculation != DFT_CALC_SCF)
        LS_ERROR(LS_ERR_INPUT, "%s: calculation = '%s' is a non-self-consistent run: give it to 'lodestone scf' (energies, "
                 "relaxations and equations of state need calculation = 'scf')", p->source,
                 p->calculation == DFT_CALC_NSCF ? "nscf" : "bands");
    dft_calc *c = calloc(1, sizeof *c);
    if (c == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    int status = dft_params_copy(p, &c->params);
    c->params.write_density = 0; /* the many SCFs of a relaxation or an EOS leave no density file */
    if (status != LS_OK) {
        dft_params_free(&c->params);
        free(c);
        return status;
    }
    *out = c;
    return LS_OK;
}

void dft_calc_destroy(dft_calc *c)
{
    if (c == NULL) return;
    dft_result_destroy(c->last);
    dft_start_destroy(c->state);
    dft_params_free(&c->params);
    free(c);
}

const dft_result *dft_calc_result(const dft_calc *c)
{
    return c->last;
}

const dft_params *dft_calc_params(const dft_calc *c)
{
    return &c->params;
}

void dft_calc_forget(dft_calc *c)
{
    dft_start_destroy(c->state);
    c->state = NULL;
}

int dft_calc_set_checkpoint(dft_calc *c, const char *path, int restart)
{
    c->ckpt_path[0] = '\0';
    c->ckpt.path = NULL;
    if (path == NULL || path[0] == '\0') return LS_OK;
    if (strlen(path) >= sizeof c->ckpt_path) LS_ERROR(LS_ERR_USAGE, "checkpoint path too long: %s", path);
    snprintf(c->ckpt_path, sizeof c->ckpt_path, "%s", path);
    c->ckpt.path = c->ckpt_path;
    c->ckpt.restart = restart;
    c->ckpt.every_s = INFINITY; /* on a stop only: the caller's checkpoints hold the finished work */
    if (!restart) return LS_OK;
    dft_start *st = NULL;
    LS_TRY(dft_scf_checkpoint_load(path, &c->params, &st));
    if (st == NULL) ls_log_info("restart: no SCF state in %s; the first SCF starts from atomic densities", path);
    if (st) {
        dft_start_destroy(c->state);
        c->state = st;
    }
    return LS_OK;
}

int dft_calc_set_checkpoint_interval(dft_calc *c, double every_s)
{
    if (c->ckpt.path == NULL)
        LS_ERROR(LS_ERR_USAGE, "a checkpoint interval needs a checkpoint path (dft_calc_set_checkpoint first)");
    if (!(every_s > 0)) LS_ERROR(LS_ERR_USAGE, "the SCF checkpoint interval must be > 0 seconds, got %g", every_s);
    c->ckpt.every_s = every_s;
    return LS_OK;
}

int dft_calc_set_limit(dft_calc *c, double wall_s, int (*cancel)(void *cancel_ctx), void *cancel_ctx)
{
    if (!(wall_s >= 0) || !isfinite(wall_s))
        LS_ERROR(LS_ERR_USAGE, "the wall-time limit of a DFT calculation must be >= 0 seconds (0: none), got %g", wall_s);
    c->limit_wall_s = wall_s;
    c->cancel = cancel;
    c->cancel_ctx = cancel_ctx;
    return LS_OK;
}

static int calc_compute_hook(void *ctx, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3])
{
    return dft_calc_compute(ctx, s, energy, forces, stress);
}

static void calc_info(void *ctx, struct ls_calc_info *info)
{
    const dft_calc *c = ctx;
    if (c->last) info->n_iter = c->last->n_iter;
}

static int calc_set_checkpoint(void *ctx, const char *path, int restart)
{
    return dft_calc_set_checkpoint(ctx, path, restart);
}

void dft_calc_bind(dft_calc *c, ls_calc *calc)
{
    memset(calc, 0, sizeof *calc);
    calc->name = "dft";
    calc->compute = calc_compute_hook;
    calc->ctx = c;
    calc->info = calc_info;
    calc->set_checkpoint = calc_set_checkpoint;
}

/* What the iteration hook of one dft_calc_compute checks: a stop signal (with an SCF checkpoint:
 * through the saver, which writes the state first) and the per-calculation limit. */
struct calc_watch {
    const dft_calc *c;
    struct dft_scf_saver *saver; /* NULL without an SCF checkpoint */
    double t0;                   /* ls_wall_time() at the start of the call */
};

/* A stop requested by a signal (common/stop.h) ends the SCF after the current iteration; without
 * an SCF checkpoint the caller's own checkpoint (finished volumes, relaxation steps) is what
 * survives.  Then the limit of dft_calc_set_limit.  With MPI every process calls the hook after
 * the same iteration and the decisions are taken together. */
static int watch_hook(void *ctx, const struct dft_system *sys, int iter)
{
    struct calc_watch *w = ctx;
    if (w->saver) {
        LS_TRY(dft_scf_saver_hook(w->saver, sys, iter));
    } else {
        int sig = ls_stop_requested();
        ls_comm_max_int(ls_comm_world(), &sig, 1);
        if (sig) LS_ERROR(LS_ERR_INTERRUPTED, "stopped by signal %d during SCF iteration %d", sig, iter);
    }
    const dft_calc *c = w->c;
    if (c->limit_wall_s <= 0 && c->cancel == NULL) return LS_OK;
    int why[2] = {0, 0}; /* wall time (rank 0's clock), cancel (any rank) */
    const double elapsed = ls_wall_time() - w->t0;
    if (ls_par_rank() == 0) why[0] = c->limit_wall_s > 0 && elapsed > c->limit_wall_s;
    why[1] = c->cancel && c->cancel(c->cancel_ctx) != 0;
    ls_comm_max_int(ls_comm_world(), why, 2);
    if (why[0])
        LS_ERROR(LS_ERR_LIMIT, "the SCF was stopped by its wall-time limit of %g s after iteration %d (%.1f s)",
                 c->limit_wall_s, iter, elapsed);
    if (why[1]) LS_ERROR(LS_ERR_LIMIT, "the SCF was cancelled by its caller after iteration %d", iter);
    return LS_OK;
}

/* Same atoms, same order, same elements: only the cell and positions may change. */
static int check_same_atoms(const ls_structure *ref, const ls_structure *s)
{
    if (s->n_atom != ref->n_atom)
        LS_ERROR(LS_ERR_INPUT, "the DFT calculator was set up for %d atoms, not %d", ref->n_atom, s->n_atom);
    for (int a = 0; a < s->n_atom; a++)
        if (s->z[a] != ref->z[a])
            LS_ERROR(LS_ERR_INPUT, "atom %d is %s, but the DFT calculator was set up with %s there", a + 1,
                     s->species[a], ref->species[a]);
    return LS_OK;
}

int dft_calc_compute(void *ctx, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3])
{
    dft_calc *c = ctx;
    LS_TRY(check_same_atoms(c->params.structure, s));
    memcpy(c->params.structure->cell, s->cell, sizeof s->cell);
    memcpy(c->params.structure->pos, s->pos, (size_t)s->n_atom * sizeof *s->pos);
    c->params.compute_forces = forces != NULL;
    c->params.compute_stress = stress != NULL;
    dft_result *r = NULL;
    dft_start *next = NULL;
    struct dft_scf_saver saver = {&c->ckpt, ls_wall_time()};
    struct calc_watch watch = {c, c->ckpt.path ? &saver : NULL, ls_wall_time()};
    /* The saver writes the state to the file on a stop, then returns LS_ERR_INTERRUPTED. */
    struct dft_run_ctl ctl = {.start = c->state, .save = &next, .iteration_hook = watch_hook, .iteration_ctx = &watch};
    int status = dft_scf_run_ctl(&c->params, &ctl, &r);
    if (status == LS_OK && c->ckpt.path) dft_scf_checkpoint_remove(c->ckpt.path); /* served its purpose */
    if (r == NULL) return status;
    /* Keep the new solution as the next start, unless this SCF failed to converge: then the
     * previous (converged) one is the better start. */
    if (status == LS_OK || c->state == NULL) {
        dft_start_destroy(c->state);
        c->state = next;
    } else {
        dft_start_destroy(next);
    }
    dft_result_destroy(c->last);
    c->last = r;
    *energy = r->energy_free;
    if (forces) memcpy(forces, r->forces, (size_t)s->n_atom * sizeof *forces);
    if (stress) memcpy(stress, r->stress, sizeof r->stress);
    return status;
}

int dft_calc_wants_final_scf(const dft_calc *c)
{
    return c->params.basis_ref_given && c->params.basis_ref_final_scf;
}

int dft_calc_final_scf(dft_calc *c, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3])
{
    int keep = c->params.basis_ref_given;
    c->params.basis_ref_given = 0;
    int status = dft_calc_compute(c, s, energy, forces, stress);
    c->params.basis_ref_given = keep;
    return status;
}
