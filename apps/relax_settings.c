/* The settings of `lodestone relax` and the run's identity (see relax_settings.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "apps/relax_settings.h"
#include "common/checkpoint.h"
#include "common/err.h"
#include "common/log.h"
#include "common/units.h"

#define FROM_CLI "command line"
#define FROM_FILE "pw.x input"
#define FROM_QE_DEFAULT "pw.x default"
#define FROM_DEFAULT "default"

/* What the cell does: "fixed", "relaxed" or "shape at fixed volume". */
const char *relax_cell_text(const struct ls_relax_config *cfg)
{
    if (!cfg->relax_cell) return "fixed";
    return cfg->fixed_volume ? "shape at fixed volume" : "relaxed";
}

/* The run's identity: what a checkpoint must agree with to be continued. */
int relax_identity(const char *input, const char *model, const ls_structure *s, const struct ls_relax_config *cfg,
                   char *buf, size_t n)
{
    uint64_t h_in;
    LS_TRY(ls_file_fnv1a(input, &h_in));
    uint64_t h_s = ls_fnv1a(LS_FNV1A_SEED, s->cell, sizeof s->cell);
    h_s = ls_fnv1a(h_s, s->pos, (size_t)s->n_atom * sizeof *s->pos);
    h_s = ls_fnv1a(h_s, s->species, (size_t)s->n_atom * sizeof *s->species);
    char calc[256] = "calculator: dft";
    if (model) {
        uint64_t h_m;
        LS_TRY(ls_file_fnv1a(model, &h_m));
        snprintf(calc, sizeof calc, "calculator: potential with content fnv1a64 %016llx", (unsigned long long)h_m);
    }
    char sym[96] = "symmetry: off";
    if (cfg->use_symmetry) snprintf(sym, sizeof sym, "symmetry: symprec %.17g A", cfg->symprec_a);
    int w = snprintf(buf, n,
                     "input: content fnv1a64 %016llx, structure fnv1a64 %016llx\n%s\noptimizer: %s\ncell: %s\n"
                     "pressure: %.17g GPa\nmax-step: %.17g A\n%s",
                     (unsigned long long)h_in, (unsigned long long)h_s, calc, cfg->optimizer,
                     relax_cell_text(cfg), cfg->relax_cell ? cfg->pressure_gpa : 0.0, cfg->max_step_a, sym);
    if (w < 0 || (size_t)w >= n) LS_ERROR(LS_ERR_INTERNAL, "run identity too long");
    return LS_OK;
}

/* The settings of a pw.x relax / vc-relax input (req) as defaults, converted so that
 * Lodestone's tests are at least as strict as pw.x's (docs/relax.md):
 *   vc-relax        -> relax the cell; with cell_dofree = 'shape', its shape at fixed volume
 *   forc_conv_thr   -> fmax: pw.x bounds every Cartesian force component, Lodestone each
 *                      atom's force norm; |F_i| < f implies every |F_ia| < f, so the same
 *                      number (in eV/Å) is at least as strict
 *   press_conv_thr  -> stress_tol: pw.x's bfgs bounds every component of the stress minus
 *                      the target (its documentation says the pressure); so does Lodestone,
 *                      which implies |P - press| < press_conv_thr too
 *   press           -> pressure; etot_conv_thr -> energy_tol (the same test as pw.x's)
 *   nstep           -> max_steps = nstep - 1: pw.x stops after nstep SCF calculations,
 *                      Lodestone after max_steps optimiser steps, i.e. max_steps + 1 of them
 *   ion_dynamics    -> optimizer
 * Keys not in the file take pw.x's defaults (what pw.x would do with this file). */
static void file_settings(const struct dft_relax_request *req, struct ls_relax_config *cfg, struct relax_origins *o)
{
    const double ry_bohr = LS_RY_HARTREE * LS_HA_BOHR_EV_A, ry = LS_RY_HARTREE * LS_HARTREE_EV, kbar = 0.1;
    cfg->relax_cell = req->kind == DFT_RELAX_CELL;
    cfg->fixed_volume = cfg->relax_cell && req->fixed_volume;
    o->cell.from = FROM_FILE;
    snprintf(o->cell.detail, sizeof o->cell.detail, "calculation = '%s'%s", cfg->relax_cell ? "vc-relax" : "relax",
             cfg->fixed_volume ? ", cell_dofree = 'shape'" : "");
    cfg->optimizer = req->optimizer;
    o->optimizer.from = req->has_ion_dynamics ? FROM_FILE : FROM_QE_DEFAULT;
    snprintf(o->optimizer.detail, sizeof o->optimizer.detail, "ion_dynamics = '%s'", req->optimizer);
    cfg->fmax_ev_a = req->forc_conv_thr_ev_a;
    o->fmax.from = req->has_forc_conv_thr ? FROM_FILE : FROM_QE_DEFAULT;
    snprintf(o->fmax.detail, sizeof o->fmax.detail, "forc_conv_thr = %g Ry/bohr", req->forc_conv_thr_ev_a / ry_bohr);
    cfg->stress_tol_gpa = req->press_conv_thr_gpa;
    o->stress_tol.from = req->has_press_conv_thr ? FROM_FILE : FROM_QE_DEFAULT;
    snprintf(o->stress_tol.detail, sizeof o->stress_tol.detail, "press_conv_thr = %g kbar",
             req->press_conv_thr_gpa / kbar);
    cfg->pressure_gpa = req->press_gpa;
    o->pressure.from = req->has_press ? FROM_FILE : FROM_QE_DEFAULT;
    snprintf(o->pressure.detail, sizeof o->pressure.detail, "press = %g kbar", req->press_gpa / kbar);
    cfg->energy_tol_ev = req->etot_conv_thr_ev;
    o->energy_tol.from = req->has_etot_conv_thr ? FROM_FILE : FROM_QE_DEFAULT;
    snprintf(o->energy_tol.detail, sizeof o->energy_tol.detail, "etot_conv_thr = %g Ry", req->etot_conv_thr_ev / ry);
    cfg->max_steps = req->nstep - 1;
    o->steps.from = req->has_nstep ? FROM_FILE : FROM_QE_DEFAULT;
    snprintf(o->steps.detail, sizeof o->steps.detail, "nstep = %d SCF calculations", req->nstep);
}

/* The settings into cfg: Lodestone's defaults, then those of a pw.x relax / vc-relax input
 * (req, NULL for other inputs), then the command line, each noted in o. */
int relax_settings_read(const struct cli_args *a, const struct cli_option *opts, const struct dft_relax_request *req,
                        struct ls_relax_config *cfg, struct relax_origins *o)
{
    struct relax_origin def = {FROM_DEFAULT, ""};
    o->cell = o->optimizer = o->fmax = o->stress_tol = o->pressure = o->energy_tol = o->steps = def;
    if (req && req->kind != DFT_RELAX_NONE) file_settings(req, cfg, o);
    const struct relax_origin cli = {FROM_CLI, ""};
    long v = 0;
    LS_TRY(cli_get_double(a, opts, "fmax", cfg->fmax_ev_a, &cfg->fmax_ev_a));
    if (cli_get(a, opts, "fmax")) o->fmax = cli;
    LS_TRY(cli_get_double(a, opts, "stress-tol", cfg->stress_tol_gpa, &cfg->stress_tol_gpa));
    if (cli_get(a, opts, "stress-tol")) o->stress_tol = cli;
    LS_TRY(cli_get_double(a, opts, "pressure", cfg->pressure_gpa, &cfg->pressure_gpa));
    if (cli_get(a, opts, "pressure")) o->pressure = cli;
    LS_TRY(cli_get_double(a, opts, "energy-tol", cfg->energy_tol_ev, &cfg->energy_tol_ev));
    if (cli_get(a, opts, "energy-tol")) o->energy_tol = cli;
    LS_TRY(cli_get_double(a, opts, "max-step", cfg->max_step_a, &cfg->max_step_a));
    LS_TRY(cli_get_double(a, opts, "symprec", cfg->symprec_a, &cfg->symprec_a));
    LS_TRY(cli_get_int(a, opts, "steps", cfg->max_steps, &v));
    if (v < 0 || v > 1000000) LS_ERROR(LS_ERR_USAGE, "--steps must be between 0 and 1000000, got %ld", v);
    cfg->max_steps = (int)v;
    if (cli_get(a, opts, "steps")) o->steps = cli;
    if (cli_get(a, opts, "cell")) {
        cfg->relax_cell = 1;
        o->cell = cli;
    }
    if (cli_get(a, opts, "fixed-volume")) {
        if (!cfg->relax_cell)
            LS_ERROR(LS_ERR_USAGE, "--fixed-volume needs --cell (or a pw.x vc-relax input): it relaxes the cell's "
                                   "shape at the starting volume");
        cfg->fixed_volume = 1;
        o->cell = cli;
    }
    if (cfg->fixed_volume && cfg->pressure_gpa != 0.0)
        LS_ERROR(LS_ERR_USAGE, "--pressure %g GPa has no effect on a cell relaxed at fixed volume: remove "
                               "--pressure, or drop --fixed-volume (cell_dofree = 'shape') to relax the volume too",
                 cfg->pressure_gpa);
    cfg->use_symmetry = cli_get(a, opts, "no-symmetry") == NULL;
    const char *opt = cli_get(a, opts, "optimizer");
    if (opt) {
        if (ls_relax_optimizer_find(opt) == NULL)
            LS_ERROR(LS_ERR_USAGE, "--optimizer %s is unknown: use bfgs or fire", opt);
        cfg->optimizer = opt;
        o->optimizer = cli;
    }
    if (!(cfg->fmax_ev_a > 0)) LS_ERROR(LS_ERR_USAGE, "--fmax must be positive (eV/A), got %g", cfg->fmax_ev_a);
    if (!(cfg->stress_tol_gpa > 0)) LS_ERROR(LS_ERR_USAGE, "--stress-tol must be positive (GPa), got %g", cfg->stress_tol_gpa);
    if (!(cfg->energy_tol_ev >= 0))
        LS_ERROR(LS_ERR_USAGE, "--energy-tol must be >= 0 (eV; 0: no energy test), got %g", cfg->energy_tol_ev);
    if (!(cfg->max_step_a > 0)) LS_ERROR(LS_ERR_USAGE, "--max-step must be positive (A), got %g", cfg->max_step_a);
    if (!(cfg->symprec_a > 0)) LS_ERROR(LS_ERR_USAGE, "--symprec must be positive (A), got %g", cfg->symprec_a);
    if (cli_get(a, opts, "pressure") && !cfg->relax_cell)
        LS_ERROR(LS_ERR_USAGE, "--pressure needs --cell (a target pressure acts on the cell)");
    if (cli_get(a, opts, "stress-tol") && !cfg->relax_cell)
        LS_ERROR(LS_ERR_USAGE, "--stress-tol needs --cell (positions-only runs converge on forces)");
    return LS_OK;
}

static const char *origin_text(const struct relax_origin *o, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s", o->from, o->detail[0] && strcmp(o->from, FROM_CLI) ? ": " : "",
             strcmp(o->from, FROM_CLI) ? o->detail : "");
    return buf;
}

/* One log line: every setting and where it came from. */
void relax_settings_log(const struct ls_relax_config *cfg, const struct relax_origins *o)
{
    char c[7][128], e[64] = "off";
    if (cfg->energy_tol_ev > 0) snprintf(e, sizeof e, "%g eV", cfg->energy_tol_ev);
    ls_log_info("relax settings: cell %s (%s); optimizer %s (%s); fmax %g eV/A (%s); stress-tol %g GPa (%s%s); "
                "pressure %g GPa (%s%s); energy-tol %s (%s); steps %d (%s)",
                relax_cell_text(cfg), origin_text(&o->cell, c[0], sizeof c[0]), cfg->optimizer,
                origin_text(&o->optimizer, c[1], sizeof c[1]), cfg->fmax_ev_a, origin_text(&o->fmax, c[2], sizeof c[2]),
                cfg->stress_tol_gpa, origin_text(&o->stress_tol, c[3], sizeof c[3]), cfg->relax_cell ? "" : ", unused",
                cfg->relax_cell ? cfg->pressure_gpa : 0.0, origin_text(&o->pressure, c[4], sizeof c[4]),
                cfg->relax_cell ? "" : ", unused", e, origin_text(&o->energy_tol, c[5], sizeof c[5]), cfg->max_steps,
                origin_text(&o->steps, c[6], sizeof c[6]));
}

