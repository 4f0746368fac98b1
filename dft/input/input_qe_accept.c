/* pw.x keys accepted and not used, and pw.x features refused.
 *
 * Accepted, not used: keys that tune how pw.x gets to the answer (its eigensolver, mixing
 * scheme, starting guesses, thresholds of its first iterations) or what it writes and where,
 * and keys that only act in calculations Lodestone refuses anyway.  Their value is checked
 * (a number, a whole number, a logical, or one of pw.x's words) and an info line says
 * "accepted, not used" and what Lodestone does instead.  The answer does not depend on them:
 * Lodestone's SCF converges to the same ground state whatever the path.
 *
 * Refused: features whose absence would change the result.  The message names the file, the
 * line, the key and the feature, and says "not supported by Lodestone" (exit code 2).  A key
 * whose value means "off" (pw.x's default: lda_plus_u = .false., assume_isolated = 'none',
 * vdw_corr = 'none', ...) is accepted without a word: refuse_unless below.
 *
 * The magnetic keys of non-collinear spin and fixed spin moments (noncolin, lspinorb,
 * angle1/2, tot_magnetization, ...) are the table of dft/input/input_qe_magnetic.c; the
 * magnetic features Lodestone does not have (fixed_magnetization, b_field) are refused here.
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"
#include "dft/input/input_qe.h"

static void log_accepted(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    char name[80];
    if (idx) snprintf(name, sizeof name, "%s(%d)", k->name, idx);
    else snprintf(name, sizeof name, "%s", k->name);
    ls_log_info("%s:%ld: %s = %s accepted, not used: %s", st->path, st->r->line_no, name, v, k->note);
}

int qe_accept_number(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    double x;
    LS_TRY(qe_value_double(st, k->name, v, &x));
    log_accepted(st, k, idx, v);
    return LS_OK;
}

int qe_accept_int(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    int n;
    LS_TRY(qe_value_int(st, k->name, v, &n));
    log_accepted(st, k, idx, v);
    return LS_OK;
}

int qe_accept_logical(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    int b;
    LS_TRY(qe_value_logical(st, k->name, v, &b));
    log_accepted(st, k, idx, v);
    return LS_OK;
}

int qe_accept_word(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    char w[64];
    LS_TRY(qe_value_word(st, k->name, v, k->words, w, sizeof w));
    log_accepted(st, k, idx, v);
    return LS_OK;
}

int qe_accept_string(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    log_accepted(st, k, idx, v);
    return LS_OK;
}

int qe_refuse(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    char name[80];
    if (idx) snprintf(name, sizeof name, "%s(%d)", k->name, idx);
    else snprintf(name, sizeof name, "%s", k->name);
    return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: %s = %s: %s is not supported by Lodestone",
                        st->path, st->r->line_no, name, v, k->note);
}

/* "Off" values: a logical .false., a number 0, or one of k->words. */
int qe_refuse_unless(struct qe_state *st, const struct qe_key *k, int idx, const char *v)
{
    char c[64];
    qe_lower_copy(c, sizeof c, v);
    double x;
    int off = 0;
    if (!strcmp(k->words, "false")) off = !strcmp(c, ".false.") || !strcmp(c, "false") || !strcmp(c, "f") ||
                                          !strcmp(c, ".f.");
    else if (!strcmp(k->words, "0")) off = ls_parse_double(v, &x) == 0 && x == 0;
    else off = ls_list_has(k->words, '|', c);
    if (off) return LS_OK;
    return qe_refuse(st, k, idx, v);
}

#define ACCEPT_N(nl, key, note) {nl, key, qe_accept_number, NULL, note}
#define ACCEPT_I(nl, key, note) {nl, key, qe_accept_int, NULL, note}
#define ACCEPT_L(nl, key, note) {nl, key, qe_accept_logical, NULL, note}
#define ACCEPT_W(nl, key, words, note) {nl, key, qe_accept_word, words, note}
#define ACCEPT_S(nl, key, note) {nl, key, qe_accept_string, NULL, note}

#define DIAG "Lodestone's block Davidson converges every band to its own threshold"
#define MIX "Lodestone mixes densities with Pulay (DIIS) mixing and converges to the same ground state"
#define OUT "it concerns pw.x's output files and printing only"
#define START "Lodestone starts from atomic densities and atomic orbitals; the converged result does not depend on the start"
#define MD_ONLY "it acts in molecular dynamics only, which Lodestone refuses"
#define EXX_ONLY "it acts with hybrid functionals only, which Lodestone refuses"
#define FIELD_ONLY "it acts with tefield, lelfield or gate only, which Lodestone refuses"

static const struct qe_key accepted_keys[] = {
    /* &control: files, printing, time limits */
    ACCEPT_S("control", "title", OUT),
    ACCEPT_W("control", "verbosity", "high|low|debug|medium|default|minimal", OUT),
    ACCEPT_W("control", "restart_mode", "from_scratch|restart",
             "Lodestone restarts from its own checkpoints with --restart (lodestone scf --help)"),
    ACCEPT_I("control", "iprint", OUT),
    ACCEPT_W("control", "disk_io", "high|medium|low|nowf|minimal|none|default", OUT),
    ACCEPT_L("control", "wf_collect", OUT),
    ACCEPT_S("control", "wfcdir", OUT),
    ACCEPT_L("control", "lkpoint_dir", OUT),
    ACCEPT_N("control", "max_seconds",
             "Lodestone runs to the end; a batch system's SIGTERM stops it after a checkpoint (exit code 3)"),
    ACCEPT_N("control", "dt", "the time step of pw.x's damped and MD dynamics; Lodestone's optimisers have none"),
    ACCEPT_L("control", "tqmmm", OUT),
    ACCEPT_S("control", "input_xml_schema_file", OUT),
    ACCEPT_N("control", "nberrycyc", FIELD_ONLY),
    ACCEPT_I("control", "gdir", FIELD_ONLY),
    ACCEPT_I("control", "nppstr", FIELD_ONLY),
    /* &system: symmetry and grid details, keys of refused features when off */
    ACCEPT_I("system", "nr1s", "the smooth grid of ultrasoft pseudopotentials; Lodestone has one grid"),
    ACCEPT_I("system", "nr2s", "the smooth grid of ultrasoft pseudopotentials; Lodestone has one grid"),
    ACCEPT_I("system", "nr3s", "the smooth grid of ultrasoft pseudopotentials; Lodestone has one grid"),
    ACCEPT_L("system", "use_all_frac",
             "Lodestone chooses an FFT grid that every fractional translation maps onto itself"),
    ACCEPT_L("system", "force_symmorphic",
             "Lodestone chooses an FFT grid that every fractional translation maps onto itself"),
    ACCEPT_N("system", "starting_charge", START),
    ACCEPT_I("system", "nqx1", EXX_ONLY),
    ACCEPT_I("system", "nqx2", EXX_ONLY),
    ACCEPT_I("system", "nqx3", EXX_ONLY),
    ACCEPT_N("system", "ecutfock", EXX_ONLY),
    ACCEPT_W("system", "exxdiv_treatment", "gygi-baldereschi|vcut_spherical|vcut_ws|none", EXX_ONLY),
    ACCEPT_L("system", "x_gamma_extrapolation", EXX_ONLY),
    ACCEPT_N("system", "ecutvcut", EXX_ONLY),
    ACCEPT_N("system", "localization_thr", EXX_ONLY),
    ACCEPT_L("system", "ace", EXX_ONLY),
    ACCEPT_I("system", "edir", FIELD_ONLY),
    ACCEPT_N("system", "emaxpos", FIELD_ONLY),
    ACCEPT_N("system", "eopreg", FIELD_ONLY),
    ACCEPT_N("system", "eamp", FIELD_ONLY),
    ACCEPT_N("system", "hubbard_u", "it acts with lda_plus_u = .true. only, which Lodestone refuses"),
    /* &electrons: the eigensolver, mixing, starting point */
    ACCEPT_W("electrons", "diagonalization", "david|cg|ppcg|paro|rmm-davidson|rmm-paro|rmm|davidson", DIAG),
    ACCEPT_N("electrons", "diago_thr_init", DIAG),
    ACCEPT_I("electrons", "diago_cg_maxiter", DIAG),
    ACCEPT_I("electrons", "diago_ppcg_maxiter", DIAG),
    ACCEPT_I("electrons", "diago_david_ndim", DIAG),
    ACCEPT_I("electrons", "diago_rmm_ndim", DIAG),
    ACCEPT_L("electrons", "diago_rmm_conv", DIAG),
    ACCEPT_I("electrons", "diago_gs_nblock", DIAG),
    ACCEPT_L("electrons", "diago_full_acc", "Lodestone converges every band, empty ones too"),
    ACCEPT_W("electrons", "mixing_mode", "plain|tf|local-tf", MIX),
    ACCEPT_L("electrons", "mixing_fixed_ns", MIX),
    ACCEPT_W("electrons", "startingpot", "atomic|file", START),
    ACCEPT_W("electrons", "startingwfc", "atomic|atomic+random|random|file", START),
    ACCEPT_L("electrons", "scf_must_converge",
             "Lodestone keeps the results of an SCF that does not converge and exits with code 1"),
    ACCEPT_L("electrons", "adaptive_thr", DIAG),
    ACCEPT_N("electrons", "conv_thr_init", DIAG),
    ACCEPT_N("electrons", "conv_thr_multi", DIAG),
    ACCEPT_I("electrons", "exx_maxstep", EXX_ONLY),
    ACCEPT_L("electrons", "tqr", "real-space augmentation of ultrasoft pseudopotentials, which Lodestone refuses"),
    ACCEPT_L("electrons", "real_space", "Lodestone applies projectors in reciprocal space (the same result)"),
    /* &ions: pw.x's FIRE parameters and MD-only keys */
    ACCEPT_N("ions", "fire_alpha_init", "Lodestone's FIRE uses its own parameters (the same minimum)"),
    ACCEPT_N("ions", "fire_falpha", "Lodestone's FIRE uses its own parameters (the same minimum)"),
    ACCEPT_I("ions", "fire_nmin", "Lodestone's FIRE uses its own parameters (the same minimum)"),
    ACCEPT_N("ions", "fire_f_inc", "Lodestone's FIRE uses its own parameters (the same minimum)"),
    ACCEPT_N("ions", "fire_f_dec", "Lodestone's FIRE uses its own parameters (the same minimum)"),
    ACCEPT_N("ions", "fire_dtmax", "Lodestone's FIRE uses its own parameters (the same minimum)"),
    ACCEPT_W("ions", "ion_positions", "default|from_input", "Lodestone takes the positions of the input"),
    ACCEPT_W("ions", "ion_temperature", "not_controlled", MD_ONLY),
    ACCEPT_N("ions", "tempw", MD_ONLY),
    ACCEPT_N("ions", "tolp", MD_ONLY),
    ACCEPT_N("ions", "delta_t", MD_ONLY),
    ACCEPT_I("ions", "nraise", MD_ONLY),
    ACCEPT_L("ions", "refold_pos", MD_ONLY),
    ACCEPT_L("ions", "remove_rigid_rot", MD_ONLY),
    /* &cell */
    ACCEPT_W("cell", "cell_temperature", "not_controlled", MD_ONLY),
    ACCEPT_N("cell", "temph", MD_ONLY),
    ACCEPT_N("cell", "fcp_mu", MD_ONLY),
    {NULL, NULL, NULL, NULL, NULL},
};

const struct qe_key_table qe_keys_accepted = {"accepted, not used", accepted_keys, NULL};

#define REFUSE(nl, key, feature) {nl, key, qe_refuse, NULL, feature}
#define REFUSE_UNLESS(nl, key, off, feature) {nl, key, qe_refuse_unless, off, feature}

static const struct qe_key refused_keys[] = {
    /* electric fields, isolated systems */
    REFUSE_UNLESS("control", "tefield", "false", "a sawtooth electric field (tefield)"),
    REFUSE_UNLESS("control", "lelfield", "false", "a homogeneous electric field (lelfield)"),
    REFUSE_UNLESS("control", "lberry", "false", "Berry-phase polarisation (lberry)"),
    REFUSE_UNLESS("control", "gate", "false", "charged plates (gate)"),
    REFUSE_UNLESS("control", "dipfield", "false", "a dipole correction (dipfield)"),
    REFUSE_UNLESS("control", "lorbm", "false", "orbital magnetisation (lorbm)"),
    REFUSE_UNLESS("control", "lfcp", "false", "the fictitious charge particle (lfcp)"),
    REFUSE_UNLESS("control", "trism", "false", "3D-RISM solvation (trism)"),
    REFUSE_UNLESS("control", "twochem", "false", "two chemical potentials (twochem)"),
    REFUSE_UNLESS("system", "assume_isolated", "none", "a correction for isolated or 2D systems (assume_isolated)"),
    REFUSE_UNLESS("electrons", "efield", "0", "an electric field (efield)"),
    REFUSE("electrons", "efield_cart", "an electric field (efield_cart)"),
    REFUSE_UNLESS("electrons", "efield_phase", "none", "an electric field (efield_phase)"),
    REFUSE_UNLESS("system", "esm_bc", "pbc", "the effective screening medium (esm_bc)"),
    REFUSE_UNLESS("system", "lgcscf", "false", "grand-canonical SCF (lgcscf)"),
    /* DFT+U, hybrids, vdW, modified functionals */
    REFUSE_UNLESS("system", "lda_plus_u", "false", "DFT+U (lda_plus_u)"),
    REFUSE("system", "lda_plus_u_kind", "DFT+U (lda_plus_u_kind)"),
    REFUSE("system", "hubbard_j0", "DFT+U (Hubbard_J0)"),
    REFUSE("system", "hubbard_alpha", "DFT+U (Hubbard_alpha)"),
    REFUSE("system", "hubbard_beta", "DFT+U (Hubbard_beta)"),
    REFUSE("system", "hubbard_j", "DFT+U (Hubbard_J)"),
    REFUSE("system", "hubbard_v", "DFT+U+V (Hubbard_V)"),
    REFUSE_UNLESS("system", "u_projection_type", "atomic", "DFT+U (U_projection_type)"),
    REFUSE_UNLESS("system", "vdw_corr", "none", "van der Waals corrections (vdw_corr)"),
    REFUSE_UNLESS("system", "london", "false", "van der Waals corrections (london, DFT-D2)"),
    REFUSE_UNLESS("system", "xdm", "false", "van der Waals corrections (xdm)"),
    REFUSE_UNLESS("system", "ts_vdw", "false", "van der Waals corrections (ts_vdw)"),
    REFUSE_UNLESS("system", "dftd3_version", "3", "van der Waals corrections (dftd3_version)"),
    REFUSE_UNLESS("system", "exx_fraction", "0", "hybrid functionals (exx_fraction)"),
    REFUSE_UNLESS("system", "screening_parameter", "0.106", "hybrid functionals (screening_parameter)"),
    REFUSE_UNLESS("system", "ecfixed", "0", "a modified kinetic functional for variable-cell MD (ecfixed)"),
    REFUSE_UNLESS("system", "qcutz", "0", "a modified kinetic functional for variable-cell MD (qcutz)"),
    REFUSE_UNLESS("system", "one_atom_occupations", "false", "occupations of atomic orbitals (one_atom_occupations)"),
    REFUSE_UNLESS("system", "nosym_evc", "false", "symmetrised k-points without symmetrised states (nosym_evc)"),
    REFUSE_UNLESS("system", "no_t_rev", "false", "magnetic symmetries without time reversal (no_t_rev)"),
    REFUSE("system", "space_group", "positions by space group and Wyckoff sites (space_group, crystal_sg)"),
    REFUSE("system", "origin_choice", "positions by space group and Wyckoff sites (origin_choice)"),
    REFUSE("system", "rhombohedral", "positions by space group and Wyckoff sites (rhombohedral)"),
    REFUSE("system", "uniqueb", "positions by space group and Wyckoff sites (uniqueb)"),
    REFUSE("system", "starting_ns_eigenvalue", "DFT+U (starting_ns_eigenvalue)"),
    /* magnetism beyond dft/input/input_qe_magnetic.c */
    REFUSE("system", "fixed_magnetization", "constrained magnetisation of the total moment (fixed_magnetization; "
           "use tot_magnetization)"),
    REFUSE("system", "b_field", "an external magnetic field"),
    {NULL, NULL, NULL, NULL, NULL},
};

const struct qe_key_table qe_keys_refused = {"refused", refused_keys, NULL};
