/* The relaxation at one volume of the equation of state (LS_EOS_RELAX_POSITIONS and _SHAPE,
 * `lodestone eos --relax` and `--relax-shape`), with the relaxation driver of workflow/relax.h and
 * the calculator of the whole run (the DFT engine starts every SCF from the previous solution,
 * across steps and volumes).
 *
 * Positions: at the fixed, isotropically scaled cell.  Shape: the positions and the cell shape at
 * the fixed volume (workflow/relax.h, fixed_volume: det D = 1 exactly).
 * Symmetry of the scaled input kept, the net force removed (grid noise, as `lodestone relax`),
 * stress at every step (the pressure of the point).
 *
 * The relaxation's own checkpoint, EOS-CKPT.vNN.relax, is written after every step (rank 0), so
 * that a killed run does not repeat the finished steps of the volume it was in.  It is removed
 * once the volume has converged, and kept when it did not (too few --relax-steps, an SCF that
 * did not converge), so that a rerun with --restart continues that relaxation instead of starting
 * it again.  Its identity: the input's content, the volume, the mode and the optimiser settings
 * (the thresholds are in the EOS checkpoint's identity). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/units.h"
#include "workflow/eos_impl.h"
#include "workflow/relax.h"

const char *ls_eos_relax_name(enum ls_eos_relax mode)
{
    return mode == LS_EOS_RELAX_POSITIONS ? "positions" : mode == LS_EOS_RELAX_SHAPE ? "shape" : "fixed";
}

void eos_relax_checkpoint_path(const char *ckpt, int i, char *buf, size_t size)
{
    snprintf(buf, size, "%s.v%02d.relax", ckpt, i + 1);
}

void eos_relax_checkpoint_remove(const char *ckpt, int i)
{
    if (ckpt == NULL || ls_par_rank() != 0) return;
    char path[4200];
    eos_relax_checkpoint_path(ckpt, i, path, sizeof path);
    if (remove(path) != 0 && errno != ENOENT)
        ls_log_warn("cannot remove the relaxation checkpoint %s (%s): delete it by hand", path, strerror(errno));
}

/* The observer of the relaxation: the calculator's iterations summed over the steps, a line per
 * step. */
struct watch {
    const ls_calc *calc;
    int n_scf, i, n, verbose, shape;
};

static int watch_step(void *ctx, const struct ls_relax_step *st)
{
    struct watch *w = ctx;
    struct ls_calc_info info;
    ls_calc_last_info(w->calc, &info);
    w->n_scf += info.n_iter;
    if (w->verbose)
        ls_log_info("volume %d/%d: relaxation step %d: E = %.8f eV, fmax %.5f eV/A, %s %.4f GPa", w->i + 1, w->n,
                    st->step, st->energy * LS_HARTREE_EV, st->fmax_ev_a,
                    w->shape ? "largest |deviatoric stress|" : "P =", w->shape ? st->stress_dev_gpa : st->pressure_gpa);
    return LS_OK;
}

int eos_relax_volume(struct ls_eos_result *r, int i, const ls_calc *calc, ls_structure *s, const char *ckpt,
                     int restart, int verbose)
{
    struct ls_eos_point *pt = &r->pt[i];
    const int shape = r->relax == LS_EOS_RELAX_SHAPE;
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.fmax_ev_a = r->fmax_ev_a;
    cfg.max_steps = r->relax_max_steps;
    cfg.relax_cell = cfg.fixed_volume = shape;
    if (shape) cfg.stress_tol_gpa = r->stress_tol_gpa;
    cfg.want_stress = 1;      /* the point's pressure */
    cfg.remove_net_force = 1; /* the net force of a plane-wave calculation is grid noise */
    cfg.log_every = 0;
    struct watch w = {calc, 0, i, r->n, verbose, shape};
    cfg.observer = watch_step;
    cfg.observer_ctx = &w;
    char path[4200], identity[1024];
    if (ckpt) {
        eos_relax_checkpoint_path(ckpt, i, path, sizeof path);
        cfg.checkpoint = path;
        cfg.restart = restart;
        snprintf(identity, sizeof identity,
                 "input: content %s\neos volume: %d of %d, V/V_in %.17g\nrelax: %s\noptimizer: %s\nmax-step: %.17g A\n"
                 "symmetry: symprec %.17g A", r->input_hash, i + 1, r->n, pt->scale, ls_eos_relax_name(r->relax),
                 cfg.optimizer, cfg.max_step_a, cfg.symprec_a);
        cfg.identity = identity;
    }
    struct ls_relax_result res;
    const double t0 = ls_wall_time();
    int status = ls_relax_run(s, calc->compute, calc->ctx, &cfg, &res);
    const double wall = ls_wall_time() - t0;
    if (status != LS_OK && status != LS_ERR_CONVERGENCE) {
        if (status != LS_ERR_INTERRUPTED) ls_error_prefix("the relaxation at volume %d/%d: ", i + 1, r->n);
        ls_relax_result_free(&res);
        return status;
    }
    pt->done = 1;
    pt->converged = status == LS_OK;
    pt->relax_stop = status == LS_OK                      ? LS_EOS_RELAX_DONE
                     : res.stop == LS_RELAX_MAX_STEPS     ? LS_EOS_RELAX_MAX_STEPS
                                                          : LS_EOS_RELAX_SCF_FAILED;
    pt->relax_steps = res.n_steps;
    pt->relax_restart_step = res.restarted ? res.start_step : 0;
    pt->n_iter = w.n_scf;
    pt->wall_s = wall;
    double *forces = r->forces + 3 * (size_t)r->n_atom * i;
    if (res.has_step) {
        /* s holds the last good step: its geometry, the calculator's forces, the symmetrised stress. */
        pt->energy_ha = res.energy;
        memcpy(pt->stress, res.stress, sizeof pt->stress);
        pt->pressure_ha_bohr3 = -(res.stress[0][0] + res.stress[1][1] + res.stress[2][2]) / 3.0;
        pt->relax_fmax_ev_a = res.fmax_ev_a;
        pt->relax_stress_dev_gpa = shape ? res.stress_dev_gpa : 0.0;
        memcpy(forces, s->forces, 3 * (size_t)r->n_atom * sizeof *forces);
    } else {
        /* No SCF of the relaxation converged, not even the first: nothing to report. */
        pt->energy_ha = pt->pressure_ha_bohr3 = pt->relax_fmax_ev_a = NAN;
        pt->relax_stress_dev_gpa = 0.0;
        memset(pt->stress, 0, sizeof pt->stress);
        memset(forces, 0, 3 * (size_t)r->n_atom * sizeof *forces);
    }
    pt->volume_bohr3 = fabs(ls_cell_volume(s->cell));
    eos_point_set_geometry(r, i, s);
    ls_relax_result_free(&res);
    if (status != LS_OK) ls_error_clear();
    return status;
}
