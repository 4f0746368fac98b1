/* Tests of the YAML input (dft/input/input_yaml.c) and the cutoff hints (dft/pseudo/pseudo_hints.c).
 *
 * - A YAML input gives the same dft_params as the equivalent pw.x input: the pw.x inputs are
 *   dft/testdata/qe/si2.in and fe-bcc.in (PSEUDO_DIR replaced), the YAML files are
 *   written here with the same settings.
 * - Units are converted; defaults come from inputs/pseudo/pd04-pbe-sr/ and its HINTS.tsv
 *   (Fe: low 82 Ry, normal 90 Ry; Si: low 28, normal 36; PseudoDojo hints, see its README).
 * - Every documented error gives LS_ERR_INPUT (LS_ERR_IO for an unreadable structure file)
 *   with "FILE:LINE:" of the offending key and the fix; one case through the program (exit 2).
 * Nothing here runs an SCF, so the test takes well under a second (also under the sanitizers).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/dft.h"
#include "dft/scf/smearing.h"

/* A pseudopotential folder without HINTS.tsv (absolute): build/tmp/yaml_nohints/ with copies of
 * inputs/pseudo/pd04-pbe-sr/{Si,Fe}.upf, made by main(); "@SHARED@" in the texts below. */
static char g_shared_pseudo[PATH_MAX];
static char g_lib_pseudo[PATH_MAX];    /* absolute inputs/pseudo/pd04-pbe-sr */

/* Scratch file path; the text is written with every "@SHARED@" replaced by g_shared_pseudo. */
static const char *scratch(const char *name, const char *text, char *path, size_t n)
{
    ls_test_tmp_path(path, n, name);
    char buf[8192];
    size_t used = 0;
    const char *p = text, *hit;
    buf[0] = '\0';
    while ((hit = strstr(p, "@SHARED@")) != NULL) {
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%.*s%s", (int)(hit - p), p, g_shared_pseudo);
        p = hit + strlen("@SHARED@");
    }
    snprintf(buf + used, sizeof buf - used, "%s", p);
    ls_test_write_file(path, buf);
    return path;
}

/* The pw.x reference input dft/testdata/qe/NAME.in with PSEUDO_DIR replaced by `pseudo_dir`. */
static const char *qe_input(const char *name, const char *pseudo_dir, char *path, size_t n)
{
    char src[1024];
    snprintf(src, sizeof src, "dft/testdata/qe/%s.in", name);
    char *text = NULL;
    if (ls_file_read_all(src, &text, NULL) != LS_OK) {
        fprintf(stderr, "cannot read %s: %s\n", src, ls_error_message());
        exit(1);
    }
    char out[8192];
    char *hit = strstr(text, "PSEUDO_DIR");
    snprintf(out, sizeof out, "%.*s%s%s", (int)(hit - text), text, pseudo_dir, hit + strlen("PSEUDO_DIR"));
    free(text);
    char tmpname[256];
    snprintf(tmpname, sizeof tmpname, "yaml_%s.in", name);
    ls_test_tmp_path(path, n, tmpname);
    ls_test_write_file(path, out);
    return path;
}

static int same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

/* Every field of dft_params that a reader sets (not `source`). */
static void check_same_params(const dft_params *y, const dft_params *q)
{
    LS_CHECK(y->structure && q->structure);
    if (!y->structure || !q->structure) return;
    LS_CHECK(y->structure->n_atom == q->structure->n_atom);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) LS_CHECK_NEAR(y->structure->cell[i][k], q->structure->cell[i][k], 1e-12);
    for (int a = 0; a < y->structure->n_atom && a < q->structure->n_atom; a++) {
        LS_CHECK(strcmp(y->structure->species[a], q->structure->species[a]) == 0);
        for (int k = 0; k < 3; k++) LS_CHECK_NEAR(y->structure->pos[a][k], q->structure->pos[a][k], 1e-12);
    }
    LS_CHECK(y->n_species == q->n_species);
    for (int s = 0; s < y->n_species && s < q->n_species; s++) {
        LS_CHECK(strcmp(y->species[s].label, q->species[s].label) == 0);
        LS_CHECK_MSG(same_file(y->species[s].pseudo, q->species[s].pseudo), "%s vs %s", y->species[s].pseudo,
                     q->species[s].pseudo);
        LS_CHECK_NEAR(y->species[s].starting_magnetization, q->species[s].starting_magnetization, 0);
    }
    LS_CHECK(strcmp(y->functional, q->functional) == 0);
    LS_CHECK_NEAR(y->ecut_wfc, q->ecut_wfc, 1e-14);
    LS_CHECK_NEAR(y->ecut_rho > 0 ? y->ecut_rho : 4 * y->ecut_wfc, q->ecut_rho > 0 ? q->ecut_rho : 4 * q->ecut_wfc, 1e-14);
    for (int k = 0; k < 3; k++) {
        LS_CHECK(y->fft[k] == q->fft[k]);
        LS_CHECK(y->kmesh[k] == q->kmesh[k]);
        LS_CHECK(y->kshift[k] == q->kshift[k]);
    }
    LS_CHECK_NEAR(y->kspacing, q->kspacing, 0);
    LS_CHECK(y->use_symmetry == q->use_symmetry);
    LS_CHECK(y->time_reversal == q->time_reversal);
    LS_CHECK(y->occupations == q->occupations);
    if (q->occupations == DFT_OCC_SMEARING) {
        LS_CHECK(dft_smearing_find(y->smearing) != NULL);
        LS_CHECK(dft_smearing_find(y->smearing) == dft_smearing_find(q->smearing));
        LS_CHECK_NEAR(y->smearing_width, q->smearing_width, 1e-16);
    }
    LS_CHECK(y->n_spin == q->n_spin);
    LS_CHECK(y->n_bands == q->n_bands);
    LS_CHECK_NEAR(y->total_charge, q->total_charge, 0);
    LS_CHECK_NEAR(y->conv_thr, q->conv_thr, 1e-25);
    LS_CHECK(y->max_iter == q->max_iter);
    LS_CHECK_NEAR(y->mixing_beta, q->mixing_beta, 0);
    LS_CHECK(y->mixing_history == q->mixing_history);
    LS_CHECK_NEAR(y->kerker_q0, q->kerker_q0, 0);
    LS_CHECK(y->compute_forces == q->compute_forces);
    LS_CHECK(y->compute_stress == q->compute_stress);
}

static void compare_with_qe(const char *qe_name, const char *yaml_name, const char *yaml_text)
{
    char qpath[1024], ypath[1024];
    qe_input(qe_name, g_shared_pseudo, qpath, sizeof qpath);
    scratch(yaml_name, yaml_text, ypath, sizeof ypath);
    dft_params q, y;
    dft_params_init(&q);
    dft_params_init(&y);
    LS_CHECK_OK(dft_params_read_qe(qpath, &q));
    LS_CHECK_OK(dft_params_read_yaml(ypath, &y));
    check_same_params(&y, &q);
    dft_params_free(&q);
    dft_params_free(&y);
}

/* si2.in: inline cell, fixed occupations. */
static void test_same_as_qe_si2(void)
{
    compare_with_qe("si2", "yaml_si2.yaml",
                    "cell:\n"
                    "  lattice: [[0, 2.7155, 2.7155], [2.7155, 0, 2.7155], [2.7155, 2.7155, 0]]\n"
                    "  units: angstrom\n"
                    "  species: [Si, Si]\n"
                    "  positions: [[0, 0, 0], [0.25, 0.25, 0.25]]\n"
                    "  coordinates: fractional\n"
                    "pseudopotentials: {Si: @SHARED@/Si.upf}\n"
                    "ecut: 36 Ry\n"
                    "ecut_rho: 144 Ry\n"
                    "kpoints: {mesh: [6, 6, 6], shift: [0, 0, 0]}\n"
                    "occupations: fixed\n"
                    "scf: {conv_thr: 1e-11 Ry, mixing_beta: 0.3}\n"
                    "fft_grid: [32, 32, 32]\n"
                    "forces: true\n"
                    "stress: true\n");
}

/* fe-bcc.in: structure from a POSCAR file, spin, cold smearing. */
static void test_same_as_qe_fe(void)
{
    char poscar[1024];
    scratch("yaml_Fe.vasp", "Fe\n1.0\n-1.415 1.415 1.415\n1.415 -1.415 1.415\n1.415 1.415 -1.415\nFe\n1\nDirect\n0 0 0\n",
            poscar, sizeof poscar);
    compare_with_qe("fe-bcc", "yaml_fe.yaml",
                    "structure: yaml_Fe.vasp   # relative to this file\n"
                    "pseudopotentials:\n"
                    "  Fe: @SHARED@/Fe.upf\n"
                    "ecut: 90 Ry\n"
                    "kpoints: {mesh: [8, 8, 8]}\n"
                    "smearing: {type: mv, width: 0.02 Ry}\n"
                    "spin: {polarized: true, starting_magnetization: {Fe: 0.5}}\n"
                    "scf: {conv_thr: 1e-11 Ry, mixing_beta: 0.3}\n"
                    "fft_grid: [27, 27, 27]\n");
}

/* Units: energies in eV / Ha / meV / K, lengths in bohr, Cartesian positions, spacing. */
static void test_units(void)
{
    char path[1024];
    scratch("yaml_units.yaml",
            "cell:\n"
            "  lattice: [[0, 5.1315, 5.1315], [5.1315, 0, 5.1315], [5.1315, 5.1315, 0]]\n"
            "  units: bohr\n"
            "  species: [Si, Si]\n"
            "  positions: [[0, 0, 0], [1.358 angstrom, 1.358 angstrom, 1.358 angstrom]]\n"
            "  coordinates: cartesian\n"
            "ecut: 816.34158737964 eV\n"
            "ecut_rho: 125 Ha\n"
            "kpoints: {spacing: 0.25 1/angstrom, shift: [1, 1, 1]}\n"
            "smearing: {type: fermi-dirac, width: 300 K}\n"
            "scf: {conv_thr: 2.7211386245988e-6 eV, max_iter: 40, mixing_beta: 0.45, mixing_history: 5}\n"
            "bands: 12\n"
            "charge: 0.5\n"
            "symmetry: false\n"
            "forces: false\n"
            "stress: no\n",
            path, sizeof path);
    dft_params p;
    dft_params_init(&p);
    LS_CHECK_OK(dft_params_read_yaml(path, &p));
    LS_CHECK_NEAR(p.structure->cell[0][1], 5.1315, 1e-15);
    LS_CHECK_NEAR(p.structure->pos[1][2], 1.358 / LS_BOHR_ANGSTROM, 1e-12);
    LS_CHECK_NEAR(p.ecut_wfc, 30.0, 1e-12);
    LS_CHECK_NEAR(p.ecut_rho, 125.0, 1e-15);
    LS_CHECK_NEAR(p.kspacing, 0.25 * LS_BOHR_ANGSTROM, 1e-15);
    for (int k = 0; k < 3; k++) LS_CHECK(p.kshift[k] == 1);
    LS_CHECK(p.occupations == DFT_OCC_SMEARING);
    LS_CHECK(strcmp(p.smearing, "fermi-dirac") == 0);
    LS_CHECK_NEAR(p.smearing_width, 300 * LS_BOLTZMANN_EV_K / LS_HARTREE_EV, 1e-15);
    LS_CHECK_NEAR(p.conv_thr, 1e-7, 1e-19);
    LS_CHECK(p.max_iter == 40 && p.mixing_history == 5 && p.n_bands == 12);
    LS_CHECK_NEAR(p.mixing_beta, 0.45, 0);
    LS_CHECK_NEAR(p.total_charge, 0.5, 0);
    LS_CHECK(p.use_symmetry == 0 && p.compute_forces == 0 && p.compute_stress == 0);
    LS_CHECK(p.n_spin == 1);
    dft_params_free(&p);
}

/* Without ecut, pseudopotentials and kpoints: the library, its 'normal' hint (max over
 * species), 4 ecut, DFTK's k-spacing, fixed occupations, no spin. */
static void test_defaults(void)
{
    char path[1024];
    scratch("yaml_defaults.yaml",
            "cell:\n"
            "  lattice: [[2.7, 0, 0], [0, 2.7, 0], [0, 0, 2.7]]\n"
            "  units: angstrom\n"
            "  species: [Si, Fe]\n"
            "  positions: [[0, 0, 0], [0.5, 0.5, 0.5]]\n"
            "  coordinates: fractional\n",
            path, sizeof path);
    dft_params p;
    dft_params_init(&p);
    LS_CHECK_OK(dft_params_read_yaml(path, &p));
    LS_CHECK_NEAR(p.ecut_wfc, 45.0, 1e-15); /* Fe normal 90 Ry > Si normal 36 Ry */
    LS_CHECK_NEAR(p.ecut_rho, 180.0, 1e-15);
    char want[PATH_MAX + 16];
    snprintf(want, sizeof want, "%s/Fe.upf", g_lib_pseudo);
    LS_CHECK(p.n_species == 2);
    LS_CHECK_MSG(same_file(p.species[1].pseudo, want), "%s", p.species[1].pseudo);
    LS_CHECK(strstr(p.species[0].pseudo, "inputs/pseudo/pd04-pbe-sr/Si.upf") != NULL);
    LS_CHECK_NEAR(p.kspacing, 2 * 3.14159265358979323846 * 0.022, 1e-15);
    LS_CHECK(p.occupations == DFT_OCC_FIXED && p.n_spin == 1);
    LS_CHECK(p.functional[0] == '\0');
    LS_CHECK(p.compute_forces == 1 && p.compute_stress == 1);
    dft_params_free(&p);
}

/* A GTH entry FILE:ELEMENT:NAME is kept as it is (the FILE part must exist). */
static void test_gth_entry(void)
{
    char path[1024], gth[PATH_MAX] = "", spec[PATH_MAX + 32], text[PATH_MAX + 512];
    LS_CHECK(realpath("dft/testdata/GTH_POTENTIALS", gth) != NULL);
    snprintf(spec, sizeof spec, "%s:Si:GTH-PBE", gth);
    snprintf(text, sizeof text,
             "cell: {lattice: [[0, 2.7155, 2.7155], [2.7155, 0, 2.7155], [2.7155, 2.7155, 0]], units: angstrom,\n"
             "       species: [Si, Si], positions: [[0, 0, 0], [0.25, 0.25, 0.25]], coordinates: fractional}\n"
             "pseudopotentials: {Si: %s}\n"
             "ecut: 30 Ry\n",
             spec);
    scratch("yaml_gth.yaml", text, path, sizeof path);
    dft_params p;
    dft_params_init(&p);
    LS_CHECK_OK(dft_params_read_yaml(path, &p));
    LS_CHECK_MSG(strcmp(p.species[0].pseudo, spec) == 0, "%s", p.species[0].pseudo);
    dft_params_free(&p);
}

/* Run a reader with the log captured; returns the status, the log in `log`. */
static int read_capturing(int yaml, const char *path, dft_params *p, char *log, size_t n)
{
    FILE *f = tmpfile();
    ls_log_set_stream(f);
    int status = yaml ? dft_params_read_yaml(path, p) : dft_params_read_qe(path, p);
    ls_log_set_stream(NULL);
    rewind(f);
    size_t got = fread(log, 1, n - 1, f);
    log[got] = '\0';
    fclose(f);
    return status;
}

static void test_low_cutoff_warning(void)
{
    char path[1024], log[4096];
    scratch("yaml_low.yaml",
            "cell: {lattice: [[-1.415, 1.415, 1.415], [1.415, -1.415, 1.415], [1.415, 1.415, -1.415]], units: angstrom,\n"
            "       species: [Fe], positions: [[0, 0, 0]], coordinates: fractional}\n"
            "ecut: 30 Ry\n",
            path, sizeof path);
    dft_params p;
    dft_params_init(&p);
    long before = ls_log_warning_count();
    LS_CHECK_OK(read_capturing(1, path, &p, log, sizeof log));
    LS_CHECK(ls_log_warning_count() == before + 1);
    LS_CHECK_MSG(strstr(log, "ecut 30 Ry is below the pseudopotential's hint of 82 Ry for Fe") != NULL, "%s", log);
    dft_params_free(&p);

    /* At the hint: no warning. */
    scratch("yaml_low.yaml",
            "cell: {lattice: [[-1.415, 1.415, 1.415], [1.415, -1.415, 1.415], [1.415, 1.415, -1.415]], units: angstrom,\n"
            "       species: [Fe], positions: [[0, 0, 0]], coordinates: fractional}\n"
            "ecut: 82 Ry\n",
            path, sizeof path);
    dft_params_init(&p);
    before = ls_log_warning_count();
    LS_CHECK_OK(read_capturing(1, path, &p, log, sizeof log));
    LS_CHECK(ls_log_warning_count() == before);
    dft_params_free(&p);

    /* pw.x input with the library folder (HINTS.tsv beside Fe.upf): warned the same way. */
    char qpath[1024];
    qe_input("fe-bcc", g_lib_pseudo, qpath, sizeof qpath);
    char *text = NULL;
    LS_CHECK_OK(ls_file_read_all(qpath, &text, NULL));
    if (text) {
        char *e = strstr(text, "ecutwfc=90");
        if (e) memcpy(e, "ecutwfc=30", 10);
        char *r = strstr(text, "ecutrho=360");
        if (r) memcpy(r, "ecutrho=120", 11);
        ls_test_write_file(qpath, text);
        free(text);
    }
    dft_params_init(&p);
    before = ls_log_warning_count();
    LS_CHECK_OK(read_capturing(0, qpath, &p, log, sizeof log));
    LS_CHECK(ls_log_warning_count() == before + 1);
    LS_CHECK_MSG(strstr(log, "ecut 30 Ry is below the pseudopotential's hint of 82 Ry for Fe") != NULL, "%s", log);
    dft_params_free(&p);

    /* pw.x input with a pseudopotential folder that has no HINTS.tsv: no warning. */
    qe_input("fe-bcc", g_shared_pseudo, qpath, sizeof qpath);
    dft_params_init(&p);
    before = ls_log_warning_count();
    LS_CHECK_OK(read_capturing(0, qpath, &p, log, sizeof log));
    LS_CHECK(ls_log_warning_count() == before);
    dft_params_free(&p);
}

/* Error cases: the YAML text, the line the message must name, and text it must contain. */
struct bad_case {
    const char *text;
    int line;
    const char *expect;
    int code;
};

#define FE_CELL "cell: {lattice: [[2.87, 0, 0], [0, 2.87, 0], [0, 0, 2.87]], units: angstrom, species: [Fe, Fe],\n" \
                "       positions: [[0, 0, 0], [0.5, 0.5, 0.5]], coordinates: fractional}\n"

static const struct bad_case bad_cases[] = {
    /* missing structure */
    {"ecut: 90 Ry\n", 1, "no structure: add 'structure: FILE'", LS_ERR_INPUT},
    {"structure: nowhere.vasp\necut: 90 Ry\n", 1, "nowhere.vasp", LS_ERR_IO},
    /* a name that tells no format (found by fuzz_yaml_input: it was a usage error naming --from) */
    {"ecut: 90 Ry\nstructure: cell.txt\n", 2, "cannot tell the format of 'cell.txt' from its name: use the extension",
     LS_ERR_INPUT},
    {"structure: x.vasp\n" FE_CELL, 2, "not both", LS_ERR_INPUT},
    /* unknown key with a suggestion, at every level */
    {FE_CELL "ecutt: 90 Ry\n", 3, "unknown key 'ecutt' (did you mean 'ecut'?)", LS_ERR_INPUT},
    {FE_CELL "kpoints: {mesh: [4, 4, 4], shfit: [0, 0, 0]}\n", 3, "did you mean 'shift'?", LS_ERR_INPUT},
    {FE_CELL "scf:\n  conv_thr: 1e-8 Ry\n  mixing_bet: 0.3\n", 5, "did you mean 'mixing_beta'?", LS_ERR_INPUT},
    {FE_CELL "spin: {polarised: true}\n", 3, "did you mean 'polarized'?", LS_ERR_INPUT},
    /* units */
    {FE_CELL "ecut: 90 Rx\n", 3, "unknown energy unit 'Rx'", LS_ERR_INPUT},
    {FE_CELL "ecut: 90\n", 3, "has no unit", LS_ERR_INPUT},
    {FE_CELL "kpoints: {spacing: 0.2 eV}\n", 3, "unknown inverse length unit 'eV'", LS_ERR_INPUT},
    {FE_CELL "smearing: {type: mv, width: 0.01}\n", 3, "has no unit", LS_ERR_INPUT},
    {"cell:\n  lattice: [[2.87, 0, 0], [0, 2.87, 0], [0, 0, 2.87]]\n  species: [Fe]\n  positions: [[0, 0, 0]]\n"
     "  coordinates: fractional\n", 1, "cell/units", LS_ERR_INPUT},
    {"cell:\n  lattice: [[2.87, 0, 0], [0, 2.87, 0], [0, 0, 2.87]]\n  units: parsec\n  species: [Fe]\n"
     "  positions: [[0, 0, 0]]\n  coordinates: fractional\n", 3, "unknown length unit 'parsec'", LS_ERR_INPUT},
    /* smearing */
    {FE_CELL "smearing: {type: gausian, width: 0.01 Ry}\n", 3, "did you mean 'gaussian'?", LS_ERR_INPUT},
    {FE_CELL "smearing:\n  type: marzari\n  width: 0.01 Ry\n", 4, "unknown value 'marzari'", LS_ERR_INPUT},
    {FE_CELL "occupations: fixed\nsmearing: {type: mv, width: 0.01 Ry}\n", 3, "contradicts", LS_ERR_INPUT},
    {FE_CELL "smearing: {type: mv, width: -0.01 Ry}\n", 3, "positive", LS_ERR_INPUT},
    /* pseudopotentials */
    {"cell: {lattice: [[4.08, 0, 0], [0, 4.08, 0], [0, 0, 4.08]], units: angstrom, species: [Au],\n"
     "       positions: [[0, 0, 0]], coordinates: fractional}\necut: 60 Ry\n", 1,
     "species 'Au' has no pseudopotential: add 'pseudopotentials: {Au: FILE.upf}'", LS_ERR_INPUT},
    {FE_CELL "pseudopotentials: {Fx: Fe.upf}\n", 3, "unknown key 'Fx' in 'pseudopotentials' (did you mean 'Fe'?)", LS_ERR_INPUT},
    {FE_CELL "pseudopotentials:\n  Fe: missing/Fe.upf\n", 4, "cannot read the pseudopotential file", LS_ERR_INPUT},
    /* cutoffs */
    {FE_CELL "ecut: -30 Ry\n", 3, "the cutoff must be positive", LS_ERR_INPUT},
    {FE_CELL "ecut: 90 Ry\necut_rho: 200 Ry\n", 4, "at least 4 times ecut", LS_ERR_INPUT},
    {"cell: {lattice: [[4.08, 0, 0], [0, 4.08, 0], [0, 0, 4.08]], units: angstrom, species: [Si],\n"
     "       positions: [[0, 0, 0]], coordinates: fractional}\npseudopotentials: {Si: @SHARED@/Si.upf}\n", 1,
     "no 'ecut' and no cutoff hint for species 'Si'", LS_ERR_INPUT},
    /* k-points */
    {FE_CELL "kpoints: {mesh: [4, 0, 4]}\n", 3, "at least 1", LS_ERR_INPUT},
    {FE_CELL "kpoints: {mesh: [4, 4]}\n", 3, "expected 3 values", LS_ERR_INPUT},
    {FE_CELL "kpoints: {mesh: [4, 4, 4], shift: [0, 2, 0]}\n", 3, "half a step", LS_ERR_INPUT},
    {FE_CELL "kpoints: {mesh: [4, 4, 4], spacing: 0.2 1/angstrom}\n", 3, "not both", LS_ERR_INPUT},
    /* spin */
    {FE_CELL "spin:\n  starting_magnetization: {Fe: 1.5}\n", 4, "out of range", LS_ERR_INPUT},
    {FE_CELL "spin:\n  polarized: false\n  starting_magnetization: {Fe: 0.5}\n", 5, "polarized: true", LS_ERR_INPUT},
    {FE_CELL "spin:\n  starting_magnetization: {Co: 0.5}\n", 4, "unknown key 'Co'", LS_ERR_INPUT},
    /* scf and the rest */
    {FE_CELL "scf: {mixing_beta: 1.5}\n", 3, "(0, 1]", LS_ERR_INPUT},
    {FE_CELL "scf: {conv_thr: 0 Ry}\n", 3, "positive", LS_ERR_INPUT},
    {FE_CELL "functional: PBX\n", 3, "key 'functional'", LS_ERR_INPUT},
    {FE_CELL "forces: maybe\n", 3, "true or false", LS_ERR_INPUT},
    {FE_CELL "fft_grid: [27, 27]\n", 3, "expected 3 values", LS_ERR_INPUT},
    /* cell */
    {"cell: {lattice: [[2.87, 0, 0], [0, 2.87, 0]], units: angstrom, species: [Fe],\n"
     "       positions: [[0, 0, 0]], coordinates: fractional}\n", 1, "expected 3 lattice vectors", LS_ERR_INPUT},
    {"cell:\n  lattice: [[2.87, 0, 0], [0, 2.87, 0], [0, 0, 2.87]]\n  units: angstrom\n  species: [Fe, Fe]\n"
     "  positions: [[0, 0, 0]]\n  coordinates: fractional\n", 5, "1 positions for 2 species", LS_ERR_INPUT},
    {"cell:\n  lattice: [[2.87, 0, 0], [0, 2.87, 0], [0, 0, 2.87]]\n  units: angstrom\n  species: [Xx]\n"
     "  positions: [[0, 0, 0]]\n  coordinates: fractional\n", 4, "not an element symbol", LS_ERR_INPUT},
    {"cell:\n  lattice: [[2.87, 0, 0], [0, 2.87, 0], [0, 0, 2.87]]\n  units: angstrom\n  species: [Fe]\n"
     "  positions: [[0, 0, 0]]\n  coordinates: crystal\n", 6, "choices: fractional, cartesian", LS_ERR_INPUT},
    /* YAML syntax */
    {FE_CELL "kpoints: {mesh: [4, 4, 4]\n", 4, "YAML syntax error", LS_ERR_INPUT},
};

static void test_errors(void)
{
    char path[1024];
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        scratch("yaml_bad.yaml", c->text, path, sizeof path);
        dft_params p;
        dft_params_init(&p);
        ls_log_set_level(LS_LOG_ERROR);
        int status = dft_params_read_yaml(path, &p);
        ls_log_set_level(LS_LOG_WARN);
        const char *msg = ls_error_message();
        char where[1100];
        snprintf(where, sizeof where, "%s:%d:", path, c->line);
        LS_CHECK_MSG(status == c->code, "case %zu: status %d, expected %d (%s)", i, status, c->code, msg);
        LS_CHECK_MSG(strstr(msg, where) != NULL, "case %zu: '%s' does not name %s", i, msg, where);
        LS_CHECK_MSG(strstr(msg, c->expect) != NULL, "case %zu: '%s' does not contain '%s'", i, msg, c->expect);
        ls_error_clear();
        dft_params_free(&p);
    }
}

/* Through the program: a YAML error is exit code 2 with FILE:LINE on stderr; the reader is
 * chosen by the extension (.yml too). */
static void test_program_exit_code(void)
{
    char path[1024], out[1024], cmd[4096];
    scratch("yaml_prog.yml", FE_CELL "ecutt: 90 Ry\n", path, sizeof path);
    ls_test_tmp_path(out, sizeof out, "yaml_prog.err");
    snprintf(cmd, sizeof cmd, "scf '%s'", path);
    int rc = ls_test_run(NULL, cmd, NULL, out);
    LS_CHECK_MSG(rc == 2, "exit status %d", rc);
    char *text = NULL;
    LS_CHECK_OK(ls_file_read_all(out, &text, NULL));
    char where[1100];
    snprintf(where, sizeof where, "%s:3:", path);
    LS_CHECK_MSG(text && strstr(text, where) && strstr(text, "did you mean 'ecut'"), "%s", text ? text : "");
    free(text);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    char nohints[1024], cmd[3200];
    ls_test_fresh_dir(nohints, sizeof nohints, "yaml_nohints");
    snprintf(cmd, sizeof cmd, "cp inputs/pseudo/pd04-pbe-sr/Si.upf inputs/pseudo/pd04-pbe-sr/Fe.upf '%s'", nohints);
    if (system(cmd) != 0 || !realpath(nohints, g_shared_pseudo) || !realpath("inputs/pseudo/pd04-pbe-sr", g_lib_pseudo)) {
        fprintf(stderr, "test_input_yaml: run from the project root\n");
        return 1;
    }
    LS_RUN(test_same_as_qe_si2);
    LS_RUN(test_same_as_qe_fe);
    LS_RUN(test_units);
    LS_RUN(test_defaults);
    LS_RUN(test_gth_entry);
    LS_RUN(test_low_cutoff_warning);
    LS_RUN(test_errors);
    LS_RUN(test_program_exit_code);
    return ls_test_summary("test_input_yaml");
}
