/* DFT parameters for a bare structure (dft_params_from_structure in dft/dft.h): what the YAML
 * input applies (dft/input/input_yaml.c, docs/yaml-input.md), from a protocol instead of a file,
 * for callers that build structures in memory (the campaign, tests, the Python interface).
 *
 * Starting moments are given in Bohr magnetons, per element or per atom, and become pw.x's
 * starting_magnetization of each species: the fraction m / Z_val of the species' valence charge
 * (Z_val from its pseudopotential), as ASE's Espresso calculator converts its initial magnetic
 * moments.  pw.x gives moments to species, not atoms: atoms of one label with different moments
 * (an antiferromagnetic order) become distinct species, "Fe1" and "Fe2", with the same
 * pseudopotential, as a pw.x user writes them.  dft_params_starting_moments reads back the moment
 * of every atom from the parameters (what the engine will actually start from).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/log.h"
#include "common/units.h"
#include "dft/dft.h"
#include "dft/input/species.h"
#include "dft/pseudo/pseudo.h"
#include "dft/pseudo/pseudo_hints.h"
#include "dft/scf/smearing.h"

int dft_species_collect(dft_params *p, const char *source)
{
    const ls_structure *s = p->structure;
    p->n_species = 0;
    for (int a = 0; a < s->n_atom; a++) {
        int known = 0;
        for (int k = 0; k < p->n_species && !known; k++) known = strcmp(p->species[k].label, s->species[a]) == 0;
        if (known) continue;
        if (p->n_species == DFT_MAX_SPECIES)
            LS_ERROR(LS_ERR_INPUT, "%s: more than %d species in the structure", source, DFT_MAX_SPECIES);
        snprintf(p->species[p->n_species].label, sizeof p->species[0].label, "%s", s->species[a]);
        p->n_species++;
    }
    return LS_OK;
}

int dft_species_ecut_hint(const dft_params *p, int which, double *ecut, int *from, int *missing)
{
    double best = 0;
    *from = 0;
    *missing = -1;
    for (int k = 0; k < p->n_species; k++) {
        const struct dft_species *sp = &p->species[k];
        struct dft_cutoff_hints h;
        LS_TRY(dft_cutoff_hints_find(sp->pseudo, ls_element_symbol(ls_element_z_from_label(sp->label)), &h));
        if (!h.found) {
            *missing = k;
            return LS_OK;
        }
        const double v = which == 0 ? h.low : which == 2 ? h.high : h.normal;
        if (v > best) {
            best = v;
            *from = k;
        }
    }
    *ecut = best;
    return LS_OK;
}

void dft_protocol_default(struct dft_protocol *proto)
{
    memset(proto, 0, sizeof *proto);
    proto->cutoff_hint = DFT_HINT_NORMAL;
}

/* The valence charge of a pseudopotential (its file read once). */
static int valence_of(const char *pseudo, double *z_val)
{
    dft_pseudo *ps = NULL;
    LS_TRY(dft_pseudo_read(pseudo, &ps));
    *z_val = ps->z_valence;
    dft_pseudo_destroy(ps);
    return LS_OK;
}

/* The starting moment of atom a (muB): per atom, else its element's, else 0. */
static double moment_of(const struct dft_protocol *proto, const ls_structure *s, int a)
{
    if (proto->atom_moments_mub) return proto->atom_moments_mub[a];
    const char *el = ls_element_symbol(s->z[a]);
    for (int k = 0; k < proto->n_element_moments; k++)
        if (strcmp(proto->element_moments[k].element, el) == 0) return proto->element_moments[k].moment_mub;
    return 0.0;
}

/* Labels: atoms of one label with different moments get distinct labels ("Fe" -> "Fe1", "Fe2";
 * "Fe1" -> "Fe1_1", "Fe1_2"), numbered in order of first appearance, none equal to another label
 * of the structure. */
static int split_labels(ls_structure *s, const double *moment)
{
    ls_label *orig = NULL;
    int n = s->n_atom, status = LS_OK;
    orig = malloc((size_t)n * sizeof *orig);
    if (orig == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    memcpy(orig, s->species, (size_t)n * sizeof *orig);
    for (int a = 0; a < n && status == LS_OK; a++) {
        int first = 1, several = 0;
        for (int b = 0; b < a; b++) first &= strcmp(orig[b], orig[a]) != 0;
        if (!first) continue;
        for (int b = a + 1; b < n; b++) several |= strcmp(orig[b], orig[a]) == 0 && moment[b] != moment[a];
        if (!several) continue;
        /* The distinct moments of this label, in order of first appearance, each a new label. */
        const size_t len = strlen(orig[a]);
        const int digit = len > 0 && orig[a][len - 1] >= '0' && orig[a][len - 1] <= '9';
        int k = 0;
        for (int b = a; b < n && status == LS_OK; b++) {
            if (strcmp(orig[b], orig[a]) != 0) continue;
            int seen = 0;
            for (int c = a; c < b && !seen; c++) seen = strcmp(orig[c], orig[a]) == 0 && moment[c] == moment[b];
            if (seen) continue;
            char label[LS_LABEL_MAX + 16];
            int clash;
            do { /* a label not used by the input */
                snprintf(label, sizeof label, "%s%s%d", orig[a], digit ? "_" : "", ++k);
                clash = 0;
                for (int c = 0; c < n && !clash; c++) clash = strcmp(orig[c], label) == 0;
            } while (clash);
            if (strlen(label) >= LS_LABEL_MAX) {
                status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "label %s: too long to number its moments", orig[a]);
                break;
            }
            for (int c = b; c < n; c++)
                if (strcmp(orig[c], orig[a]) == 0 && moment[c] == moment[b]) status = ls_structure_set_species(s, c, label);
        }
    }
    free(orig);
    return status;
}

static int check_protocol(const ls_structure *s, const struct dft_protocol *proto, const char *src)
{
    if (s == NULL || s->n_atom < 1) LS_ERROR(LS_ERR_INPUT, "%s: no atoms", src);
    LS_TRY(ls_structure_check(s, 0.0, src));
    if (proto->ecut_ha < 0 || !isfinite(proto->ecut_ha)) LS_ERROR(LS_ERR_INPUT, "%s: the cutoff must be positive", src);
    if (proto->kspacing_bohr_inv < 0 || !isfinite(proto->kspacing_bohr_inv))
        LS_ERROR(LS_ERR_INPUT, "%s: the k-point spacing must be positive", src);
    for (int k = 0; k < 3; k++)
        if (proto->kmesh[k] < 0 || proto->kmesh[k] > 1000 || (proto->kmesh[k] == 0) != (proto->kmesh[0] == 0))
            LS_ERROR(LS_ERR_INPUT, "%s: the k-point mesh needs three divisions from 1 to 1000 (or none: the spacing)", src);
    if (proto->cutoff_hint != DFT_HINT_LOW && proto->cutoff_hint != DFT_HINT_NORMAL && proto->cutoff_hint != DFT_HINT_HIGH)
        LS_ERROR(LS_ERR_INPUT, "%s: unknown cutoff hint %d", src, (int)proto->cutoff_hint);
    if (proto->smearing && proto->smearing[0]) {
        if (dft_smearing_find(proto->smearing) == NULL)
            LS_ERROR(LS_ERR_INPUT, "%s: unknown smearing '%s' (marzari-vanderbilt, methfessel-paxton, gaussian, fermi-dirac)",
                     src, proto->smearing);
        if (!(proto->smearing_width_ha > 0 && proto->smearing_width_ha < 1))
            LS_ERROR(LS_ERR_INPUT, "%s: the smearing width must be between 0 and 1 Ha, got %g Ha", src,
                     proto->smearing_width_ha);
    }
    if (proto->n_element_moments < 0 || proto->n_element_moments > DFT_PROTOCOL_MAX_MOMENTS)
        LS_ERROR(LS_ERR_INPUT, "%s: %d per-element moments (at most %d)", src, proto->n_element_moments,
                 DFT_PROTOCOL_MAX_MOMENTS);
    int any_moment = 0;
    for (int k = 0; k < proto->n_element_moments; k++) {
        if (ls_element_z(proto->element_moments[k].element) == 0)
            LS_ERROR(LS_ERR_INPUT, "%s: starting moment for '%s', which is not an element symbol", src,
                     proto->element_moments[k].element);
        any_moment |= proto->element_moments[k].moment_mub != 0;
    }
    for (int a = 0; a < s->n_atom; a++) {
        const double m = moment_of(proto, s, a);
        if (!isfinite(m)) LS_ERROR(LS_ERR_INPUT, "%s: atom %d (%s): the starting moment is not a number", src, a + 1, s->species[a]);
        any_moment |= m != 0;
    }
    if (any_moment && !proto->spin_polarized)
        LS_ERROR(LS_ERR_INPUT, "%s: starting moments given without spin polarisation: set spin_polarized = 1, or give no "
                 "moments", src);
    return LS_OK;
}

/* Pseudopotentials: <El>.upf of proto->pseudo_dir, or of the shipped library. */
static int set_pseudos(dft_params *p, const struct dft_protocol *proto, const char *src)
{
    for (int k = 0; k < p->n_species; k++) {
        struct dft_species *sp = &p->species[k];
        const char *el = ls_element_symbol(ls_element_z_from_label(sp->label));
        if (proto->pseudo_dir && proto->pseudo_dir[0]) {
            int w = snprintf(sp->pseudo, sizeof sp->pseudo, "%s/%s.upf", proto->pseudo_dir, el);
            if (w < 0 || (size_t)w >= sizeof sp->pseudo) LS_ERROR(LS_ERR_INPUT, "%s: pseudopotential path too long", src);
        } else if (dft_default_pseudo(el, sp->pseudo, sizeof sp->pseudo) != LS_OK) {
            ls_error_prefix("%s: species '%s': ", src, sp->label);
            return LS_ERR_INPUT;
        }
    }
    return LS_OK;
}

/* starting_magnetization = m / Z_val per species (every atom of a species has one moment). */
static int set_moments(dft_params *p, const struct dft_protocol *proto, const ls_structure *s, const char *src)
{
    for (int k = 0; k < p->n_species; k++) {
        struct dft_species *sp = &p->species[k];
        int a = 0;
        while (strcmp(p->structure->species[a], sp->label) != 0) a++;
        const double m = moment_of(proto, s, a);
        if (m == 0) continue;
        double z_val;
        LS_TRY(valence_of(sp->pseudo, &z_val));
        if (fabs(m) > z_val)
            LS_ERROR(LS_ERR_INPUT, "%s: atom %d (%s): a starting moment of %g muB exceeds the %g valence electrons of %s: "
                     "give at most %g muB", src, a + 1, s->species[a], m, z_val, sp->pseudo, z_val);
        sp->starting_magnetization = m / z_val;
    }
    return LS_OK;
}

int dft_params_from_structure(const ls_structure *s, const struct dft_protocol *proto, dft_params *p)
{
    dft_params_init(p);
    char formula[64];
    if (s) ls_structure_formula(s, 0, formula, sizeof formula);
    snprintf(p->source, sizeof p->source, "structure %s", s ? formula : "(none)");
    const char *src = p->source;
    LS_TRY(check_protocol(s, proto, src));
    int status = ls_structure_copy(s, &p->structure);
    double *moment = status == LS_OK ? malloc((size_t)s->n_atom * sizeof *moment) : NULL;
    if (status == LS_OK && moment == NULL) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    if (status != LS_OK) goto fail;
    for (int a = 0; a < s->n_atom; a++) moment[a] = moment_of(proto, s, a);
    status = split_labels(p->structure, moment);
    free(moment);
    LS_TRY_GOTO(status, status, fail);
    LS_TRY_GOTO(status, dft_species_collect(p, src), fail);
    LS_TRY_GOTO(status, set_pseudos(p, proto, src), fail);
    if (proto->functional && proto->functional[0])
        snprintf(p->functional, sizeof p->functional, "%s", proto->functional);
    if (proto->ecut_ha > 0) {
        p->ecut_wfc = proto->ecut_ha;
        dft_cutoff_hints_warn(p);
    } else {
        int from = 0, missing = -1;
        LS_TRY_GOTO(status, dft_species_ecut_hint(p, (int)proto->cutoff_hint, &p->ecut_wfc, &from, &missing), fail);
        if (missing >= 0)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, fail, "%s: no cutoff hint for species '%s' (no HINTS.tsv row beside %s): "
                          "give the protocol a cutoff (ecut_ha)", src, p->species[missing].label,
                          p->species[missing].pseudo);
    }
    p->ecut_rho = 4.0 * p->ecut_wfc;
    if (proto->kmesh[0] > 0) {
        memcpy(p->kmesh, proto->kmesh, sizeof p->kmesh);
        p->kspacing = 0;
    } else {
        p->kspacing = proto->kspacing_bohr_inv > 0 ? proto->kspacing_bohr_inv : DFT_DEFAULT_KSPACING;
    }
    if (proto->smearing && proto->smearing[0]) {
        p->occupations = DFT_OCC_SMEARING;
        snprintf(p->smearing, sizeof p->smearing, "%s", proto->smearing);
        p->smearing_width = proto->smearing_width_ha;
    }
    p->n_spin = proto->spin_polarized ? 2 : 1;
    LS_TRY_GOTO(status, set_moments(p, proto, s, src), fail);
    return LS_OK;
fail:
    dft_params_free(p);
    return status;
}

int dft_params_starting_moments(const dft_params *p, double *moment_mub)
{
    const ls_structure *s = p->structure;
    for (int a = 0; a < s->n_atom; a++) moment_mub[a] = 0.0;
    if (p->n_spin != 2) return LS_OK;
    for (int k = 0; k < p->n_species; k++) {
        const struct dft_species *sp = &p->species[k];
        if (sp->starting_magnetization == 0) continue;
        double z_val;
        LS_TRY(valence_of(sp->pseudo, &z_val));
        for (int a = 0; a < s->n_atom; a++)
            if (strcmp(s->species[a], sp->label) == 0) moment_mub[a] = sp->starting_magnetization * z_val;
    }
    return LS_OK;
}
