/* Tests for common/poscar.c: reading VASP 5 and VASP 4 files (scale factors, Cartesian and
 * direct coordinates, selective dynamics, trailing velocity block), writing, round trips,
 * and one test per documented error.  Fixtures are written to the scratch directory by the
 * tests themselves; expected numbers are derived from the numbers in each fixture text. */
#include <math.h>
#include <stdio.h>

#include "common/err.h"
#include "common/io.h"
#include "common/structure.h"
#include "common/test.h"
#include "common/textio.h"
#include "common/units.h"

#define A2B LS_ANGSTROM_BOHR

/* Write `text` to the scratch file `name`; returns its path (one of a few rotating buffers). */
static const char *fixture(const char *name, const char *text)
{
    static char bufs[4][512];
    static int next = 0;
    char *path = bufs[next++ % 4];
    ls_test_tmp_path(path, sizeof bufs[0], name);
    FILE *fp = fopen(path, "w");
    if (fp == NULL) {
        fprintf(stderr, "cannot write fixture %s\n", path);
        return path;
    }
    fputs(text, fp);
    fclose(fp);
    return path;
}

/* Read a malformed file and check: LS_ERR_INPUT, message with "PATH:LINE:" and `what`. */
static void expect_error(const char *name, const char *text, long line, const char *what)
{
    const char *path = fixture(name, text);
    ls_structure *s = NULL;
    ls_error_clear();
    int status = ls_poscar_read(path, &s);
    char where[600];
    snprintf(where, sizeof where, "%s:%ld:", path, line);
    LS_CHECK_MSG(status == LS_ERR_INPUT, "%s: status %d, message '%s'", name, status, ls_error_message());
    LS_CHECK_MSG(strstr(ls_error_message(), where) != NULL, "%s: message '%s' lacks '%s'", name,
                 ls_error_message(), where);
    LS_CHECK_MSG(strstr(ls_error_message(), what) != NULL, "%s: message '%s' lacks '%s'", name,
                 ls_error_message(), what);
    LS_CHECK(s == NULL);
    ls_structure_destroy(s);
}

static void test_read_direct(void)
{
    /* Triclinic cell, direct coordinates, trailing labels after the coordinates. */
    const char *path = fixture("direct.vasp",
                               "quartz-like test cell\n"
                               "   1.0\n"
                               "   4.913  0.0    0.0\n"
                               "  -2.4565 4.2548 0.0\n"
                               "   0.1    0.2    5.405\n"
                               "Si O\n"
                               "1 2\n"
                               "direct\n"
                               "0.4697 0.0 0.0 Si1\n"
                               "0.4135 0.2669 0.1191 O1\n"
                               "-0.25 1.25 0.5\n");
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_poscar_read(path, &s));
    if (s == NULL) return;
    LS_CHECK(s->n_atom == 3);
    LS_CHECK(s->z[0] == 14 && s->z[1] == 8 && s->z[2] == 8);
    LS_CHECK(strcmp(s->species[1], "O") == 0);
    LS_CHECK(strcmp(s->comment, "quartz-like test cell") == 0);
    LS_CHECK(s->fixed == NULL);
    LS_CHECK_NEAR(s->cell[1][0], -2.4565 * A2B, 1e-12);
    LS_CHECK_NEAR(s->cell[2][2], 5.405 * A2B, 1e-12);
    /* Atom 3: f = (-0.25, 1.25, 0.5), r = f . cell, not wrapped. */
    LS_CHECK_NEAR(s->pos[2][0], (-0.25 * 4.913 + 1.25 * -2.4565 + 0.5 * 0.1) * A2B, 1e-12);
    LS_CHECK_NEAR(s->pos[2][1], (1.25 * 4.2548 + 0.5 * 0.2) * A2B, 1e-12);
    LS_CHECK_NEAR(s->pos[2][2], 0.5 * 5.405 * A2B, 1e-12);
    ls_structure_destroy(s);
}

static void test_read_cartesian_scaled(void)
{
    /* Scale 2.385 multiplies the lattice and the Cartesian positions. */
    const char *path = fixture("cart.vasp",
                               "fcc Cu primitive, lattice constant as scale\n"
                               "2.385\n"
                               "0.0 1.0 1.0\n1.0 0.0 1.0\n1.0 1.0 0.0\n"
                               "Cu Au\n1 1\n"
                               "Cartesian\n"
                               "0.0 0.0 0.0\n"
                               "0.5 0.75 1.0\n");
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_poscar_read(path, &s));
    if (s == NULL) return;
    LS_CHECK_NEAR(s->cell[0][1], 2.385 * A2B, 1e-12);
    LS_CHECK_NEAR(s->pos[1][0], 0.5 * 2.385 * A2B, 1e-12);
    LS_CHECK_NEAR(s->pos[1][1], 0.75 * 2.385 * A2B, 1e-12);
    LS_CHECK_NEAR(s->pos[1][2], 1.0 * 2.385 * A2B, 1e-12);
    LS_CHECK(s->z[1] == 79);
    ls_structure_destroy(s);
}

static void test_negative_and_three_scales(void)
{
    /* Negative scale: the cell volume in Å^3 (here 40.0 for a 1 x 2 x 3 box scaled up). */
    const char *path = fixture("negscale.vasp",
                               "volume given\n-40.0\n"
                               "1 0 0\n0 2 0\n0 0 3\nAl\n2\nDirect\n0 0 0\n0.5 0.5 0.5\n");
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_poscar_read(path, &s));
    if (s != NULL) {
        double v_a3 = ls_cell_volume(s->cell) * pow(LS_BOHR_ANGSTROM, 3);
        LS_CHECK_NEAR(v_a3, 40.0, 1e-10);
        double f = cbrt(40.0 / 6.0); /* the isotropic factor that gives 40 Å^3 */
        LS_CHECK_NEAR(s->cell[1][1], 2 * f * A2B, 1e-12);
        LS_CHECK_NEAR(s->pos[1][2], 0.5 * 3 * f * A2B, 1e-12);
    }
    ls_structure_destroy(s);
    s = NULL;
    /* Three factors scale the x, y and z components (lattice and Cartesian positions). */
    path = fixture("threescale.vasp",
                   "three scales\n 1.5 2.0 0.5\n"
                   "2 1 0\n0 2 1\n1 0 4\nAl\n1\nCartesian\n1 1 1\n");
    LS_CHECK_OK(ls_poscar_read(path, &s));
    if (s != NULL) {
        LS_CHECK_NEAR(s->cell[0][0], 3.0 * A2B, 1e-12);
        LS_CHECK_NEAR(s->cell[0][1], 2.0 * A2B, 1e-12);
        LS_CHECK_NEAR(s->cell[2][2], 2.0 * A2B, 1e-12);
        LS_CHECK_NEAR(s->pos[0][0], 1.5 * A2B, 1e-12);
        LS_CHECK_NEAR(s->pos[0][2], 0.5 * A2B, 1e-12);
    }
    ls_structure_destroy(s);
}

static void test_selective_and_velocities(void)
{
    /* CONTCAR-like: selective dynamics, 'K' (Cartesian), a blank line, then velocities. */
    const char *path = fixture("CONTCAR_sel",
                               "slab\n1.0\n"
                               "3.0 0 0\n0 3.0 0\n0 0 12.0\n"
                               "   Pt   H\n   2   1\n"
                               "selective dynamics\n"
                               "K\n"
                               "0.0 0.0 0.0 F F F\n"
                               "1.5 1.5 2.1 T T T ! free\n"
                               "0.0 0.0 4.0 F T f\n"
                               "\n"
                               " 0.1 0.2 0.3\n 0.0 0.0 0.0\n 0.0 0.0 0.0\n");
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_poscar_read(path, &s));
    if (s == NULL) return;
    LS_CHECK(s->fixed != NULL);
    if (s->fixed != NULL) {
        LS_CHECK(s->fixed[0][0] == 1 && s->fixed[0][1] == 1 && s->fixed[0][2] == 1);
        LS_CHECK(s->fixed[1][0] == 0 && s->fixed[1][1] == 0 && s->fixed[1][2] == 0);
        LS_CHECK(s->fixed[2][0] == 1 && s->fixed[2][1] == 0 && s->fixed[2][2] == 1);
    }
    LS_CHECK_NEAR(s->pos[2][2], 4.0 * A2B, 1e-12);
    LS_CHECK(s->z[2] == 1);
    ls_structure_destroy(s);
}

static void test_vasp4(void)
{
    /* No species line: the comment's first tokens name the species (as ASE accepts). */
    const char *path = fixture("vasp4.vasp",
                               "Fe Al  B2 FeAl, VASP 4 style\n2.91\n"
                               "1 0 0\n0 1 0\n0 0 1\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n");
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_poscar_read(path, &s));
    if (s != NULL) {
        LS_CHECK(s->n_atom == 2 && s->z[0] == 26 && s->z[1] == 13);
        LS_CHECK_NEAR(s->pos[1][0], 0.5 * 2.91 * A2B, 1e-12);
    }
    ls_structure_destroy(s);
    /* A comment that is not a list of symbols ("in" is not spelled like In). */
    expect_error("vasp4_bad.vasp",
                 "in a box\n1.0\n3 0 0\n0 3 0\n0 0 3\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n", 6,
                 "VASP 5 species line");
}

/* A triclinic cell with untidy numbers and species in non-contiguous runs. */
static ls_structure *make_test_structure(int with_fixed)
{
    ls_structure *s = NULL;
    if (ls_structure_create(5, &s) != LS_OK) return NULL;
    double cell_a[3][3] = {{5.123456789, 0.2, -0.1}, {0.7, 4.98765, 0.3}, {-0.4, 0.55, 6.0123}};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) s->cell[i][k] = cell_a[i][k] * A2B;
    const char *sp[5] = {"Si", "Si", "O", "Si", "Fe_up"};
    double frac[5][3] = {{0, 0, 0}, {0.25, 0.2500000001, 0.75}, {0.123456789012345, 0.9, -0.05},
                         {1.3, 0.6, 0.4}, {0.5, 0.5, 0.5}};
    for (int ia = 0; ia < 5; ia++) ls_structure_set_species(s, ia, sp[ia]);
    ls_structure_set_frac(s, (const double(*)[3])frac);
    ls_structure_set_comment(s, "round trip\nwith a newline");
    if (with_fixed && ls_structure_alloc_fixed(s) == LS_OK) {
        s->fixed[1][2] = 1;
        s->fixed[3][0] = s->fixed[3][1] = 1;
    }
    return s;
}

static void test_round_trip(void)
{
    for (int with_fixed = 0; with_fixed < 2; with_fixed++) {
        ls_structure *s = make_test_structure(with_fixed), *t = NULL;
        if (s == NULL) {
            LS_CHECK(0);
            return;
        }
        char path[512];
        ls_test_tmp_path(path, sizeof path, with_fixed ? "roundtrip_fixed.vasp" : "roundtrip.vasp");
        FILE *fp = fopen(path, "w");
        LS_CHECK(fp != NULL);
        if (fp == NULL) {
            ls_structure_destroy(s);
            return;
        }
        LS_CHECK_OK(ls_poscar_write(fp, path, s));
        fclose(fp);
        LS_CHECK_OK(ls_poscar_read(path, &t));
        if (t != NULL) {
            LS_CHECK(t->n_atom == s->n_atom);
            for (int i = 0; i < 3; i++)
                for (int k = 0; k < 3; k++) LS_CHECK_NEAR(t->cell[i][k], s->cell[i][k], 1e-8 * A2B);
            for (int ia = 0; ia < s->n_atom && ia < t->n_atom; ia++) {
                LS_CHECK(t->z[ia] == s->z[ia]);
                for (int k = 0; k < 3; k++) LS_CHECK_NEAR(t->pos[ia][k], s->pos[ia][k], 1e-8 * A2B);
            }
            LS_CHECK(strcmp(t->comment, "round trip with a newline") == 0);
            LS_CHECK((t->fixed != NULL) == with_fixed);
            if (with_fixed && t->fixed != NULL)
                for (int ia = 0; ia < s->n_atom; ia++)
                    for (int k = 0; k < 3; k++) LS_CHECK(t->fixed[ia][k] == s->fixed[ia][k]);
        }
        /* Non-contiguous species are written as repeated entries, keeping the atom order. */
        char *text = NULL;
        LS_CHECK_OK(ls_file_read_all(path, &text, NULL));
        LS_CHECK(text != NULL && strstr(text, "   Si    O   Si   Fe\n    2    1    1    1\n") != NULL);
        free(text);
        ls_structure_destroy(s);
        ls_structure_destroy(t);
    }
}

/* Coordinates far outside the cell (found by fuzz/fuzz_poscar.c, corpus entries
 * regress-huge-coordinate-*): 1e300 cells away is refused (rounding has lost the atom's place in
 * the cell: its overlap check and its rewrite disagreed); 1e9 cells away reads, and its rewrite
 * (exponent notation from 1e6 on; it was written with all its digits, beyond the reader's token
 * length) reads back the same. */
static void test_far_atom(void)
{
    const char *head = "far atom\n1.0\n 4.0 0 0\n 0 4.0 0\n 0 0 4.0\nSi\n2\nDirect\n0 0 0\n";
    char in[512], out[512], text[256];
    ls_test_tmp_path(in, sizeof in, "far_atom.vasp");
    ls_test_tmp_path(out, sizeof out, "far_atom_again.vasp");
    ls_structure *s = NULL, *t = NULL;
    snprintf(text, sizeof text, "%s1e300 0.5 0.5\n", head);
    ls_test_write_file(in, text);
    LS_CHECK(ls_poscar_read(in, &s) == LS_ERR_INPUT && s == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "atom 2 (Si) is 1e+300 cells away") != NULL, "%s", ls_error_message());
    snprintf(text, sizeof text, "%s1e9 0.5 0.5\n", head);
    ls_test_write_file(in, text);
    LS_CHECK_OK(ls_poscar_read(in, &s));
    if (s == NULL) return;
    FILE *fp = fopen(out, "w");
    LS_CHECK(fp != NULL);
    if (fp) {
        LS_CHECK_OK(ls_poscar_write(fp, out, s));
        fclose(fp);
        LS_CHECK_OK(ls_poscar_read(out, &t));
    }
    if (t != NULL) LS_CHECK_NEAR(t->pos[1][0] / s->pos[1][0], 1.0, 1e-15);
    ls_structure_destroy(s);
    ls_structure_destroy(t);
}

static void test_write_errors(void)
{
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_create(0, &s));
    FILE *fp = tmpfile();
    if (s != NULL && fp != NULL) {
        LS_CHECK(ls_poscar_write(fp, "empty.vasp", s) == LS_ERR_INPUT);
        LS_CHECK(strstr(ls_error_message(), "empty.vasp") != NULL);
    }
    ls_structure_destroy(s);
    s = NULL;
    LS_CHECK_OK(ls_structure_create(1, &s));
    if (s != NULL && fp != NULL) {
        for (int i = 0; i < 3; i++) s->cell[i][i] = 5;
        LS_CHECK(ls_poscar_write(fp, "dummy.vasp", s) == LS_ERR_INPUT); /* z = 0: no element */
        LS_CHECK(strstr(ls_error_message(), "no element") != NULL);
    }
    ls_structure_destroy(s);
    if (fp) fclose(fp);
    ls_error_clear();
}

#define HEAD "x\n1.0\n4 0 0\n0 4 0\n0 0 4\n"

static void test_malformed(void)
{
    expect_error("trunc1.vasp", HEAD "Si\n2\n", 8, "unexpected end of file");
    expect_error("trunc2.vasp", HEAD "Si\n3\nDirect\n0 0 0\n0.5 0.5 0.5\n", 11, "add up to 3");
    expect_error("trunc3.vasp", "x\n1.0\n4 0 0\n", 4, "lattice vector b");
    expect_error("toofew_counts.vasp", HEAD "Si\n1\nDirect\n0 0 0\n0.5 0.5 0.5\n", 10, "counts");
    expect_error("toomany_counts.vasp", HEAD "Si\n3\nDirect\n0 0 0\n0.5 0.5 0.5\n\n0 0 0\n", 11, "add up to 3");
    expect_error("nonnumeric.vasp", HEAD "Si\n2\nDirect\n0 0 0\n0.5 abc 0.5\n", 10, "'abc'");
    expect_error("nonnumeric_lattice.vasp", "x\n1.0\n4 0 0\n0 4.0.0 0\n0 0 4\nSi\n1\nD\n0 0 0\n", 4, "'4.0.0'");
    expect_error("columns_lattice.vasp", "x\n1.0\n4 0 0\n0 4\n0 0 4\nSi\n1\nD\n0 0 0\n", 4, "2 columns");
    expect_error("columns_pos.vasp", HEAD "Si\n2\nDirect\n0 0 0\n0.5 0.5\n", 10, "2 columns");
    expect_error("columns_counts.vasp", HEAD "Si O\n2\nDirect\n0 0 0\n0.5 0.5 0.5\n", 7, "2 species");
    expect_error("count_word.vasp", HEAD "Si O\n1 two\nDirect\n0 0 0\n0.5 0.5 0.5\n", 7, "'two'");
    expect_error("unknown_element.vasp", HEAD "Si Xx\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n", 6, "unknown element 'Xx'");
    expect_error("scale0.vasp", "x\n0.0\n4 0 0\n0 4 0\n0 0 4\nSi\n1\nD\n0 0 0\n", 2, "scale factor is 0");
    expect_error("scale_neg3.vasp", "x\n1 -1 1\n4 0 0\n0 4 0\n0 0 4\nSi\n1\nD\n0 0 0\n", 2, "positive");
    expect_error("singular.vasp", "x\n1.0\n4 0 0\n0 4 0\n4 8 0\nSi\n1\nD\n0 0 0\n", 5, "singular");
    /* Found by fuzz/fuzz_poscar.c: independent as written, dependent once scaled by 1, 0.01 and 7.8e53
     * (the file read, and the POSCAR written from it did not). */
    expect_error("singular_scaled.vasp", "x\n1.0 0.01 7.8e53\n0 2.83 2.83\n2.83 0 2.83\n2.83 2.83 3\nSi\n1\nD\n0 0 0\n", 5,
                 "scaled by the three factors on line 2, are linearly dependent");
    expect_error("overlap.vasp", HEAD "Si\n3\nCartesian\n0 0 0\n2 2 2\n2.05 2 2\n", 11, "overlapping");
    expect_error("overlap_periodic.vasp", HEAD "Si\n2\nDirect\n0.001 0 0\n0.999 0 0\n", 10, "overlapping");
    expect_error("mode.vasp", HEAD "Si\n1\nFractional\n0 0 0\n", 8, "'Direct' or 'Cartesian'");
    expect_error("flag.vasp", HEAD "Si\n1\nSelective\nDirect\n0 0 0 T X T\n", 10, "T or F");
    expect_error("flag_columns.vasp", HEAD "Si\n1\nSelective\nDirect\n0 0 0\n", 10, "T/F flags");
}

static void test_missing_file(void)
{
    ls_structure *s = NULL;
    LS_CHECK(ls_poscar_read("no/such/POSCAR", &s) == LS_ERR_IO);
    LS_CHECK(strstr(ls_error_message(), "no/such/POSCAR") != NULL);
    LS_CHECK(s == NULL);
}

int main(void)
{
    LS_RUN(test_read_direct);
    LS_RUN(test_read_cartesian_scaled);
    LS_RUN(test_negative_and_three_scales);
    LS_RUN(test_selective_and_velocities);
    LS_RUN(test_vasp4);
    LS_RUN(test_round_trip);
    LS_RUN(test_far_atom);
    LS_RUN(test_write_errors);
    LS_RUN(test_malformed);
    LS_RUN(test_missing_file);
    return ls_test_summary("test_poscar");
}
