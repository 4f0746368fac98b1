/* Relaxation with the DFT engine as the calculator (workflow/relax.h + dft/calc.h), and
 * `lodestone relax` end to end ($LODESTONE_BIN, else build/lodestone).
 *
 * Input: dft/testdata/si2-displaced-relax.yaml, diamond Si (a = 5.431 Å) with atom 2 moved
 * by 0.05 Å in a general direction, 8 Ha, 2x2x2 k-points, fixed occupations.  Reference:
 * by symmetry, the relaxed positions are the diamond ones, atom 2 - atom 1 = a/4 (1, 1, 1)
 * = (1.35775, 1.35775, 1.35775) Å up to a lattice vector, whatever the cutoff; with forces
 * below 1 meV/Å and force constants of about 10 eV/Å^2 the positions are within 1e-4 Å.
 * The program test also checks the outputs (JSON keys, trajectory frames, the structure),
 * a restart that continues without duplicate frames, and the documented errors (exit 2):
 * a checkpoint of another input, a corrupt checkpoint, bad options.  Last, a pw.x vc-relax
 * input through `lodestone relax`: the file's settings, if_pos, the override by an option; and
 * one with cell_dofree = 'shape' and pw.x's optimiser-tuning keys. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "workflow/relax.h"
#include "common/test.h"
#include "dft/scf/test_diamond.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/calc.h"
#include "dft/dft.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define INPUT "dft/testdata/si2-displaced-relax.yaml"

static void test_si2_library(void)
{
    dft_params p;
    dft_params_init(&p);
    LS_CHECK_OK(dft_params_read_yaml(INPUT, &p));
#ifdef _OPENMP
    omp_set_num_threads(1); /* the machine is shared; the test is about the optimiser */
#endif
    dft_calc *c = NULL;
    ls_structure *s = NULL;
    LS_CHECK_OK(dft_calc_create(&p, &c));
    LS_CHECK_OK(ls_structure_copy(p.structure, &s));
    if (c && s) {
        double err0 = dft_test_diamond_error(s);
        struct ls_relax_config cfg;
        ls_relax_config_default(&cfg);
        cfg.fmax_ev_a = 1e-3;
        cfg.remove_net_force = 1;
        cfg.log_every = 0;
        struct ls_relax_result res;
        double t0 = ls_wall_time();
        LS_CHECK_OK(ls_relax_run(s, dft_calc_compute, c, &cfg, &res));
        double err = dft_test_diamond_error(s);
        printf("  Si2 displaced 0.05 A: %d steps, %.2f s, fmax %.2e eV/A, |r2 - r1 - a/4 (1,1,1)| %.4f -> %.1e A, "
               "%d symmetry operations kept\n",
               res.n_steps, ls_wall_time() - t0, res.fmax_ev_a, err0, err, res.n_sym_ops);
        LS_CHECK(res.converged && res.fmax_ev_a < 1e-3);
        LS_CHECK(err0 > 0.049 && err < 1e-4);
        LS_CHECK(res.n_steps <= 8);
        LS_CHECK(res.n_sym_ops == 2); /* P-1: identity and inversion */
        LS_CHECK(res.history[res.n_steps].energy < res.history[0].energy - 0.01 / LS_HARTREE_EV);
        /* The raw forces of the last step, not only the cleaned ones, are below 1 meV/Å. */
        for (int i = 0; i < 2; i++)
            LS_CHECK(sqrt(s->forces[i][0] * s->forces[i][0] + s->forces[i][1] * s->forces[i][1] +
                          s->forces[i][2] * s->forces[i][2]) * LS_HA_BOHR_EV_A < 1e-3);
        ls_relax_result_free(&res);
    }
    ls_structure_destroy(s);
    dft_calc_destroy(c);
    dft_params_free(&p);
}

/* Run `lodestone relax ARGS`, stdout and stderr to files; returns the exit code. */
static int run(const char *args, const char *err_path)
{
    char out_path[600], cmd[4096];
    snprintf(out_path, sizeof out_path, "%s.out", err_path);
    snprintf(cmd, sizeof cmd, "relax %s --threads 1", args);
    return ls_test_run(NULL, cmd, out_path, err_path);
}

static int frames(const char *path)
{
    ls_structure_list *l = NULL;
    if (ls_structures_read(path, LS_FORMAT_EXTXYZ, &l) != LS_OK) return -1;
    int n = l->n;
    for (int i = 0; i < n; i++) {
        const char *st = ls_structure_info_get(l->items[i], "step");
        if (!st || atoi(st) != i || !l->items[i]->forces || !l->items[i]->has_energy || !l->items[i]->has_stress ||
            !ls_structure_info_get(l->items[i], "fmax_eV_per_A"))
            n = -2;
    }
    ls_structure_list_destroy(l);
    return n;
}

static void test_program(void)
{
    char dir[512], ck[600], js[600], tr[600], out[600], err[600], args[4096], other[600], bad[600];
    ls_test_tmp_path(dir, sizeof dir, "");
    snprintf(ck, sizeof ck, "%srelax_si2.ckpt", dir);
    snprintf(js, sizeof js, "%srelax_si2.json", dir);
    snprintf(tr, sizeof tr, "%srelax_si2.xyz", dir);
    snprintf(out, sizeof out, "%srelax_si2.vasp", dir);
    snprintf(err, sizeof err, "%srelax_si2.err", dir);
    remove(ck);
    /* Quick mode (make asan): two steps, not converged (exit 1), outputs written all the same. */
    const int quick = getenv("LODESTONE_TEST_QUICK") != NULL;
    snprintf(args, sizeof args, INPUT " --fmax 0.001 --json %s --traj %s --out %s --checkpoint %s%s", js, tr, out, ck,
             quick ? " --steps 1" : "");
    LS_CHECK(run(args, err) == (quick ? 1 : 0));
    LS_CHECK(ls_test_file_has(js, "\"program\": \"lodestone relax\"") &&
             ls_test_file_has(js, quick ? "\"converged\": false" : "\"converged\": true"));
    const char *keys[] = {"\"n_steps\"", "\"energy_eV\"", "\"fmax_eV_per_A\"", "\"pressure_GPa\"", "\"stress_GPa\"",
                          "\"cell_A\"", "\"positions_A\"", "\"species\"", "\"a_A\"", "\"gamma_deg\"", "\"volume_A3\"",
                          "\"steps\"", "\"wall_s\""};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) LS_CHECK_MSG(ls_test_file_has(js, keys[k]), "%s", keys[k]);
    char outp[700];
    snprintf(outp, sizeof outp, "%s.out", err);
    LS_CHECK(ls_test_file_has(outp, "converged after") && ls_test_file_has(outp, "fmax_eV/A"));
    int n_frames = frames(tr);
    LS_CHECK(quick ? n_frames == 2 : n_frames >= 2);
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_read(out, LS_FORMAT_AUTO, &s));
    if (s) LS_CHECK(dft_test_diamond_error(s) < (quick ? 0.05 : 1e-4));
    ls_structure_destroy(s);
    if (!quick) {
        /* Restart from the checkpoint (the state before the last step): that step again,
         * converged, and the trajectory still has each step once. */
        snprintf(args, sizeof args, INPUT " --fmax 0.001 --traj %s --checkpoint %s --restart", tr, ck);
        LS_CHECK(run(args, err) == 0);
        LS_CHECK(ls_test_file_has(err, "continuing from") && frames(tr) == n_frames);
    }
    /* A checkpoint of another input: exit 2, saying so. */
    snprintf(other, sizeof other, "%srelax_other.yaml", dir);
    char *text = NULL;
    size_t n = 0;
    LS_CHECK_OK(ls_file_read_all(INPUT, &text, &n));
    if (text) {
        char *hit = strstr(text, "1.38775");
        if (hit) hit[6] = '6'; /* 1.38776 */
        /* the copy lives in the scratch folder: the pseudopotential by absolute path */
        char *pp = strstr(text, "../../inputs"), cwd[2048], fixed[8192];
        LS_CHECK(pp != NULL && getcwd(cwd, sizeof cwd) != NULL);
        if (pp) {
            snprintf(fixed, sizeof fixed, "%.*s%s/inputs%s", (int)(pp - text), text, cwd, pp + strlen("../../inputs"));
            LS_CHECK_OK(ls_file_write_atomic(other, fixed, strlen(fixed)));
        }
        free(text);
    }
    snprintf(args, sizeof args, "%s --checkpoint %s --restart", other, ck);
    LS_CHECK(run(args, err) == 2);
    LS_CHECK(ls_test_file_has(err, "written for another input") && ls_test_file_has(err, ck));
    /* A corrupt checkpoint. */
    snprintf(bad, sizeof bad, "%srelax_bad.ckpt", dir);
    LS_CHECK_OK(ls_file_write_atomic(bad, "LSCKPT01 this is not a checkpoint", 33));
    snprintf(args, sizeof args, INPUT " --checkpoint %s --restart", bad);
    LS_CHECK(run(args, err) == 2);
    LS_CHECK(ls_test_file_has(err, bad) && ls_test_file_has(err, "corrupt"));
    /* --restart without a checkpoint: afresh, with a log line; --steps 0 stops unconverged (1). */
    remove(bad);
    snprintf(args, sizeof args, INPUT " --checkpoint %s --restart --steps 0 --json %s", bad, js);
    LS_CHECK(run(args, err) == 1);
    LS_CHECK(ls_test_file_has(err, "starting afresh") && ls_test_file_has(js, "\"converged\": false") && ls_test_file_has(js, "max_steps"));
    /* Bad options. */
    LS_CHECK(run(INPUT " --optimizer newton", err) == 2 && ls_test_file_has(err, "bfgs or fire"));
    LS_CHECK(run(INPUT " --pressure 1", err) == 2 && ls_test_file_has(err, "--pressure needs --cell"));
    LS_CHECK(run(INPUT " --fmax -1", err) == 2 && ls_test_file_has(err, "--fmax must be positive"));
    LS_CHECK(run(INPUT " --fixed-volume", err) == 2 && ls_test_file_has(err, "--fixed-volume needs --cell"));
    LS_CHECK(run(INPUT " --cell --fixed-volume --pressure 1", err) == 2 &&
             ls_test_file_has(err, "--pressure 1 GPa has no effect on a cell relaxed at fixed volume"));
    LS_CHECK(run(INPUT " --out x.unknownext", err) == 2);
    LS_CHECK(run("dft/testdata/absent.yaml", err) == 2 && ls_test_file_has(err, "absent.yaml"));
}

/* The number after "KEY": in a JSON file (first occurrence); NAN if absent. */
static double json_number(const char *path, const char *key)
{
    char *t = NULL, pat[128];
    if (ls_file_read_all(path, &t, NULL) != LS_OK) return NAN;
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *hit = strstr(t, pat);
    double v = hit ? strtod(hit + strlen(pat), NULL) : NAN;
    free(t);
    return v;
}

/* For a pw.x input run by `lodestone relax`: the pseudopotential folder (absolute, for
 * pseudo_dir) into lib[4096], and the scratch paths STEM.in, .json, .vasp, .err (each [600]).
 * 0 (a failed check) when the folder is not there. */
static int qe_run_paths(const char *stem, char *lib, char *in, char *js, char *out, char *err)
{
    if (!realpath("inputs/pseudo/pd04-pbe-sr", lib)) {
        LS_CHECK_MSG(0, "inputs/pseudo/pd04-pbe-sr not found: run from the project root");
        return 0;
    }
    static const char *const ext[] = {"in", "json", "vasp", "err"};
    char *const dst[] = {in, js, out, err};
    for (int k = 0; k < 4; k++) {
        char name[200];
        snprintf(name, sizeof name, "%s.%s", stem, ext[k]);
        ls_test_tmp_path(dst[k], 600, name);
    }
    return 1;
}

/* A pw.x vc-relax input run by `lodestone relax` with the file's settings: Si2 at a = 5.56 Å,
 * atom 2 moved by (0.01, 0, -0.005) in fractional coordinates, atom 1 fixed by its if_pos
 * flags, under press = 5 kbar; 12 Ha, 2x2x2 k-points (cheap, and below the Si 'low' hint: a
 * warning; at this cutoff the starting pressure is about 2.5 GPa, so the cell grows, by 2 %).  The expected thresholds are the file's values converted by hand:
 *   forc_conv_thr 2e-4 Ry/bohr x 25.711033738162943 = 5.1422067476325886e-3 eV/Å (--fmax),
 *   etot_conv_thr 1e-5 Ry x 13.605693122994 = 1.3605693122994e-4 eV (--energy-tol),
 *   press 5 kbar = 0.5 GPa, press_conv_thr 0.3 kbar = 0.03 GPa, nstep 30 -> 29 steps.
 * Converged means |P - 0.5 GPa| < 0.03 GPa (every |stress + p| component is below it); atom 1
 * keeps its fractional coordinates (0, 0, 0) exactly (fixed atoms follow the cell); atom 2
 * returns to (1/4, 1/4, 1/4) to within what fmax allows (force constants ~10 eV/Å^2: 5e-4 Å,
 * 1e-4 in fractional coordinates).  Then one option overrides the file (one step, exit 1). */
static void test_program_qe_vc_relax(void)
{
    char lib[4096], in[600], js[600], out[600], err[600], args[4096], text[8192];
    if (!qe_run_paths("relax_si2_vc", lib, in, js, out, err)) return;
    snprintf(text, sizeof text,
             "&control\n  calculation = 'vc-relax', pseudo_dir = '%s'\n"
             "  forc_conv_thr = 2.0d-4, etot_conv_thr = 1.0d-5, nstep = 30\n/\n"
             "&system\n  ibrav = 0, nat = 2, ntyp = 1, ecutwfc = 24.0, occupations = 'fixed'\n/\n"
             "&electrons\n  conv_thr = 1.0d-10, mixing_beta = 0.5\n/\n"
             "&ions\n  ion_dynamics = 'bfgs'\n/\n"
             "&cell\n  cell_dynamics = 'bfgs', press = 5.0, press_conv_thr = 0.3, cell_dofree = 'all'\n/\n"
             "ATOMIC_SPECIES\nSi 28.086 Si.upf\n"
             "CELL_PARAMETERS angstrom\n  0.0 2.78 2.78\n  2.78 0.0 2.78\n  2.78 2.78 0.0\n"
             "ATOMIC_POSITIONS crystal\nSi 0.00 0.00 0.00 0 0 0\nSi 0.26 0.25 0.245\n"
             "K_POINTS automatic\n2 2 2 0 0 0\n",
             lib);
    LS_CHECK_OK(ls_file_write_atomic(in, text, strlen(text)));
    snprintf(args, sizeof args, "%s --json %s --out %s --checkpoint none", in, js, out);
    double t0 = ls_wall_time();
    int rc = run(args, err);
    LS_CHECK_MSG(rc == 0, "exit code %d (see %s)", rc, err);
    LS_CHECK(ls_test_file_has(js, "\"relax_cell\": true") && ls_test_file_has(js, "\"converged\": true") &&
             ls_test_file_has(js, "\"optimizer\": \"bfgs\""));
    LS_CHECK_NEAR(json_number(js, "target_pressure_GPa"), 0.5, 1e-15);
    LS_CHECK_NEAR(json_number(js, "stress_threshold_GPa"), 0.03, 1e-15);
    LS_CHECK_NEAR(json_number(js, "fmax_threshold_eV_per_A"), 5.1422067476325886e-3, 1e-15);
    LS_CHECK_NEAR(json_number(js, "energy_threshold_eV"), 1.3605693122994e-4, 1e-16);
    LS_CHECK_NEAR(json_number(js, "max_steps"), 29, 0);
    LS_CHECK(ls_test_file_has(js, "\"fmax\": \"pw.x input\"") && ls_test_file_has(js, "\"pressure\": \"pw.x input\"") &&
             ls_test_file_has(js, "\"cell\": \"pw.x input\"") && ls_test_file_has(js, "\"steps\": \"pw.x input\""));
    double P = json_number(js, "pressure_GPa"), n_steps = json_number(js, "n_steps");
    LS_CHECK_MSG(fabs(P - 0.5) < 0.03, "pressure %.4f GPa, target 0.5 +- 0.03", P);
    LS_CHECK(ls_test_file_has(err, "relax settings: cell relaxed (pw.x input: calculation = 'vc-relax')") &&
             ls_test_file_has(err, "fmax 0.00514221 eV/A (pw.x input: forc_conv_thr = 0.0002 Ry/bohr)"));
    /* The displaced start has 4 operations; the 2 that keep the fixed atom 1 on itself stay (the
     * others, inversion among them, swap atoms 1 and 2). */
    LS_CHECK(ls_test_file_has(err, "2 of the 4 symmetry operations map the fixed atoms onto fixed atoms"));
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_read(out, LS_FORMAT_AUTO, &s));
    if (s) {
        double f[2][3], V = fabs(ls_cell_volume(s->cell)) * pow(LS_BOHR_ANGSTROM, 3);
        ls_structure_frac(s, f);
        for (int k = 0; k < 3; k++) {
            LS_CHECK_NEAR(f[0][k], 0.0, 1e-12);
            LS_CHECK_NEAR(f[1][k] - f[0][k], 0.25, 2e-4);
        }
        LS_CHECK(V > 1.01 * 2 * 2.78 * 2.78 * 2.78); /* the cell grew (start 42.97 Å^3; about 43.95) */
        printf("  pw.x vc-relax Si2 (atom 1 fixed, 5 kbar): %.0f steps, %.1f s, P = %.4f GPa, V = %.3f A^3, "
               "atom 2 - atom 1 - (1/4,1/4,1/4) = %.1e\n",
               n_steps, ls_wall_time() - t0, P, V, fabs(f[1][0] - f[0][0] - 0.25) + fabs(f[1][2] - f[0][2] - 0.25));
    }
    ls_structure_destroy(s);
    /* The command line overrides the file, and the log and the JSON say so. */
    snprintf(args, sizeof args, "%s --json %s --checkpoint none --fmax 0.5 --steps 0", in, js);
    LS_CHECK(run(args, err) == 1); /* one SCF, the stress is not converged: exit 1 */
    LS_CHECK_NEAR(json_number(js, "fmax_threshold_eV_per_A"), 0.5, 0);
    LS_CHECK_NEAR(json_number(js, "max_steps"), 0, 0);
    LS_CHECK(ls_test_file_has(js, "\"fmax\": \"command line\"") && ls_test_file_has(js, "\"steps\": \"command line\"") &&
             ls_test_file_has(js, "\"stress_tol\": \"pw.x input\""));
    LS_CHECK(ls_test_file_has(err, "fmax 0.5 eV/A (command line)") && ls_test_file_has(err, "steps 0 (command line)"));
}

/* A pw.x vc-relax input with cell_dofree = 'shape' (the cell shape at fixed volume) and the
 * keys that tune pw.x's own optimiser: Si2 in a tetragonally strained fcc cell, the
 * conventional axes scaled by (1.02, 1.02, 1/1.02^2) from a = 5.56 Å, which keeps the volume
 * (2.78^3 x 2 = 42.97 Å^3).  The diamond sites keep their site symmetry under this strain, so
 * only the cell moves.  Expected: the cubic shape back (the deviatoric stress below
 * press_conv_thr = 0.3 kbar = 0.03 GPa; with (c11 - c12)/2 of order 50 GPa the strain left is
 * below 1e-3, against 2.9 % between |a3| and |a1| at the start: |a1| = h sqrt(1.02^2 + 1.02^-4),
 * |a3| = 1.02 h sqrt 2, h = 2.78 Å) at exactly the starting volume (det D = 1 by construction:
 * 1e-12 relative), and one log line per tuning key. */
static void test_program_qe_shape(void)
{
    char lib[4096], in[600], js[600], out[600], err[600], args[4096], text[8192];
    if (!qe_run_paths("relax_si2_shape", lib, in, js, out, err)) return;
    const double h = 2.78, sx = 1.02, sz = 1.0 / (1.02 * 1.02); /* half the conventional a, strains */
    snprintf(text, sizeof text,
             "&control\n  calculation = 'vc-relax', pseudo_dir = '%s'\n  forc_conv_thr = 2.0d-4\n/\n"
             "&system\n  ibrav = 0, nat = 2, ntyp = 1, ecutwfc = 24.0, occupations = 'fixed'\n/\n"
             "&electrons\n  conv_thr = 1.0d-10, mixing_beta = 0.5\n/\n"
             "&ions\n  ion_dynamics = 'bfgs', pot_extrapolation = 'second_order', wfc_extrapolation = 'none'\n"
             "  upscale = 100, bfgs_ndim = 3, trust_radius_max = 0.5, trust_radius_min = 1d-4\n"
             "  trust_radius_ini = 0.3, w_1 = 0.01, w_2 = 0.5\n/\n"
             "&cell\n  cell_dynamics = 'bfgs', press_conv_thr = 0.3, cell_dofree = 'Shape', cell_factor = 2.0\n"
             "  wmass = 0.01\n/\n"
             "ATOMIC_SPECIES\nSi 28.086 Si.upf\n"
             "CELL_PARAMETERS angstrom\n  0.0 %.15f %.15f\n  %.15f 0.0 %.15f\n  %.15f %.15f 0.0\n"
             "ATOMIC_POSITIONS crystal\nSi 0.00 0.00 0.00\nSi 0.25 0.25 0.25\n"
             "K_POINTS automatic\n2 2 2 0 0 0\n",
             lib, sx * h, sz * h, sx * h, sz * h, sx * h, sx * h);
    LS_CHECK_OK(ls_file_write_atomic(in, text, strlen(text)));
    const double V0 = 2 * (sx * h) * (sx * h) * (sz * h); /* |det| of the rows above, Å^3 */
    snprintf(args, sizeof args, "%s --json %s --out %s --checkpoint none", in, js, out);
    double t0 = ls_wall_time();
    int rc = run(args, err);
    LS_CHECK_MSG(rc == 0, "exit code %d (see %s)", rc, err);
    LS_CHECK(ls_test_file_has(js, "\"relax_cell\": true") && ls_test_file_has(js, "\"fixed_volume\": true") &&
             ls_test_file_has(js, "\"converged\": true") && ls_test_file_has(js, "\"cell\": \"pw.x input\""));
    LS_CHECK(ls_test_file_has(err, "relax settings: cell shape at fixed volume (pw.x input: calculation = 'vc-relax', "
                           "cell_dofree = 'shape')"));
    static const char *const tuning[] = {"pot_extrapolation", "wfc_extrapolation", "upscale", "bfgs_ndim",
                                         "trust_radius_max", "trust_radius_min", "trust_radius_ini", "w_1",
                                         "w_2", "cell_factor", "wmass"};
    for (size_t k = 0; k < sizeof tuning / sizeof *tuning; k++) {
        char line[160];
        snprintf(line, sizeof line, "%s tunes pw.x's own optimiser and is not used here", tuning[k]);
        LS_CHECK_MSG(ls_test_file_has(err, line), "log line for %s (see %s)", tuning[k], err);
    }
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_read(out, LS_FORMAT_AUTO, &s));
    if (s) {
        double len[3], ang[3], V = json_number(js, "volume_A3");
        ls_cell_parameters(s->cell, len, ang);
        double spread = (fmax(len[0], fmax(len[1], len[2])) - fmin(len[0], fmin(len[1], len[2]))) / len[0];
        LS_CHECK_NEAR(V / V0, 1.0, 1e-12);
        LS_CHECK_MSG(spread < 1e-3, "|a_i| spread %.2e after the shape relaxation (start 2.9e-2)", spread);
        for (int k = 0; k < 3; k++) LS_CHECK_NEAR(ang[k], 60.0, 0.1);
        printf("  pw.x vc-relax, cell_dofree = 'shape', Si2: %.0f steps, %.1f s, V/V0 - 1 = %.1e, |a_i| spread "
               "%.1e, P = %.3f GPa\n",
               json_number(js, "n_steps"), ls_wall_time() - t0, V / V0 - 1, spread, json_number(js, "pressure_GPa"));
    }
    ls_structure_destroy(s);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_si2_library);
    LS_RUN(test_program);
    LS_RUN(test_program_qe_vc_relax);
    LS_RUN(test_program_qe_shape);
    return ls_test_summary("test_cmd_relax");
}
