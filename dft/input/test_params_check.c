/* Sizes and values of a DFT input checked before anything is allocated or computed
 * (dft/input/params_check.c, and the YAML reader's checks with the line of the key), for the
 * findings of issue 12's bad-input sweep, each of which crashed (UBSan, out of memory) or ran
 * with exit 0 or 1 and no file or line:
 *   ecut: 1e300 Ha           int overflow in dft_grid_good_size, then "only 0 plane waves: raise
 *                            the cutoff"; now the grid it needs against DFT_GRID_MAX_DIM
 *   kpoints spacing 1e-9     int overflow in dft_kpoints_mesh_from_spacing (dft_kpoints_mp)
 *   fft_grid, mesh of 100000, mixing_history 2e9     allocated before any check
 *   fft_grid too small       the error named no file
 *   charge: 8 on Si2         an SCF of 0 electrons
 *   a nan lattice value      "is not a number with a unit, e.g. '90 Ry'"
 *   a broken pseudopotential the error named neither the input file nor its line
 * The YAML inputs use the shipped pseudopotential library (inputs/pseudo/pd04-pbe-sr, Si: 4 valence
 * electrons).  One case runs through the program: exit 2, and an earlier --json output is kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/units.h"
#include "dft/basis/grid.h"
#include "dft/basis/kpoints.h"
#include "dft/dft.h"
#include "dft/scf/mixer.h"

static char g_dir[1024];

#define SI2_CELL                                                                                                     \
    "cell:\n"                                                                                                        \
    "  lattice: [[0, 2.7155, 2.7155], [2.7155, 0, 2.7155], [2.7155, 2.7155, 0]]\n"                                   \
    "  units: angstrom\n"                                                                                            \
    "  species: [Si, Si]\n"                                                                                          \
    "  positions: [[0, 0, 0], [0.25, 0.25, 0.25]]\n"                                                                 \
    "  coordinates: fractional\n"

/* NAME in the test's scratch folder, holding text. */
static const char *write_file(const char *name, const char *text)
{
    const char *path = ls_test_in_dir(g_dir, name);
    ls_test_write_file(path, text);
    return path;
}

/* The YAML text must fail with LS_ERR_INPUT and a message holding "NAME:LINE: key 'KEY'" and `what`. */
static void expect_yaml_error(const char *name, const char *text, int line, const char *key, const char *what)
{
    const char *path = write_file(name, text);
    dft_params p;
    dft_params_init(&p);
    int status = dft_params_read_yaml(path, &p);
    char where[256];
    snprintf(where, sizeof where, "%s:%d: key '%s'", name, line, key);
    LS_CHECK_MSG(status == LS_ERR_INPUT, "%s: status %d (%s)", name, status, ls_error_message());
    LS_CHECK_MSG(strstr(ls_error_message(), where) != NULL, "%s: '%s' lacks '%s'", name, ls_error_message(), where);
    LS_CHECK_MSG(strstr(ls_error_message(), what) != NULL, "%s: '%s' lacks '%s'", name, ls_error_message(), what);
    dft_params_free(&p);
}

static void test_yaml_sizes(void)
{
    expect_yaml_error("ecut.yaml", SI2_CELL "ecut: 1e300 Ha\n", 7, "ecut", "needs an FFT grid of");
    expect_yaml_error("ecut.yaml", SI2_CELL "ecut: 1e300 Ha\n", 7, "ecut", "more than the limit of 4096");
    expect_yaml_error("ecut_rho.yaml", SI2_CELL "ecut: 30 Ry\necut_rho: 1e12 Ry\n", 8, "ecut_rho", "lower the cutoff");
    expect_yaml_error("spacing.yaml", SI2_CELL "kpoints: {spacing: 1e-9 1/angstrom}\n", 7, "kpoints/spacing",
                      "more than the limit of 1000000 points");
    expect_yaml_error("mesh.yaml", SI2_CELL "kpoints: {mesh: [100000, 100000, 100000]}\n", 7, "kpoints/mesh",
                      "a 100000 x 100000 x 100000 mesh has more than the limit of 1000000 points");
    expect_yaml_error("fft.yaml", SI2_CELL "fft_grid: [100000, 100000, 100000]\n", 7, "fft_grid",
                      "every dimension must be 1 to 4096");
    expect_yaml_error("fft_small.yaml", SI2_CELL "ecut: 30 Ry\nfft_grid: [8, 8, 8]\n", 8, "fft_grid",
                      "FFT grid 8 x 8 x 8 is too small for the density cutoff 120 Ry: dimension 1 needs at least 25");
    expect_yaml_error("fft_memory.yaml", SI2_CELL "fft_grid: [4096, 4096, 4096]\n", 7, "fft_grid", "GB of memory");
    expect_yaml_error("bands.yaml", SI2_CELL "ecut: 30 Ry\nbands: 2000000000\n", 8, "bands",
                      "2000000000 bands, but the cutoff gives about");
    expect_yaml_error("history.yaml", SI2_CELL "scf: {mixing_history: 2000000000}\n", 7, "scf/mixing_history",
                      "2000000000 steps: expected 1 to 100");
}

static void test_yaml_values(void)
{
    expect_yaml_error("charge.yaml", SI2_CELL "charge: 8\n", 7, "charge",
                      "8 leaves 0 electrons: the pseudopotentials give the atoms 8 valence electrons");
    expect_yaml_error("charge_neg.yaml", SI2_CELL "charge: -9\n", 7, "charge", "between -8 and 8");
    /* A nan lattice value is not a number; it used to be asked for a unit (with an energy example). */
    expect_yaml_error("nan.yaml",
                      "cell:\n  lattice: [[0, 2.7, 2.7], [2.7, nan, 2.7], [2.7, 2.7, 0]]\n  units: angstrom\n"
                      "  species: [Si]\n  positions: [[0, 0, 0]]\n  coordinates: fractional\n",
                      2, "cell/lattice/1/1", "'nan' is not a finite decimal number");
    expect_yaml_error("nan_ecut.yaml", SI2_CELL "ecut: nan Ry\n", 7, "ecut", "is not a finite decimal number");
    /* A pseudopotential that does not read: the input file and the line of its key, then the file's
     * own line. */
    write_file("broken.upf", "<UPF version=\"2.0.1\">\n<PP_HEADER element=\"Si\" pseudo_type=\"NC\" functional=\"PBE\"\n"
                             "  z_valence=\"four\" mesh_size=\"10\" number_of_proj=\"0\"/>\n</UPF>\n");
    expect_yaml_error("pseudo.yaml", SI2_CELL "pseudopotentials:\n  Si: broken.upf\n", 8, "pseudopotentials/Si",
                      "broken.upf:2: <PP_HEADER>: attribute z_valence=\"four\", expected a number");
}

/* The library's own check (what a pw.x input or a program filling dft_params meets, naming the
 * source file): the same limits. */
static void test_library_check(void)
{
    dft_params p;
    dft_params_init(&p);
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_create(1, &s));
    if (s == NULL) return;
    for (int k = 0; k < 3; k++) s->cell[k][k] = 10.26;
    LS_CHECK_OK(ls_structure_set_species(s, 0, "Si"));
    p.structure = s;
    snprintf(p.source, sizeof p.source, "si.in");
    p.ecut_wfc = 15.0;
    LS_CHECK_OK(dft_params_check_sizes(&p));
    p.ecut_rho = 0.5e308; /* pw.x ecutrho=1e308 (Ry) */
    LS_CHECK(dft_params_check_sizes(&p) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "si.in: the density cutoff 1e+308 Ry needs an FFT grid") != NULL, "%s",
                 ls_error_message());
    p.ecut_rho = 0;
    p.kmesh[0] = 2147483647; /* pw.x K_POINTS automatic 2147483647 1 1 0 0 0 */
    LS_CHECK(dft_params_check_sizes(&p) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "si.in: k-point mesh 2147483647 x 1 x 1: more than the limit") != NULL, "%s",
                 ls_error_message());
    p.kmesh[0] = 1;
    p.mixing_history = 2000000000;
    LS_CHECK(dft_params_check_sizes(&p) == LS_ERR_INPUT);
    p.mixing_history = 8;
    p.fft[0] = p.fft[1] = p.fft[2] = -2; /* pw.x nr1=-2 */
    LS_CHECK(dft_params_check_sizes(&p) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "every dimension must be 1 to 4096") != NULL, "%s", ls_error_message());
    dft_params_free(&p);
    /* The primitives, with the numbers of the findings. */
    double cell[3][3] = {{0, 5.13, 5.13}, {5.13, 0, 5.13}, {5.13, 5.13, 0}}, recip[3][3];
    int n[3], mesh[3];
    LS_CHECK(dft_grid_good_size(cell, 1e300, n) == LS_ERR_INPUT);
    LS_CHECK_OK(ls_cell_reciprocal(cell, recip));
    LS_CHECK(dft_kpoints_mesh_from_spacing(recip, 1e-9 * LS_BOHR_ANGSTROM, mesh) == LS_ERR_INPUT);
    LS_CHECK_OK(dft_kpoints_mesh_from_spacing(recip, 0.15 * LS_BOHR_ANGSTROM, mesh));
    int big[3] = {100000, 100, 1}, shift[3] = {0, 0, 0};
    dft_kpoints *kp = NULL;
    LS_CHECK(dft_kpoints_mp(big, shift, 0, NULL, 1, &kp) == LS_ERR_INPUT && kp == NULL);
    LS_CHECK(DFT_MIXER_MAX_HISTORY == 100);
}

/* pw.x's nat beyond what the file holds is refused before allocating (fuzz/fuzz_qe_input.c found
 * nat=80000000 taking 20 s and gigabytes under the sanitizers).  nat above the reader's limit of
 * 10^6 atoms (nat=2000000000 in the sweep) is refused at its own line: test_input_qe_keys.c. */
static void test_qe_nat(void)
{
    const char *path = write_file("nat.in", "&control\n/\n&system\n ibrav=0, nat=800000, ntyp=1, ecutwfc=30\n/\n"
                                            "&electrons\n/\nATOMIC_SPECIES\nSi 28.086 Si.upf\nCELL_PARAMETERS bohr\n"
                                            "10.2 0 0\n0 10.2 0\n0 0 10.2\nATOMIC_POSITIONS crystal\nSi 0 0 0\n"
                                            "K_POINTS gamma\n");
    dft_params p;
    dft_params_init(&p);
    LS_CHECK(dft_params_read_qe(path, &p) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "nat.in:14: 800000 atoms (nat in &system) announced") != NULL, "%s",
                 ls_error_message());
    dft_params_free(&p);
}

/* Through the program: exit 2 with the file and line, and the --json of an earlier run kept. */
static void test_program(void)
{
    write_file("big_ecut.yaml", SI2_CELL "ecut: 1e300 Ha\n");
    write_file("out.json", "{\"earlier\": true}\n");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' scf big_ecut.yaml --json out.json > stdout.txt 2> err.txt", g_dir,
             ls_test_bin());
    int rc = system(cmd);
    rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    char *err = ls_test_slurp(ls_test_in_dir(g_dir, "err.txt"));
    char *json = ls_test_slurp(ls_test_in_dir(g_dir, "out.json"));
    LS_CHECK_MSG(rc == 2, "exit %d", rc);
    LS_CHECK_MSG(err && strstr(err, "big_ecut.yaml:7: key 'ecut'") != NULL && strstr(err, "plane waves") == NULL,
                 "stderr: %s", err ? err : "");
    LS_CHECK(json && strcmp(json, "{\"earlier\": true}\n") == 0);
    free(err);
    free(json);
}

int main(void)
{
    ls_log_set_level(LS_LOG_ERROR);
    ls_test_fresh_dir(g_dir, sizeof g_dir, "test_params_check");
    LS_RUN(test_yaml_sizes);
    LS_RUN(test_yaml_values);
    LS_RUN(test_library_check);
    LS_RUN(test_qe_nat);
    LS_RUN(test_program);
    return ls_test_summary("test_params_check");
}
