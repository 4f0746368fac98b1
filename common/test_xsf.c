/* Tests for common/xsf.c: reading the ACWF files, round trips, molecules and slabs, and every
 * documented error (each message must name the file and the line). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/io.h"
#include "common/structure.h"
#include "common/test.h"
#include "common/units.h"

static char tmp_file[512];

/* Write `text` to a scratch file and return its path. */
static const char *scratch(const char *name, const char *text)
{
    ls_test_tmp_path(tmp_file, sizeof tmp_file, name);
    FILE *fp = fopen(tmp_file, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
    return tmp_file;
}

/* Reading `text` must fail with `code` and a message holding "NAME:LINE:" and `needle`. */
static void expect_error(const char *name, const char *text, int code, int line, const char *needle)
{
    const char *path = scratch(name, text);
    ls_structure *s = NULL;
    int st = ls_xsf_read(path, &s);
    LS_CHECK_MSG(st == code, "%s: status %d, expected %d (%s)", name, st, code, ls_error_message());
    LS_CHECK(s == NULL);
    char where[600];
    snprintf(where, sizeof where, "%s:%d:", path, line);
    LS_CHECK_MSG(strstr(ls_error_message(), where) != NULL, "%s: message '%s' lacks '%s'", name,
                 ls_error_message(), where);
    LS_CHECK_MSG(strstr(ls_error_message(), needle) != NULL, "%s: message '%s' lacks '%s'", name,
                 ls_error_message(), needle);
    ls_structure_destroy(s);
}

static void test_read_acwf(void)
{
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_xsf_read("common/testdata/acwf/unaries-verification-PBE-v1/Si-Diamond.xsf", &s));
    if (s == NULL) return;
    /* Numbers as written in Si-Diamond.xsf (Å), converted with CODATA 2018 bohr. */
    LS_CHECK(s->n_atom == 2);
    LS_CHECK(s->z[0] == 14 && s->z[1] == 14 && strcmp(s->species[1], "Si") == 0);
    LS_CHECK(s->pbc[0] && s->pbc[1] && s->pbc[2]);
    LS_CHECK_NEAR(s->cell[0][1], 2.73510256962861 / 0.529177210903, 1e-12);
    LS_CHECK_NEAR(s->cell[2][2], 0.0, 0.0);
    LS_CHECK_NEAR(s->pos[1][2], 1.36755128481431 / 0.529177210903, 1e-12);
    LS_CHECK(s->forces == NULL);
    ls_structure_destroy(s);
    s = NULL;
    LS_CHECK_OK(ls_xsf_read("common/testdata/acwf/oxides-verification-PBE-v1/Ag-X2O5.xsf", &s));
    if (s == NULL) return;
    LS_CHECK(s->n_atom == 14);
    LS_CHECK(s->z[3] == 47 && s->z[4] == 8 && strcmp(s->species[13], "O") == 0);
    LS_CHECK_NEAR(s->pos[13][2], 3.98410991898915 * LS_ANGSTROM_BOHR, 1e-12);
    ls_structure_destroy(s);
}

static void test_round_trip(void)
{
    /* Comments, blank lines, lower-case keywords, a data grid and forces in Ha/Å. */
    const char *text = "# a comment\n\ncrystal\nPRIMVEC   # vectors in Å\n"
                       "  4.2 0.0 0.0\n 0.1 3.9 0.0\n 0.0 0.2 5.1\n"
                       "CONVVEC\n 4.2 0 0\n 0 3.9 0\n 0 0 5.1\n"
                       "PRIMCOORD\n 3 1\n"
                       "Fe 0.0 0.0 0.0   0.1 -0.2 0.3\n"
                       "8  1.05 1.95 2.55  0 0 0\n"
                       "O1 2.1 0.3 1.2  -0.1 0.2 -0.3\n"
                       "BEGIN_BLOCK_DATAGRID_3D\n density\n BEGIN_DATAGRID_3D_rho\n 2 2 2\n 1 2 3\n"
                       " END_DATAGRID_3D\nEND_BLOCK_DATAGRID_3D\n";
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_xsf_read(scratch("rt.xsf", text), &s));
    if (s == NULL) return;
    LS_CHECK(s->n_atom == 3 && s->z[1] == 8 && s->z[2] == 8 && strcmp(s->species[2], "O1") == 0);
    LS_CHECK(s->forces != NULL);
    /* 0.1 Ha/Å = 0.1 * 0.529177210903 Ha/bohr */
    LS_CHECK_NEAR(s->forces[0][0], 0.1 * 0.529177210903, 1e-15);
    LS_CHECK_NEAR(s->forces[2][2], -0.3 * 0.529177210903, 1e-15);
    LS_CHECK_NEAR(s->cell[2][1], 0.2 * LS_ANGSTROM_BOHR, 1e-14);
    ls_structure_set_comment(s, "round\ntrip");

    char path[512];
    ls_test_tmp_path(path, sizeof path, "rt_out.xsf");
    FILE *fp = fopen(path, "w");
    LS_CHECK(fp != NULL);
    if (fp == NULL) return;
    LS_CHECK_OK(ls_xsf_write(fp, path, s));
    fclose(fp);
    ls_structure *t = NULL;
    LS_CHECK_OK(ls_xsf_read(path, &t));
    if (t) {
        LS_CHECK(t->n_atom == 3 && t->forces != NULL);
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 3; k++) {
                LS_CHECK_NEAR(t->cell[i][k], s->cell[i][k], 1e-14 * 10);
                LS_CHECK_NEAR(t->pos[i][k], s->pos[i][k], 1e-14 * 10);
                LS_CHECK_NEAR(t->forces[i][k], s->forces[i][k], 1e-15);
            }
        LS_CHECK(strcmp(t->species[2], "O") == 0); /* the writer uses element symbols */
    }
    ls_structure_destroy(t);
    ls_structure_destroy(s);
}

static void test_molecule_and_slab(void)
{
    const char *mol = "ATOMS\n8 0.0 0.0 0.119\nH 0.0 0.763 -0.477\n1 0.0 -0.763 -0.477\n";
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_xsf_read(scratch("mol.xsf", mol), &s));
    if (s) {
        LS_CHECK(s->n_atom == 3 && !s->pbc[0] && !s->pbc[1] && !s->pbc[2]);
        LS_CHECK(s->z[0] == 8 && s->z[2] == 1);
        LS_CHECK_NEAR(s->pos[1][1], 0.763 * LS_ANGSTROM_BOHR, 1e-14);
        /* Written back as an ATOMS block (no cell). */
        char path[512];
        ls_test_tmp_path(path, sizeof path, "mol_out.xsf");
        FILE *fp = fopen(path, "w");
        LS_CHECK_OK(ls_xsf_write(fp, path, s));
        fclose(fp);
        ls_structure *t = NULL;
        LS_CHECK_OK(ls_xsf_read(path, &t));
        if (t) LS_CHECK(t->n_atom == 3 && !t->pbc[0] && t->z[0] == 8);
        ls_structure_destroy(t);
        s->pbc[1] = 1;
        fp = fopen(path, "w");
        LS_CHECK(ls_xsf_write(fp, path, s) == LS_ERR_UNSUPPORTED);
        fclose(fp);
    }
    ls_structure_destroy(s);
    s = NULL;
    const char *slab = "SLAB\nPRIMVEC\n 2.5 0 0\n 1.25 2.165 0\n 0 0 20\nPRIMCOORD\n 1 1\nC 0 0 10\n";
    LS_CHECK_OK(ls_xsf_read(scratch("slab.xsf", slab), &s));
    if (s) LS_CHECK(s->pbc[0] && s->pbc[1] && !s->pbc[2]);
    ls_structure_destroy(s);
    s = NULL;
    const char *poly = "POLYMER\nPRIMVEC\n 2.5 0 0\n 0 10 0\n 0 0 10\nPRIMCOORD\n 1 1\nC 0 5 5\n";
    LS_CHECK_OK(ls_xsf_read(scratch("poly.xsf", poly), &s));
    if (s) LS_CHECK(s->pbc[0] && !s->pbc[1] && !s->pbc[2]);
    ls_structure_destroy(s);
    s = NULL;
    /* Animation: the first step is read, the others are read over. */
    const char *anim = "ANIMSTEPS 2\nCRYSTAL\nPRIMVEC 1\n 3 0 0\n 0 3 0\n 0 0 3\nPRIMCOORD 1\n 1 1\nNa 0 0 0\n"
                       "PRIMVEC 2\n 3.1 0 0\n 0 3.1 0\n 0 0 3.1\nPRIMCOORD 2\n 1 1\nNa 0.1 0 0\n";
    LS_CHECK_OK(ls_xsf_read(scratch("anim.xsf", anim), &s));
    if (s) {
        LS_CHECK_NEAR(s->cell[0][0], 3.0 * LS_ANGSTROM_BOHR, 1e-14);
        LS_CHECK_NEAR(s->pos[0][0], 0.0, 0.0);
    }
    ls_structure_destroy(s);
}

static void test_errors(void)
{
    const char *head = "CRYSTAL\nPRIMVEC\n 3 0 0\n 0 3 0\n 0 0 3\nPRIMCOORD\n";
    char text[1024];
    expect_error("trunc_vec.xsf", "CRYSTAL\nPRIMVEC\n 3 0 0\n 0 3 0\n", LS_ERR_INPUT, 5, "truncated");
    snprintf(text, sizeof text, "%s 3 1\nNa 0 0 0\nCl 1.5 1.5 1.5\n", head);
    expect_error("trunc_atoms.xsf", text, LS_ERR_INPUT, 10, "atom 3 of the 3 announced on line 7");
    snprintf(text, sizeof text, "%s 1 1\nNa 0 0 0\nCl 1.5 1.5 1.5\n", head);
    expect_error("too_many.xsf", text, LS_ERR_INPUT, 9, "more atom lines than the 1 announced on line 7");
    snprintf(text, sizeof text, "%s 3 1\nNa 0 0 0\nCl 1.5 1.5 1.5\nCONVVEC\n", head);
    expect_error("count.xsf", text, LS_ERR_INPUT, 10, "does not match");
    snprintf(text, sizeof text, "%s 2 1\nNa 0 0 0\nXq 1.5 1.5 1.5\n", head);
    expect_error("element.xsf", text, LS_ERR_INPUT, 9, "unknown element 'Xq'");
    snprintf(text, sizeof text, "%s 2 1\nNa 0 0 0\n119 1.5 1.5 1.5\n", head);
    expect_error("znum.xsf", text, LS_ERR_INPUT, 9, "unknown atomic number '119'");
    snprintf(text, sizeof text, "%s 2 1\nNa 0 0 0\n0 1.5 1.5 1.5\n", head);
    expect_error("znum0.xsf", text, LS_ERR_INPUT, 9, "unknown atomic number '0'");
    snprintf(text, sizeof text, "%s 2 1\nNa 0 0 0\nCl 1.5 1.5.1 1.5\n", head);
    expect_error("number.xsf", text, LS_ERR_INPUT, 9, "'1.5.1'");
    snprintf(text, sizeof text, "%s 2 1\nNa 0 0 0\nCl 1.5 1.5\n", head);
    expect_error("columns.xsf", text, LS_ERR_INPUT, 9, "found 3 columns");
    snprintf(text, sizeof text, "%s 2 1\nNa 0 0 0 0.1 0.1 0.1\nCl 1.5 1.5 1.5\n", head);
    expect_error("forces.xsf", text, LS_ERR_INPUT, 9, "forces for every atom");
    snprintf(text, sizeof text, "%s two 1\n", head);
    expect_error("count_nan.xsf", text, LS_ERR_INPUT, 7, "number of atoms");
    expect_error("no_primvec.xsf", "CRYSTAL\nPRIMCOORD\n 1 1\nNa 0 0 0\n", LS_ERR_INPUT, 1, "needs a PRIMVEC");
    expect_error("singular.xsf", "CRYSTAL\nPRIMVEC\n 3 0 0\n 0 3 0\n 3 3 0\nPRIMCOORD\n 1 1\nNa 0 0 0\n",
                 LS_ERR_INPUT, 2, "linearly dependent");
    snprintf(text, sizeof text, "%s 2 1\nNa 0 0 0\nCl 0.05 0 0\n", head);
    expect_error("overlap.xsf", text, LS_ERR_INPUT, 6, "overlapping");
    snprintf(text, sizeof text, "%s 2 1\nNa 0 0 0\nCl 2.95 0 0\n", head); /* 0.05 Å over the boundary */
    expect_error("overlap_pbc.xsf", text, LS_ERR_INPUT, 6, "overlapping");
    expect_error("keyword.xsf", "CRYSTAL\nPRIMVECS\n", LS_ERR_INPUT, 2, "unknown keyword 'PRIMVECS'");
    expect_error("empty.xsf", "# nothing\n", LS_ERR_INPUT, 1, "no atoms");
    expect_error("block.xsf", "BEGIN_INFO\n stuff\n", LS_ERR_INPUT, 3, "END_INFO");
    ls_structure *s = NULL;
    LS_CHECK(ls_xsf_read("no/such/file.xsf", &s) == LS_ERR_IO);
    LS_CHECK(strstr(ls_error_message(), "no/such/file.xsf") != NULL);
}

int main(void)
{
    LS_RUN(test_read_acwf);
    LS_RUN(test_round_trip);
    LS_RUN(test_molecule_and_slab);
    LS_RUN(test_errors);
    return ls_test_summary("test_xsf");
}
