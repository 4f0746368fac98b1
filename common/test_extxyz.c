/* Tests for common/extxyz.c and common/extxyz_kv.c (extended XYZ reader and writer).
 * Calls ls_extxyz_read/write directly (not the io.c dispatcher). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/io.h"
#include "common/structure.h"
#include "common/test.h"
#include "common/textio.h"
#include "common/units.h"

static int rel_eq(double a, double b) { return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b)); }

static void check_array(const double *a, const double *b, long n, const char *what)
{
    LS_CHECK_MSG((a == NULL) == (b == NULL), "%s present in one structure only", what);
    if (a == NULL || b == NULL) return;
    for (long i = 0; i < n; i++)
        LS_CHECK_MSG(rel_eq(a[i], b[i]), "%s[%ld]: %.17g vs %.17g", what, i, a[i], b[i]);
}

static int str_eq(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* Everything the format carries agrees: numbers to 1e-12 relative, texts exactly. */
static void check_same(const ls_structure *a, const ls_structure *b)
{
    LS_CHECK(a->n_atom == b->n_atom);
    if (a->n_atom != b->n_atom) return;
    long n = a->n_atom;
    for (int k = 0; k < 3; k++) LS_CHECK(a->pbc[k] == b->pbc[k]);
    check_array(&a->cell[0][0], &b->cell[0][0], 9, "cell");
    check_array(&a->pos[0][0], &b->pos[0][0], 3 * n, "pos");
    for (long ia = 0; ia < n; ia++) LS_CHECK(a->z[ia] == b->z[ia]);
    check_array(a->forces ? &a->forces[0][0] : NULL, b->forces ? &b->forces[0][0] : NULL, 3 * n, "forces");
    check_array(a->velocities ? &a->velocities[0][0] : NULL, b->velocities ? &b->velocities[0][0] : NULL,
                3 * n, "velocities");
    check_array(a->magmom, b->magmom, n, "magmom");
    check_array(a->mass_amu, b->mass_amu, n, "mass_amu");
    LS_CHECK((a->fixed == NULL) == (b->fixed == NULL));
    if (a->fixed && b->fixed) LS_CHECK(memcmp(a->fixed, b->fixed, (size_t)n * sizeof *a->fixed) == 0);
    LS_CHECK(a->has_energy == b->has_energy);
    if (a->has_energy) LS_CHECK_MSG(rel_eq(a->energy, b->energy), "energy %.17g vs %.17g", a->energy, b->energy);
    LS_CHECK(a->has_stress == b->has_stress);
    if (a->has_stress) check_array(&a->stress[0][0], &b->stress[0][0], 9, "stress");
    LS_CHECK_MSG(str_eq(a->comment, b->comment), "comment '%s' vs '%s'", a->comment, b->comment);
    LS_CHECK(a->n_info == b->n_info);
    for (int i = 0; i < a->n_info && i < b->n_info; i++) {
        LS_CHECK_MSG(strcmp(a->info[i].key, b->info[i].key) == 0, "key '%s' vs '%s'", a->info[i].key, b->info[i].key);
        LS_CHECK_MSG(strcmp(a->info[i].value, b->info[i].value) == 0, "%s: '%s' vs '%s'", a->info[i].key,
                     a->info[i].value, b->info[i].value);
    }
    LS_CHECK(a->n_extra == b->n_extra);
    for (int i = 0; i < a->n_extra && i < b->n_extra; i++) {
        const struct ls_atom_column *x = &a->extra[i], *y = &b->extra[i];
        LS_CHECK(strcmp(x->name, y->name) == 0 && x->type == y->type && x->n_col == y->n_col);
        if (x->n_col != y->n_col) continue;
        for (long j = 0; j < n * x->n_col; j++) LS_CHECK(strcmp(x->values[j], y->values[j]) == 0);
    }
}

static const char *tmp_path(const char *name)
{
    static char path[4][512];
    static int next = 0;
    next = (next + 1) % 4;
    return ls_test_tmp_path(path[next], sizeof path[next], name);
}

static const char *write_fixture(const char *name, const char *text)
{
    const char *path = tmp_path(name);
    FILE *fp = fopen(path, "w");
    if (fp == NULL) {
        fprintf(stderr, "cannot write %s (does the tmp dir exist?)\n", path);
        return path;
    }
    fputs(text, fp);
    fclose(fp);
    return path;
}

static int write_frames(const char *path, ls_structure *const *s, int n)
{
    FILE *fp = fopen(path, "w");
    if (fp == NULL) return LS_ERR_IO;
    int status = LS_OK;
    for (int i = 0; i < n && status == LS_OK; i++) status = ls_extxyz_write(fp, path, s[i]);
    fclose(fp);
    return status;
}

/* A 4-atom FeO cell with every optional field, untidy numbers and an awkward info. */
static ls_structure *make_rich(void)
{
    ls_structure *s = NULL;
    if (ls_structure_create(4, &s) != LS_OK) return NULL;
    const double cell_a[3][3] = {{4.3271, 0.0213, -0.1187}, {-2.1398, 3.7105, 0.0451}, {0.3319, -0.2217, 5.8843}};
    const double pos_a[4][3] = {{0.0123, -0.0271, 0.0041}, {1.1002, 1.8731, 2.9417},
                                {2.2013, 0.0912, 1.4902}, {-0.8871, 1.9347, 4.4127}};
    const char *sp[4] = {"Fe", "Fe", "O", "O"};
    for (int ia = 0; ia < 4; ia++) {
        ls_structure_set_species(s, ia, sp[ia]);
        for (int k = 0; k < 3; k++) s->pos[ia][k] = pos_a[ia][k] * LS_ANGSTROM_BOHR;
    }
    for (int i = 0; i < 9; i++) s->cell[i / 3][i % 3] = cell_a[i / 3][i % 3] * LS_ANGSTROM_BOHR;
    ls_structure_alloc_forces(s);
    ls_structure_alloc_magmom(s);
    ls_structure_alloc_velocities(s);
    ls_structure_alloc_mass(s);
    ls_structure_alloc_fixed(s);
    for (int ia = 0; ia < 4; ia++) {
        for (int k = 0; k < 3; k++) {
            s->forces[ia][k] = 0.0131 * (ia + 1) * (k - 1.37) + 1e-9 / 3.0;
            s->velocities[ia][k] = 1.7e-4 * (ia - 1.5) * (k + 0.31);
            s->fixed[ia][k] = (ia + k) % 3 == 0;
        }
        s->magmom[ia] = ia < 2 ? 3.1847 * (ia ? -1 : 1) : 0.0213;
        s->mass_amu[ia] = ls_element_mass_amu(s->z[ia]) * 1.0007;
    }
    s->has_energy = 1;
    s->energy = -263.1829374651 / 3.0;
    s->has_stress = 1;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) s->stress[i][j] = 1.234e-5 * (i + 1) - 3.1e-6 * (j * j) + (i == j) * 2.2e-5;
    ls_structure_set_comment(s, "FeO test cell, \"quoted\"");
    ls_structure_info_set(s, "config_type", "Elastic");
    ls_structure_info_set(s, "description", "strain 2% along a = b, {odd} [chars] 'x' back\\slash");
    ls_structure_info_set(s, "free_energy", "-87.7276");
    ls_structure_info_set(s, "empty", "");
    char *tags[4] = {"a1", "b_2", "a1", "c-3"};
    char *charges[8] = {"0.71", "-0.02", "0.70", "0.01", "-0.69", "1e-3", "-0.72", "0"};
    ls_structure_extra_add(s, "tag", 'S', 1, tags);
    ls_structure_extra_add(s, "bader", 'R', 2, charges);
    return s;
}

static void test_roundtrip(void)
{
    ls_structure *s = make_rich(), *one[1] = {s};
    LS_CHECK(s != NULL);
    if (s == NULL) return;
    const char *path = tmp_path("rich.xyz");
    LS_CHECK_OK(write_frames(path, one, 1));
    ls_structure_list *list = NULL;
    LS_CHECK_OK(ls_extxyz_read(path, &list));
    if (list) {
        LS_CHECK(list->n == 1);
        if (list->n == 1) check_same(s, list->items[0]);
    }
    ls_structure_list_destroy(list);
    ls_structure_destroy(s);
}

static void test_multiframe(void)
{
    ls_structure *f[3] = {make_rich(), NULL, NULL};
    /* A molecule without cell (pbc F F F) and a slab periodic in x and y only. */
    ls_structure_create(3, &f[1]);
    ls_structure_create(2, &f[2]);
    if (!f[0] || !f[1] || !f[2]) return;
    const char *w[3] = {"O", "H", "H"};
    const double wp[3][3] = {{0.0, 0.0, 0.1173}, {0.0, 0.7572, -0.4692}, {0.0, -0.7572, -0.4692}};
    for (int ia = 0; ia < 3; ia++) {
        ls_structure_set_species(f[1], ia, w[ia]);
        for (int k = 0; k < 3; k++) f[1]->pos[ia][k] = wp[ia][k] * LS_ANGSTROM_BOHR;
    }
    f[1]->pbc[0] = f[1]->pbc[1] = f[1]->pbc[2] = 0;
    f[2]->pbc[2] = 0;
    for (int k = 0; k < 3; k++) f[2]->cell[k][k] = (2.71 + k) * LS_ANGSTROM_BOHR;
    ls_structure_set_species(f[2], 0, "Cu");
    ls_structure_set_species(f[2], 1, "Cu");
    f[2]->pos[1][0] = f[2]->pos[1][1] = 1.355 * LS_ANGSTROM_BOHR;
    f[2]->pos[1][2] = 1.8 * LS_ANGSTROM_BOHR;
    const char *path = tmp_path("multi.xyz");
    LS_CHECK_OK(write_frames(path, f, 3));
    ls_structure_list *list = NULL;
    LS_CHECK_OK(ls_extxyz_read(path, &list));
    if (list) {
        LS_CHECK(list->n == 3);
        for (int i = 0; i < 3 && i < list->n; i++) check_same(f[i], list->items[i]);
        if (list->n == 3) LS_CHECK(list->items[2]->pbc[2] == 0 && list->items[2]->pbc[0] == 1);
    }
    ls_structure_list_destroy(list);
    for (int i = 0; i < 3; i++) ls_structure_destroy(f[i]);
}

/* Forms other writers produce, written by hand following ase.io.extxyz (ASE 3.22). */
static void test_ase_forms(void)
{
    const char *path = write_fixture(
        "forms.xyz",
        "2\n"
        "lattice={3.0 0 0  0 3.0 0  0 0 3.0} properties = species:S:1:pos:R:3:force:R:3:initial_magmoms:R:1"
        " PBC='T T F' stress=\"0.1, 0.2, 0.3, 0.04, 0.05, 0.06\" converged note=\"say \\\"hi\\\"\" "
        "expr=a=b\n"
        "si 0 0 0  0.5 0 0  1.5\n"
        "Si 1.5 1.5 1.5  -0.5 0 0  -1.5\n"
        "\n"
        "2\n"
        "Properties=Z:I:1:pos:R:3:momenta:R:3:flag:L:1 energy=-1.25e1\n"
        "8 0 0 0 0.1 0.2 0.3 T\n"
        "1 0 0 0.97 0 0 0 False\n"
        "1\n"
        "just a plain comment\n"
        "He 0 0 0\n");
    ls_structure_list *list = NULL;
    LS_CHECK_OK(ls_extxyz_read(path, &list));
    if (list == NULL) return;
    LS_CHECK(list->n == 3);
    if (list->n == 3) {
        const ls_structure *a = list->items[0], *b = list->items[1], *c = list->items[2];
        LS_CHECK(a->pbc[0] && a->pbc[1] && !a->pbc[2]);
        LS_CHECK_NEAR(a->cell[1][1], 3.0 * LS_ANGSTROM_BOHR, 1e-12);
        LS_CHECK(a->z[0] == 14 && a->forces != NULL && a->magmom != NULL);
        if (a->forces) LS_CHECK_NEAR(a->forces[1][0], -0.5 / LS_HA_BOHR_EV_A, 1e-15);
        if (a->magmom) LS_CHECK_NEAR(a->magmom[1], -1.5, 0);
        /* Voigt order xx yy zz yz xz xy (ASE). */
        double eva3 = LS_EV_HARTREE * pow(LS_BOHR_ANGSTROM, 3);
        LS_CHECK(a->has_stress);
        LS_CHECK_NEAR(a->stress[1][2] / eva3, 0.04, 1e-14);
        LS_CHECK_NEAR(a->stress[2][0] / eva3, 0.05, 1e-14);
        LS_CHECK_NEAR(a->stress[1][0] / eva3, 0.06, 1e-14);
        LS_CHECK_NEAR(a->stress[2][2] / eva3, 0.3, 1e-14);
        LS_CHECK(str_eq(ls_structure_info_get(a, "converged"), "T"));
        LS_CHECK(str_eq(ls_structure_info_get(a, "note"), "say \"hi\""));
        LS_CHECK(str_eq(ls_structure_info_get(a, "expr"), "a=b"));
        LS_CHECK(b->z[0] == 8 && b->z[1] == 1 && strcmp(b->species[0], "O") == 0);
        LS_CHECK(!b->pbc[0] && !b->pbc[1] && !b->pbc[2]);
        LS_CHECK(b->has_energy);
        LS_CHECK_NEAR(b->energy, -12.5 * LS_EV_HARTREE, 1e-14);
        LS_CHECK(b->n_extra == 2);
        if (b->n_extra == 2) {
            LS_CHECK(strcmp(b->extra[0].name, "momenta") == 0 && b->extra[0].n_col == 3);
            LS_CHECK(strcmp(b->extra[0].values[2], "0.3") == 0);
            LS_CHECK(b->extra[1].type == 'L' && strcmp(b->extra[1].values[1], "False") == 0);
        }
        LS_CHECK(str_eq(c->comment, "just a plain comment") && c->n_info == 0);
    }
    ls_structure_list_destroy(list);
}

static void test_mlearn_si(void)
{
    const char *ref = "common/testdata/mlearn/Si_test.xyz";
    ls_structure_list *list = NULL, *again = NULL;
    LS_CHECK_OK(ls_extxyz_read(ref, &list));
    if (list == NULL) return;
    /* Counts from the mlearn README (common/testdata/README.md): 25 structures, 1525 atoms. */
    int n_atom = 0;
    for (int i = 0; i < list->n; i++) n_atom += list->items[i]->n_atom;
    LS_CHECK(list->n == 25);
    LS_CHECK(n_atom == 1525);
    const ls_structure *s = list->items[0];
    /* Frame 1 of Si_test.xyz: energy=-297.62773938 (eV), first atom line
     * "Si 7.5144038657 7.3205187882 15.5190553906 -0.05394626 0.05113266 0.18121306",
     * stress xx 1.699673794167e-02 eV/Å^3, Lattice a_z 24.6295850000 Å. */
    LS_CHECK(s->n_atom == 63 && s->has_energy && s->has_stress && s->forces != NULL);
    LS_CHECK_NEAR(s->energy * LS_HARTREE_EV, -297.62773938, 1e-9);
    if (s->forces) LS_CHECK_NEAR(s->forces[0][0] * LS_HA_BOHR_EV_A, -0.05394626, 1e-12);
    LS_CHECK_NEAR(s->pos[0][2] * LS_BOHR_ANGSTROM, 15.5190553906, 1e-12);
    LS_CHECK_NEAR(s->stress[0][0] / (LS_EV_HARTREE * pow(LS_BOHR_ANGSTROM, 3)), 1.699673794167e-02, 1e-15);
    LS_CHECK_NEAR(s->cell[0][2] * LS_BOHR_ANGSTROM, 24.629585, 1e-12);
    LS_CHECK(str_eq(ls_structure_info_get(s, "config_type"), "Vacancy"));
    LS_CHECK(str_eq(ls_structure_info_get(s, "mlearn_id"), "Si-215"));
    LS_CHECK(str_eq(ls_structure_info_get(s, "description"), "Snapshot 7 of 32 of Vacancy AIMD NVT simulation at 300 K"));

    const char *out = tmp_path("Si_test_again.xyz");
    LS_CHECK_OK(write_frames(out, list->items, list->n));
    LS_CHECK_OK(ls_extxyz_read(out, &again));
    if (again) {
        LS_CHECK(again->n == list->n);
        for (int i = 0; i < list->n && i < again->n; i++) check_same(list->items[i], again->items[i]);
    }
    ls_structure_list_destroy(again);
    ls_structure_list_destroy(list);
}

/* Each malformed file gives LS_ERR_INPUT and a message naming the file and the line. */
static void test_errors(void)
{
    static const struct {
        const char *text;
        int line;       /* expected line number in the message */
        const char *word; /* expected in the message */
    } cases[] = {
        {"abc\nx\n", 1, "number of atoms"},
        {"0\n\n", 1, "positive"},
        {"2\nProperties=species:S:1:pos:R:3\nSi 0 0 0\n", 4, "end of file"},
        {"1\n\nSi 0 0\n", 3, "3 columns, expected 4"},
        {"1\n\nSi 0 0 0 7\n", 3, "more than"},
        {"2\n\nSi 0 0 0\nSi 1.0 abc 2.0\n", 4, "'abc', expected a number"},
        {"1\n\nXq 0 0 0\n", 3, "element"},
        {"1\nLattice=\"3 0 0 0 3 0 0 0\"\nSi 0 0 0\n", 2, "expected 9"},
        {"1\nLattice=\"3 0 0 0 3 0 0 0 x\"\nSi 0 0 0\n", 2, "'x'"},
        {"1\nProperties=species:S:1:pos:Q:3\nSi 0 0 0\n", 2, "type 'Q'"},
        {"1\nProperties=species:S:1:pos:R\nSi 0 0 0\n", 2, "ncols"},
        {"1\nProperties=species:S:1:pos:R:three\nSi 0 0 0\n", 2, "ncols"},
        {"1\nProperties=species:S:1\nSi\n", 2, "pos"},
        {"1\nstress=\"1 2 3 4 5\"\nSi 0 0 0\n", 2, "5 numbers"},
        {"1\nenergy=high\nSi 0 0 0\n", 2, "energy"},
        {"1\npbc=\"T T\"\nSi 0 0 0\n", 2, "pbc"},
        {"1\nnote=\"unclosed\nSi 0 0 0\n", 2, "unterminated"},
        {"1\nProperties=species:S:1:pos:R:3:id:I:1\nSi 0 0 0 1.5\n", 3, "whole number"},
        {"1\n\nSi 0 0 0\n2\nLattice=\"3 0 0 0 3 0 0 0 3\"\nSi 0 0 0\nSi 0.05 0 0\n", 4, "overlapping"},
        {"1\n\nSi 0 0 0\n1\nLattice=\"3 0 0 0 3 0 6 0 0\"\nSi 0 0 0\n", 4, "singular"},
        {"1\n\nSi 0 0 0\nSi 1 1 1\n", 4, "previous frame"},
        {"", 1, "no frame"},
    };
    int n_case = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < n_case; i++) {
        char name[32], want[600];
        snprintf(name, sizeof name, "bad%02d.xyz", i);
        const char *path = write_fixture(name, cases[i].text);
        ls_structure_list *list = NULL;
        int status = ls_extxyz_read(path, &list);
        const char *msg = ls_error_message();
        snprintf(want, sizeof want, "%s:%d", path, cases[i].line);
        const char *at = strstr(msg, want);
        LS_CHECK_MSG(status == LS_ERR_INPUT, "case %d: status %d", i, status);
        LS_CHECK_MSG(list == NULL, "case %d: list returned on error", i);
        LS_CHECK_MSG(at != NULL && (at[strlen(want)] == ':' || at[strlen(want)] == ' '),
                     "case %d: message does not name %s: %s", i, want, msg);
        LS_CHECK_MSG(strstr(msg, cases[i].word) != NULL, "case %d: no '%s' in: %s", i, cases[i].word, msg);
        ls_structure_list_destroy(list);
        ls_error_clear();
    }
    ls_structure_list *list = NULL;
    LS_CHECK(ls_extxyz_read(tmp_path("does_not_exist.xyz"), &list) == LS_ERR_IO);
}

static void test_write_errors(void)
{
    FILE *fp = fopen(tmp_path("refused.xyz"), "w");
    if (fp == NULL) return;
    ls_structure *s = make_rich();
    ls_structure_info_set(s, "energy", "1");
    LS_CHECK(ls_extxyz_write(fp, "refused.xyz", s) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "reserved") != NULL);
    ls_structure_destroy(s);
    s = make_rich();
    ls_structure_info_set(s, "note", "two\nlines");
    LS_CHECK(ls_extxyz_write(fp, "refused.xyz", s) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "line break") != NULL);
    ls_structure_destroy(s);
    s = make_rich();
    free(s->extra[0].values[2]);
    s->extra[0].values[2] = NULL;
    ls_structure_info_set(s, "x", "y"); /* keep the info valid: only the column is wrong */
    s->extra[0].values[2] = malloc(8);
    if (s->extra[0].values[2]) strcpy(s->extra[0].values[2], "has sp");
    LS_CHECK(ls_extxyz_write(fp, "refused.xyz", s) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "whitespace") != NULL);
    ls_structure_destroy(s);
    ls_structure *empty = NULL;
    ls_structure_create(0, &empty);
    LS_CHECK(ls_extxyz_write(fp, "refused.xyz", empty) == LS_ERR_INPUT);
    ls_structure_destroy(empty);
    fclose(fp);
}

int main(void)
{
    LS_RUN(test_roundtrip);
    LS_RUN(test_multiframe);
    LS_RUN(test_ase_forms);
    LS_RUN(test_mlearn_si);
    LS_RUN(test_errors);
    LS_RUN(test_write_errors);
    return ls_test_summary("test_extxyz");
}
