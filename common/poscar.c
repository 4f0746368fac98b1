/* VASP POSCAR/CONTCAR reader and writer; see io.h.
 *
 * Layout (VASP 5; https://www.vasp.at/wiki/index.php/POSCAR):
 *     line 1   comment
 *     line 2   scale: one factor (> 0: multiplies lengths; < 0: the cell volume in Å^3)
 *              or three factors (> 0) multiplying the x, y and z components
 *     line 3-5 lattice vectors a, b, c in Å (before scaling)
 *     line 6   species symbols (absent in VASP 4 files: then the comment line must start
 *              with the symbols, as ASE accepts)
 *     line 7   number of atoms of each species
 *     [Selective dynamics]   (first letter S or s)
 *     Direct | Cartesian     (first letter D/d, or C/c/K/k)
 *     one line per atom: x y z [T|F T|F T|F (selective dynamics)] [ignored text]
 *     [blank line, then velocities etc.: ignored]
 * Cartesian positions are scaled like the lattice.  The species of each atom is stored
 * with the label as written in the species line (up to a '/', so that VASP 6 lines like
 * "Si_GW/3a1b..." read as "Si_GW", element Si).
 */
#include "common/io.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/textio.h"
#include "common/units.h"

#define MAX_TOK 128 /* tokens per line we split off; more species than this are refused */

/* Validate the finished structure with ls_structure_check; on failure put "FILE:LINE: "
 * in front of its message: the line of the offending atom for overlapping atoms, else
 * the last lattice line. */
static int check_read_structure(const ls_structure *s, const char *path, long cell_line,
                                const long *atom_line)
{
    if (ls_structure_check(s, LS_IO_MIN_DISTANCE_A * LS_ANGSTROM_BOHR, path) == LS_OK) return LS_OK;
    char msg[LS_ERROR_MESSAGE_MAX];
    const char *old = ls_error_message();
    size_t n_path = strlen(path);
    if (strncmp(old, path, n_path) == 0 && strncmp(old + n_path, ": ", 2) == 0) old += n_path + 2;
    snprintf(msg, sizeof msg, "%s", old);
    long line = cell_line;
    int ia = -1, ja = -1;
    if (fabs(ls_cell_volume(s->cell)) >= 1e-6 &&
        ls_structure_min_distance(s, &ia, &ja) < LS_IO_MIN_DISTANCE_A * LS_ANGSTROM_BOHR && ja >= 0)
        line = atom_line[ja];
    return ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%s:%ld: %s", path, line, msg);
}

static int parse_scale(ls_text_reader *r, char *line, int *n_scale, double scale[3])
{
    char *tok[4];
    int n = ls_text_split(line, tok, 4);
    if (n != 1 && n != 3)
        return ls_text_error(r, "expected the scale factor (one number, or three for x, y and z), "
                                "found %d columns", n);
    for (int i = 0; i < n; i++) LS_TRY(ls_text_parse_double(r, tok[i], "the scale factor", &scale[i]));
    if (n == 1 && scale[0] == 0)
        return ls_text_error(r, "the scale factor is 0: give a positive factor for the lengths "
                                "or a negative number for the cell volume in Å^3");
    if (n == 3)
        for (int i = 0; i < 3; i++)
            if (!(scale[i] > 0))
                return ls_text_error(r, "three scale factors must all be positive, found '%s'", tok[i]);
    *n_scale = n;
    return LS_OK;
}

/* Three lattice vectors far from linearly dependent: |V| above 1e-10 of the product of their lengths. */
static int independent(const double cell[3][3])
{
    double la = 1;
    for (int i = 0; i < 3; i++) la *= sqrt(cell[i][0] * cell[i][0] + cell[i][1] * cell[i][1] + cell[i][2] * cell[i][2]);
    return fabs(ls_cell_volume(cell)) > 1e-10 * la;
}

static int parse_lattice(ls_text_reader *r, double cell[3][3])
{
    static const char *const what[3] = {"lattice vector a (three numbers, Å)",
                                        "lattice vector b (three numbers, Å)",
                                        "lattice vector c (three numbers, Å)"};
    for (int i = 0; i < 3; i++) {
        char *line, *tok[5];
        LS_TRY(ls_text_expect(r, what[i], &line));
        int n = ls_text_split(line, tok, 5);
        /* A fourth column is tolerated only as a comment. */
        if (n < 3 || (n > 3 && tok[3][0] != '!' && tok[3][0] != '#'))
            return ls_text_error(r, "expected %s, found %d columns", what[i], n);
        for (int k = 0; k < 3; k++) LS_TRY(ls_text_parse_double(r, tok[k], what[i], &cell[i][k]));
    }
    if (!independent(cell))
        return ls_text_error(r, "the lattice vectors on lines %ld-%ld are linearly dependent (singular "
                                "cell, volume %.3g Å^3)", r->line_no - 2, r->line_no, ls_cell_volume(cell));
    return LS_OK;
}

/* Species labels from the VASP 4 comment line: its first n tokens must be element symbols
 * spelled exactly (so that an ordinary comment such as "in a box" is not taken for In). */
static int species_from_comment(ls_text_reader *r, const char *comment, int n_species,
                                 ls_label *species)
{
    char buf[1024], *tok[MAX_TOK];
    snprintf(buf, sizeof buf, "%s", comment);
    int n = ls_text_split(buf, tok, MAX_TOK);
    int ok = n >= n_species;
    for (int i = 0; ok && i < n_species; i++) {
        int z = ls_element_z(tok[i]);
        ok = z != 0 && strcmp(ls_element_symbol(z), tok[i]) == 0;
        if (ok) snprintf(species[i], LS_LABEL_MAX, "%s", tok[i]);
    }
    if (!ok)
        return ls_text_error(r, "this looks like a VASP 4 file (the counts come without a species line) "
                                "and the comment on line 1 does not start with %d element symbols: add "
                                "a VASP 5 species line such as 'Si O' above the counts line", n_species);
    return LS_OK;
}

/* Reads the species line (if any) and the counts line; *n_species, species and counts
 * are filled (arrays of MAX_TOK). */
static int parse_species_counts(ls_text_reader *r, const char *comment, int *n_species,
                                ls_label *species, int *counts, long *n_atom)
{
    char *line, *tok[MAX_TOK];
    LS_TRY(ls_text_expect(r, "the species line (element symbols, e.g. 'Si O')", &line));
    int n = ls_text_split(line, tok, MAX_TOK);
    if (n == 0) return ls_text_error(r, "expected the species line (element symbols, e.g. 'Si O'), found an empty line");
    if (n == MAX_TOK) return ls_text_error(r, "more than %d species are not supported", MAX_TOK - 1);
    long species_line = 0;
    long dummy;
    int vasp4 = ls_parse_long(tok[0], &dummy) == 0;
    if (!vasp4) {
        species_line = r->line_no;
        for (int i = 0; i < n; i++) {
            char *slash = strchr(tok[i], '/');
            if (slash) *slash = '\0';
            if (strlen(tok[i]) >= LS_LABEL_MAX || ls_element_z_from_label(tok[i]) == 0)
                return ls_text_error(r, "unknown element '%s' in the species line (expected element "
                                        "symbols such as 'Si O')", tok[i]);
            snprintf(species[i], LS_LABEL_MAX, "%s", tok[i]);
        }
        *n_species = n;
        LS_TRY(ls_text_expect(r, "the counts line (number of atoms of each species)", &line));
        n = ls_text_split(line, tok, MAX_TOK);
        if (n != *n_species)
            return ls_text_error(r, "the species line (line %ld) names %d species but the counts line has "
                                    "%d columns", species_line, *n_species, n);
    } else {
        *n_species = n;
    }
    *n_atom = 0;
    for (int i = 0; i < n; i++) {
        char what[64];
        snprintf(what, sizeof what, "the number of atoms of species %d", i + 1);
        LS_TRY(ls_text_parse_int(r, tok[i], what, &counts[i]));
        if (counts[i] < 0) return ls_text_error(r, "negative number of atoms (%d)", counts[i]);
        *n_atom += counts[i];
    }
    if (*n_atom == 0) return ls_text_error(r, "the counts line adds up to zero atoms");
    if (*n_atom > 100000000) return ls_text_error(r, "too many atoms (%ld)", *n_atom);
    if (vasp4) LS_TRY(species_from_comment(r, comment, *n_species, species));
    return LS_OK;
}

static int parse_flag(ls_text_reader *r, const char *tok, int ia, int *fixed)
{
    if ((tok[0] == 'T' || tok[0] == 't') && tok[1] == '\0') *fixed = 0;
    else if ((tok[0] == 'F' || tok[0] == 'f') && tok[1] == '\0') *fixed = 1;
    else return ls_text_error(r, "expected a selective-dynamics flag T or F for atom %d, found '%s'", ia + 1, tok);
    return LS_OK;
}

int ls_poscar_read(const char *path, ls_structure **out)
{
    *out = NULL;
    int status = LS_OK;
    ls_text_reader *r = NULL;
    ls_structure *s = NULL;
    char *comment = NULL;
    long *atom_line = NULL;
    ls_label species[MAX_TOK];
    int counts[MAX_TOK], n_species = 0, n_scale = 0, selective = 0, cartesian = 0;
    long n_atom = 0, cell_line = 0, counts_line = 0;
    double scale[3] = {1, 1, 1}, cell[3][3];
    char *line = NULL;

    LS_TRY(ls_text_open(path, &r));
    LS_TRY_GOTO(status, ls_text_expect(r, "the comment line", &line), done);
    comment = strdup(line);
    if (comment == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    LS_TRY_GOTO(status, ls_text_expect(r, "the scale factor", &line), done);
    LS_TRY_GOTO(status, parse_scale(r, line, &n_scale, scale), done);
    LS_TRY_GOTO(status, parse_lattice(r, cell), done);
    cell_line = r->line_no;
    LS_TRY_GOTO(status, parse_species_counts(r, comment, &n_species, species, counts, &n_atom), done);
    counts_line = r->line_no;

    LS_TRY_GOTO(status, ls_text_expect(r, "'Direct' or 'Cartesian'", &line), done);
    while (isspace((unsigned char)*line)) line++;
    if (*line == 'S' || *line == 's') {
        selective = 1;
        LS_TRY_GOTO(status, ls_text_expect(r, "'Direct' or 'Cartesian'", &line), done);
        while (isspace((unsigned char)*line)) line++;
    }
    if (*line == 'C' || *line == 'c' || *line == 'K' || *line == 'k') cartesian = 1;
    else if (*line != 'D' && *line != 'd') {
        status = ls_text_error(r, "expected 'Direct' or 'Cartesian' (or 'Selective dynamics'), found '%s'", line);
        goto done;
    }

    if (n_scale == 1 && scale[0] < 0) {
        double f = cbrt(-scale[0] / fabs(ls_cell_volume(cell)));
        scale[0] = scale[1] = scale[2] = f;
    } else if (n_scale == 1) {
        scale[1] = scale[2] = scale[0];
    }
    /* Every position line holds at least three coordinates: "0 0 0\n". */
    LS_TRY_GOTO(status, ls_text_check_count(r, n_atom, 6, "atoms (the sum of the counts)"), done);
    LS_TRY_GOTO(status, ls_structure_create((int)n_atom, &s), done);
    if (selective) LS_TRY_GOTO(status, ls_structure_alloc_fixed(s), done);
    atom_line = malloc((size_t)n_atom * sizeof *atom_line);
    if (atom_line == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for %ld atoms", n_atom);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) s->cell[i][k] = cell[i][k] * scale[k] * LS_ANGSTROM_BOHR;
    /* Three different scale factors can flatten independent vectors into dependent ones (found by
     * fuzz/fuzz_poscar.c: the file read, and its own rewrite did not). */
    if (!independent(s->cell)) {
        status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%s:%ld: the lattice vectors on lines %ld-%ld, scaled by "
                              "the three factors on line 2, are linearly dependent (singular cell, volume %.3g Å^3)",
                              path, cell_line, cell_line - 2, cell_line,
                              ls_cell_volume(s->cell) * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM);
        goto done;
    }
    LS_TRY_GOTO(status, ls_structure_set_comment(s, comment), done);

    double(*frac)[3] = s->pos; /* filled in place, converted below */
    int ia = 0;
    for (int isp = 0; isp < n_species; isp++) {
        for (int j = 0; j < counts[isp]; j++, ia++) {
            char what[160], *tok[8];
            snprintf(what, sizeof what, "the position of atom %d of %ld (the counts on line %ld add up to %ld)",
                     ia + 1, n_atom, counts_line, n_atom);
            LS_TRY_GOTO(status, ls_text_expect(r, what, &line), done);
            atom_line[ia] = r->line_no;
            int n = ls_text_split(line, tok, 8);
            int need = selective ? 6 : 3;
            if (n < need) {
                status = ls_text_error(r, "expected %s for atom %d of %ld (the counts on line %ld add up to "
                                          "%ld), found %d columns",
                                       selective ? "x y z and three T/F flags" : "three coordinates x y z",
                                       ia + 1, n_atom, counts_line, n_atom, n);
                goto done;
            }
            for (int k = 0; k < 3; k++) {
                snprintf(what, sizeof what, "coordinate %c of atom %d", "xyz"[k], ia + 1);
                LS_TRY_GOTO(status, ls_text_parse_double(r, tok[k], what, &frac[ia][k]), done);
            }
            for (int k = 0; selective && k < 3; k++)
                LS_TRY_GOTO(status, parse_flag(r, tok[3 + k], ia, &s->fixed[ia][k]), done);
            LS_TRY_GOTO(status, ls_structure_set_species(s, ia, species[isp]), done);
        }
    }
    /* More position lines than the counts say (not separated by a blank line)? */
    LS_TRY_GOTO(status, ls_text_next(r, &line), done);
    if (line != NULL) {
        char *tok[4];
        double v;
        int n = ls_text_split(line, tok, 4);
        if (n >= 3 && ls_parse_double(tok[0], &v) == 0 && ls_parse_double(tok[1], &v) == 0 &&
            ls_parse_double(tok[2], &v) == 0) {
            status = ls_text_error(r, "the counts on line %ld add up to %ld atoms, but this line holds "
                                      "another position: do the counts match the positions?",
                                   counts_line, n_atom);
            goto done;
        }
    }

    if (cartesian) {
        for (ia = 0; ia < s->n_atom; ia++)
            for (int k = 0; k < 3; k++) s->pos[ia][k] *= scale[k] * LS_ANGSTROM_BOHR;
    } else {
        double f[3];
        for (ia = 0; ia < s->n_atom; ia++) {
            memcpy(f, frac[ia], sizeof f);
            for (int k = 0; k < 3; k++)
                s->pos[ia][k] = f[0] * s->cell[0][k] + f[1] * s->cell[1][k] + f[2] * s->cell[2][k];
        }
    }
    LS_TRY_GOTO(status, check_read_structure(s, path, cell_line, atom_line), done);
    *out = s;
    s = NULL;
done:
    ls_text_close(r);
    ls_structure_destroy(s);
    free(comment);
    free(atom_line);
    return status;
}

/* Positive zero for printing: -0.0 + 0.0 is +0.0. */
static double unsigned_zero(double x) { return x + 0.0; }

/* One number of the file: fixed notation with 16 decimals as usual, exponent notation from
 * 1e6 on, so that a number reads back within the reader's token length (found by
 * fuzz/fuzz_poscar.c: a fractional coordinate of 1e300 was written as a 300-digit number). */
static void put_number(FILE *fp, int width, double x)
{
    x = unsigned_zero(x);
    if (fabs(x) < 1e6) fprintf(fp, " %*.16f", width, x);
    else fprintf(fp, " %*.16e", width, x);
}

int ls_poscar_write(FILE *fp, const char *name, const ls_structure *s)
{
    int status = LS_OK;
    double(*frac)[3] = NULL;
    if (s->n_atom < 1) LS_ERROR(LS_ERR_INPUT, "%s: a POSCAR needs at least one atom", name);
    for (int ia = 0; ia < s->n_atom; ia++)
        if (s->z[ia] < 1 || s->z[ia] > LS_N_ELEMENTS)
            LS_ERROR(LS_ERR_INPUT, "%s: atom %d ('%s') has no element: a POSCAR needs element symbols",
                     name, ia + 1, s->species[ia]);
    frac = malloc((size_t)s->n_atom * sizeof *frac);
    if (frac == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    status = ls_structure_frac(s, frac);
    if (status != LS_OK) {
        ls_error_prefix("%s: cannot write a POSCAR: ", name);
        goto done;
    }

    /* The comment must stay on one line. */
    if (s->comment && s->comment[0]) {
        for (const char *c = s->comment; *c; c++) fputc(*c == '\n' || *c == '\r' ? ' ' : *c, fp);
    } else {
        char formula[256];
        ls_structure_formula(s, 0, formula, sizeof formula);
        fputs(formula, fp);
    }
    fputs("\n1.0\n", fp);
    for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 3; k++) put_number(fp, 22, s->cell[i][k] * LS_BOHR_ANGSTROM);
        fputc('\n', fp);
    }
    /* One species entry per run of equal elements, so the atom order is kept. */
    for (int ia = 0; ia < s->n_atom; ia++)
        if (ia == 0 || s->z[ia] != s->z[ia - 1]) fprintf(fp, " %4s", ls_element_symbol(s->z[ia]));
    fputc('\n', fp);
    for (int ia = 0, run = 0; ia < s->n_atom; ia++) {
        run++;
        if (ia + 1 == s->n_atom || s->z[ia + 1] != s->z[ia]) {
            fprintf(fp, " %4d", run);
            run = 0;
        }
    }
    fputc('\n', fp);
    if (s->fixed) fputs("Selective dynamics\n", fp);
    fputs("Direct\n", fp);
    for (int ia = 0; ia < s->n_atom; ia++) {
        for (int k = 0; k < 3; k++) put_number(fp, 20, frac[ia][k]);
        if (s->fixed)
            for (int k = 0; k < 3; k++) fputs(s->fixed[ia][k] ? " F" : " T", fp);
        fputc('\n', fp);
    }
    if (ferror(fp)) LS_ERROR_GOTO(status, LS_ERR_IO, done, "%s: write error", name);
done:
    free(frac);
    return status;
}
