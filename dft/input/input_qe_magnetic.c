/* Magnetic keys of pw.x inputs (see dft/input/input_qe_magnetic.h and the magnetism block of
 * dft_params in dft/dft.h), as Quantum ESPRESSO 6.7 reads them (INPUT_PW; PW/src/input.f90):
 *
 *   noncolin = .true.            two-component spinors (nspin = 4 is pw.x's other spelling)
 *   lspinorb = .true.            spin-orbit coupling (needs noncolin and fully relativistic files)
 *   angle1(i), angle2(i)         direction of the starting moment of species i, degrees: polar
 *                                angle from z (0..180) and azimuth from x (-360..360)
 *   tot_magnetization            fixed spin moment, Bohr magnetons per cell (-1: unset, pw.x's
 *                                default); pw.x 6.7 takes it with nspin = 2 only, Lodestone also
 *                                noncollinear with smearing (the moment's length along its direction)
 *   constrained_magnetization    'none', 'atomic' (each atom's moment -> its starting moment) or
 *                                'atomic direction' (each m_z/|m| -> cos(angle1)), with
 *   lambda                       the penalty strength, Ry (default 1, pw.x's)
 *   starting_spin_angle, report  accepted, not used (they change pw.x's starting wavefunctions and
 *                                printing only)
 *
 * Refused, naming the line, where pw.x refuses too: noncolin with nspin = 2, lspinorb without
 * noncolin, tot_magnetization without spin or with fixed occupations and a non-integer moment,
 * fixed occupations with nspin = 2 and no tot_magnetization (pw.x: "fixed occupations and lsda
 * need tot_magnetization").  Refused where pw.x would run: angles outside their ranges (the
 * same directions have an in-range spelling), lspinorb with a scalar-relativistic
 * pseudopotential (pw.x accepts a mixture; Lodestone wants the spin-orbit of every species), the
 * constraints 'total' and 'total direction', and lforcet (the force theorem is `lodestone mae`).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/input/input_qe_magnetic.h"
#include "dft/pseudo/pseudo.h"

static int logical(const ls_text_reader *r, const char *key, const char *v, int *out)
{
    char b[16];
    size_t i = 0;
    for (; v[i] && i + 1 < sizeof b; i++) b[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] - 'A' + 'a' : v[i]);
    b[i] = '\0';
    if (!strcmp(b, ".true.") || !strcmp(b, "t") || !strcmp(b, ".t.") || !strcmp(b, "true")) *out = 1;
    else if (!strcmp(b, ".false.") || !strcmp(b, "f") || !strcmp(b, ".f.") || !strcmp(b, "false")) *out = 0;
    else return ls_text_error(r, "%s = %s: expected .true. or .false.", key, v);
    return LS_OK;
}

static int number(const ls_text_reader *r, const char *key, const char *v, double *out)
{
    if (ls_parse_double(v, out) != 0) return ls_text_error(r, "%s = %s: expected a number", key, v);
    return LS_OK;
}

/* "name(i)" -> name and i (0 if no index). */
static void split_index(const char *key, char *base, size_t n, int *idx)
{
    snprintf(base, n, "%s", key);
    char *p = strchr(base, '(');
    *idx = 0;
    if (p) {
        *p = '\0';
        *idx = atoi(p + 1);
    }
}

int qe_magnetic_set_key(struct qe_magnetic_keys *k, const ls_text_reader *r, const char *nl, const char *key,
                        const char *v, dft_params *p, int *handled)
{
    *handled = 0;
    if (strcmp(nl, "system") != 0) {
        if (!strcmp(nl, "control") && !strcmp(key, "lforcet"))
            return ls_text_error(r, "lforcet (pw.x's force-theorem nscf step) is not read: run 'lodestone mae' on the scf "
                                 "input instead, which does the force theorem for every direction");
        return LS_OK;
    }
    char base[64];
    int idx;
    split_index(key, base, sizeof base, &idx);
    if (!strcmp(key, "nspin")) { /* noted; 1 and 2 are the main reader's */
        k->nspin_line = r->line_no;
        long n;
        if (ls_parse_long(v, &n) == 0) k->nspin = (int)n;
        if (n == 4) { /* pw.x: nspin = 4 is noncolin = .true. */
            p->noncolin = 1;
            if (!k->noncolin_line) k->noncolin_line = r->line_no;
            *handled = 1;
        }
        return LS_OK;
    }
    if (!strcmp(key, "occupations")) {
        k->occupations_line = r->line_no;
        k->occupations_given = 1;
        k->fixed_occupations = !strcmp(v, "fixed") || !strcmp(v, "FIXED") || !strcmp(v, "Fixed");
        return LS_OK;
    }
    if (!strcmp(base, "starting_magnetization")) {
        if (idx >= 1 && idx <= DFT_MAX_SPECIES) {
            k->smag_line[idx] = r->line_no;
            ls_parse_double(v, &k->smag[idx]);
        }
        return LS_OK;
    }
    *handled = 1;
    if (!strcmp(key, "noncolin")) {
        k->noncolin_line = r->line_no;
        p->line_noncolin = (int)r->line_no;
        return logical(r, key, v, &p->noncolin);
    }
    if (!strcmp(key, "lspinorb")) {
        k->lspinorb_line = r->line_no;
        p->line_lspinorb = (int)r->line_no;
        return logical(r, key, v, &p->spinorbit);
    }
    if (!strcmp(base, "angle1") || !strcmp(base, "angle2")) {
        int first = base[5] == '1';
        if (idx < 1 || idx > DFT_MAX_SPECIES)
            return ls_text_error(r, "%s: species index out of range 1..%d", key, DFT_MAX_SPECIES);
        double a;
        LS_TRY(number(r, key, v, &a));
        if (first && (a < 0 || a > 180))
            return ls_text_error(r, "%s = %g degrees is out of range: angle1 is the polar angle of the starting moment "
                                 "from the z axis, 0 to 180 (for %g, use angle1 = %g and angle2 + 180)",
                                 key, a, a, a > 180 && a <= 360 ? 360 - a : fabs(fmod(a, 360.0)));
        if (!first && (a < -360 || a > 360))
            return ls_text_error(r, "%s = %g degrees is out of range: angle2, the azimuth of the starting moment from "
                                 "the x axis, must be within -360..360 (use %g)", key, a, fmod(a, 360.0));
        (first ? p->angle1_deg : p->angle2_deg)[idx - 1] = a;
        return LS_OK;
    }
    if (!strcmp(key, "tot_magnetization")) {
        double m;
        LS_TRY(number(r, key, v, &m));
        if (m == -1) return LS_OK; /* pw.x's "unset" */
        if (m < 0)
            return ls_text_error(r, "tot_magnetization = %g: the fixed moment must be positive or zero (-1: unset); the "
                                 "majority spin is up", m);
        p->has_tot_magnetization = 1;
        p->tot_magnetization = m;
        k->tot_mag_line = r->line_no;
        p->line_tot_magnetization = (int)r->line_no;
        return LS_OK;
    }
    if (!strcmp(key, "constrained_magnetization")) {
        char c[32];
        size_t i = 0;
        for (; v[i] && i + 1 < sizeof c; i++) c[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] - 'A' + 'a' : v[i]);
        c[i] = '\0';
        k->constraint_line = r->line_no;
        if (!strcmp(c, "none")) p->mag_constraint = DFT_MAG_CONSTRAINT_NONE;
        else if (!strcmp(c, "atomic")) p->mag_constraint = DFT_MAG_CONSTRAINT_ATOMIC;
        else if (!strcmp(c, "atomic direction")) p->mag_constraint = DFT_MAG_CONSTRAINT_ATOMIC_DIRECTION;
        else
            return ls_text_error(r, "constrained_magnetization = '%s' is not supported: use 'atomic' or 'atomic "
                                 "direction' (for the total moment, tot_magnetization)", v);
        return LS_OK;
    }
    if (!strcmp(key, "lambda")) {
        double l;
        LS_TRY(number(r, key, v, &l));
        if (l < 0) return ls_text_error(r, "lambda = %g: the penalty strength must not be negative", l);
        p->mag_lambda = l * LS_RY_HARTREE;
        k->lambda_line = r->line_no;
        return LS_OK;
    }
    if (!strcmp(key, "starting_spin_angle") || !strcmp(key, "report")) {
        ls_log_info("%s:%ld: %s is accepted and not used (it changes only pw.x's starting wavefunctions or printing)",
                    r->path, r->line_no, key);
        return LS_OK;
    }
    if (!strcmp(key, "lforcet"))
        return ls_text_error(r, "lforcet (pw.x's force-theorem nscf step) is not read: run 'lodestone mae' on the scf "
                             "input instead, which does the force theorem for every direction");
    if (!strcmp(key, "nelup") || !strcmp(key, "neldw") || !strcmp(key, "two_fermi_energies"))
        return ls_text_error(r, "%s is not a key of pw.x 6.7: give the moment with tot_magnetization", key);
    if (!strcmp(base, "fixed_magnetization") || !strcmp(key, "b_field") || !strcmp(base, "b_field"))
        return ls_text_error(r, "%s is not supported (no external field; for the total moment use tot_magnetization)",
                             key);
    *handled = 0;
    return LS_OK;
}

static int err_at(const char *path, long line, const char *msg)
{
    if (line > 0) return ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%s:%ld: %s", path, line, msg);
    return ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%s: %s", path, msg);
}

int qe_magnetic_check(const struct qe_magnetic_keys *k, const char *path, dft_params *p)
{
    char msg[512];
    if (p->noncolin && k->nspin == 2)
        return err_at(path, k->nspin_line ? k->nspin_line : k->noncolin_line,
                      "noncolin = .true. with nspin = 2: conflicting, as pw.x says (a noncollinear calculation has one "
                      "channel of spinors): remove nspin");
    if (p->spinorbit && !p->noncolin)
        return err_at(path, k->lspinorb_line,
                      "lspinorb = .true. needs noncolin = .true. (spin-orbit mixes the spins, as pw.x requires)");
    for (int s = 1; s <= DFT_MAX_SPECIES; s++)
        if (k->smag_line[s] && (k->smag[s] < -1 || k->smag[s] > 1)) {
            snprintf(msg, sizeof msg, "starting_magnetization(%d) = %g is out of -1..1 (a fraction of the valence charge)",
                     s, k->smag[s]);
            return err_at(path, k->smag_line[s], msg);
        }
    if (p->has_tot_magnetization) {
        if (!p->noncolin && k->nspin != 2)
            return err_at(path, k->tot_mag_line,
                          "tot_magnetization requires nspin = 2 (or noncolin = .true.), as pw.x says: add nspin = 2");
        if (p->occupations == DFT_OCC_FIXED) {
            if (p->noncolin)
                return err_at(path, k->tot_mag_line,
                              "tot_magnetization with noncolin needs occupations = 'smearing' (the fixed moment is held "
                              "by a field along it; pw.x 6.7 refuses tot_magnetization with noncolin altogether)");
            if (fabs(p->tot_magnetization - nearbyint(p->tot_magnetization)) > 1e-8) {
                snprintf(msg, sizeof msg, "tot_magnetization = %g with fixed occupations: the moment must be a whole "
                         "number of electrons (pw.x: \"fixed occupations requires integer tot_magnetization\"), or use "
                         "occupations = 'smearing'", p->tot_magnetization);
                return err_at(path, k->tot_mag_line, msg);
            }
        }
    } else if (k->nspin == 2 && p->occupations == DFT_OCC_FIXED && !p->noncolin) {
        return err_at(path, k->occupations_line ? k->occupations_line : k->nspin_line,
                      "fixed occupations with nspin = 2 need tot_magnetization (pw.x: \"fixed occupations and lsda need "
                      "tot_magnetization\"), or use occupations = 'smearing'");
    }
    if (p->mag_constraint != DFT_MAG_CONSTRAINT_NONE) {
        if (!p->noncolin)
            return err_at(path, k->constraint_line, "constrained_magnetization 'atomic' / 'atomic direction' is for "
                                                    "noncollinear calculations (noncolin = .true.)");
        if (!k->lambda_line) p->mag_lambda = 1.0 * LS_RY_HARTREE; /* pw.x's default lambda = 1 */
    }
    /* Spin-orbit needs every species' projectors with their j (PP_SPIN_ORB). */
    for (int s = 0; p->spinorbit && s < p->n_species; s++) {
        dft_pseudo *ps = NULL;
        if (dft_pseudo_read(p->species[s].pseudo, &ps) != LS_OK) {
            ls_error_clear(); /* an unreadable file is reported, with its own message, when it is used */
            continue;
        }
        int so = ps->has_so;
        dft_pseudo_destroy(ps);
        if (!so) {
            snprintf(msg, sizeof msg, "lspinorb = .true., but the pseudopotential of species %s (%s) is "
                     "scalar-relativistic (no PP_SPIN_ORB): use a fully relativistic file (the set in "
                     "inputs/pseudo/pd04-pbe-fr/) or remove lspinorb", p->species[s].label, p->species[s].pseudo);
            return err_at(path, k->lspinorb_line, msg);
        }
    }
    if (p->noncolin && p->has_tot_magnetization)
        ls_log_info("%s:%ld: tot_magnetization with noncolin (refused by pw.x 6.7): the moment is held by a uniform "
                    "field along its direction", path, k->tot_mag_line);
    return LS_OK;
}
