/* lodestone relax: relax positions (and with --cell the lattice under a target pressure)
 * with BFGS or FIRE (workflow/relax.h).  The calculator is the DFT engine (INPUT is a YAML or
 * pw.x input, dft/calc.h) or, with --potential, a neural-network potential (INPUT is a
 * structure file).  A pw.x input with calculation = 'relax' / 'vc-relax' gives the defaults
 * of the settings (its struct dft_relax_request, dft/dft.h); the command line overrides them.
 * One line per step on stdout; trajectory, final structure, JSON and a checkpoint after
 * every step (--restart continues from it). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "common/checkpoint.h"
#include "common/err.h"
#include "common/io.h"
#include "common/json.h"
#include "common/log.h"
#include "common/parallel.h"
#include "workflow/relax.h"
#include "common/stop.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/calc.h"
#include "dft/dft.h"
#include "surrogate/surrogate.h"

static const struct cli_option opts[] = {
    {"potential", 'p', CLI_VALUE, "MODEL", "neural-network potential as the calculator (INPUT: a structure file)"},
    {"cell", 0, CLI_FLAG, NULL, "relax the cell too (default: pw.x's calculation = 'vc-relax')"},
    {"fixed-volume", 0, CLI_FLAG, NULL, "with --cell: relax the cell shape at the starting volume (pw.x's cell_dofree = 'shape')"},
    {"pressure", 0, CLI_VALUE, "GPA", "target pressure of --cell runs (default 0 GPa, or pw.x's press / 10)"},
    {"fmax", 0, CLI_VALUE, "EV_A", "force threshold, norm per atom (default 0.01 eV/A, or pw.x's forc_conv_thr)"},
    {"stress-tol", 0, CLI_VALUE, "GPA", "--cell: threshold on every |stress + pressure| component (default 0.05 GPa, or pw.x's press_conv_thr / 10)"},
    {"energy-tol", 0, CLI_VALUE, "EV", "also require the enthalpy change of the last step below this (default off, or pw.x's etot_conv_thr; 0 = off)"},
    {"steps", 0, CLI_VALUE, "N", "maximum optimiser steps (default 200, or pw.x's nstep - 1)"},
    {"optimizer", 0, CLI_VALUE, "NAME", "bfgs (default) or fire (or pw.x's ion_dynamics)"},
    {"max-step", 0, CLI_VALUE, "A", "largest move of an atom per step (default 0.2 A)"},
    {"traj", 0, CLI_VALUE, "FILE.xyz", "extended-XYZ trajectory, one frame per step"},
    {"out", 'o', CLI_VALUE, "FILE", "write the final structure (format from the extension)"},
    {"json", 'j', CLI_VALUE, "FILE", "write the results as JSON ('-': stdout)"},
    {"checkpoint", 0, CLI_VALUE, "FILE", "checkpoint (default OUT-STEM.relax.ckpt or INPUT-STEM.relax.ckpt; 'none')"},
    {"restart", 0, CLI_FLAG, NULL, "continue from the checkpoint if there is one (else start afresh)"},
    {"threads", 't', CLI_VALUE, "N", "OpenMP threads (default: OMP_NUM_THREADS or all cores)"},
    {"pools", 0, CLI_VALUE, "N", "MPI, DFT: k-point pools, as for 'lodestone scf' (default: one per process, at most one per k-point and spin)"},
    {"symprec", 0, CLI_VALUE, "A", "tolerance of the symmetry kept (default 1e-5 A)"},
    {"no-symmetry", 0, CLI_FLAG, NULL, "do not keep the space group of the starting structure"},
    {"quiet", 'q', CLI_FLAG, NULL, "no step lines; only warnings and errors on stderr"},
    {NULL, 0, 0, NULL, NULL},
};

static int nnp_calc(void *ctx, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3])
{
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    r.forces = forces;
    LS_TRY(nnp_model_predict(ctx, s, &r));
    *energy = r.energy;
    if (stress) memcpy(stress, r.stress, sizeof r.stress);
    return LS_OK;
}

/* One line per step on stdout. */
struct step_log {
    int relax_cell, enthalpy, quiet, header_done; /* enthalpy: a cell run under pressure */
};

static int log_step(void *ctx, const struct ls_relax_step *st)
{
    struct step_log *lg = ctx;
    if (lg->quiet) return LS_OK;
    const double a3 = LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM;
    if (!lg->header_done) {
        printf("%5s %18s %12s %11s", "step", "energy_eV", lg->enthalpy ? "dH_eV" : "dE_eV", "fmax_eV/A");
        if (lg->relax_cell) printf(" %12s %12s", "dstress_GPa", "pressure_GPa");
        if (lg->enthalpy) printf(" %18s", "enthalpy_eV");
        printf(" %11s %8s\n", "volume_A3", "wall_s");
        lg->header_done = 1;
    }
    printf("%5d %18.8f %12.4e %11.6f", st->step, st->energy * LS_HARTREE_EV, st->enthalpy_change * LS_HARTREE_EV,
           st->fmax_ev_a);
    if (lg->relax_cell) printf(" %12.5f %12.5f", st->stress_dev_gpa, st->pressure_gpa);
    if (lg->enthalpy) printf(" %18.8f", st->enthalpy * LS_HARTREE_EV);
    printf(" %11.4f %8.2f\n", st->volume_bohr3 * a3, st->wall_s);
    fflush(stdout);
    return LS_OK;
}

/* What the cell does: "fixed", "relaxed" or "shape at fixed volume". */
static const char *cell_text(const struct ls_relax_config *cfg)
{
    if (!cfg->relax_cell) return "fixed";
    return cfg->fixed_volume ? "shape at fixed volume" : "relaxed";
}

/* The run's identity: what a checkpoint must agree with to be continued. */
static int make_identity(const char *input, const char *model, const ls_structure *s, const struct ls_relax_config *cfg,
                         char *buf, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    LS_TRY(ls_file_read_all(input, &text, &len));
    uint64_t h_in = ls_fnv1a(LS_FNV1A_SEED, text, len);
    free(text);
    uint64_t h_s = ls_fnv1a(LS_FNV1A_SEED, s->cell, sizeof s->cell);
    h_s = ls_fnv1a(h_s, s->pos, (size_t)s->n_atom * sizeof *s->pos);
    h_s = ls_fnv1a(h_s, s->species, (size_t)s->n_atom * sizeof *s->species);
    char calc[256] = "calculator: dft";
    if (model) {
        LS_TRY(ls_file_read_all(model, &text, &len));
        uint64_t h_m = ls_fnv1a(LS_FNV1A_SEED, text, len);
        free(text);
        snprintf(calc, sizeof calc, "calculator: potential with content fnv1a64 %016llx", (unsigned long long)h_m);
    }
    char sym[96] = "symmetry: off";
    if (cfg->use_symmetry) snprintf(sym, sizeof sym, "symmetry: symprec %.17g A", cfg->symprec_a);
    int w = snprintf(buf, n,
                     "input: content fnv1a64 %016llx, structure fnv1a64 %016llx\n%s\noptimizer: %s\ncell: %s\n"
                     "pressure: %.17g GPa\nmax-step: %.17g A\n%s",
                     (unsigned long long)h_in, (unsigned long long)h_s, calc, cfg->optimizer,
                     cell_text(cfg), cfg->relax_cell ? cfg->pressure_gpa : 0.0, cfg->max_step_a, sym);
    if (w < 0 || (size_t)w >= n) LS_ERROR(LS_ERR_INTERNAL, "run identity too long");
    return LS_OK;
}

/* Where each setting came from: `from` for the JSON, `detail` (the pw.x key and value) for
 * the log. */
struct origin {
    const char *from;
    char detail[96];
};
struct origins {
    struct origin cell, optimizer, fmax, stress_tol, pressure, energy_tol, steps;
};

static int write_json(const char *path, const char *input, const ls_structure *s, const struct ls_relax_result *res,
                      const struct ls_relax_config *cfg, const struct origins *o, double wall_s)
{
    ls_json *j = NULL;
    if (strcmp(path, "-") == 0) LS_TRY(ls_json_wrap(stdout, &j));
    else LS_TRY(ls_json_open_file(path, &j));
    const double ev = LS_HARTREE_EV, A = LS_BOHR_ANGSTROM;
    static const char *const stops[] = {"converged", "max_steps", "calculation_failed", "interrupted", "error", "limit"};
    ls_json_object_begin(j, NULL);
    ls_json_string(j, "program", "lodestone relax");
    ls_json_string(j, "version", cli_version());
    ls_json_string(j, "input", input);
    ls_json_string(j, "optimizer", cfg->optimizer);
    ls_json_bool(j, "relax_cell", cfg->relax_cell);
    ls_json_bool(j, "fixed_volume", cfg->relax_cell && cfg->fixed_volume);
    ls_json_number(j, "target_pressure_GPa", cfg->relax_cell ? cfg->pressure_gpa : 0.0);
    ls_json_number(j, "fmax_threshold_eV_per_A", cfg->fmax_ev_a);
    if (cfg->relax_cell) ls_json_number(j, "stress_threshold_GPa", cfg->stress_tol_gpa);
    if (cfg->energy_tol_ev > 0) ls_json_number(j, "energy_threshold_eV", cfg->energy_tol_ev);
    else ls_json_null(j, "energy_threshold_eV");
    ls_json_int(j, "max_steps", cfg->max_steps);
    ls_json_object_begin(j, "settings_from"); /* "command line", "pw.x input", "pw.x default", "default" */
    ls_json_string(j, "cell", o->cell.from);
    ls_json_string(j, "optimizer", o->optimizer.from);
    ls_json_string(j, "fmax", o->fmax.from);
    ls_json_string(j, "stress_tol", o->stress_tol.from);
    ls_json_string(j, "pressure", o->pressure.from);
    ls_json_string(j, "energy_tol", o->energy_tol.from);
    ls_json_string(j, "steps", o->steps.from);
    ls_json_object_end(j);
    ls_json_int(j, "symmetry_operations_kept", res->n_sym_ops);
    ls_json_bool(j, "converged", res->converged);
    ls_json_string(j, "stop_reason", stops[res->stop]);
    ls_json_int(j, "n_steps", res->n_steps);
    ls_json_int(j, "restarted_at_step", res->restarted ? res->start_step : 0);
    if (res->has_step) {
        ls_json_number(j, "energy_eV", res->energy * ev);
        if (cfg->relax_cell) ls_json_number(j, "enthalpy_eV", res->enthalpy * ev);
        ls_json_number(j, "fmax_eV_per_A", res->fmax_ev_a);
    } else {
        ls_json_null(j, "energy_eV");
        ls_json_null(j, "fmax_eV_per_A");
    }
    if (res->has_step && res->has_stress) {
        double m[9];
        for (int k = 0; k < 9; k++) m[k] = res->stress[k / 3][k % 3] * LS_HA_BOHR3_GPA;
        ls_json_number(j, "pressure_GPa", res->pressure_gpa);
        ls_json_matrix(j, "stress_GPa", m, 3, 3);
    } else {
        ls_json_null(j, "pressure_GPa");
        ls_json_null(j, "stress_GPa");
    }
    double cell_bohr[3][3], cell[9];
    memcpy(cell_bohr, s->cell, sizeof cell_bohr);
    for (int k = 0; k < 9; k++) cell[k] = cell_bohr[k / 3][k % 3] * A;
    ls_json_matrix(j, "cell_A", cell, 3, 3);
    ls_json_array_begin(j, "positions_A");
    for (int i = 0; i < s->n_atom; i++) {
        double r[3] = {s->pos[i][0] * A, s->pos[i][1] * A, s->pos[i][2] * A};
        ls_json_number_array(j, NULL, r, 3);
    }
    ls_json_array_end(j);
    ls_json_array_begin(j, "species");
    for (int i = 0; i < s->n_atom; i++) ls_json_string(j, NULL, s->species[i]);
    ls_json_array_end(j);
    double len[3], ang[3];
    ls_cell_parameters(cell_bohr, len, ang);
    for (int k = 0; k < 3; k++) len[k] *= A;
    ls_json_object_begin(j, "lattice_parameters");
    cli_json_lattice_keys(j, len, ang);
    ls_json_object_end(j);
    ls_json_number(j, "volume_A3", fabs(ls_cell_volume(cell_bohr)) * A * A * A);
    ls_json_array_begin(j, "steps");
    for (int i = 0; i < res->n_history; i++) {
        const struct ls_relax_history *h = &res->history[i];
        ls_json_object_begin(j, NULL);
        ls_json_int(j, "step", h->step);
        ls_json_number(j, "energy_eV", h->energy * ev);
        if (cfg->relax_cell) ls_json_number(j, "enthalpy_eV", h->enthalpy * ev);
        ls_json_number(j, "fmax_eV_per_A", h->fmax_ev_a);
        if (res->has_stress) ls_json_number(j, "pressure_GPa", h->pressure_gpa);
        else ls_json_null(j, "pressure_GPa");
        if (cfg->relax_cell) ls_json_number(j, "stress_deviation_GPa", h->stress_dev_gpa);
        ls_json_number(j, "volume_A3", h->volume_bohr3 * A * A * A);
        ls_json_object_end(j);
    }
    ls_json_array_end(j);
    ls_json_number(j, "wall_s", wall_s);
    ls_json_object_end(j);
    return ls_json_close(j);
}

#define FROM_CLI "command line"
#define FROM_FILE "pw.x input"
#define FROM_QE_DEFAULT "pw.x default"
#define FROM_DEFAULT "default"

/* The settings of a pw.x relax / vc-relax input (req) as defaults, converted so that
 * Lodestone's tests are at least as strict as pw.x's (dft/README.md, "Relaxation"):
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
static void file_settings(const struct dft_relax_request *req, struct ls_relax_config *cfg, struct origins *o)
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
static int read_options(const struct cli_args *a, const struct dft_relax_request *req, struct ls_relax_config *cfg,
                        struct origins *o)
{
    struct origin def = {FROM_DEFAULT, ""};
    o->cell = o->optimizer = o->fmax = o->stress_tol = o->pressure = o->energy_tol = o->steps = def;
    if (req && req->kind != DFT_RELAX_NONE) file_settings(req, cfg, o);
    const struct origin cli = {FROM_CLI, ""};
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

static const char *origin_text(const struct origin *o, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s", o->from, o->detail[0] && strcmp(o->from, FROM_CLI) ? ": " : "",
             strcmp(o->from, FROM_CLI) ? o->detail : "");
    return buf;
}

/* One log line: every setting and where it came from. */
static void log_settings(const struct ls_relax_config *cfg, const struct origins *o)
{
    char c[7][128], e[64] = "off";
    if (cfg->energy_tol_ev > 0) snprintf(e, sizeof e, "%g eV", cfg->energy_tol_ev);
    ls_log_info("relax settings: cell %s (%s); optimizer %s (%s); fmax %g eV/A (%s); stress-tol %g GPa (%s%s); "
                "pressure %g GPa (%s%s); energy-tol %s (%s); steps %d (%s)",
                cell_text(cfg), origin_text(&o->cell, c[0], sizeof c[0]), cfg->optimizer,
                origin_text(&o->optimizer, c[1], sizeof c[1]), cfg->fmax_ev_a, origin_text(&o->fmax, c[2], sizeof c[2]),
                cfg->stress_tol_gpa, origin_text(&o->stress_tol, c[3], sizeof c[3]), cfg->relax_cell ? "" : ", unused",
                cfg->relax_cell ? cfg->pressure_gpa : 0.0, origin_text(&o->pressure, c[4], sizeof c[4]),
                cfg->relax_cell ? "" : ", unused", e, origin_text(&o->energy_tol, c[5], sizeof c[5]), cfg->max_steps,
                origin_text(&o->steps, c[6], sizeof c[6]));
}

/* Default checkpoint: OUT without extension, else INPUT's name without folder and extension
 * in the current folder, plus ".relax.ckpt". */
static void default_checkpoint(const char *input, const char *out, char *buf, size_t n)
{
    const char *base = out ? out : ls_path_basename(input);
    const char *slash = strrchr(base, '/');
    const char *dot = strrchr(slash ? slash + 1 : base, '.');
    int len = dot && dot != (slash ? slash + 1 : base) ? (int)(dot - base) : (int)strlen(base);
    snprintf(buf, n, "%.*s.relax.ckpt", len, base);
}

int cmd_relax(int argc, char **argv)
{
    struct cli_args a;
    int status = LS_OK;
    nnp_model *m = NULL;
    dft_params p;
    dft_calc *dc = NULL;
    ls_structure *s = NULL;
    struct ls_relax_result res;
    memset(&res, 0, sizeof res);
    dft_params_init(&p);
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help(
            "relax",
            "INPUT [--potential MODEL] [--cell [--fixed-volume]] [--pressure GPA] [--fmax EV_A] [--out FILE] [--restart]",
            "Relax atomic positions (and with --cell the lattice, under --pressure) with BFGS or FIRE,\n"
            "keeping the space group of the starting structure.  The calculator is the DFT engine: INPUT is\n"
            "a YAML input (.yaml/.yml) or a pw.x input, as for 'lodestone scf'; with --potential MODEL it is\n"
            "a neural-network potential and INPUT a structure file (POSCAR, extended XYZ, XSF, CIF).\n"
            "Converged when every atom's force norm is below --fmax and, with --cell, every component of\n"
            "stress + pressure is below --stress-tol (and, with --energy-tol, the enthalpy changed less than\n"
            "that in the last step).\n"
            "--fixed-volume relaxes the cell's shape (c/a, angles) at the starting volume.\n"
            "A pw.x input with calculation='relax' or 'vc-relax' gives the defaults: 'vc-relax' relaxes the\n"
            "cell (cell_dofree='all', or 'shape': --fixed-volume); press (kbar / 10) is --pressure;\n"
            "forc_conv_thr (Ry/bohr x 25.711) is --fmax, a bound on each atom's force norm and so at least\n"
            "as strict as pw.x's bound on each component; press_conv_thr (kbar / 10) is --stress-tol;\n"
            "etot_conv_thr (Ry x 13.606) is --energy-tol; nstep is --steps + 1 (pw.x counts SCF\n"
            "calculations, Lodestone the steps after the first); ion_dynamics ('bfgs', 'fire') is\n"
            "--optimizer; cell_dynamics may be 'bfgs'.  Keys not in the file take pw.x's defaults\n"
            "(forc_conv_thr 1e-3, etot_conv_thr 1e-4, nstep 50, press 0, press_conv_thr 0.5).  Options on\n"
            "the command line override the file; a log line lists every setting and where it came from.\n"
            "ATOMIC_POSITIONS if_pos flags 0 fix those coordinates (a cell relaxation moves a fixed atom\n"
            "with the cell).  Keys that tune pw.x's own optimiser (pot_extrapolation, wfc_extrapolation,\n"
            "upscale, bfgs_ndim, trust_radius_*, w_1, w_2, wmass, cell_factor) are checked and not used,\n"
            "each with a log line saying why.\n"
            "A checkpoint is written after every step; --restart continues from it (the trajectory\n"
            "continues too; a fresh run starts it anew).  With DFT, a stop during a step's SCF also\n"
            "saves that SCF's state (CHECKPOINT.scf), from which --restart continues the SCF.\n"
            "Exit code 0 converged, 1 not converged or a failed calculation (results of the last good step\n"
            "are written), 2 bad input, 3 stopped by SIGTERM/SIGINT (rerun with --restart).\n"
            "MPI (a build with make MPI=1), DFT only: mpirun -np N lodestone relax INPUT [--pools K] shares\n"
            "each step's SCF over the processes as 'lodestone scf' does; rank 0 writes the files.",
            opts);
        return LS_OK;
    }
    if (a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "relax needs one input file (see lodestone relax --help)");
    const char *input = a.pos[0];
    const char *pot = cli_get(&a, opts, "potential");
    const char *out = cli_get(&a, opts, "out");
    struct step_log lg = {0, 0, cli_get(&a, opts, "quiet") != NULL, 0};
    if (lg.quiet) ls_log_set_level(LS_LOG_WARN);
    struct ls_relax_config cfg;
    struct origins org;
    ls_relax_config_default(&cfg);
    int threads = 0, pools = 0;
    LS_TRY(cli_get_threads_pools(&a, opts, &threads, &pools));
    if (pot && ls_par_size() > 1)
        LS_ERROR(LS_ERR_USAGE, "relax --potential runs on one process: start it without mpirun (only DFT "
                               "relaxations are shared over MPI processes)");
    if (out) {
        enum ls_format fmt;
        LS_TRY(ls_format_guess(out, &fmt));
    }
    char ckpt[4096], identity[1024];
    const char *ck_opt = cli_get(&a, opts, "checkpoint");
    if (ck_opt) snprintf(ckpt, sizeof ckpt, "%s", ck_opt);
    else default_checkpoint(input, out, ckpt, sizeof ckpt);
    int use_ckpt = strcmp(ckpt, "none") != 0;
    if (!use_ckpt && cli_get(&a, opts, "restart"))
        LS_ERROR(LS_ERR_USAGE, "--restart needs a checkpoint (not --checkpoint none)");

    /* The calculator and the starting structure. */
    ls_calc_fn calc = NULL;
    void *ctx = NULL;
    if (pot) {
        LS_TRY_GOTO(status, read_options(&a, NULL, &cfg, &org), done);
        LS_TRY_GOTO(status, nnp_model_load(pot, &m), done);
        LS_TRY_GOTO(status, ls_structure_read(input, LS_FORMAT_AUTO, &s), done);
        calc = nnp_calc;
        ctx = m;
        cfg.want_stress = 1;
    } else {
        p.n_threads = threads;
        p.n_pools = pools;
        LS_TRY_GOTO(status, dft_params_read(input, &p), done);
        /* A pw.x relax / vc-relax input gives the defaults; its if_pos flags are in p.structure->fixed. */
        LS_TRY_GOTO(status, read_options(&a, &p.relax, &cfg, &org), done);
        cfg.want_stress = p.compute_stress; /* positions only: the stress if the input asks for it */
        if (cfg.relax_cell && (p.fft[0] || p.fft[1] || p.fft[2])) {
            /* A grid fixed for the starting cell becomes too small when the cell grows. */
            ls_log_warn("%s: the FFT grid %d x %d x %d of the input is chosen anew for every cell of the cell "
                        "relaxation (the smallest grid for the density cutoff)",
                        input, p.fft[0], p.fft[1], p.fft[2]);
            p.fft[0] = p.fft[1] = p.fft[2] = 0;
        }
        p.compute_forces = 1;
        cfg.remove_net_force = 1; /* the net force of a plane-wave calculation is grid noise */
        LS_TRY_GOTO(status, dft_calc_create(&p, &dc), done);
        LS_TRY_GOTO(status, ls_structure_copy(p.structure, &s), done);
        calc = dft_calc_compute;
        ctx = dc;
    }
    lg.relax_cell = cfg.relax_cell;
    lg.enthalpy = cfg.relax_cell && cfg.pressure_gpa != 0.0;
    log_settings(&cfg, &org);
    LS_TRY_GOTO(status, make_identity(input, pot, s, &cfg, identity, sizeof identity), done);
    cfg.identity = identity;
    cfg.checkpoint = use_ckpt ? ckpt : NULL;
    cfg.restart = cli_get(&a, opts, "restart") != NULL;
    if (dc && use_ckpt) {
        /* A stop during a step's SCF leaves that SCF's state beside the checkpoint; --restart starts there. */
        char scf_ckpt[4200];
        snprintf(scf_ckpt, sizeof scf_ckpt, "%s.scf", ckpt);
        LS_TRY_GOTO(status, dft_calc_set_checkpoint(dc, scf_ckpt, cfg.restart), done);
    }
    cfg.trajectory = cli_get(&a, opts, "traj");
    cfg.observer = log_step;
    cfg.observer_ctx = &lg;
    const double V0 = fabs(ls_cell_volume(s->cell));
    if (!lg.quiet) {
        printf("relax %s: %s, %s%s, fmax < %g eV/A", input, cfg.optimizer, cfg.relax_cell ? "positions and cell" : "positions",
               pot ? " with a neural-network potential" : " with DFT", cfg.fmax_ev_a);
        if (cfg.relax_cell) printf(", |stress + %g GPa| < %g GPa", cfg.pressure_gpa, cfg.stress_tol_gpa);
        if (cfg.energy_tol_ev > 0) printf(", |dE| < %g eV", cfg.energy_tol_ev);
        printf(", at most %d steps%s%s\n", cfg.max_steps, use_ckpt ? ", checkpoint " : "", use_ckpt ? ckpt : "");
        fflush(stdout);
    }
    ls_stop_install();
    const double t0 = ls_wall_time();
    status = ls_relax_run(s, calc, ctx, &cfg, &res);
    const double wall = ls_wall_time() - t0;
    if (status != LS_OK && !res.has_step && res.stop == LS_RELAX_ERROR) goto done; /* nothing to report */

    /* Report and write what there is (also when not converged). */
    char saved[LS_ERROR_MESSAGE_MAX];
    snprintf(saved, sizeof saved, "%s", ls_error_message());
    const int run_status = status;
    const double a3 = LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM;
    if (res.has_step) {
        double len[3], ang[3];
        ls_cell_parameters(s->cell, len, ang);
        printf("%s after %d steps%s: energy %.8f eV, fmax %.6f eV/A", res.converged ? "converged" : "NOT converged",
               res.n_steps, res.restarted ? " (restarted)" : "", res.energy * LS_HARTREE_EV, res.fmax_ev_a);
        if (lg.enthalpy) printf(", enthalpy %.8f eV", res.enthalpy * LS_HARTREE_EV);
        if (res.has_stress) printf(", pressure %.4f GPa", res.pressure_gpa);
        if (cfg.relax_cell) printf(" (largest |stress + p| %.4f GPa)", res.stress_dev_gpa);
        printf("\n  volume %.4f -> %.4f A^3; a b c %.6f %.6f %.6f A, alpha beta gamma %.4f %.4f %.4f deg; "
               "%d symmetry operations kept; wall %.2f s\n",
               V0 * a3, fabs(ls_cell_volume(s->cell)) * a3, len[0] * LS_BOHR_ANGSTROM, len[1] * LS_BOHR_ANGSTROM,
               len[2] * LS_BOHR_ANGSTROM, ang[0], ang[1], ang[2], res.n_sym_ops, wall);
    }
    int out_status = LS_OK; /* with MPI rank 0 writes, and all learn whether it worked */
    const char *json = cli_get(&a, opts, "json");
    if (ls_par_rank() == 0) {
        if (out && res.has_step) out_status = ls_structure_write(out, LS_FORMAT_AUTO, s);
        if (json && out_status == LS_OK) out_status = write_json(json, input, s, &res, &cfg, &org, wall);
    }
    out_status = ls_comm_agree(ls_comm_world(), out_status);
    if (run_status != LS_OK) status = ls_error_set(run_status, __FILE__, __LINE__, "%s", saved);
    else status = out_status;
done:
    ls_relax_result_free(&res);
    nnp_model_destroy(m);
    dft_calc_destroy(dc);
    dft_params_free(&p);
    ls_structure_destroy(s);
    return status;
}
