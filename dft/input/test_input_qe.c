/* Tests of the pw.x reader's relaxation part (dft/input/input_qe.c, dft/input/input_qe_relax.c):
 * calculation = 'relax' / 'vc-relax', forc_conv_thr, etot_conv_thr, nstep, &ions, &cell and
 * the ATOMIC_POSITIONS if_pos flags.
 *
 * - Values are converted to the units of struct dft_relax_request; each expected number is
 *   computed by hand next to its check from the constants of common/units.h (CODATA 2018):
 *   1 Ry/bohr = 0.5 x 27.211386245988 eV / 0.529177210903 Å = 25.711033738162943 eV/Å,
 *   (the figure 25.71104309541616 sometimes quoted does not follow from these constants),
 *   1 Ry = 0.5 x 27.211386245988 eV = 13.605693122994 eV, 1 kbar = 0.1 GPa.
 * - Keys not given hold pw.x's defaults (INPUT_PW of QE 6.7 / 7.2: forc_conv_thr 1e-3 Ry/bohr,
 *   etot_conv_thr 1e-4 Ry, nstep 50, ion_dynamics 'bfgs', press 0, press_conv_thr 0.5 kbar).
 * - if_pos 0 (pw.x: fixed) becomes fixed = 1; no fixed array when nothing is fixed.
 * - Every documented error is LS_ERR_INPUT with "FILE:LINE:" of the offending key and the fix;
 *   'lodestone scf' and 'lodestone eos' refuse a relax input (exit code 2, file and line).
 * Nothing here runs an SCF (the end-to-end vc-relax is in dft/test_relax_dft.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/dft.h"
#include "dft/input/test_qe_util.h"

/* Lines 1-3 are &control, calculation and pseudo_dir; the &control extras follow from line 4. */
#define HEAD(calc, control) "&control\n  calculation = '" calc "'\n  pseudo_dir = '@LIB@'\n" control "/\n" SYSTEM
#define SYSTEM "&system\n  ibrav = 0, nat = 2, ntyp = 1, ecutwfc = 30\n/\n&electrons\n/\n"
#define CARDS(pos1, pos2)                                                                                   \
    "ATOMIC_SPECIES\nSi 28.086 Si.upf\nCELL_PARAMETERS angstrom\n  0.0 2.7155 2.7155\n  2.7155 0.0 2.7155\n" \
    "  2.7155 2.7155 0.0\nATOMIC_POSITIONS crystal\n" pos1 "\n" pos2 "\nK_POINTS automatic\n2 2 2 0 0 0\n"
#define SI_CARDS CARDS("Si 0.0 0.0 0.0", "Si 0.25 0.25 0.25")

/* Every key given, untidy values, Fortran exponents, mixed case. */
static void test_vc_relax_values(void)
{
    const char *text = HEAD("VC-Relax", "  forc_conv_thr = 2.5d-4, etot_conv_thr = 3.7e-5\n  nstep = 37\n")
        "&ions\n  ion_dynamics = 'BFGS'\n/\n"
        "&cell\n  cell_dynamics = 'bfgs', press = 12.5, press_conv_thr = 0.2\n  cell_dofree = 'all'\n/\n" SI_CARDS;
    dft_params p;
    char path[1024];
    LS_CHECK_OK(read_text("qe_vc.in", text, &p, path, sizeof path));
    const struct dft_relax_request *r = &g_req;
    LS_CHECK(r->kind == DFT_RELAX_CELL && r->line == 2);
    LS_CHECK(r->has_forc_conv_thr && r->has_etot_conv_thr && r->has_nstep && r->has_ion_dynamics &&
             r->has_cell_dynamics && r->has_press && r->has_press_conv_thr && r->has_cell_dofree);
    LS_CHECK(r->fixed_volume == 0); /* cell_dofree = 'all' */
    /* 2.5e-4 Ry/bohr x 25.711033738162943 eV/Å per Ry/bohr = 6.427758434540735e-3 eV/Å */
    LS_CHECK_NEAR(r->forc_conv_thr_ev_a, 6.427758434540735e-3, 1e-17);
    /* 3.7e-5 Ry x 13.605693122994 eV/Ry = 5.0341064555078e-4 eV */
    LS_CHECK_NEAR(r->etot_conv_thr_ev, 5.0341064555078e-4, 1e-17);
    LS_CHECK(r->nstep == 37);
    LS_CHECK(strcmp(r->optimizer, "bfgs") == 0);
    LS_CHECK_NEAR(r->press_gpa, 1.25, 1e-15);           /* 12.5 kbar x 0.1 GPa/kbar */
    LS_CHECK_NEAR(r->press_conv_thr_gpa, 0.02, 1e-15);  /* 0.2 kbar x 0.1 GPa/kbar */
    LS_CHECK(p.structure && p.structure->fixed == NULL); /* no if_pos flags: nothing fixed */
    dft_params_free(&p);
}

/* cell_dofree = 'shape' (any case): the shape at fixed volume; with pw.x's optimiser-tuning
 * keys, which are accepted and change nothing in the request. */
static void test_vc_relax_shape(void)
{
    const char *text = HEAD("vc-relax", "")
        "&ions\n  pot_extrapolation = 'ATOMIC', upscale = 10, bfgs_ndim = 1, trust_radius_max = 0.8d0\n/\n"
        "&cell\n  cell_dofree = 'SHAPE', cell_factor = 2.0, wmass = 1.5\n/\n" SI_CARDS;
    dft_params p;
    char path[1024];
    LS_CHECK_OK(read_text("qe_shape.in", text, &p, path, sizeof path));
    const struct dft_relax_request *r = &g_req;
    LS_CHECK(r->kind == DFT_RELAX_CELL && r->has_cell_dofree && r->fixed_volume == 1);
    LS_CHECK(!r->has_press && r->press_gpa == 0.0 && !r->has_ion_dynamics && strcmp(r->optimizer, "bfgs") == 0);
    dft_params_free(&p);
}

/* Nothing but calculation: pw.x's defaults, none marked as given. */
static void test_relax_defaults(void)
{
    dft_params p;
    char path[1024];
    LS_CHECK_OK(read_text("qe_relax.in", HEAD("relax", "") "&ions\n/\n" SI_CARDS, &p, path, sizeof path));
    const struct dft_relax_request *r = &g_req;
    LS_CHECK(r->kind == DFT_RELAX_POSITIONS && r->line == 2);
    LS_CHECK(!r->has_forc_conv_thr && !r->has_etot_conv_thr && !r->has_nstep && !r->has_ion_dynamics &&
             !r->has_cell_dynamics && !r->has_press && !r->has_press_conv_thr && !r->has_cell_dofree &&
             !r->fixed_volume);
    LS_CHECK_NEAR(r->forc_conv_thr_ev_a, 0.025711033738162943, 1e-17); /* 1e-3 Ry/bohr */
    LS_CHECK_NEAR(r->etot_conv_thr_ev, 1.3605693122994e-3, 1e-17);    /* 1e-4 Ry */
    LS_CHECK(r->nstep == 50 && strcmp(r->optimizer, "bfgs") == 0);
    LS_CHECK_NEAR(r->press_gpa, 0.0, 0.0);
    LS_CHECK_NEAR(r->press_conv_thr_gpa, 0.05, 1e-17);                /* 0.5 kbar */
    dft_params_free(&p);

    /* FIRE (pw.x 7), in capitals; a relaxation without &ions at all is fine. */
    LS_CHECK_OK(read_text("qe_relax.in", HEAD("relax", "") "&ions\n  ion_dynamics = 'FIRE'\n/\n" SI_CARDS, &p, path,
                          sizeof path));
    LS_CHECK(g_req.has_ion_dynamics && strcmp(g_req.optimizer, "fire") == 0);
    dft_params_free(&p);
    LS_CHECK_OK(read_text("qe_relax.in", HEAD("relax", "") SI_CARDS, &p, path, sizeof path));
    LS_CHECK(g_req.kind == DFT_RELAX_POSITIONS);
    dft_params_free(&p);
}

/* 'scf', or no calculation (pw.x's default): no relaxation; empty &ions / &cell are harmless. */
static void test_scf(void)
{
    dft_params p;
    char path[1024];
    LS_CHECK_OK(read_text("qe_scf.in", HEAD("scf", "") "&ions\n/\n&cell\n/\n" SI_CARDS, &p, path, sizeof path));
    LS_CHECK(g_req.kind == DFT_RELAX_NONE && g_req.line == 2);
    LS_CHECK_OK(dft_relax_request_check_single_point(&g_req, p.source, "lodestone scf"));
    dft_params_free(&p);
    LS_CHECK_OK(read_text("qe_scf.in", "&control\n  pseudo_dir = '@LIB@'\n/\n" SYSTEM SI_CARDS, &p, path, sizeof path));
    LS_CHECK(g_req.kind == DFT_RELAX_NONE && g_req.line == 0);
    dft_params_free(&p);
}

/* if_pos: 0 = fixed in pw.x, fixed = 1 in Lodestone; an atom without flags is free. */
static void test_if_pos(void)
{
    const char *text = "&control\n  calculation = 'relax'\n  pseudo_dir = '@LIB@'\n/\n"
                       "&system\n  ibrav = 0, nat = 3, ntyp = 1, ecutwfc = 30\n/\n&electrons\n/\n"
                       "ATOMIC_SPECIES\nSi 28.086 Si.upf\nCELL_PARAMETERS angstrom\n  0.0 2.7155 2.7155\n"
                       "  2.7155 0.0 2.7155\n  2.7155 2.7155 0.0\nATOMIC_POSITIONS crystal\n"
                       "Si 0.0 0.0 0.0 0 0 0\nSi 0.25 0.25 0.25 1 0 1\nSi 0.5 0.5 0.5\nK_POINTS gamma\n";
    dft_params p;
    char path[1024];
    LS_CHECK_OK(read_text("qe_ifpos.in", text, &p, path, sizeof path));
    const ls_structure *s = p.structure;
    LS_CHECK(s && s->fixed);
    if (s && s->fixed) {
        const int want[3][3] = {{1, 1, 1}, {0, 1, 0}, {0, 0, 0}};
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++) LS_CHECK_MSG(s->fixed[i][k] == want[i][k], "atom %d coordinate %d", i + 1, k);
    }
    dft_params_free(&p);
    /* All flags 1: nothing fixed, no array (symmetry and outputs as without flags). */
    LS_CHECK_OK(read_text("qe_ifpos.in", HEAD("relax", "") CARDS("Si 0.0 0.0 0.0 1 1 1", "Si 0.25 0.25 0.25 1 1 1"),
                          &p, path, sizeof path));
    LS_CHECK(p.structure && p.structure->fixed == NULL);
    dft_params_free(&p);
}

/* Error cases: the text, the line the message must name, and text it must contain. */
struct bad_case {
    const char *text;
    int line;
    const char *expect;
};

static const struct bad_case bad_cases[] = {
    /* calculation */
    {HEAD("ensemble", "") SI_CARDS, 2, "calculation = 'ensemble': expected one of scf, nscf, bands, relax, vc-relax"},
    {HEAD("bands", "") SI_CARDS, 19, "calculation = 'bands' needs a list or a path of k-points"},
    /* &ions */
    {HEAD("relax", "") "&ions\n  ion_dynamics = 'langevin'\n/\n" SI_CARDS, 11, "ion_dynamics = 'langevin' is not supported: use 'bfgs', 'fire' or 'damp'"},
    {HEAD("relax", "") "&ions\n  ion_dynamics = 'verlet'\n/\n" SI_CARDS, 11, "use 'bfgs', 'fire' or 'damp' (minimisers"},
    {HEAD("relax", "") "&ions\n  ion_sneeze = .true.\n/\n" SI_CARDS, 11, "the key 'ion_sneeze' in &ions is not supported by Lodestone"},
    {HEAD("relax", "") "&ions\n  refold_pos = maybe\n/\n" SI_CARDS, 11, "refold_pos = maybe: expected .true. or .false."},
    /* pw.x's optimiser-tuning keys: accepted unused, but their values are checked */
    {HEAD("relax", "") "&ions\n  upscale = lots\n/\n" SI_CARDS, 11, "upscale = lots: expected a number"},
    {HEAD("relax", "") "&ions\n  pot_extrapolation = 'cubic'\n/\n" SI_CARDS, 11, "pot_extrapolation = 'cubic': expected one of none|atomic|first_order|second_order"},
    {HEAD("relax", "") "&ions\n  wfc_extrapolation = 'atomic'\n/\n" SI_CARDS, 11, "expected one of none|first_order|second_order"},
    {HEAD("vc-relax", "") "&ions\n/\n&cell\n  cell_factor = big\n/\n" SI_CARDS, 13, "cell_factor = big: expected a number"},
    {HEAD("scf", "") "&ions\n  trust_radius_max = 0.5\n/\n" SI_CARDS, 11, "'trust_radius_max' is a relaxation setting, but the calculation is 'scf'"},
    {HEAD("relax", "") "&ions\n/\n&cell\n  wmass = 0.01\n/\n" SI_CARDS, 13, "'wmass' in &cell needs calculation = 'vc-relax'"},
    /* &cell */
    {HEAD("vc-relax", "") "&ions\n/\n&cell\n  cell_dynamics = 'pr'\n/\n" SI_CARDS, 13, "cell_dynamics = 'pr' is not supported: use 'bfgs'"},
    {HEAD("vc-relax", "") "&ions\n/\n&cell\n  cell_dofree = 'ibrav'\n/\n" SI_CARDS, 13, "use 'all' (the whole cell) or 'shape' (the shape at fixed volume)"},
    {HEAD("vc-relax", "") "&ions\n/\n&cell\n  cell_dofree = 'x'\n/\n" SI_CARDS, 13, "cell_dofree = 'x' is not supported"},
    {HEAD("vc-relax", "") "&ions\n/\n&cell\n  cell_dofree = 'volume'\n/\n" SI_CARDS, 13, "cell_dofree = 'volume' is not supported"},
    {HEAD("vc-relax", "") "&ions\n/\n&cell\n  cell_dofree = 'shape'\n  press = 10\n/\n" SI_CARDS, 13, "cell_dofree = 'shape' keeps the volume fixed, so press = 10 kbar has no effect"},
    {HEAD("vc-relax", "") "&ions\n/\n&cell\n  cell_dofree = '2Dxy'\n/\n" SI_CARDS, 13, "cell_dofree = '2Dxy' is not supported"},
    {HEAD("vc-relax", "") "&ions\n/\n&cell\n  cell_dofree = 'all', iforceh = 1\n/\n" SI_CARDS, 13, "the key 'iforceh' in &cell is not supported"},
    {HEAD("vc-relax", "") "&ions\n/\n&cell\n  press = high\n/\n" SI_CARDS, 13, "press = high: expected a number (kbar)"},
    {HEAD("vc-relax", "") "&ions\n/\n&cell\n  press_conv_thr = 0\n/\n" SI_CARDS, 13, "press_conv_thr = 0: must be positive (kbar)"},
    /* ion_dynamics = 'fire' with cell_dynamics = 'bfgs' */
    {HEAD("vc-relax", "") "&ions\n  ion_dynamics = 'fire'\n/\n&cell\n  cell_dynamics = 'bfgs'\n/\n" SI_CARDS, 11, "contradicts cell_dynamics = 'bfgs'"},
    /* relaxation keys that the calculation does not use: pw.x ignores them, Lodestone refuses */
    {HEAD("scf", "") "&ions\n  ion_dynamics = 'bfgs'\n/\n" SI_CARDS, 11, "'ion_dynamics' is a relaxation setting, but the calculation is 'scf'"},
    {HEAD("scf", "  forc_conv_thr = 1e-4\n") SI_CARDS, 4, "'forc_conv_thr' is a relaxation setting"},
    {HEAD("scf", "  nstep = 10\n") SI_CARDS, 4, "set calculation = 'relax' or 'vc-relax'"},
    {"&control\n  etot_conv_thr = 1e-5\n  calculation = 'scf'\n/\n" SYSTEM SI_CARDS, 2, "'etot_conv_thr' is a relaxation setting"},
    {HEAD("scf", "") "&ions\n/\n&cell\n  press = 10\n/\n" SI_CARDS, 13, "'press' in &cell needs calculation = 'vc-relax' (the calculation is 'scf'"},
    {HEAD("relax", "") "&ions\n/\n&cell\n  cell_dofree = 'all'\n/\n" SI_CARDS, 13, "needs calculation = 'vc-relax' (the calculation is 'relax'"},
    {HEAD("relax", "") "&ions\n/\n&cell\n  cell_dynamics = 'bfgs'\n/\n" SI_CARDS, 13, "'cell_dynamics' in &cell needs"},
    /* bad values */
    {HEAD("relax", "  forc_conv_thr = -1e-3\n") SI_CARDS, 4, "forc_conv_thr = -1e-3: must be positive (Ry/bohr)"},
    {HEAD("relax", "  etot_conv_thr = tight\n") SI_CARDS, 4, "etot_conv_thr = tight: expected a number (Ry)"},
    {HEAD("relax", "  nstep = 0\n") SI_CARDS, 4, "nstep = 0: expected 1 to"},
    {HEAD("relax", "  nstep = 2.5\n") SI_CARDS, 4, "nstep = 2.5: expected a whole number"},
    /* if_pos flags (ATOMIC_POSITIONS at line 16, atoms at 17 and 18) */
    {HEAD("relax", "") CARDS("Si 0.0 0.0 0.0 0 2 1", "Si 0.25 0.25 0.25"), 17, "if_pos flag '2' must be 0 (coordinate fixed) or 1"},
    {HEAD("relax", "") CARDS("Si 0.0 0.0 0.0", "Si 0.25 0.25 0.25 1 1 x"), 18, "if_pos flag 'x' must be 0"},
    {HEAD("relax", "") CARDS("Si 0.0 0.0 0.0 1 0", "Si 0.25 0.25 0.25"), 17, "found 6 fields"},
    {HEAD("relax", "") CARDS("Si 0.0 0.0 0.0 fixed", "Si 0.25 0.25 0.25"), 17, "'Label x y z if_x if_y if_z'"},
    {HEAD("relax", "") CARDS("Si 0.0 0.0 0.0", "Si 0.25 0.25 0.25 0 0 0 junk"), 18, "found more than 7 fields"},
    {HEAD("relax", "") CARDS("Si 0.0 0.0 0.0", "Si 0.25 0.25 0.25 -1 0 0"), 18, "if_pos flag '-1'"},
};

static void test_errors(void)
{
    char path[1024];
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        dft_params p;
        int status = read_text("qe_bad.in", c->text, &p, path, sizeof path);
        const char *msg = ls_error_message();
        char where[1100];
        snprintf(where, sizeof where, "%s:%d:", path, c->line);
        LS_CHECK_MSG(status == LS_ERR_INPUT, "case %zu: status %d, expected LS_ERR_INPUT (%s)", i, status, msg);
        LS_CHECK_MSG(strstr(msg, where) != NULL, "case %zu: '%s' does not name %s", i, msg, where);
        LS_CHECK_MSG(strstr(msg, c->expect) != NULL, "case %zu: '%s' does not contain '%s'", i, msg, c->expect);
        ls_error_clear();
        dft_params_free(&p);
    }
}

/* Commands that compute the given geometry only refuse a relax input, naming the line. */
static void test_single_point_refused(void)
{
    dft_params p;
    char path[1024], where[1200];
    LS_CHECK_OK(read_text("qe_refuse.in", HEAD("vc-relax", "") SI_CARDS, &p, path, sizeof path));
    LS_CHECK(dft_relax_request_check_single_point(&g_req, p.source, "lodestone scf") == LS_ERR_INPUT);
    snprintf(where, sizeof where, "%s:2: calculation = 'vc-relax' asks for a relaxation, which 'lodestone scf'", path);
    LS_CHECK_MSG(strstr(ls_error_message(), where) != NULL, "%s", ls_error_message());
    LS_CHECK_MSG(strstr(ls_error_message(), "run 'lodestone relax ") != NULL, "%s", ls_error_message());
    ls_error_clear();
    dft_params_free(&p);
    /* The readers for a computation of the given geometry refuse it themselves. */
    dft_params_init(&p);
    LS_CHECK(dft_params_read(path, &p) == LS_ERR_INPUT);
    snprintf(where, sizeof where, "%s:2: calculation = 'vc-relax' asks for a relaxation, which a single-point "
             "calculation does not do", path);
    LS_CHECK_MSG(strstr(ls_error_message(), where) != NULL, "%s", ls_error_message());
    dft_params_free(&p);
    dft_params_init(&p);
    LS_CHECK(dft_params_read_qe(path, &p) == LS_ERR_INPUT);
    dft_params_free(&p);
}

static int run_program(const char *args, const char *err_path)
{
    return ls_test_run(NULL, args, NULL, err_path);
}

/* Through the program: exit code 2 and FILE:LINE on stderr, before any SCF. */
static void test_program(void)
{
    char in[1024], err[1024], args[2100], where[1100];
    scratch("qe_prog.in", HEAD("relax", "") SI_CARDS, in, sizeof in);
    ls_test_tmp_path(err, sizeof err, "qe_prog.err");
    snprintf(where, sizeof where, "%s:2:", in);
    snprintf(args, sizeof args, "scf '%s'", in);
    LS_CHECK(run_program(args, err) == 2);
    LS_CHECK_MSG(ls_test_file_has(err, where) && ls_test_file_has(err, "lodestone relax"), "scf: see %s", err);
    snprintf(args, sizeof args, "eos '%s' --checkpoint none", in);
    LS_CHECK(run_program(args, err) == 2);
    LS_CHECK_MSG(ls_test_file_has(err, where) && ls_test_file_has(err, "'lodestone eos'"), "eos: see %s", err);
    /* An input error of a relax input: exit 2 from relax too. */
    scratch("qe_prog.in", HEAD("vc-relax", "") "&ions\n/\n&cell\n  cell_dofree = 'volume'\n/\n" SI_CARDS, in, sizeof in);
    snprintf(where, sizeof where, "%s:13:", in);
    snprintf(args, sizeof args, "relax '%s' --checkpoint none", in);
    LS_CHECK(run_program(args, err) == 2);
    LS_CHECK_MSG(ls_test_file_has(err, where) && ls_test_file_has(err, "cell_dofree = 'volume'"), "relax: see %s", err);
}

int main(void)
{
    ls_log_set_level(LS_LOG_ERROR);
    if (qe_test_init("test_input_qe")) return 1;
    LS_RUN(test_vc_relax_values);
    LS_RUN(test_vc_relax_shape);
    LS_RUN(test_relax_defaults);
    LS_RUN(test_scf);
    LS_RUN(test_if_pos);
    LS_RUN(test_errors);
    LS_RUN(test_single_point_refused);
    LS_RUN(test_program);
    return ls_test_summary("test_input_qe");
}
