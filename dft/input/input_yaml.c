/* Lodestone's own YAML input for `lodestone scf` (the schema is documented in
 * docs/yaml-input.md).  Read through common/config.h, so every error names the file, the
 * line and the key.  Every dimensioned quantity carries its unit ("90 Ry", "0.02 Ry",
 * "0.15 1/angstrom"); a bare number is refused rather than guessed.  Defaults follow
 * pw.x (fixed occupations, no spin) and DFTK (k-point spacing 2 pi x 0.022 1/bohr), with the
 * cutoff from the pseudopotentials' hints (HINTS.tsv), and the pseudopotentials from the
 * library inputs/pseudo/pd04-pbe-sr/.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "common/config.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/basis/grid.h"
#include "dft/basis/kpoints.h"
#include "dft/dft.h"
#include "dft/input/species.h"
#include "dft/pseudo/pseudo.h"
#include "dft/pseudo/pseudo_hints.h"
#include "dft/scf/mixer.h"
#include "dft/terms/xc.h"

static const char *const top_keys[] = {"structure", "cell", "functional", "pseudopotentials", "ecut", "ecut_rho",
                                       "kpoints", "occupations", "smearing", "spin", "scf", "fft_grid", "bands",
                                       "charge", "symmetry", "forces", "stress", NULL};
static const char *const cell_keys[] = {"lattice", "units", "species", "positions", "coordinates", NULL};
static const char *const kpoint_keys[] = {"mesh", "shift", "spacing", NULL};
static const char *const smearing_keys[] = {"type", "width", NULL};
static const char *const spin_keys[] = {"polarized", "starting_magnetization", "noncollinear", "spin_orbit", "direction",
                                        "total_magnetization", "constraint", NULL};
static const char *const constraint_keys[] = {"type", "lambda", NULL};
static const char *const scf_keys[] = {"conv_thr", "max_iter", "mixing_beta", "mixing_history", NULL};

/* Accepted smearing names; the canonical registry name for each (dft/scf/smearing.h). */
static const char *const smearing_names[] = {"marzari-vanderbilt", "cold", "mv", "methfessel-paxton", "mp",
                                             "gaussian", "fermi-dirac", "fd", NULL};
static const char *const smearing_canonical[] = {"marzari-vanderbilt", "marzari-vanderbilt", "marzari-vanderbilt",
                                                 "methfessel-paxton", "methfessel-paxton", "gaussian",
                                                 "fermi-dirac", "fermi-dirac"};

struct yaml_state {
    ls_config *cfg;
    dft_params *p;
    char dir[4096]; /* folder of the YAML file, for relative paths */
    double z_valence[DFT_MAX_SPECIES]; /* of each species' pseudopotential */
    double n_electrons;                /* valence electrons less the charge (read_misc) */
};

/* Put "FILE:LINE: key 'PATH': " before the current error message (a library check's). */
static int prefix_key(const struct yaml_state *st, const char *path, int status)
{
    int line = ls_config_line(st->cfg, path);
    ls_error_prefix("%s:%d: key '%s': ", ls_config_name(st->cfg), line > 0 ? line : 1, path);
    return status;
}

/* "FILE:LINE: key 'PATH': message", the format of common/config.c. */
static int key_error(const struct yaml_state *st, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int key_error(const struct yaml_state *st, const char *path, const char *fmt, ...)
{
    char msg[LS_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = ls_config_line(st->cfg, path);
    return ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%s:%d: key '%s': %s", ls_config_name(st->cfg),
                        line > 0 ? line : 1, path, msg);
}

/* A path relative to the YAML file's folder (absolute paths are kept). */
static int resolve(const struct yaml_state *st, const char *key, const char *rel, char *out, size_t n)
{
    int len = rel[0] == '/' || strcmp(st->dir, ".") == 0 ? snprintf(out, n, "%s", rel)
                                                         : snprintf(out, n, "%s/%s", st->dir, rel);
    if (len < 0 || (size_t)len >= n) return key_error(st, key, "path too long (at most %zu characters)", n - 1);
    return LS_OK;
}

/* A quantity that must carry its unit; *given = 0 (and *out untouched) when absent. */
static int get_unit_quantity(const struct yaml_state *st, const char *path, enum ls_dimension dim,
                             const char *example, double *out, int *given)
{
    *given = 0;
    if (!ls_config_has(st->cfg, path)) return LS_OK;
    const char *text;
    LS_TRY(ls_config_get_string(st->cfg, path, &text));
    double plain;
    if (ls_parse_double(text, &plain) == 0)
        return key_error(st, path, "'%s' has no unit: write the unit after the number, e.g. '%s'", text, example);
    LS_TRY(ls_config_get_quantity(st->cfg, path, dim, NULL, out));
    *given = 1;
    return LS_OK;
}

/* Number of items of the sequence at `path` (0 if absent). */
static int count_items(const struct yaml_state *st, const char *path)
{
    int n = 0;
    char item[512];
    for (;; n++) {
        snprintf(item, sizeof item, "%s/%d", path, n);
        if (!ls_config_has(st->cfg, item)) return n;
    }
}

/* cell: {lattice, units, species, positions, coordinates} */
static int read_inline_cell(struct yaml_state *st, ls_structure **out)
{
    const ls_config *c = st->cfg;
    *out = NULL;
    LS_TRY(ls_config_check_keys(c, "cell", cell_keys));
    const char *units;
    LS_TRY(ls_config_get_string(c, "cell/units", &units));
    double f;
    if (ls_unit_factor(LS_DIM_LENGTH, units, &f) != LS_OK) {
        ls_error_prefix("%s:%d: key 'cell/units': ", ls_config_name(c), ls_config_line(c, "cell/units"));
        return LS_ERR_INPUT;
    }
    static const char *const coord_names[] = {"fractional", "cartesian", NULL};
    int cartesian;
    LS_TRY(ls_config_get_enum(c, "cell/coordinates", coord_names, &cartesian));
    if (!ls_config_has(c, "cell/lattice"))
        return key_error(st, "cell", "the lattice is missing: add 'lattice: [[ax, ay, az], [bx, by, bz], [cx, cy, cz]]'");
    if (count_items(st, "cell/lattice") != 3)
        return key_error(st, "cell/lattice", "expected 3 lattice vectors (rows), found %d", count_items(st, "cell/lattice"));
    int n_atom = count_items(st, "cell/species");
    int n_pos = count_items(st, "cell/positions");
    if (n_atom < 1) return key_error(st, "cell/species", "expected a list of species, one per atom, e.g. [Si, Si]");
    if (n_pos != n_atom)
        return key_error(st, "cell/positions", "%d positions for %d species: give one position per atom", n_pos, n_atom);
    ls_structure *s = NULL;
    LS_TRY(ls_structure_create(n_atom, &s));
    int status = LS_OK;
    char path[512];
    for (int i = 0; i < 3; i++) {
        int n;
        snprintf(path, sizeof path, "cell/lattice/%d", i);
        LS_TRY_GOTO(status, ls_config_get_doubles(c, path, LS_DIM_LENGTH, units, 3, 3, s->cell[i], &n), fail);
    }
    for (int a = 0; a < n_atom; a++) {
        const char *label;
        snprintf(path, sizeof path, "cell/species/%d", a);
        LS_TRY_GOTO(status, ls_config_get_string(c, path, &label), fail);
        if (strlen(label) >= LS_LABEL_MAX || ls_structure_set_species(s, a, label) != LS_OK) {
            ls_error_clear();
            status = key_error(st, path, "'%s' is not an element symbol or a label starting with one (Fe, Fe1)", label);
            goto fail;
        }
        double x[3];
        int n;
        snprintf(path, sizeof path, "cell/positions/%d", a);
        LS_TRY_GOTO(status, ls_config_get_doubles(c, path, cartesian ? LS_DIM_LENGTH : LS_DIM_NONE, cartesian ? units : NULL,
                                                  3, 3, x, &n), fail);
        if (cartesian) memcpy(s->pos[a], x, sizeof x);
        else
            for (int k = 0; k < 3; k++) s->pos[a][k] = x[0] * s->cell[0][k] + x[1] * s->cell[1][k] + x[2] * s->cell[2][k];
    }
    char where[4200];
    snprintf(where, sizeof where, "%s:%d: cell", ls_config_name(c), ls_config_line(c, "cell"));
    LS_TRY_GOTO(status, ls_structure_check(s, LS_IO_MIN_DISTANCE_A * LS_ANGSTROM_BOHR, where), fail);
    *out = s;
    return LS_OK;
fail:
    ls_structure_destroy(s);
    return status;
}

static int read_structure(struct yaml_state *st)
{
    const ls_config *c = st->cfg;
    int has_file = ls_config_has(c, "structure"), has_cell = ls_config_has(c, "cell");
    if (has_file && has_cell)
        return key_error(st, "cell", "give the structure either as a file ('structure: FILE') or inline ('cell: ...'), not both");
    if (!has_file && !has_cell)
        LS_ERROR(LS_ERR_INPUT, "%s:1: no structure: add 'structure: FILE' (POSCAR, extended XYZ, XSF or CIF, relative "
                 "to this file) or an inline 'cell: {lattice: ..., units: angstrom, species: [...], positions: [...], "
                 "coordinates: fractional}'", ls_config_name(c));
    if (has_cell) return read_inline_cell(st, &st->p->structure);
    const char *file;
    LS_TRY(ls_config_get_string(c, "structure", &file));
    char path[4096];
    LS_TRY(resolve(st, "structure", file, path, sizeof path));
    /* The format from the name, with the fix a YAML file needs (not the command line's --from). */
    enum ls_format format = LS_FORMAT_AUTO;
    if (ls_format_guess(path, &format) != LS_OK) {
        ls_error_clear();
        return key_error(st, "structure",
                         "cannot tell the format of '%s' from its name: use the extension .vasp/.poscar, "
                         ".xyz/.extxyz, .xsf or .cif, or name it POSCAR/CONTCAR",
                         file);
    }
    int status = ls_structure_read(path, format, &st->p->structure);
    if (status != LS_OK) ls_error_prefix("%s:%d: key 'structure': ", ls_config_name(c), ls_config_line(c, "structure"));
    return status;
}

/* Species: the distinct labels of the atoms in order of first appearance. */
static int collect_species(struct yaml_state *st)
{
    return dft_species_collect(st->p, ls_config_name(st->cfg));
}

/* NULL-terminated list of the species labels, for ls_config_check_keys. */
static void species_list(const dft_params *p, const char *list[DFT_MAX_SPECIES + 1])
{
    for (int k = 0; k < p->n_species; k++) list[k] = p->species[k].label;
    list[p->n_species] = NULL;
}

/* Read species k's pseudopotential (so that a broken file is reported here, with the line of
 * the key that names it, or line 1 for a default one) and keep its valence charge. */
static int read_valence(struct yaml_state *st, int k, const char *key)
{
    dft_pseudo *ps = NULL;
    int status = dft_pseudo_read(st->p->species[k].pseudo, &ps);
    if (status == LS_OK) st->z_valence[k] = ps->z_valence;
    dft_pseudo_destroy(ps);
    if (status == LS_OK) return LS_OK;
    if (key[0]) return prefix_key(st, key, status);
    ls_error_prefix("%s:1: the default pseudopotential of species '%s': ", ls_config_name(st->cfg), st->p->species[k].label);
    return status;
}

static int read_pseudopotentials(struct yaml_state *st)
{
    dft_params *p = st->p;
    const char *labels[DFT_MAX_SPECIES + 1];
    species_list(p, labels);
    LS_TRY(ls_config_check_keys(st->cfg, "pseudopotentials", labels)); /* keys are the structure's species */
    for (int k = 0; k < p->n_species; k++) {
        struct dft_species *sp = &p->species[k];
        char key[128];
        snprintf(key, sizeof key, "pseudopotentials/%s", sp->label);
        const char *file = NULL;
        LS_TRY(ls_config_opt_string(st->cfg, key, NULL, &file));
        if (file) {
            LS_TRY(resolve(st, key, file, sp->pseudo, sizeof sp->pseudo));
            /* A GTH entry is FILE:ELEMENT:NAME: check the FILE part. */
            char only_file[4096];
            snprintf(only_file, sizeof only_file, "%s", sp->pseudo);
            char *colon = strchr(only_file + (strlen(sp->pseudo) - strlen(file)), ':');
            if (colon && access(sp->pseudo, R_OK) != 0) *colon = '\0';
            if (access(only_file, R_OK) != 0)
                return key_error(st, key, "cannot read the pseudopotential file '%s' (paths are relative to this input file)",
                                 only_file);
            LS_TRY(read_valence(st, k, key));
            continue;
        }
        const char *element = ls_element_symbol(ls_element_z_from_label(sp->label));
        int so = 0; /* spin-orbit: the fully relativistic library (issue 18) */
        if (ls_config_opt_bool(st->cfg, "spin/spin_orbit", 0, &so) != LS_OK) ls_error_clear(); /* read_spin reports it */
        if ((so ? dft_default_pseudo_fr(element, sp->pseudo, sizeof sp->pseudo)
                : dft_default_pseudo(element, sp->pseudo, sizeof sp->pseudo)) != LS_OK) {
            char why[LS_ERROR_MESSAGE_MAX];
            snprintf(why, sizeof why, "%s", ls_error_message());
            int line = ls_config_line(st->cfg, "pseudopotentials");
            LS_ERROR(LS_ERR_INPUT, "%s:%d: species '%s' has no pseudopotential: add 'pseudopotentials: {%s: FILE.upf}' (%s)",
                     ls_config_name(st->cfg), line > 0 ? line : 1, sp->label, sp->label, why);
        }
        LS_TRY(read_valence(st, k, ls_config_has(st->cfg, "pseudopotentials") ? "pseudopotentials" : ""));
    }
    return LS_OK;
}

static int read_functional(struct yaml_state *st)
{
    const char *name = NULL;
    LS_TRY(ls_config_opt_string(st->cfg, "functional", NULL, &name));
    if (name == NULL) return LS_OK;
    if (strlen(name) >= sizeof st->p->functional) return key_error(st, "functional", "name too long");
    dft_xc *xc = NULL;
    if (dft_xc_create(name, 1, &xc) != LS_OK) {
        char why[LS_ERROR_MESSAGE_MAX];
        snprintf(why, sizeof why, "%s", ls_error_message());
        return key_error(st, "functional", "%s", why);
    }
    dft_xc_destroy(xc);
    snprintf(st->p->functional, sizeof st->p->functional, "%s", name);
    return LS_OK;
}

/* ecut, ecut_rho; without ecut the largest 'normal' hint of the species. */
static int read_cutoffs(struct yaml_state *st)
{
    dft_params *p = st->p;
    int given;
    LS_TRY(get_unit_quantity(st, "ecut", LS_DIM_ENERGY, "90 Ry", &p->ecut_wfc, &given));
    if (given && !(p->ecut_wfc > 0)) return key_error(st, "ecut", "the cutoff must be positive (e.g. 'ecut: 90 Ry')");
    if (given) {
        dft_cutoff_hints_warn(p);
    } else {
        int from = 0, missing = -1;
        LS_TRY(dft_species_ecut_hint(p, 1, &p->ecut_wfc, &from, &missing));
        if (missing >= 0) {
            const struct dft_species *sp = &p->species[missing];
            LS_ERROR(LS_ERR_INPUT, "%s:1: no 'ecut' and no cutoff hint for species '%s' (no HINTS.tsv row for %s beside "
                     "%s): add the cutoff, e.g. 'ecut: 80 Ry'", ls_config_name(st->cfg), sp->label,
                     ls_element_symbol(ls_element_z_from_label(sp->label)), sp->pseudo);
        }
        ls_log_info("%s: ecut %.6g Ry, the 'normal' cutoff hint of the pseudopotential for %s", ls_config_name(st->cfg),
                    p->ecut_wfc * LS_HARTREE_RY, p->species[from].label);
    }
    LS_TRY(get_unit_quantity(st, "ecut_rho", LS_DIM_ENERGY, "360 Ry", &p->ecut_rho, &given));
    if (given && p->ecut_rho < 4.0 * p->ecut_wfc * (1 - 1e-12))
        return key_error(st, "ecut_rho", "the density cutoff (%.6g Ry) must be at least 4 times ecut (%.6g Ry) for "
                         "norm-conserving pseudopotentials", p->ecut_rho * LS_HARTREE_RY, p->ecut_wfc * LS_HARTREE_RY);
    if (!given) p->ecut_rho = 4.0 * p->ecut_wfc;
    int n[3];
    int status = dft_grid_good_size(p->structure->cell, p->ecut_rho, n);
    if (status == LS_OK) status = dft_grid_check_dims(n);
    if (status != LS_OK) return prefix_key(st, given ? "ecut_rho" : "ecut", status);
    return LS_OK;
}

static int read_kpoints(struct yaml_state *st)
{
    dft_params *p = st->p;
    const ls_config *c = st->cfg;
    LS_TRY(ls_config_check_keys(c, "kpoints", kpoint_keys));
    int has_mesh = ls_config_has(c, "kpoints/mesh"), has_spacing = ls_config_has(c, "kpoints/spacing");
    if (ls_config_has(c, "kpoints") && !has_mesh && !has_spacing)
        return key_error(st, "kpoints", "give 'mesh: [n1, n2, n3]' or 'spacing: 0.15 1/angstrom'");
    if (has_mesh && has_spacing) return key_error(st, "kpoints/spacing", "give 'mesh' or 'spacing', not both");
    int n;
    if (has_mesh) {
        LS_TRY(ls_config_get_ints(c, "kpoints/mesh", 3, 3, p->kmesh, &n));
        for (int k = 0; k < 3; k++)
            if (p->kmesh[k] < 1) return key_error(st, "kpoints/mesh", "divisions must be at least 1, found %d", p->kmesh[k]);
        if (!((double)p->kmesh[0] * p->kmesh[1] * p->kmesh[2] <= DFT_KPOINTS_MAX_MESH))
            return key_error(st, "kpoints/mesh", "a %d x %d x %d mesh has more than the limit of %d points", p->kmesh[0],
                             p->kmesh[1], p->kmesh[2], DFT_KPOINTS_MAX_MESH);
        p->kspacing = 0;
    } else if (has_spacing) {
        int given;
        LS_TRY(get_unit_quantity(st, "kpoints/spacing", LS_DIM_INVLENGTH, "0.15 1/angstrom", &p->kspacing, &given));
        if (!(p->kspacing > 0)) return key_error(st, "kpoints/spacing", "the spacing must be positive");
        double recip[3][3];
        int mesh[3];
        int status = ls_cell_reciprocal(p->structure->cell, recip);
        if (status == LS_OK) status = dft_kpoints_mesh_from_spacing(recip, p->kspacing, mesh);
        if (status != LS_OK) return prefix_key(st, "kpoints/spacing", status);
    } else {
        p->kspacing = DFT_DEFAULT_KSPACING;
        ls_log_info("%s: no 'kpoints': Monkhorst-Pack mesh with a spacing of %.4f 1/angstrom (DFTK's default)",
                    ls_config_name(c), p->kspacing / LS_ANGSTROM_BOHR);
    }
    p->kshift[0] = p->kshift[1] = p->kshift[2] = 0;
    if (ls_config_has(c, "kpoints/shift")) {
        LS_TRY(ls_config_get_ints(c, "kpoints/shift", 3, 3, p->kshift, &n));
        for (int k = 0; k < 3; k++)
            if (p->kshift[k] != 0 && p->kshift[k] != 1)
                return key_error(st, "kpoints/shift", "shifts are 0 (mesh through Gamma) or 1 (half a step), found %d", p->kshift[k]);
    }
    return LS_OK;
}

static int read_occupations(struct yaml_state *st)
{
    dft_params *p = st->p;
    const ls_config *c = st->cfg;
    static const char *const occ_names[] = {"fixed", "smearing", NULL};
    int occ = ls_config_has(c, "smearing") ? DFT_OCC_SMEARING : DFT_OCC_FIXED;
    int has_occ = ls_config_has(c, "occupations");
    LS_TRY(ls_config_opt_enum(c, "occupations", occ_names, occ, &occ));
    if (has_occ && occ == DFT_OCC_FIXED && ls_config_has(c, "smearing"))
        return key_error(st, "occupations", "'fixed' contradicts the 'smearing' entry: remove one of them");
    p->occupations = occ == DFT_OCC_SMEARING ? DFT_OCC_SMEARING : DFT_OCC_FIXED;
    if (p->occupations == DFT_OCC_FIXED) return LS_OK;
    if (!ls_config_has(c, "smearing"))
        return key_error(st, "occupations", "smearing needs 'smearing: {type: marzari-vanderbilt, width: 0.01 Ry}'");
    LS_TRY(ls_config_check_keys(c, "smearing", smearing_keys));
    int type;
    LS_TRY(ls_config_get_enum(c, "smearing/type", smearing_names, &type));
    snprintf(p->smearing, sizeof p->smearing, "%s", smearing_canonical[type]);
    int given;
    LS_TRY(get_unit_quantity(st, "smearing/width", LS_DIM_ENERGY, "0.01 Ry", &p->smearing_width, &given));
    if (!given) return key_error(st, "smearing", "the width is missing: add 'width: 0.01 Ry'");
    if (!(p->smearing_width > 0)) return key_error(st, "smearing/width", "the width must be positive");
    return LS_OK;
}

/* Noncollinear magnetism (issue 18): spin/noncollinear, spin_orbit, direction (a Cartesian vector
 * per species, the starting moment's direction), total_magnetization (muB per cell, a fixed spin
 * moment), constraint {type: atomic | atomic-direction, lambda: ENERGY}. */
static int read_spin_magnetism(struct yaml_state *st, int *noncolin)
{
    dft_params *p = st->p;
    const ls_config *c = st->cfg;
    LS_TRY(ls_config_opt_bool(c, "spin/noncollinear", 0, &p->noncolin));
    LS_TRY(ls_config_opt_bool(c, "spin/spin_orbit", 0, &p->spinorbit));
    p->line_noncolin = ls_config_line(c, "spin/noncollinear");
    p->line_lspinorb = ls_config_line(c, "spin/spin_orbit");
    if (p->spinorbit && !p->noncolin)
        return key_error(st, "spin/spin_orbit", "needs 'noncollinear: true' (spin-orbit coupling mixes the spins)");
    *noncolin = p->noncolin;
    if (ls_config_has(c, "spin/direction")) {
        if (!p->noncolin) return key_error(st, "spin/direction", "is for noncollinear calculations ('noncollinear: true')");
        const char *labels[DFT_MAX_SPECIES + 1];
        species_list(p, labels);
        LS_TRY(ls_config_check_keys(c, "spin/direction", labels));
        for (int k = 0; k < p->n_species; k++) {
            char key[128];
            double v[3];
            int n;
            snprintf(key, sizeof key, "spin/direction/%s", p->species[k].label);
            if (!ls_config_has(c, key)) continue;
            LS_TRY(ls_config_get_doubles(c, key, LS_DIM_NONE, NULL, 3, 3, v, &n));
            double r = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            if (!(r > 0)) return key_error(st, key, "the direction [x, y, z] must not be zero");
            p->angle1_deg[k] = acos(fmax(-1.0, fmin(1.0, v[2] / r))) * 180.0 / M_PI;
            p->angle2_deg[k] = atan2(v[1], v[0]) * 180.0 / M_PI;
        }
    }
    if (ls_config_has(c, "spin/total_magnetization")) {
        LS_TRY(ls_config_get_double(c, "spin/total_magnetization", &p->tot_magnetization));
        if (p->tot_magnetization < 0)
            return key_error(st, "spin/total_magnetization", "%g: the fixed moment (muB per cell) must not be negative",
                             p->tot_magnetization);
        p->has_tot_magnetization = 1;
        p->line_tot_magnetization = ls_config_line(c, "spin/total_magnetization");
    }
    if (ls_config_has(c, "spin/constraint")) {
        static const char *const kinds[] = {"atomic", "atomic-direction", NULL};
        int kind;
        if (!p->noncolin) return key_error(st, "spin/constraint", "is for noncollinear calculations ('noncollinear: true')");
        LS_TRY(ls_config_check_keys(c, "spin/constraint", constraint_keys));
        LS_TRY(ls_config_get_enum(c, "spin/constraint/type", kinds, &kind));
        p->mag_constraint = kind == 0 ? DFT_MAG_CONSTRAINT_ATOMIC : DFT_MAG_CONSTRAINT_ATOMIC_DIRECTION;
        LS_TRY(ls_config_opt_quantity(c, "spin/constraint/lambda", LS_DIM_ENERGY, NULL, 0.5, &p->mag_lambda));
        if (p->mag_lambda < 0) return key_error(st, "spin/constraint/lambda", "must not be negative");
    }
    return LS_OK;
}

static int read_spin(struct yaml_state *st)
{
    dft_params *p = st->p;
    const ls_config *c = st->cfg;
    LS_TRY(ls_config_check_keys(c, "spin", spin_keys));
    int has_start = ls_config_has(c, "spin/starting_magnetization"), noncolin = 0;
    LS_TRY(read_spin_magnetism(st, &noncolin));
    int polarized;
    LS_TRY(ls_config_opt_bool(c, "spin/polarized", has_start && !noncolin, &polarized));
    if (noncolin && polarized)
        return key_error(st, "spin/polarized", "a noncollinear calculation has one channel of spinors: remove "
                         "'polarized' (collinear spin) or 'noncollinear'");
    if (p->has_tot_magnetization && !noncolin && !polarized)
        return key_error(st, "spin/total_magnetization", "needs a spin-polarised or noncollinear calculation");
    p->n_spin = polarized ? 2 : 1;
    if (noncolin) polarized = 1; /* for the checks of starting_magnetization below */
    if (!has_start) {
        if (polarized && !noncolin)
            ls_log_warn("%s: spin-polarised without 'starting_magnetization': the SCF starts, and will likely stay, "
                        "non-magnetic", ls_config_name(c));
        return LS_OK;
    }
    if (!polarized)
        return key_error(st, "spin/starting_magnetization", "given with 'polarized: false': remove it or set 'polarized: true'");
    const char *labels[DFT_MAX_SPECIES + 1];
    species_list(p, labels);
    LS_TRY(ls_config_check_keys(c, "spin/starting_magnetization", labels));
    for (int k = 0; k < p->n_species; k++) {
        char key[128];
        snprintf(key, sizeof key, "spin/starting_magnetization/%s", p->species[k].label);
        double m;
        LS_TRY(ls_config_opt_double(c, key, 0.0, &m));
        if (m < -1 || m > 1)
            return key_error(st, key, "%g is out of range: the starting magnetisation is a fraction of the valence charge, "
                             "-1 to 1 (as pw.x)", m);
        p->species[k].starting_magnetization = m;
    }
    return LS_OK;
}

static int read_scf(struct yaml_state *st)
{
    dft_params *p = st->p;
    const ls_config *c = st->cfg;
    LS_TRY(ls_config_check_keys(c, "scf", scf_keys));
    int given;
    double thr;
    LS_TRY(get_unit_quantity(st, "scf/conv_thr", LS_DIM_ENERGY, "1e-9 Ry", &thr, &given));
    if (given) {
        if (!(thr > 0)) return key_error(st, "scf/conv_thr", "the threshold must be positive");
        p->conv_thr = thr;
    }
    LS_TRY(ls_config_opt_int(c, "scf/max_iter", p->max_iter, &p->max_iter));
    if (p->max_iter < 1) return key_error(st, "scf/max_iter", "at least 1 iteration");
    LS_TRY(ls_config_opt_double(c, "scf/mixing_beta", p->mixing_beta, &p->mixing_beta));
    if (!(p->mixing_beta > 0 && p->mixing_beta <= 1)) return key_error(st, "scf/mixing_beta", "expected a value in (0, 1]");
    LS_TRY(ls_config_opt_int(c, "scf/mixing_history", p->mixing_history, &p->mixing_history));
    if (p->mixing_history < 1 || p->mixing_history > DFT_MIXER_MAX_HISTORY)
        return key_error(st, "scf/mixing_history", "%d steps: expected 1 to %d (pw.x's default is 8)", p->mixing_history,
                         DFT_MIXER_MAX_HISTORY);
    return LS_OK;
}

static int read_misc(struct yaml_state *st)
{
    dft_params *p = st->p;
    const ls_config *c = st->cfg;
    if (ls_config_has(c, "fft_grid")) {
        int n;
        LS_TRY(ls_config_get_ints(c, "fft_grid", 3, 3, p->fft, &n));
        for (int k = 0; k < 3; k++)
            if (p->fft[k] < 1) return key_error(st, "fft_grid", "grid sizes must be positive, found %d", p->fft[k]);
        int status = dft_grid_check_dims(p->fft);
        if (status == LS_OK) status = dft_grid_check_cutoff(p->structure->cell, p->ecut_rho, p->fft);
        if (status != LS_OK) return prefix_key(st, "fft_grid", status);
    }
    LS_TRY(ls_config_opt_int(c, "bands", 0, &p->n_bands));
    if (ls_config_has(c, "bands") && p->n_bands < 1) return key_error(st, "bands", "at least 1 band");
    /* No more bands than plane waves: about Omega k^3 / (6 pi^2) within k = sqrt(2 ecut) (with a
     * margin, the count at a k-point varies). */
    double n_pw = fabs(ls_cell_volume(p->structure->cell)) * pow(2.0 * p->ecut_wfc, 1.5) / (6.0 * M_PI * M_PI);
    if (p->n_bands > 2.0 * n_pw + 100)
        return key_error(st, "bands", "%d bands, but the cutoff gives about %.0f plane waves per k-point: lower the "
                         "number of bands or raise the cutoff", p->n_bands, n_pw);
    LS_TRY(ls_config_opt_double(c, "charge", 0.0, &p->total_charge));
    /* The charge must leave electrons, and may add at most as many as the atoms have. */
    double valence = 0;
    for (int a = 0; a < p->structure->n_atom; a++)
        for (int k = 0; k < p->n_species; k++)
            if (strcmp(p->species[k].label, p->structure->species[a]) == 0) valence += st->z_valence[k];
    if (!(fabs(p->total_charge) < valence))
        return key_error(st, "charge", "%g leaves %g electrons: the pseudopotentials give the atoms %g valence electrons, "
                         "so the charge (the electrons removed) must lie between %g and %g, exclusive",
                         p->total_charge, valence - p->total_charge, valence, -valence, valence);
    st->n_electrons = valence - p->total_charge;
    LS_TRY(ls_config_opt_bool(c, "symmetry", 1, &p->use_symmetry));
    LS_TRY(ls_config_opt_bool(c, "forces", 1, &p->compute_forces));
    LS_TRY(ls_config_opt_bool(c, "stress", 1, &p->compute_stress));
    return LS_OK;
}

/* Noncollinear settings the engine cannot run, refused here with the line (the engine's own
 * checks, dft/scf/magfield.c, come after the pseudopotentials are read and know no line). */
static int check_noncollinear(struct yaml_state *st, double n_electrons)
{
    const dft_params *p = st->p;
    if (!p->noncolin) return LS_OK;
    double m[3] = {0, 0, 0};
    int any = 0;
    for (int a = 0; a < p->structure->n_atom; a++)
        for (int k = 0; k < p->n_species; k++) {
            if (strcmp(p->species[k].label, p->structure->species[a]) != 0) continue;
            double s = p->species[k].starting_magnetization, t = p->angle1_deg[k] * M_PI / 180.0,
                   f = p->angle2_deg[k] * M_PI / 180.0;
            m[0] += s * sin(t) * cos(f);
            m[1] += s * sin(t) * sin(f);
            m[2] += s * cos(t);
            any |= fabs(s) > 1e-6;
            if (p->mag_constraint == DFT_MAG_CONSTRAINT_ATOMIC_DIRECTION && !(fabs(s) > 1e-6))
                return key_error(st, "spin/constraint", "'atomic-direction' holds the direction of every atom's moment, "
                                 "but species '%s' has no starting moment: give it a starting_magnetization", p->species[k].label);
        }
    if (p->has_tot_magnetization) {
        const char *key = "spin/total_magnetization";
        if (p->occupations != DFT_OCC_SMEARING)
            return key_error(st, key, "a fixed moment in a noncollinear calculation needs smearing (it is held by a "
                             "field along it): add 'smearing: {type: marzari-vanderbilt, width: 0.01 Ry}'");
        if (!(sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]) > 1e-8))
            return key_error(st, key, "the fixed moment points along the sum of the starting moments, which %s: give "
                             "spin/starting_magnetization (and spin/direction) that do not cancel",
                             any ? "cancel" : "are all zero");
        if (p->tot_magnetization > n_electrons)
            return key_error(st, key, "%g muB is more than the %g electrons can carry", p->tot_magnetization, n_electrons);
    }
    if (p->mag_constraint != DFT_MAG_CONSTRAINT_NONE && !any)
        return key_error(st, "spin/constraint", "constrains the atoms' moments, but no species has a starting moment: "
                         "give spin/starting_magnetization");
    return LS_OK;
}

int dft_params_read_yaml(const char *path, dft_params *p)
{
    struct yaml_state st;
    memset(&st, 0, sizeof st);
    st.p = p;
    snprintf(p->source, sizeof p->source, "%s", path);
    const char *slash = strrchr(path, '/');
    if (slash == NULL) snprintf(st.dir, sizeof st.dir, ".");
    else if (slash == path) snprintf(st.dir, sizeof st.dir, "/");
    else snprintf(st.dir, sizeof st.dir, "%.*s", (int)(slash - path), path);

    LS_TRY(ls_config_load(path, &st.cfg));
    int status = LS_OK;
    LS_TRY_GOTO(status, ls_config_check_keys(st.cfg, "", top_keys), done);
    LS_TRY_GOTO(status, read_structure(&st), done);
    LS_TRY_GOTO(status, collect_species(&st), done);
    LS_TRY_GOTO(status, read_pseudopotentials(&st), done);
    LS_TRY_GOTO(status, read_functional(&st), done);
    LS_TRY_GOTO(status, read_cutoffs(&st), done);
    LS_TRY_GOTO(status, read_kpoints(&st), done);
    LS_TRY_GOTO(status, read_occupations(&st), done);
    LS_TRY_GOTO(status, read_spin(&st), done);
    LS_TRY_GOTO(status, read_scf(&st), done);
    LS_TRY_GOTO(status, read_misc(&st), done);
    LS_TRY_GOTO(status, check_noncollinear(&st, st.n_electrons), done);
done:
    ls_config_destroy(st.cfg);
    return status;
}
