/* lodestone info: what a structure file holds (formula, cell, density, space group, Wyckoff
 * positions, shortest distance), as aligned text on stdout and optionally as JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "common/err.h"
#include "common/io.h"
#include "common/json.h"
#include "common/structure.h"
#include "common/symmetry.h"
#include "common/units.h"

/* 1 unified atomic mass unit in grams (CODATA 2018: 1.66053906660e-27 kg); with 1 Å^3 =
 * 1e-24 cm^3, density in g/cm^3 = mass_amu * 1.66053906660 / volume_A3. */
#define AMU_G_PER_A3_TO_G_PER_CM3 1.66053906660

static const struct cli_option info_opts[] = {
    {"json", 0, CLI_VALUE, "FILE", "also write the results as JSON to FILE ('-': stdout, instead of text)"},
    {"format", 'f', CLI_VALUE, "FMT", "file format: poscar, extxyz, xsf, cif (default: from the name)"},
    {"symprec", 0, CLI_VALUE, "X", "symmetry tolerance in Å (default 1e-5; try 1e-3 for rounded files)"},
    {"frame", 0, CLI_VALUE, "N", "frame of a multi-frame file, 1 = first (default), -1 = last"},
    {NULL, 0, 0, NULL, NULL},
};

/* Pick frame `frame` (1-based; negative counts from the end) out of a list. */
static int pick_frame(const ls_structure_list *list, long frame, const char *path, int *index)
{
    long n = list->n;
    long i = frame > 0 ? frame - 1 : n + frame;
    if (frame == 0 || i < 0 || i >= n)
        LS_ERROR(LS_ERR_USAGE, "--frame %ld is out of range: %s holds %ld frame%s (use 1..%ld or -1 for the last)",
                 frame, path, n, n == 1 ? "" : "s", n);
    *index = (int)i;
    return LS_OK;
}

struct info {
    char formula[256], reduced[256];
    int periodic;
    int has_cell;         /* three non-zero cell vectors (molecules may have none) */
    double volume_a3, density;
    double len_a[3], ang[3];
    ls_symmetry *sym;     /* NULL if not determined */
    char sym_note[512];   /* why not */
    double symprec_a;
    double dmin_a;
    int dmin_i, dmin_j;
};

/* Print a label padded to 23 columns of display width (UTF-8 aware: "Å" is one column). */
static void label(const char *text)
{
    int width = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) width += (*p & 0xC0) != 0x80;
    printf("%s%*s", text, width < 23 ? 23 - width : 1, "");
}

static void print_text(const char *path, const char *fmt_name, int frame, int n_frames, const ls_structure *s,
                       const struct info *in)
{
    label("file");
    printf("%s (%s", path, fmt_name);
    if (n_frames > 1) printf(", frame %d of %d", frame, n_frames);
    printf(")\n");
    label("formula");
    printf("%s (reduced %s)\n", in->formula, in->reduced);
    label("atoms");
    printf("%d\n", s->n_atom);
    label("periodic");
    printf("%d %d %d\n", s->pbc[0], s->pbc[1], s->pbc[2]);
    if (in->has_cell) {
        label("a b c (Å)");
        printf("%.6f %.6f %.6f\n", in->len_a[0], in->len_a[1], in->len_a[2]);
        label("alpha beta gamma (°)");
        printf("%.4f %.4f %.4f\n", in->ang[0], in->ang[1], in->ang[2]);
    }
    if (in->periodic) {
        label("volume (Å^3)");
        printf("%.4f (%.4f per atom)\n", in->volume_a3, in->volume_a3 / s->n_atom);
        label("density (g/cm^3)");
        printf("%.4f\n", in->density);
    }
    if (in->sym) {
        const ls_symmetry *y = in->sym;
        label("space group");
        printf("%s (%d), point group %s, %d operations (symprec %g Å)\n", y->international,
               y->spacegroup_number, y->pointgroup, y->n_op, in->symprec_a);
        label("atoms per cell");
        printf("%d primitive, %d conventional\n", y->n_primitive, y->n_conventional);
        printf("Wyckoff positions (standardised conventional cell):\n");
        printf("  %-8s %-6s %-10s %10s %10s %10s\n", "species", "site", "symmetry", "x", "y", "z");
        for (int ia = 0; ia < s->n_atom; ia++) {
            if (y->equivalent_atoms[ia] != ia) continue;
            char site[16];
            snprintf(site, sizeof site, "%d%c", y->multiplicity[ia], y->wyckoff[ia]);
            printf("  %-8s %-6s %-10s %10.6f %10.6f %10.6f\n", s->species[ia], site, y->site_symmetry[ia],
                   y->orbit_frac[ia][0], y->orbit_frac[ia][1], y->orbit_frac[ia][2]);
        }
    } else {
        label("space group");
        printf("%s\n", in->sym_note);
    }
    label("shortest distance (Å)");
    if (in->dmin_i >= 0)
        printf("%.6f between atoms %d (%s) and %d (%s)\n", in->dmin_a, in->dmin_i + 1, s->species[in->dmin_i],
               in->dmin_j + 1, s->species[in->dmin_j]);
    else
        printf("none (a single atom without periodic images)\n");
}

static int write_json(const char *dest, const char *path, const char *fmt_name, int frame, int n_frames,
                      const ls_structure *s, const struct info *in)
{
    ls_json *j = NULL;
    if (strcmp(dest, "-") == 0) LS_TRY(ls_json_wrap(stdout, &j));
    else LS_TRY(ls_json_open_file(dest, &j));
    ls_json_object_begin(j, NULL);
    ls_json_string(j, "file", path);
    ls_json_string(j, "format", fmt_name);
    ls_json_int(j, "frame", frame);
    ls_json_int(j, "n_frames", n_frames);
    ls_json_string(j, "formula", in->formula);
    ls_json_string(j, "formula_reduced", in->reduced);
    ls_json_int(j, "n_atoms", s->n_atom);
    ls_json_int_array(j, "pbc", s->pbc, 3);
    double cell_a[9];
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) cell_a[3 * i + k] = s->cell[i][k] * LS_BOHR_ANGSTROM;
    ls_json_matrix(j, "cell_A", cell_a, 3, 3);
    if (in->has_cell) {
        ls_json_number_array(j, "lattice_A", in->len_a, 3);
        ls_json_number_array(j, "angles_deg", in->ang, 3);
    } else {
        ls_json_null(j, "lattice_A");
        ls_json_null(j, "angles_deg");
    }
    if (in->periodic) {
        ls_json_number(j, "volume_A3", in->volume_a3);
        ls_json_number(j, "volume_per_atom_A3", in->volume_a3 / s->n_atom);
        ls_json_number(j, "density_g_per_cm3", in->density);
    } else {
        ls_json_null(j, "volume_A3");
        ls_json_null(j, "volume_per_atom_A3");
        ls_json_null(j, "density_g_per_cm3");
    }
    ls_json_number(j, "symprec_A", in->symprec_a);
    if (in->sym) {
        const ls_symmetry *y = in->sym;
        ls_json_int(j, "spacegroup_number", y->spacegroup_number);
        ls_json_string(j, "spacegroup_symbol", y->international);
        ls_json_string(j, "hall_symbol", y->hall_symbol);
        ls_json_string(j, "pointgroup", y->pointgroup);
        ls_json_int(j, "n_operations", y->n_op);
        ls_json_array_begin(j, "wyckoff");
        for (int ia = 0; ia < s->n_atom; ia++) {
            if (y->equivalent_atoms[ia] != ia) continue;
            char letter[2] = {y->wyckoff[ia], '\0'};
            int n_orbit = 0;
            for (int ja = 0; ja < s->n_atom; ja++) n_orbit += y->equivalent_atoms[ja] == ia;
            ls_json_object_begin(j, NULL);
            ls_json_string(j, "species", s->species[ia]);
            ls_json_string(j, "letter", letter);
            ls_json_int(j, "multiplicity", y->multiplicity[ia]);
            ls_json_string(j, "site_symmetry", y->site_symmetry[ia]);
            ls_json_number_array(j, "frac_conventional", y->orbit_frac[ia], 3);
            ls_json_int(j, "first_atom", ia + 1);
            ls_json_int(j, "n_atoms_in_file", n_orbit);
            ls_json_object_end(j);
        }
        ls_json_array_end(j);
    } else {
        ls_json_null(j, "spacegroup_number");
        ls_json_null(j, "spacegroup_symbol");
        ls_json_string(j, "spacegroup_note", in->sym_note);
    }
    if (in->dmin_i >= 0) {
        ls_json_number(j, "min_distance_A", in->dmin_a);
        int pair[2] = {in->dmin_i + 1, in->dmin_j + 1};
        ls_json_int_array(j, "min_distance_atoms", pair, 2);
    } else {
        ls_json_null(j, "min_distance_A");
    }
    ls_json_object_end(j);
    return ls_json_close(j);
}

int cmd_info(int argc, char **argv)
{
    struct cli_args args;
    LS_TRY(cli_parse(argc, argv, info_opts, &args));
    if (args.help) {
        cli_print_help("info", "STRUCTURE [options]",
                       "Describe a structure file: formula, cell, volume, density, space group and Wyckoff\n"
                       "positions (spglib), and the shortest interatomic distance.",
                       info_opts);
        return LS_OK;
    }
    if (args.n_pos != 1)
        LS_ERROR(LS_ERR_USAGE, "expected one structure file, got %d arguments (see lodestone info --help)", args.n_pos);
    const char *path = args.pos[0];
    enum ls_format format = LS_FORMAT_AUTO;
    const char *fmt_opt = cli_get(&args, info_opts, "format");
    if (fmt_opt) LS_TRY(ls_format_from_name(fmt_opt, &format));
    else LS_TRY(ls_format_guess(path, &format));
    double symprec_a;
    long frame;
    LS_TRY(cli_get_double(&args, info_opts, "symprec", LS_SYMPREC_DEFAULT_A, &symprec_a));
    if (!(symprec_a > 0)) LS_ERROR(LS_ERR_USAGE, "--symprec must be a positive length in Å, got %g", symprec_a);
    LS_TRY(cli_get_int(&args, info_opts, "frame", 1, &frame));
    LS_TRY(cli_check_output("json", cli_get(&args, info_opts, "json"), 1, &path));

    ls_structure_list *list = NULL;
    LS_TRY(ls_structures_read(path, format, &list));
    int status = LS_OK, index = 0;
    struct info in;
    memset(&in, 0, sizeof in);
    LS_TRY_GOTO(status, pick_frame(list, frame, path, &index), done);
    const ls_structure *s = list->items[index];
    if (s->n_atom < 1) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: the structure has no atoms", path);

    ls_structure_formula(s, 0, in.formula, sizeof in.formula);
    ls_structure_formula(s, 1, in.reduced, sizeof in.reduced);
    ls_cell_parameters(s->cell, in.len_a, in.ang);
    in.has_cell = 1;
    for (int i = 0; i < 3; i++) {
        in.len_a[i] *= LS_BOHR_ANGSTROM;
        in.has_cell &= in.len_a[i] > 0;
    }
    in.periodic = s->pbc[0] && s->pbc[1] && s->pbc[2];
    if (in.periodic) {
        in.volume_a3 = fabs(ls_cell_volume(s->cell)) * pow(LS_BOHR_ANGSTROM, 3);
        in.density = ls_structure_mass_amu(s) * AMU_G_PER_A3_TO_G_PER_CM3 / in.volume_a3;
    }
    in.symprec_a = symprec_a;
    int st = in.periodic ? ls_symmetry_analyse(s, symprec_a * LS_ANGSTROM_BOHR, &in.sym) : LS_OK;
    if (st == LS_ERR_NOMEM || st == LS_ERR_INTERNAL) LS_ERROR_GOTO(status, st, done, "%s", ls_error_message());
    if (!in.periodic) {
        snprintf(in.sym_note, sizeof in.sym_note, "none: the structure is not periodic in three directions");
    } else if (st != LS_OK) {
        /* Not a failure of the command: the rest of the report stands. */
        snprintf(in.sym_note, sizeof in.sym_note, "not determined: %s", ls_error_message());
        ls_error_clear();
    }
    in.dmin_a = ls_structure_min_distance(s, &in.dmin_i, &in.dmin_j) * LS_BOHR_ANGSTROM;

    const char *json = cli_get(&args, info_opts, "json");
    const char *fmt_name = ls_format_name(format);
    if (json == NULL || strcmp(json, "-") != 0) print_text(path, fmt_name, index + 1, list->n, s, &in);
    if (json) LS_TRY_GOTO(status, write_json(json, path, fmt_name, index + 1, list->n, s, &in), done);
done:
    ls_symmetry_destroy(in.sym);
    ls_structure_list_destroy(list);
    return status;
}
