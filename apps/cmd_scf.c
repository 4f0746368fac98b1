/* lodestone scf: one self-consistent ground state, with forces and stress. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/dft_opts.h"
#include "common/err.h"
#include "common/io.h"
#include "common/json.h"
#include "common/stop.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/dft.h"

static const struct cli_option opts[] = {
    {"json", 'j', CLI_VALUE, "FILE", "write the results as JSON (energy_eV, forces_eV_per_A, stress_GPa, ...)"},
    {"xyz", 'x', CLI_VALUE, "FILE", "append an extended-XYZ frame (energy, forces, stress, moments) of a converged SCF"},
    {"xyz-unconverged", 0, CLI_FLAG, NULL, "with --xyz: append the frame also when the SCF did not converge"},
    {"threads", 't', CLI_VALUE, "N", "OpenMP threads per process (default: OMP_NUM_THREADS or all cores)"},
    {"pools", 'p', CLI_VALUE, "N", "MPI: k-point pools, as pw.x's -nk (default: one per process, at most one per k-point and spin)"},
    {"quiet", 'q', CLI_FLAG, NULL, "only warnings and errors on stderr"},
    {"restart", 0, CLI_FLAG, NULL, "continue from the checkpoint if there is one (else start afresh)"},
    {"checkpoint", 0, CLI_VALUE, "FILE", "SCF checkpoint (default: INPUT-STEM.scf.ckpt here; 'none': never)"},
    {"checkpoint-every", 0, CLI_VALUE, "SECONDS", "wall time between checkpoints (default 60)"},
    {"bands", 0, CLI_VALUE, "STEM", "calculation = 'bands': write STEM.csv, STEM.json, STEM.svg (default INPUT-STEM.bands)"},
    {NULL, 0, 0, NULL, NULL},
};

static int write_json(const char *path, const dft_params *p, const dft_result *r)
{
    ls_json *j = NULL;
    if (strcmp(path, "-") == 0) LS_TRY(ls_json_wrap(stdout, &j));
    else LS_TRY(ls_json_open_file(path, &j));
    const double ev = LS_HARTREE_EV;
    ls_json_object_begin(j, NULL);
    ls_json_string(j, "program", cli_version());
    ls_json_string(j, "input", p->source);
    ls_json_bool(j, "converged", r->converged);
    ls_json_int(j, "scf_iterations", r->n_iter);
    static const char *const calc[] = {"scf", "nscf", "bands"};
    ls_json_string(j, "calculation", calc[p->calculation]);
    if (p->calculation == DFT_CALC_SCF) ls_json_number(j, "energy_eV", r->energy_free * ev);
    else ls_json_null(j, "energy_eV"); /* no energy without self-consistency */
    ls_json_number(j, "energy_internal_eV", r->energy * ev);
    ls_json_number(j, "energy_zero_width_eV", r->energy_zero_width * ev);
    ls_json_number(j, "minus_TS_eV", r->minus_ts * ev);
    ls_json_object_begin(j, "energy_terms_eV");
    ls_json_number(j, "kinetic", r->e_kinetic * ev);
    ls_json_number(j, "local", r->e_local * ev);
    ls_json_number(j, "nonlocal", r->e_nonlocal * ev);
    ls_json_number(j, "hartree", r->e_hartree * ev);
    ls_json_number(j, "xc", r->e_xc * ev);
    ls_json_number(j, "ewald", r->e_ewald * ev);
    ls_json_number(j, "band", r->e_band * ev);
    ls_json_number(j, "minus_TS", r->minus_ts * ev);
    ls_json_object_end(j);
    ls_json_number(j, "fermi_eV", r->fermi * ev);
    if (isfinite(r->homo)) ls_json_number(j, "homo_eV", r->homo * ev);
    if (isfinite(r->lumo)) ls_json_number(j, "lumo_eV", r->lumo * ev);
    if (r->n_spin == 2) {
        ls_json_number(j, "total_magnetization_muB", r->total_magnetization);
        ls_json_number(j, "absolute_magnetization_muB", r->absolute_magnetization);
        if (r->atom_magnetization) {
            ls_json_number_array(j, "atom_magnetization_muB", r->atom_magnetization, r->n_atom);
            double rad[4096];
            int n = r->n_atom < 4096 ? r->n_atom : 4096;
            for (int a = 0; a < n; a++) rad[a] = r->atom_sphere_radius[a] * LS_BOHR_ANGSTROM;
            ls_json_number_array(j, "atom_sphere_radius_A", rad, n);
        }
    }
    dft_result_magnetism_json(j, r); /* noncollinear M, site moments, fixed-moment Fermi levels */
    if (r->forces) {
        ls_json_array_begin(j, "forces_eV_per_A");
        for (int a = 0; a < r->n_atom; a++) {
            double f[3];
            for (int d = 0; d < 3; d++) f[d] = r->forces[a][d] * LS_HA_BOHR_EV_A;
            ls_json_number_array(j, NULL, f, 3);
        }
        ls_json_array_end(j);
    }
    if (r->has_stress) {
        double s[9];
        for (int x = 0; x < 3; x++)
            for (int y = 0; y < 3; y++) s[3 * x + y] = r->stress[x][y] * LS_HA_BOHR3_GPA;
        ls_json_matrix(j, "stress_GPa", s, 3, 3);
    }
    ls_json_int_array(j, "fft_grid", r->fft, 3);
    ls_json_int(j, "n_kpoints_irreducible", r->n_kpt);
    ls_json_int(j, "n_symmetry_operations", r->n_symmetry);
    ls_json_int(j, "n_bands", r->n_band);
    ls_json_array_begin(j, "kpoints");
    for (int ik = 0; ik < r->n_kpt; ik++) {
        ls_json_object_begin(j, NULL);
        ls_json_number_array(j, "k_frac", r->kpoints[ik], 3);
        ls_json_number(j, "weight", r->kweights[ik]);
        for (int is = 0; is < r->n_spin; is++) {
            double e[1024], o[1024];
            int nb = r->n_band < 1024 ? r->n_band : 1024;
            for (int ib = 0; ib < nb; ib++) {
                size_t i = ((size_t)is * r->n_kpt + ik) * r->n_band + ib;
                e[ib] = r->eigenvalues[i] * ev;
                o[ib] = r->occupations[i];
            }
            ls_json_number_array(j, r->n_spin == 2 ? (is ? "eigenvalues_down_eV" : "eigenvalues_up_eV") : "eigenvalues_eV", e, nb);
            ls_json_number_array(j, r->n_spin == 2 ? (is ? "occupations_down" : "occupations_up") : "occupations", o, nb);
        }
        ls_json_object_end(j);
    }
    ls_json_array_end(j);
    ls_json_object_begin(j, "settings");
    ls_json_number(j, "ecutwfc_Ry", 2 * p->ecut_wfc);
    ls_json_number(j, "ecutrho_Ry", 2 * (p->ecut_rho > 0 ? p->ecut_rho : 4 * p->ecut_wfc));
    ls_json_int_array(j, "kmesh", p->kmesh, 3);
    ls_json_int_array(j, "kshift", p->kshift, 3);
    static const char *const occ[] = {"fixed", "smearing", "from_input", "tetrahedra"};
    ls_json_string(j, "occupations", occ[p->occupations]);
    if (p->occupations == DFT_OCC_SMEARING) {
        ls_json_string(j, "smearing", p->smearing);
        ls_json_number(j, "degauss_Ry", 2 * p->smearing_width);
    }
    ls_json_int(j, "nspin", p->n_spin);
    ls_json_number(j, "conv_thr_Ry", 2 * p->conv_thr);
    ls_json_number(j, "mixing_beta", p->mixing_beta);
    ls_json_array_begin(j, "species");
    for (int s = 0; s < p->n_species; s++) {
        ls_json_object_begin(j, NULL);
        ls_json_string(j, "label", p->species[s].label);
        ls_json_string(j, "pseudopotential", p->species[s].pseudo);
        ls_json_number(j, "starting_magnetization", p->species[s].starting_magnetization);
        ls_json_object_end(j);
    }
    ls_json_array_end(j);
    ls_json_object_end(j);
    ls_json_object_begin(j, "timings_s");
    ls_json_number(j, "total", r->wall_s);
    ls_json_number(j, "setup", r->wall_setup_s);
    ls_json_number(j, "scf", r->wall_scf_s);
    ls_json_number(j, "forces", r->wall_forces_s);
    ls_json_number(j, "stress", r->wall_stress_s);
    ls_json_object_end(j);
    ls_json_object_end(j);
    return ls_json_close(j);
}

static int append_xyz(const char *path, const dft_params *p, const dft_result *r)
{
    ls_structure *s = NULL;
    LS_TRY(dft_result_label(r, p->structure, &s));
    int status = ls_extxyz_append(path, s);
    ls_structure_destroy(s);
    return status;
}

int cmd_scf(int argc, char **argv)
{
    struct cli_args a;
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("scf", "INPUT [--json FILE] [--xyz FILE] [--threads N] [--pools N] [--restart] [--checkpoint FILE]",
                       "Self-consistent Kohn-Sham ground state with forces and stress.\n"
                       "INPUT.yaml (or .yml) is Lodestone's YAML input: structure (file) or cell (inline),\n"
                       "functional, pseudopotentials, ecut, ecut_rho, kpoints {mesh, shift | spacing},\n"
                       "occupations, smearing {type, width}, spin {polarized, starting_magnetization},\n"
                       "scf {conv_thr, max_iter, mixing_beta, mixing_history}, fft_grid, bands, charge,\n"
                       "symmetry, forces, stress; units on every dimensioned value (see docs/yaml-input.md).\n"
                       "Any other INPUT is a Quantum ESPRESSO pw.x input (.in, .pwi), read as pw.x 6.7 reads it:\n"
                       "every ibrav (celldm or A, B, C, cosAB, ...), CELL_PARAMETERS, ATOMIC_POSITIONS (with\n"
                       "arithmetic and if_pos), K_POINTS in every form (automatic, gamma, tpiba, crystal, tpiba_b,\n"
                       "crystal_b), occupations fixed, smearing, from_input (OCCUPATIONS card), tetrahedra,\n"
                       "tetrahedra_lin, tetrahedra_opt; calculation 'scf', 'nscf' and 'bands' (these two read the\n"
                       "density an scf run wrote to OUTDIR/PREFIX.save/lodestone-density.ckpt; 'bands' writes\n"
                       "STEM.csv, .json and .svg, --bands STEM).  Solver-tuning and output keys are accepted and\n"
                       "logged as not used; features Lodestone does not have (ultrasoft/PAW, DFT+U, hybrids,\n"
                       "vdW, meta-GGA, fields, non-collinear spin, MD) are refused, naming the line (exit code\n"
                       "2).  See dft/README.md, section \"pw.x input\".  calculation='relax' and 'vc-relax' are\n"
                       "inputs of 'lodestone relax' (see its --help): given to scf they are an error (exit code 2),\n"
                       "not an SCF of the starting geometry.  Exit code 1 if the SCF does not converge (results\n"
                       "are still written).\n"
                       "Checkpoints: the SCF state is saved every --checkpoint-every seconds, on SIGTERM/SIGINT\n"
                       "(then exit code 3) and when the SCF does not converge; --restart continues from it.\n"
                       "The file is removed after a successful run.\n"
                       "MPI (a build with make MPI=1): mpirun -np N lodestone scf INPUT [--pools K]; the\n"
                       "(spin, k-point) pairs are shared over K pools, the bands over the processes of a pool.",
                       opts);
        return LS_OK;
    }
    if (a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "scf needs one input file (see lodestone scf --help)");
    if (cli_get(&a, opts, "quiet")) ls_log_set_level(LS_LOG_WARN);
    dft_params p;
    static const char *const outputs[] = {"json", "xyz", "checkpoint"};
    int status = dft_cli_read_single_point(&a, opts, "lodestone scf", outputs, 3, &p);
    p.write_density = 1; /* pw.x inputs: the density for later nscf/bands runs (OUTDIR/PREFIX.save) */
    if (status != LS_OK) {
        dft_params_free(&p);
        return status;
    }
    /* Checkpoint: INPUT-STEM.scf.ckpt in the current folder unless given. */
    char ckpt_path[4096];
    const char *ck_opt = cli_get(&a, opts, "checkpoint");
    if (ck_opt) {
        snprintf(ckpt_path, sizeof ckpt_path, "%s", strcmp(ck_opt, "none") == 0 ? "" : ck_opt);
    } else {
        ls_path_with_suffix(ls_path_basename(a.pos[0]), ".scf.ckpt", ckpt_path, sizeof ckpt_path);
    }
    struct dft_checkpoint ck = {ckpt_path, cli_get(&a, opts, "restart") != NULL, 60.0};
    status = cli_get_double(&a, opts, "checkpoint-every", 60.0, &ck.every_s);
    if (status == LS_OK && ck.every_s < 0) status = ls_error_set(LS_ERR_USAGE, __FILE__, __LINE__, "--checkpoint-every must be >= 0 seconds");
    if (status == LS_OK && ck.restart && ckpt_path[0] == '\0')
        status = ls_error_set(LS_ERR_USAGE, __FILE__, __LINE__, "--restart needs a checkpoint (not --checkpoint none)");
    if (status != LS_OK) {
        dft_params_free(&p);
        return status;
    }
    ls_stop_install();
    dft_result *r = NULL;
    status = dft_scf_run_checkpointed(&p, &ck, &r);
    if (r) {
        char saved[LS_ERROR_MESSAGE_MAX];
        snprintf(saved, sizeof saved, "%s", ls_error_message());
        int scf_status = status;
        const double ev = LS_HARTREE_EV;
        int fixed = p.occupations == DFT_OCC_FIXED || p.occupations == DFT_OCC_FROM_INPUT;
        if (p.calculation == DFT_CALC_SCF) {
            printf("%s: %s after %d iterations\n", a.pos[0], r->converged ? "converged" : "NOT converged", r->n_iter);
            printf("  free energy F = E - TS   %20.10f eV\n", r->energy_free * ev);
            printf("  internal energy E        %20.10f eV\n", r->energy * ev);
            printf("  -TS                      %20.10f eV\n", r->minus_ts * ev);
            printf("  %s %20.6f eV\n", fixed ? "highest occupied level  " : "Fermi level             ", r->fermi * ev);
        } else {
            printf("%s: %s bands at %d k-points (%s)\n", a.pos[0], p.calculation == DFT_CALC_NSCF ? "nscf" : "band-structure",
                   r->n_kpt, r->converged ? "converged" : "NOT converged");
            printf("  %s %20.6f eV\n", p.calculation == DFT_CALC_BANDS ? "Fermi level of the scf   "
                                       : fixed ? "highest occupied level   " : "Fermi level              ", r->fermi * ev);
            if (p.calculation == DFT_CALC_NSCF && fixed && isfinite(r->lumo))
                printf("  lowest unoccupied level   %20.6f eV\n", r->lumo * ev);
        }
        if (r->n_spin == 2) {
            printf("  magnetisation total %.4f, absolute %.4f muB/cell\n", r->total_magnetization, r->absolute_magnetization);
            for (int i = 0; r->atom_magnetization && i < r->n_atom; i++)
                printf("  moment atom %3d %-4s %9.4f muB (sphere of %.3f A)\n", i + 1, p.structure->species[i],
                       r->atom_magnetization[i], r->atom_sphere_radius[i] * LS_BOHR_ANGSTROM);
        }
        if (r->noncolin) {
            printf("  magnetisation (%.4f, %.4f, %.4f), |M| %.4f, absolute %.4f muB/cell\n", r->magnetization[0],
                   r->magnetization[1], r->magnetization[2], r->total_magnetization, r->absolute_magnetization);
            for (int i = 0; r->site_moment && i < r->n_atom; i++) {
                printf("  moment atom %3d %-4s spin (%8.4f %8.4f %8.4f)", i + 1, p.structure->species[i], r->site_moment[i][0],
                       r->site_moment[i][1], r->site_moment[i][2]);
                if (r->site_orbital)
                    printf(" orbital (%8.4f %8.4f %8.4f)", r->site_orbital[i][0], r->site_orbital[i][1], r->site_orbital[i][2]);
                printf(" muB (sphere of %.3f A)\n", r->site_radius[i] * LS_BOHR_ANGSTROM);
            }
        }
        if (r->has_fsm_fermi)
            printf("  Fermi levels (fixed moment) up %.6f, down %.6f eV\n", r->fermi_up * ev, r->fermi_down * ev);
        if (r->forces)
            for (int i = 0; i < r->n_atom; i++)
                printf("  force atom %3d  %14.8f %14.8f %14.8f eV/A\n", i + 1, r->forces[i][0] * LS_HA_BOHR_EV_A,
                       r->forces[i][1] * LS_HA_BOHR_EV_A, r->forces[i][2] * LS_HA_BOHR_EV_A);
        if (r->has_stress)
            for (int x = 0; x < 3; x++)
                printf("  stress %s %12.5f %12.5f %12.5f GPa\n", x == 0 ? "(ASE sign)" : "          ", r->stress[x][0] * LS_HA_BOHR3_GPA,
                       r->stress[x][1] * LS_HA_BOHR3_GPA, r->stress[x][2] * LS_HA_BOHR3_GPA);
        printf("  wall time %.2f s\n", r->wall_s);
        const char *json = cli_get(&a, opts, "json");
        const char *xyz = cli_get(&a, opts, "xyz");
        int out_status = LS_OK;
        /* Every rank holds the result; rank 0 writes it (stdout of the others is /dev/null). */
        if (json && ls_par_rank() == 0) out_status = write_json(json, &p, r);
        /* A frame of an SCF that did not converge would pollute a training set: only on request. */
        if (xyz && p.calculation != DFT_CALC_SCF)
            ls_log_warn("%s: a non-self-consistent run: no frame appended to %s", a.pos[0], xyz);
        else if (xyz && !r->converged && !cli_get(&a, opts, "xyz-unconverged"))
            ls_log_warn("%s: the SCF did not converge: no frame appended to %s (--xyz-unconverged appends it anyway)",
                        a.pos[0], xyz);
        else if (out_status == LS_OK && xyz && ls_par_rank() == 0) out_status = append_xyz(xyz, &p, r);
        if (out_status == LS_OK && p.calculation == DFT_CALC_BANDS && ls_par_rank() == 0) {
            char stem[4096];
            const char *opt = cli_get(&a, opts, "bands");
            const char *base = ls_path_basename(a.pos[0]), *dot = strrchr(base, '.');
            if (opt) snprintf(stem, sizeof stem, "%s", opt);
            else snprintf(stem, sizeof stem, "%.*s.bands", dot && dot != base ? (int)(dot - base) : (int)strlen(base), base);
            out_status = dft_bands_write(stem, &p, r);
            if (out_status == LS_OK) printf("  band structure: %s.csv, %s.json, %s.svg\n", stem, stem, stem);
        }
        dft_result_destroy(r);
        if (out_status != LS_OK) status = out_status;
        else if (scf_status != LS_OK) status = ls_error_set(scf_status, __FILE__, __LINE__, "%s", saved);
    }
    dft_params_free(&p);
    return status;
}
