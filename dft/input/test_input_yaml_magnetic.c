/* Tests of the noncollinear keys of the YAML input (dft/input/input_yaml.c, spin/noncollinear,
 * spin_orbit, direction, total_magnetization, constraint): a valid input reads as meant, and the
 * combinations the engine cannot run are refused with LS_ERR_INPUT naming "FILE:LINE:" of the
 * key and the fix (one through the program: exit 2).  No SCF runs: well under a second. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "common/textio.h"
#include "dft/dft.h"

static char g_fr[PATH_MAX]; /* absolute inputs/pseudo/pd04-pbe-fr/Fe.upf */
static char g_sr[PATH_MAX]; /* absolute inputs/pseudo/pd04-pbe-sr/Fe.upf */

/* Two Fe (species Fe1, Fe2: directions per species), 32 valence electrons; "@FR@" is replaced. */
#define CELL                                                                                                       \
    "cell: {lattice: [[2.87, 0, 0], [0, 2.87, 0], [0, 0, 2.87]], units: angstrom, species: [Fe1, Fe2],\n"         \
    "       positions: [[0, 0, 0], [0.5, 0.5, 0.5]], coordinates: fractional}\n"                                   \
    "pseudopotentials: {Fe1: @FR@, Fe2: @FR@}\n"                                                                   \
    "ecut: 90 Ry\n"
#define SMEAR "smearing: {type: marzari-vanderbilt, width: 0.02 Ry}\n"

static const char *write_input(const char *name, const char *text, char *path, size_t n)
{
    char buf[16384], *o = buf;
    const char *p = text, *hit;
    while ((hit = strstr(p, "@FR@")) != NULL) {
        o += snprintf(o, sizeof buf - (size_t)(o - buf), "%.*s%s", (int)(hit - p), p, g_fr);
        p = hit + 4;
    }
    snprintf(o, sizeof buf - (size_t)(o - buf), "%s", p);
    ls_test_tmp_path(path, n, name);
    ls_test_write_file(path, buf);
    return path;
}

static void test_valid(void)
{
    char path[1024];
    write_input("yaml_nc_ok.yaml",
                CELL SMEAR "spin: {noncollinear: true, spin_orbit: true, starting_magnetization: {Fe1: 0.5, Fe2: 0.4},\n"
                           "       direction: {Fe1: [1, 0, 0], Fe2: [0, 1, 1]}, total_magnetization: 3.5,\n"
                           "       constraint: {type: atomic-direction, lambda: 0.5 Ry}}\n",
                path, sizeof path);
    dft_params p;
    dft_params_init(&p);
    LS_CHECK_OK(dft_params_read_yaml(path, &p));
    LS_CHECK(p.noncolin && p.spinorbit && p.has_tot_magnetization);
    LS_CHECK_NEAR(p.angle1_deg[0], 90, 1e-12);
    LS_CHECK_NEAR(p.angle2_deg[0], 0, 1e-12);
    LS_CHECK_NEAR(p.angle1_deg[1], 45, 1e-12);
    LS_CHECK_NEAR(p.angle2_deg[1], 90, 1e-12);
    LS_CHECK(p.mag_constraint == DFT_MAG_CONSTRAINT_ATOMIC_DIRECTION);
    LS_CHECK_NEAR(p.mag_lambda, 0.25, 1e-15); /* Ha */
    dft_params_free(&p);
}

struct bad_case {
    const char *text;
    int line;
    const char *expect;
};

static const struct bad_case bad_cases[] = {
    /* a fixed moment without smearing (held by a field: needs fractional occupations) */
    {CELL "spin: {noncollinear: true, starting_magnetization: {Fe1: 0.5},\n"
          "       total_magnetization: 2}\n",
     6, "needs smearing"},
    /* a fixed moment with no direction: no starting moments, or moments that cancel */
    {CELL SMEAR "spin: {noncollinear: true, total_magnetization: 2}\n", 6, "are all zero"},
    {CELL SMEAR "spin:\n  noncollinear: true\n  starting_magnetization: {Fe1: 0.5, Fe2: 0.5}\n"
                "  direction: {Fe1: [0, 0, 1], Fe2: [0, 0, -1]}\n  total_magnetization: 2\n",
     10, "cancel"},
    /* more moment than electrons (2 x 16) */
    {CELL SMEAR "spin: {noncollinear: true, starting_magnetization: {Fe1: 0.5}, total_magnetization: 40}\n", 6,
     "more than the 32 electrons"},
    /* constraints on atoms without starting moments */
    {CELL SMEAR "spin:\n  noncollinear: true\n  starting_magnetization: {Fe1: 0.5}\n"
                "  constraint: {type: atomic-direction, lambda: 1 Ry}\n",
     9, "species 'Fe2' has no starting moment"},
    {CELL SMEAR "spin:\n  noncollinear: true\n  spin_orbit: true\n  constraint: {type: atomic}\n", 9,
     "no species has a starting moment"},
    /* tetrahedra: not offered by the YAML input (collinear only, pw.x inputs) */
    {CELL "occupations: tetrahedra\nspin: {noncollinear: true, starting_magnetization: {Fe1: 0.5}}\n", 5,
     "tetrahedra"},
    /* the keys of the earlier checks, kept */
    {CELL "spin: {spin_orbit: true}\n", 5, "needs 'noncollinear: true'"},
    {CELL "spin: {noncollinear: true, polarized: true, starting_magnetization: {Fe1: 0.5}}\n", 5,
     "one channel of spinors"},
    {CELL "spin:\n  noncollinear: true\n  direction: {Fe1: [0, 0, 0]}\n", 7, "must not be zero"},
};

static void test_errors(void)
{
    char path[1024];
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        write_input("yaml_nc_bad.yaml", c->text, path, sizeof path);
        dft_params p;
        dft_params_init(&p);
        ls_log_set_level(LS_LOG_ERROR);
        int status = dft_params_read_yaml(path, &p);
        ls_log_set_level(LS_LOG_WARN);
        const char *msg = ls_error_message();
        char where[1100];
        snprintf(where, sizeof where, "%s:%d:", path, c->line);
        LS_CHECK_MSG(status == LS_ERR_INPUT, "case %zu: status %d (%s)", i, status, msg);
        LS_CHECK_MSG(strstr(msg, where) != NULL, "case %zu: '%s' does not name %s", i, msg, where);
        LS_CHECK_MSG(strstr(msg, c->expect) != NULL, "case %zu: '%s' does not contain '%s'", i, msg, c->expect);
        ls_error_clear();
        dft_params_free(&p);
    }
}

/* Through the program: a refusal of the reader, and one of the engine (spin-orbit with a
 * scalar-relativistic file, found when the pseudopotentials are read): exit 2 naming the line. */
static void expect_exit2(const char *name, const char *text, int line, const char *expect)
{
    char path[1024], out[1024], cmd[4096], where[1100];
    write_input(name, text, path, sizeof path);
    ls_test_tmp_path(out, sizeof out, "yaml_nc_prog.err");
    snprintf(cmd, sizeof cmd, "scf '%s' --checkpoint none", path);
    int rc = ls_test_run(NULL, cmd, NULL, out);
    LS_CHECK_MSG(rc == 2, "%s: exit status %d", name, rc);
    char *err = NULL;
    LS_CHECK_OK(ls_file_read_all(out, &err, NULL));
    snprintf(where, sizeof where, "%s:%d:", path, line);
    LS_CHECK_MSG(err && strstr(err, where) && strstr(err, expect), "%s: %s", name, err ? err : "");
    free(err);
}

static void test_program(void)
{
    expect_exit2("yaml_nc_prog1.yaml", CELL "spin: {noncollinear: true, starting_magnetization: {Fe1: 0.5},\n"
                                       "       total_magnetization: 2}\n", 6, "needs smearing");
    char text[8192];
    snprintf(text, sizeof text,
             "cell: {lattice: [[2.87, 0, 0], [0, 2.87, 0], [0, 0, 2.87]], units: angstrom, species: [Fe, Fe],\n"
             "       positions: [[0, 0, 0], [0.5, 0.5, 0.5]], coordinates: fractional}\n"
             "pseudopotentials: {Fe: %s}\necut: 90 Ry\n" SMEAR
             "spin:\n  noncollinear: true\n  spin_orbit: true\n  starting_magnetization: {Fe: 0.5}\n", g_sr);
    expect_exit2("yaml_nc_prog2.yaml", text, 8, "scalar-relativistic");
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    if (!realpath("inputs/pseudo/pd04-pbe-fr/Fe.upf", g_fr) || !realpath("inputs/pseudo/pd04-pbe-sr/Fe.upf", g_sr)) {
        fprintf(stderr, "test_input_yaml_magnetic: run from the project root\n");
        return 1;
    }
    LS_RUN(test_valid);
    LS_RUN(test_errors);
    LS_RUN(test_program);
    return ls_test_summary("test_input_yaml_magnetic");
}
