/* CIF structure reader and writer; see io.h.  The syntax is in cif_syntax.c.
 *
 * Reading takes the first data block:
 * - the cell from _cell_length_a/b/c (Å) and _cell_angle_alpha/beta/gamma (degrees), built
 *   with ls_cell_from_parameters: a along x, b in the xy plane;
 * - the sites from the loop with _atom_site_fract_x/y/z; the element from
 *   _atom_site_type_symbol, else from _atom_site_label ("Fe1", "O2-" -> Fe, O);
 *   _atom_site_occupancy < 1 is read and ignored with a warning;
 * - the symmetry operations from _space_group_symop_operation_xyz or
 *   _symmetry_equiv_pos_as_xyz (a loop or one value; none means P1).  Every operation
 *   is applied to every site, the images are wrapped to [0, 1) and images of the same
 *   element closer than 1e-4 (fractional, periodic) to an atom already placed are merged.
 * Atoms come out site by site, each site's images in the order of the operations, with
 * fractional coordinates in [0, 1) (also without symmetry operations: identity is applied).
 * Species labels are the element symbols (site labels are not kept).
 *
 * Writing gives a P1 CIF listing every atom.  Because a CIF stores only lengths and
 * angles, reading it back gives the same crystal in the standard orientation (a along x,
 * b in the xy plane): the same cell parameters, fractional coordinates (modulo 1) and interatomic
 * distances, but Cartesian vectors rotated -- and mirrored if the original cell was
 * left-handed (negative a.(b x c)).
 */
#include "common/io.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/cif_syntax.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/log.h"
#include "common/units.h"

#define SITE_MERGE_TOL 1e-4 /* fractional distance under which symmetry images are one atom */
/* The most symmetry operations a space group has (Fm-3m, Fd-3m ... in their conventional cells). */
#define LS_CIF_MAX_SYMOPS 192

struct symop {
    double rot[3][3]; /* f' = rot f + trans */
    double trans[3];
};

/* ---- symmetry operations ------------------------------------------------------------ */

/* One component such as "-y+1/2", "x-y", "1/2+x", "z+0.25", "2x": a sum of signed terms,
 * each a variable x/y/z with an optional numeric coefficient, or a constant (a decimal
 * number or a fraction p/q).  On failure writes the reason into why. */
static int parse_component(const char *p, const char *end, double rot[3], double *trans, char *why,
                           size_t n_why)
{
    int n_term = 0;
    rot[0] = rot[1] = rot[2] = *trans = 0;
    while (p < end) {
        while (p < end && isspace((unsigned char)*p)) p++;
        if (p == end) break;
        double sign = 1;
        if (*p == '+' || *p == '-') {
            sign = *p == '-' ? -1 : 1;
            p++;
            while (p < end && isspace((unsigned char)*p)) p++;
        } else if (n_term > 0) {
            snprintf(why, n_why, "expected '+' or '-' before '%c'", *p);
            return -1;
        }
        double num = 1;
        int has_num = 0;
        if (p < end && (isdigit((unsigned char)*p) || *p == '.')) {
            char buf[64];
            size_t k = 0;
            while (p < end && (isdigit((unsigned char)*p) || *p == '.') && k + 1 < sizeof buf) buf[k++] = *p++;
            buf[k] = '\0';
            char *stop;
            num = strtod(buf, &stop);
            if (*stop != '\0' || strchr(buf, '.') != strrchr(buf, '.')) {
                snprintf(why, n_why, "bad number '%s'", buf);
                return -1;
            }
            if (p < end && *p == '/') {
                p++;
                double den = 0;
                int n_dig = 0;
                while (p < end && isdigit((unsigned char)*p)) den = 10 * den + (*p++ - '0'), n_dig++;
                if (n_dig == 0 || den == 0) {
                    snprintf(why, n_why, "bad fraction after '%s/'", buf);
                    return -1;
                }
                num /= den;
            }
            has_num = 1;
            while (p < end && isspace((unsigned char)*p)) p++;
            if (p < end && *p == '*') p++;
            while (p < end && isspace((unsigned char)*p)) p++;
        }
        int var = -1;
        if (p < end) {
            int lc = tolower((unsigned char)*p);
            var = lc == 'x' ? 0 : lc == 'y' ? 1 : lc == 'z' ? 2 : -1;
        }
        if (var >= 0) {
            rot[var] += sign * num;
            p++;
        } else if (has_num) {
            *trans += sign * num;
        } else {
            if (p < end) snprintf(why, n_why, "unexpected '%c' (expected x, y, z or a number)", *p);
            else snprintf(why, n_why, "a sign without a term");
            return -1;
        }
        n_term++;
    }
    if (n_term == 0) {
        snprintf(why, n_why, "an empty component");
        return -1;
    }
    return 0;
}

/* "x, y, z", "-y+1/2, x-y, z+0.25", "1/2+x,-z,y": three comma-separated components. */
static int parse_symop(const char *text, struct symop *op, char *why, size_t n_why)
{
    const char *p = text;
    for (int i = 0; i < 3; i++) {
        const char *end = strchr(p, ',');
        if (i < 2 && end == NULL) {
            snprintf(why, n_why, "expected three components separated by commas");
            return -1;
        }
        if (i == 2) {
            if (end != NULL) {
                snprintf(why, n_why, "more than three components");
                return -1;
            }
            end = p + strlen(p);
        }
        if (parse_component(p, end, op->rot[i], &op->trans[i], why, n_why) != 0) return -1;
        p = end + 1;
    }
    const double(*r)[3] = (const double(*)[3])op->rot;
    double det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) -
                 r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) +
                 r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    if (fabs(fabs(det) - 1) > 1e-6) {
        snprintf(why, n_why, "its matrix has determinant %g, not +1 or -1: not a symmetry operation", det);
        return -1;
    }
    return 0;
}

/* Operations equal modulo lattice translations (translations compared modulo 1). */
static int same_symop(const struct symop *a, const struct symop *b)
{
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++)
            if (fabs(a->rot[i][j] - b->rot[i][j]) > 1e-6) return 0;
        double t = a->trans[i] - b->trans[i];
        if (fabs(t - nearbyint(t)) > 1e-4) return 0;
    }
    return 1;
}

/* "-y+1/2,x,z" for messages (translations reduced to [0, 1), as fractions of 12 when they are). */
static void format_symop(const struct symop *op, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < 3 && used < n; i++) {
        int any = 0;
        for (int j = 0; j < 3 && used < n; j++) {
            double r = op->rot[i][j];
            if (fabs(r) < 1e-9) continue;
            const char *sign = r < 0 ? "-" : any ? "+" : "";
            if (fabs(fabs(r) - 1) < 1e-9) used += (size_t)snprintf(buf + used, n - used, "%s%c", sign, "xyz"[j]);
            else used += (size_t)snprintf(buf + used, n - used, "%s%g%c", sign, fabs(r), "xyz"[j]);
            any = 1;
        }
        double t = op->trans[i] - floor(op->trans[i]);
        if (t > 1 - 1e-9) t = 0;
        if (used < n && t > 1e-9) {
            double q = t * 12;
            if (fabs(q - nearbyint(q)) < 1e-6) {
                int num = (int)nearbyint(q), den = 12;
                while (num % 2 == 0 && den % 2 == 0) num /= 2, den /= 2;
                while (num % 3 == 0 && den % 3 == 0) num /= 3, den /= 3;
                used += (size_t)snprintf(buf + used, n - used, "%s%d/%d", any ? "+" : "", num, den);
            } else {
                used += (size_t)snprintf(buf + used, n - used, "%s%g", any ? "+" : "", t);
            }
            any = 1;
        }
        if (used < n && !any) used += (size_t)snprintf(buf + used, n - used, "0");
        if (used < n && i < 2) used += (size_t)snprintf(buf + used, n - used, ",");
    }
}

/* The operations of a space group, as a CIF lists them, form a group modulo lattice translations:
 * whole-number matrices, the identity among them, and every product of two listed again.  A list
 * that is not (a typo, a missing line, generators only) would give a wrong crystal silently. */
static int check_group(const ls_cif_block *b, const ls_cif_column *col, const struct symop *ops, int n)
{
    long line0 = ls_cif_at(col, 0)->line;
    if (n > LS_CIF_MAX_SYMOPS)
        return ls_cif_error(b, line0, "%d symmetry operations: no space group has more than %d (in a conventional "
                                      "cell); is the list repeated?", n, LS_CIF_MAX_SYMOPS);
    for (int a = 0; a < n; a++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                if (fabs(ops[a].rot[i][j] - nearbyint(ops[a].rot[i][j])) > 1e-6)
                    return ls_cif_error(b, ls_cif_at(col, a)->line, "symmetry operation '%s' has a coefficient %g that "
                                        "is not a whole number: not a symmetry of a lattice",
                                        ls_cif_at(col, a)->text, ops[a].rot[i][j]);
    struct symop id = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, {0, 0, 0}};
    int has_id = 0;
    for (int a = 0; a < n && !has_id; a++) has_id = same_symop(&ops[a], &id);
    if (!has_id)
        return ls_cif_error(b, line0, "the symmetry operations do not include the identity 'x,y,z': a CIF lists every "
                                      "operation of the space group, the identity first");
    for (int a = 0; a < n; a++)
        for (int c = 0; c < n; c++) {
            struct symop p; /* ops[a] after ops[c]: R_a (R_c f + t_c) + t_a */
            for (int i = 0; i < 3; i++) {
                p.trans[i] = ops[a].trans[i];
                for (int j = 0; j < 3; j++) {
                    p.rot[i][j] = 0;
                    for (int k = 0; k < 3; k++) p.rot[i][j] += ops[a].rot[i][k] * ops[c].rot[k][j];
                    p.trans[i] += ops[a].rot[i][j] * ops[c].trans[j];
                }
            }
            int found = 0;
            for (int k = 0; k < n && !found; k++) found = same_symop(&p, &ops[k]);
            if (!found) {
                char text[128];
                format_symop(&p, text, sizeof text);
                return ls_cif_error(b, ls_cif_at(col, a)->line,
                                    "the symmetry operations are not a group: '%s' (line %ld) applied after '%s' (line %ld) "
                                    "gives '%s', which is not listed: a CIF lists every operation of the space group "
                                    "(not only generators); is a line missing or mistyped?",
                                    ls_cif_at(col, a)->text, ls_cif_at(col, a)->line, ls_cif_at(col, c)->text,
                                    ls_cif_at(col, c)->line, text);
            }
        }
    return LS_OK;
}

static int read_symops(const ls_cif_block *b, struct symop **ops_out, int *n_out)
{
    static const char *const tags[] = {"_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz"};
    ls_cif_column col;
    int found = 0;
    for (int i = 0; i < 2 && !found; i++) found = ls_cif_find(b, tags[i], &col);
    int n = found ? col.n_row : 1;
    struct symop *ops = calloc((size_t)n, sizeof *ops);
    if (ops == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    if (!found) {
        ops[0].rot[0][0] = ops[0].rot[1][1] = ops[0].rot[2][2] = 1;
        ls_cif_column sg;
        if ((ls_cif_find(b, "_symmetry_space_group_name_H-M", &sg) ||
             ls_cif_find(b, "_space_group_name_H-M_alt", &sg)) &&
            !ls_cif_is_missing(ls_cif_at(&sg, 0))) {
            char compact[64];
            size_t k = 0;
            for (const char *c = ls_cif_at(&sg, 0)->text; *c && k + 1 < sizeof compact; c++)
                if (!isspace((unsigned char)*c)) compact[k++] = *c;
            compact[k] = '\0';
            if (strcmp(compact, "P1") != 0)
                ls_log_warn("%s: space group '%s' but no symmetry operations "
                            "(_space_group_symop_operation_xyz): taking the sites as listed (P1)",
                            ls_cif_block_path(b), ls_cif_at(&sg, 0)->text);
        }
    }
    for (int i = 0; found && i < n; i++) {
        const ls_cif_value *v = ls_cif_at(&col, i);
        char why[160];
        if (parse_symop(v->text, &ops[i], why, sizeof why) != 0) {
            free(ops);
            return ls_cif_error(b, v->line, "bad symmetry operation '%s': %s; an operation looks like '-y+1/2, x-y, z'",
                                v->text, why);
        }
    }
    if (found) {
        int status = check_group(b, &col, ops, n);
        if (status != LS_OK) {
            free(ops);
            return status;
        }
    }
    *ops_out = ops;
    *n_out = n;
    return LS_OK;
}

/* ---- cell and sites ------------------------------------------------------------------ */

/* A required number: present, not a placeholder, and a number. */
static int required_number(const ls_cif_block *b, const char *tag, double *value, long *line)
{
    ls_cif_column col;
    if (!ls_cif_find(b, tag, &col))
        return ls_cif_error(b, ls_cif_block_line(b), "data block '%s' has no %s: the cell needs "
                            "_cell_length_a/b/c and _cell_angle_alpha/beta/gamma",
                            ls_cif_block_name(b), tag);
    const ls_cif_value *v = ls_cif_at(&col, 0);
    if (ls_cif_is_missing(v)) return ls_cif_error(b, v->line, "%s is given as '%s': a number is needed", tag, v->text);
    if (ls_cif_parse_number(v->text, value) != 0)
        return ls_cif_error(b, v->line, "expected a number for %s, found '%s'", tag, v->text);
    *line = v->line;
    return LS_OK;
}

static int read_cell(const ls_cif_block *b, double cell[3][3], long *cell_line)
{
    static const char *const tags[6] = {"_cell_length_a", "_cell_length_b", "_cell_length_c",
                                        "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma"};
    double par[6];
    long line[6];
    for (int i = 0; i < 6; i++) LS_TRY(required_number(b, tags[i], &par[i], &line[i]));
    for (int i = 0; i < 3; i++)
        if (!(par[i] > 0)) return ls_cif_error(b, line[i], "%s must be positive, found %g", tags[i], par[i]);
    double len_bohr[3] = {par[0] * LS_ANGSTROM_BOHR, par[1] * LS_ANGSTROM_BOHR, par[2] * LS_ANGSTROM_BOHR};
    if (ls_cell_from_parameters(len_bohr, par + 3, cell) != LS_OK) {
        long last = line[3] > line[4] ? line[3] : line[4];
        last = last > line[5] ? last : line[5];
        return ls_cif_error(b, last, "impossible cell angles alpha %g, beta %g, gamma %g: each must lie "
                                     "in (0, 180) degrees and no angle may exceed the sum of the other two "
                                     "(or 360 minus it)", par[3], par[4], par[5]);
    }
    *cell_line = line[0];
    return LS_OK;
}

/* Element from a type symbol or label: "Fe", "Fe1", "Fe3+", "O2-", "FE".  The leading
 * letters are tried as a two-letter symbol, then as a one-letter one. */
static int element_from_text(const char *text)
{
    char sym[3] = {0};
    if (!isalpha((unsigned char)text[0])) return 0;
    sym[0] = text[0];
    if (isalpha((unsigned char)text[1])) {
        sym[1] = text[1];
        int z = ls_element_z(sym);
        if (z) return z;
        sym[1] = '\0';
    }
    return ls_element_z(sym);
}

/* Columns of the atom-site loop. */
struct site_columns {
    ls_cif_column frac[3], symbol, label, occupancy;
    int has_symbol, has_label, has_occupancy;
};

static int find_site_columns(const ls_cif_block *b, struct site_columns *c)
{
    static const char *const tags[3] = {"_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z"};
    int found[3];
    for (int k = 0; k < 3; k++) found[k] = ls_cif_find(b, tags[k], &c->frac[k]);
    if (!found[0] && !found[1] && !found[2]) {
        ls_cif_column cart;
        int has_cart = ls_cif_find(b, "_atom_site_Cartn_x", &cart);
        return ls_cif_error(b, ls_cif_block_line(b), "data block '%s' has no fractional coordinates "
                            "(_atom_site_fract_x/_y/_z)%s", ls_cif_block_name(b),
                            has_cart ? ": Cartesian _atom_site_Cartn_x/y/z are not supported" : "");
    }
    for (int k = 0; k < 3; k++) {
        int ref = found[0] ? 0 : found[1] ? 1 : 2;
        if (!found[k])
            return ls_cif_error(b, c->frac[ref].tag_line, "missing %s: fractional coordinates need "
                                "_atom_site_fract_x, _y and _z in one loop", tags[k]);
        if (c->frac[k].loop_id != c->frac[ref].loop_id)
            return ls_cif_error(b, c->frac[k].tag_line, "%s is not in the same loop as %s", tags[k], tags[ref]);
    }
    c->has_symbol = ls_cif_find(b, "_atom_site_type_symbol", &c->symbol) &&
                    c->symbol.loop_id == c->frac[0].loop_id;
    c->has_label = ls_cif_find(b, "_atom_site_label", &c->label) && c->label.loop_id == c->frac[0].loop_id;
    if (!c->has_symbol && !c->has_label)
        return ls_cif_error(b, c->frac[0].tag_line, "the atom-site loop has neither "
                            "_atom_site_type_symbol nor _atom_site_label: the elements are unknown");
    c->has_occupancy = ls_cif_find(b, "_atom_site_occupancy", &c->occupancy) &&
                       c->occupancy.loop_id == c->frac[0].loop_id;
    return LS_OK;
}

/* Periodic max-norm distance between fractional positions. */
static double frac_distance(const double a[3], const double b[3])
{
    double d = 0;
    for (int k = 0; k < 3; k++) {
        double x = a[k] - b[k];
        x -= nearbyint(x);
        d = fmax(d, fabs(x));
    }
    return d;
}

static double wrap_unit(double x)
{
    double w = x - floor(x);
    return w >= 1.0 ? 0.0 : w; /* -1e-17 - floor(-1e-17) rounds to 1.0 */
}

int ls_cif_read(const char *path, ls_structure **out)
{
    *out = NULL;
    int status = LS_OK;
    ls_cif_block *b = NULL;
    ls_structure *s = NULL;
    struct symop *ops = NULL;
    double(*frac)[3] = NULL;
    int *z = NULL;
    long *line = NULL;
    int n_op = 0, n_atom = 0, n_merged = 0, n_partial = 0;
    double cell[3][3];
    long cell_line = 0;
    struct site_columns c;

    LS_TRY(ls_cif_block_read(path, &b));
    LS_TRY_GOTO(status, read_cell(b, cell, &cell_line), done);
    LS_TRY_GOTO(status, find_site_columns(b, &c), done);
    LS_TRY_GOTO(status, read_symops(b, &ops, &n_op), done);

    int n_site = c.frac[0].n_row;
    size_t cap = (size_t)n_site * (size_t)n_op;
    frac = malloc((cap ? cap : 1) * sizeof *frac);
    z = malloc((cap ? cap : 1) * sizeof *z);
    line = malloc((cap ? cap : 1) * sizeof *line);
    if (!frac || !z || !line) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for %zu atoms", cap);

    for (int is = 0; is < n_site; is++) {
        /* The type symbol, or the label when the symbol is absent or a placeholder. */
        const ls_cif_value *ev = c.has_symbol ? ls_cif_at(&c.symbol, is) : NULL;
        const char *tag = "_atom_site_type_symbol";
        if (ev == NULL || (ls_cif_is_missing(ev) && c.has_label)) {
            ev = ls_cif_at(&c.label, is);
            tag = "_atom_site_label";
        }
        int zs = ls_cif_is_missing(ev) ? 0 : element_from_text(ev->text);
        if (zs == 0) {
            status = ls_cif_error(b, ev->line, "unknown element '%s' in %s (expected a symbol such as Fe, "
                                  "or a label such as Fe1)", ev->text, tag);
            goto done;
        }
        double f[3];
        for (int k = 0; k < 3; k++) {
            const ls_cif_value *v = ls_cif_at(&c.frac[k], is);
            if (ls_cif_is_missing(v) || ls_cif_parse_number(v->text, &f[k]) != 0) {
                status = ls_cif_error(b, v->line, "expected a number for _atom_site_fract_%c of site %d, "
                                      "found '%s'", "xyz"[k], is + 1, v->text);
                goto done;
            }
        }
        if (c.has_occupancy) {
            const ls_cif_value *v = ls_cif_at(&c.occupancy, is);
            double occ = 1;
            if (!ls_cif_is_missing(v) && ls_cif_parse_number(v->text, &occ) != 0) {
                status = ls_cif_error(b, v->line, "expected a number for _atom_site_occupancy of site %d, "
                                      "found '%s'", is + 1, v->text);
                goto done;
            }
            if (occ < 1 - 1e-6) n_partial++;
        }
        for (int io = 0; io < n_op; io++) {
            double g[3];
            for (int i = 0; i < 3; i++)
                g[i] = wrap_unit(ops[io].rot[i][0] * f[0] + ops[io].rot[i][1] * f[1] +
                                 ops[io].rot[i][2] * f[2] + ops[io].trans[i]);
            int dup = 0;
            for (int ia = 0; ia < n_atom && !dup; ia++)
                dup = z[ia] == zs && frac_distance(frac[ia], g) < SITE_MERGE_TOL;
            if (dup) {
                n_merged++;
                continue;
            }
            memcpy(frac[n_atom], g, sizeof g);
            z[n_atom] = zs;
            line[n_atom] = ev->line;
            n_atom++;
        }
    }
    if (n_partial > 0)
        ls_log_warn("%s: %d site(s) have _atom_site_occupancy < 1; partial occupancy is ignored "
                    "(every site is taken as fully occupied)", path, n_partial);
    ls_log_debug("%s: %d site(s) x %d symmetry operation(s) -> %d atoms (%d duplicate images merged)",
                 path, n_site, n_op, n_atom, n_merged);
    if (n_atom == 0) {
        status = ls_cif_error(b, c.frac[0].tag_line, "the atom-site loop has no rows: no atoms");
        goto done;
    }

    LS_TRY_GOTO(status, ls_structure_create(n_atom, &s), done);
    memcpy(s->cell, cell, sizeof cell);
    for (int ia = 0; ia < n_atom; ia++)
        LS_TRY_GOTO(status, ls_structure_set_species(s, ia, ls_element_symbol(z[ia])), done);
    ls_structure_set_frac(s, (const double(*)[3])frac);
    LS_TRY_GOTO(status, ls_structure_set_comment(s, ls_cif_block_name(b)), done);
    if (ls_structure_check(s, LS_IO_MIN_DISTANCE_A * LS_ANGSTROM_BOHR, path) != LS_OK) {
        /* Name the line of the site that produced the offending atom. */
        int ia = -1, ja = -1;
        long at = cell_line;
        if (ls_structure_min_distance(s, &ia, &ja) < LS_IO_MIN_DISTANCE_A * LS_ANGSTROM_BOHR && ja >= 0)
            at = line[ja];
        char msg[LS_ERROR_MESSAGE_MAX];
        const char *old = ls_error_message();
        size_t n_path = strlen(path);
        if (strncmp(old, path, n_path) == 0 && strncmp(old + n_path, ": ", 2) == 0) old += n_path + 2;
        snprintf(msg, sizeof msg, "%s", old);
        status = ls_cif_error(b, at, "%s", msg);
        goto done;
    }
    *out = s;
    s = NULL;
done:
    ls_cif_block_destroy(b);
    ls_structure_destroy(s);
    free(ops);
    free(frac);
    free(z);
    free(line);
    return status;
}

/* ---- writer ---------------------------------------------------------------------------- */

int ls_cif_write(FILE *fp, const char *name, const ls_structure *s)
{
    int status = LS_OK;
    double(*frac)[3] = NULL;
    if (s->n_atom < 1) LS_ERROR(LS_ERR_INPUT, "%s: a CIF needs at least one atom", name);
    for (int ia = 0; ia < s->n_atom; ia++)
        if (s->z[ia] < 1 || s->z[ia] > LS_N_ELEMENTS)
            LS_ERROR(LS_ERR_INPUT, "%s: atom %d ('%s') has no element: a CIF needs element symbols",
                     name, ia + 1, s->species[ia]);
    frac = malloc((size_t)s->n_atom * sizeof *frac);
    if (frac == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    status = ls_structure_frac(s, frac);
    if (status != LS_OK) {
        ls_error_prefix("%s: cannot write a CIF: ", name);
        goto done;
    }
    double len[3], ang[3];
    ls_cell_parameters(s->cell, len, ang);
    char formula[256];
    ls_structure_formula(s, 0, formula, sizeof formula);

    fputs("# CIF written by Lodestone: every atom listed, space group P 1\n", fp);
    if (s->comment && s->comment[0]) {
        fputs("# ", fp);
        for (const char *p = s->comment; *p; p++) fputc(*p == '\n' || *p == '\r' ? ' ' : *p, fp);
        fputc('\n', fp);
    }
    fprintf(fp, "data_%s\n", formula);
    fprintf(fp, "_chemical_formula_sum '");
    for (const char *p = formula; *p; p++) {
        /* "Fe2O3" -> "Fe2 O3": a space before each element after the first. */
        if (p != formula && isupper((unsigned char)*p)) fputc(' ', fp);
        fputc(*p, fp);
    }
    fputs("'\n", fp);
    fputs("_symmetry_space_group_name_H-M 'P 1'\n_symmetry_Int_Tables_number 1\n", fp);
    fputs("loop_\n_symmetry_equiv_pos_as_xyz\n'x, y, z'\n", fp);
    static const char *const len_tag[3] = {"_cell_length_a", "_cell_length_b", "_cell_length_c"};
    static const char *const ang_tag[3] = {"_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma"};
    for (int i = 0; i < 3; i++) fprintf(fp, "%-18s %.15f\n", len_tag[i], len[i] * LS_BOHR_ANGSTROM);
    for (int i = 0; i < 3; i++) fprintf(fp, "%-18s %.15f\n", ang_tag[i], ang[i]);
    fprintf(fp, "%-18s %.10f\n", "_cell_volume",
            fabs(ls_cell_volume(s->cell)) * pow(LS_BOHR_ANGSTROM, 3));
    fputs("loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
          "_atom_site_fract_y\n_atom_site_fract_z\n",
          fp);
    int count[LS_N_ELEMENTS + 1] = {0};
    for (int ia = 0; ia < s->n_atom; ia++) {
        const char *sym = ls_element_symbol(s->z[ia]);
        char label[32];
        snprintf(label, sizeof label, "%s%d", sym, ++count[s->z[ia]]);
        fprintf(fp, "%-8s %-3s", label, sym);
        for (int k = 0; k < 3; k++) fprintf(fp, " %20.16f", frac[ia][k] + 0.0); /* + 0.0: no "-0" */
        fputc('\n', fp);
    }
    if (ferror(fp)) LS_ERROR_GOTO(status, LS_ERR_IO, done, "%s: write error", name);
done:
    free(frac);
    return status;
}
