/* Extended XYZ (ASE's conventions, ase.io.extxyz in ASE 3.22): reader of all frames and
 * writer of one frame.  See io.h for the entry points.
 *
 * A frame is: the number of atoms; a comment line of key=value pairs (see extxyz_kv.h);
 * one line per atom with the columns that Properties=name:type:ncols:... announces
 * (types S string, R real, I integer, L logical T/F; default species:S:1:pos:R:3).
 *
 * Units in the file -> inside:
 *   Lattice="ax ay az bx by bz cx cy cz" (rows a, b, c), Å -> cell rows in bohr;
 *   pos:R:3 Å -> bohr; forces:R:3 (or force:R:3) eV/Å -> Ha/bohr;
 *   velocities:R:3 Å/fs -> bohr per atomic time unit (ASE itself stores momenta instead,
 *   which are kept as an extra column);
 *   magmoms:R:1 or initial_magmoms:R:1 Bohr magnetons (written back as magmoms);
 *   masses:R:1 amu; move_mask:L:3 (T = free, ASE) <-> fixed (1 = fixed);
 *   energy= eV -> Ha; stress= 9 numbers (3x3, row-major) or 6 Voigt numbers
 *   (xx yy zz yz xz xy, ASE's order), eV/Å^3 -> Ha/bohr^3, ASE sign kept.
 *   (ASE reshapes 9 numbers in Fortran order; for the symmetric stress that is the same.)
 * The species column gives element symbols (case-tolerant, "si" reads as Si); Z:I:1 is
 * used when there is no species column.  Lattice, Properties and pbc are recognised
 * case-insensitively; without Lattice the structure is non-periodic with a zero cell
 * unless pbc says otherwise (pbc defaults to "T T T" when a Lattice is given).  The key
 * `comment` and a comment line without any '=' go to s->comment.  Every other key
 * (free_energy, config_type, ...) is kept as text in s->info, every other column as
 * text in s->extra, in file order, and both are written back unchanged.
 *
 * The writer gives species as element symbols (labels such as "Fe1" become "Fe", so ASE
 * can read them) and numbers in the shortest form that reads back to the same double.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/extxyz_kv.h"
#include "common/io.h"
#include "common/textio.h"
#include "common/units.h"

/* Å/fs -> bohr per atomic time unit. */
#define VELOCITY_A_FS_TO_AU (LS_ANGSTROM_BOHR * LS_AU_TIME_FS)
/* eV/Å^3 -> Ha/bohr^3. */
#define STRESS_EV_A3_TO_AU (LS_EV_HARTREE * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM)

enum role { ROLE_EXTRA, ROLE_SPECIES, ROLE_Z, ROLE_POS, ROLE_FORCES, ROLE_MAGMOM,
            ROLE_VELOCITIES, ROLE_MASSES, ROLE_MOVE_MASK };

/* One entry of Properties. */
struct column {
    const char *name; /* points into the Properties text */
    char type;
    int n_col;
    int first;        /* index of its first token on an atom line */
    enum role role;
    char **values;    /* ROLE_EXTRA: [n_atom * n_col] owned strings */
};

struct layout {
    int n;
    int n_tok;        /* columns per atom line */
    struct column *col;
    char *text;       /* owned copy of the Properties value, split at ':' */
};

static void layout_free(struct layout *L, int n_atom)
{
    for (int i = 0; i < L->n; i++) {
        if (L->col[i].values)
            for (long j = 0; j < (long)n_atom * L->col[i].n_col; j++) free(L->col[i].values[j]);
        free(L->col[i].values);
    }
    free(L->col);
    free(L->text);
}

/* The role a column plays, from its name, type and width; ROLE_EXTRA if none. */
static enum role column_role(const struct column *c)
{
    const char *n = c->name;
    int r3 = c->type == 'R' && c->n_col == 3, r1 = c->type == 'R' && c->n_col == 1;
    if (strcmp(n, "species") == 0 && c->type == 'S' && c->n_col == 1) return ROLE_SPECIES;
    if (strcmp(n, "Z") == 0 && c->type == 'I' && c->n_col == 1) return ROLE_Z;
    if (strcmp(n, "pos") == 0 && r3) return ROLE_POS;
    if ((strcmp(n, "forces") == 0 || strcmp(n, "force") == 0) && r3) return ROLE_FORCES;
    if ((strcmp(n, "magmoms") == 0 || strcmp(n, "initial_magmoms") == 0) && r1) return ROLE_MAGMOM;
    if (strcmp(n, "velocities") == 0 && r3) return ROLE_VELOCITIES;
    if (strcmp(n, "masses") == 0 && r1) return ROLE_MASSES;
    if (strcmp(n, "move_mask") == 0 && c->type == 'L' && c->n_col == 3) return ROLE_MOVE_MASK;
    return ROLE_EXTRA;
}

/* Parse "name:type:ncols:..." into L (errors name the reader's current line). */
static int parse_properties(const ls_text_reader *r, const char *props, struct layout *L)
{
    size_t len = strlen(props);
    int n_field = 1;
    for (size_t i = 0; i < len; i++) n_field += props[i] == ':';
    if (n_field % 3 != 0)
        return ls_text_error(r, "Properties=%s has %d ':'-separated fields, expected groups of "
                             "three name:type:ncols (is an ncols missing?)", props, n_field);
    L->text = malloc(len + 1);
    L->col = calloc((size_t)n_field / 3, sizeof *L->col);
    if (L->text == NULL || L->col == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    memcpy(L->text, props, len + 1);
    char *field[3], *p = L->text;
    int have[ROLE_MOVE_MASK + 1] = {0};
    for (int ic = 0; ic < n_field / 3; ic++) {
        for (int k = 0; k < 3; k++) {
            field[k] = p;
            p += strcspn(p, ":");
            if (*p) *p++ = '\0';
        }
        struct column *c = &L->col[L->n++];
        long n_col = 0;
        c->name = field[0];
        c->type = field[1][0];
        if (field[0][0] == '\0')
            return ls_text_error(r, "Properties=%s: column %d has an empty name", props, ic + 1);
        if (strlen(field[1]) != 1 || strchr("SRIL", c->type) == NULL)
            return ls_text_error(r, "Properties=%s: column '%s' has type '%s', expected one of "
                                 "S (string), R (real), I (integer), L (logical)", props, c->name, field[1]);
        if (ls_parse_long(field[2], &n_col) != 0 || n_col < 1 || n_col > 1000)
            return ls_text_error(r, "Properties=%s: column '%s' has ncols '%s', expected a positive "
                                 "whole number", props, c->name, field[2]);
        c->n_col = (int)n_col;
        c->first = L->n_tok;
        L->n_tok += c->n_col;
        c->role = column_role(c);
        if (c->role != ROLE_EXTRA && have[c->role]) c->role = ROLE_EXTRA; /* force and forces */
        have[c->role] = 1;
        if (strcmp(c->name, "pos") == 0 && c->role != ROLE_POS)
            return ls_text_error(r, "Properties=%s: expected pos:R:3, found pos:%c:%d", props, c->type, c->n_col);
        if (strcmp(c->name, "species") == 0 && c->role != ROLE_SPECIES)
            return ls_text_error(r, "Properties=%s: expected species:S:1, found species:%c:%d", props,
                                 c->type, c->n_col);
    }
    const char **names = malloc((size_t)L->n * sizeof *names);
    if (names == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int i = 0; i < L->n; i++) names[i] = L->col[i].name;
    int earlier, twice = ls_find_duplicate(names, L->n, strcmp, &earlier);
    free(names);
    if (twice >= 0) return ls_text_error(r, "Properties=%s lists the column '%s' twice", props, L->col[twice].name);
    if (have[ROLE_SPECIES])
        for (int i = 0; i < L->n; i++)
            if (L->col[i].role == ROLE_Z) L->col[i].role = ROLE_EXTRA; /* species rules */
    if (!have[ROLE_SPECIES] && !have[ROLE_Z])
        return ls_text_error(r, "Properties=%s has no species:S:1 (or Z:I:1) column", props);
    if (!have[ROLE_POS]) return ls_text_error(r, "Properties=%s has no pos:R:3 column", props);
    return LS_OK;
}

/* Numbers separated by whitespace or commas; *n gets the count (also beyond max). */
static int parse_numbers(const ls_text_reader *r, const char *key, const char *text, double *v,
                         int max, int *n)
{
    *n = 0;
    const char *p = text;
    char tok[128];
    for (;;) {
        p += strspn(p, " \t,");
        if (*p == '\0') break;
        size_t len = strcspn(p, " \t,");
        double x;
        if (len >= sizeof tok) len = sizeof tok - 1;
        memcpy(tok, p, len);
        tok[len] = '\0';
        if (ls_parse_double(tok, &x) != 0)
            return ls_text_error(r, "%s=\"%s\": expected numbers, found '%s'", key, text, tok);
        if (*n < max) v[*n] = x;
        (*n)++;
        p += strcspn(p, " \t,");
    }
    return LS_OK;
}

static int parse_bool(const char *t, int *b)
{
    if (strcasecmp(t, "T") == 0 || strcasecmp(t, "True") == 0 || strcmp(t, "1") == 0) *b = 1;
    else if (strcasecmp(t, "F") == 0 || strcasecmp(t, "False") == 0 || strcmp(t, "0") == 0) *b = 0;
    else return -1;
    return 0;
}

static int parse_pbc(const ls_text_reader *r, const char *text, int pbc[3])
{
    char buf[64], *tok[4];
    size_t len = strlen(text);
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    int n = ls_text_split(buf, tok, 4);
    int ok = n == 1 || n == 3;
    for (int i = 0; ok && i < 3; i++) ok = parse_bool(tok[n == 1 ? 0 : i], &pbc[i]) == 0;
    if (!ok) return ls_text_error(r, "pbc=\"%s\": expected three of T/F, e.g. pbc=\"T T F\"", text);
    return LS_OK;
}

/* The comment line: per-frame keys into s, Properties into L. */
static int read_comment(ls_text_reader *r, ls_structure *s, struct layout *L)
{
    char *line;
    int status = LS_OK, n_kv = 0, have_lattice = 0, have_pbc = 0;
    struct ls_keyval *kv = NULL;
    const char *props = "species:S:1:pos:R:3";
    LS_TRY(ls_text_expect(r, "the comment line of the frame", &line));
    if (strchr(line, '=') == NULL) {
        const char *b = line + strspn(line, " \t");
        if (*b) LS_TRY(ls_structure_set_comment(s, b));
    } else {
        LS_TRY(ls_extxyz_kv_parse(r, line, &kv, &n_kv));
        LS_TRY_GOTO(status, ls_extxyz_kv_check_unique(r, kv, n_kv), done);
    }
    for (int i = 0; i < n_kv; i++) {
        const char *key = kv[i].key, *val = kv[i].value;
        double v[9];
        int n;
        if (strcasecmp(key, "Lattice") == 0) {
            LS_TRY_GOTO(status, parse_numbers(r, key, val, v, 9, &n), done);
            if (n != 9) {
                status = ls_text_error(r, "Lattice=\"%s\" has %d numbers, expected 9 (the vectors a, b, "
                                       "c in Å)", val, n);
                goto done;
            }
            for (int k = 0; k < 9; k++) s->cell[k / 3][k % 3] = v[k] * LS_ANGSTROM_BOHR;
            have_lattice = 1;
        } else if (strcasecmp(key, "Properties") == 0) {
            props = val;
        } else if (strcasecmp(key, "pbc") == 0) {
            LS_TRY_GOTO(status, parse_pbc(r, val, s->pbc), done);
            have_pbc = 1;
        } else if (strcmp(key, "energy") == 0) {
            if (ls_parse_double(val, &s->energy) != 0) {
                status = ls_text_error(r, "energy=%s: expected a number (eV)", val);
                goto done;
            }
            s->energy *= LS_EV_HARTREE;
            s->has_energy = 1;
        } else if (strcmp(key, "stress") == 0) {
            LS_TRY_GOTO(status, parse_numbers(r, key, val, v, 9, &n), done);
            if (n == 9) {
                for (int k = 0; k < 9; k++) s->stress[k / 3][k % 3] = v[k] * STRESS_EV_A3_TO_AU;
            } else if (n == 6) {
                static const int voigt[6][2] = {{0, 0}, {1, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}};
                for (int k = 0; k < 6; k++) {
                    int a = voigt[k][0], b = voigt[k][1];
                    s->stress[a][b] = s->stress[b][a] = v[k] * STRESS_EV_A3_TO_AU;
                }
            } else {
                status = ls_text_error(r, "stress=\"%s\" has %d numbers, expected 9 (3x3 tensor) or 6 "
                                       "(Voigt xx yy zz yz xz xy), in eV/Å^3", val, n);
                goto done;
            }
            s->has_stress = 1;
        } else if (strcmp(key, "comment") == 0) {
            LS_TRY_GOTO(status, ls_structure_set_comment(s, val), done);
        } else {
            LS_TRY_GOTO(status, ls_structure_info_add(s, key, val), done);
        }
    }
    if (!have_pbc)
        for (int k = 0; k < 3; k++) s->pbc[k] = have_lattice;
    LS_TRY_GOTO(status, parse_properties(r, props, L), done);
done:
    ls_extxyz_kv_free(kv, n_kv);
    return status;
}

/* Error for a bad value on an atom line. */
static int bad_value(const ls_text_reader *r, int ia, const struct column *c, int tok_index,
                     const char *tok, const char *expected)
{
    return ls_text_error(r, "atom %d: column %d (%s:%c:%d) is '%s', expected %s", ia + 1,
                         tok_index + 1, c->name, c->type, c->n_col, tok, expected);
}

/* One atom line. */
static int read_atom(const ls_text_reader *r, char *line, int ia, const struct layout *L,
                     char **tok, ls_structure *s)
{
    int n = ls_text_split(line, tok, L->n_tok + 1);
    if (n > L->n_tok)
        return ls_text_error(r, "atom %d has more than %d columns, expected %d as Properties announces",
                             ia + 1, L->n_tok, L->n_tok);
    if (n < L->n_tok)
        return ls_text_error(r, "atom %d has %d columns, expected %d as Properties announces", ia + 1,
                             n, L->n_tok);
    for (int ic = 0; ic < L->n; ic++) {
        const struct column *c = &L->col[ic];
        char **t = tok + c->first;
        double x[3];
        if (c->type == 'R')
            for (int k = 0; k < c->n_col && k < 3; k++)
                if (ls_parse_double(t[k], &x[k]) != 0)
                    return bad_value(r, ia, c, c->first + k, t[k], "a number");
        switch (c->role) {
        case ROLE_SPECIES:
            if (ls_structure_set_species(s, ia, t[0]) != LS_OK) {
                ls_error_clear();
                return bad_value(r, ia, c, c->first, t[0], "an element symbol such as Si or Fe");
            }
            break;
        case ROLE_Z: {
            long z;
            if (ls_parse_long(t[0], &z) != 0 || z < 1 || z > LS_N_ELEMENTS)
                return bad_value(r, ia, c, c->first, t[0], "an atomic number from 1 to 118");
            LS_TRY(ls_structure_set_species(s, ia, ls_element_symbol((int)z)));
            break;
        }
        case ROLE_POS:
            for (int k = 0; k < 3; k++) s->pos[ia][k] = x[k] * LS_ANGSTROM_BOHR;
            break;
        case ROLE_FORCES:
            for (int k = 0; k < 3; k++) s->forces[ia][k] = x[k] / LS_HA_BOHR_EV_A;
            break;
        case ROLE_VELOCITIES:
            for (int k = 0; k < 3; k++) s->velocities[ia][k] = x[k] * VELOCITY_A_FS_TO_AU;
            break;
        case ROLE_MAGMOM: s->magmom[ia] = x[0]; break;
        case ROLE_MASSES: s->mass_amu[ia] = x[0]; break;
        case ROLE_MOVE_MASK:
            for (int k = 0; k < 3; k++) {
                int free_;
                if (parse_bool(t[k], &free_) != 0)
                    return bad_value(r, ia, c, c->first + k, t[k], "T or F");
                s->fixed[ia][k] = !free_;
            }
            break;
        case ROLE_EXTRA:
            for (int k = 0; k < c->n_col; k++) {
                const char *v = t[k];
                long li;
                double d;
                int b;
                if (c->type == 'R' && ls_parse_double(v, &d) != 0)
                    return bad_value(r, ia, c, c->first + k, v, "a number");
                if (c->type == 'I' && ls_parse_long(v, &li) != 0)
                    return bad_value(r, ia, c, c->first + k, v, "a whole number");
                if (c->type == 'L' && parse_bool(v, &b) != 0)
                    return bad_value(r, ia, c, c->first + k, v, "T or F");
                size_t len = strlen(v) + 1;
                char *copy = malloc(len);
                if (copy == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
                memcpy(copy, v, len);
                c->values[(size_t)ia * (size_t)c->n_col + (size_t)k] = copy;
            }
            break;
        }
    }
    return LS_OK;
}

/* One frame after its atom-count line (line count_line of the file). */
static int read_frame(ls_text_reader *r, int n_atom, long count_line, int i_frame, ls_structure **out)
{
    int status = LS_OK;
    ls_structure *s = NULL;
    struct layout L = {0};
    char **tok = NULL;
    *out = NULL;
    /* Every atom line holds at least a species and three coordinates: "H 0 0 0\n". */
    LS_TRY_GOTO(status, ls_text_check_count(r, n_atom, 8, "atoms"), done);
    LS_TRY_GOTO(status, ls_structure_create(n_atom, &s), done);
    LS_TRY_GOTO(status, read_comment(r, s, &L), done);
    tok = malloc((size_t)(L.n_tok + 1) * sizeof *tok);
    if (tok == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int ic = 0; ic < L.n; ic++) {
        struct column *c = &L.col[ic];
        switch (c->role) {
        case ROLE_FORCES: LS_TRY_GOTO(status, ls_structure_alloc_forces(s), done); break;
        case ROLE_VELOCITIES: LS_TRY_GOTO(status, ls_structure_alloc_velocities(s), done); break;
        case ROLE_MAGMOM: LS_TRY_GOTO(status, ls_structure_alloc_magmom(s), done); break;
        case ROLE_MASSES: LS_TRY_GOTO(status, ls_structure_alloc_mass(s), done); break;
        case ROLE_MOVE_MASK: LS_TRY_GOTO(status, ls_structure_alloc_fixed(s), done); break;
        case ROLE_EXTRA:
            c->values = calloc((size_t)n_atom * (size_t)c->n_col, sizeof *c->values);
            if (c->values == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
            break;
        default: break;
        }
    }
    for (int ia = 0; ia < n_atom; ia++) {
        char *line, what[96];
        snprintf(what, sizeof what, "atom line %d of %d (the frame at line %ld announces %d atoms)",
                 ia + 1, n_atom, count_line, n_atom);
        LS_TRY_GOTO(status, ls_text_expect(r, what, &line), done);
        LS_TRY_GOTO(status, read_atom(r, line, ia, &L, tok, s), done);
    }
    for (int ic = 0; ic < L.n; ic++) {
        const struct column *c = &L.col[ic];
        if (c->role == ROLE_EXTRA)
            LS_TRY_GOTO(status, ls_structure_extra_add(s, c->name, c->type, c->n_col, c->values), done);
    }
    char source[1200];
    snprintf(source, sizeof source, "%s:%ld (frame %d)", r->path, count_line, i_frame + 1);
    LS_TRY_GOTO(status, ls_structure_check(s, LS_IO_MIN_DISTANCE_A * LS_ANGSTROM_BOHR, source), done);
    *out = s;
    s = NULL;
done:
    free(tok);
    layout_free(&L, n_atom);
    ls_structure_destroy(s);
    return status;
}

/* Every frame of an open reader (closed here); `path` names it in messages. */
static int read_frames(ls_text_reader *r, const char *path, ls_structure_list **out)
{
    int status = LS_OK;
    ls_structure_list *list = NULL;
    *out = NULL;
    LS_TRY_GOTO(status, ls_structure_list_create(&list), done);
    for (;;) {
        char *line, *tok[2];
        long n_atom;
        LS_TRY_GOTO(status, ls_text_next(r, &line), done);
        if (line == NULL) break;
        int n = ls_text_split(line, tok, 2);
        if (n == 0) continue; /* blank lines between frames and at the end */
        if (n != 1 || ls_parse_long(tok[0], &n_atom) != 0 || n_atom < 1 || n_atom > INT_MAX) {
            status = ls_text_error(r, "expected the number of atoms of frame %d (a positive whole "
                                   "number alone on its line), found '%s%s'%s", list->n + 1, tok[0],
                                   n > 1 ? " ..." : "",
                                   list->n > 0 ? " (does the previous frame have more atom lines "
                                                 "than it announces?)" : "");
            goto done;
        }
        ls_structure *s = NULL;
        LS_TRY_GOTO(status, read_frame(r, (int)n_atom, r->line_no, list->n, &s), done);
        LS_TRY_GOTO(status, ls_structure_list_push(list, s), done);
    }
    if (list->n == 0)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:1: the file holds no frame: expected the number "
                      "of atoms on line 1", path);
    *out = list;
    list = NULL;
done:
    ls_structure_list_destroy(list);
    ls_text_close(r);
    return status;
}

int ls_extxyz_read(const char *path, ls_structure_list **out)
{
    ls_text_reader *r = NULL;
    *out = NULL;
    LS_TRY(ls_text_open(path, &r));
    return read_frames(r, path, out);
}

int ls_extxyz_read_text(const char *text, const char *name, ls_structure_list **out)
{
    *out = NULL;
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    if (!fp) LS_ERROR(LS_ERR_NOMEM, "%s: cannot read the text as a stream", name);
    ls_text_reader *r = NULL;
    int status = ls_text_wrap(fp, name, &r);
    if (status == LS_OK) status = read_frames(r, name, out);
    fclose(fp);
    return status;
}

/* ---- writer ---- */

/* Shortest of %.15g, %.16g, %.17g that reads back to exactly x. */
static void put_real(FILE *fp, double x, int width)
{
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) break;
    }
    fprintf(fp, "%*s", width, buf);
}

/* n numbers times factor, each after a space (but the first when lead is 0). */
static void put_reals(FILE *fp, const double *x, int n, double factor, int lead, int width)
{
    for (int i = 0; i < n; i++) {
        if (i > 0 || lead) fputc(' ', fp);
        put_real(fp, x[i] * factor, width);
    }
}

static int all_finite(const double *x, long n)
{
    for (long i = 0; i < n; i++)
        if (!isfinite(x[i])) return 0;
    return 1;
}

static int is_reserved_key(const char *key)
{
    return strcasecmp(key, "Lattice") == 0 || strcasecmp(key, "Properties") == 0 ||
           strcasecmp(key, "pbc") == 0 || strcmp(key, "energy") == 0 || strcmp(key, "stress") == 0 ||
           strcmp(key, "comment") == 0;
}

/* Refuse what cannot be written so that it reads back the same. */
static int check_writable(const char *name, const ls_structure *s)
{
    int n = s->n_atom;
    if (n < 1) LS_ERROR(LS_ERR_INPUT, "%s: cannot write a structure with no atoms to extended XYZ", name);
    for (int ia = 0; ia < n; ia++)
        if (s->z[ia] < 1 || s->z[ia] > LS_N_ELEMENTS)
            LS_ERROR(LS_ERR_INPUT, "%s: atom %d ('%s') has no known element", name, ia + 1, s->species[ia]);
    int ok = all_finite(&s->cell[0][0], 9) && all_finite(&s->pos[0][0], 3L * n) &&
             (!s->forces || all_finite(&s->forces[0][0], 3L * n)) &&
             (!s->velocities || all_finite(&s->velocities[0][0], 3L * n)) &&
             (!s->magmom || all_finite(s->magmom, n)) && (!s->mass_amu || all_finite(s->mass_amu, n)) &&
             (!s->has_energy || isfinite(s->energy)) && (!s->has_stress || all_finite(&s->stress[0][0], 9));
    if (!ok) LS_ERROR(LS_ERR_INPUT, "%s: the structure holds a non-finite number (NaN or infinity)", name);
    for (int i = 0; i < s->n_info; i++)
        if (is_reserved_key(s->info[i].key) || s->info[i].key[0] == '\0')
            LS_ERROR(LS_ERR_INPUT, "%s: the info key '%s' is empty or reserved for the extended XYZ "
                     "format itself (Lattice, Properties, pbc, energy, stress, comment)", name, s->info[i].key);
    for (int i = 0; i < s->n_extra; i++) {
        const struct ls_atom_column *c = &s->extra[i];
        if (c->name[0] == '\0' || strpbrk(c->name, ": \t\n\"'{}[]=\\") || c->n_col < 1 || !strchr("SRIL", c->type))
            LS_ERROR(LS_ERR_INPUT, "%s: the per-atom column '%s:%c:%d' cannot be written to extended XYZ "
                     "(the name must be a plain word, the type S, R, I or L)", name, c->name, c->type, c->n_col);
        for (long j = 0; j < (long)n * c->n_col; j++) {
            const char *v = c->values[j];
            if (v == NULL || v[0] == '\0' || v[strcspn(v, " \t\r\n")] != '\0')
                LS_ERROR(LS_ERR_INPUT, "%s: atom %ld of the column '%s' has an empty value or one with "
                         "whitespace: '%s'", name, j / c->n_col + 1, c->name, v ? v : "");
        }
    }
    return LS_OK;
}

int ls_extxyz_write(FILE *fp, const char *name, const ls_structure *s)
{
    LS_TRY(check_writable(name, s));
    const int w = 22; /* column width of the per-atom numbers */
    int n = s->n_atom;
    int periodic = s->pbc[0] || s->pbc[1] || s->pbc[2];
    int has_cell = 0;
    for (int k = 0; k < 9; k++) has_cell |= s->cell[k / 3][k % 3] != 0.0;

    fprintf(fp, "%d\n", n);
    if (periodic || has_cell) {
        fputs("Lattice=\"", fp);
        put_reals(fp, &s->cell[0][0], 9, LS_BOHR_ANGSTROM, 0, 0);
        fputs("\" ", fp);
    }
    fputs("Properties=species:S:1:pos:R:3", fp);
    if (s->forces) fputs(":forces:R:3", fp);
    if (s->magmom) fputs(":magmoms:R:1", fp);
    if (s->velocities) fputs(":velocities:R:3", fp);
    if (s->mass_amu) fputs(":masses:R:1", fp);
    if (s->fixed) fputs(":move_mask:L:3", fp);
    for (int i = 0; i < s->n_extra; i++) fprintf(fp, ":%s:%c:%d", s->extra[i].name, s->extra[i].type, s->extra[i].n_col);
    if (s->has_energy) {
        fputs(" energy=", fp);
        put_real(fp, s->energy * LS_HARTREE_EV, 0);
    }
    if (s->has_stress) {
        fputs(" stress=\"", fp);
        put_reals(fp, &s->stress[0][0], 9, 1.0 / STRESS_EV_A3_TO_AU, 0, 0);
        fputc('"', fp);
    }
    fprintf(fp, " pbc=\"%c %c %c\"", s->pbc[0] ? 'T' : 'F', s->pbc[1] ? 'T' : 'F', s->pbc[2] ? 'T' : 'F');
    if (s->comment) {
        fputs(" comment=", fp);
        LS_TRY(ls_extxyz_kv_put(fp, s->comment, "the comment"));
    }
    for (int i = 0; i < s->n_info; i++) {
        char what[128];
        snprintf(what, sizeof what, "the info key '%.60s'", s->info[i].key);
        fputc(' ', fp);
        LS_TRY(ls_extxyz_kv_put(fp, s->info[i].key, what));
        fputc('=', fp);
        LS_TRY(ls_extxyz_kv_put(fp, s->info[i].value, what));
    }
    fputc('\n', fp);

    for (int ia = 0; ia < n; ia++) {
        fprintf(fp, "%-2s", ls_element_symbol(s->z[ia]));
        put_reals(fp, s->pos[ia], 3, LS_BOHR_ANGSTROM, 1, w);
        if (s->forces) put_reals(fp, s->forces[ia], 3, LS_HA_BOHR_EV_A, 1, w);
        if (s->magmom) put_reals(fp, &s->magmom[ia], 1, 1.0, 1, w);
        if (s->velocities) put_reals(fp, s->velocities[ia], 3, 1.0 / VELOCITY_A_FS_TO_AU, 1, w);
        if (s->mass_amu) put_reals(fp, &s->mass_amu[ia], 1, 1.0, 1, w);
        if (s->fixed)
            fprintf(fp, " %c %c %c", s->fixed[ia][0] ? 'F' : 'T', s->fixed[ia][1] ? 'F' : 'T',
                    s->fixed[ia][2] ? 'F' : 'T');
        for (int i = 0; i < s->n_extra; i++) {
            const struct ls_atom_column *c = &s->extra[i];
            for (int k = 0; k < c->n_col; k++) fprintf(fp, " %s", c->values[(size_t)ia * (size_t)c->n_col + (size_t)k]);
        }
        fputc('\n', fp);
    }
    if (ferror(fp)) LS_ERROR(LS_ERR_IO, "cannot write '%s': write error", name);
    return LS_OK;
}
