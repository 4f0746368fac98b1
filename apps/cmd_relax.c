/* lodestone relax: relax positions (and with --cell the lattice under a target pressure)
 * with BFGS or FIRE (workflow/relax.h).  The calculator is the DFT engine (INPUT is a YAML or
 * pw.x input, dft/calc.h) or, with --potential, a neural-network potential (INPUT is a
 * structure file).  A pw.x input with calculation = 'relax' / 'vc-relax' gives the defaults
 * of the settings (its struct dft_relax_request, dft/dft.h); the command line overrides them.
 * One line per step on stdout; trajectory, final structure, JSON and a checkpoint after
 * every step (--restart continues from it). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/relax_settings.h"
#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/stop.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/calc.h"
#include "dft/dft.h"
#include "surrogate/surrogate.h"
#include "workflow/relax.h"

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

int cmd_relax(int argc, char **argv)
{
    struct cli_args a;
    int status = LS_OK;
    nnp_model *m = NULL;
    nnp_calc *nc = NULL;
    dft_params p;
    struct dft_relax_request req; /* a pw.x relax input's settings: cfg points into it (the optimizer) */
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
    struct relax_step_log lg = {0, 0, cli_get(&a, opts, "quiet") != NULL, 0};
    if (lg.quiet) ls_log_set_level(LS_LOG_WARN);
    struct ls_relax_config cfg;
    struct relax_origins org;
    ls_relax_config_default(&cfg);
    int threads = 0, pools = 0;
    LS_TRY(cli_get_threads_pools(&a, opts, &threads, &pools));
    if (pot && ls_par_size() > 1)
        LS_ERROR(LS_ERR_USAGE, "relax --potential runs on one process: start it without mpirun (only DFT "
                               "relaxations are shared over MPI processes)");
    const char *inputs[2] = {input, pot}, *outputs[3][2] = {{"out", out}, {"traj", NULL}, {"json", NULL}};
    outputs[1][1] = cli_get(&a, opts, "traj");
    outputs[2][1] = cli_get(&a, opts, "json");
    for (int k = 0; k < 3; k++) LS_TRY(cli_check_output(outputs[k][0], outputs[k][1], 2, inputs));
    if (out) {
        enum ls_format fmt;
        LS_TRY(ls_format_guess(out, &fmt));
    }
    char ckpt[4096], identity[1024];
    const char *ck_opt = cli_get(&a, opts, "checkpoint");
    if (ck_opt) snprintf(ckpt, sizeof ckpt, "%s", ck_opt);
    else ls_path_with_suffix(out ? out : ls_path_basename(input), ".relax.ckpt", ckpt, sizeof ckpt); /* OUT-STEM or INPUT-STEM */
    int use_ckpt = strcmp(ckpt, "none") != 0;
    if (!use_ckpt && cli_get(&a, opts, "restart"))
        LS_ERROR(LS_ERR_USAGE, "--restart needs a checkpoint (not --checkpoint none)");

    /* The calculator and the starting structure. */
    ls_calc_fn calc = NULL;
    void *ctx = NULL;
    if (pot) {
        LS_TRY_GOTO(status, relax_settings_read(&a, opts, NULL, &cfg, &org), done);
        LS_TRY_GOTO(status, nnp_model_load(pot, &m), done);
        LS_TRY_GOTO(status, ls_structure_read(input, LS_FORMAT_AUTO, &s), done);
        LS_TRY_GOTO(status, nnp_calc_create(m, &nc), done);
        calc = nnp_model_calc;
        ctx = nc;
        cfg.want_stress = 1;
    } else {
        p.n_threads = threads;
        p.n_pools = pools;
        LS_TRY_GOTO(status, dft_params_read_relax(input, &p, &req), done);
        /* A pw.x relax / vc-relax input gives the defaults; its if_pos flags are in p.structure->fixed. */
        LS_TRY_GOTO(status, relax_settings_read(&a, opts, &req, &cfg, &org), done);
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
    relax_settings_log(&cfg, &org);
    LS_TRY_GOTO(status, relax_identity(input, pot, s, &cfg, identity, sizeof identity), done);
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
    cfg.observer = relax_log_step;
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
    if (status == LS_OK && dc && res.has_step && dft_calc_wants_final_scf(dc)) {
        /* pw.x's vc-relax keeps the starting cell's plane waves, then ends with an SCF in the
         * relaxed cell's own basis, whose energy and stress it reports (docs/relax.md) */
        double e_relax = res.energy, st[3][3], V = fabs(ls_cell_volume(s->cell));
        status = dft_calc_final_scf(dc, s, &res.energy, NULL, st);
        if (status == LS_OK) {
            memcpy(res.stress, st, sizeof st);
            res.pressure_gpa = -(st[0][0] + st[1][1] + st[2][2]) / 3 * LS_HA_BOHR3_GPA;
            res.enthalpy = res.energy + cfg.pressure_gpa / LS_HA_BOHR3_GPA * V;
            res.stress_dev_gpa = 0;
            for (int x = 0; x < 3; x++)
                for (int y = 0; y < 3; y++)
                    res.stress_dev_gpa = fmax(res.stress_dev_gpa, fabs(st[x][y] * LS_HA_BOHR3_GPA + (x == y) * cfg.pressure_gpa));
            ls_log_info("final SCF at the relaxed structure with its own plane waves (as pw.x): energy %.8f eV (%.8f eV "
                        "with the starting cell's), pressure %.4f GPa", res.energy * LS_HARTREE_EV,
                        e_relax * LS_HARTREE_EV, res.pressure_gpa);
        }
    }
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
        if (json && out_status == LS_OK) out_status = relax_write_json(json, input, s, &res, &cfg, &org, wall);
    }
    out_status = ls_comm_agree(ls_comm_world(), out_status);
    if (run_status != LS_OK) status = ls_error_set(run_status, __FILE__, __LINE__, "%s", saved);
    else status = out_status;
done:
    ls_relax_result_free(&res);
    nnp_calc_destroy(nc);
    nnp_model_destroy(m);
    dft_calc_destroy(dc);
    dft_params_free(&p);
    ls_structure_destroy(s);
    return status;
}
