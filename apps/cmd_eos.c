/* lodestone eos: energies at a series of isotropically scaled cells and the third-order
 * Birch-Murnaghan fit (workflow/eos_fit.h), with a checkpoint after every volume so that a killed run
 * continues with --restart.  The state, checkpoint and outputs: apps/eos_run.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apps/cli.h"
#include "apps/eos_run.h"
#include "workflow/eos_fit.h"
#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "workflow/relax.h"
#include "common/stop.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/calc.h"
#include "dft/dft.h"


static const struct cli_option opts[] = {
    {"volumes", 0, CLI_VALUE, "LIST",
     "volumes as fractions of the input cell's, comma-separated (default 0.94,0.96,0.98,1.00,1.02,1.04,1.06)"},
    {"json", 'j', CLI_VALUE, "FILE", "write points and fit as JSON ('-': stdout)"},
    {"csv", 0, CLI_VALUE, "FILE", "write the points as CSV"},
    {"plot", 'p', CLI_VALUE, "FILE", "plot E(V) with the fit to FILE.svg or FILE.png (gnuplot; its script beside it, .gp)"},
    {"xyz", 'x', CLI_VALUE, "FILE", "append an extended-XYZ frame per converged volume (energy, forces, stress)"},
    {"checkpoint", 0, CLI_VALUE, "FILE",
     "checkpoint (default: JSON-STEM.eos.ckpt beside --json, else INPUT-STEM.eos.ckpt here; 'none': none)"},
    {"restart", 0, CLI_FLAG, NULL, "take the finished volumes from the checkpoint (none there: start afresh)"},
    {"relax", 0, CLI_FLAG, NULL, "relax the atomic positions at each volume (cell fixed, symmetry kept)"},
    {"relax-shape", 0, CLI_FLAG, NULL, "relax the positions and the cell shape at each volume (volume fixed: c/a, ...)"},
    {"fmax", 0, CLI_VALUE, "EV_A", "relaxations: force threshold, norm per atom (default 0.01 eV/A, as relax)"},
    {"stress-tol", 0, CLI_VALUE, "GPA", "--relax-shape: threshold on every deviatoric stress component (default 0.05 GPa)"},
    {"relax-steps", 0, CLI_VALUE, "N", "relaxations: maximum optimiser steps per volume (default 200)"},
    {"threads", 't', CLI_VALUE, "N", "OpenMP threads (default: OMP_NUM_THREADS or all cores)"},
    {"pools", 0, CLI_VALUE, "N", "MPI: k-point pools, as for 'lodestone scf' (default: one per process, at most one per k-point and spin)"},
    {"verbose", 'v', CLI_FLAG, NULL, "log every SCF iteration (and relaxation step) as well"},
    {"quiet", 'q', CLI_FLAG, NULL, "only warnings and errors on stderr"},
    {NULL, 0, 0, NULL, NULL},
};

static const double acwf_scales[] = {0.94, 0.96, 0.98, 1.00, 1.02, 1.04, 1.06};

/* "0.94,0.96,..." -> fractions, checked. */
static int parse_volumes(const char *text, double *scales, int *n)
{
    *n = 0;
    if (text == NULL) {
        *n = (int)(sizeof acwf_scales / sizeof acwf_scales[0]);
        memcpy(scales, acwf_scales, sizeof acwf_scales);
        return LS_OK;
    }
    char buf[4096];
    if (strlen(text) >= sizeof buf) LS_ERROR(LS_ERR_USAGE, "--volumes: the list is too long (at most %d volumes)", EOS_MAX_VOLUMES);
    strcpy(buf, text);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        double s;
        if (ls_parse_double(tok, &s) != 0)
            LS_ERROR(LS_ERR_USAGE, "--volumes: '%s' is not a number (give fractions of the input cell's volume, e.g. "
                                   "--volumes 0.94,0.97,1.00,1.03,1.06)", tok);
        if (!(s >= 0.3 && s <= 3.0))
            LS_ERROR(LS_ERR_USAGE, "--volumes: %s is not a fraction of the input volume between 0.3 and 3 (give "
                                   "V/V_in, e.g. 0.94, not a volume in A^3)", tok);
        for (int i = 0; i < *n; i++)
            if (fabs(scales[i] - s) < 1e-9) LS_ERROR(LS_ERR_USAGE, "--volumes: %s is given twice", tok);
        if (*n >= EOS_MAX_VOLUMES) LS_ERROR(LS_ERR_USAGE, "--volumes: at most %d volumes", EOS_MAX_VOLUMES);
        scales[(*n)++] = s;
    }
    if (*n < LS_EOS_MIN_POINTS)
        LS_ERROR(LS_ERR_USAGE, "--volumes: the Birch-Murnaghan fit needs at least %d volumes, got %d", LS_EOS_MIN_POINTS, *n);
    return LS_OK;
}

/* PATH without its extension, plus `suffix`. */
static void stem_with(const char *path, const char *suffix, char *out, size_t size)
{
    const char *base = ls_path_basename(path);
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - path) : (int)strlen(path);
    snprintf(out, size, "%.*s%s", len, path, suffix);
}

/* A volume fraction with at least two decimals: "0.94", "1.00", "0.955". */
static const char *scale_text(double scale, char buf[32])
{
    snprintf(buf, 32, "%.6f", scale);
    const char *dot = strchr(buf, '.');
    size_t len = strlen(buf);
    while (dot && len > (size_t)(dot - buf) + 3 && buf[len - 1] == '0') buf[--len] = '\0';
    return buf;
}

/* ", 4 relaxation steps (fmax 0.0031 eV/A)" and the like, for a relaxed point's log line. */
static void relax_text(const struct eos_run *r, int i, char *buf, size_t size)
{
    const struct eos_point *p = &r->pt[i];
    buf[0] = '\0';
    if (r->relax == EOS_RELAX_NONE) return;
    int w = 0;
    if (p->relax_stop == EOS_RELAX_DONE)
        w = snprintf(buf, size, ", %d relaxation steps (fmax %.4f eV/A", p->relax_steps, p->relax_fmax_ev_a);
    else if (p->relax_stop == EOS_RELAX_MAX_STEPS)
        w = snprintf(buf, size, ", relaxation NOT converged in %d steps (fmax %.4f eV/A, threshold %g", p->relax_steps,
                     p->relax_fmax_ev_a, r->fmax_ev_a);
    else
        w = snprintf(buf, size, ", SCF NOT converged at relaxation step %d (%s", p->relax_steps + (isfinite(p->energy_ha) ? 1 : 0),
                     isfinite(p->energy_ha) ? "the point is the last good step" : "no step converged");
    if (w < 0 || (size_t)w >= size) return;
    if (r->relax == EOS_RELAX_SHAPE && p->relax_stop != EOS_RELAX_SCF_FAILED && isfinite(p->energy_ha)) {
        double cell[3][3], len[3], ang[3];
        memcpy(cell, r->cell + 9 * (size_t)i, sizeof cell);
        ls_cell_parameters(cell, len, ang);
        w += snprintf(buf + w, size - (size_t)w, ", |deviatoric stress| %.4f GPa%s, a b c = %.4f %.4f %.4f A",
                      p->relax_stress_dev_gpa, p->relax_stop == EOS_RELAX_MAX_STEPS ? " (threshold)" : "",
                      len[0] * LS_BOHR_ANGSTROM, len[1] * LS_BOHR_ANGSTROM, len[2] * LS_BOHR_ANGSTROM);
        if (w < 0 || (size_t)w >= size) return;
    }
    if (p->relax_restart_step > 0)
        w += snprintf(buf + w, size - (size_t)w, "; continued from step %d of its checkpoint", p->relax_restart_step);
    if (w >= 0 && (size_t)w < size) snprintf(buf + w, size - (size_t)w, ")");
}

static void log_point(const struct eos_run *r, int i, const char *what)
{
    const struct eos_point *p = &r->pt[i];
    double v = eos_volume_a3_per_atom(r, p), e = eos_energy_ev_per_atom(r, p), pr = p->pressure_ha_bohr3 * LS_HA_BOHR3_GPA;
    char sc[32], rx[400];
    scale_text(p->scale, sc);
    relax_text(r, i, rx, sizeof rx);
    if (what)
        ls_log_info("volume %d/%d: %s: %s V_in = %.4f A^3/atom, E = %.6f eV/atom, P = %.2f GPa", i + 1, r->n, what, sc, v,
                    e, pr);
    else if (p->converged)
        ls_log_info("volume %d/%d: %s V_in = %.4f A^3/atom, E = %.6f eV/atom, P = %.2f GPa%s, %d SCF iterations, %.1f s",
                    i + 1, r->n, sc, v, e, pr, rx, p->n_iter, p->wall_s);
    else if (r->relax == EOS_RELAX_NONE)
        ls_log_warn("volume %d/%d: %s V_in = %.4f A^3/atom, E = %.6f eV/atom, P = %.2f GPa, SCF NOT converged after %d "
                    "iterations, %.1f s: left out of the fit", i + 1, r->n, sc, v, e, pr, p->n_iter, p->wall_s);
    else
        ls_log_warn("volume %d/%d: %s V_in = %.4f A^3/atom, E = %.6f eV/atom, P = %.2f GPa%s, %d SCF iterations in all, "
                    "%.1f s: left out of the fit%s", i + 1, r->n, sc, v, e, pr, rx, p->n_iter, p->wall_s,
                    p->relax_stop == EOS_RELAX_MAX_STEPS ? " (a rerun with --restart and more --relax-steps continues "
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
static int checkpoint_write(const char *ckpt, const struct eos_run *r)
{
    int status = ls_par_rank() == 0 ? eos_checkpoint_write(ckpt, r) : LS_OK;
    return ls_comm_agree(ls_comm_world(), status);
}

/* Volume i with fixed fractional positions: one SCF of the scaled cell s.  Returns as
 * dft_calc_compute (LS_ERR_CONVERGENCE: the point is filled and recorded as not converged). */
static int compute_fixed(struct eos_run *r, int i, dft_calc *calc, const ls_structure *s)
{
    struct eos_point *pt = &r->pt[i];
    double *forces = r->forces + 3 * (size_t)r->n_atom * i;
    double energy, stress[3][3];
    double t0 = ls_wall_time();
    int cs = dft_calc_compute(calc, s, &energy, (double(*)[3])forces, stress);
    if (cs != LS_OK && cs != LS_ERR_CONVERGENCE) return cs;
    const dft_result *res = dft_calc_result(calc);
    pt->volume_bohr3 = fabs(ls_cell_volume(s->cell));
    pt->energy_ha = energy;
    memcpy(pt->stress, stress, sizeof stress);
    pt->pressure_ha_bohr3 = -(stress[0][0] + stress[1][1] + stress[2][2]) / 3.0;
    pt->converged = cs == LS_OK;
    pt->n_iter = res->n_iter;
    pt->wall_s = ls_wall_time() - t0;
    pt->done = 1;
    eos_point_set_geometry(r, i, s);
    if (cs != LS_OK) ls_error_clear();
    return cs;
}

/* The SCF (or relaxation) of every volume not done yet, the checkpoint after each.  With MPI every
 * process runs this loop, and the SCF of each volume is shared among them (dft/scf/dist.h): the points
 * come out bit-identical on every process.  relax_restart: continue the relaxation checkpoints of
 * volumes under way (only when the EOS checkpoint was loaded: a fresh run starts them anew).
 * restart (--restart): the first SCF starts from the state a stop left in CKPT.scf, if any (any
 * state is a valid start: only the path to the same answer changes). */
static int compute_volumes(struct eos_run *r, const dft_params *p, const char *ckpt, int restart, int relax_restart,
                           int verbose)
{
    char scf_ckpt[4200] = "";
    if (ckpt) snprintf(scf_ckpt, sizeof scf_ckpt, "%s.scf", ckpt);
    int status = LS_OK;
    dft_calc *calc = NULL;
    ls_structure *s = NULL;
    int n_done = 0, sig = 0, under_way = -1;
    for (int i = 0; i < r->n; i++) {
        struct eos_point *pt = &r->pt[i];
        if (pt->done && pt->converged) {
            log_point(r, i, "from the checkpoint");
            if (r->relax != EOS_RELAX_NONE) eos_relax_checkpoint_remove(ckpt, i); /* left by a kill at the wrong moment */
            n_done++;
            continue;
        }
        /* A volume the checkpoint has as not converged is computed again: from another start
         * (atomic, or a neighbour's solution) its SCF may converge; a relaxation continues from its
         * own checkpoint (kept for that). */
        if (pt->done) {
            char sc[32];
            ls_log_info("volume %d/%d: %s V_in is not converged in the checkpoint: computing it again", i + 1, r->n,
                        scale_text(pt->scale, sc));
            pt->done = 0;
            pt->from_checkpoint = 0;
        }
        if ((sig = stop_agreed()) != 0) break;
        if (calc == NULL) {
            LS_TRY_GOTO(status, dft_calc_create(p, &calc), done);
            LS_TRY_GOTO(status, dft_calc_set_checkpoint(calc, scf_ckpt, restart), done);
            LS_TRY_GOTO(status, ls_structure_copy(r->s_in, &s), done);
        }
        eos_structure_scaled(r->s_in, pt->scale, s);
        enum ls_log_level level = ls_log_get_level();
        if (!verbose && level > LS_LOG_WARN) ls_log_set_level(LS_LOG_WARN);
        under_way = i;
        int cs = r->relax == EOS_RELAX_NONE ? compute_fixed(r, i, calc, s)
                                            : eos_relax_volume(r, i, calc, s, ckpt, relax_restart, verbose);
        ls_log_set_level(level);
        if (cs != LS_OK && cs != LS_ERR_CONVERGENCE) {
            status = cs;
            if (cs != LS_ERR_INTERRUPTED) {
                char saved[LS_ERROR_MESSAGE_MAX], sc[32];
                snprintf(saved, sizeof saved, "%s", ls_error_message());
                /* A grid fixed by the input (fft_grid, nr1-3) must fit every volume's cutoff sphere. */
                const char *hint = strstr(saved, "FFT grid") && p->fft[0] > 0
                                       ? " (the input fixes the FFT grid for every volume: remove fft_grid / nr1-3 to "
                                         "let each volume choose its own)"
                                       : "";
                ls_error_set(cs, __FILE__, __LINE__, "%s: volume %d/%d (%s V_in): %s%s", r->input, i + 1, r->n,
                             scale_text(pt->scale, sc), saved, hint);
            }
            goto done;
        }
        under_way = -1;
        if (ckpt) LS_TRY_GOTO(status, checkpoint_write(ckpt, r), done);
        /* The relaxation's checkpoint goes once the volume is in the EOS checkpoint, converged. */
        if (r->relax != EOS_RELAX_NONE && pt->converged) eos_relax_checkpoint_remove(ckpt, i);
        n_done++;
        log_point(r, i, NULL);
    }
done:
    if (status == LS_OK && sig == 0) sig = stop_agreed();
    if (status == LS_OK && sig != 0) status = LS_ERR_INTERRUPTED;
    if (status == LS_ERR_INTERRUPTED) {
        if (sig == 0) sig = ls_stop_requested();
        char partial[8800] = "";
        if (ckpt && r->relax != EOS_RELAX_NONE && under_way >= 0) {
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
    dft_calc_destroy(calc);
    return status;
}

/* The fit of the converged points (eV/atom, Å^3/atom).  Returns the status the run should end
 * with because of the fit (LS_OK, or the fit's error with its message recorded). */
static int fit_points(struct eos_run *r)
{
    double v[EOS_MAX_VOLUMES], e[EOS_MAX_VOLUMES];
    int m = 0;
    for (int i = 0; i < r->n; i++) {
        if (!r->pt[i].done || !r->pt[i].converged) continue;
        v[m] = eos_volume_a3_per_atom(r, &r->pt[i]);
        e[m] = eos_energy_ev_per_atom(r, &r->pt[i]);
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

static void print_summary(FILE *out, const struct eos_run *r)
{
    static const char *const how[] = {"fixed fractional positions", "positions relaxed at each volume",
                                      "positions and cell shape relaxed at each volume"};
    const int rx = r->relax != EOS_RELAX_NONE, shape = r->relax == EOS_RELAX_SHAPE;
    fprintf(out, "%s: equation of state of %s (%d atoms), %d volumes, %s\n", r->input, r->formula, r->n_atom, r->n,
            how[r->relax]);
    fprintf(out, "  %7s %14s %18s %12s", "V/V_in", "V (A^3/atom)", "E (eV/atom)", "P (GPa)");
    if (rx) fprintf(out, " %5s %11s", "steps", "fmax (eV/A)");
    if (shape) fprintf(out, " %9s %9s", "b/a", "c/a");
    fprintf(out, " %5s %9s\n", "SCF", "time (s)");
    for (int i = 0; i < r->n; i++) {
        const struct eos_point *p = &r->pt[i];
        fprintf(out, "  %7.4f %14.6f %18.8f %12.4f", p->scale, eos_volume_a3_per_atom(r, p), eos_energy_ev_per_atom(r, p),
                p->pressure_ha_bohr3 * LS_HA_BOHR3_GPA);
        if (rx) fprintf(out, " %5d %11.6f", p->relax_steps, p->relax_fmax_ev_a);
        if (shape) {
            double cell[3][3], len[3], ang[3];
            memcpy(cell, r->cell + 9 * (size_t)i, sizeof cell);
            ls_cell_parameters(cell, len, ang);
            fprintf(out, " %9.6f %9.6f", len[1] / len[0], len[2] / len[0]);
        }
        fprintf(out, " %5d %9.2f%s\n", p->n_iter, p->wall_s,
                !p->converged ? (p->relax_stop == EOS_RELAX_MAX_STEPS ? "  relaxation NOT converged" : "  NOT converged")
                : p->from_checkpoint ? "  (checkpoint)"
                                     : "");
    }
    if (!r->has_fit) {
        fprintf(out, "no Birch-Murnaghan fit (see the messages on stderr)\n");
    } else {
        const struct ls_eos_bm3 *f = &r->fit;
        double a0 = eos_a0_angstrom(r);
        fprintf(out, "third-order Birch-Murnaghan fit of %d converged volumes (errors: standard errors of the fit):\n",
                f->n_points);
        fprintf(out, "  V0 = %.6f +- %.6f A^3/atom\n", f->v0, f->v0_err);
        fprintf(out, "  a0 = %.6f +- %.6f A (|a1| at V0%s)\n", a0, a0 * f->v0_err / (3.0 * f->v0),
                shape ? ", of the input cell's shape" : "");
        double len[3], ang[3];
        int n_used = 0;
        if (eos_lattice_at_v0(r, len, ang, &n_used) == LS_OK) {
            char from[96] = "the input cell scaled";
            if (n_used) snprintf(from, sizeof from, "quadratic fit in V of the %d relaxed cells", n_used);
            fprintf(out, "  lattice at V0: a b c = %.6f %.6f %.6f A, alpha beta gamma = %.4f %.4f %.4f deg (%s)\n",
                    len[0], len[1], len[2], ang[0], ang[1], ang[2], from);
        }
        fprintf(out, "  B0 = %.4f +- %.4f GPa\n", f->b0 * LS_EV_PER_A3_GPA, f->b0_err * LS_EV_PER_A3_GPA);
        fprintf(out, "  B1 = %.4f +- %.4f\n", f->b1, f->b1_err);
        fprintf(out, "  E0 = %.8f eV/atom\n", f->e0);
        fprintf(out, "  rms residual %.4f meV/atom\n", f->rms_residual * 1e3);
    }
    fprintf(out, "  wall time %.2f s\n", r->wall_s);
}

/* The checkpoint before the loop: load it (--restart), or say that it will be replaced.  With
 * MPI rank 0 reads and writes the file and sends the loaded volumes to the other processes.
 * *loaded: 1 when an existing checkpoint was taken (then the volumes' relaxation checkpoints are
 * continued too; a fresh run removes any left from an earlier run). */
static int open_checkpoint(const char *ckpt, int restart, struct eos_run *r, int *loaded)
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
        if (status == LS_OK && !*loaded && r->relax != EOS_RELAX_NONE)
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

/* Rank 0 writes (the caller agrees on the status). */
static int write_outputs(const struct cli_args *a, const struct eos_run *r)
{
    if (ls_par_rank() != 0) return LS_OK;
    const char *json = cli_get(a, opts, "json"), *csv = cli_get(a, opts, "csv");
    const char *plot = cli_get(a, opts, "plot"), *xyz = cli_get(a, opts, "xyz");
    if (json) LS_TRY(eos_write_json(json, r));
    if (csv) LS_TRY(eos_write_csv(csv, r));
    if (xyz) LS_TRY(eos_append_xyz(xyz, r));
    if (plot) LS_TRY(eos_plot(plot, r));
    return LS_OK;
}

/* --relax, --relax-shape and their thresholds into r (checked). */
static int read_relax_options(const struct cli_args *a, struct eos_run *r)
{
    const int shape = cli_get(a, opts, "relax-shape") != NULL;
    r->relax = shape ? EOS_RELAX_SHAPE : cli_get(a, opts, "relax") ? EOS_RELAX_POSITIONS : EOS_RELAX_NONE;
    struct ls_relax_config def;
    ls_relax_config_default(&def); /* the defaults of `lodestone relax` */
    long steps = 0;
    LS_TRY(cli_get_double(a, opts, "fmax", def.fmax_ev_a, &r->fmax_ev_a));
    LS_TRY(cli_get_double(a, opts, "stress-tol", def.stress_tol_gpa, &r->stress_tol_gpa));
    LS_TRY(cli_get_int(a, opts, "relax-steps", def.max_steps, &steps));
    const char *needs_relax[] = {"fmax", "relax-steps"};
    for (int k = 0; k < 2; k++)
        if (r->relax == EOS_RELAX_NONE && cli_get(a, opts, needs_relax[k]))
            LS_ERROR(LS_ERR_USAGE, "--%s needs --relax or --relax-shape (fractional positions are fixed otherwise)",
                     needs_relax[k]);
    if (!shape && cli_get(a, opts, "stress-tol"))
        LS_ERROR(LS_ERR_USAGE, "--stress-tol needs --relax-shape (only a shape relaxation converges on the stress)");
    if (!(r->fmax_ev_a > 0)) LS_ERROR(LS_ERR_USAGE, "--fmax must be positive (eV/A), got %g", r->fmax_ev_a);
    if (!(r->stress_tol_gpa > 0))
        LS_ERROR(LS_ERR_USAGE, "--stress-tol must be positive (GPa), got %g", r->stress_tol_gpa);
    if (steps < 0 || steps > 1000000) LS_ERROR(LS_ERR_USAGE, "--relax-steps must be between 0 and 1000000, got %ld", steps);
    r->relax_max_steps = (int)steps;
    return LS_OK;
}

static int run_eos(const struct cli_args *a, const dft_params *p, const double *scales, int n, double t_start)
{
    struct eos_run r;
    memset(&r, 0, sizeof r);
    LS_TRY(read_relax_options(a, &r));
    r.input = a->pos[0];
    r.s_in = p->structure;
    r.n_atom = p->structure->n_atom;
    r.n = n;
    ls_structure_formula(p->structure, 0, r.formula, sizeof r.formula);
    r.v_in_bohr3 = fabs(ls_cell_volume(p->structure->cell));
    const double *a1 = p->structure->cell[0];
    r.a1_bohr = sqrt(a1[0] * a1[0] + a1[1] * a1[1] + a1[2] * a1[2]);
    LS_TRY(eos_input_hash(r.input, r.input_hash));
    r.pt = calloc((size_t)n, sizeof *r.pt);
    r.forces = calloc(3 * (size_t)n * (size_t)r.n_atom, sizeof *r.forces);
    r.cell = calloc(9 * (size_t)n, sizeof *r.cell);
    r.pos = calloc(3 * (size_t)n * (size_t)r.n_atom, sizeof *r.pos);
    int status = LS_OK;
    if (!r.pt || !r.forces || !r.cell || !r.pos) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int i = 0; i < n; i++) r.pt[i].scale = scales[i];

    /* The checkpoint path: --checkpoint, else beside the JSON output, else from the input's name here. */
    char ckpt_buf[4096];
    const char *ck_opt = cli_get(a, opts, "checkpoint"), *json = cli_get(a, opts, "json");
    const char *ckpt = ckpt_buf;
    if (ck_opt && strcmp(ck_opt, "none") == 0) ckpt = NULL;
    else if (ck_opt) snprintf(ckpt_buf, sizeof ckpt_buf, "%s", ck_opt);
    else if (json && strcmp(json, "-") != 0) stem_with(json, ".eos.ckpt", ckpt_buf, sizeof ckpt_buf);
    else stem_with(ls_path_basename(r.input), ".eos.ckpt", ckpt_buf, sizeof ckpt_buf);
    int restart = cli_get(a, opts, "restart") != NULL;
    if (restart && ckpt == NULL) LS_ERROR_GOTO(status, LS_ERR_USAGE, done, "--restart needs a checkpoint (not --checkpoint none)");
    int loaded = 0;
    LS_TRY_GOTO(status, open_checkpoint(ckpt, restart, &r, &loaded), done);
    if (r.relax == EOS_RELAX_POSITIONS)
        ls_log_info("relaxing the positions at each volume: fmax < %g eV/A, at most %d steps", r.fmax_ev_a,
                    r.relax_max_steps);
    else if (r.relax == EOS_RELAX_SHAPE)
        ls_log_info("relaxing the positions and the cell shape at each volume (volume fixed): fmax < %g eV/A, "
                    "|deviatoric stress| < %g GPa, at most %d steps", r.fmax_ev_a, r.stress_tol_gpa, r.relax_max_steps);

    ls_stop_install();
    LS_TRY_GOTO(status, compute_volumes(&r, p, ckpt, restart, loaded, cli_get(a, opts, "verbose") != NULL), done);

    int fit_status = fit_points(&r);
    char fit_message[LS_ERROR_MESSAGE_MAX] = "";
    if (fit_status != LS_OK) snprintf(fit_message, sizeof fit_message, "%s", ls_error_message());
    r.wall_s = ls_wall_time() - t_start;
    FILE *out = json && strcmp(json, "-") == 0 ? stderr : stdout;
    if (ls_par_rank() == 0) print_summary(out, &r);
    LS_TRY_GOTO(status, ls_comm_agree(ls_comm_world(), write_outputs(a, &r)), done);

    /* Exit status: volumes not converged (1), else a failed fit (its code).  Two lists: SCFs that
     * did not converge, relaxations that ran out of steps. */
    int n_bad = 0, n_list[2] = {0, 0};
    char list[2][256] = {"", ""};
    for (int i = 0; i < n; i++) {
        if (r.pt[i].converged) continue;
        int k = r.pt[i].relax_stop == EOS_RELAX_MAX_STEPS;
        size_t used = strlen(list[k]);
        char sc[32];
        if (used + 16 < sizeof list[k])
            snprintf(list[k] + used, sizeof list[k] - used, "%s%s", n_list[k] ? ", " : "", scale_text(r.pt[i].scale, sc));
        n_list[k]++;
        n_bad++;
    }
    if (n_bad && fit_status != LS_OK) ls_log_warn("no Birch-Murnaghan fit: %s", fit_message);
    if (n_bad) {
        char what[900] = "";
        if (n_list[0])
            snprintf(what, sizeof what, "the SCF did not converge at %d of %d volumes (V/V_in = %s)", n_list[0], n, list[0]);
        if (n_list[1]) {
            size_t used = strlen(what);
            snprintf(what + used, sizeof what - used,
                     "%sthe relaxation did not converge within --relax-steps %d at %d of %d volumes (V/V_in = %s; a "
                     "rerun with --restart and more --relax-steps continues them)",
                     used ? ", and " : "", r.relax_max_steps, n_list[1], n, list[1]);
        }
        LS_ERROR_GOTO(status, LS_ERR_CONVERGENCE, done,
                      "%s: they are left out of the fit%s; the results are written", what,
                      r.has_fit ? "" : ", and too few remain for it");
    }
    if (fit_status != LS_OK) LS_ERROR_GOTO(status, fit_status, done, "%s", fit_message);
done:
    free(r.pt);
    free(r.forces);
    free(r.cell);
    free(r.pos);
    return status;
}

int cmd_eos(int argc, char **argv)
{
    double t_start = ls_wall_time();
    struct cli_args a;
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("eos", "INPUT [--volumes 0.94,0.96,...] [--relax | --relax-shape] [--fmax EV_A] "
                              "[--stress-tol GPA] [--relax-steps N] [--json FILE] [--csv FILE] [--plot FILE.svg|.png] "
                              "[--xyz FILE] [--checkpoint FILE] [--restart] [--threads N]",
                       "Equation of state: the DFT energy and pressure of the input crystal scaled isotropically\n"
                       "to each volume (fractions of the input cell's volume, fractional positions fixed; by default\n"
                       "the ACWF protocol's seven, 0.94 ... 1.06), and the third-order Birch-Murnaghan fit: V0, B0,\n"
                       "B1 with standard errors, a0 = |a1| (V0/V_in)^(1/3).  INPUT is a DFT input as for\n"
                       "'lodestone scf' (YAML by extension .yaml/.yml, else pw.x).  The energy is the free energy\n"
                       "F = E - TS per atom.\n"
                       "--relax: at each volume the atomic positions are relaxed in the scaled cell (BFGS, symmetry of\n"
                       "the input kept, as 'lodestone relax') until every atom's force norm is below --fmax; the point's\n"
                       "energy is the relaxed one.  --relax-shape: the cell shape too, at fixed volume (pw.x's cell_dofree=\n"
                       "'shape': hcp c/a, tetragonal c/a), until every deviatoric stress component is below\n"
                       "--stress-tol.  A volume whose relaxation does not converge in --relax-steps is left out of the\n"
                       "fit, as an SCF that does not converge.\n"
                       "A checkpoint is written after every volume (and, when relaxing, after every relaxation step,\n"
                       "CKPT.vNN.relax); --restart takes the converged volumes from it (and starts afresh when there\n"
                       "is none), so a killed job loses at most one volume (one relaxation step).  SIGTERM/SIGINT\n"
                       "stop the run with its checkpoints written, and the state of the SCF under way in CKPT.scf,\n"
                       "where --restart continues it (exit code 3).  Exit code 1 when a volume's SCF or\n"
                       "relaxation does not converge (it is left out of the fit; the results are written) or the fit\n"
                       "fails; 2 for bad input, a foreign or corrupt checkpoint.  See dft/README.md, section\n"
                       "'Equation of state'.\n"
                       "MPI (a build with make MPI=1): mpirun -np N lodestone eos INPUT [--pools K] shares each\n"
                       "volume's (or relaxation step's) SCF over the processes as 'lodestone scf' does; rank 0 writes\n"
                       "the files.",
                       opts);
        return LS_OK;
    }
    if (a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "eos needs one input file (see lodestone eos --help)");
    if (cli_get(&a, opts, "quiet")) ls_log_set_level(LS_LOG_WARN);
    double scales[EOS_MAX_VOLUMES];
    int n;
    LS_TRY(parse_volumes(cli_get(&a, opts, "volumes"), scales, &n));
    const char *plot = cli_get(&a, opts, "plot");
    if (plot && strcmp(ls_path_extension(plot), "svg") != 0 && strcmp(ls_path_extension(plot), "png") != 0)
        LS_ERROR(LS_ERR_USAGE, "--plot %s: the image is chosen by the extension, .svg or .png", plot);
    int threads = 0, pools = 0;
    LS_TRY(cli_get_threads_pools(&a, opts, &threads, &pools));
    dft_params p;
    dft_params_init(&p);
    p.n_threads = threads;
    p.n_pools = pools;
    int status = dft_params_read(a.pos[0], &p);
    if (status == LS_OK) status = dft_params_check_single_point(&p, "lodestone eos"); /* not a relax input */
    if (status == LS_OK && !(p.structure->pbc[0] && p.structure->pbc[1] && p.structure->pbc[2]))
        status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__,
                              "%s: an equation of state needs a crystal periodic in all three directions", a.pos[0]);
    if (status == LS_OK) {
        p.compute_forces = p.compute_stress = 1;
        status = run_eos(&a, &p, scales, n, t_start);
    }
    dft_params_free(&p);
    return status;
}
