/* Space groups, operations, Wyckoff positions and standard cells through spglib; see
 * symmetry.h.  The only file that includes spglib.h: spglib wants lattice vectors as
 * COLUMNS, Lodestone keeps them as rows, and the transposition happens here only. */
#include "common/symmetry.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spglib.h>

#include "common/err.h"
#include "common/units.h"

/* A structure in spglib's layout: lattice columns, fractional positions, integer types,
 * and for each type a representative atom (to give species back to new cells). */
struct spg_cell {
    double lattice[3][3];
    double (*frac)[3];
    int *types;
    int n_atom;
    int n_type;
    int *type_atom; /* [n_type] first atom of each type */
};

static void spg_cell_free(struct spg_cell *c)
{
    free(c->frac);
    free(c->types);
    free(c->type_atom);
    memset(c, 0, sizeof *c);
}

static const char *periodicity_name(const int pbc[3])
{
    int n = pbc[0] + pbc[1] + pbc[2];
    return n == 0 ? "a molecule" : n == 1 ? "periodic in one direction" : "a slab (periodic in two directions)";
}

static int spg_cell_make(const ls_structure *s, struct spg_cell *c)
{
    memset(c, 0, sizeof *c);
    if (!(s->pbc[0] && s->pbc[1] && s->pbc[2]))
        LS_ERROR(LS_ERR_UNSUPPORTED, "symmetry analysis needs a structure periodic in three directions; "
                 "this one is %s (point groups of molecules and layer groups of slabs are not supported)",
                 periodicity_name(s->pbc));
    if (s->n_atom < 1) LS_ERROR(LS_ERR_INPUT, "symmetry analysis of a structure without atoms");
    int n = s->n_atom;
    c->n_atom = n;
    c->frac = malloc((size_t)n * sizeof *c->frac);
    c->types = malloc((size_t)n * sizeof *c->types);
    c->type_atom = malloc((size_t)n * sizeof *c->type_atom);
    if (!c->frac || !c->types || !c->type_atom) {
        spg_cell_free(c);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for the symmetry analysis of %d atoms", n);
    }
    int status = ls_structure_frac(s, c->frac);
    if (status != LS_OK) {
        spg_cell_free(c);
        ls_error_prefix("symmetry analysis: ");
        return status;
    }
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) c->lattice[k][i] = s->cell[i][k]; /* rows -> columns */
    /* Types: same species label and (if present) the same moment to 1e-3 Bohr magneton. */
    for (int ia = 0; ia < n; ia++) {
        int t = -1;
        for (int it = 0; it < c->n_type && t < 0; it++) {
            int ja = c->type_atom[it];
            if (strcmp(s->species[ia], s->species[ja]) != 0 || s->z[ia] != s->z[ja]) continue;
            if (s->magmom && lround(s->magmom[ia] * 1e3) != lround(s->magmom[ja] * 1e3)) continue;
            t = it;
        }
        if (t < 0) {
            t = c->n_type++;
            c->type_atom[t] = ia;
        }
        c->types[ia] = t + 1;
    }
    return LS_OK;
}

/* Translate spglib's last error into a Lodestone status with context. */
static int spg_failure(const char *what, double symprec_bohr)
{
    SpglibError e = spg_get_error_code();
    const char *msg = spg_get_error_message(e);
    double tol_a = symprec_bohr * LS_BOHR_ANGSTROM;
    switch (e) {
    case SPGERR_ATOMS_TOO_CLOSE:
        LS_ERROR(LS_ERR_INPUT, "%s: spglib found atoms closer than the tolerance %.3g Å: check for "
                 "overlapping atoms or use a smaller tolerance", what, tol_a);
    case SPGERR_SPACEGROUP_SEARCH_FAILED:
    case SPGERR_SYMMETRY_OPERATION_SEARCH_FAILED:
    case SPGERR_POINTGROUP_NOT_FOUND:
    case SPGERR_CELL_STANDARDIZATION_FAILED:
        LS_ERROR(LS_ERR_INPUT, "%s: spglib found no consistent space group with tolerance %.3g Å (%s): "
                 "try a somewhat larger or smaller tolerance", what, tol_a, msg ? msg : "no message");
    default:
        LS_ERROR(LS_ERR_LIBRARY, "%s: spglib failed with tolerance %.3g Å: %s", what, tol_a,
                 msg ? msg : "no message");
    }
}

static double default_symprec(double symprec_bohr)
{
    return symprec_bohr > 0 ? symprec_bohr : LS_SYMPREC_DEFAULT_BOHR;
}

/* Run spg_get_dataset; *ds must be freed with spg_free_dataset. */
static int dataset_get(const ls_structure *s, double symprec_bohr, struct spg_cell *c, SpglibDataset **ds)
{
    *ds = NULL;
    LS_TRY(spg_cell_make(s, c));
    *ds = spg_get_dataset(c->lattice, c->frac, c->types, c->n_atom, symprec_bohr);
    if (*ds == NULL || (*ds)->spacegroup_number == 0) {
        if (*ds) spg_free_dataset(*ds);
        *ds = NULL;
        spg_cell_free(c);
        return spg_failure("symmetry analysis", symprec_bohr);
    }
    return LS_OK;
}

static double wrap01(double x)
{
    x -= floor(x);
    if (x >= 1.0 - 1e-10) x = 0.0;
    return x;
}

static int lex_less(const double a[3], const double b[3])
{
    for (int k = 0; k < 3; k++) {
        if (a[k] < b[k] - 1e-8) return 1;
        if (a[k] > b[k] + 1e-8) return 0;
    }
    return 0;
}

int ls_symmetry_analyse(const ls_structure *s, double symprec_bohr, ls_symmetry **out)
{
    *out = NULL;
    symprec_bohr = default_symprec(symprec_bohr);
    struct spg_cell c;
    SpglibDataset *ds = NULL;
    LS_TRY(dataset_get(s, symprec_bohr, &c, &ds));
    int status = LS_OK;
    int n = s->n_atom;
    int *orbit_count = NULL;
    ls_symmetry *sym = calloc(1, sizeof *sym);
    if (sym == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    sym->symprec_bohr = symprec_bohr;
    sym->spacegroup_number = ds->spacegroup_number;
    sym->hall_number = ds->hall_number;
    snprintf(sym->international, sizeof sym->international, "%s", ds->international_symbol);
    snprintf(sym->hall_symbol, sizeof sym->hall_symbol, "%s", ds->hall_symbol);
    snprintf(sym->choice, sizeof sym->choice, "%s", ds->choice);
    snprintf(sym->pointgroup, sizeof sym->pointgroup, "%s", ds->pointgroup_symbol);
    SpglibSpacegroupType type = spg_get_spacegroup_type(ds->hall_number);
    snprintf(sym->international_full, sizeof sym->international_full, "%s", type.international_full);
    snprintf(sym->schoenflies, sizeof sym->schoenflies, "%s", type.schoenflies);

    sym->n_op = ds->n_operations;
    sym->n_atom = n;
    sym->rotations = malloc((size_t)sym->n_op * sizeof *sym->rotations);
    sym->translations = malloc((size_t)sym->n_op * sizeof *sym->translations);
    sym->equivalent_atoms = malloc((size_t)n * sizeof *sym->equivalent_atoms);
    sym->wyckoff = calloc((size_t)n + 1, 1);
    sym->multiplicity = malloc((size_t)n * sizeof *sym->multiplicity);
    sym->site_symmetry = calloc((size_t)n, sizeof *sym->site_symmetry);
    sym->orbit_frac = calloc((size_t)n, sizeof *sym->orbit_frac);
    orbit_count = calloc((size_t)n, sizeof *orbit_count);
    if (!sym->rotations || !sym->translations || !sym->equivalent_atoms || !sym->wyckoff ||
        !sym->multiplicity || !sym->site_symmetry || !sym->orbit_frac || !orbit_count)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for %d symmetry operations", sym->n_op);
    memcpy(sym->rotations, ds->rotations, (size_t)sym->n_op * sizeof *sym->rotations);
    memcpy(sym->translations, ds->translations, (size_t)sym->n_op * sizeof *sym->translations);
    sym->n_conventional = ds->n_std_atoms;
    sym->n_primitive = 0;
    for (int ia = 0; ia < n; ia++)
        if (ds->mapping_to_primitive[ia] + 1 > sym->n_primitive) sym->n_primitive = ds->mapping_to_primitive[ia] + 1;
    for (int ia = 0; ia < n; ia++) {
        sym->equivalent_atoms[ia] = ds->equivalent_atoms[ia];
        orbit_count[ds->equivalent_atoms[ia]]++;
        int w = ds->wyckoffs[ia];
        sym->wyckoff[ia] = (char)(w < 26 ? 'a' + w : 'A');
        snprintf(sym->site_symmetry[ia], sizeof sym->site_symmetry[ia], "%s", ds->site_symmetry_symbols[ia]);
    }
    /* Multiplicity in the conventional cell: the orbit's share of the input cell scaled by
     * (atoms in the conventional cell) / (atoms in the input cell). */
    for (int ia = 0; ia < n; ia++) {
        long num = (long)orbit_count[sym->equivalent_atoms[ia]] * ds->n_std_atoms;
        if (num % n != 0)
            LS_ERROR_GOTO(status, LS_ERR_INTERNAL, done, "Wyckoff multiplicity of atom %d is not whole "
                          "(%ld/%d)", ia + 1, num, n);
        sym->multiplicity[ia] = (int)(num / n);
    }
    /* Representative coordinates: among the conventional-cell atoms of the orbit (found
     * through the shared primitive cell), the one closest to the origin. */
    for (int ia = 0; ia < n; ia++) {
        if (sym->equivalent_atoms[ia] != ia) continue;
        int found = 0;
        double best[3] = {0, 0, 0};
        for (int js = 0; js < ds->n_std_atoms; js++) {
            int p = ds->std_mapping_to_primitive[js], in_orbit = 0;
            for (int ja = 0; ja < n && !in_orbit; ja++)
                in_orbit = sym->equivalent_atoms[ja] == ia && ds->mapping_to_primitive[ja] == p;
            if (!in_orbit) continue;
            double f[3];
            for (int k = 0; k < 3; k++) f[k] = wrap01(ds->std_positions[js][k]);
            if (!found || lex_less(f, best)) memcpy(best, f, sizeof best);
            found = 1;
        }
        if (!found)
            LS_ERROR_GOTO(status, LS_ERR_INTERNAL, done, "atom %d has no image in the conventional cell", ia + 1);
        memcpy(sym->orbit_frac[ia], best, sizeof best);
    }
    for (int ia = 0; ia < n; ia++)
        memcpy(sym->orbit_frac[ia], sym->orbit_frac[sym->equivalent_atoms[ia]], sizeof sym->orbit_frac[ia]);
    *out = sym;
    sym = NULL;
done:
    free(orbit_count);
    ls_symmetry_destroy(sym);
    spg_free_dataset(ds);
    spg_cell_free(&c);
    return status;
}

void ls_symmetry_destroy(ls_symmetry *sym)
{
    if (sym == NULL) return;
    free(sym->rotations);
    free(sym->translations);
    free(sym->equivalent_atoms);
    free(sym->wyckoff);
    free(sym->multiplicity);
    free(sym->site_symmetry);
    free(sym->orbit_frac);
    free(sym);
}

void ls_symops_destroy(ls_symops *ops)
{
    if (ops == NULL) return;
    free(ops->rotations);
    free(ops->translations);
    free(ops->cart_rotations);
    free(ops->atom_map);
    free(ops);
}

/* Index of the identity among the operations, or -1. */
static int find_identity(int n_op, int (*rot)[3][3], double (*trans)[3])
{
    for (int iop = 0; iop < n_op; iop++) {
        int ok = 1;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) ok &= rot[iop][i][j] == (i == j);
            double t = trans[iop][i] - round(trans[iop][i]);
            ok &= fabs(t) < 1e-8;
        }
        if (ok) return iop;
    }
    return -1;
}

int ls_symops_create(const ls_structure *s, double symprec_bohr, ls_symops **out)
{
    *out = NULL;
    symprec_bohr = default_symprec(symprec_bohr);
    struct spg_cell c;
    SpglibDataset *ds = NULL;
    LS_TRY(dataset_get(s, symprec_bohr, &c, &ds));
    int status = LS_OK;
    int n = s->n_atom, n_op = ds->n_operations;
    int *hits = NULL;
    ls_symops *ops = calloc(1, sizeof *ops);
    if (ops == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    ops->n_op = n_op;
    ops->n_atom = n;
    ops->rotations = malloc((size_t)n_op * sizeof *ops->rotations);
    ops->translations = malloc((size_t)n_op * sizeof *ops->translations);
    ops->cart_rotations = malloc((size_t)n_op * sizeof *ops->cart_rotations);
    ops->atom_map = malloc((size_t)n_op * (size_t)n * sizeof *ops->atom_map);
    hits = malloc((size_t)n * sizeof *hits);
    if (!ops->rotations || !ops->translations || !ops->cart_rotations || !ops->atom_map || !hits)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for %d symmetry operations", n_op);
    memcpy(ops->rotations, ds->rotations, (size_t)n_op * sizeof *ops->rotations);
    memcpy(ops->translations, ds->translations, (size_t)n_op * sizeof *ops->translations);
    /* Put the identity first. */
    int id = find_identity(n_op, ops->rotations, ops->translations);
    if (id < 0) LS_ERROR_GOTO(status, LS_ERR_INTERNAL, done, "spglib's operations lack the identity");
    if (id > 0) {
        int r0[3][3];
        double t0[3];
        memcpy(r0, ops->rotations[0], sizeof r0);
        memcpy(t0, ops->translations[0], sizeof t0);
        memcpy(ops->rotations[0], ops->rotations[id], sizeof r0);
        memcpy(ops->translations[0], ops->translations[id], sizeof t0);
        memcpy(ops->rotations[id], r0, sizeof r0);
        memcpy(ops->translations[id], t0, sizeof t0);
    }
    double recip[3][3];
    LS_TRY_GOTO(status, ls_cell_reciprocal(s->cell, recip), done);
    for (int iop = 0; iop < n_op; iop++) {
        int (*R)[3] = ops->rotations[iop];
        /* S[m][q] = sum_ij A[m][i] R[i][j] A^-1[j][q], A[m][i] = cell[i][m],
         * A^-1[j][q] = recip[j][q] / 2 pi. */
        for (int m = 0; m < 3; m++)
            for (int q = 0; q < 3; q++) {
                double sum = 0;
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++) sum += s->cell[i][m] * R[i][j] * recip[j][q];
                ops->cart_rotations[iop][m][q] = sum / (2.0 * M_PI);
            }
        for (int ja = 0; ja < n; ja++) hits[ja] = 0;
        for (int ia = 0; ia < n; ia++) {
            double f[3];
            for (int i = 0; i < 3; i++)
                f[i] = R[i][0] * c.frac[ia][0] + R[i][1] * c.frac[ia][1] + R[i][2] * c.frac[ia][2] +
                       ops->translations[iop][i];
            int best = -1;
            double best_d = INFINITY;
            for (int ja = 0; ja < n; ja++) {
                if (c.types[ja] != c.types[ia]) continue;
                double d[3], r[3];
                for (int k = 0; k < 3; k++) d[k] = f[k] - c.frac[ja][k] - round(f[k] - c.frac[ja][k]);
                for (int k = 0; k < 3; k++) r[k] = d[0] * s->cell[0][k] + d[1] * s->cell[1][k] + d[2] * s->cell[2][k];
                double dist = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
                if (dist < best_d) {
                    best_d = dist;
                    best = ja;
                }
            }
            if (best < 0 || best_d > 2 * symprec_bohr)
                LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "symmetry operation %d moves atom %d (%s) %.3g Å "
                              "away from any atom of its species, more than twice the tolerance %.3g Å: "
                              "the tolerance is at the edge of a symmetry; change it", iop + 1, ia + 1,
                              s->species[ia], best_d * LS_BOHR_ANGSTROM, symprec_bohr * LS_BOHR_ANGSTROM);
            ops->atom_map[(size_t)iop * n + ia] = best;
            hits[best]++;
        }
        for (int ja = 0; ja < n; ja++)
            if (hits[ja] != 1)
                LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "symmetry operation %d maps %d atoms onto atom %d "
                              "(%s): the tolerance %.3g Å is too large for this structure", iop + 1, hits[ja],
                              ja + 1, s->species[ja], symprec_bohr * LS_BOHR_ANGSTROM);
    }
    *out = ops;
    ops = NULL;
done:
    free(hits);
    ls_symops_destroy(ops);
    spg_free_dataset(ds);
    spg_cell_free(&c);
    return status;
}

/* A new structure from a spglib lattice (columns), fractional positions and per-atom
 * source atoms (species, z, moment taken from s). */
static int structure_from_spg(const ls_structure *s, const double lattice[3][3], int n,
                              const double (*frac)[3], const int *src_atom, ls_structure **out)
{
    ls_structure *p = NULL;
    LS_TRY(ls_structure_create(n, &p));
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) p->cell[i][k] = lattice[k][i]; /* columns -> rows */
    int status = LS_OK;
    if (s->magmom) LS_TRY_GOTO(status, ls_structure_alloc_magmom(p), fail);
    double (*wrapped)[3] = malloc((size_t)(n > 0 ? n : 1) * sizeof *wrapped);
    if (wrapped == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
    for (int ia = 0; ia < n; ia++) {
        int src = src_atom[ia];
        memcpy(p->species[ia], s->species[src], sizeof p->species[ia]);
        p->z[ia] = s->z[src];
        if (s->magmom) p->magmom[ia] = s->magmom[src];
        for (int k = 0; k < 3; k++) wrapped[ia][k] = wrap01(frac[ia][k]);
    }
    ls_structure_set_frac(p, (const double(*)[3])wrapped);
    free(wrapped);
    *out = p;
    return LS_OK;
fail:
    ls_structure_destroy(p);
    return status;
}

int ls_structure_primitive(const ls_structure *s, double symprec_bohr, ls_structure **out)
{
    *out = NULL;
    symprec_bohr = default_symprec(symprec_bohr);
    struct spg_cell c;
    SpglibDataset *ds = NULL;
    LS_TRY(dataset_get(s, symprec_bohr, &c, &ds));
    int status = LS_OK, n = s->n_atom, n_prim = 0;
    double (*frac)[3] = NULL;
    int *src = NULL;
    for (int ia = 0; ia < n; ia++)
        if (ds->mapping_to_primitive[ia] + 1 > n_prim) n_prim = ds->mapping_to_primitive[ia] + 1;
    frac = malloc((size_t)n_prim * sizeof *frac);
    src = malloc((size_t)n_prim * sizeof *src);
    if (!frac || !src) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int ip = 0; ip < n_prim; ip++) src[ip] = -1;
    for (int ia = 0; ia < n; ia++)
        if (src[ds->mapping_to_primitive[ia]] < 0) src[ds->mapping_to_primitive[ia]] = ia;
    /* Fractional coordinates in the primitive lattice: solve P f = r (P columns). */
    double prim_rows[3][3], recip[3][3];
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) prim_rows[i][k] = ds->primitive_lattice[k][i];
    LS_TRY_GOTO(status, ls_cell_reciprocal(prim_rows, recip), done);
    for (int ip = 0; ip < n_prim; ip++) {
        if (src[ip] < 0) LS_ERROR_GOTO(status, LS_ERR_INTERNAL, done, "primitive atom %d has no source atom", ip + 1);
        const double *r = s->pos[src[ip]];
        for (int i = 0; i < 3; i++)
            frac[ip][i] = (r[0] * recip[i][0] + r[1] * recip[i][1] + r[2] * recip[i][2]) / (2.0 * M_PI);
    }
    status = structure_from_spg(s, ds->primitive_lattice, n_prim, (const double(*)[3])frac, src, out);
done:
    free(frac);
    free(src);
    spg_free_dataset(ds);
    spg_cell_free(&c);
    return status;
}

int ls_structure_conventional(const ls_structure *s, double symprec_bohr, ls_structure **out)
{
    *out = NULL;
    symprec_bohr = default_symprec(symprec_bohr);
    struct spg_cell c;
    SpglibDataset *ds = NULL;
    LS_TRY(dataset_get(s, symprec_bohr, &c, &ds));
    int status = LS_OK;
    int *src = malloc((size_t)ds->n_std_atoms * sizeof *src);
    if (src == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int js = 0; js < ds->n_std_atoms; js++) {
        int t = ds->std_types[js];
        if (t < 1 || t > c.n_type) LS_ERROR_GOTO(status, LS_ERR_INTERNAL, done, "spglib returned type %d", t);
        src[js] = c.type_atom[t - 1];
    }
    status = structure_from_spg(s, ds->std_lattice, ds->n_std_atoms, (const double(*)[3])ds->std_positions, src, out);
done:
    free(src);
    spg_free_dataset(ds);
    spg_cell_free(&c);
    return status;
}

const char *ls_symmetry_library_version(void)
{
    static _Thread_local char buf[32];
    snprintf(buf, sizeof buf, "%d.%d.%d", spg_get_major_version(), spg_get_minor_version(),
             spg_get_micro_version());
    return buf;
}
