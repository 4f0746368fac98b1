/* Tests of the pw.x reader's magnetic keys (dft/input/input_qe_magnetic.c):
 * - values: noncolin, lspinorb, angle1/angle2 (degrees, as given), nspin = 4 as noncolin,
 *   tot_magnetization (-1 = unset, pw.x's default), constrained_magnetization with lambda (Ry in
 *   the file, Ha here: 0.7 Ry = 0.35 Ha) and pw.x's default lambda = 1 Ry;
 * - every documented error is LS_ERR_INPUT with "FILE:LINE:" of the offending key: a
 *   scalar-relativistic pseudopotential with lspinorb (the line of lspinorb), angles out of range,
 *   noncolin with nspin = 2 (pw.x: "noncolin .and. nspin==2 are conflicting flags"), lspinorb
 *   without noncolin, tot_magnetization without nspin = 2 (pw.x: "tot_magnetization requires
 *   nspin=2"), a non-integer tot_magnetization with fixed occupations (pw.x: "fixed occupations
 *   requires integer tot_magnetization"), fixed occupations with nspin = 2 and no
 *   tot_magnetization (pw.x: "fixed occupations and lsda need tot_magnetization"), noncollinear
 *   tot_magnetization with fixed occupations, starting_magnetization outside -1..1, the
 *   constraints Lodestone does not have ('total'), lforcet, nelup; calculation = 'nscf' with
 *   noncolin (LS_ERR_UNSUPPORTED: not done yet).
 * The pw.x 6.7 messages quoted were obtained by running Debian's pw.x 6.7 on these inputs
 * (2026-12-07).  Nothing here runs an SCF; the pseudopotentials are the shipped
 * inputs/pseudo/pd04-pbe-fr/Fe.upf (fully relativistic) and inputs/pseudo/pd04-pbe-sr/Fe.upf.
 * Also `lodestone scf` on the lspinorb + SR input exits with code 2 and names the line.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/units.h"
#include "dft/dft.h"

static char g_fr[PATH_MAX], g_sr[PATH_MAX];

/* Line 1 &control, 2 pseudo_dir, 3 /, 4 &system, 5 ibrav..., then the magnetic lines from line 6. */
static const char *write_input(const char *name, const char *dir, const char *system_lines, const char *occupations,
                               char *path, size_t n)
{
    ls_test_tmp_path(path, n, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    fprintf(f,
            "&control\n  pseudo_dir = '%s'\n/\n&system\n  ibrav = 0, nat = 1, ntyp = 1, ecutwfc = 30, %s\n%s/\n"
            "&electrons\n/\nATOMIC_SPECIES\nFe 55.845 Fe.upf\nCELL_PARAMETERS angstrom\n  -1.415 1.415 1.415\n"
            "  1.415 -1.415 1.415\n  1.415 1.415 -1.415\nATOMIC_POSITIONS crystal\nFe 0 0 0\nK_POINTS automatic\n"
            "2 2 2 0 0 0\n",
            dir, occupations, system_lines);
    fclose(f);
    return path;
}

#define SMEAR "occupations = 'smearing', degauss = 0.02"
#define FIXED "occupations = 'fixed'"

static int read_case(const char *name, const char *dir, const char *lines, const char *occ, dft_params *p)
{
    char path[1024];
    write_input(name, dir, lines, occ, path, sizeof path);
    dft_params_init(p);
    return dft_params_read_qe(path, p);
}

static void test_values(void)
{
    dft_params p;
    LS_CHECK_OK(read_case("mag_ok.in", g_fr,
                          "  noncolin = .true., lspinorb = .TRUE.\n  starting_magnetization(1) = 0.5\n"
                          "  angle1(1) = 90.0, angle2(1) = -45\n  constrained_magnetization = 'atomic direction'\n"
                          "  lambda = 0.7, tot_magnetization = 2.25\n",
                          SMEAR, &p));
    LS_CHECK(p.noncolin == 1 && p.spinorbit == 1 && p.n_spin == 1);
    LS_CHECK_NEAR(p.angle1_deg[0], 90.0, 0);
    LS_CHECK_NEAR(p.angle2_deg[0], -45.0, 0);
    LS_CHECK(p.mag_constraint == DFT_MAG_CONSTRAINT_ATOMIC_DIRECTION);
    LS_CHECK_NEAR(p.mag_lambda, 0.35, 1e-15); /* 0.7 Ry */
    LS_CHECK(p.has_tot_magnetization);
    LS_CHECK_NEAR(p.tot_magnetization, 2.25, 0);
    LS_CHECK(p.line_noncolin == 6 && p.line_lspinorb == 6 && p.line_tot_magnetization == 10);
    dft_params_free(&p);
    /* nspin = 4 is noncolin; tot_magnetization = -1 is pw.x's "unset"; default lambda 1 Ry */
    LS_CHECK_OK(read_case("mag_ok2.in", g_fr,
                          "  nspin = 4, starting_magnetization(1) = 0.3, tot_magnetization = -1\n"
                          "  constrained_magnetization = 'atomic'\n",
                          SMEAR, &p));
    LS_CHECK(p.noncolin == 1 && p.spinorbit == 0 && !p.has_tot_magnetization && p.n_spin == 1);
    LS_CHECK(p.line_noncolin == 6);
    LS_CHECK(p.mag_constraint == DFT_MAG_CONSTRAINT_ATOMIC);
    LS_CHECK_NEAR(p.mag_lambda, 0.5, 1e-15);
    dft_params_free(&p);
    /* collinear fixed moment with fixed occupations and a whole number (pw.x accepts it) */
    LS_CHECK_OK(read_case("mag_ok3.in", g_fr, "  nspin = 2, tot_magnetization = 2, starting_magnetization(1) = 0.5\n",
                          FIXED, &p));
    LS_CHECK(p.has_tot_magnetization && p.n_spin == 2);
    dft_params_free(&p);
}

/* The error is LS_ERR_INPUT and its message holds "NAME:LINE:" and `what`. */
static void expect_error(const char *name, const char *dir, const char *lines, const char *occ, int line, const char *what)
{
    dft_params p;
    int status = read_case(name, dir, lines, occ, &p);
    char want[256];
    snprintf(want, sizeof want, "%s:%d:", name, line);
    const char *msg = ls_error_message();
    LS_CHECK_MSG(status == LS_ERR_INPUT && strstr(msg, want) && strstr(msg, what), "%s: status %d, message '%s' (want '%s' and '%s')",
                 name, status, msg, want, what);
    ls_error_clear();
    dft_params_free(&p);
}

static void test_errors(void)
{
    expect_error("mag_sr.in", g_sr, "  noncolin = .true., starting_magnetization(1) = 0.5\n  lspinorb = .true.\n", SMEAR, 7,
                 "scalar-relativistic");
    expect_error("mag_a1.in", g_fr, "  noncolin = .true.\n  angle1(1) = 200\n", SMEAR, 7, "0 to 180");
    expect_error("mag_a1n.in", g_fr, "  noncolin = .true.\n  angle1(1) = -10\n", SMEAR, 7, "0 to 180");
    expect_error("mag_a2.in", g_fr, "  noncolin = .true.\n  angle2(1) = 400\n", SMEAR, 7, "-360..360");
    expect_error("mag_nspin.in", g_fr, "  nspin = 2\n  noncolin = .true.\n", SMEAR, 6, "conflicting");
    expect_error("mag_so.in", g_fr, "  lspinorb = .true.\n", SMEAR, 6, "needs noncolin");
    expect_error("mag_tm1.in", g_fr, "  tot_magnetization = 2\n", SMEAR, 6, "requires nspin = 2");
    expect_error("mag_tmfix.in", g_fr, "  nspin = 2\n  tot_magnetization = 2.5\n", FIXED, 7, "integer");
    expect_error("mag_lsdafix.in", g_fr, "  nspin = 2, starting_magnetization(1) = 0.5\n", FIXED, 5,
                 "need tot_magnetization");
    expect_error("mag_nctm.in", g_fr, "  noncolin = .true., starting_magnetization(1) = 0.5\n  tot_magnetization = 2\n",
                 FIXED, 7, "smearing");
    expect_error("mag_smag.in", g_fr, "  nspin = 2\n  starting_magnetization(1) = 1.5\n", SMEAR, 7, "-1 to 1");
    expect_error("mag_total.in", g_fr, "  noncolin = .true.\n  constrained_magnetization = 'total'\n", SMEAR, 7,
                 "not supported");
    expect_error("mag_forcet.in", g_fr, "  noncolin = .true.\n  lforcet = .true.\n", SMEAR, 7, "lodestone mae");
    expect_error("mag_nelup.in", g_fr, "  nspin = 2\n  nelup = 9\n", SMEAR, 7, "tot_magnetization");
}

/* `lodestone scf` on the lspinorb + scalar-relativistic input: exit code 2, file and line on stderr. */
static void test_program_exit_code(void)
{
    const char *bin = getenv("LODESTONE_BIN");
    if (!bin) {
        fprintf(stderr, "  (LODESTONE_BIN not set: program exit code not checked)\n");
        return;
    }
    char in[1024], err[1024], cmd[4096];
    write_input("mag_prog.in", g_sr, "  noncolin = .true., starting_magnetization(1) = 0.5\n  lspinorb = .true.\n", SMEAR, in,
                sizeof in);
    ls_test_tmp_path(err, sizeof err, "mag_prog.err");
    snprintf(cmd, sizeof cmd, "'%s' scf '%s' --quiet > /dev/null 2> '%s'", bin, in, err);
    int rc = system(cmd);
    LS_CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
    char text[4096] = "";
    FILE *f = fopen(err, "r");
    if (f) {
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
    }
    LS_CHECK_MSG(strstr(text, "mag_prog.in:7:") && strstr(text, "scalar-relativistic"), "stderr: %s", text);
}

/* calculation = 'nscf' with noncolin: not supported yet (exit code 2), the line of calculation. */
static void test_nscf_refused(void)
{
    char path[1024];
    ls_test_tmp_path(path, sizeof path, "mag_nscf.in");
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "&control\n  calculation = 'nscf'\n  pseudo_dir = '%s'\n/\n&system\n  ibrav = 0, nat = 1, ntyp = 1, ecutwfc = 30, "
            "%s\n  noncolin = .true.\n/\n&electrons\n/\nATOMIC_SPECIES\nFe 55.845 Fe.upf\nCELL_PARAMETERS angstrom\n"
            "  -1.415 1.415 1.415\n  1.415 -1.415 1.415\n  1.415 1.415 -1.415\nATOMIC_POSITIONS crystal\nFe 0 0 0\n"
            "K_POINTS automatic\n2 2 2 0 0 0\n", g_fr, SMEAR);
    fclose(f);
    dft_params p;
    dft_params_init(&p);
    int status = dft_params_read_qe(path, &p);
    const char *msg = ls_error_message();
    LS_CHECK_MSG(status == LS_ERR_UNSUPPORTED && strstr(msg, "mag_nscf.in:2:") && strstr(msg, "noncollinear"),
                 "status %d, message '%s'", status, msg);
    ls_error_clear();
    dft_params_free(&p);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    if (!realpath("inputs/pseudo/pd04-pbe-fr", g_fr) || !realpath("inputs/pseudo/pd04-pbe-sr", g_sr)) {
        fprintf(stderr, "run from the repository root (inputs/pseudo/ not found)\n");
        return 1;
    }
    LS_RUN(test_values);
    LS_RUN(test_errors);
    LS_RUN(test_nscf_refused);
    LS_RUN(test_program_exit_code);
    return ls_test_summary("test_input_qe_magnetic");
}
