/* Magnetic keys of pw.x inputs (a table of the registry of dft/input/input_qe.c; see
 * dft/input/input_qe_magnetic.h and the magnetism block of dft_params in dft/dft.h), as Quantum ESPRESSO 6.7 reads them (INPUT_PW; PW/src/input.f90):
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

/* Where the keys were: the consistency checks run once the whole file is read (pw.x files give
 * keys in any order), and their errors name the line. */
struct qe_magnetic_keys {
    long noncolin_line, lspinorb_line, tot_mag_line, constraint_line, lambda_line;
};

static struct qe_magnetic_keys *keys_of(struct qe_state *st)
{
    if (!st->ext[QE_EXT_MAGNETIC]) st->ext[QE_EXT_MAGNETIC] = calloc(1, sizeof(struct qe_magnetic_keys));
    return st->ext[QE_EXT_MAGNETIC];
}

#define KEYS_OR_NOMEM(k)                                        \
    struct qe_magnetic_keys *k = keys_of(st);                   \
    if (!k) LS_ERROR(LS_ERR_NOMEM, "out of memory")

static int set_flag(struct qe_state *st, const struct qe_key *key, int idx, const char *v)
{
    (void)idx;
    KEYS_OR_NOMEM(k);
    dft_params *p = st->p;
    int line = (int)st->r->line_no;
    if (!strcmp(key->name, "noncolin")) {
        k->noncolin_line = line;
        p->line_noncolin = line;
        return qe_value_logical(st, key->name, v, &p->noncolin);
    }
    k->lspinorb_line = line;
    p->line_lspinorb = line;
    return qe_value_logical(st, key->name, v, &p->spinorbit);
}

static int set_angle(struct qe_state *st, const struct qe_key *key, int idx, const char *v)
{
    dft_params *p = st->p;
    int first = key->name[5] == '1';
    if (idx < 1 || idx > DFT_MAX_SPECIES)
        return ls_text_error(st->r, "%s(%d): the species index runs from 1 to ntyp (at most %d)", key->name, idx,
                             DFT_MAX_SPECIES);
    double a;
    LS_TRY(qe_value_double(st, key->name, v, &a));
    if (first && !(a >= 0 && a <= 180))
        return ls_text_error(st->r, "angle1(%d) = %g degrees is out of range: angle1 is the polar angle of the starting "
                             "moment from the z axis, 0 to 180 (for %g, use angle1 = %g and angle2 + 180)",
                             idx, a, a, a > 180 && a <= 360 ? 360 - a : fabs(fmod(a, 360.0)));
    if (!first && !(a >= -360 && a <= 360))
        return ls_text_error(st->r, "angle2(%d) = %g degrees is out of range: angle2, the azimuth of the starting moment "
                             "from the x axis, must be within -360..360 (use %g)", idx, a, fmod(a, 360.0));
    (first ? p->angle1_deg : p->angle2_deg)[idx - 1] = a;
    return LS_OK;
}

static int set_moment(struct qe_state *st, const struct qe_key *key, int idx, const char *v)
{
    (void)idx;
    KEYS_OR_NOMEM(k);
    dft_params *p = st->p;
    if (!strcmp(key->name, "tot_magnetization")) {
        double m;
        LS_TRY(qe_value_double(st, key->name, v, &m));
        if (m == -1) return LS_OK; /* pw.x's "unset" */
        if (!(m >= 0 && m < 1e6))
            return ls_text_error(st->r, "tot_magnetization = %s: the fixed moment must be positive or zero, in Bohr "
                                 "magnetons per cell (-1: unset); the majority spin is up", v);
        p->has_tot_magnetization = 1;
        p->tot_magnetization = m;
        k->tot_mag_line = st->r->line_no;
        p->line_tot_magnetization = (int)st->r->line_no;
        return LS_OK;
    }
    if (!strcmp(key->name, "constrained_magnetization")) {
        char c[32];
        qe_lower_copy(c, sizeof c, v);
        k->constraint_line = st->r->line_no;
        if (!strcmp(c, "none")) p->mag_constraint = DFT_MAG_CONSTRAINT_NONE;
        else if (!strcmp(c, "atomic")) p->mag_constraint = DFT_MAG_CONSTRAINT_ATOMIC;
        else if (!strcmp(c, "atomic direction")) p->mag_constraint = DFT_MAG_CONSTRAINT_ATOMIC_DIRECTION;
        else
            return ls_text_error(st->r, "constrained_magnetization = '%s' is not supported by Lodestone: use 'atomic' or "
                                 "'atomic direction' (for the total moment, tot_magnetization)", v);
        return LS_OK;
    }
    /* lambda */
    double l;
    LS_TRY(qe_value_double(st, key->name, v, &l));
    if (!(l >= 0 && l < 1e6)) return ls_text_error(st->r, "lambda = %s: the penalty strength must be 0 or more (Ry)", v);
    p->mag_lambda = l * LS_RY_HARTREE;
    k->lambda_line = st->r->line_no;
    return LS_OK;
}

static int refuse_magnetic(struct qe_state *st, const struct qe_key *key, int idx, const char *v)
{
    (void)idx;
    (void)v;
    if (!strcmp(key->name, "lforcet"))
        return ls_text_error(st->r, "lforcet (pw.x's force-theorem nscf step) is not read: run 'lodestone mae' on the scf "
                             "input instead, which does the force theorem for every direction");
    return ls_text_error(st->r, "%s is not supported by Lodestone: give the moment with tot_magnetization", key->name);
}

static const struct qe_key magnetic_keys[] = {
    {"system", "noncolin", set_flag, NULL, NULL},
    {"system", "lspinorb", set_flag, NULL, NULL},
    {"system", "angle1", set_angle, NULL, NULL},
    {"system", "angle2", set_angle, NULL, NULL},
    {"system", "tot_magnetization", set_moment, NULL, NULL},
    {"system", "constrained_magnetization", set_moment, NULL, NULL},
    {"system", "lambda", set_moment, NULL, NULL},
    {"system", "starting_spin_angle", qe_accept_logical, NULL, "it changes only pw.x's starting wavefunctions"},
    {"system", "report", qe_accept_int, NULL, "it changes only pw.x's printing of the moments"},
    {"system", "lforcet", refuse_magnetic, NULL, NULL},
    {"system", "nelup", refuse_magnetic, NULL, NULL},
    {"system", "neldw", refuse_magnetic, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static int err_at(const char *path, long line, const char *msg)
{
    if (line > 0) return ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%s:%ld: %s", path, line, msg);
    return ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%s: %s", path, msg);
}

static int finish_magnetic(struct qe_state *st)
{
    static const struct qe_magnetic_keys none;
    const struct qe_magnetic_keys *k = st->ext[QE_EXT_MAGNETIC] ? st->ext[QE_EXT_MAGNETIC] : &none;
    dft_params *p = st->p;
    const char *path = st->path;
    char msg[512];
    int nspin2 = p->n_spin == 2; /* nspin = 2 given (4 is noncolin, with n_spin 1) */
    if (p->noncolin && nspin2)
        return err_at(path, st->nspin_line ? st->nspin_line : p->line_noncolin,
                      "noncolin = .true. with nspin = 2: conflicting, as pw.x says (a noncollinear calculation has one "
                      "channel of spinors): remove nspin");
    if (p->spinorbit && !p->noncolin)
        return err_at(path, k->lspinorb_line,
                      "lspinorb = .true. needs noncolin = .true. (spin-orbit mixes the spins, as pw.x requires)");
    if (p->has_tot_magnetization) {
        if (!p->noncolin && !nspin2)
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
        } else if (p->occupations != DFT_OCC_SMEARING) {
            return err_at(path, k->tot_mag_line, "tot_magnetization is supported with occupations = 'smearing' or "
                                                 "'fixed'");
        }
    } else if (nspin2 && p->occupations == DFT_OCC_FIXED && !p->noncolin) {
        return err_at(path, st->occupations_line ? st->occupations_line : st->nspin_line,
                      "fixed occupations with nspin = 2 need tot_magnetization (pw.x: \"fixed occupations and lsda need "
                      "tot_magnetization\"), or use occupations = 'smearing'");
    }
    if (p->noncolin && p->occupations != DFT_OCC_SMEARING && p->occupations != DFT_OCC_FIXED)
        return err_at(path, st->occupations_line ? st->occupations_line : p->line_noncolin,
                      "noncolin = .true. is supported with occupations = 'smearing' or 'fixed' (tetrahedra and "
                      "from_input are collinear only in Lodestone)");
    if (p->noncolin && p->calculation != DFT_CALC_SCF)
        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: calculation = 'nscf' / 'bands' is not "
                            "supported by Lodestone for noncollinear spin yet: run the scf input (for a DOS on a denser "
                            "mesh, 'lodestone dos INPUT --kmesh N1xN2xN3')", path, st->calculation_line);
    if (p->mag_constraint != DFT_MAG_CONSTRAINT_NONE) {
        if (!p->noncolin)
            return err_at(path, k->constraint_line, "constrained_magnetization 'atomic' / 'atomic direction' is for "
                                                    "noncollinear calculations (noncolin = .true.)");
        if (!k->lambda_line) p->mag_lambda = 1.0 * LS_RY_HARTREE; /* pw.x's default lambda = 1 */
    }
    if (p->noncolin && p->has_tot_magnetization)
        ls_log_info("%s:%ld: tot_magnetization with noncolin (refused by pw.x 6.7): the moment is held by a uniform "
                    "field along its direction", path, k->tot_mag_line);
    return LS_OK;
}

const struct qe_key_table qe_keys_magnetic = {"magnetic", magnetic_keys, finish_magnetic};

int qe_magnetic_check_pseudo(struct qe_state *st)
{
    dft_params *p = st->p;
    const struct qe_magnetic_keys *k = st->ext[QE_EXT_MAGNETIC];
    char msg[1024];
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
            snprintf(msg, sizeof msg, "lspinorb = .true., but the pseudopotential of species %s (%.400s) is "
                     "scalar-relativistic (no PP_SPIN_ORB): use a fully relativistic file (the set in "
                     "inputs/pseudo/pd04-pbe-fr/) or remove lspinorb", p->species[s].label, p->species[s].pseudo);
            return err_at(st->path, k ? k->lspinorb_line : 0, msg);
        }
    }
    return LS_OK;
}
