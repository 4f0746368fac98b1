/* End-to-end tests of `lodestone info` and `lodestone convert` (apps/cmd_info.c,
 * apps/cmd_convert.c), run through the program: $LODESTONE_BIN (set by `make test` and
 * `make asan`), else build/lodestone.  They live here because the build collects tests
 * from the library folders only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/err.h"
#include "common/io.h"
#include "common/structure.h"
#include "common/test.h"
#include "common/textio.h"
#include "common/units.h"

/* Run the program with `args` (stdout to `out_file` if given, stderr to a scratch file);
 * returns the exit code. */
static int run(const char *args, const char *out_file)
{
    char err_path[512];
    ls_test_tmp_path(err_path, sizeof err_path, "cmd_stderr.txt");
    return ls_test_run(NULL, args, out_file, err_path);
}

static void test_info_json(void)
{
    char si[512], out[512], args[2048];
    snprintf(si, sizeof si, "common/testdata/acwf/unaries-verification-PBE-v1/Si-Diamond.xsf");
    ls_test_tmp_path(out, sizeof out, "si_info.json");
    remove(out);
    snprintf(args, sizeof args, "info %s --json %s", si, out);
    LS_CHECK(run(args, NULL) == 0);
    char *text = NULL;
    LS_CHECK_OK(ls_file_read_all(out, &text, NULL));
    if (text == NULL) return;
    /* Independent numbers: the fcc primitive cell of Si-Diamond.xsf has a/2 = 2.73510256962861 Å,
     * volume a^3/4; density = 2 x 28.085 amu x 1.66053906660 g/(amu Å^3 -> cm^3) / volume;
     * shortest distance a sqrt(3)/4. */
    double a = 2 * 2.73510256962861, vol = a * a * a / 4;
    LS_CHECK_NEAR(ls_test_json_number(text, "spacegroup_number"), 227, 0);
    LS_CHECK(strstr(text, "\"spacegroup_symbol\": \"Fd-3m\"") != NULL);
    LS_CHECK_NEAR(ls_test_json_number(text, "n_atoms"), 2, 0);
    LS_CHECK_NEAR(ls_test_json_number(text, "volume_A3"), vol, 1e-10);
    LS_CHECK_NEAR(ls_test_json_number(text, "volume_per_atom_A3"), vol / 2, 1e-10);
    LS_CHECK_NEAR(ls_test_json_number(text, "density_g_per_cm3"), 2 * 28.085 * 1.66053906660 / vol, 1e-10);
    LS_CHECK_NEAR(ls_test_json_number(text, "min_distance_A"), a * sqrt(3.0) / 4, 1e-10);
    LS_CHECK(strstr(text, "\"formula\": \"Si2\"") != NULL && strstr(text, "\"formula_reduced\": \"Si\"") != NULL);
    LS_CHECK(strstr(text, "\"multiplicity\": 8") != NULL);
    LS_CHECK(strstr(text, "\"angles_deg\": [") != NULL && strstr(text, "\"lattice_A\": [") != NULL);
    free(text);

    /* --json - writes JSON only to stdout; without --json the text names the space group. */
    snprintf(args, sizeof args, "info %s --json -", si);
    LS_CHECK(run(args, out) == 0);
    LS_CHECK_OK(ls_file_read_all(out, &text, NULL));
    if (text) LS_CHECK(text[0] == '{' && strstr(text, "\"spacegroup_number\": 227") != NULL);
    free(text);
    snprintf(args, sizeof args, "info %s", si);
    LS_CHECK(run(args, out) == 0);
    LS_CHECK_OK(ls_file_read_all(out, &text, NULL));
    if (text) LS_CHECK(strstr(text, "Fd-3m (227)") != NULL && strstr(text, "Si       8b") != NULL);
    free(text);

    /* bcc Fe and a looser tolerance. */
    char fe[512];
    snprintf(fe, sizeof fe, "common/testdata/acwf/unaries-verification-PBE-v1/Fe-BCC.xsf");
    snprintf(args, sizeof args, "info %s --symprec 0.001 --json -", fe);
    LS_CHECK(run(args, out) == 0);
    LS_CHECK_OK(ls_file_read_all(out, &text, NULL));
    if (text) {
        LS_CHECK_NEAR(ls_test_json_number(text, "spacegroup_number"), 229, 0);
        LS_CHECK_NEAR(ls_test_json_number(text, "symprec_A"), 0.001, 1e-15);
    }
    free(text);
}

static void test_info_errors(void)
{
    char args[2048], si[512];
    snprintf(si, sizeof si, "common/testdata/acwf/unaries-verification-PBE-v1/Si-Diamond.xsf");
    LS_CHECK(run("info", NULL) == 2);
    LS_CHECK(run("info --help", NULL) == 0);
    LS_CHECK(run("info no_such_file.xsf", NULL) == 2);
    LS_CHECK(run("info structure.unknown", NULL) == 2);
    snprintf(args, sizeof args, "info %s --symprec -1", si);
    LS_CHECK(run(args, NULL) == 2);
    snprintf(args, sizeof args, "info %s --frame 2", si);
    LS_CHECK(run(args, NULL) == 2);
    snprintf(args, sizeof args, "info %s --format nonsense", si);
    LS_CHECK(run(args, NULL) == 2);
    snprintf(args, sizeof args, "info %s --bogus", si);
    LS_CHECK(run(args, NULL) == 2);
    /* A file with an error: exit 2 and the message names file and line. */
    char bad[512], errf[512];
    ls_test_tmp_path(bad, sizeof bad, "cmd_bad.xsf");
    FILE *fp = fopen(bad, "w");
    if (fp) {
        fputs("CRYSTAL\nPRIMVEC\n 3 0 0\n 0 3 0\n 0 0 3\nPRIMCOORD\n 1 1\nQq 0 0 0\n", fp);
        fclose(fp);
    }
    snprintf(args, sizeof args, "info %s", bad);
    LS_CHECK(run(args, NULL) == 2);
    char *text = NULL;
    LS_CHECK_OK(ls_file_read_all(ls_test_tmp_path(errf, sizeof errf, "cmd_stderr.txt"), &text, NULL));
    if (text) LS_CHECK_MSG(strstr(text, "cmd_bad.xsf:8: unknown element 'Qq'") != NULL, "%s", text);
    free(text);
}

static void test_convert(void)
{
    char in[512], out[512], args[2048];
    snprintf(in, sizeof in, "common/testdata/acwf/oxides-verification-PBE-v1/Ag-X2O5.xsf");
    ls_test_tmp_path(out, sizeof out, "convert_out.xsf");
    remove(out);
    snprintf(args, sizeof args, "convert %s %s", in, out);
    LS_CHECK(run(args, NULL) == 0);
    ls_structure *a = NULL, *b = NULL;
    LS_CHECK_OK(ls_xsf_read(in, &a));
    LS_CHECK_OK(ls_xsf_read(out, &b));
    if (a && b) {
        LS_CHECK(a->n_atom == b->n_atom);
        for (int ia = 0; ia < a->n_atom && ia < b->n_atom; ia++) {
            LS_CHECK(a->z[ia] == b->z[ia]);
            for (int k = 0; k < 3; k++) LS_CHECK_NEAR(a->pos[ia][k], b->pos[ia][k], 1e-12);
        }
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++) LS_CHECK_NEAR(a->cell[i][k], b->cell[i][k], 1e-12);
    }
    ls_structure_destroy(a);
    ls_structure_destroy(b);
    /* Formats from options; bad usage gives exit 2. */
    char out2[512];
    ls_test_tmp_path(out2, sizeof out2, "convert_out.txt");
    snprintf(args, sizeof args, "convert %s %s --to xsf --frame -1", in, out2);
    LS_CHECK(run(args, NULL) == 0);
    b = NULL;
    LS_CHECK_OK(ls_xsf_read(out2, &b));
    ls_structure_destroy(b);
    snprintf(args, sizeof args, "convert %s %s", in, out2); /* .txt: format unknown */
    LS_CHECK(run(args, NULL) == 2);
    snprintf(args, sizeof args, "convert %s %s --frame 3", in, out);
    LS_CHECK(run(args, NULL) == 2);
    snprintf(args, sizeof args, "convert %s", in);
    LS_CHECK(run(args, NULL) == 2);
    LS_CHECK(run("convert --help", NULL) == 0);
}

int main(void)
{
    LS_RUN(test_info_json);
    LS_RUN(test_info_errors);
    LS_RUN(test_convert);
    return ls_test_summary("test_cmd_info_convert");
}
