/* Tests for common/structure.c, units.c, elements.c, textio.c and json.c. */
#include <math.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/json.h"
#include "common/structure.h"
#include "common/test.h"
#include "common/textio.h"
#include "common/units.h"

static void test_elements(void)
{
    LS_CHECK(ls_element_z("Fe") == 26);
    LS_CHECK(ls_element_z("fe") == 26);
    LS_CHECK(ls_element_z("Og") == 118);
    LS_CHECK(ls_element_z("Xx") == 0);
    LS_CHECK(ls_element_z_from_label("Fe1") == 26);
    LS_CHECK(ls_element_z_from_label("Fe_up") == 26);
    LS_CHECK(ls_element_z_from_label("C2") == 6);
    LS_CHECK(ls_element_z_from_label("Cabc") == 0);
    LS_CHECK(strcmp(ls_element_symbol(14), "Si") == 0);
    /* IUPAC 2016 abridged standard atomic weights (as in ASE's atomic_masses_iupac2016). */
    LS_CHECK_NEAR(ls_element_mass_amu(26), 55.845, 1e-9);
    LS_CHECK_NEAR(ls_element_mass_amu(14), 28.085, 1e-9);
    LS_CHECK_NEAR(ls_element_mass_amu(29), 63.546, 1e-9);
}

static void test_units(void)
{
    double v;
    LS_CHECK_OK(ls_quantity_parse("90 Ry", LS_DIM_ENERGY, NULL, &v));
    LS_CHECK_NEAR(v, 45.0, 1e-14);
    LS_CHECK_OK(ls_quantity_parse("2.83 angstrom", LS_DIM_LENGTH, NULL, &v));
    LS_CHECK_NEAR(v, 2.83 / 0.529177210903, 1e-12);
    LS_CHECK_OK(ls_quantity_parse("1.5", LS_DIM_LENGTH, "angstrom", &v));
    LS_CHECK_NEAR(v, 1.5 / 0.529177210903, 1e-12);
    LS_CHECK_OK(ls_quantity_parse("27.211386245988 eV", LS_DIM_ENERGY, NULL, &v));
    LS_CHECK_NEAR(v, 1.0, 1e-14);
    /* 1 Ha/bohr^3 = 29421.015697 GPa (CODATA 2018: Hartree energy / Bohr radius^3). */
    LS_CHECK_NEAR(LS_HA_BOHR3_GPA, 29421.015697, 1e-3);
    LS_CHECK(ls_quantity_parse("90 furlongs", LS_DIM_ENERGY, NULL, &v) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "furlongs") != NULL);
    LS_CHECK(ls_quantity_parse("abc Ry", LS_DIM_ENERGY, NULL, &v) == LS_ERR_INPUT);
    LS_CHECK(ls_quantity_parse("3 Ry", LS_DIM_NONE, NULL, &v) == LS_ERR_INPUT);
}

static void test_cell(void)
{
    /* fcc Al, a = 4.04 Å, primitive vectors (0, a/2, a/2) ... as in the QE reference input. */
    double a = 4.04 * LS_ANGSTROM_BOHR;
    double cell[3][3] = {{0, a / 2, a / 2}, {a / 2, 0, a / 2}, {a / 2, a / 2, 0}};
    LS_CHECK_NEAR(ls_cell_volume(cell), a * a * a / 4, 1e-10);
    double recip[3][3];
    LS_CHECK_OK(ls_cell_reciprocal(cell, recip));
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double d = cell[i][0] * recip[j][0] + cell[i][1] * recip[j][1] + cell[i][2] * recip[j][2];
            LS_CHECK_NEAR(d, i == j ? 2 * M_PI : 0.0, 1e-12);
        }
    double len[3], ang[3], back[3][3];
    ls_cell_parameters(cell, len, ang);
    LS_CHECK_NEAR(ang[0], 60.0, 1e-10);
    LS_CHECK_OK(ls_cell_from_parameters(len, ang, back));
    LS_CHECK_NEAR(ls_cell_volume(back), ls_cell_volume(cell), 1e-9);
    double bad[3] = {100, 100, 170};
    LS_CHECK(ls_cell_from_parameters(len, bad, back) == LS_ERR_INPUT);
    double singular[3][3] = {{1, 0, 0}, {0, 1, 0}, {1, 1, 0}};
    LS_CHECK(ls_cell_reciprocal(singular, recip) == LS_ERR_INPUT);
}

static void test_structure_basics(void)
{
    ls_structure *s = NULL, *c = NULL;
    LS_CHECK_OK(ls_structure_create(2, &s));
    if (!s) return;
    double a = 5.431 * LS_ANGSTROM_BOHR;
    double cell[3][3] = {{0, a / 2, a / 2}, {a / 2, 0, a / 2}, {a / 2, a / 2, 0}};
    memcpy(s->cell, cell, sizeof cell);
    LS_CHECK_OK(ls_structure_set_species(s, 0, "Si"));
    LS_CHECK_OK(ls_structure_set_species(s, 1, "Si"));
    double frac[2][3] = {{0, 0, 0}, {0.25, 0.25, 0.25}};
    ls_structure_set_frac(s, (const double(*)[3])frac);
    /* Nearest-neighbour distance in diamond: a sqrt(3)/4. */
    LS_CHECK_NEAR(ls_structure_min_distance(s, NULL, NULL), a * sqrt(3) / 4, 1e-10);
    LS_CHECK_OK(ls_structure_check(s, 0.5 * LS_ANGSTROM_BOHR, "si"));
    char f[32];
    ls_structure_formula(s, 0, f, sizeof f);
    LS_CHECK(strcmp(f, "Si2") == 0);
    ls_structure_formula(s, 1, f, sizeof f);
    LS_CHECK(strcmp(f, "Si") == 0);
    LS_CHECK_OK(ls_structure_info_set(s, "config_type", "bulk"));
    LS_CHECK_OK(ls_structure_info_set(s, "config_type", "Vacancy"));
    LS_CHECK(strcmp(ls_structure_info_get(s, "config_type"), "Vacancy") == 0);
    LS_CHECK_OK(ls_structure_alloc_forces(s));
    s->forces[1][2] = 0.125;
    LS_CHECK_OK(ls_structure_copy(s, &c));
    if (c) {
        LS_CHECK(c->forces[1][2] == 0.125);
        LS_CHECK(strcmp(ls_structure_info_get(c, "config_type"), "Vacancy") == 0);
    }
    /* An overlap is reported with both atoms named. */
    s->pos[1][0] = s->pos[0][0] + 0.01;
    s->pos[1][1] = s->pos[0][1];
    s->pos[1][2] = s->pos[0][2];
    LS_CHECK(ls_structure_check(s, 0.5 * LS_ANGSTROM_BOHR, "si") == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "atoms 1 (Si) and 2 (Si)") != NULL);
    LS_CHECK(ls_structure_set_species(s, 0, "Qq") == LS_ERR_INPUT);
    ls_structure_destroy(s);
    ls_structure_destroy(c);
    ls_structure_destroy(NULL);
}

static void test_min_distance_skewed(void)
{
    /* One atom in a very oblique cell: the nearest image is not among the 27 neighbours
     * of the cell as given; the answer is the shortest lattice vector, here 1 bohr. */
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_create(1, &s));
    if (!s) return;
    double cell[3][3] = {{1, 0, 0}, {5.3, 1.2, 0}, {7.1, 3.9, 1.7}};
    memcpy(s->cell, cell, sizeof cell);
    LS_CHECK_OK(ls_structure_set_species(s, 0, "H"));
    LS_CHECK_NEAR(ls_structure_min_distance(s, NULL, NULL), 1.0, 1e-12);
    ls_structure_destroy(s);
}

/* Issue 12's sweep: an atom at fractional coordinate -2147483649 overflowed the int image shift (UBSan)
 * and the overlap check passed wrongly.  Two atoms that coincide modulo the lattice are 0 apart
 * however many cells lie between them, and an atom far out is as far from the other as its image. */
static void test_min_distance_far_cells(void)
{
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_create(2, &s));
    if (!s) return;
    for (int k = 0; k < 3; k++) s->cell[k][k] = 5.0;
    LS_CHECK_OK(ls_structure_set_species(s, 0, "Si"));
    LS_CHECK_OK(ls_structure_set_species(s, 1, "Si"));
    double frac[2][3] = {{0.25, 0.25, 0.25}, {-2147483649.0 + 0.25, 0.25, 0.25}};
    ls_structure_set_frac(s, (const double(*)[3])frac);
    LS_CHECK_NEAR(ls_structure_min_distance(s, NULL, NULL), 0.0, 1e-5);
    LS_CHECK(ls_structure_check(s, 0.1 * LS_ANGSTROM_BOHR, "far.vasp") == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "overlapping") != NULL);
    /* Moved by half a cell along y: 2.5 bohr (the rounding of 1e10 bohr leaves ~1e-6). */
    frac[1][1] = 0.75;
    ls_structure_set_frac(s, (const double(*)[3])frac);
    LS_CHECK_NEAR(ls_structure_min_distance(s, NULL, NULL), 2.5, 1e-5);
    LS_CHECK_OK(ls_structure_check(s, 0.1 * LS_ANGSTROM_BOHR, "far.vasp"));
    /* A cell of 1e300 bohr: its volume overflows, and the image search took (int)NaN (UBSan) and
     * missed the atoms 1 bohr apart.  The check refuses the cell; the distance is still right. */
    for (int k = 0; k < 3; k++) s->cell[k][k] = 1e300;
    memset(s->pos, 0, 2 * sizeof s->pos[0]);
    s->pos[1][0] = 1.0;
    LS_CHECK_NEAR(ls_structure_min_distance(s, NULL, NULL), 1.0, 1e-12);
    LS_CHECK(ls_structure_check(s, 0.1 * LS_ANGSTROM_BOHR, "huge.xyz") == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "huge.xyz: the cell is too large: its volume overflows") != NULL, "%s",
                 ls_error_message());
    /* Found by fuzz/fuzz_xsf.c: a lattice vector of 6.6e25 Å almost along another gave a volume of 0.19 Å^3,
     * which read, and distances that rounding decided (the file written from it read back with another
     * shortest distance).  Nearly singular relative to the lengths is singular. */
    double flat[3][3] = {{6.71, 9.45, 0}, {6.71e24, 9.45e24, 1e-5}, {0, 0.3, 75.6}};
    memcpy(s->cell, flat, sizeof flat);
    LS_CHECK(ls_structure_check(s, 0.1 * LS_ANGSTROM_BOHR, "flat.xsf") == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "flat.xsf: the cell is singular") != NULL, "%s", ls_error_message());
    ls_structure_destroy(s);
}

static void test_number_parsing(void)
{
    double v;
    long l;
    LS_CHECK(ls_parse_double("2.385", &v) == 0 && v == 2.385);
    LS_CHECK(ls_parse_double("1.0d-3", &v) == 0 && fabs(v - 1e-3) < 1e-18);
    LS_CHECK(ls_parse_double("1.0D+2", &v) == 0 && v == 100.0);
    LS_CHECK(ls_parse_double("nan", &v) != 0);
    LS_CHECK(ls_parse_double("inf", &v) != 0);
    LS_CHECK(ls_parse_double("0x10", &v) != 0);
    LS_CHECK(ls_parse_double("1.5abc", &v) != 0);
    LS_CHECK(ls_parse_double("", &v) != 0);
    LS_CHECK(ls_parse_long("42", &l) == 0 && l == 42);
    LS_CHECK(ls_parse_long("4.2", &l) != 0);
    char line[] = "  Si  0.25 \t 0.5  0.75 ";
    char *tok[8];
    LS_CHECK(ls_text_split(line, tok, 8) == 4);
    LS_CHECK(strcmp(tok[3], "0.75") == 0);
    LS_CHECK(strcmp(ls_path_extension("dir/a.b/POSCAR.VASP"), "vasp") == 0);
    LS_CHECK(strcmp(ls_path_extension("dir/a.b/POSCAR"), "") == 0);
    /* List membership: whole entries only, any separator, NULL and "" hold nothing. */
    LS_CHECK(ls_list_has("scf,eos,relax", ',', "eos") && ls_list_has("scf,eos,relax", ',', "relax"));
    LS_CHECK(!ls_list_has("scf,eos,relax", ',', "eo") && !ls_list_has("scf,eos,relax", ',', "relaxx"));
    LS_CHECK(ls_list_has("none|atomic|first_order", '|', "first_order") && !ls_list_has("a,b", '|', "a"));
    LS_CHECK(!ls_list_has(NULL, ',', "a") && !ls_list_has("", ',', "a") && ls_list_has("a,,b", ',', ""));
}

static void test_json_writer(void)
{
    char path[512];
    ls_test_tmp_path(path, sizeof path, "test_json.json");
    ls_json *j = NULL;
    LS_CHECK_OK(ls_json_open_file(path, &j));
    if (!j) return;
    ls_json_object_begin(j, NULL);
    ls_json_number(j, "energy_eV", -230.5);
    ls_json_string(j, "name", "a \"quoted\"\nname");
    double m[4] = {1, 2, 3, 4};
    ls_json_matrix(j, "m", m, 2, 2);
    ls_json_object_end(j);
    LS_CHECK_OK(ls_json_close(j));
    char *text = NULL;
    LS_CHECK_OK(ls_file_read_all(path, &text, NULL));
    if (text) {
        LS_CHECK(strstr(text, "\"energy_eV\": -230.5") != NULL);
        LS_CHECK(strstr(text, "\\\"quoted\\\"\\n") != NULL);
        LS_CHECK(strstr(text, "[3.0, 4.0]") != NULL);
    }
    free(text);
    /* Unbalanced use is caught. */
    LS_CHECK_OK(ls_json_open_file(path, &j));
    ls_json_object_begin(j, NULL);
    LS_CHECK(ls_json_close(j) == LS_ERR_INTERNAL);
}

int main(void)
{
    LS_RUN(test_elements);
    LS_RUN(test_units);
    LS_RUN(test_cell);
    LS_RUN(test_structure_basics);
    LS_RUN(test_min_distance_skewed);
    LS_RUN(test_min_distance_far_cells);
    LS_RUN(test_number_parsing);
    LS_RUN(test_json_writer);
    return ls_test_summary("test_structure");
}
