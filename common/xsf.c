/* XSF (XCrySDen Structure File) reader and writer; declared in common/io.h.
 *
 * Format (http://www.xcrysden.org/doc/XSF.html): keywords on lines of their own, '#'
 * starts a comment, blank lines are ignored, keywords are matched case-insensitively.
 *   CRYSTAL | SLAB | POLYMER | MOLECULE   periodicity 3, 2 (a, b), 1 (a), 0
 *   PRIMVEC            three lines: the lattice vectors a, b, c in Å (one per row)
 *   CONVVEC            three lines: conventional vectors (read over, not used)
 *   PRIMCOORD          a count line "N 1", then N lines "ATOM x y z [fx fy fz]"
 *   CONVCOORD          like PRIMCOORD (read over, not used)
 *   ATOMS              molecule: lines "ATOM x y z [fx fy fz]" up to the next keyword
 *   ANIMSTEPS n        animations: the keywords carry the step ("PRIMCOORD 2"); only the
 *                      first step is read
 *   BEGIN_xxx/END_xxx  data grids, bands, info blocks: read over
 * ATOM is an element symbol or an atomic number; coordinates are Cartesian in Å and the
 * optional forces are in Hartree/Å (the XSF unit), converted to Ha/bohr.
 * Without a periodicity keyword, PRIMCOORD means CRYSTAL and ATOMS means a molecule.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/io.h"
#include "common/textio.h"
#include "common/units.h"

#define XSF_MAX_TOK 9

/* Atoms read so far (ATOMS blocks have no count line, so the list grows). */
struct atom_buf {
    int n, cap;
    int n_col;          /* 3 without forces, 6 with; fixed by the first atom line */
    int *z;
    ls_label *label;
    double (*val)[6];   /* x y z in Å, forces in Ha/Å */
};

static void atom_buf_free(struct atom_buf *b)
{
    free(b->z);
    free(b->label);
    free(b->val);
    memset(b, 0, sizeof *b);
}

static int atom_buf_grow(struct atom_buf *b)
{
    if (b->n < b->cap) return LS_OK;
    int cap = b->cap ? 2 * b->cap : 16;
    int *z = realloc(b->z, (size_t)cap * sizeof *z);
    if (z) b->z = z;
    ls_label *label = realloc(b->label, (size_t)cap * sizeof *label);
    if (label) b->label = label;
    double(*val)[6] = realloc(b->val, (size_t)cap * sizeof *val);
    if (val) b->val = val;
    if (!z || !label || !val) LS_ERROR(LS_ERR_NOMEM, "out of memory reading XSF atoms");
    b->cap = cap;
    return LS_OK;
}

static int is_integer_token(const char *t)
{
    if (*t == '+') t++;
    if (!*t) return 0;
    for (; *t; t++)
        if (!isdigit((unsigned char)*t)) return 0;
    return 1;
}

static int is_keyword(const char *t)
{
    static const char *const kw[] = {"CRYSTAL", "SLAB", "POLYMER", "MOLECULE", "PRIMVEC", "CONVVEC",
                                     "PRIMCOORD", "CONVCOORD", "ATOMS", "ANIMSTEPS"};
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (strcasecmp(t, kw[i]) == 0) return 1;
    return strncasecmp(t, "BEGIN_", 6) == 0;
}

/* Does a split line look like an atom line (element, 3 or 6 numbers)? */
static int looks_like_atom(char **tok, int n)
{
    double v;
    if (n != 4 && n != 7) return 0;
    if (!is_integer_token(tok[0]) && ls_element_z_from_label(tok[0]) == 0) return 0;
    return ls_parse_double(tok[1], &v) == 0;
}

/* Parse one atom line into the buffer. `what` describes the line for messages. */
static int parse_atom(const ls_text_reader *r, char **tok, int n, const char *what, struct atom_buf *b)
{
    if (n != 4 && n != 7)
        return ls_text_error(r, "expected %s: an element symbol or atomic number, x y z in Å and "
                                "optionally fx fy fz in Ha/Å (4 or 7 columns), found %d column%s",
                             what, n, n == 1 ? "" : "s");
    if (b->n == 0) b->n_col = n - 1;
    else if (n - 1 != b->n_col)
        return ls_text_error(r, "atom line with %d columns after lines with %d: give forces for every "
                                "atom or for none", n, b->n_col + 1);
    LS_TRY(atom_buf_grow(b));
    int z = 0;
    if (is_integer_token(tok[0])) {
        long zl;
        if (ls_parse_long(tok[0], &zl) != 0 || zl < 1 || zl > LS_N_ELEMENTS)
            return ls_text_error(r, "unknown atomic number '%s' (expected 1 to %d)", tok[0], LS_N_ELEMENTS);
        z = (int)zl;
        snprintf(b->label[b->n], LS_LABEL_MAX, "%s", ls_element_symbol(z));
    } else {
        z = ls_element_z_from_label(tok[0]);
        if (z == 0 || strlen(tok[0]) >= LS_LABEL_MAX)
            return ls_text_error(r, "unknown element '%s' (expected a symbol such as Fe or an atomic number)",
                                 tok[0]);
        snprintf(b->label[b->n], LS_LABEL_MAX, "%s", tok[0]);
    }
    static const char *const col_name[6] = {"x (Å)", "y (Å)", "z (Å)", "fx (Ha/Å)", "fy (Ha/Å)", "fz (Ha/Å)"};
    for (int k = 0; k < n - 1; k++)
        LS_TRY(ls_text_parse_double(r, tok[k + 1], col_name[k], &b->val[b->n][k]));
    b->z[b->n] = z;
    b->n++;
    return LS_OK;
}

/* Keyword with an optional animation step: "PRIMCOORD" or "PRIMCOORD 2". Sets *step
 * (1 when absent).  Returns 1 if tok[0] is `kw`. */
static int keyword(const ls_text_reader *r, char **tok, int n, const char *kw, int *step, int *status)
{
    if (strcasecmp(tok[0], kw) != 0) return 0;
    *step = 1;
    *status = LS_OK;
    if (n >= 2) *status = ls_text_parse_int(r, tok[1], "an animation step number", step);
    return 1;
}

/* Next line that is not blank or a comment, split into tokens; *n = 0 at end of file. */
static int next_tokens(ls_text_reader *r, char **tok, int *n)
{
    char *line;
    *n = 0;
    for (;;) {
        LS_TRY(ls_text_next(r, &line));
        if (line == NULL) return LS_OK;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        *n = ls_text_split(line, tok, XSF_MAX_TOK);
        if (*n > 0) return LS_OK;
    }
}

/* Like next_tokens, but the end of the file is an error. */
static int expect_tokens(ls_text_reader *r, const char *what, char **tok, int *n)
{
    LS_TRY(next_tokens(r, tok, n));
    if (*n == 0) {
        r->line_no++;
        return ls_text_error(r, "unexpected end of file, expected %s (is the file truncated?)", what);
    }
    return LS_OK;
}

static int read_vectors(ls_text_reader *r, const char *block, double cell[3][3])
{
    char *tok[XSF_MAX_TOK];
    int n;
    static const char *const name[3] = {"first", "second", "third"};
    for (int i = 0; i < 3; i++) {
        char what[96];
        snprintf(what, sizeof what, "the %s %s vector (3 numbers in Å)", name[i], block);
        LS_TRY(expect_tokens(r, what, tok, &n));
        if (n != 3) return ls_text_error(r, "expected %s, found %d column%s", what, n, n == 1 ? "" : "s");
        for (int k = 0; k < 3; k++) LS_TRY(ls_text_parse_double(r, tok[k], what, &cell[i][k]));
    }
    return LS_OK;
}

/* PRIMCOORD/CONVCOORD: the count line and N atom lines (into `b`, or skipped if b is NULL). */
static int read_coord_block(ls_text_reader *r, const char *block, struct atom_buf *b, int *n_decl,
                            long *count_line)
{
    char *tok[XSF_MAX_TOK];
    int n;
    char what[96];
    snprintf(what, sizeof what, "the %s count line 'N 1'", block);
    LS_TRY(expect_tokens(r, what, tok, &n));
    int count = 0;
    if (n > 2) return ls_text_error(r, "expected %s, found %d columns", what, n);
    LS_TRY(ls_text_parse_int(r, tok[0], "the number of atoms", &count));
    if (count < 1) return ls_text_error(r, "expected a positive number of atoms after %s, found %d", block, count);
    *n_decl = count;
    *count_line = r->line_no;
    for (int ia = 0; ia < count; ia++) {
        snprintf(what, sizeof what, "atom %d of the %d announced on line %ld", ia + 1, count, *count_line);
        LS_TRY(expect_tokens(r, what, tok, &n));
        if (is_keyword(tok[0]))
            return ls_text_error(r, "expected %s, found '%s': the count on line %ld does not match the "
                                    "atom lines", what, tok[0], *count_line);
        if (b) LS_TRY(parse_atom(r, tok, n, what, b));
    }
    return LS_OK;
}

static int skip_block(ls_text_reader *r, const char *begin_tok)
{
    char begin[64], end[72]; /* copies: the line buffer is reused by the next read */
    snprintf(begin, sizeof begin, "%s", begin_tok);
    snprintf(end, sizeof end, "END_%s", begin + 6);
    char *tok[XSF_MAX_TOK];
    int n;
    for (;;) {
        char what[160];
        snprintf(what, sizeof what, "%s to close %s", end, begin);
        LS_TRY(expect_tokens(r, what, tok, &n));
        if (strcasecmp(tok[0], end) == 0) return LS_OK;
    }
}

int ls_xsf_read(const char *path, ls_structure **out)
{
    *out = NULL;
    ls_text_reader *r = NULL;
    ls_structure *s = NULL;
    struct atom_buf b = {0};
    int status = LS_OK;
    int dim = -1;                  /* periodicity from the keyword; -1 if none */
    long dim_line = 0, cell_line = 0, atoms_line = 0, count_line = 0;
    int have_cell = 0, have_atoms = 0, n_decl = 0, in_atoms = 0;
    double cell[3][3] = {{0}};
    char *tok[XSF_MAX_TOK];
    int n;

    LS_TRY(ls_text_open(path, &r));
    for (;;) {
        LS_TRY_GOTO(status, next_tokens(r, tok, &n), done);
        if (n == 0) break;
        int step = 1;
        const char *dims[4] = {"MOLECULE", "POLYMER", "SLAB", "CRYSTAL"};
        int is_dim = -1;
        for (int d = 0; d < 4; d++)
            if (strcasecmp(tok[0], dims[d]) == 0) is_dim = d;
        if (in_atoms && !is_keyword(tok[0])) {
            LS_TRY_GOTO(status, parse_atom(r, tok, n, "an atom line", &b), done);
            continue;
        }
        in_atoms = 0;
        if (is_dim >= 0) {
            if (n != 1) {
                status = ls_text_error(r, "%s takes no value, found '%s'", dims[is_dim], tok[1]);
                goto done;
            }
            dim = is_dim;
            dim_line = r->line_no;
        } else if (strcasecmp(tok[0], "ANIMSTEPS") == 0) {
            int steps;
            if (n != 2) { status = ls_text_error(r, "expected 'ANIMSTEPS n'"); goto done; }
            LS_TRY_GOTO(status, ls_text_parse_int(r, tok[1], "the number of animation steps", &steps), done);
        } else if (keyword(r, tok, n, "PRIMVEC", &step, &status) || keyword(r, tok, n, "CONVVEC", &step, &status)) {
            if (status != LS_OK) goto done;
            int prim = strcasecmp(tok[0], "PRIMVEC") == 0;
            double tmp[3][3];
            long line = r->line_no;
            LS_TRY_GOTO(status, read_vectors(r, prim ? "PRIMVEC" : "CONVVEC", prim && !have_cell ? cell : tmp), done);
            if (prim && !have_cell) {
                have_cell = 1;
                cell_line = line;
            }
        } else if (keyword(r, tok, n, "PRIMCOORD", &step, &status) || keyword(r, tok, n, "CONVCOORD", &step, &status)) {
            if (status != LS_OK) goto done;
            int prim = strcasecmp(tok[0], "PRIMCOORD") == 0;
            int use = prim && !have_atoms;
            long line = r->line_no;
            int nd = 0;
            long cl = 0;
            LS_TRY_GOTO(status, read_coord_block(r, prim ? "PRIMCOORD" : "CONVCOORD", use ? &b : NULL, &nd, &cl), done);
            if (use) {
                have_atoms = 1;
                atoms_line = line;
                n_decl = nd;
                count_line = cl;
                if (dim < 0) dim = 3;
            }
        } else if (keyword(r, tok, n, "ATOMS", &step, &status)) {
            if (status != LS_OK) goto done;
            if (!have_atoms) {
                have_atoms = 1;
                in_atoms = 1;
                atoms_line = r->line_no;
                if (dim < 0) dim = 0;
            }
        } else if (strncasecmp(tok[0], "BEGIN_", 6) == 0) {
            LS_TRY_GOTO(status, skip_block(r, tok[0]), done);
        } else if (have_atoms && n_decl > 0 && looks_like_atom(tok, n)) {
            status = ls_text_error(r, "more atom lines than the %d announced on line %ld", n_decl, count_line);
            goto done;
        } else {
            status = ls_text_error(r, "unknown keyword '%s' (expected CRYSTAL, SLAB, POLYMER, MOLECULE, "
                                      "PRIMVEC, CONVVEC, PRIMCOORD, CONVCOORD, ATOMS, ANIMSTEPS or a "
                                      "BEGIN_ block)", tok[0]);
            goto done;
        }
    }

    if (!have_atoms)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%ld: no atoms: expected a PRIMCOORD block (crystals) "
                      "or an ATOMS block (molecules)", path, r->line_no);
    if (b.n == 0)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%ld: the ATOMS block holds no atom lines", path, atoms_line);
    if (dim > 0 && !have_cell)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%ld: a %s needs a PRIMVEC block with the three lattice "
                      "vectors (Å), found none", path, dim_line ? dim_line : atoms_line,
                      dim == 3 ? "CRYSTAL" : dim == 2 ? "SLAB" : "POLYMER");
    LS_TRY_GOTO(status, ls_structure_create(b.n, &s), done);
    for (int i = 0; i < 3; i++) {
        s->pbc[i] = i < dim;
        for (int k = 0; k < 3; k++) s->cell[i][k] = cell[i][k] * LS_ANGSTROM_BOHR;
    }
    if (dim > 0 && fabs(ls_cell_volume(s->cell)) < 1e-6)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%ld: the PRIMVEC lattice vectors are linearly dependent "
                      "(cell volume %.3g Å^3): expected three independent vectors", path, cell_line,
                      ls_cell_volume(cell));
    if (b.n_col == 6) LS_TRY_GOTO(status, ls_structure_alloc_forces(s), done);
    for (int ia = 0; ia < b.n; ia++) {
        s->z[ia] = b.z[ia];
        memcpy(s->species[ia], b.label[ia], sizeof s->species[ia]);
        for (int k = 0; k < 3; k++) {
            s->pos[ia][k] = b.val[ia][k] * LS_ANGSTROM_BOHR;
            if (s->forces) s->forces[ia][k] = b.val[ia][3 + k] * LS_BOHR_ANGSTROM; /* Ha/Å -> Ha/bohr */
        }
    }
    char source[4096];
    snprintf(source, sizeof source, "%s:%ld", path, atoms_line);
    LS_TRY_GOTO(status, ls_structure_check(s, LS_IO_MIN_DISTANCE_A * LS_ANGSTROM_BOHR, source), done);
    *out = s;
    s = NULL;
done:
    ls_structure_destroy(s);
    atom_buf_free(&b);
    ls_text_close(r);
    return status;
}

int ls_xsf_write(FILE *fp, const char *name, const ls_structure *s)
{
    const int *p = s->pbc;
    const char *kw;
    if (p[0] && p[1] && p[2]) kw = "CRYSTAL";
    else if (p[0] && p[1] && !p[2]) kw = "SLAB";
    else if (p[0] && !p[1] && !p[2]) kw = "POLYMER";
    else if (!p[0] && !p[1] && !p[2]) kw = "MOLECULE";
    else
        LS_ERROR(LS_ERR_UNSUPPORTED, "%s: XSF cannot hold periodicity %d %d %d: slabs must be periodic "
                 "along a and b, polymers along a", name, p[0], p[1], p[2]);
    int has_cell = 0;
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) has_cell |= s->cell[i][k] != 0.0;
    if (s->comment && s->comment[0]) {
        fputs("# ", fp);
        for (const char *c = s->comment; *c; c++) fputc(*c == '\n' || *c == '\r' ? ' ' : *c, fp);
        fputc('\n', fp);
    }
    if (has_cell) {
        fprintf(fp, "%s\nPRIMVEC\n", kw);
        for (int i = 0; i < 3; i++)
            fprintf(fp, " %24.16e %24.16e %24.16e\n", s->cell[i][0] * LS_BOHR_ANGSTROM,
                    s->cell[i][1] * LS_BOHR_ANGSTROM, s->cell[i][2] * LS_BOHR_ANGSTROM);
        fprintf(fp, "PRIMCOORD\n %d 1\n", s->n_atom);
    } else {
        if (strcmp(kw, "MOLECULE") != 0)
            LS_ERROR(LS_ERR_INPUT, "%s: a periodic structure needs a cell", name);
        fprintf(fp, "ATOMS\n");
    }
    for (int ia = 0; ia < s->n_atom; ia++) {
        if (s->z[ia] < 1 || s->z[ia] > LS_N_ELEMENTS)
            LS_ERROR(LS_ERR_INPUT, "%s: atom %d ('%s') is not a known element: XSF needs element symbols",
                     name, ia + 1, s->species[ia]);
        fprintf(fp, "%-2s %24.16e %24.16e %24.16e", ls_element_symbol(s->z[ia]), s->pos[ia][0] * LS_BOHR_ANGSTROM,
                s->pos[ia][1] * LS_BOHR_ANGSTROM, s->pos[ia][2] * LS_BOHR_ANGSTROM);
        if (s->forces) /* Ha/bohr -> Ha/Å */
            fprintf(fp, " %24.16e %24.16e %24.16e", s->forces[ia][0] / LS_BOHR_ANGSTROM,
                    s->forces[ia][1] / LS_BOHR_ANGSTROM, s->forces[ia][2] / LS_BOHR_ANGSTROM);
        fputc('\n', fp);
    }
    if (ferror(fp)) LS_ERROR(LS_ERR_IO, "%s: write error", name);
    return LS_OK;
}
