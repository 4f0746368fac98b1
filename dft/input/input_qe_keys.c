/* The pw.x keys Lodestone uses (&control, &system, &electrons), converted from pw.x's units
 * (Ry, bohr) to Hartree atomic units and checked: a value pw.x would refuse, or one that
 * would give a silently different or impossible calculation, is an error naming the line
 * (issue 12's findings among them: mixing_beta <= 0, nbnd = 0, nr1 <= 0, electron_maxstep < 1,
 * starting_magnetization(i) beyond ntyp, nat out of range, cutoffs beyond what a grid holds).
 * The relaxation keys are input_qe_relax.c's; keys accepted and not used, and refused
 * features, are input_qe_accept.c's.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/input/input_qe.h"

#define ECUT_MAX_RY 1.0e5 /* beyond any plane-wave calculation (a 1 bohr^3 cell would need 10^7 points) */

static int set_calculation(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    (void)k, (void)idx;
    char c[32];
    LS_TRY(qe_value_word(st, "calculation", v, "scf|nscf|bands|relax|vc-relax|md|vc-md", c, sizeof c));
    st->calculation_line = st->r->line_no;
    if (!strcmp(c, "md") || !strcmp(c, "vc-md"))
        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: calculation = '%s': molecular dynamics "
                            "with DFT is not supported by Lodestone (relaxations are: 'relax', 'vc-relax'; MD with "
                            "a trained potential: 'lodestone md')", st->path, st->r->line_no, v);
    dft_params *p = st->p;
    p->calculation = !strcmp(c, "nscf") ? DFT_CALC_NSCF : !strcmp(c, "bands") ? DFT_CALC_BANDS : DFT_CALC_SCF;
    if (p->calculation != DFT_CALC_SCF) {
        st->relax->kind = DFT_RELAX_NONE;
        st->relax->line = (int)st->r->line_no;
        return LS_OK;
    }
    int handled = 0;
    return qe_relax_set_key(&st->relax_keys, st->r, "control", "calculation", c, st->relax, &handled);
}

static int set_string(struct qe_state *st, const char *key, char *dst, size_t n, const char *v)
{
    if (strlen(v) >= n) return ls_text_error(st->r, "%s: value too long (at most %zu characters)", key, n - 1);
    snprintf(dst, n, "%s", v);
    return LS_OK;
}

static int set_control(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    (void)idx;
    dft_params *p = st->p;
    if (!strcmp(k->name, "pseudo_dir")) {
        st->pseudo_dir_given = 1;
        return set_string(st, k->name, st->pseudo_dir, sizeof st->pseudo_dir, v);
    }
    if (!strcmp(k->name, "outdir")) return set_string(st, k->name, st->outdir, sizeof st->outdir, v);
    if (!strcmp(k->name, "prefix")) {
        if (strchr(v, '/')) return ls_text_error(st->r, "prefix = '%s': a name without '/'", v);
        return set_string(st, k->name, st->prefix, sizeof st->prefix, v);
    }
    if (!strcmp(k->name, "tprnfor")) return qe_value_logical(st, k->name, v, &p->compute_forces);
    if (!strcmp(k->name, "tstress")) return qe_value_logical(st, k->name, v, &p->compute_stress);
    return ls_text_error(st->r, "internal: no handler for %s", k->name);
}

static int set_cell(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    if (!strcmp(k->name, "ibrav")) {
        LS_TRY(qe_value_int(st, k->name, v, &st->ibrav));
        if (st->ibrav != 0 && !qe_lattice_known(st->ibrav))
            return ls_text_error(st->r, "ibrav = %s is not a Bravais lattice of pw.x 6.7 (0 to 14, -3, -5, -9, 91, "
                                 "-12, -13)", v);
        st->have_ibrav = 1;
        st->ibrav_line = st->r->line_no;
        return LS_OK;
    }
    if (!strcmp(k->name, "celldm")) {
        if (idx < 1 || idx > 6) return ls_text_error(st->r, "celldm(%d): the index runs from 1 to 6", idx);
        LS_TRY(qe_value_double(st, "celldm", v, &st->celldm[idx]));
        st->celldm_given |= 1 << idx;
        st->celldm_line = st->r->line_no;
        return LS_OK;
    }
    static const char *const abc[] = {"a", "b", "c", "cosab", "cosac", "cosbc"};
    for (int i = 0; i < 6; i++)
        if (!strcmp(k->name, abc[i])) {
            LS_TRY(qe_value_double(st, k->name, v, &st->abc[i]));
            st->abc_given |= 1 << i;
            st->abc_line = st->r->line_no;
            return LS_OK;
        }
    return ls_text_error(st->r, "internal: no handler for %s", k->name);
}

static int set_counts(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    (void)idx;
    int n;
    LS_TRY(qe_value_int(st, k->name, v, &n));
    if (!strcmp(k->name, "nat")) {
        if (n < 1) return ls_text_error(st->r, "nat = %s: a pw.x input needs at least one atom (nat >= 1)", v);
        if (n > QE_MAX_NAT)
            return ls_text_error(st->r, "nat = %s: more than the %d atoms Lodestone reads in one input", v, QE_MAX_NAT);
        st->nat = n;
        st->nat_line = st->r->line_no;
    } else {
        if (n < 1 || n > DFT_MAX_SPECIES)
            return ls_text_error(st->r, "ntyp = %s: expected 1 to %d species", v, DFT_MAX_SPECIES);
        st->ntyp = n;
        st->ntyp_line = st->r->line_no;
    }
    return LS_OK;
}

static int set_cutoff(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    (void)idx;
    double ry;
    LS_TRY(qe_value_double(st, k->name, v, &ry));
    if (!(ry > 0) || ry > ECUT_MAX_RY)
        return ls_text_error(st->r, "%s = %s: expected a cutoff above 0 and at most %g Ry", k->name, v, ECUT_MAX_RY);
    if (!strcmp(k->name, "ecutwfc")) {
        st->p->ecut_wfc = ry * LS_RY_HARTREE;
    } else {
        st->p->ecut_rho = ry * LS_RY_HARTREE;
        st->ecutrho_line = st->r->line_no;
    }
    return LS_OK;
}

static int set_fft(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    (void)idx;
    int n;
    LS_TRY(qe_value_int(st, k->name, v, &n));
    if (n < 1 || n > 4096)
        return ls_text_error(st->r, "%s = %s: an FFT dimension from 1 to 4096 (or leave nr1, nr2, nr3 out for the "
                             "automatic grid)", k->name, v);
    st->p->fft[k->name[2] - '1'] = n;
    st->fft_line = st->r->line_no;
    return LS_OK;
}

static int set_electronic(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    dft_params *p = st->p;
    if (!strcmp(k->name, "nbnd")) {
        LS_TRY(qe_value_int(st, k->name, v, &p->n_bands));
        if (p->n_bands < 1 || p->n_bands > 100000)
            return ls_text_error(st->r, "nbnd = %s: give at least the occupied bands (1 to 100000), or leave nbnd out "
                                 "for pw.x's default", v);
        st->nbnd_line = st->r->line_no;
        return LS_OK;
    }
    if (!strcmp(k->name, "tot_charge")) {
        LS_TRY(qe_value_double(st, k->name, v, &p->total_charge));
        if (fabs(p->total_charge) > 1e4) return ls_text_error(st->r, "tot_charge = %s: out of range", v);
        return LS_OK;
    }
    if (!strcmp(k->name, "nspin")) {
        LS_TRY(qe_value_int(st, k->name, v, &p->n_spin));
        if (p->n_spin == 4) { /* pw.x's other spelling of noncolin = .true. (input_qe_magnetic.c) */
            p->n_spin = 1;
            p->noncolin = 1;
            if (!p->line_noncolin) p->line_noncolin = (int)st->r->line_no;
        }
        if (p->n_spin != 1 && p->n_spin != 2) return ls_text_error(st->r, "nspin = %s: expected 1, 2 or 4", v);
        st->nspin_given = 1;
        st->nspin_line = st->r->line_no;
        return LS_OK;
    }
    if (!strcmp(k->name, "starting_magnetization")) {
        if (idx < 1 || idx > DFT_MAX_SPECIES)
            return ls_text_error(st->r, "starting_magnetization(%d): the species index runs from 1 to ntyp", idx);
        LS_TRY(qe_value_double(st, "starting_magnetization", v, &st->smag[idx]));
        /* pw.x clips to [-1, 1] silently; a value outside is a typo. */
        if (fabs(st->smag[idx]) > 1)
            return ls_text_error(st->r, "starting_magnetization(%d) = %s: expected -1 to 1 (a fraction of the "
                                 "valence charge)", idx, v);
        if (idx > st->smag_max_index) {
            st->smag_max_index = idx;
            st->smag_line = st->r->line_no;
        }
        return LS_OK;
    }
    if (!strcmp(k->name, "occupations")) {
        char c[32];
        LS_TRY(qe_value_word(st, k->name, v, "fixed|smearing|from_input|tetrahedra|tetrahedra_lin|tetrahedra-lin|"
                             "tetrahedra_opt|tetrahedra-opt", c, sizeof c));
        snprintf(st->occupations, sizeof st->occupations, "%s", c);
        st->occupations_line = st->r->line_no;
        if (!strcmp(c, "fixed")) p->occupations = DFT_OCC_FIXED;
        else if (!strcmp(c, "smearing")) p->occupations = DFT_OCC_SMEARING;
        else if (!strcmp(c, "from_input")) p->occupations = DFT_OCC_FROM_INPUT;
        else {
            p->occupations = DFT_OCC_TETRAHEDRA;
            p->tetrahedra = !strcmp(c, "tetrahedra") ? DFT_TETRA_BLOECHL
                          : !strncmp(c, "tetrahedra_l", 12) || !strncmp(c, "tetrahedra-l", 12) ? DFT_TETRA_LINEAR
                                                                                                 : DFT_TETRA_OPT;
        }
        return LS_OK;
    }
    if (!strcmp(k->name, "smearing")) {
        char c[32];
        LS_TRY(qe_value_word(st, k->name, v, "gaussian|gauss|methfessel-paxton|m-p|mp|marzari-vanderbilt|cold|m-v|mv|"
                             "fermi-dirac|f-d|fd", c, sizeof c));
        snprintf(p->smearing, sizeof p->smearing, "%s", c);
        st->smearing_given = 1;
        st->smearing_line = st->r->line_no;
        return LS_OK;
    }
    if (!strcmp(k->name, "degauss")) {
        double ry;
        LS_TRY(qe_value_double(st, k->name, v, &ry));
        if (ry < 0 || ry > 10) return ls_text_error(st->r, "degauss = %s: expected 0 to 10 Ry", v);
        p->smearing_width = ry * LS_RY_HARTREE;
        st->degauss_given = 1;
        return LS_OK;
    }
    return ls_text_error(st->r, "internal: no handler for %s", k->name);
}

/* input_dft: the functionals Lodestone has (LDA, PBE, PBEsol and their QE spellings); hybrids,
 * meta-GGAs and non-local vdW functionals named as what they are. */
static int set_functional(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    (void)k, (void)idx;
    char c[64];
    qe_lower_copy(c, sizeof c, v);
    static const struct {
        const char *names, *feature;
    } refused[] = {
        {"pbe0|b3lyp|hse|gaupbe|x3lyp|b3lyp-v1r|pbe0-d3|hf|vwn-rpa|gaup|b86bx|bhahlyp|sogga|m06l|pbesol0|pbe0x",
         "hybrid functionals (exact exchange)"},
        {"scan|scan0|r2scan|tpss|tpss-l|rscan|m06l|tb09|rvv10-scan|scan-l", "meta-GGA functionals"},
        {"vdw-df|vdw-df2|vdw-df-c09|vdw-df2-c09|vdw-df-obk8|vdw-df-obk7|vdw-df2-b86r|vdw-df-cx|vdw-df-c6|rvv10|"
         "beef-vdw|beef|vdw-df3-opt1|vdw-df3-opt2|vdw-df-w|vdw-df2-r86r|vdw-df-ob86|vdw-df2-ob86",
         "non-local van der Waals functionals"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (ls_list_has(refused[i].names, '|', c))
            return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: input_dft = '%s': %s are not "
                                "supported by Lodestone (LDA, PBE, PBEsol are)", st->path, st->r->line_no, v,
                                refused[i].feature);
    if (!ls_list_has("pz|lda|sla+pz|sla pz|pbe|sla+pw+pbx+pbc|sla pw pbx pbc|pbesol|sla+pw+psx+psc|sla pw psx psc|pw",
                     '|', c))
        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: input_dft = '%s' is not supported by "
                            "Lodestone: use 'PZ' (LDA), 'PBE' or 'PBEsol', or leave it out to take the functional "
                            "of the pseudopotentials", st->path, st->r->line_no, v);
    return set_string(st, "input_dft", st->p->functional, sizeof st->p->functional, v);
}

static int set_symmetry(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    (void)idx;
    int b;
    LS_TRY(qe_value_logical(st, k->name, v, &b));
    if (!strcmp(k->name, "nosym")) st->p->use_symmetry = !b;
    else st->p->time_reversal = !b;
    return LS_OK;
}

static int set_scf(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    (void)idx;
    dft_params *p = st->p;
    if (!strcmp(k->name, "conv_thr")) {
        double ry;
        LS_TRY(qe_value_double(st, k->name, v, &ry));
        if (!(ry > 0) || ry > 1) return ls_text_error(st->r, "conv_thr = %s: expected a threshold above 0 and at most 1 Ry", v);
        p->conv_thr = ry * LS_RY_HARTREE;
        return LS_OK;
    }
    if (!strcmp(k->name, "mixing_beta")) {
        LS_TRY(qe_value_double(st, k->name, v, &p->mixing_beta));
        if (!(p->mixing_beta > 0) || p->mixing_beta > 2)
            return ls_text_error(st->r, "mixing_beta = %s: expected a mixing factor above 0 and at most 2 (pw.x's "
                                 "default 0.7; lower it, e.g. 0.3, for a slow SCF)", v);
        return LS_OK;
    }
    if (!strcmp(k->name, "mixing_ndim")) {
        LS_TRY(qe_value_int(st, k->name, v, &p->mixing_history));
        if (p->mixing_history < 1 || p->mixing_history > 1000)
            return ls_text_error(st->r, "mixing_ndim = %s: expected 1 to 1000 previous iterations", v);
        return LS_OK;
    }
    if (!strcmp(k->name, "electron_maxstep")) {
        LS_TRY(qe_value_int(st, k->name, v, &p->max_iter));
        if (p->max_iter < 1 || p->max_iter > 1000000)
            return ls_text_error(st->r, "electron_maxstep = %s: expected at least 1 SCF iteration (and at most "
                                 "1000000)", v);
        return LS_OK;
    }
    return ls_text_error(st->r, "internal: no handler for %s", k->name);
}

static const struct qe_key used_keys[] = {
    {"control", "calculation", set_calculation, NULL, NULL},
    {"control", "pseudo_dir", set_control, NULL, NULL},
    {"control", "outdir", set_control, NULL, NULL},
    {"control", "prefix", set_control, NULL, NULL},
    {"control", "tprnfor", set_control, NULL, NULL},
    {"control", "tstress", set_control, NULL, NULL},
    {"system", "ibrav", set_cell, NULL, NULL},
    {"system", "celldm", set_cell, NULL, NULL},
    {"system", "a", set_cell, NULL, NULL},
    {"system", "b", set_cell, NULL, NULL},
    {"system", "c", set_cell, NULL, NULL},
    {"system", "cosab", set_cell, NULL, NULL},
    {"system", "cosac", set_cell, NULL, NULL},
    {"system", "cosbc", set_cell, NULL, NULL},
    {"system", "nat", set_counts, NULL, NULL},
    {"system", "ntyp", set_counts, NULL, NULL},
    {"system", "ecutwfc", set_cutoff, NULL, NULL},
    {"system", "ecutrho", set_cutoff, NULL, NULL},
    {"system", "nr1", set_fft, NULL, NULL},
    {"system", "nr2", set_fft, NULL, NULL},
    {"system", "nr3", set_fft, NULL, NULL},
    {"system", "nbnd", set_electronic, NULL, NULL},
    {"system", "tot_charge", set_electronic, NULL, NULL},
    {"system", "nspin", set_electronic, NULL, NULL},
    {"system", "starting_magnetization", set_electronic, NULL, NULL},
    {"system", "occupations", set_electronic, NULL, NULL},
    {"system", "smearing", set_electronic, NULL, NULL},
    {"system", "degauss", set_electronic, NULL, NULL},
    {"system", "input_dft", set_functional, NULL, NULL},
    {"system", "nosym", set_symmetry, NULL, NULL},
    {"system", "noinv", set_symmetry, NULL, NULL},
    {"electrons", "conv_thr", set_scf, NULL, NULL},
    {"electrons", "mixing_beta", set_scf, NULL, NULL},
    {"electrons", "mixing_ndim", set_scf, NULL, NULL},
    {"electrons", "electron_maxstep", set_scf, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* After the whole file: what depends on several keys. */
static int finish_used(struct qe_state *st)
{
    dft_params *p = st->p;
    if (st->smag_max_index > 0 && st->ntyp > 0 && st->smag_max_index > st->ntyp)
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: starting_magnetization(%d) names species %d, but ntyp = %d: the index runs "
                 "from 1 to ntyp", st->path, st->smag_line, st->smag_max_index, st->smag_max_index, st->ntyp);
    if (st->smag_max_index > 0 && p->n_spin != 2 && !p->noncolin)
        ls_log_warn("%s:%ld: starting_magnetization is not used without nspin = 2 (as in pw.x)", st->path,
                    st->smag_line);
    if ((p->fft[0] > 0 || p->fft[1] > 0 || p->fft[2] > 0) && !(p->fft[0] > 0 && p->fft[1] > 0 && p->fft[2] > 0))
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: give all three of nr1, nr2, nr3, or none (Lodestone then chooses the grid)",
                 st->path, st->fft_line);
    if (p->ecut_rho > 0 && p->ecut_wfc > 0 && p->ecut_rho < 4 * p->ecut_wfc * (1 - 1e-12))
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: ecutrho = %g Ry is below 4 ecutwfc = %g Ry, which norm-conserving "
                 "pseudopotentials need", st->path, st->ecutrho_line, 2 * p->ecut_rho, 8 * p->ecut_wfc);
    if (p->occupations == DFT_OCC_SMEARING && !(p->smearing_width > 0))
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: occupations = 'smearing' needs degauss > 0 (Ry)", st->path,
                 st->occupations_line);
    if (p->occupations != DFT_OCC_SMEARING && (st->smearing_given || st->degauss_given))
        ls_log_info("%s: smearing and degauss are not used with occupations = '%s' (as in pw.x)", st->path,
                    st->occupations[0] ? st->occupations : "fixed");
    if (p->occupations == DFT_OCC_SMEARING && !st->smearing_given) snprintf(p->smearing, sizeof p->smearing, "gaussian");
    return LS_OK;
}

const struct qe_key_table qe_keys_used = {"used", used_keys, finish_used};
