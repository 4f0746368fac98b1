/* Relaxation keys of pw.x inputs (see dft/input/input_qe_relax.h and struct dft_relax_request in
 * dft/dft.h), converted from pw.x's units as they are read:
 *
 *   forc_conv_thr   Ry/bohr  x 25.711033738162943 (= LS_RY_HARTREE * LS_HA_BOHR_EV_A) -> eV/Å
 *   etot_conv_thr   Ry       x 13.605693122994   (= LS_RY_HARTREE * LS_HARTREE_EV)   -> eV
 *   press, press_conv_thr  kbar x 0.1 -> GPa (1 kbar = 10^8 Pa = 0.1 GPa)
 *
 * Defaults are pw.x's (QE 6.7/7 documentation of INPUT_PW): forc_conv_thr 1e-3 Ry/bohr,
 * etot_conv_thr 1e-4 Ry, nstep 50 (relaxations), ion_dynamics 'bfgs', press 0,
 * press_conv_thr 0.5 kbar, cell_dofree 'all'.  Only what Lodestone's relaxation does is
 * accepted: ion_dynamics 'bfgs' or 'fire', cell_dynamics 'bfgs', cell_dofree 'all' or 'shape'
 * (the shape at fixed volume).
 *
 * Keys that tune how pw.x's own optimiser moves and guesses, not where a relaxation stops, are
 * read, checked and left unused with an info line (tuning_keys below): the extrapolation of the
 * next step's potential and wavefunctions (Lodestone starts each step from the previous step's
 * density and wavefunctions), pw.x's BFGS trust radii and history, the SCF threshold scaling
 * `upscale` (Lodestone's SCF threshold is fixed), and the cell's fictitious mass and basis
 * headroom (`wmass` serves damped and MD cell dynamics; `cell_factor` sizes pw.x's G-vector
 * tables, while Lodestone builds the basis of every step afresh).  Any other key of &ions and
 * &cell is an error naming the line.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/input/input_qe_relax.h"

#define QE_RY_BOHR_EV_A (LS_RY_HARTREE * LS_HA_BOHR_EV_A) /* 1 Ry/bohr in eV/Å */
#define QE_RY_EV (LS_RY_HARTREE * LS_HARTREE_EV)          /* 1 Ry in eV */
#define QE_KBAR_GPA 0.1                                   /* 1 kbar in GPa */

void qe_relax_request_default(struct dft_relax_request *req)
{
    memset(req, 0, sizeof *req);
    req->kind = DFT_RELAX_NONE;
    req->forc_conv_thr_ev_a = 1e-3 * QE_RY_BOHR_EV_A;
    req->etot_conv_thr_ev = 1e-4 * QE_RY_EV;
    req->nstep = 50;
    snprintf(req->optimizer, sizeof req->optimizer, "bfgs");
    req->press_gpa = 0.0;
    req->press_conv_thr_gpa = 0.5 * QE_KBAR_GPA;
}

/* Lower-case copy of src into dst[n], cut to fit (for comparisons only). */
static void lower_copy(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++) dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] - 'A' + 'a' : src[i]);
    dst[i] = '\0';
}

static void note_key(long *line, char *name, size_t n, const ls_text_reader *r, const char *key)
{
    if (*line == 0) {
        *line = r->line_no;
        snprintf(name, n, "%s", key);
    }
}

/* A positive threshold in pw.x's unit, converted by `factor`. */
static int positive(const ls_text_reader *r, const char *key, const char *v, const char *unit, double factor,
                    double *out)
{
    double x;
    if (ls_parse_double(v, &x) != 0) return ls_text_error(r, "%s = %s: expected a number (%s)", key, v, unit);
    if (!(x > 0)) return ls_text_error(r, "%s = %s: must be positive (%s)", key, v, unit);
    *out = x * factor;
    return LS_OK;
}

/* The tuning keys accepted and not used (see the top of the file): namelist, key, the kind of
 * value (a number, or one of the listed words) and what Lodestone does instead. */
struct tuning_key {
    const char *nl, *key;
    const char *words; /* NULL: a number; else the accepted values, separated by '|' */
    const char *instead;
};

static const struct tuning_key tuning_keys[] = {
    {"ions", "pot_extrapolation", "none|atomic|first_order|second_order",
     "each step starts from the previous step's density"},
    {"ions", "wfc_extrapolation", "none|first_order|second_order",
     "each step starts from the previous step's wavefunctions"},
    {"ions", "upscale", NULL, "the SCF threshold stays as given"},
    {"ions", "bfgs_ndim", NULL, "Lodestone's BFGS keeps the full Hessian update"},
    {"ions", "trust_radius_max", NULL, "Lodestone bounds each atom's move by --max-step (default 0.2 A)"},
    {"ions", "trust_radius_min", NULL, "Lodestone bounds each atom's move by --max-step (default 0.2 A)"},
    {"ions", "trust_radius_ini", NULL, "Lodestone bounds each atom's move by --max-step (default 0.2 A)"},
    {"ions", "w_1", NULL, "Lodestone's BFGS steps are bounded by --max-step"},
    {"ions", "w_2", NULL, "Lodestone's BFGS steps are bounded by --max-step"},
    {"cell", "wmass", NULL, "a fictitious cell mass serves only damped or MD cell dynamics"},
    {"cell", "cell_factor", NULL, "the plane-wave basis is built afresh at every step"},
    {NULL, NULL, NULL, NULL},
};

/* A tuning key of `nl`: checked, noted and logged, *handled = 1; else *handled = 0. */
static int tuning_key(struct qe_relax_keys *k, const ls_text_reader *r, const char *nl, const char *key,
                      const char *v, int *handled)
{
    *handled = 0;
    for (const struct tuning_key *t = tuning_keys; t->nl; t++) {
        if (strcmp(t->nl, nl) != 0 || strcmp(t->key, key) != 0) continue;
        *handled = 1;
        if (t->words) {
            char c[32];
            lower_copy(c, sizeof c, v);
            if (!ls_list_has(t->words, '|', c))
                return ls_text_error(r, "%s = '%s': expected one of %s (pw.x's values)", key, v, t->words);
        } else {
            double x;
            if (ls_parse_double(v, &x) != 0) return ls_text_error(r, "%s = %s: expected a number", key, v);
        }
        if (!strcmp(nl, "cell")) note_key(&k->cell_line, k->cell_key, sizeof k->cell_key, r, key);
        else note_key(&k->relax_line, k->relax_key, sizeof k->relax_key, r, key);
        ls_log_info("%s:%ld: %s tunes pw.x's own optimiser and is not used here: %s", r->path, r->line_no, key,
                    t->instead);
        return LS_OK;
    }
    return LS_OK;
}

static int control_key(struct qe_relax_keys *k, const ls_text_reader *r, const char *key, const char *v,
                       struct dft_relax_request *req, int *handled)
{
    *handled = 1;
    if (!strcmp(key, "calculation")) {
        char c[32];
        lower_copy(c, sizeof c, v);
        if (!strcmp(c, "scf")) req->kind = DFT_RELAX_NONE;
        else if (!strcmp(c, "relax")) req->kind = DFT_RELAX_POSITIONS;
        else if (!strcmp(c, "vc-relax")) req->kind = DFT_RELAX_CELL;
        else
            return ls_text_error(r, "calculation = '%s' is not supported: use 'scf' (lodestone scf), 'relax' or "
                                 "'vc-relax' (lodestone relax)", v);
        req->line = (int)r->line_no;
        return LS_OK;
    }
    if (!strcmp(key, "forc_conv_thr")) {
        note_key(&k->relax_line, k->relax_key, sizeof k->relax_key, r, key);
        LS_TRY(positive(r, key, v, "Ry/bohr", QE_RY_BOHR_EV_A, &req->forc_conv_thr_ev_a));
        req->has_forc_conv_thr = 1;
        return LS_OK;
    }
    if (!strcmp(key, "etot_conv_thr")) {
        /* Accepted and enforced, not refused or ignored: pw.x stops when the energy change
         * between steps is below etot_conv_thr AND the forces (and the stress) are below their
         * thresholds.  Dropping the energy test would let a run stop earlier than pw.x would
         * on the same input, and refusing the key would make users delete a line that nearly
         * every pw.x relaxation input carries.  So the relaxation applies it as pw.x does
         * (workflow/relax.h, energy_tol_ev). */
        note_key(&k->relax_line, k->relax_key, sizeof k->relax_key, r, key);
        LS_TRY(positive(r, key, v, "Ry", QE_RY_EV, &req->etot_conv_thr_ev));
        req->has_etot_conv_thr = 1;
        return LS_OK;
    }
    if (!strcmp(key, "nstep")) {
        note_key(&k->relax_line, k->relax_key, sizeof k->relax_key, r, key);
        long n;
        if (ls_parse_long(v, &n) != 0) return ls_text_error(r, "nstep = %s: expected a whole number", v);
        if (n < 1 || n > 1000001)
            return ls_text_error(r, "nstep = %s: expected 1 to 1000001 (the number of SCF calculations of the "
                                 "relaxation)", v);
        req->nstep = (int)n;
        req->has_nstep = 1;
        return LS_OK;
    }
    *handled = 0;
    return LS_OK;
}

static int ions_key(struct qe_relax_keys *k, const ls_text_reader *r, const char *key, const char *v,
                    struct dft_relax_request *req, int *handled)
{
    *handled = 0;
    if (strcmp(key, "ion_dynamics") != 0) return tuning_key(k, r, "ions", key, v, handled);
    *handled = 1;
    note_key(&k->relax_line, k->relax_key, sizeof k->relax_key, r, key);
    char c[32];
    lower_copy(c, sizeof c, v);
    if (!strcmp(c, "damp")) {
        /* pw.x's damped dynamics is a minimiser too: it ends where the forces vanish, as BFGS does */
        ls_log_info("%s:%ld: ion_dynamics = '%s' accepted: pw.x's damped dynamics minimises the energy; Lodestone's BFGS "
                    "finds the same minimum (dt and the damping are not used)", r->path, r->line_no, v);
        snprintf(c, sizeof c, "bfgs");
    }
    if (strcmp(c, "bfgs") != 0 && strcmp(c, "fire") != 0)
        return ls_text_error(r, "ion_dynamics = '%s' is not supported: use 'bfgs', 'fire' or 'damp' (minimisers; "
                             "molecular dynamics with DFT is not available in Lodestone)", v);
    snprintf(req->optimizer, sizeof req->optimizer, "%s", strcmp(c, "fire") ? "bfgs" : "fire");
    req->has_ion_dynamics = 1;
    k->ion_dynamics_line = r->line_no;
    return LS_OK;
}

static int cell_key(struct qe_relax_keys *k, const ls_text_reader *r, const char *key, const char *v,
                    struct dft_relax_request *req, int *handled)
{
    *handled = 1;
    char c[32];
    lower_copy(c, sizeof c, v);
    if (!strcmp(key, "cell_dynamics")) {
        if (!strcmp(c, "damp-w") || !strcmp(c, "damp-pr") || !strcmp(c, "sd")) {
            /* pw.x's damped (Wentzcovitch, Parrinello-Rahman) and steepest-descent cell minimisers end
             * where the stress equals -press and the forces vanish, as Lodestone's BFGS does */
            ls_log_info("%s:%ld: cell_dynamics = '%s' accepted: it minimises the enthalpy as pw.x's BFGS does; "
                        "Lodestone's BFGS moves atoms and cell to the same minimum (wmass and dt are not used) and, "
                        "as pw.x after these dynamics, reports it without a final SCF", r->path, r->line_no, v);
            k->damped_cell = 1;
        } else if (strcmp(c, "bfgs") != 0) {
            return ls_text_error(r, "cell_dynamics = '%s' is not supported: use 'bfgs' (or pw.x's minimisers 'damp-w', "
                                 "'damp-pr', 'sd'; Lodestone moves the cell with the atoms in one BFGS optimisation)", v);
        } else {
            req->has_cell_dynamics = 1;
        }
    } else if (!strcmp(key, "press")) {
        double kbar;
        if (ls_parse_double(v, &kbar) != 0) return ls_text_error(r, "press = %s: expected a number (kbar)", v);
        req->press_gpa = kbar * QE_KBAR_GPA;
        req->has_press = 1;
    } else if (!strcmp(key, "press_conv_thr")) {
        LS_TRY(positive(r, key, v, "kbar", QE_KBAR_GPA, &req->press_conv_thr_gpa));
        req->has_press_conv_thr = 1;
    } else if (!strcmp(key, "cell_dofree")) {
        if (strcmp(c, "all") != 0 && strcmp(c, "shape") != 0)
            return ls_text_error(r, "cell_dofree = '%s' is not supported: use 'all' (the whole cell) or 'shape' "
                                 "(the shape at fixed volume), or a fixed cell with calculation = 'relax'; "
                                 "for the volume alone, 'lodestone eos' gives E(V)", v);
        req->fixed_volume = !strcmp(c, "shape");
        req->has_cell_dofree = 1;
        k->cell_dofree_line = r->line_no;
    } else if (!strcmp(key, "treinit_gvecs")) {
        /* pw.x keeps the plane waves of the starting cell during a vc-relax unless this is true;
         * Lodestone does either (dft_params.basis_ref_given, set in input_qe_structure.c) */
        if (!strcmp(c, ".true.") || !strcmp(c, "t") || !strcmp(c, ".t.") || !strcmp(c, "true")) k->treinit_gvecs = 1;
        else if (!strcmp(c, ".false.") || !strcmp(c, "f") || !strcmp(c, ".f.") || !strcmp(c, "false")) k->treinit_gvecs = 0;
        else return ls_text_error(r, "treinit_gvecs = %s: expected .true. or .false.", v);
    } else {
        return tuning_key(k, r, "cell", key, v, handled); /* else the caller: not supported */
    }
    note_key(&k->cell_line, k->cell_key, sizeof k->cell_key, r, key);
    return LS_OK;
}

int qe_relax_set_key(struct qe_relax_keys *k, const ls_text_reader *r, const char *nl, const char *key,
                     const char *value, struct dft_relax_request *req, int *handled)
{
    *handled = 0;
    if (!strcmp(nl, "control")) return control_key(k, r, key, value, req, handled);
    if (!strcmp(nl, "ions")) return ions_key(k, r, key, value, req, handled);
    if (!strcmp(nl, "cell")) return cell_key(k, r, key, value, req, handled);
    return LS_OK;
}

int qe_relax_check(const struct qe_relax_keys *k, const char *path, const struct dft_relax_request *req)
{
    if (req->kind == DFT_RELAX_NONE && k->relax_line)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: '%s' is a relaxation setting, but the calculation is 'scf' (pw.x would "
                 "ignore it): set calculation = 'relax' or 'vc-relax' in &control, or remove it",
                 path, k->relax_line, k->relax_key);
    if (req->kind != DFT_RELAX_CELL && k->cell_line)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: '%s' in &cell needs calculation = 'vc-relax' (the calculation is '%s', "
                 "whose cell is fixed; pw.x would ignore it): set calculation = 'vc-relax', or remove it",
                 path, k->cell_line, k->cell_key, req->kind == DFT_RELAX_POSITIONS ? "relax" : "scf");
    if (req->kind == DFT_RELAX_CELL && req->fixed_volume && req->press_gpa != 0.0)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: cell_dofree = 'shape' keeps the volume fixed, so press = %g kbar has no "
                 "effect: remove press, or use cell_dofree = 'all' to relax the volume under that pressure",
                 path, k->cell_dofree_line, req->press_gpa / QE_KBAR_GPA);
    if (req->has_cell_dynamics && !strcmp(req->optimizer, "fire"))
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: ion_dynamics = 'fire' contradicts cell_dynamics = 'bfgs' (Lodestone moves "
                 "the atoms and the cell with one optimiser): use ion_dynamics = 'bfgs', or remove cell_dynamics "
                 "to relax the cell with FIRE", path, k->ion_dynamics_line);
    return LS_OK;
}
