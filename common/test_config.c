/* Tests for common/config.c with the fixture files in common/testdata/config/: values with
 * units, nesting, lists, sequences of mappings, and every error with its file and line. */
#include <stdio.h>
#include <string.h>

#include "common/config.h"
#include "common/err.h"
#include "common/test.h"
#include "common/units.h"

#define FIXTURES "common/testdata/config/"

/* The last call failed with LS_ERR_INPUT and a message holding "FILE:LINE:" and `needle`. */
#define CHECK_ERROR(expr, file, line, needle)                                                       \
    do {                                                                                            \
        int st_ = (expr);                                                                           \
        char where_[256];                                                                           \
        snprintf(where_, sizeof where_, "%s%s:%d:", FIXTURES, file, line);                        \
        LS_CHECK_MSG(st_ == LS_ERR_INPUT, "%s gave %d (%s)", #expr, st_, ls_error_message());       \
        LS_CHECK_MSG(strstr(ls_error_message(), where_) == ls_error_message(), "'%s' does not start with '%s'", \
                     ls_error_message(), where_);                                                   \
        LS_CHECK_MSG(strstr(ls_error_message(), needle) != NULL, "'%s' lacks '%s'", ls_error_message(), needle); \
    } while (0)

static void test_values(void)
{
    ls_config *c = NULL;
    LS_CHECK_OK(ls_config_load(FIXTURES "good.yaml", &c));
    if (c == NULL) return;
    const char *s;
    LS_CHECK_OK(ls_config_get_string(c, "title", &s));
    LS_CHECK(strcmp(s, "Fe bcc test") == 0);
    double v;
    /* 90 Ry = 45 Ha; 360 with default unit Ry = 180 Ha; 0.01 Ry = 0.005 Ha. */
    LS_CHECK_OK(ls_config_get_quantity(c, "scf/ecut", LS_DIM_ENERGY, "Ry", &v));
    LS_CHECK_NEAR(v, 45.0, 1e-12);
    LS_CHECK_OK(ls_config_get_quantity(c, "scf/ecut_rho", LS_DIM_ENERGY, "Ry", &v));
    LS_CHECK_NEAR(v, 180.0, 1e-12);
    LS_CHECK_OK(ls_config_get_quantity(c, "scf/smearing", LS_DIM_ENERGY, "Ry", &v));
    LS_CHECK_NEAR(v, 0.005, 1e-15);
    /* 300 K: k_B T = 300 * 8.617333262e-5 eV = 0.025851999786 eV, / 27.211386245988 eV/Ha. */
    LS_CHECK_OK(ls_config_get_quantity(c, "scf/temperature", LS_DIM_TEMPERATURE, "K", &v));
    LS_CHECK_NEAR(v, 300 * 8.617333262e-5 / 27.211386245988, 1e-15);
    int n;
    LS_CHECK_OK(ls_config_get_int(c, "scf/max_iter", &n));
    LS_CHECK(n == 60);
    LS_CHECK_OK(ls_config_get_double(c, "scf/tolerance", &v));
    LS_CHECK_NEAR(v, 1e-8, 1e-22);
    int b = -1;
    LS_CHECK_OK(ls_config_get_bool(c, "scf/symmetry", &b));
    LS_CHECK(b == 1);
    LS_CHECK_OK(ls_config_get_bool(c, "spin_polarised", &b));
    LS_CHECK(b == 0);
    static const char *const methods[] = {"linear", "anderson", "broyden", NULL};
    int m = -1;
    LS_CHECK_OK(ls_config_get_enum(c, "scf/mixing/method", methods, &m));
    LS_CHECK(m == 2); /* "Broyden" matches without regard to case */
    LS_CHECK_OK(ls_config_get_double(c, "scf/mixing/beta", &v));
    LS_CHECK_NEAR(v, 0.35, 1e-15);
    /* a: 2.83 Å in bohr (CODATA 2018 bohr radius 0.529177210903 Å). */
    LS_CHECK_OK(ls_config_get_quantity(c, "cell/a", LS_DIM_LENGTH, "angstrom", &v));
    LS_CHECK_NEAR(v, 2.83 / 0.529177210903, 1e-12);

    /* Optional keys: absent gives the fallback, present gives the value. */
    LS_CHECK_OK(ls_config_opt_double(c, "scf/mixing/weight", 0.25, &v));
    LS_CHECK_NEAR(v, 0.25, 0.0);
    LS_CHECK_OK(ls_config_opt_int(c, "scf/mixing/history", 4, &n));
    LS_CHECK(n == 8);
    LS_CHECK_OK(ls_config_opt_quantity(c, "scf/degauss", LS_DIM_ENERGY, "Ry", 0.1, &v));
    LS_CHECK_NEAR(v, 0.1, 0.0);
    LS_CHECK_OK(ls_config_opt_bool(c, "relax", 1, &b));
    LS_CHECK(b == 1);
    LS_CHECK_OK(ls_config_opt_string(c, "output", "out.json", &s));
    LS_CHECK(strcmp(s, "out.json") == 0);
    LS_CHECK_OK(ls_config_opt_enum(c, "scf/mixer", methods, 1, &m));
    LS_CHECK(m == 1);
    LS_CHECK_OK(ls_config_opt_double(c, "empty_section/x", 3.5, &v)); /* "empty_section:" holds nothing */
    LS_CHECK_NEAR(v, 3.5, 0.0);

    /* Lists. */
    int grid[3] = {0}, nk = 0;
    LS_CHECK_OK(ls_config_get_ints(c, "kpoints/grid", 3, 3, grid, &nk));
    LS_CHECK(nk == 3 && grid[0] == 6 && grid[2] == 6);
    LS_CHECK_OK(ls_config_get_ints(c, "kpoints/shift", 3, 3, grid, &nk));
    LS_CHECK(nk == 3 && grid[0] == 0 && grid[1] == 1 && grid[2] == 0);
    double len[3];
    LS_CHECK_OK(ls_config_get_doubles(c, "cell/lengths", LS_DIM_LENGTH, "angstrom", 1, 3, len, &nk));
    LS_CHECK(nk == 3);
    LS_CHECK_NEAR(len[0], 2.83 / 0.529177210903, 1e-12);
    LS_CHECK_NEAR(len[1], 5.35 / 0.529177210903, 1e-12);
    LS_CHECK_NEAR(len[2], 5.0 / 0.529177210903, 1e-12); /* 0.5 nm */

    /* Sequence of mappings, with a merge key in the second item. */
    int n_sp = 0;
    LS_CHECK_OK(ls_config_get_list(c, "species", &n_sp));
    LS_CHECK(n_sp == 2);
    LS_CHECK_OK(ls_config_get_string(c, "species/1/pseudo", &s));
    LS_CHECK(strcmp(s, "Co.upf") == 0);
    LS_CHECK_OK(ls_config_get_string(c, "species/1/pseudo_dir", &s));
    LS_CHECK(strcmp(s, "/opt/pseudo") == 0);
    LS_CHECK_OK(ls_config_opt_double(c, "species/0/magnetisation", 0.0, &v));
    LS_CHECK_NEAR(v, 2.2, 1e-15);
    LS_CHECK_OK(ls_config_opt_double(c, "species/1/magnetisation", 0.0, &v));
    LS_CHECK_NEAR(v, 0.0, 0.0);
    LS_CHECK_OK(ls_config_opt_list(c, "constraints", &n_sp));
    LS_CHECK(n_sp == 0);

    /* Line numbers (1-based, as in good.yaml). */
    LS_CHECK(ls_config_line(c, "scf/ecut") == 5);
    LS_CHECK(ls_config_line(c, "scf/mixing/beta") == 14);
    LS_CHECK(ls_config_line(c, "species/1") == 31); /* the item's first key, "- name: Co" */
    LS_CHECK(ls_config_line(c, "nothing") == 0);
    LS_CHECK(ls_config_has(c, "empty_section") && !ls_config_has(c, "scf/nothing"));

    static const char *const top[] = {"title", "structure", "scf", "kpoints", "cell", "defaults", "species",
                                      "spin_polarised", "empty_section", NULL};
    LS_CHECK_OK(ls_config_check_keys(c, "", top));
    static const char *const mixing[] = {"method", "beta", "history", NULL};
    LS_CHECK_OK(ls_config_check_keys(c, "scf/mixing", mixing));
    LS_CHECK_OK(ls_config_check_keys(c, "no/such/section", mixing));
    ls_config_destroy(c);
}

static void test_value_errors(void)
{
    ls_config *c = NULL;
    LS_CHECK_OK(ls_config_load(FIXTURES "bad.yaml", &c));
    if (c == NULL) return;
    double v;
    int n, b, m;
    const char *s;
    CHECK_ERROR(ls_config_get_quantity(c, "scf/ecut", LS_DIM_ENERGY, "Ry", &v), "bad.yaml", 3,
                "key 'scf/ecut': 'ninety Ry' is not a number");
    CHECK_ERROR(ls_config_get_quantity(c, "scf/smearing", LS_DIM_ENERGY, "Ry", &v), "bad.yaml", 4,
                "key 'scf/smearing': unknown energy unit 'furlong'");
    CHECK_ERROR(ls_config_get_int(c, "scf/max_iter", &n), "bad.yaml", 5, "expected a whole number, found '12.5'");
    CHECK_ERROR(ls_config_get_bool(c, "scf/symmetry", &b), "bad.yaml", 6, "expected true or false, found 'maybe'");
    CHECK_ERROR(ls_config_get_double(c, "scf/mixing/beta", &v), "bad.yaml", 7,
                "key 'scf/mixing': expected a mapping holding 'beta', found a single value ('broyden')");
    CHECK_ERROR(ls_config_opt_double(c, "scf/tolerance", 1e-6, &v), "bad.yaml", 8, "has no value");
    CHECK_ERROR(ls_config_get_double(c, "scf", &v), "bad.yaml", 1, "expected a number, found a mapping");
    int grid[3];
    CHECK_ERROR(ls_config_get_ints(c, "kpoints/grid", 3, 3, grid, &n), "bad.yaml", 10, "expected 3 values, found 2");
    CHECK_ERROR(ls_config_get_ints(c, "kpoints/shift", 3, 3, grid, &n), "bad.yaml", 11, "expected a list of whole numbers");
    double len[3];
    CHECK_ERROR(ls_config_get_doubles(c, "cell/lengths", LS_DIM_LENGTH, "angstrom", 3, 3, len, &n), "bad.yaml", 17,
                "key 'cell/lengths/1': expected a number, found a mapping");
    CHECK_ERROR(ls_config_get_list(c, "species", &n), "bad.yaml", 14, "key 'species/1': expected a mapping");
    static const char *const methods[] = {"linear", "anderson", "broyden", NULL};
    CHECK_ERROR(ls_config_get_enum(c, "method", methods, &m), "bad.yaml", 15,
                "unknown value 'brodyen' (did you mean 'broyden'? choices: linear, anderson, broyden)");
    /* Missing required keys name the line of the enclosing mapping (or the first line). */
    CHECK_ERROR(ls_config_get_string(c, "species/0/pseudo", &s), "bad.yaml", 13,
                "key 'species/0/pseudo': required key is missing");
    CHECK_ERROR(ls_config_get_string(c, "structure", &s), "bad.yaml", 1, "key 'structure': required key is missing");
    CHECK_ERROR(ls_config_get_string(c, "species/name", &s), "bad.yaml", 12, "is a list");
    /* Typos: the closest known key is suggested; with nothing close, the known keys are listed. */
    static const char *const scf[] = {"ecut", "smearing", "max_iter", "symmetry", "mixing", "tolerance", NULL};
    CHECK_ERROR(ls_config_check_keys(c, "scf", scf), "bad.yaml", 2,
                "unknown key 'ecutt' in 'scf' (did you mean 'ecut'?)");
    static const char *const top[] = {"scf", "kpoints", "species", "method", NULL};
    CHECK_ERROR(ls_config_check_keys(c, "", top), "bad.yaml", 16,
                "unknown key 'cell' (known keys: scf, kpoints, species, method)");
    CHECK_ERROR(ls_config_check_keys(c, "kpoints/grid", top), "bad.yaml", 10, "expected a mapping");
    ls_config_destroy(c);
}

static void test_file_errors(void)
{
    ls_config *c = NULL;
    /* libfyaml reports the unclosed bracket where the document ends (line 5). */
    CHECK_ERROR(ls_config_load(FIXTURES "syntax.yaml", &c), "syntax.yaml", 5, "YAML syntax error");
    LS_CHECK(c == NULL);
    CHECK_ERROR(ls_config_load(FIXTURES "duplicate.yaml", &c), "duplicate.yaml", 4, "duplicate key");
    CHECK_ERROR(ls_config_load(FIXTURES "toplevel_list.yaml", &c), "toplevel_list.yaml", 1,
                "the top level must be a mapping");
    LS_CHECK(ls_config_load(FIXTURES "no_such_file.yaml", &c) == LS_ERR_IO);
    LS_CHECK(strstr(ls_error_message(), "no_such_file.yaml") != NULL);
    /* An empty document is an empty mapping. */
    LS_CHECK_OK(ls_config_load(FIXTURES "empty.yaml", &c));
    if (c) {
        double v;
        LS_CHECK_OK(ls_config_opt_double(c, "scf/beta", 0.5, &v));
        LS_CHECK_NEAR(v, 0.5, 0.0);
        CHECK_ERROR(ls_config_get_double(c, "scf/beta", &v), "empty.yaml", 1, "required key is missing");
    }
    ls_config_destroy(c);
    c = NULL;
    /* From memory, with a name for messages; a tab used as indentation is a syntax error. */
    const char *text = "a: 1\nb:\n\t c: 2\n";
    int st = ls_config_parse(text, strlen(text), "inline.yaml", &c);
    LS_CHECK(st == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "inline.yaml:3:") != NULL, "%s", ls_error_message());
    LS_CHECK(c == NULL);
}

/* Issue 12's sweep: a 600-byte "billion laughs" document took 21 s and 2.8 GB before libfyaml gave up.
 * Nine levels of ten aliases stand for 10^9 values: refused before any expansion, naming the line of
 * the alias that went over; a document with a few aliases still reads, and merge keys still work. */
static void test_alias_bomb(void)
{
    char text[2048] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i <= 9; i++) {
        char line[160];
        snprintf(line, sizeof line, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i,
                 i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
        strcat(text, line);
    }
    LS_CHECK(strlen(text) < 700);
    ls_config *c = NULL;
    int st = ls_config_parse(text, strlen(text), "bomb.yaml", &c);
    LS_CHECK(st == LS_ERR_INPUT && c == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "bomb.yaml:") != NULL && strstr(ls_error_message(), "aliases") != NULL,
                 "%s", ls_error_message());
    /* The line of the alias that went over: a5 on line 6 (its 10^6 values, with the lists holding them,
     * pass the budget of 10^6). */
    LS_CHECK_MSG(strstr(ls_error_message(), "bomb.yaml:6:") != NULL, "%s", ls_error_message());
    const char *ok = "base: &b {beta: 0.25, n: 3}\nscf:\n  <<: *b\n  n: 4\nlist: [*b, *b]\n";
    LS_CHECK_OK(ls_config_parse(ok, strlen(ok), "merge.yaml", &c));
    if (c) {
        double beta;
        int n;
        LS_CHECK_OK(ls_config_get_double(c, "scf/beta", &beta));
        LS_CHECK_OK(ls_config_get_int(c, "scf/n", &n));
        LS_CHECK(beta == 0.25 && n == 4);
        LS_CHECK_OK(ls_config_get_double(c, "list/1/beta", &beta));
    }
    ls_config_destroy(c);
}

/* Found by fuzz/fuzz_yaml_input.c: libfyaml 0.7.12 never returns on a directive line holding a byte
 * that is not UTF-8 ("%\x96", 2 bytes).  Such text is refused before libfyaml sees it, with its line
 * and column; UTF-8 text (accents, symbols, emoji) reads. */
static void test_not_utf8(void)
{
    ls_config *c = NULL;
    LS_CHECK(ls_config_parse("%\x96", 2, "two.yaml", &c) == LS_ERR_INPUT && c == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "two.yaml:1: byte 0x96 (column 2) is not UTF-8") != NULL, "%s",
                 ls_error_message());
    const char *latin1 = "a: 1\nname: caf\xe9\n";
    LS_CHECK(ls_config_parse(latin1, strlen(latin1), "latin1.yaml", &c) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "latin1.yaml:2: byte 0xe9 (column 10)") != NULL, "%s", ls_error_message());
    const char *utf8 = "a: 1\nname: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n";
    LS_CHECK_OK(ls_config_parse(utf8, strlen(utf8), "utf8.yaml", &c));
    ls_config_destroy(c);
}

int main(void)
{
    LS_RUN(test_values);
    LS_RUN(test_value_errors);
    LS_RUN(test_file_errors);
    LS_RUN(test_alias_bomb);
    LS_RUN(test_not_utf8);
    return ls_test_summary("test_config");
}
