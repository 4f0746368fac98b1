/* Tests for common/cif.c and common/cif_syntax.c: symmetry expansion (NaCl in Fm-3m and
 * diamond Si in Fd-3m with all 192 operations, rutile TiO2 in P4_2/mnm), CIF syntax
 * (fixture common/testdata/TiO2_rutile.cif), occupancies, merging of images, the P1
 * writer and round trip, and one test per documented error.  Expected distances are
 * geometry of the numbers in each fixture (formulas given next to each check). */
#include <math.h>
#include <stdio.h>

#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/structure.h"
#include "common/test.h"
#include "common/textio.h"
#include "common/units.h"

#define A2B LS_ANGSTROM_BOHR

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

static void expect_error(const char *name, const char *text, long line, const char *what)
{
    const char *path = fixture(name, text);
    ls_structure *s = NULL;
    ls_error_clear();
    int status = ls_cif_read(path, &s);
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

/* Visit the images of atom ja over the 27 nearest cells (enough for the cells here) as seen
 * from atom ia, excluding ia itself: the smallest distance, and how many lie within tol of d. */
static double scan_images(const ls_structure *s, int ia, int ja, double d, double tol, int *n_near)
{
    double best = INFINITY;
    for (int n0 = -1; n0 <= 1; n0++)
        for (int n1 = -1; n1 <= 1; n1++)
            for (int n2 = -1; n2 <= 1; n2++) {
                if (ia == ja && !n0 && !n1 && !n2) continue;
                double d2 = 0;
                for (int k = 0; k < 3; k++) {
                    double x = s->pos[ja][k] - s->pos[ia][k] + n0 * s->cell[0][k] + n1 * s->cell[1][k] +
                               n2 * s->cell[2][k];
                    d2 += x * x;
                }
                best = fmin(best, sqrt(d2));
                if (n_near && fabs(sqrt(d2) - d) < tol) (*n_near)++;
            }
    return best;
}

static double image_distance(const ls_structure *s, int ia, int ja)
{
    return scan_images(s, ia, ja, 0, 0, NULL);
}

/* Number of neighbours (periodic images counted separately) of element zj at distance d
 * (bohr, within tol) from atom ia. */
static int count_neighbours(const ls_structure *s, int ia, int zj, double d, double tol)
{
    int n = 0;
    for (int ja = 0; ja < s->n_atom; ja++)
        if (s->z[ja] == zj) scan_images(s, ia, ja, d, tol, &n);
    return n;
}

/* 1 if some atom of element z sits at fractional position f (periodic, within 1e-9). */
static int has_atom_at(const ls_structure *s, int z, const double f[3])
{
    double(*frac)[3] = malloc((size_t)s->n_atom * sizeof *frac);
    int found = 0;
    if (frac && ls_structure_frac(s, frac) == LS_OK)
        for (int ia = 0; ia < s->n_atom && !found; ia++) {
            double m = 0;
            for (int k = 0; k < 3; k++) {
                double x = frac[ia][k] - f[k];
                m = fmax(m, fabs(x - nearbyint(x)));
            }
            found = s->z[ia] == z && m < 1e-9;
        }
    free(frac);
    return found;
}

static void test_nacl_fm3m(void)
{
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_cif_read("common/testdata/NaCl_Fm-3m.cif", &s));
    if (s == NULL) return;
    LS_CHECK(s->n_atom == 8); /* 4 Na (4a) + 4 Cl (4b) in the conventional cell */
    double a = 5.6402 * A2B;  /* the file's a = 5.6402(3) Å */
    LS_CHECK_NEAR(s->cell[0][0], a, 1e-12);
    LS_CHECK_NEAR(s->cell[1][0], 0.0, 1e-12);
    LS_CHECK_NEAR(s->cell[2][2], a, 1e-12);
    static const double fcc[4][3] = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
    for (int i = 0; i < 4; i++) {
        double cl[3] = {fcc[i][0] + 0.5, fcc[i][1] + 0.5, fcc[i][2] + 0.5};
        LS_CHECK(has_atom_at(s, 11, fcc[i]));
        LS_CHECK(has_atom_at(s, 17, cl));
    }
    /* Rock salt: every Na has 6 Cl at a/2. */
    for (int ia = 0; ia < s->n_atom; ia++)
        if (s->z[ia] == 11) LS_CHECK(count_neighbours(s, ia, 17, a / 2, 1e-9) == 6);
    LS_CHECK_NEAR(ls_structure_min_distance(s, NULL, NULL), a / 2, 1e-9);
    ls_structure_destroy(s);
}

static void test_si_fd3m(void)
{
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_cif_read("common/testdata/Si_diamond_Fd-3m.cif", &s));
    if (s == NULL) return;
    LS_CHECK(s->n_atom == 8); /* 8a of Fd-3m: the 8 atoms of the conventional diamond cell */
    /* 8a, origin choice 2: (1/8,1/8,1/8), (7/8,3/8,3/8) plus the F-centring translations. */
    static const double base[2][3] = {{0.125, 0.125, 0.125}, {0.875, 0.375, 0.375}};
    static const double fcc[4][3] = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < 4; i++) {
            double f[3] = {base[b][0] + fcc[i][0], base[b][1] + fcc[i][1], base[b][2] + fcc[i][2]};
            LS_CHECK(has_atom_at(s, 14, f));
        }
    /* Diamond: 4 neighbours at a sqrt(3)/4 (a = 5.4310 Å from the file). */
    double a = 5.4310 * A2B;
    for (int ia = 0; ia < s->n_atom; ia++) LS_CHECK(count_neighbours(s, ia, 14, a * sqrt(3) / 4, 1e-9) == 4);
    ls_structure_destroy(s);
}

static void test_rutile_syntax(void)
{
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_cif_read("common/testdata/TiO2_rutile.cif", &s));
    if (s == NULL) return;
    LS_CHECK(s->n_atom == 6);
    LS_CHECK(s->comment != NULL && strcmp(s->comment, "rutile") == 0);
    double a = 4.5937 * A2B, c = 2.9587 * A2B, x = 0.30478; /* from the fixture */
    LS_CHECK_NEAR(s->cell[0][0], a, 1e-12);
    LS_CHECK_NEAR(s->cell[2][2], c, 1e-12);
    int n_ti = 0, n_o = 0;
    for (int ia = 0; ia < s->n_atom; ia++) {
        n_ti += s->z[ia] == 22;
        n_o += s->z[ia] == 8;
    }
    LS_CHECK(n_ti == 2 && n_o == 4);
    LS_CHECK(s->z[0] == 22 && strcmp(s->species[0], "Ti") == 0); /* site order kept */
    /* TiO6 octahedron: Ti (0,0,0) to O (x,x,0) is sqrt(2) x a (apical, 2 of them); to
     * O (1/2-x, x-1/2, 1/2) it is sqrt(2 a^2 (1/2-x)^2 + c^2/4) (equatorial, 4). */
    double d_ap = sqrt(2.0) * x * a, d_eq = sqrt(2 * a * a * (0.5 - x) * (0.5 - x) + c * c / 4);
    for (int ia = 0; ia < s->n_atom; ia++)
        if (s->z[ia] == 22) {
            LS_CHECK(count_neighbours(s, ia, 8, d_ap, 1e-9) == 2);
            LS_CHECK(count_neighbours(s, ia, 8, d_eq, 1e-9) == 4);
        }
    ls_structure_destroy(s);
}

static void test_hexagonal_ops(void)
{
    /* P6_3 (No. 173) operations with x-y terms and decimal translations; 2b (1/3,2/3,z)
     * gives 2 atoms, the general position 6.  Missing type symbol ('?') falls back to the label. */
    const char *path = fixture("hex.cif",
                               "data_hex\n_cell_length_a 3.0 _cell_length_b 3.0 _cell_length_c 5.0\n"
                               "_cell_angle_alpha 90 _cell_angle_beta 90 _cell_angle_gamma 120\n"
                               "loop_ _symmetry_equiv_pos_as_xyz\n"
                               "x,y,z -y,x-y,z -x+y,-x,z -x,-y,z+0.5 y,-x+y,0.5+z 'x-y, x, z+.5'\n"
                               "loop_ _atom_site_label _atom_site_type_symbol _atom_site_fract_x\n"
                               "_atom_site_fract_y _atom_site_fract_z\n"
                               "Zn1 ? 0.3333333333 0.6666666667 0.0\n"
                               "O1 O 0.1 0.2 0.25\n");
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_cif_read(path, &s));
    if (s == NULL) return;
    LS_CHECK(s->n_atom == 8);
    LS_CHECK(s->z[0] == 30 && s->z[1] == 30 && s->z[2] == 8);
    double zn2[3] = {2.0 / 3, 1.0 / 3, 0.5};
    LS_CHECK(has_atom_at(s, 30, zn2));
    /* Images of (0.1, 0.2, 0.25): -y,x-y,z -> (0.8, 0.9, 0.25); x-y,x,z+1/2 -> (0.9, 0.1, 0.75). */
    double o2[3] = {0.8, 0.9, 0.25}, o6[3] = {0.9, 0.1, 0.75};
    LS_CHECK(has_atom_at(s, 8, o2));
    LS_CHECK(has_atom_at(s, 8, o6));
    LS_CHECK_NEAR(s->cell[1][0], -1.5 * A2B, 1e-12); /* b = a (cos 120, sin 120, 0) */
    ls_structure_destroy(s);
}

static void test_labels_occupancy_merging(void)
{
    /* Elements from labels (no type symbol), an occupancy < 1 (warning), a single-valued
     * symmetry operation tag, images that meet across the cell boundary (merged). */
    const char *path = fixture("labels.cif",
                               "data_test\n"
                               "_cell_length_a 4.0 _cell_length_b 5.0 _cell_length_c 6.0\n"
                               "_cell_angle_alpha 90 _cell_angle_beta 90 _cell_angle_gamma 90\n"
                               "loop_ _space_group_symop_operation_xyz 'x,y,z' '-x,y,z'\n"
                               "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n"
                               "_atom_site_fract_z\n_atom_site_occupancy\n"
                               "Fe1 0.00003 0.5 0.5 1\n"   /* image at 0.99997: merged */
                               "O2- 0.2 0 0 0.5\n"         /* images at 0.2 and 0.8 */
                               "Ca 0.5 0.25 0.25 .\n");    /* on the mirror: merged */
    ls_structure *s = NULL;
    long warnings = ls_log_warning_count();
    enum ls_log_level level = ls_log_get_level();
    ls_log_set_level(LS_LOG_QUIET);
    LS_CHECK_OK(ls_cif_read(path, &s));
    ls_log_set_level(level);
    LS_CHECK(ls_log_warning_count() == warnings + 1);
    if (s != NULL) {
        LS_CHECK(s->n_atom == 4);
        LS_CHECK(s->z[0] == 26 && s->z[1] == 8 && s->z[2] == 8 && s->z[3] == 20);
        LS_CHECK_NEAR(s->pos[0][0], 0.00003 * 4.0 * A2B, 1e-12);
        LS_CHECK_NEAR(s->pos[2][0], 0.8 * 4.0 * A2B, 1e-12);
    }
    ls_structure_destroy(s);
    s = NULL;
    /* No symmetry operations at all: the sites as listed (P1); one value instead of a loop. */
    path = fixture("p1_single.cif",
                   "data_p1\n_symmetry_equiv_pos_as_xyz 'x, y, z'\n"
                   "_cell_length_a 3 _cell_length_b 3 _cell_length_c 3\n"
                   "_cell_angle_alpha 60 _cell_angle_beta 60 _cell_angle_gamma 60\n"
                   "loop_ _atom_site_type_symbol _atom_site_fract_x _atom_site_fract_y _atom_site_fract_z\n"
                   "Cu 0 0 0\n"
                   "data_second_block_is_ignored\n_cell_length_a 99\n");
    LS_CHECK_OK(ls_cif_read(path, &s));
    if (s != NULL) {
        LS_CHECK(s->n_atom == 1);
        /* fcc primitive cell with 3 Å edges: volume a^3 / sqrt(2). */
        LS_CHECK_NEAR(ls_cell_volume(s->cell), pow(3 * A2B, 3) / sqrt(2.0), 1e-9);
    }
    ls_structure_destroy(s);
}

/* Triclinic, untidy, with non-contiguous species and a position outside the cell. */
static ls_structure *make_test_structure(void)
{
    ls_structure *s = NULL;
    if (ls_structure_create(5, &s) != LS_OK) return NULL;
    double cell_a[3][3] = {{5.123456789, 0.2, -0.1}, {0.7, 4.98765, 0.3}, {-0.4, 0.55, 6.0123}};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) s->cell[i][k] = cell_a[i][k] * A2B;
    const char *sp[5] = {"Si", "Si", "O", "Si", "Fe"};
    double frac[5][3] = {{0, 0, 0}, {0.25, 0.2500000001, 0.75}, {0.123456789012345, 0.9, -0.05},
                         {1.3, 0.6, 0.4}, {0.5, 0.5, 0.5}};
    for (int ia = 0; ia < 5; ia++) ls_structure_set_species(s, ia, sp[ia]);
    ls_structure_set_frac(s, (const double(*)[3])frac);
    return s;
}

static void test_round_trip(void)
{
    ls_structure *s = make_test_structure(), *t = NULL;
    if (s == NULL) {
        LS_CHECK(0);
        return;
    }
    char path[512];
    ls_test_tmp_path(path, sizeof path, "roundtrip.cif");
    FILE *fp = fopen(path, "w");
    LS_CHECK(fp != NULL);
    if (fp != NULL) {
        LS_CHECK_OK(ls_cif_write(fp, path, s));
        fclose(fp);
        LS_CHECK_OK(ls_cif_read(path, &t));
    }
    if (t != NULL && t->n_atom == s->n_atom) {
        /* The orientation is not stored: compare cell parameters, fractional coordinates
         * and distances, not Cartesian vectors. */
        double ls_[3], as[3], lt[3], at[3];
        ls_cell_parameters(s->cell, ls_, as);
        ls_cell_parameters(t->cell, lt, at);
        for (int i = 0; i < 3; i++) {
            LS_CHECK_NEAR(lt[i], ls_[i], 1e-8 * A2B);
            LS_CHECK_NEAR(at[i], as[i], 1e-9);
        }
        double fs[5][3], ft[5][3];
        LS_CHECK_OK(ls_structure_frac(s, fs));
        LS_CHECK_OK(ls_structure_frac(t, ft));
        for (int ia = 0; ia < 5; ia++) {
            LS_CHECK(t->z[ia] == s->z[ia]);
            /* The reader wraps positions into the cell: compare modulo 1. */
            for (int k = 0; k < 3; k++) {
                double dk = ft[ia][k] - fs[ia][k];
                LS_CHECK_NEAR(dk - nearbyint(dk), 0.0, 1e-12);
                LS_CHECK(ft[ia][k] >= 0 && ft[ia][k] < 1);
            }
            for (int ja = 0; ja < 5; ja++)
                LS_CHECK_NEAR(image_distance(t, ia, ja), image_distance(s, ia, ja), 1e-8 * A2B);
        }
        LS_CHECK_NEAR(ls_cell_volume(t->cell), ls_cell_volume(s->cell), 1e-8);
        LS_CHECK(strcmp(t->comment, "Si3OFe") == 0); /* data_ block named from the formula */
    } else {
        LS_CHECK(0);
    }
    ls_structure_destroy(s);
    ls_structure_destroy(t);
}

static void test_write_errors(void)
{
    ls_structure *s = NULL;
    FILE *fp = tmpfile();
    LS_CHECK_OK(ls_structure_create(0, &s));
    if (s != NULL && fp != NULL) {
        LS_CHECK(ls_cif_write(fp, "empty.cif", s) == LS_ERR_INPUT);
        LS_CHECK(strstr(ls_error_message(), "empty.cif") != NULL);
    }
    ls_structure_destroy(s);
    s = NULL;
    LS_CHECK_OK(ls_structure_create(1, &s));
    if (s != NULL && fp != NULL) {
        LS_CHECK_OK(ls_structure_set_species(s, 0, "Si"));
        LS_CHECK(ls_cif_write(fp, "flat.cif", s) == LS_ERR_INPUT); /* zero cell: singular */
        LS_CHECK(strstr(ls_error_message(), "flat.cif") != NULL);
    }
    ls_structure_destroy(s);
    if (fp) fclose(fp);
    ls_error_clear();
}

#define CELL "_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n" \
             "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
#define SITES "loop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"

static void test_malformed(void)
{
    /* CELL takes lines 2-7 after "data_x" on line 1; SITES lines 8-12 after it. */
    expect_error("no_b.cif", "data_x\n_cell_length_a 4\n_cell_length_c 4\n", 1, "_cell_length_b");
    expect_error("bad_length.cif", "data_x\n_cell_length_a 4.0x\n", 2, "'4.0x'");
    expect_error("bad_uncert.cif", "data_x\n_cell_length_a 4.0(1\n", 2, "'4.0(1'");
    expect_error("missing_value.cif", "data_x\n_cell_length_a ?\n", 2, "a number is needed");
    expect_error("angles.cif", "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n"
                 "_cell_angle_alpha 10\n_cell_angle_beta 10\n_cell_angle_gamma 100\n", 7, "impossible cell angles");
    expect_error("angle180.cif", "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n"
                 "_cell_angle_alpha 90\n_cell_angle_beta 180\n_cell_angle_gamma 90\n", 7, "impossible cell angles");
    expect_error("no_frac.cif", "data_x\n" CELL "loop_\n_atom_site_label\n_atom_site_Cartn_x\nSi1 0\n", 1,
                 "fractional coordinates");
    expect_error("no_frac_z.cif", "data_x\n" CELL "loop_\n_atom_site_type_symbol\n_atom_site_fract_x\n"
                 "_atom_site_fract_y\nSi 0 0\n", 10, "_atom_site_fract_z");
    expect_error("loop_count.cif", "data_x\n" CELL SITES "Si 0 0 0\nSi 0.5 0.5\n", 8, "multiple of the tag count");
    expect_error("empty_loop.cif", "data_x\n" CELL "loop_\n_symmetry_equiv_pos_as_xyz\n" SITES "Si 0 0 0\n", 8,
                 "no values");
    expect_error("bad_frac.cif", "data_x\n" CELL SITES "Si 0 0 0\nSi 0.5 0.5 1/2\n", 14, "'1/2'");
    expect_error("unknown_el.cif", "data_x\n" CELL SITES "Si 0 0 0\nQq1 0.5 0.5 0.5\n", 14, "unknown element 'Qq1'");
    expect_error("overlap.cif", "data_x\n" CELL SITES "Si 0 0 0\nO 0.01 0 0\n", 14, "overlapping");
    expect_error("symop_two.cif", "data_x\n" CELL "loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,z'\n'-x,-y'\n" SITES
                 "Si 0 0 0\n", 11, "bad symmetry operation '-x,-y'");
    expect_error("symop_char.cif", "data_x\n" CELL "_symmetry_equiv_pos_as_xyz 'x,y+q,z'\n" SITES "Si 0 0 0\n", 8,
                 "unexpected 'q'");
    expect_error("symop_det.cif", "data_x\n" CELL "_symmetry_equiv_pos_as_xyz 'x,x,z'\n" SITES "Si 0 0 0\n", 8,
                 "determinant");
    expect_error("symop_div0.cif", "data_x\n" CELL "_symmetry_equiv_pos_as_xyz 'x+1/0,y,z'\n" SITES "Si 0 0 0\n", 8,
                 "bad fraction");
    expect_error("quote.cif", "data_x\n_chemical_name_common 'NaCl\n" CELL, 2, "unterminated quoted string");
    expect_error("textfield.cif", "data_x\n_publ_section_title\n;\nA title\n" CELL, 3, "unterminated text field");
    expect_error("no_data.cif", "# no data block\n_cell_length_a 4\n", 2, "no data block");
    expect_error("no_value.cif", "data_x\n_cell_length_a\n_cell_length_b 4\n", 2, "has no value");
    expect_error("stray_value.cif", "data_x\n_cell_length_a 4 5\n", 2, "without a tag");
}

/* Issue 12's bad-input sweep: a tag given twice, and symmetry operations that are not a group, were
 * read silently (the second _cell_length_a won; the listed operations were applied as they came). */
static void test_sweep_findings(void)
{
    expect_error("tag_twice.cif", "data_x\n" CELL "_cell_length_a 5.0\n" SITES "Si 0 0 0\n", 8,
                 "_cell_length_a is given twice in the data block (also on line 2)");
    expect_error("tag_twice_ddlm.cif", "data_x\n" CELL "_CELL.LENGTH_B 5.0\n" SITES "Si 0 0 0\n", 8, "given twice");
    expect_error("loop_tag_twice.cif", "data_x\n" CELL "loop_\n_atom_site_type_symbol\n_atom_site_fract_x\n"
                 "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_fract_x\nSi 0 0 0 0\n", 13, "given twice");
    /* 4_1 alone: its square (z + 1/2 with -x, -y) is missing. */
    expect_error("not_group.cif", "data_x\n" CELL "loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,z'\n'-y,x,z+1/4'\n" SITES
                 "Si 0 0 0\n", 11, "not a group: '-y,x,z+1/4' (line 11) applied after '-y,x,z+1/4' (line 11) gives "
                 "'-x,-y,z+1/2'");
    expect_error("no_identity.cif", "data_x\n" CELL "loop_\n_symmetry_equiv_pos_as_xyz\n'-x,-y,-z'\n" SITES
                 "Si 0.1 0.2 0.3\n", 10, "do not include the identity");
    expect_error("half_coefficient.cif", "data_x\n" CELL "loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,z'\n"
                 "'x+0.5y,y,z'\n" SITES "Si 0 0 0\n", 11, "not a whole number");
    /* A full group with its centring translations, listed in any order, reads (Si 0 0 0 with the four
     * F translations: four atoms). */
    const char *path = fixture("fcc_group.cif", "data_x\n" CELL "loop_\n_symmetry_equiv_pos_as_xyz\n'x,y+1/2,z+1/2'\n"
                               "'x,y,z'\n'x+1/2,y+1/2,z'\n'x+1/2,y,z+1/2'\n" SITES "Si 0 0 0\n");
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_cif_read(path, &s));
    LS_CHECK(s && s->n_atom == 4);
    ls_structure_destroy(s);
}

static void test_missing_file(void)
{
    ls_structure *s = NULL;
    LS_CHECK(ls_cif_read("no/such/file.cif", &s) == LS_ERR_IO);
    LS_CHECK(strstr(ls_error_message(), "no/such/file.cif") != NULL);
    LS_CHECK(s == NULL);
}

int main(void)
{
    LS_RUN(test_nacl_fm3m);
    LS_RUN(test_si_fd3m);
    LS_RUN(test_rutile_syntax);
    LS_RUN(test_hexagonal_ops);
    LS_RUN(test_labels_occupancy_merging);
    LS_RUN(test_round_trip);
    LS_RUN(test_write_errors);
    LS_RUN(test_malformed);
    LS_RUN(test_missing_file);
    LS_RUN(test_sweep_findings);
    return ls_test_summary("test_cif");
}
