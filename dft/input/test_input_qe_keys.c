/* Tests of the pw.x reader's keys and cards (dft/input/input_qe*.c): K_POINTS in every form,
 * arithmetic in positions, occupations from input and tetrahedra, keys accepted and not used,
 * features refused (exit code 2, file, line, "not supported by Lodestone"), the density file of
 * nscf/bands runs, QE's *.gth files, and the findings of issue 12's bad-input sweep about pw.x
 * inputs, each with its regression case.  Nothing here runs an SCF.
 *
 * Inputs: Si2 in pw.x's fcc cell (ibrav = 2, celldm(1) = 10.26), PseudoDojo's Si.upf from
 * inputs/pseudo/pd04-pbe-sr (4 valence electrons per atom).  Expected numbers are worked out by
 * hand next to each check: k in tpiba units becomes fractional as k_i = k . a_i / alat with pw.x's
 * fcc vectors a1 = (-1,0,1)/2, a2 = (0,1,1)/2, a3 = (-1,1,0)/2 (in alat).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/units.h"
#include "dft/dft.h"
#include "dft/input/test_qe_util.h"
#include "dft/pseudo/pseudo.h"

/* &control (2 lines, then the extra ones) */
#define CONTROL(extra) "&control\n pseudo_dir = '@LIB@'\n" extra "/\n"
/* &system with extras, &electrons with extras, then the species and positions */
#define SYSTEM(extra) "&system\n ibrav = 2, celldm(1) = 10.26, nat = 2, ntyp = 1, ecutwfc = 20\n" extra "/\n"
#define ELECTRONS(extra) "&electrons\n" extra "/\n"
#define SPECIES "ATOMIC_SPECIES\nSi 28.086 Si.upf\n"
#define POSITIONS "ATOMIC_POSITIONS alat\nSi 0.00 0.00 0.00\nSi 0.25 0.25 0.25\n"
#define KAUTO "K_POINTS automatic\n2 2 2 0 0 0\n"
#define INPUT(ctl, sys, el, cards) CONTROL(ctl) SYSTEM(sys) ELECTRONS(el) SPECIES POSITIONS cards

static int read_ok(const char *text, dft_params *p)
{
    char path[1024];
    int status = read_text("qe_keys.in", text, p, path, sizeof path);
    if (status != LS_OK) fprintf(stderr, "    unexpected error: %s\n", ls_error_message());
    return status;
}

/* The error: code, the line named ("qe_keys.in:LINE:"), and a text the message contains. */
static void check_error(const char *text, int code, int line, const char *expect)
{
    char path[1024], where[1100];
    dft_params p;
    int status = read_text("qe_keys.in", text, &p, path, sizeof path);
    const char *msg = ls_error_message();
    snprintf(where, sizeof where, "%s:%d:", path, line);
    LS_CHECK_MSG(status == code, "status %d, expected %d (%s)", status, code, msg);
    LS_CHECK_MSG(line == 0 || strstr(msg, where) != NULL, "'%s' does not name %s", msg, where);
    LS_CHECK_MSG(strstr(msg, expect) != NULL, "'%s' does not contain '%s'", msg, expect);
    ls_error_clear();
    dft_params_free(&p);
}

/* fractional from tpiba for pw.x's fcc */
static void fcc_frac(const double k[3], double f[3])
{
    static const double a[3][3] = {{-0.5, 0, 0.5}, {0, 0.5, 0.5}, {-0.5, 0.5, 0}};
    for (int i = 0; i < 3; i++) f[i] = k[0] * a[i][0] + k[1] * a[i][1] + k[2] * a[i][2];
}

static void test_kpoints_lists(void)
{
    dft_params p;
    /* no option: tpiba; weights kept as given (the engine normalises) */
    LS_CHECK_OK(read_ok(INPUT("", "", "", "K_POINTS\n2\n 0.25 0.25 0.25 1.0\n 0.25 0.25 0.75 3.0\n"), &p));
    LS_CHECK(p.n_klist == 2 && p.klist_symmetry == 1);
    double f[3], k1[3] = {0.25, 0.25, 0.75};
    fcc_frac(k1, f); /* (0, 0.5, 0.25) */
    for (int d = 0; d < 3 && p.n_klist == 2; d++) LS_CHECK_NEAR(p.klist[1].k[d], f[d], 1e-15);
    LS_CHECK(p.n_klist == 2 && p.klist[1].weight == 3.0);
    dft_params_free(&p);
    /* crystal: as given */
    LS_CHECK_OK(read_ok(INPUT("", "", "", "K_POINTS {crystal}\n1\n 0.125 -0.375 0.5 2\n"), &p));
    LS_CHECK(p.n_klist == 1 && p.klist[0].k[0] == 0.125 && p.klist[0].k[1] == -0.375 && p.klist[0].k[2] == 0.5);
    dft_params_free(&p);
    /* gamma and automatic: the mesh */
    LS_CHECK_OK(read_ok(INPUT("", "", "", "K_POINTS gamma\n"), &p));
    LS_CHECK(p.n_klist == 0 && p.kmesh[0] == 1 && p.kmesh[1] == 1 && p.kmesh[2] == 1 && p.kshift[0] == 0);
    dft_params_free(&p);
    LS_CHECK_OK(read_ok(INPUT("", "", "", "K_POINTS (automatic)\n 3 4 5 1 0 1\n"), &p));
    LS_CHECK(p.n_klist == 0 && p.kmesh[0] == 3 && p.kmesh[1] == 4 && p.kmesh[2] == 5 && p.kshift[0] == 1 &&
             p.kshift[1] == 0 && p.kshift[2] == 1);
    dft_params_free(&p);
    /* nosym: pw.x uses a list as given (irreducible_BZ with the identity only) */
    LS_CHECK_OK(read_ok(INPUT("", " nosym = .true.\n", "", "K_POINTS tpiba\n1\n 0.1 0.2 0.3 1\n"), &p));
    LS_CHECK(p.n_klist == 1 && p.klist_symmetry == 0 && p.use_symmetry == 0);
    dft_params_free(&p);
}

static void test_band_path(void)
{
    dft_params p;
    /* tpiba_b: w points from each vertex to the next, the last vertex once: 3 + 2 + 1 = 6 points;
     * labels after '!' (or G for the origin) */
    LS_CHECK_OK(read_ok(INPUT(" calculation = 'bands'\n", " nbnd = 8\n", "",
                              "K_POINTS tpiba_b\n3\n 0 0 0 3 ! G\n 1 0 0 2 ! X\n 1 0.5 0 1 ! W\n"), &p));
    LS_CHECK(p.calculation == DFT_CALC_BANDS && p.n_klist == 6 && p.klist_symmetry == 0);
    if (p.n_klist == 6) {
        LS_CHECK(!strcmp(p.klist[0].label, "G") && !strcmp(p.klist[3].label, "X") && !strcmp(p.klist[5].label, "W"));
        LS_CHECK(p.klist[1].label[0] == '\0' && p.klist[4].label[0] == '\0');
        double x[3] = {1.0 / 3.0, 0, 0}, f[3]; /* point 2: a third of the way to X */
        fcc_frac(x, f);
        for (int d = 0; d < 3; d++) LS_CHECK_NEAR(p.klist[1].k[d], f[d], 1e-15);
        double w[3] = {1, 0.25, 0}; /* point 5: half way from X to W */
        fcc_frac(w, f);
        for (int d = 0; d < 3; d++) LS_CHECK_NEAR(p.klist[4].k[d], f[d], 1e-15);
        for (int i = 0; i < 6; i++) LS_CHECK(p.klist[i].weight == 1.0);
    }
    /* the density file: outdir/prefix.save (pw.x's defaults ./ and pwscf) */
    LS_CHECK(strstr(p.density_file, "pwscf.save/lodestone-density.ckpt") != NULL);
    dft_params_free(&p);
    /* crystal_b; unlabelled vertices get their coordinates */
    LS_CHECK_OK(read_ok(INPUT(" calculation = 'bands', outdir = 'tmp/', prefix = 'si'\n", "", "",
                              "K_POINTS crystal_b\n2\n 0 0 0 4\n 0.5 0 0.5 1\n"), &p));
    LS_CHECK(p.n_klist == 5 && !strcmp(p.klist[0].label, "G") && !strcmp(p.klist[4].label, "0.5,0,0.5"));
    LS_CHECK_NEAR(p.klist[2].k[0], 0.25, 1e-15);
    LS_CHECK(!strcmp(p.density_file, "tmp/si.save/lodestone-density.ckpt"));
    dft_params_free(&p);
}

static void test_expressions(void)
{
    dft_params p;
    /* pw.x's infix arithmetic in coordinate fields (crystal units) */
    LS_CHECK_OK(read_ok(CONTROL("") SYSTEM("") ELECTRONS("") SPECIES
                        "ATOMIC_POSITIONS crystal\nSi 1-1 0/2 (1+1)*0\nSi 1/4 2^-2 -(-1)/4.0d0\n" KAUTO, &p));
    const double *c = p.structure ? p.structure->cell[0] : NULL;
    if (c) {
        LS_CHECK_NEAR(p.structure->pos[0][0], 0.0, 0);
        /* 0.25 (a1 + a2 + a3) = 0.25 alat (-1, 1, 1) */
        LS_CHECK_NEAR(p.structure->pos[1][0], -0.25 * 10.26, 1e-14);
        LS_CHECK_NEAR(p.structure->pos[1][1], 0.25 * 10.26, 1e-14);
        LS_CHECK_NEAR(p.structure->pos[1][2], 0.25 * 10.26, 1e-14);
    }
    dft_params_free(&p);
    static const char *const bad[] = {"1/0", "1+", "(1", "2**3", "1 .5", "abc"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[2048];
        snprintf(text, sizeof text,
                 CONTROL("") SYSTEM("") ELECTRONS("") SPECIES "ATOMIC_POSITIONS crystal\nSi 0 0 0\nSi %s 0 0\n" KAUTO,
                 bad[i]);
        char path[1024];
        int status = read_text("qe_keys.in", text, &p, path, sizeof path);
        LS_CHECK_MSG(status == LS_ERR_INPUT && strstr(ls_error_message(), ":13: atom 2"), "'%s': %s", bad[i],
                     ls_error_message());
        ls_error_clear();
        dft_params_free(&p);
    }
}

static void test_occupations(void)
{
    dft_params p;
    /* from_input: 8 electrons in 4 of 6 bands */
    LS_CHECK_OK(read_ok(INPUT("", " nbnd = 6, occupations = 'from_input'\n", "",
                              KAUTO "OCCUPATIONS\n 2 2 2\n 2 0.0 0\n"), &p));
    LS_CHECK(p.occupations == DFT_OCC_FROM_INPUT && p.occ_input && p.occ_input[3] == 2.0 && p.occ_input[4] == 0.0);
    dft_params_free(&p);
    /* spin: two rows of nbnd */
    LS_CHECK_OK(read_ok(INPUT("", " nbnd = 5, nspin = 2, occupations = 'from_input'\n", "",
                              KAUTO "OCCUPATIONS\n 1 1 1 1 0.5\n 1 1 1 0.5 0\n"), &p));
    LS_CHECK(p.occ_input && p.occ_input[4] == 0.5 && p.occ_input[8] == 0.5 && p.occ_input[9] == 0.0);
    dft_params_free(&p);
    check_error(INPUT("", " nbnd = 6, occupations = 'from_input'\n", "", KAUTO "OCCUPATIONS\n 2 2 2 2 1 0\n"),
                LS_ERR_INPUT, 17, "OCCUPATIONS add up to 9 electrons, but the system has 8");
    check_error(INPUT("", " nbnd = 6, occupations = 'from_input'\n", "", KAUTO "OCCUPATIONS\n 2 2 2 2.5 -0.5 0\n"),
                LS_ERR_INPUT, 17, "value 4 is 2.5, expected 0 to 2");
    check_error(INPUT("", " nbnd = 6, occupations = 'from_input'\n", "", KAUTO), LS_ERR_INPUT, 6,
                "occupations = 'from_input' needs the OCCUPATIONS card");
    check_error(INPUT("", " nbnd = 6\n", "", KAUTO "OCCUPATIONS\n 2 2 2 2 0 0\n"), LS_ERR_INPUT, 17,
                "the OCCUPATIONS card needs occupations = 'from_input'");
    check_error(INPUT("", " occupations = 'from_input'\n", "", KAUTO "OCCUPATIONS\n 2 2 2 2\n"), LS_ERR_INPUT, 17,
                "OCCUPATIONS needs nbnd");
    /* tetrahedra: the three kinds; they need a mesh */
    static const struct {
        const char *word;
        enum dft_tetrahedra kind;
    } tet[] = {{"tetrahedra", DFT_TETRA_BLOECHL}, {"tetrahedra_lin", DFT_TETRA_LINEAR}, {"tetrahedra-opt", DFT_TETRA_OPT}};
    for (int i = 0; i < 3; i++) {
        char text[2048];
        snprintf(text, sizeof text, INPUT("", " occupations = '%s'\n", "", KAUTO), tet[i].word);
        LS_CHECK_OK(read_ok(text, &p));
        LS_CHECK(p.occupations == DFT_OCC_TETRAHEDRA && p.tetrahedra == tet[i].kind);
        dft_params_free(&p);
    }
    check_error(INPUT("", " occupations = 'tetrahedra'\n", "", "K_POINTS tpiba\n1\n0 0 0 1\n"), LS_ERR_INPUT, 15,
                "the tetrahedron method needs an automatic k-point mesh");
}

/* Keys that tune pw.x's path to the answer or its output: read, checked, not used. */
static void test_accepted_keys(void)
{
    dft_params p;
    LS_CHECK_OK(read_ok(INPUT(" verbosity = 'high', restart_mode = 'from_scratch', disk_io = 'low', max_seconds = 1.d4\n"
                              " wf_collect = .true., iprint = 2, title = 'Si'\n",
                              " nosym_evc = .false., lda_plus_u = .false., noncolin = .false., vdw_corr = 'none'\n"
                              " assume_isolated = 'none', nr1s = 24, use_all_frac = .true.\n",
                              " diagonalization = 'cg', diago_david_ndim = 4, mixing_mode = 'TF', startingwfc = 'random'\n"
                              " startingpot = 'atomic', diago_thr_init = 1d-4, scf_must_converge = .false.\n"
                              " diago_full_acc = .true., tqr = .false.\n",
                              KAUTO),
                        &p));
    dft_params_free(&p);
    /* checked values */
    check_error(INPUT("", "", " diagonalization = 'magic'\n", KAUTO), LS_ERR_INPUT, 8,
                "diagonalization = 'magic': expected one of david");
    check_error(INPUT("", "", " diago_david_ndim = four\n", KAUTO), LS_ERR_INPUT, 8, "expected a whole number");
    check_error(INPUT("", "", " mixing_mode = 'broyden'\n", KAUTO), LS_ERR_INPUT, 8, "expected one of plain, tf, local-tf");
    check_error(INPUT(" verbosity = 'loud'\n", "", "", KAUTO), LS_ERR_INPUT, 3, "verbosity = 'loud'");
}

/* conv_thr: pw.x's default 1e-6 Ry; the SCF goes on to a hundredth of it, not below 1e-10 Ry. */
static void test_conv_thr(void)
{
    dft_params p;
    static const struct {
        const char *electrons;
        double thr_ha, factor;
    } c[] = {{"", 0.5e-6, 0.01}, {" conv_thr = 1.d-9\n", 0.5e-9, 0.1}, {" conv_thr = 1e-11\n", 0.5e-11, 1.0}};
    for (int i = 0; i < 3; i++) {
        char text[2048];
        snprintf(text, sizeof text, INPUT("", "", "%s", KAUTO), c[i].electrons);
        LS_CHECK_OK(read_ok(text, &p));
        LS_CHECK_NEAR(p.conv_thr, c[i].thr_ha, 1e-25);
        LS_CHECK_NEAR(p.conv_thr_factor, c[i].factor, 1e-12);
        dft_params_free(&p);
    }
}

/* Features Lodestone does not have: exit code 2 (LS_ERR_UNSUPPORTED), the line, the feature. */
static void test_refused(void)
{
    const int U = LS_ERR_UNSUPPORTED;
    check_error(INPUT(" calculation = 'md'\n", "", "", KAUTO), U, 3, "molecular dynamics with DFT is not supported by Lodestone");
    check_error(INPUT("", " input_dft = 'hse'\n", "", KAUTO), U, 6, "hybrid functionals (exact exchange) are not supported by Lodestone");
    check_error(INPUT("", " input_dft = 'B3LYP'\n", "", KAUTO), U, 6, "hybrid functionals");
    check_error(INPUT("", " input_dft = 'scan'\n", "", KAUTO), U, 6, "meta-GGA functionals are not supported by Lodestone");
    check_error(INPUT("", " input_dft = 'vdw-df2'\n", "", KAUTO), U, 6, "non-local van der Waals functionals");
    check_error(INPUT("", " input_dft = 'beef-vdw'\n", "", KAUTO), U, 6, "non-local van der Waals functionals");
    check_error(INPUT("", " input_dft = 'blyp'\n", "", KAUTO), U, 6, "input_dft = 'blyp' is not supported by Lodestone");
    check_error(INPUT("", " vdw_corr = 'dft-d3'\n", "", KAUTO), U, 6, "van der Waals corrections (vdw_corr) is not supported by Lodestone");
    check_error(INPUT("", " lda_plus_u = .true.\n", "", KAUTO), U, 6, "DFT+U (lda_plus_u) is not supported by Lodestone");
    check_error(INPUT("", "", "", KAUTO "HUBBARD {ortho-atomic}\nU Si-3p 2.0\n"), U, 16, "DFT+U (the HUBBARD card) is not supported by Lodestone");
    check_error(INPUT(" tefield = .true.\n", "", "", KAUTO), U, 3, "a sawtooth electric field (tefield) is not supported");
    check_error(INPUT(" lelfield = .true.\n", "", "", KAUTO), U, 3, "a homogeneous electric field (lelfield)");
    check_error(INPUT("", " assume_isolated = 'mt'\n", "", KAUTO), U, 6, "isolated or 2D systems (assume_isolated) is not supported");
    /* the magnetic keys are read (dft/input/test_input_qe_magnetic.c); what is refused of them: */
    check_error(INPUT("", " fixed_magnetization(3) = 1\n", "", KAUTO), U, 6, "is not supported by Lodestone");
    check_error(INPUT("", " b_field(3) = 1\n", "", KAUTO), U, 6, "an external magnetic field");
    check_error(INPUT("", " lspinorb = .true.\n", "", KAUTO), LS_ERR_INPUT, 6, "needs noncolin");
    check_error(INPUT("", " tot_magnetization = 2\n", "", KAUTO), LS_ERR_INPUT, 6, "requires nspin = 2");
    check_error(INPUT("", " space_group = 227\n", "", KAUTO), U, 6, "positions by space group and Wyckoff sites");
    check_error(INPUT("", "", "", KAUTO "ATOMIC_FORCES\nSi 0 0 0.1\nSi 0 0 0\n"), U, 16, "external forces on atoms");
    check_error(INPUT("", "", "", "K_POINTS tpiba_c\n3\n0 0 0 1\n1 0 0 1\n0 1 0 1\n"), U, 14, "K_POINTS tpiba_c");
    check_error("&control\n/\n&rism\n/\n" SYSTEM("") ELECTRONS("") SPECIES POSITIONS KAUTO, U, 3, "the namelist &rism is not supported by Lodestone");
    /* ultrasoft and PAW pseudopotentials (a header is enough to tell) */
    char path[1024], dir[1024], text[4096];
    ls_test_tmp_path(dir, sizeof dir, "");
    static const char *const kinds[2][2] = {
        {"<UPF version=\"2.0.1\">\n<PP_HEADER element=\"Si\" pseudo_type=\"US\" z_valence=\"4\"/>\n</UPF>\n", "an ultrasoft"},
        {"<UPF version=\"2.0.1\">\n<PP_HEADER element=\"Si\" pseudo_type=\"PAW\" is_paw=\"T\"/>\n<PP_PAW>\n</UPF>\n", "a PAW"}};
    for (int i = 0; i < 2; i++) {
        scratch("Si.fake.UPF", kinds[i][0], path, sizeof path);
        snprintf(text, sizeof text, "&control\n pseudo_dir = '%s'\n/\n" SYSTEM("") ELECTRONS("")
                 "ATOMIC_SPECIES\nSi 28.086 Si.fake.UPF\n" POSITIONS KAUTO, dir);
        check_error(text, U, 10, kinds[i][1]);
    }
    /* a missing file names the line and the folders */
    check_error(CONTROL("") SYSTEM("") ELECTRONS("") "ATOMIC_SPECIES\nSi 28.086 Si.nowhere.UPF\n" POSITIONS KAUTO,
                LS_ERR_INPUT, 10, "the pseudopotential file 'Si.nowhere.UPF' is not in");
}

/* Issue 12's bad-input sweep, the pw.x findings: each is exit code 2 naming the line. */
static void test_issue12_findings(void)
{
    const int E = LS_ERR_INPUT;
    check_error(INPUT("", "", " mixing_beta = -0.3\n", KAUTO), E, 8, "mixing_beta = -0.3: expected a mixing factor above 0");
    check_error(INPUT("", " nbnd = 0\n", "", KAUTO), E, 6, "nbnd = 0: give at least the occupied bands");
    check_error(INPUT("", " nbnd = 3\n", "", KAUTO), E, 6, "nbnd = 3 is too few bands for 8 electrons");
    check_error(INPUT("", " nr1 = -2, nr2 = 24, nr3 = 24\n", "", KAUTO), E, 6, "nr1 = -2: an FFT dimension from 1 to 4096");
    check_error(INPUT("", " nr1 = 24\n", "", KAUTO), E, 6, "give all three of nr1, nr2, nr3, or none");
    check_error(INPUT("", " nspin = 2, starting_magnetization(5) = 0.5\n", "", KAUTO), E, 6,
                "starting_magnetization(5) names species 5, but ntyp = 1");
    check_error(INPUT("", "", "", KAUTO "K_POINTS gamma\n"), E, 16, "a second K_POINTS card (the first on line 14)");
    check_error(INPUT("", "", " electron_maxstep = -1\n", KAUTO), E, 8, "electron_maxstep = -1: expected at least 1");
    check_error(INPUT("", "", " electron_maxstep = 0\n", KAUTO), E, 8, "electron_maxstep = 0: expected at least 1");
    check_error(INPUT("", "", "", "K_POINTS automatic\n2147483647 1 1 0 0 0\n"), E, 15, "more than 1000000 mesh points");
    check_error(CONTROL("") "&system\n ibrav = 2, celldm(1) = 10.26, nat = 2000000000, ntyp = 1, ecutwfc = 20\n/\n"
                ELECTRONS("") SPECIES POSITIONS KAUTO, E, 5, "nat = 2000000000: more than the 1000000 atoms");
    check_error(CONTROL("") "&system\n ibrav = 2, celldm(1) = 10.26, nat = 0, ntyp = 1, ecutwfc = 20\n/\n"
                ELECTRONS("") SPECIES POSITIONS KAUTO, E, 5, "nat = 0: a pw.x input needs at least one atom");
    check_error(INPUT("", " ecutrho = 1e308\n", "", KAUTO), E, 6, "ecutrho = 1e308: expected a cutoff above 0 and at most");
    check_error(INPUT("", " ecutrho = 60\n", "", KAUTO), E, 6, "ecutrho = 60 Ry is below 4 ecutwfc = 80 Ry");
}

/* QE's GTH file format (*.gth): the same potential as CP2K's file gives. */
static void test_gth_file(void)
{
    /* QE's H-q1.gth (test-suite/pseudo; GPL-2.0, dft/testdata/README.md) and the same numbers in CP2K's
     * format (CP2K data/GTH_POTENTIALS, H GTH-PBE-q1) */
    char qe[1024], cp2k[1024];
    scratch("H-q1.gth",
            "Goedecker pseudopotential for H\n    1   1  070301 zatom,zion,pspdat\n"
            "10 11 -1 2 2001 0  pspcod,pspxc,lmax,lloc,mmax,r2well\n"
            "     0.20000000    2    -4.17890044     0.72446331      rloc nloc c1 c2\n    0       nnonloc\n",
            qe, sizeof qe);
    scratch("H.cp2k", "H GTH-PBE-q1 GTH-PBE\n    1\n     0.20000000    2    -4.17890044     0.72446331\n    0\n", cp2k,
            sizeof cp2k);
    char spec[1100];
    snprintf(spec, sizeof spec, "%s:H:GTH-PBE-q1", cp2k);
    dft_pseudo *a = NULL, *b = NULL;
    LS_CHECK_OK(dft_pseudo_read(qe, &a));
    LS_CHECK_OK(dft_pseudo_read(spec, &b));
    if (a && b) {
        LS_CHECK(a->z == 1 && a->z_valence == 1.0 && !strcmp(a->functional, "PBE") && a->gth_n_l == 0);
        double q[3] = {0.0, 0.7, 3.1}, va[3], vb[3];
        LS_CHECK_OK(dft_pseudo_vloc_q(a, 3, q, va));
        LS_CHECK_OK(dft_pseudo_vloc_q(b, 3, q, vb));
        for (int i = 0; i < 3; i++) LS_CHECK(va[i] == vb[i]);
    }
    dft_pseudo_destroy(a);
    dft_pseudo_destroy(b);
    /* C-q4.gth: s and p channels, the p one with a spin-orbit row (not used) */
    scratch("C-q4.gth",
            "Goedecker pseudopotential for C\n    6   4  070301 zatom,zion,pspdat\n"
            "10 11  1 2 2001 0  pspcod,pspxc,lmax,lloc,mmax,r2well\n"
            "     0.33847124    2    -8.80367398     1.33921085    rloc nloc c1 c2\n    2       nnonloc\n"
            "     0.30257575    1     9.62248665     rs ns hs11\n     0.29150694    1     0.00000000    rp np hp11\n"
            "                         0.00207319      kp11\n",
            qe, sizeof qe);
    LS_CHECK_OK(dft_pseudo_read(qe, &a));
    if (a) {
        LS_CHECK(a->z == 6 && a->z_valence == 4.0 && a->gth_n_l == 2 && a->n_beta == 2 && a->beta_l[1] == 1);
        LS_CHECK(a->gth_h[0][0][0] == 9.62248665 && a->gth_r[1] == 0.29150694 && a->gth_c[1] == 1.33921085);
    }
    dft_pseudo_destroy(a);
}

int main(void)
{
    ls_log_set_level(LS_LOG_ERROR);
    if (qe_test_init("test_input_qe_keys")) return 1;
    LS_RUN(test_kpoints_lists);
    LS_RUN(test_band_path);
    LS_RUN(test_expressions);
    LS_RUN(test_occupations);
    LS_RUN(test_accepted_keys);
    LS_RUN(test_conv_thr);
    LS_RUN(test_refused);
    LS_RUN(test_issue12_findings);
    LS_RUN(test_gth_file);
    return ls_test_summary("test_input_qe_keys");
}
