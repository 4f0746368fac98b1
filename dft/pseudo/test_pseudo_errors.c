/* Pseudopotential files that read (or ran) although they contradict themselves or hold numbers no
 * potential has; each now an error naming the file and line:
 * - a UPF v2 whose number_of_proj="0" contradicts its <PP_BETA.1> (issue 12's bad-input sweep: the
 *   projectors were dropped and the potential ran as a local one);
 * - a UPF section given twice (found by fuzz/fuzz_upf.c: a leak in v1, the second ignored in v2);
 * - a GTH entry with a projector radius of 2.7e51 bohr (found by fuzz/fuzz_gth.c: its form factors
 *   were NaN) or 1e-300 bohr. */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/test.h"
#include "dft/pseudo/pseudo.h"

static char g_dir[1024];

/* NAME in the test's scratch folder, holding text. */
static const char *write_file(const char *name, const char *text)
{
    const char *path = ls_test_in_dir(g_dir, name);
    ls_test_write_file(path, text);
    return path;
}

/* A minimal UPF v2 on 8 mesh points: one projector, number_of_proj as given. */
static const char *upf_v2(const char *name, int number_of_proj)
{
    static char text[4096];
    snprintf(text, sizeof text,
             "<UPF version=\"2.0.1\">\n"
             "<PP_HEADER element=\"H\" pseudo_type=\"NC\" functional=\"PBE\" z_valence=\"1.0\" l_max=\"0\"\n"
             "  mesh_size=\"8\" number_of_proj=\"%d\" core_correction=\"F\"/>\n"
             "<PP_MESH>\n<PP_R size=\"8\">0.0 0.1 0.2 0.3 0.4 0.5 0.6 0.7</PP_R>\n"
             "<PP_RAB size=\"8\">0.1 0.1 0.1 0.1 0.1 0.1 0.1 0.1</PP_RAB>\n</PP_MESH>\n"
             "<PP_LOCAL size=\"8\">-2 -2 -2 -1.9 -1.8 -1.6 -1.4 -1.2</PP_LOCAL>\n"
             "<PP_NONLOCAL>\n"
             "<PP_BETA.1 angular_momentum=\"0\" cutoff_radius_index=\"8\" size=\"8\">\n"
             "0 0.1 0.2 0.2 0.1 0.05 0.01 0</PP_BETA.1>\n"
             "<PP_DIJ size=\"1\">1.5</PP_DIJ>\n"
             "</PP_NONLOCAL>\n</UPF>\n",
             number_of_proj);
    return write_file(name, text);
}

static void test_upf_number_of_proj(void)
{
    dft_pseudo *p = NULL;
    LS_CHECK_OK(dft_pseudo_read(upf_v2("one.upf", 1), &p));
    LS_CHECK(p && p->n_beta == 1);
    dft_pseudo_destroy(p);
    p = NULL;
    LS_CHECK(dft_pseudo_read(upf_v2("zero.upf", 0), &p) == LS_ERR_INPUT && p == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "zero.upf:10: <PP_BETA.1>: the header (line 2) declares number_of_proj=\"0\", "
                        "but the file has more projectors") != NULL, "%s", ls_error_message());
}

/* Found by fuzz/fuzz_upf.c: a UPF v1 file with <PP_HEADER> twice allocated its mesh twice (a leak) and
 * read the second; in v2 the first of two sections was read and the second ignored.  A section twice
 * is an error naming both lines. */
static void test_upf_section_twice(void)
{
    char text[8192];
    FILE *fp = fopen(upf_v2("v2.upf", 1), "r");
    size_t n = fp ? fread(text, 1, sizeof text - 1, fp) : 0;
    if (fp) fclose(fp);
    text[n] = '\0';
    char *mesh_end = strstr(text, "</PP_MESH>");
    if (mesh_end == NULL) return;
    char twice[9000];
    snprintf(twice, sizeof twice, "%.*s<PP_R size=\"8\">0 1 2 3 4 5 6 7</PP_R>\n%s", (int)(mesh_end - text), text, mesh_end);
    dft_pseudo *p = NULL;
    LS_CHECK(dft_pseudo_read(write_file("v2_twice.upf", twice), &p) == LS_ERR_INPUT && p == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "v2_twice.upf:7: <PP_R> appears twice (also on line 5)") != NULL, "%s",
                 ls_error_message());
    static const char *const v1 = "<PP_HEADER>\n   0 Version\n  H  Element\n NC\n F  NLCC\n PBE\n  1.00 Zval\n"
                                  "  0.0 Etot\n  0.0 0.0 cutoffs\n  0 lmax\n  8 mesh\n  0 0 wfc proj\n Wavefunctions\n"
                                  "</PP_HEADER>\n<PP_HEADER>\n";
    LS_CHECK(dft_pseudo_read(write_file("v1_twice.upf", v1), &p) == LS_ERR_INPUT && p == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "v1_twice.upf:15: section <PP_HEADER> appears twice (also on line 1)") != NULL,
                 "%s", ls_error_message());
}

static const char *gth(const char *name, const char *r_loc, const char *r_0)
{
    char text[512];
    snprintf(text, sizeof text, "H GTH-PBE-q1 GTH-PBE\n    1\n     %s    2    -4.17890044     0.72446331\n    1\n"
             "     %s    0\n", r_loc, r_0);
    return write_file(name, text);
}

static void test_gth_radii(void)
{
    char spec[2048];
    dft_pseudo *p = NULL;
    snprintf(spec, sizeof spec, "%s:H:GTH-PBE-q1", gth("ok.gth", "0.20000000", "0.3"));
    LS_CHECK_OK(dft_pseudo_read(spec, &p));
    dft_pseudo_destroy(p);
    p = NULL;
    snprintf(spec, sizeof spec, "%s:H:GTH-PBE-q1", gth("huge.gth", "0.2", "2.7e51"));
    LS_CHECK(dft_pseudo_read(spec, &p) == LS_ERR_INPUT && p == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "huge.gth:5: r_0 = 2.7e+51 bohr, expected 0.01 to 10") != NULL, "%s",
                 ls_error_message());
    snprintf(spec, sizeof spec, "%s:H:GTH-PBE-q1", gth("tiny.gth", "1e-300", "0.3"));
    LS_CHECK(dft_pseudo_read(spec, &p) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "tiny.gth:3: r_loc = 1e-300 bohr") != NULL, "%s", ls_error_message());
}

int main(void)
{
    ls_test_fresh_dir(g_dir, sizeof g_dir, "test_pseudo_errors");
    LS_RUN(test_upf_number_of_proj);
    LS_RUN(test_upf_section_twice);
    LS_RUN(test_gth_radii);
    return ls_test_summary("test_pseudo_errors");
}
