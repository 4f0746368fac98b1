/* lodestone eos: the equation of state of a DFT input (workflow/eos.h: energies at isotropically
 * scaled cells, checkpoint and restart, the Birch-Murnaghan fit), reported as a table, JSON, CSV,
 * extended XYZ and a plot (apps/eos_report.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/dft_opts.h"
#include "apps/eos_report.h"
#include "common/checkpoint.h"
#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/stop.h"
#include "common/textio.h"
#include "dft/calc.h"
#include "dft/dft.h"
#include "workflow/eos.h"

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

static const char *const description =
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
    "fails; 2 for bad input, a foreign or corrupt checkpoint.  See docs/eos.md.\n"
    "MPI (a build with make MPI=1): mpirun -np N lodestone eos INPUT [--pools K] shares each\n"
    "volume's (or relaxation step's) SCF over the processes as 'lodestone scf' does; rank 0 writes\n"
    "the files.";

/* "0.94,0.96,..." -> fractions, checked. */
static int parse_volumes(const char *text, struct ls_eos_config *cfg)
{
    if (text == NULL) return LS_OK; /* the default: ACWF's seven */
    cfg->n_volumes = 0;
    char buf[4096];
    if (strlen(text) >= sizeof buf) LS_ERROR(LS_ERR_USAGE, "--volumes: the list is too long (at most %d volumes)", LS_EOS_MAX_VOLUMES);
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
        for (int i = 0; i < cfg->n_volumes; i++)
            if (fabs(cfg->scales[i] - s) < 1e-9) LS_ERROR(LS_ERR_USAGE, "--volumes: %s is given twice", tok);
        if (cfg->n_volumes >= LS_EOS_MAX_VOLUMES) LS_ERROR(LS_ERR_USAGE, "--volumes: at most %d volumes", LS_EOS_MAX_VOLUMES);
        cfg->scales[cfg->n_volumes++] = s;
    }
    if (cfg->n_volumes < LS_EOS_MIN_POINTS)
        LS_ERROR(LS_ERR_USAGE, "--volumes: the Birch-Murnaghan fit needs at least %d volumes, got %d", LS_EOS_MIN_POINTS,
                 cfg->n_volumes);
    return LS_OK;
}

/* --relax, --relax-shape and their thresholds into cfg (checked). */
static int read_relax_options(const struct cli_args *a, struct ls_eos_config *cfg)
{
    const int shape = cli_get(a, opts, "relax-shape") != NULL;
    cfg->relax = shape ? LS_EOS_RELAX_SHAPE : cli_get(a, opts, "relax") ? LS_EOS_RELAX_POSITIONS : LS_EOS_FIXED;
    long steps = 0;
    LS_TRY(cli_get_double(a, opts, "fmax", cfg->fmax_ev_a, &cfg->fmax_ev_a));
    LS_TRY(cli_get_double(a, opts, "stress-tol", cfg->stress_tol_gpa, &cfg->stress_tol_gpa));
    LS_TRY(cli_get_int(a, opts, "relax-steps", cfg->relax_max_steps, &steps));
    const char *needs_relax[] = {"fmax", "relax-steps"};
    for (int k = 0; k < 2; k++)
        if (cfg->relax == LS_EOS_FIXED && cli_get(a, opts, needs_relax[k]))
            LS_ERROR(LS_ERR_USAGE, "--%s needs --relax or --relax-shape (fractional positions are fixed otherwise)",
                     needs_relax[k]);
    if (!shape && cli_get(a, opts, "stress-tol"))
        LS_ERROR(LS_ERR_USAGE, "--stress-tol needs --relax-shape (only a shape relaxation converges on the stress)");
    if (!(cfg->fmax_ev_a > 0)) LS_ERROR(LS_ERR_USAGE, "--fmax must be positive (eV/A), got %g", cfg->fmax_ev_a);
    if (!(cfg->stress_tol_gpa > 0))
        LS_ERROR(LS_ERR_USAGE, "--stress-tol must be positive (GPa), got %g", cfg->stress_tol_gpa);
    if (steps < 0 || steps > 1000000) LS_ERROR(LS_ERR_USAGE, "--relax-steps must be between 0 and 1000000, got %ld", steps);
    cfg->relax_max_steps = (int)steps;
    return LS_OK;
}

/* The checkpoint path: --checkpoint, else beside the JSON output, else from the input's name here
 * (NULL: none). */
static const char *checkpoint_path(const struct cli_args *a, const char *input, char *buf, size_t size)
{
    const char *ck_opt = cli_get(a, opts, "checkpoint"), *json = cli_get(a, opts, "json");
    if (ck_opt && strcmp(ck_opt, "none") == 0) return NULL;
    if (ck_opt) snprintf(buf, size, "%s", ck_opt);
    else if (json && strcmp(json, "-") != 0) ls_path_with_suffix(json, ".eos.ckpt", buf, size);
    else ls_path_with_suffix(ls_path_basename(input), ".eos.ckpt", buf, size);
    return buf;
}

/* Rank 0 writes (the caller agrees on the status). */
static int write_outputs(const struct cli_args *a, const struct ls_eos_result *r)
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

static int run_eos(const struct cli_args *a, const dft_params *p, struct ls_eos_config *cfg, double t_start)
{
    LS_TRY(read_relax_options(a, cfg));
    const char *input = a->pos[0];
    char hash[40], ckpt_buf[4096];
    uint64_t h;
    LS_TRY(ls_file_fnv1a(input, &h));
    snprintf(hash, sizeof hash, "fnv1a64:%016llx", (unsigned long long)h);
    cfg->input = input;
    cfg->input_hash = hash;
    cfg->checkpoint = checkpoint_path(a, input, ckpt_buf, sizeof ckpt_buf);
    cfg->restart = cli_get(a, opts, "restart") != NULL;
    cfg->verbose = cli_get(a, opts, "verbose") != NULL;
    if (cfg->restart && cfg->checkpoint == NULL)
        LS_ERROR(LS_ERR_USAGE, "--restart needs a checkpoint (not --checkpoint none)");
    dft_calc *dc = NULL;
    LS_TRY(dft_calc_create(p, &dc));
    ls_calc calc;
    dft_calc_bind(dc, &calc);
    struct ls_eos_result r;
    ls_stop_install();
    int status = ls_eos_run(p->structure, &calc, cfg, &r);
    dft_calc_destroy(dc);
    char saved[LS_ERROR_MESSAGE_MAX];
    snprintf(saved, sizeof saved, "%s", ls_error_message());
    if (status != LS_OK && strstr(saved, "FFT grid") && p->fft[0] > 0)
        /* A grid fixed by the input (fft_grid, nr1-3) must fit every volume's cutoff sphere. */
        ls_error_set(status, __FILE__, __LINE__, "%s (the input fixes the FFT grid for every volume: remove fft_grid / "
                     "nr1-3 to let each volume choose its own)", saved);
    if (r.completed) {
        r.wall_s = ls_wall_time() - t_start;
        const char *json = cli_get(a, opts, "json");
        if (ls_par_rank() == 0) eos_print_summary(json && strcmp(json, "-") == 0 ? stderr : stdout, &r);
        int out_status = ls_comm_agree(ls_comm_world(), write_outputs(a, &r));
        if (out_status != LS_OK) status = out_status;
        else if (status == LS_ERR_CONVERGENCE)
            ls_error_set(status, __FILE__, __LINE__, "%s; the results are written", saved);
        else if (status != LS_OK)
            ls_error_set(status, __FILE__, __LINE__, "%s", saved);
    }
    ls_eos_result_free(&r);
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
                       description, opts);
        return LS_OK;
    }
    if (a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "eos needs one input file (see lodestone eos --help)");
    if (cli_get(&a, opts, "quiet")) ls_log_set_level(LS_LOG_WARN);
    struct ls_eos_config cfg;
    ls_eos_config_default(&cfg);
    LS_TRY(parse_volumes(cli_get(&a, opts, "volumes"), &cfg));
    const char *plot = cli_get(&a, opts, "plot");
    if (plot && strcmp(ls_path_extension(plot), "svg") != 0 && strcmp(ls_path_extension(plot), "png") != 0)
        LS_ERROR(LS_ERR_USAGE, "--plot %s: the image is chosen by the extension, .svg or .png", plot);
    dft_params p;
    static const char *const outputs[] = {"json", "csv", "plot", "xyz", "checkpoint"};
    int status = dft_cli_read_single_point(&a, opts, "lodestone eos", outputs, 5, &p); /* not a relax input */
    if (status == LS_OK) {
        p.compute_forces = p.compute_stress = 1;
        status = run_eos(&a, &p, &cfg, t_start);
    }
    dft_params_free(&p);
    return status;
}
