/* The shared structure type; see structure.h for conventions. */
#include "common/structure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/units.h"

static char *dup_string(const char *s)
{
    if (s == NULL) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

int ls_structure_create(int n_atom, ls_structure **out)
{
    *out = NULL;
    if (n_atom < 0) LS_ERROR(LS_ERR_INPUT, "negative number of atoms (%d)", n_atom);
    ls_structure *s = calloc(1, sizeof *s);
    if (s == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for a structure of %d atoms", n_atom);
    s->n_atom = n_atom;
    s->pbc[0] = s->pbc[1] = s->pbc[2] = 1;
    size_t n = n_atom > 0 ? (size_t)n_atom : 1;
    s->z = calloc(n, sizeof *s->z);
    s->species = calloc(n, sizeof *s->species);
    s->pos = calloc(n, sizeof *s->pos);
    if (!s->z || !s->species || !s->pos) {
        ls_structure_destroy(s);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for a structure of %d atoms", n_atom);
    }
    *out = s;
    return LS_OK;
}

void ls_structure_destroy(ls_structure *s)
{
    if (s == NULL) return;
    free(s->z);
    free(s->species);
    free(s->pos);
    free(s->forces);
    free(s->velocities);
    free(s->magmom);
    free(s->mass_amu);
    free(s->fixed);
    free(s->comment);
    for (int i = 0; i < s->n_info; i++) {
        free(s->info[i].key);
        free(s->info[i].value);
    }
    free(s->info);
    for (int i = 0; i < s->n_extra; i++) {
        struct ls_atom_column *c = &s->extra[i];
        if (c->values)
            for (long j = 0; j < (long)s->n_atom * c->n_col; j++) free(c->values[j]);
        free(c->values);
        free(c->name);
    }
    free(s->extra);
    free(s);
}

#define COPY_ARRAY(field, count)                                                   \
    do {                                                                           \
        if (src->field) {                                                          \
            d->field = malloc((count) * sizeof *src->field);                       \
            if (d->field == NULL) goto fail;                                       \
            memcpy(d->field, src->field, (count) * sizeof *src->field);            \
        }                                                                          \
    } while (0)

int ls_structure_copy(const ls_structure *src, ls_structure **out)
{
    ls_structure *d = NULL;
    LS_TRY(ls_structure_create(src->n_atom, &d));
    size_t n = (size_t)src->n_atom;
    memcpy(d->cell, src->cell, sizeof d->cell);
    memcpy(d->pbc, src->pbc, sizeof d->pbc);
    memcpy(d->z, src->z, n * sizeof *d->z);
    memcpy(d->species, src->species, n * sizeof *d->species);
    memcpy(d->pos, src->pos, n * sizeof *d->pos);
    COPY_ARRAY(forces, n);
    COPY_ARRAY(velocities, n);
    COPY_ARRAY(magmom, n);
    COPY_ARRAY(mass_amu, n);
    COPY_ARRAY(fixed, n);
    d->has_energy = src->has_energy;
    d->energy = src->energy;
    d->has_stress = src->has_stress;
    memcpy(d->stress, src->stress, sizeof d->stress);
    if (src->comment && ls_structure_set_comment(d, src->comment) != LS_OK) goto fail;
    for (int i = 0; i < src->n_info; i++)
        if (ls_structure_info_set(d, src->info[i].key, src->info[i].value) != LS_OK) goto fail;
    for (int i = 0; i < src->n_extra; i++) {
        const struct ls_atom_column *c = &src->extra[i];
        if (ls_structure_extra_add(d, c->name, c->type, c->n_col, c->values) != LS_OK) goto fail;
    }
    *out = d;
    return LS_OK;
fail:
    ls_structure_destroy(d);
    LS_ERROR(LS_ERR_NOMEM, "out of memory copying a structure of %d atoms", src->n_atom);
}

#define ALLOC_OPTIONAL(name, field)                                                  \
    int ls_structure_alloc_##name(ls_structure *s)                                   \
    {                                                                                \
        if (s->field) return LS_OK;                                                  \
        s->field = calloc(s->n_atom > 0 ? (size_t)s->n_atom : 1, sizeof *s->field); \
        if (s->field == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for " #name);   \
        return LS_OK;                                                                \
    }
ALLOC_OPTIONAL(forces, forces)
ALLOC_OPTIONAL(velocities, velocities)
ALLOC_OPTIONAL(magmom, magmom)
ALLOC_OPTIONAL(fixed, fixed)
ALLOC_OPTIONAL(mass, mass_amu)

int ls_structure_set_labels(ls_structure *s, double energy, const double (*forces)[3], const double (*stress)[3],
                            const double *magmom)
{
    s->has_energy = 1;
    s->energy = energy;
    if (forces) {
        LS_TRY(ls_structure_alloc_forces(s));
        memcpy(s->forces, forces, (size_t)s->n_atom * sizeof *s->forces);
    }
    if (magmom) {
        LS_TRY(ls_structure_alloc_magmom(s));
        memcpy(s->magmom, magmom, (size_t)s->n_atom * sizeof *s->magmom);
    }
    if (stress) {
        s->has_stress = 1;
        memcpy(s->stress, stress, sizeof s->stress);
    }
    return LS_OK;
}

int ls_structure_set_species(ls_structure *s, int ia, const char *label)
{
    if (ia < 0 || ia >= s->n_atom) LS_ERROR(LS_ERR_INTERNAL, "atom index %d out of range", ia);
    size_t n = strlen(label);
    if (n == 0 || n >= LS_LABEL_MAX)
        LS_ERROR(LS_ERR_INPUT, "species label '%s' must have 1 to %d characters", label,
                 LS_LABEL_MAX - 1);
    int z = ls_element_z_from_label(label);
    if (z == 0)
        LS_ERROR(LS_ERR_INPUT, "unknown element '%s' (expected a symbol such as Fe or Si)", label);
    memcpy(s->species[ia], label, n + 1);
    s->z[ia] = z;
    return LS_OK;
}

int ls_structure_info_set(ls_structure *s, const char *key, const char *value)
{
    for (int i = 0; i < s->n_info; i++) {
        if (strcmp(s->info[i].key, key) == 0) {
            char *v = dup_string(value);
            if (v == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
            free(s->info[i].value);
            s->info[i].value = v;
            return LS_OK;
        }
    }
    return ls_structure_info_add(s, key, value);
}

int ls_structure_info_add(ls_structure *s, const char *key, const char *value)
{
    /* The array grows to powers of two (its capacity is the next one at or above n_info), so
     * that adding n keys takes O(n) copies. */
    int n = s->n_info;
    if ((n & (n - 1)) == 0) {
        struct ls_keyval *grown = realloc(s->info, (size_t)(n ? 2 * n : 1) * sizeof *grown);
        if (grown == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        s->info = grown;
    }
    char *k = dup_string(key), *v = dup_string(value);
    if (!k || !v) {
        free(k);
        free(v);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    s->info[s->n_info].key = k;
    s->info[s->n_info].value = v;
    s->n_info++;
    return LS_OK;
}

const char *ls_structure_info_get(const ls_structure *s, const char *key)
{
    for (int i = 0; i < s->n_info; i++)
        if (strcmp(s->info[i].key, key) == 0) return s->info[i].value;
    return NULL;
}

int ls_structure_extra_add(ls_structure *s, const char *name, char type, int n_col,
                           char *const *values)
{
    struct ls_atom_column *grown = realloc(s->extra, (size_t)(s->n_extra + 1) * sizeof *grown);
    if (grown == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    s->extra = grown;
    struct ls_atom_column *c = &s->extra[s->n_extra];
    memset(c, 0, sizeof *c);
    c->name = dup_string(name);
    c->type = type;
    c->n_col = n_col;
    size_t n = (size_t)s->n_atom * (size_t)n_col;
    c->values = calloc(n > 0 ? n : 1, sizeof *c->values);
    if (c->name == NULL || c->values == NULL) goto fail;
    for (size_t i = 0; i < n; i++)
        if ((c->values[i] = dup_string(values[i])) == NULL) goto fail;
    s->n_extra++;
    return LS_OK;
fail:
    if (c->values)
        for (size_t i = 0; i < n; i++) free(c->values[i]);
    free(c->values);
    free(c->name);
    LS_ERROR(LS_ERR_NOMEM, "out of memory");
}

int ls_structure_set_comment(ls_structure *s, const char *comment)
{
    char *c = dup_string(comment);
    if (comment && c == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    free(s->comment);
    s->comment = c;
    return LS_OK;
}

double ls_cell_volume(const double c[3][3])
{
    return c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1]) -
           c[0][1] * (c[1][0] * c[2][2] - c[1][2] * c[2][0]) +
           c[0][2] * (c[1][0] * c[2][1] - c[1][1] * c[2][0]);
}

static void cross(const double a[3], const double b[3], double out[3])
{
    out[0] = a[1] * b[2] - a[2] * b[1];
    out[1] = a[2] * b[0] - a[0] * b[2];
    out[2] = a[0] * b[1] - a[1] * b[0];
}

int ls_cell_reciprocal(const double cell[3][3], double recip[3][3])
{
    double v = ls_cell_volume(cell);
    if (fabs(v) < 1e-12) LS_ERROR(LS_ERR_INPUT, "singular cell (volume %.3g bohr^3)", v);
    for (int i = 0; i < 3; i++) {
        cross(cell[(i + 1) % 3], cell[(i + 2) % 3], recip[i]);
        for (int k = 0; k < 3; k++) recip[i][k] *= 2.0 * M_PI / v;
    }
    return LS_OK;
}

static double norm3(const double a[3]) { return sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]); }
/* The same without overflow for lengths beyond 1e154 (for messages about absurd cells). */
static double hypot3(const double a[3]) { return hypot(hypot(a[0], a[1]), a[2]); }
static double dot3(const double a[3], const double b[3])
{
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

void ls_cell_parameters(const double cell[3][3], double lengths[3], double angles_deg[3])
{
    for (int i = 0; i < 3; i++) lengths[i] = norm3(cell[i]);
    for (int i = 0; i < 3; i++) {
        int j = (i + 1) % 3, k = (i + 2) % 3;
        double c = dot3(cell[j], cell[k]) / (lengths[j] * lengths[k]);
        if (c > 1) c = 1;
        if (c < -1) c = -1;
        angles_deg[i] = acos(c) * 180.0 / M_PI;
    }
}

int ls_cell_from_parameters(const double len[3], const double ang_deg[3], double cell[3][3])
{
    double ca = cos(ang_deg[0] * M_PI / 180), cb = cos(ang_deg[1] * M_PI / 180);
    double cg = cos(ang_deg[2] * M_PI / 180), sg = sin(ang_deg[2] * M_PI / 180);
    for (int i = 0; i < 3; i++)
        if (!(len[i] > 0) || !(ang_deg[i] > 0 && ang_deg[i] < 180))
            LS_ERROR(LS_ERR_INPUT, "cell lengths must be positive and angles within (0, 180) degrees");
    /* Snap cosines of exact right angles to zero so 90-degree cells stay exact. */
    if (fabs(ca) < 1e-15) ca = 0;
    if (fabs(cb) < 1e-15) cb = 0;
    if (fabs(cg) < 1e-15) cg = 0;
    double cz2 = 1 - cb * cb - ((ca - cb * cg) / sg) * ((ca - cb * cg) / sg);
    if (cz2 <= 1e-12) LS_ERROR(LS_ERR_INPUT, "cell angles %g %g %g do not form a cell", ang_deg[0], ang_deg[1], ang_deg[2]);
    memset(cell, 0, 9 * sizeof(double));
    cell[0][0] = len[0];
    cell[1][0] = len[1] * cg;
    cell[1][1] = len[1] * sg;
    cell[2][0] = len[2] * cb;
    cell[2][1] = len[2] * (ca - cb * cg) / sg;
    cell[2][2] = len[2] * sqrt(cz2);
    return LS_OK;
}

int ls_structure_frac(const ls_structure *s, double (*frac)[3])
{
    double recip[3][3];
    LS_TRY(ls_cell_reciprocal(s->cell, recip));
    for (int ia = 0; ia < s->n_atom; ia++)
        for (int i = 0; i < 3; i++) frac[ia][i] = dot3(s->pos[ia], recip[i]) / (2.0 * M_PI);
    return LS_OK;
}

void ls_structure_set_frac(ls_structure *s, const double (*frac)[3])
{
    for (int ia = 0; ia < s->n_atom; ia++)
        for (int k = 0; k < 3; k++)
            s->pos[ia][k] = frac[ia][0] * s->cell[0][k] + frac[ia][1] * s->cell[1][k] +
                            frac[ia][2] * s->cell[2][k];
}

/* A shorter basis of the same lattice (rows): each vector reduced by whole multiples of the
 * others until none gets shorter (pairwise Gauss reduction, a few sweeps in practice).  For a
 * flat or sheared cell the image search then needs a few cells around, not up to 50 in each
 * direction. */
static void reduce_basis(const double cell[3][3], double red[3][3])
{
    memcpy(red, cell, 9 * sizeof(double));
    for (int sweep = 0; sweep < 100; sweep++) {
        int changed = 0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                double nj = dot3(red[j], red[j]);
                if (i == j || !(nj > 0)) continue;
                double mu = nearbyint(dot3(red[i], red[j]) / nj);
                if (mu == 0 || !isfinite(mu)) continue;
                double t[3];
                for (int k = 0; k < 3; k++) t[k] = red[i][k] - mu * red[j][k];
                if (!(dot3(t, t) < dot3(red[i], red[i]))) continue;
                memcpy(red[i], t, sizeof t);
                changed = 1;
            }
        if (!changed) break;
    }
}

double ls_structure_min_distance(const ls_structure *s, int *ia_out, int *ja_out)
{
    double best = INFINITY;
    int bi = -1, bj = -1;
    int n = s->n_atom;
    double recip[3][3], cell[3][3];
    int periodic = s->pbc[0] || s->pbc[1] || s->pbc[2];
    /* Periodic in all three directions, any basis of the lattice will do: a reduced one. */
    if (s->pbc[0] && s->pbc[1] && s->pbc[2]) reduce_basis(s->cell, cell);
    else memcpy(cell, s->cell, sizeof cell);
    if (periodic && ls_cell_reciprocal(cell, recip) != LS_OK) {
        ls_error_clear();
        periodic = 0;
    }
    for (int i = 0; periodic && i < 3; i++) /* a cell so large that its volume overflows */
        for (int k = 0; k < 3; k++)
            if (!isfinite(recip[i][k])) periodic = 0;
    /* Image range: an upper bound on the answer from the nearest images, then every
     * image whose plane distance could beat it (plane spacing 2 pi / |b_i|). */
    int range[3] = {0, 0, 0};
    if (periodic) {
        double bound = INFINITY;
        for (int i = 0; i < 3; i++)
            if (s->pbc[i]) bound = fmin(bound, norm3(cell[i]));
        for (int ia = 0; ia < n; ia++)
            for (int ja = ia + 1; ja < n; ja++) {
                double d[3];
                for (int k = 0; k < 3; k++) d[k] = s->pos[ja][k] - s->pos[ia][k];
                bound = fmin(bound, norm3(d));
            }
        for (int i = 0; i < 3; i++)
            if (s->pbc[i]) {
                /* After the wrap below the fractional separation along i is within
                 * [-1/2, 1/2], and an image m away is at least (|m| - 1/2) spacings off. */
                double spacing = 2.0 * M_PI / norm3(recip[i]);
                double r = ceil(bound / spacing + 0.5);
                range[i] = r > 50 || !(r >= 0) ? 50 : (int)r;
            }
    }
    for (int ia = 0; ia < n; ia++) {
        for (int ja = ia; ja < n; ja++) {
            double d0[3];
            for (int k = 0; k < 3; k++) d0[k] = s->pos[ja][k] - s->pos[ia][k];
            /* Wrap the separation to the cell nearest the origin first (in double: atoms may sit
             * any number of cells away, more than an int counts). */
            double shift[3] = {0, 0, 0};
            if (periodic)
                for (int i = 0; i < 3; i++)
                    if (s->pbc[i]) shift[i] = -nearbyint(dot3(d0, recip[i]) / (2.0 * M_PI));
            for (int k = 0; k < 3; k++)
                d0[k] += shift[0] * cell[0][k] + shift[1] * cell[1][k] + shift[2] * cell[2][k];
            for (int n0 = -range[0]; n0 <= range[0]; n0++)
                for (int n1 = -range[1]; n1 <= range[1]; n1++)
                    for (int n2 = -range[2]; n2 <= range[2]; n2++) {
                        /* The atom itself: only the images of other cells count. */
                        if (ia == ja && n0 == 0 && n1 == 0 && n2 == 0) continue;
                        double d[3];
                        for (int k = 0; k < 3; k++)
                            d[k] = d0[k] + n0 * cell[0][k] + n1 * cell[1][k] + n2 * cell[2][k];
                        double r = norm3(d);
                        if (r < best) {
                            best = r;
                            bi = ia;
                            bj = ja;
                        }
                    }
        }
    }
    if (ia_out) *ia_out = bi;
    if (ja_out) *ja_out = bj;
    return best;
}

int ls_structure_check(const ls_structure *s, double min_dist_bohr, const char *source)
{
    const char *src = source ? source : "structure";
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            if (!isfinite(s->cell[i][k])) LS_ERROR(LS_ERR_INPUT, "%s: the cell has a non-finite number", src);
    if (s->pbc[0] || s->pbc[1] || s->pbc[2]) {
        double v = ls_cell_volume(s->cell);
        if (!isfinite(v))
            LS_ERROR(LS_ERR_INPUT, "%s: the cell is too large: its volume overflows (a lattice vector of %.3g Å): check "
                     "the numbers and their unit", src,
                     fmax(hypot3(s->cell[0]), fmax(hypot3(s->cell[1]), hypot3(s->cell[2]))) * LS_BOHR_ANGSTROM);
        /* Singular, or so nearly that rounding decides distances: |V| against the product of the lengths
         * (the sines of the angles; 1e-10 is far below any crystal's). */
        double la = hypot3(s->cell[0]) * hypot3(s->cell[1]) * hypot3(s->cell[2]);
        if (fabs(v) < 1e-6 || !(fabs(v) > 1e-10 * la))
            LS_ERROR(LS_ERR_INPUT,
                     "%s: the cell is singular (volume %.3g Å^3 for lattice vectors of %.4g, %.4g and %.4g Å): its "
                     "three lattice vectors must be linearly independent",
                     src, v * pow(LS_BOHR_ANGSTROM, 3), hypot3(s->cell[0]) * LS_BOHR_ANGSTROM,
                     hypot3(s->cell[1]) * LS_BOHR_ANGSTROM, hypot3(s->cell[2]) * LS_BOHR_ANGSTROM);
    }
    for (int ia = 0; ia < s->n_atom; ia++) {
        for (int k = 0; k < 3; k++)
            if (!isfinite(s->pos[ia][k]))
                LS_ERROR(LS_ERR_INPUT, "%s: atom %d has a non-finite coordinate", src, ia + 1);
        if (s->z[ia] < 1 || s->z[ia] > LS_N_ELEMENTS)
            LS_ERROR(LS_ERR_INPUT, "%s: atom %d has an unknown element '%s'", src, ia + 1, s->species[ia]);
    }
    /* An atom so many cells away that rounding has lost its place in the cell (a fractional
     * coordinate of 1e10 keeps about 1e-6 of a cell; found by fuzz/fuzz_poscar.c with 1e300:
     * its overlap check and its rewrite disagreed). */
    if (s->pbc[0] || s->pbc[1] || s->pbc[2]) {
        double recip[3][3];
        LS_TRY(ls_cell_reciprocal(s->cell, recip));
        for (int ia = 0; ia < s->n_atom; ia++)
            for (int k = 0; k < 3; k++) {
                double f = dot3(s->pos[ia], recip[k]) / (2.0 * M_PI);
                if (s->pbc[k] && !(fabs(f) <= LS_STRUCTURE_MAX_CELLS))
                    LS_ERROR(LS_ERR_INPUT,
                             "%s: atom %d (%s) is %.3g cells away along lattice vector %d, more than the %.0e whose "
                             "rounding keeps its place in the cell: wrap it into the cell",
                             src, ia + 1, s->species[ia], f, k + 1, LS_STRUCTURE_MAX_CELLS);
            }
    }
    if (min_dist_bohr > 0 && s->n_atom > 0) {
        int ia, ja;
        double d = ls_structure_min_distance(s, &ia, &ja);
        if (d < min_dist_bohr)
            LS_ERROR(LS_ERR_INPUT,
                     "%s: atoms %d (%s) and %d (%s) are %.4f Å apart, closer than %.2f Å: "
                     "overlapping atoms (check the coordinates and whether they are fractional or Cartesian)",
                     src, ia + 1, s->species[ia], ja + 1, s->species[ja], d * LS_BOHR_ANGSTROM,
                     min_dist_bohr * LS_BOHR_ANGSTROM);
    }
    return LS_OK;
}

double ls_structure_mass_amu(const ls_structure *s)
{
    double m = 0;
    for (int ia = 0; ia < s->n_atom; ia++)
        m += s->mass_amu ? s->mass_amu[ia] : ls_element_mass_amu(s->z[ia]);
    return m;
}

static long gcd_long(long a, long b)
{
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

void ls_structure_formula(const ls_structure *s, int reduced, char *buf, size_t n_buf)
{
    int order[LS_N_ELEMENTS + 1];
    long count[LS_N_ELEMENTS + 1];
    int n_kind = 0;
    memset(count, 0, sizeof count);
    for (int ia = 0; ia < s->n_atom; ia++) {
        int z = s->z[ia];
        if (z < 0 || z > LS_N_ELEMENTS) z = 0;
        if (count[z]++ == 0) order[n_kind++] = z;
    }
    long g = 0;
    for (int i = 0; i < n_kind; i++) g = gcd_long(g, count[order[i]]);
    if (!reduced || g == 0) g = 1;
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n_kind && used < n_buf; i++) {
        long c = count[order[i]] / g;
        int w = c == 1 ? snprintf(buf + used, n_buf - used, "%s", ls_element_symbol(order[i]))
                       : snprintf(buf + used, n_buf - used, "%s%ld", ls_element_symbol(order[i]), c);
        if (w < 0) break;
        used += (size_t)w;
    }
}

int ls_structure_list_create(ls_structure_list **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    return LS_OK;
}

int ls_structure_list_push(ls_structure_list *list, ls_structure *s)
{
    if (list->n == list->capacity) {
        int cap = list->capacity ? 2 * list->capacity : 8;
        ls_structure **grown = realloc(list->items, (size_t)cap * sizeof *grown);
        if (grown == NULL) {
            ls_structure_destroy(s);
            LS_ERROR(LS_ERR_NOMEM, "out of memory");
        }
        list->items = grown;
        list->capacity = cap;
    }
    list->items[list->n++] = s;
    return LS_OK;
}

void ls_structure_list_destroy(ls_structure_list *list)
{
    if (list == NULL) return;
    for (int i = 0; i < list->n; i++) ls_structure_destroy(list->items[i]);
    free(list->items);
    free(list);
}
