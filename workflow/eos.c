/* The equation-of-state driver (workflow/eos.h): the loop over the volumes with a checkpoint after
 * each, the log line per volume, the fit of the converged points and the status of the run.  The
 * relaxation at one volume: eos_relax.c; the checkpoint file: eos_checkpoint.c; the geometry and
 * the lattice at V0: eos_lattice.c. */
#include "workflow/eos.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/checkpoint.h"
#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/stop.h"
#include "workflow/eos_impl.h"
#include "workflow/relax.h"

static const double acwf_scales[] = {0.94, 0.96, 0.98, 1.00, 1.02, 1.04, 1.06};

void ls_eos_config_default(struct ls_eos_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->n_volumes = (int)(sizeof acwf_scales / sizeof acwf_scales[0]);
    memcpy(cfg->scales, acwf_scales, sizeof acwf_scales);
    cfg->relax = LS_EOS_FIXED;
    struct ls_relax_config def;
    ls_relax_config_default(&def); /* the defaults of `lodestone relax` */
    cfg->fmax_ev_a = def.fmax_ev_a;
    cfg->stress_tol_gpa = def.stress_tol_gpa;
    cfg->relax_max_steps = def.max_steps;
}

void ls_eos_result_free(struct ls_eos_result *res)
{
    if (res == NULL) return;
    ls_structure_destroy(res->s_in);
    free(res->pt);
    free(res->forces);
    free(res->cell);
    free(res->pos);
    memset(res, 0, sizeof *res);
}

const char *ls_eos_scale_text(double scale, char buf[32])
{
    snprintf(buf, 32, "%.6f", scale);
    const char *dot = strchr(buf, '.');
    size_t len = strlen(buf);
    while (dot && len > (size_t)(dot - buf) + 3 && buf[len - 1] == '0') buf[--len] = '\0';
    return buf;
}

/* ", 4 relaxation steps (fmax 0.0031 eV/A)" and the like, for a relaxed point's log line. */
static void relax_text(const struct ls_eos_result *r, int i, char *buf, size_t size)
{
    const struct ls_eos_point *p = &r->pt[i];
    buf[0] = '\0';
    if (r->relax == LS_EOS_FIXED) return;
    int w = 0;
    if (p->relax_stop == LS_EOS_RELAX_DONE)
        w = snprintf(buf, size, ", %d relaxation steps (fmax %.4f eV/A", p->relax_steps, p->relax_fmax_ev_a);
    else if (p->relax_stop == LS_EOS_RELAX_MAX_STEPS)
        w = snprintf(buf, size, ", relaxation NOT converged in %d steps (fmax %.4f eV/A, threshold %g", p->relax_steps,
                     p->relax_fmax_ev_a, r->fmax_ev_a);
    else
        w = snprintf(buf, size, ", SCF NOT converged at relaxation step %d (%s", p->relax_steps + (isfinite(p->energy_ha) ? 1 : 0),
                     isfinite(p->energy_ha) ? "the point is the last good step" : "no step converged");
    if (w < 0 || (size_t)w >= size) return;
    if (r->relax == LS_EOS_RELAX_SHAPE && p->relax_stop != LS_EOS_RELAX_SCF_FAILED && isfinite(p->energy_ha)) {
        double cell[3][3], len[3], ang[3];
        memcpy(cell, r->cell + 9 * (size_t)i, sizeof cell);
        ls_cell_parameters(cell, len, ang);
        w += snprintf(buf + w, size - (size_t)w, ", |deviatoric stress| %.4f GPa%s, a b c = %.4f %.4f %.4f A",
                      p->relax_stress_dev_gpa, p->relax_stop == LS_EOS_RELAX_MAX_STEPS ? " (threshold)" : "",
                      len[0] * LS_BOHR_ANGSTROM, len[1] * LS_BOHR_ANGSTROM, len[2] * LS_BOHR_ANGSTROM);
        if (w < 0 || (size_t)w >= size) return;
    }
    if (p->relax_restart_step > 0)
        w += snprintf(buf + w, size - (size_t)w, "; continued from step %d of its checkpoint", p->relax_restart_step);
    if (w >= 0 && (size_t)w < size) snprintf(buf + w, size - (size_t)w, ")");
}

static void log_point(const struct ls_eos_result *r, int i, const char *what)
{
    const struct ls_eos_point *p = &r->pt[i];
    double v = ls_eos_volume_a3_per_atom(r, p), e = ls_eos_energy_ev_per_atom(r, p), pr = p->pressure_ha_bohr3 * LS_HA_BOHR3_GPA;
    char sc[32], rx[400];
    ls_eos_scale_text(p->scale, sc);
    relax_text(r, i, rx, sizeof rx);
    if (what)
        ls_log_info("volume %d/%d: %s: %s V_in = %.4f A^3/atom, E = %.6f eV/atom, P = %.2f GPa", i + 1, r->n, what, sc, v,
                    e, pr);
    else if (p->converged)
        ls_log_info("volume %d/%d: %s V_in = %.4f A^3/atom, E = %.6f eV/atom, P = %.2f GPa%s, %d SCF iterations, %.1f s",
                    i + 1, r->n, sc, v, e, pr, rx, p->n_iter, p->wall_s);
    else if (r->relax == LS_EOS_FIXED)
        ls_log_warn("volume %d/%d: %s V_in = %.4f A^3/atom, E = %.6f eV/atom, P = %.2f GPa, SCF NOT converged after %d "
                    "iterations, %.1f s: left out of the fit", i + 1, r->n, sc, v, e, pr, p->n_iter, p->wall_s);
    else
        ls_log_warn("volume %d/%d: %s V_in = %.4f A^3/atom, E = %.6f eV/atom, P = %.2f GPa%s, %d SCF iterations in all, "
                    "%.1f s: left out of the fit%s", i + 1, r->n, sc, v, e, pr, rx, p->n_iter, p->wall_s,
                    p->relax_stop == LS_EOS_RELAX_MAX_STEPS ? " (a rerun with --restart and more --relax-steps continues "
                                                           "its relaxation)" : "");
}

/* A stop signal that reached any process (collective: every process calls it at the same point,
 * so that all of them stop after the same volume). */
static int stop_agreed(void)
{
    int sig = ls_stop_requested();
    ls_comm_max_int(ls_comm_world(), &sig, 1);
    return sig;
}

/* With MPI, rank 0 alone writes the checkpoint and every process learns whether that worked. */
static int checkpoint_write(const char *ckpt, const struct ls_eos_result *r)
{
    int status = ls_par_rank() == 0 ? eos_checkpoint_write(ckpt, r) : LS_OK;
    return ls_comm_agree(ls_comm_world(), status);
}

/* Volume i with fixed fractional positions: one calculation of the scaled cell s.  Returns as the
 * calculator (LS_ERR_CONVERGENCE: the point is filled and recorded as not converged). */
static int compute_fixed(struct ls_eos_result *r, int i, const ls_calc *calc, const ls_structure *s)
{
    struct ls_eos_point *pt = &r->pt[i];
    double *forces = r->forces + 3 * (size_t)r->n_atom * i;
    double energy, stress[3][3];
    double t0 = ls_wall_time();
    int cs = calc->compute(calc->ctx, s, &energy, (double(*)[3])forces, stress);
    if (cs != LS_OK && cs != LS_ERR_CONVERGENCE) return cs;
    struct ls_calc_info info;
    ls_calc_last_info(calc, &info);
    pt->volume_bohr3 = fabs(ls_cell_volume(s->cell));
    pt->energy_ha = energy;
    memcpy(pt->stress, stress, sizeof stress);
    pt->pressure_ha_bohr3 = -(stress[0][0] + stress[1][1] + stress[2][2]) / 3.0;
    pt->converged = cs == LS_OK;
    pt->n_iter = info.n_iter;
    pt->wall_s = ls_wall_time() - t0;
    pt->done = 1;
    eos_point_set_geometry(r, i, s);
    if (cs != LS_OK) ls_error_clear();
    return cs;
}

/* The SCF (or relaxation) of every volume not done yet, the checkpoint after each.  With MPI every
 * process runs this loop, and the calculation of each volume is shared among them (the DFT engine's
 * pools and bands, dft/scf/dist.h): the points
 * come out bit-identical on every process.  relax_restart: continue the relaxation checkpoints of
 * volumes under way (only when the EOS checkpoint was loaded: a fresh run starts them anew).
 * restart (--restart): the first SCF starts from the state a stop left in CKPT.scf, if any (any
 * state is a valid start: only the path to the same answer changes). */
static int compute_volumes(struct ls_eos_result *r, const ls_calc *calc, const char *ckpt, int restart, int relax_restart,
                           int verbose)
{
    char scf_ckpt[4200] = "";
    if (ckpt) snprintf(scf_ckpt, sizeof scf_ckpt, "%s.scf", ckpt);
    int status = LS_OK;
    int calc_ready = 0;
    ls_structure *s = NULL;
    int n_done = 0, sig = 0, under_way = -1;
    for (int i = 0; i < r->n; i++) {
        struct ls_eos_point *pt = &r->pt[i];
        if (pt->done && pt->converged) {
            log_point(r, i, "from the checkpoint");
            if (r->relax != LS_EOS_FIXED) eos_relax_checkpoint_remove(ckpt, i); /* left by a kill at the wrong moment */
            n_done++;
            continue;
        }
        /* A volume the checkpoint has as not converged is computed again: from another start
         * (atomic, or a neighbour's solution) its SCF may converge; a relaxation continues from its
         * own checkpoint (kept for that). */
        if (pt->done) {
            char sc[32];
            ls_log_info("volume %d/%d: %s V_in is not converged in the checkpoint: computing it again", i + 1, r->n,
                        ls_eos_scale_text(pt->scale, sc));
            pt->done = 0;
            pt->from_checkpoint = 0;
        }
        if ((sig = stop_agreed()) != 0) break;
        if (!calc_ready) {
            /* The state of a calculation a stop left in CKPT.scf starts the first one (restart). */
            if (calc->set_checkpoint) LS_TRY_GOTO(status, calc->set_checkpoint(calc->ctx, scf_ckpt, restart), done);
            LS_TRY_GOTO(status, ls_structure_copy(r->s_in, &s), done);
            calc_ready = 1;
        }
        eos_structure_scaled(r->s_in, pt->scale, s);
        enum ls_log_level level = ls_log_get_level();
        if (!verbose && level > LS_LOG_WARN) ls_log_set_level(LS_LOG_WARN);
        under_way = i;
        int cs = r->relax == LS_EOS_FIXED ? compute_fixed(r, i, calc, s)
                                            : eos_relax_volume(r, i, calc, s, ckpt, relax_restart, verbose);
        ls_log_set_level(level);
        if (cs != LS_OK && cs != LS_ERR_CONVERGENCE) {
            status = cs;
            if (cs != LS_ERR_INTERRUPTED) {
                char saved[LS_ERROR_MESSAGE_MAX], sc[32];
                snprintf(saved, sizeof saved, "%s", ls_error_message());
                ls_error_set(cs, __FILE__, __LINE__, "%s: volume %d/%d (%s V_in): %s", r->input, i + 1, r->n,
                             ls_eos_scale_text(pt->scale, sc), saved);
            }
            goto done;
        }
        under_way = -1;
        if (ckpt) LS_TRY_GOTO(status, checkpoint_write(ckpt, r), done);
        /* The relaxation's checkpoint goes once the volume is in the EOS checkpoint, converged. */
        if (r->relax != LS_EOS_FIXED && pt->converged) eos_relax_checkpoint_remove(ckpt, i);
        n_done++;
        log_point(r, i, NULL);
    }
done:
    if (status == LS_OK && sig == 0) sig = stop_agreed();
    if (status == LS_OK && sig != 0) status = LS_ERR_INTERRUPTED;
    if (status == LS_ERR_INTERRUPTED) {
        if (sig == 0) sig = ls_stop_requested();
        char partial[8800] = "";
        if (ckpt && r->relax != LS_EOS_FIXED && under_way >= 0) {
            char path[4200];
            eos_relax_checkpoint_path(ckpt, under_way, path, sizeof path);
            snprintf(partial, sizeof partial, "; the finished relaxation steps of volume %d/%d are in %s", under_way + 1,
                     r->n, path);
        }
        if (ckpt && under_way >= 0 && access(scf_ckpt, F_OK) == 0) {
            size_t w = strlen(partial);
            snprintf(partial + w, sizeof partial - w, "; the SCF state of volume %d/%d is in %s", under_way + 1, r->n,
                     scf_ckpt);
        }
        if (ckpt)
            ls_error_set(status, __FILE__, __LINE__,
                         "stopped by signal %d with %d of %d volumes done, all in the checkpoint %s%s: rerun the same "
                         "command with --restart to continue", sig, n_done, r->n, ckpt, partial);
        else
            ls_error_set(status, __FILE__, __LINE__, "stopped by signal %d with %d of %d volumes done (no checkpoint)",
                         sig, n_done, r->n);
    }
    ls_structure_destroy(s);
    return status;
}

/* The fit of the converged points (eV/atom, Å^3/atom).  Returns the status the run should end
 * with because of the fit (LS_OK, or the fit's error with its message recorded). */
static int fit_points(struct ls_eos_result *r)
{
    double v[LS_EOS_MAX_VOLUMES], e[LS_EOS_MAX_VOLUMES];
    int m = 0;
    for (int i = 0; i < r->n; i++) {
        if (!r->pt[i].done || !r->pt[i].converged) continue;
        v[m] = ls_eos_volume_a3_per_atom(r, &r->pt[i]);
        e[m] = ls_eos_energy_ev_per_atom(r, &r->pt[i]);
        m++;
    }
    r->has_fit = 0;
    if (m < LS_EOS_MIN_POINTS) {
        ls_log_warn("no Birch-Murnaghan fit: %d converged volumes, at least %d are needed", m, LS_EOS_MIN_POINTS);
        return LS_OK; /* the run ends with the convergence failure */
    }
    int status = ls_eos_bm3_fit(v, e, m, &r->fit);
    if (status == LS_OK) r->has_fit = 1;
    else ls_error_prefix("%s: ", r->input);
    return status;
}

/* The checkpoint before the loop: load it (--restart), or say that it will be replaced.  With
 * MPI rank 0 reads and writes the file and sends the loaded volumes to the other processes.
 * *loaded: 1 when an existing checkpoint was taken (then the volumes' relaxation checkpoints are
 * continued too; a fresh run removes any left from an earlier run). */
static int open_checkpoint(const char *ckpt, int restart, struct ls_eos_result *r, int *loaded)
{
    *loaded = 0;
    if (ckpt == NULL) return LS_OK;
    const ls_comm *world = ls_comm_world();
    int root = ls_comm_rank(world) == 0;
    int status = LS_OK;
    if (root) {
        int exists = access(ckpt, F_OK) == 0;
        if (restart && !exists) {
            ls_log_info("restart: no checkpoint %s yet, starting afresh", ckpt);
        } else if (restart) {
            int n_loaded;
            status = eos_checkpoint_load(ckpt, r, &n_loaded);
            if (status == LS_OK) ls_log_info("restart: %d of %d volumes in the checkpoint %s", n_loaded, r->n, ckpt);
            *loaded = status == LS_OK;
        } else if (exists) {
            ls_log_warn("overwriting the checkpoint %s of an earlier run (pass --restart to continue that run instead)", ckpt);
        }
        if (status == LS_OK && !*loaded && r->relax != LS_EOS_FIXED)
            for (int i = 0; i < r->n; i++) eos_relax_checkpoint_remove(ckpt, i);
        /* Written now so that an unwritable path stops the run before any SCF. */
        if (status == LS_OK && (status = eos_checkpoint_write(ckpt, r)) != LS_OK) {
            char saved[LS_ERROR_MESSAGE_MAX];
            snprintf(saved, sizeof saved, "%s", ls_error_message());
            ls_error_set(status, __FILE__, __LINE__,
                         "the EOS checkpoint %s cannot be written (%s): give --checkpoint a writable path, or "
                         "--checkpoint none to run without one", ckpt, saved);
        }
    }
    LS_TRY(ls_comm_agree(world, status));
    if (ls_comm_size(world) > 1) {
        ls_comm_bcast(world, r->pt, (size_t)r->n * sizeof *r->pt, 0);
        ls_comm_bcast(world, r->forces, 3 * (size_t)r->n * (size_t)r->n_atom * sizeof *r->forces, 0);
        ls_comm_bcast(world, r->cell, 9 * (size_t)r->n * sizeof *r->cell, 0);
        ls_comm_bcast(world, r->pos, 3 * (size_t)r->n * (size_t)r->n_atom * sizeof *r->pos, 0);
        ls_comm_bcast(world, loaded, sizeof *loaded, 0);
    }
    return LS_OK;
}


/* The settings a caller gives, checked (messages for a library caller; `lodestone eos` checks its
 * options first with the option names). */
static int check_config(const ls_structure *s, const struct ls_eos_config *cfg)
{
    const char *name = cfg->input ? cfg->input : "structure";
    if (!(s->pbc[0] && s->pbc[1] && s->pbc[2]))
        LS_ERROR(LS_ERR_INPUT, "%s: an equation of state needs a crystal periodic in all three directions", name);
    if (cfg->n_volumes < LS_EOS_MIN_POINTS || cfg->n_volumes > LS_EOS_MAX_VOLUMES)
        LS_ERROR(LS_ERR_INPUT, "equation of state: %d volumes; the Birch-Murnaghan fit needs %d to %d", cfg->n_volumes,
                 LS_EOS_MIN_POINTS, LS_EOS_MAX_VOLUMES);
    for (int i = 0; i < cfg->n_volumes; i++) {
        if (!(cfg->scales[i] >= 0.3 && cfg->scales[i] <= 3.0))
            LS_ERROR(LS_ERR_INPUT, "equation of state: volume fraction %g is not between 0.3 and 3 (V/V_in)",
                     cfg->scales[i]);
        for (int k = 0; k < i; k++)
            if (fabs(cfg->scales[k] - cfg->scales[i]) < 1e-9)
                LS_ERROR(LS_ERR_INPUT, "equation of state: volume fraction %g is given twice", cfg->scales[i]);
    }
    if (cfg->relax != LS_EOS_FIXED && cfg->relax != LS_EOS_RELAX_POSITIONS && cfg->relax != LS_EOS_RELAX_SHAPE)
        LS_ERROR(LS_ERR_INPUT, "equation of state: unknown relaxation mode %d", (int)cfg->relax);
    if (!(cfg->fmax_ev_a > 0) || !(cfg->stress_tol_gpa > 0) || cfg->relax_max_steps < 0 || cfg->relax_max_steps > 1000000)
        LS_ERROR(LS_ERR_INPUT, "equation of state: the relaxation thresholds must be positive (fmax %g eV/A, stress %g "
                 "GPa) and the steps between 0 and 1000000 (%d)", cfg->fmax_ev_a, cfg->stress_tol_gpa, cfg->relax_max_steps);
    return LS_OK;
}

/* The result's fixed part: the input, its identity, the arrays. */
static int setup(const ls_structure *s, const struct ls_eos_config *cfg, struct ls_eos_result *r)
{
    snprintf(r->input, sizeof r->input, "%s", cfg->input ? cfg->input : "structure");
    if (cfg->input_hash) {
        snprintf(r->input_hash, sizeof r->input_hash, "%s", cfg->input_hash);
    } else {
        uint64_t h = ls_fnv1a(LS_FNV1A_SEED, s->cell, sizeof s->cell);
        h = ls_fnv1a(h, s->pos, (size_t)s->n_atom * sizeof *s->pos);
        h = ls_fnv1a(h, s->species, (size_t)s->n_atom * sizeof *s->species);
        snprintf(r->input_hash, sizeof r->input_hash, "fnv1a64:%016llx", (unsigned long long)h);
    }
    LS_TRY(ls_structure_copy(s, &r->s_in));
    r->n_atom = s->n_atom;
    r->n = cfg->n_volumes;
    ls_structure_formula(s, 0, r->formula, sizeof r->formula);
    r->v_in_bohr3 = fabs(ls_cell_volume(s->cell));
    const double *a1 = s->cell[0];
    r->a1_bohr = sqrt(a1[0] * a1[0] + a1[1] * a1[1] + a1[2] * a1[2]);
    r->relax = cfg->relax;
    r->fmax_ev_a = cfg->fmax_ev_a;
    r->stress_tol_gpa = cfg->stress_tol_gpa;
    r->relax_max_steps = cfg->relax_max_steps;
    const size_t n = (size_t)r->n, na = (size_t)r->n_atom;
    r->pt = calloc(n, sizeof *r->pt);
    r->forces = calloc(3 * n * na, sizeof *r->forces);
    r->cell = calloc(9 * n, sizeof *r->cell);
    r->pos = calloc(3 * n * na, sizeof *r->pos);
    if (!r->pt || !r->forces || !r->cell || !r->pos) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int i = 0; i < r->n; i++) r->pt[i].scale = cfg->scales[i];
    return LS_OK;
}

/* The status of a completed run: volumes not converged (LS_ERR_CONVERGENCE, listing them in two
 * groups: calculations that did not converge, relaxations that ran out of steps), else the fit's. */
static int final_status(const struct ls_eos_result *r, int fit_status, const char *fit_message)
{
    int n_bad = 0, n_list[2] = {0, 0};
    char list[2][256] = {"", ""};
    for (int i = 0; i < r->n; i++) {
        if (r->pt[i].converged) continue;
        int k = r->pt[i].relax_stop == LS_EOS_RELAX_MAX_STEPS;
        size_t used = strlen(list[k]);
        char sc[32];
        if (used + 16 < sizeof list[k])
            snprintf(list[k] + used, sizeof list[k] - used, "%s%s", n_list[k] ? ", " : "",
                     ls_eos_scale_text(r->pt[i].scale, sc));
        n_list[k]++;
        n_bad++;
    }
    if (n_bad && fit_status != LS_OK) ls_log_warn("no Birch-Murnaghan fit: %s", fit_message);
    if (n_bad) {
        char what[900] = "";
        if (n_list[0])
            snprintf(what, sizeof what, "the SCF did not converge at %d of %d volumes (V/V_in = %s)", n_list[0], r->n,
                     list[0]);
        if (n_list[1]) {
            size_t used = strlen(what);
            snprintf(what + used, sizeof what - used,
                     "%sthe relaxation did not converge within --relax-steps %d at %d of %d volumes (V/V_in = %s; a "
                     "rerun with --restart and more --relax-steps continues them)",
                     used ? ", and " : "", r->relax_max_steps, n_list[1], r->n, list[1]);
        }
        LS_ERROR(LS_ERR_CONVERGENCE, "%s: they are left out of the fit%s", what,
                 r->has_fit ? "" : ", and too few remain for it");
    }
    if (fit_status != LS_OK) LS_ERROR(fit_status, "%s", fit_message);
    return LS_OK;
}

int ls_eos_run(const ls_structure *s_in, const ls_calc *calc, const struct ls_eos_config *cfg,
               struct ls_eos_result *r)
{
    const double t0 = ls_wall_time();
    memset(r, 0, sizeof *r);
    LS_TRY(check_config(s_in, cfg));
    LS_TRY(setup(s_in, cfg, r));
    const char *ckpt = cfg->checkpoint && cfg->checkpoint[0] ? cfg->checkpoint : NULL;
    if (cfg->restart && ckpt == NULL)
        LS_ERROR(LS_ERR_INPUT, "equation of state: a restart needs a checkpoint path");
    int loaded = 0;
    LS_TRY(open_checkpoint(ckpt, cfg->restart, r, &loaded));
    if (r->relax == LS_EOS_RELAX_POSITIONS)
        ls_log_info("relaxing the positions at each volume: fmax < %g eV/A, at most %d steps", r->fmax_ev_a,
                    r->relax_max_steps);
    else if (r->relax == LS_EOS_RELAX_SHAPE)
        ls_log_info("relaxing the positions and the cell shape at each volume (volume fixed): fmax < %g eV/A, "
                    "|deviatoric stress| < %g GPa, at most %d steps", r->fmax_ev_a, r->stress_tol_gpa, r->relax_max_steps);
    LS_TRY(compute_volumes(r, calc, ckpt, cfg->restart, loaded, cfg->verbose));
    r->completed = 1;
    int fit_status = fit_points(r);
    char fit_message[LS_ERROR_MESSAGE_MAX] = "";
    if (fit_status != LS_OK) snprintf(fit_message, sizeof fit_message, "%s", ls_error_message());
    r->wall_s = ls_wall_time() - t0;
    return final_status(r, fit_status, fit_message);
}
