/* The DFT evaluator: one magnetic start of a candidate, relaxed (positions and cell) by the
 * plane-wave engine with the campaign's protocol, spin-polarised from the start's moments.
 *
 * Starting moments: each atom's moment m (muB) becomes pw.x's starting_magnetization
 * m / z_valence of its species (dft_params_from_structure); atoms of one element with
 * different moments become distinct species (Fe1, Fe2), as pw.x needs for antiparallel
 * starts.  The moments actually used are read back from the engine's parameters and stored.
 *
 * Failures: an SCF that does not converge is retried with safer settings, up to
 * dft.retries times, each retry halving the mixing beta, doubling the smearing width and
 * the SCF iteration limit, and relaxing again from the starting geometry; then the start is
 * recorded as failed with the reason.  A relaxation that reaches its step limit is a result
 * (relax_converged = 0), as are its energy and moments.
 *
 * Files in the run's folder: relax-N.ckpt (the relaxation's checkpoint of attempt N),
 * scf.ckpt (the SCF state, written every retry.scf_checkpoint seconds and at a stop, so that a
 * kill -9 loses at most that much of an SCF; each write counts as progress, see
 * campaign_store_recover), trajectory.xyz (the labelled frames: energy,
 * forces, stress of every step; the potential's training data).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "campaign/evaluator.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/log.h"
#include "common/units.h"
#include "dft/calc.h"
#include "dft/dft.h"
#include "workflow/relax.h"

/* The engine's parameters for one start at retry level `retry`: the campaign's protocol through
 * dft_params_from_structure (shipped pseudopotentials, cutoff hints, k-point spacing, smearing,
 * per-atom starting moments as distinct species), then the SCF settings, made safer by retries. */
static int dft_params_for_start(const struct campaign_eval_input *in, int retry, dft_params *p)
{
    const struct campaign_dft_protocol *d = &in->cfg->dft;
    const ls_structure *s = in->cand->s;
    double moments[CAMPAIGN_MAX_ATOMS];
    int spin = 0;
    for (int ia = 0; ia < s->n_atom; ia++) {
        moments[ia] = in->start->moment_mub[ia];
        spin |= moments[ia] != 0;
    }
    double scale = pow(2.0, retry);
    struct dft_protocol proto;
    dft_protocol_default(&proto);
    proto.cutoff_hint = !strcmp(d->ecut_hint, "low") ? DFT_HINT_LOW : !strcmp(d->ecut_hint, "high") ? DFT_HINT_HIGH
                                                                                                     : DFT_HINT_NORMAL;
    proto.ecut_ha = d->ecut_hint[0] ? 0 : d->ecut_ha;
    proto.kspacing_bohr_inv = d->kspacing_bohr;
    proto.smearing = d->smearing;
    proto.smearing_width_ha = d->smearing_ha * scale;
    proto.spin_polarized = spin;
    proto.atom_moments_mub = spin ? moments : NULL;
    LS_TRY(dft_params_from_structure(s, &proto, p));
    p->conv_thr = d->conv_thr_ha / 2; /* pw.x's conv_thr is twice the engine's estimate (dft.h) */
    p->max_iter = (int)(d->max_scf_iter * scale);
    p->mixing_beta = d->mixing_beta / scale;
    p->compute_forces = 1;
    p->compute_stress = 1;
    p->n_threads = in->n_threads;
    /* Messages name the campaign file and the candidate. */
    int room = (int)sizeof p->source - 128;
    snprintf(p->source, sizeof p->source, "%.*s (%.60s, %s start)", room, in->cfg->path, in->cand->name,
             campaign_order_name(in->start->order));
    return LS_OK;
}

struct observer_ctx {
    const struct campaign_eval_input *in;
    int verbose;
    const char *scf_ckpt;
    struct timespec saved_at; /* modification time of scf_ckpt when last seen */
};

static int observe(void *ctx, const struct ls_relax_step *st)
{
    struct observer_ctx *o = ctx;
    if (o->in->progress)
        o->in->progress(o->in->progress_ctx, o->in->progress_base + CAMPAIGN_PROGRESS_STEP * (st->step + 1));
    if (o->verbose)
        ls_log_info("campaign:   step %d: E = %.8f eV, fmax = %.4f eV/A, P = %.3f GPa", st->step,
                    st->energy * LS_HARTREE_EV, st->fmax_ev_a, st->pressure_gpa);
    return LS_OK;
}

/* After every SCF iteration (the calculator's cancel hook, which never cancels): a newer SCF
 * state on disk is saved work, reported to the heartbeat. */
static int watch_scf_saves(void *ctx)
{
    struct observer_ctx *o = ctx;
    struct stat sb;
    if (stat(o->scf_ckpt, &sb) != 0) return 0;
    if (sb.st_mtim.tv_sec != o->saved_at.tv_sec || sb.st_mtim.tv_nsec != o->saved_at.tv_nsec) {
        o->saved_at = sb.st_mtim;
        if (o->in->saved) o->in->saved(o->in->progress_ctx);
    }
    return 0;
}

static int dft_evaluate(const struct campaign_eval_input *in, struct campaign_eval_output *out)
{
    memset(out, 0, sizeof *out);
    const struct campaign_dft_protocol *d = &in->cfg->dft;
    double t0 = ls_wall_time(), c0 = ls_cpu_time();
    int n = in->cand->s->n_atom;
    out->n_atom = n;
    LS_TRY(campaign_pseudopotentials(in->cand->s, out->pseudopotentials, sizeof out->pseudopotentials));
    snprintf(out->trajectory, sizeof out->trajectory, "%s/trajectory.xyz", in->dir);
    int status = LS_OK;
    char reason[512] = "";
    /* The engine's SCF and relaxation lines only with --verbose: the campaign log stays one
     * line per run (warnings pass). */
    enum ls_log_level saved_level = ls_log_get_level();
    if (!in->verbose && saved_level > LS_LOG_WARN) ls_log_set_level(LS_LOG_WARN);
    for (int retry = 0; retry <= d->retries; retry++) {
        dft_params p;
        status = dft_params_for_start(in, retry, &p);
        if (status != LS_OK) break;
        dft_calc *calc = NULL;
        struct ls_relax_result res;
        memset(&res, 0, sizeof res);
        ls_structure *s = NULL;
        status = dft_calc_create(&p, &calc);
        if (status == LS_OK) status = ls_structure_copy(p.structure, &s);
        char ckpt[4200], scf_ckpt[4200], identity[512];
        snprintf(ckpt, sizeof ckpt, "%s/relax-%d.ckpt", in->dir, retry);
        snprintf(scf_ckpt, sizeof scf_ckpt, "%s/scf.ckpt", in->dir);
        snprintf(identity, sizeof identity, "input: %s\nretry: %d\n", in->input_sha256, retry);
        if (status == LS_OK) status = dft_calc_set_checkpoint(calc, scf_ckpt, 1);
        if (status == LS_OK) status = dft_calc_set_checkpoint_interval(calc, in->cfg->scf_checkpoint_s);
        struct observer_ctx oc = {in, in->verbose, scf_ckpt, {0, 0}};
        struct stat sb;
        if (stat(scf_ckpt, &sb) == 0) oc.saved_at = sb.st_mtim; /* a state from before: not new work */
        if (status == LS_OK) status = dft_calc_set_limit(calc, 0, watch_scf_saves, &oc);
        if (status == LS_OK) {
            struct ls_relax_config rcfg;
            ls_relax_config_default(&rcfg);
            rcfg.fmax_ev_a = d->fmax_ev_a;
            rcfg.stress_tol_gpa = d->stress_gpa;
            rcfg.max_steps = d->max_relax_steps;
            rcfg.relax_cell = d->relax_cell;
            rcfg.want_stress = 1;
            rcfg.remove_net_force = 1;
            rcfg.observer = observe;
            rcfg.observer_ctx = &oc;
            rcfg.trajectory = out->trajectory;
            rcfg.checkpoint = ckpt;
            rcfg.restart = 1;
            rcfg.identity = identity;
            status = ls_relax_run(s, dft_calc_compute, calc, &rcfg, &res);
            const dft_result *r = dft_calc_result(calc);
            int relax_ok = status == LS_OK || (status == LS_ERR_CONVERGENCE && res.stop == LS_RELAX_MAX_STEPS);
            if (relax_ok && r && r->converged) {
                status = LS_OK;
                out->ok = 1;
                out->energy_ev = r->energy_free * LS_HARTREE_EV;
                out->total_moment_mub = r->total_magnetization;
                out->abs_moment_mub = r->absolute_magnetization;
                for (int ia = 0; ia < n; ia++) out->moments_mub[ia] = r->atom_magnetization ? r->atom_magnetization[ia] : 0;
                /* The moments the SCF started from, as the engine has them. */
                status = dft_params_starting_moments(dft_calc_params(calc), out->moments_start_mub);
                out->n_relax_steps = res.n_steps;
                out->relax_converged = res.converged;
                out->max_force_ev_a = res.fmax_ev_a;
                out->pressure_gpa = res.pressure_gpa;
                out->scf_retries = retry;
                out->n_frames = res.n_history;
                if (s->magmom == NULL) ls_structure_alloc_magmom(s);
                if (s->magmom)
                    for (int ia = 0; ia < n; ia++) s->magmom[ia] = out->moments_mub[ia];
                s->has_energy = 1;
                s->energy = r->energy_free;
                out->relaxed = s;
                s = NULL;
                snprintf(out->settings, sizeof out->settings,
                         "plane-wave DFT: ecut %.4g Ha (%s), kspacing %.4g 1/bohr, %s %.4g Ha, conv_thr %.3g Ha, beta %.3g, "
                         "max_iter %d, nspin %d; relax fmax %.3g eV/A, stress %.3g GPa, steps %d, cell %d; retry %d",
                         p.ecut_wfc, d->ecut_hint[0] ? d->ecut_hint : "given", p.kspacing, p.smearing, p.smearing_width,
                         p.conv_thr, p.mixing_beta, p.max_iter, p.n_spin, d->fmax_ev_a, d->stress_gpa, d->max_relax_steps,
                         d->relax_cell, retry);
            } else if (status == LS_ERR_CONVERGENCE || (relax_ok && r && !r->converged)) {
                snprintf(reason, sizeof reason, "SCF not converged in %d iterations with mixing beta %.3g and smearing "
                         "%.3g Ha (%d retr%s with safer settings)", p.max_iter, p.mixing_beta, p.smearing_width, retry,
                         retry == 1 ? "y" : "ies");
                status = LS_OK; /* retry, or record the failure */
            }
        }
        ls_relax_result_free(&res);
        ls_structure_destroy(s);
        dft_calc_destroy(calc);
        dft_params_free(&p);
        if (status != LS_OK || out->ok) break;
        if (retry < d->retries)
            ls_log_warn("campaign: %s, %s start: %s; retrying with safer settings", in->cand->name,
                        campaign_order_name(in->start->order), reason);
    }
    ls_log_set_level(saved_level);
    out->wall_s = ls_wall_time() - t0;
    out->cpu_s = ls_cpu_time() - c0;
    if (status != LS_OK) return status;
    if (!out->ok) snprintf(out->reason, sizeof out->reason, "%s", reason[0] ? reason : "no result");
    return LS_OK;
}

const struct campaign_evaluator campaign_eval_dft = {"dft", dft_evaluate};
