/* Quantum ESPRESSO pw.x input files, read as they are.
 *
 * Namelists &control, &system, &electrons, &ions, &cell and the cards ATOMIC_SPECIES,
 * ATOMIC_POSITIONS (with optional if_pos flags), CELL_PARAMETERS, K_POINTS.  calculation =
 * 'relax' / 'vc-relax' and the relaxation keys (forc_conv_thr, etot_conv_thr, nstep, &ions,
 * &cell) are read by dft/input/input_qe_relax.c into p->relax.  Every key Lodestone does not
 * support is an error naming the file, the line and the key, so a user never gets a
 * silently different calculation.  Units: pw.x's (Ry, bohr) converted to Ha/bohr.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/dft.h"
#include "dft/input/input_qe_magnetic.h"
#include "dft/input/input_qe_relax.h"
#include "dft/pseudo/pseudo_hints.h"

#define QE_MAX_SPECIES DFT_MAX_SPECIES

struct qe_state {
    ls_text_reader *r;
    dft_params *p;
    /* &system values needed by the cards */
    int ibrav, nat, ntyp, have_ibrav;
    double celldm1, a_angstrom;
    char pseudo_dir[4096];
    double smag[QE_MAX_SPECIES + 1];
    int smag_given;
    /* cards */
    int have_cell, have_positions, have_species, have_kpoints;
    double cell[3][3];
    char cell_unit[64];
    int n_atom_read;
    ls_label *labels;
    double (*coords)[3];
    int (*if_pos)[3];            /* pw.x's flags: 0 = coordinate fixed, 1 = free (default) */
    int any_fixed;
    char pos_unit[64];
    int nspin_given;
    struct qe_relax_keys relax_keys;
    struct qe_magnetic_keys mag_keys; /* noncolin, lspinorb, ... (input_qe_magnetic.c) */
};

static void lower(char *s)
{
    for (; *s; s++) *s = (char)tolower((unsigned char)*s);
}

/* Lower-case copy of src into dst[n], cut to fit (only used for keyword comparison). */
static void lower_copy(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++) dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

/* Strip a '!' comment outside quotes. */
static void strip_comment(char *line)
{
    char q = 0;
    for (char *c = line; *c; c++) {
        if (q) {
            if (*c == q) q = 0;
        } else if (*c == '\'' || *c == '"') {
            q = *c;
        } else if (*c == '!' || *c == '#') {
            *c = '\0';
            return;
        }
    }
}

static int parse_logical(const char *v, int *out)
{
    char b[16];
    lower_copy(b, sizeof b, v);
    if (!strcmp(b, ".true.") || !strcmp(b, "t") || !strcmp(b, ".t.") || !strcmp(b, "true")) *out = 1;
    else if (!strcmp(b, ".false.") || !strcmp(b, "f") || !strcmp(b, ".f.") || !strcmp(b, "false")) *out = 0;
    else return -1;
    return 0;
}

/* Unquote a string value in place. */
static char *unquote(char *v)
{
    size_t n = strlen(v);
    if (n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0]) {
        v[n - 1] = '\0';
        return v + 1;
    }
    return v;
}

/* Copy a value into a fixed buffer; error if it does not fit. */
static int copy_value(struct qe_state *st, const char *key, char *dst, size_t n, const char *v)
{
    size_t len = strlen(v);
    if (len >= n) return ls_text_error(st->r, "%s: value too long (at most %zu characters)", key, n - 1);
    memcpy(dst, v, len + 1);
    return LS_OK;
}

static int num(struct qe_state *st, const char *key, const char *v, double *out)
{
    if (ls_parse_double(v, out) != 0) return ls_text_error(st->r, "%s = %s: expected a number", key, v);
    return LS_OK;
}

static int inum(struct qe_state *st, const char *key, const char *v, int *out)
{
    long l;
    if (ls_parse_long(v, &l) != 0) return ls_text_error(st->r, "%s = %s: expected a whole number", key, v);
    *out = (int)l;
    return LS_OK;
}

/* Keys accepted without effect: they only concern pw.x's files and printing. */
static const char *const ignored_keys[] = {"prefix", "outdir", "verbosity", "title", "disk_io", "wf_collect",
                                           "restart_mode", "iprint", "max_seconds", "wfcdir", "mixing_mode",
                                           "diagonalization", "startingwfc", "startingpot", NULL};

static int set_key(struct qe_state *st, const char *nl, char *key, char *val)
{
    dft_params *p = st->p;
    lower(key);
    char *v = unquote(val);
    for (int i = 0; ignored_keys[i]; i++)
        if (!strcmp(key, ignored_keys[i])) return LS_OK;
    int idx = 0;
    char base[64];
    snprintf(base, sizeof base, "%s", key);
    char *paren = strchr(base, '(');
    if (paren) {
        *paren = '\0';
        idx = atoi(paren + 1);
    }
    int handled = 0;
    LS_TRY(qe_relax_set_key(&st->relax_keys, st->r, nl, key, v, &p->relax, &handled));
    if (handled) return LS_OK;
    LS_TRY(qe_magnetic_set_key(&st->mag_keys, st->r, nl, key, v, p, &handled));
    if (handled) return LS_OK;
    if (!strcmp(nl, "control")) {
        if (!strcmp(key, "pseudo_dir")) {
            return copy_value(st, key, st->pseudo_dir, sizeof st->pseudo_dir, v);
        }
        if (!strcmp(key, "tprnfor")) return parse_logical(v, &p->compute_forces) ? ls_text_error(st->r, "tprnfor: expected .true. or .false.") : LS_OK;
        if (!strcmp(key, "tstress")) return parse_logical(v, &p->compute_stress) ? ls_text_error(st->r, "tstress: expected .true. or .false.") : LS_OK;
    } else if (!strcmp(nl, "system")) {
        if (!strcmp(key, "ibrav")) {
            st->have_ibrav = 1;
            LS_TRY(inum(st, key, v, &st->ibrav));
            if (st->ibrav != 0)
                return ls_text_error(st->r, "ibrav = %d is not supported: give the cell with ibrav = 0 and CELL_PARAMETERS", st->ibrav);
            return LS_OK;
        }
        if (!strcmp(base, "celldm")) {
            if (idx != 1) return ls_text_error(st->r, "%s is not supported (only celldm(1) with ibrav = 0)", key);
            return num(st, key, v, &st->celldm1);
        }
        if (!strcmp(key, "a")) return num(st, key, v, &st->a_angstrom);
        if (!strcmp(key, "nat")) return inum(st, key, v, &st->nat);
        if (!strcmp(key, "ntyp")) return inum(st, key, v, &st->ntyp);
        if (!strcmp(key, "ecutwfc")) {
            LS_TRY(num(st, key, v, &p->ecut_wfc));
            p->ecut_wfc *= LS_RY_HARTREE;
            return LS_OK;
        }
        if (!strcmp(key, "ecutrho")) {
            LS_TRY(num(st, key, v, &p->ecut_rho));
            p->ecut_rho *= LS_RY_HARTREE;
            return LS_OK;
        }
        if (!strcmp(key, "nr1")) return inum(st, key, v, &p->fft[0]);
        if (!strcmp(key, "nr2")) return inum(st, key, v, &p->fft[1]);
        if (!strcmp(key, "nr3")) return inum(st, key, v, &p->fft[2]);
        if (!strcmp(key, "nbnd")) return inum(st, key, v, &p->n_bands);
        if (!strcmp(key, "tot_charge")) return num(st, key, v, &p->total_charge);
        if (!strcmp(key, "nspin")) {
            LS_TRY(inum(st, key, v, &p->n_spin));
            if (p->n_spin != 1 && p->n_spin != 2)
                return ls_text_error(st->r, "nspin = %d is not supported (1 or 2; non-collinear spin is not available)", p->n_spin);
            st->nspin_given = 1;
            return LS_OK;
        }
        if (!strcmp(base, "starting_magnetization")) {
            if (idx < 1 || idx > QE_MAX_SPECIES) return ls_text_error(st->r, "%s: species index out of range 1..%d", key, QE_MAX_SPECIES);
            LS_TRY(num(st, key, v, &st->smag[idx]));
            st->smag_given = 1;
            return LS_OK;
        }
        if (!strcmp(key, "occupations")) {
            char c[32];
            lower_copy(c, sizeof c, v);
            if (!strcmp(c, "fixed")) p->occupations = DFT_OCC_FIXED;
            else if (!strcmp(c, "smearing")) p->occupations = DFT_OCC_SMEARING;
            else return ls_text_error(st->r, "occupations = '%s' is not supported (use 'fixed' or 'smearing')", v);
            return LS_OK;
        }
        if (!strcmp(key, "smearing")) {
            return copy_value(st, key, p->smearing, sizeof p->smearing, v);
        }
        if (!strcmp(key, "degauss")) {
            LS_TRY(num(st, key, v, &p->smearing_width));
            p->smearing_width *= LS_RY_HARTREE;
            return LS_OK;
        }
        if (!strcmp(key, "input_dft")) {
            return copy_value(st, key, p->functional, sizeof p->functional, v);
        }
        if (!strcmp(key, "nosym")) {
            int b;
            if (parse_logical(v, &b)) return ls_text_error(st->r, "nosym: expected .true. or .false.");
            p->use_symmetry = !b;
            return LS_OK;
        }
        if (!strcmp(key, "noinv")) {
            int b;
            if (parse_logical(v, &b)) return ls_text_error(st->r, "noinv: expected .true. or .false.");
            p->time_reversal = !b;
            return LS_OK;
        }
    } else if (!strcmp(nl, "electrons")) {
        if (!strcmp(key, "conv_thr")) {
            LS_TRY(num(st, key, v, &p->conv_thr));
            p->conv_thr *= LS_RY_HARTREE;
            return LS_OK;
        }
        if (!strcmp(key, "mixing_beta")) return num(st, key, v, &p->mixing_beta);
        if (!strcmp(key, "electron_maxstep")) return inum(st, key, v, &p->max_iter);
        if (!strcmp(key, "mixing_ndim")) return inum(st, key, v, &p->mixing_history);
    }
    return ls_text_error(st->r, "the key '%s' in &%s is not supported by Lodestone: remove it, or see "
                         "'lodestone %s --help' for the supported pw.x keys", key, nl,
                         strcmp(nl, "ions") && strcmp(nl, "cell") ? "scf" : "relax");
}

/* Split a namelist line into key = value pairs (commas or spaces between pairs). */
static int parse_namelist_line(struct qe_state *st, const char *nl, char *line)
{
    char *c = line;
    while (*c) {
        while (*c && (isspace((unsigned char)*c) || *c == ',')) c++;
        if (!*c) break;
        if (*c == '/') return 1; /* end of the namelist */
        char *key = c;
        while (*c && *c != '=' && !isspace((unsigned char)*c)) c++;
        char *key_end = c;
        while (*c && isspace((unsigned char)*c)) c++;
        if (*c != '=') return ls_text_error(st->r, "expected 'key = value' in &%s, found '%s'", nl, key);
        *key_end = '\0';
        c++;
        while (*c && isspace((unsigned char)*c)) c++;
        char *val = c;
        if (*c == '\'' || *c == '"') {
            char q = *c++;
            while (*c && *c != q) c++;
            if (*c != q) return ls_text_error(st->r, "unterminated string for '%s'", key);
            c++;
        } else {
            while (*c && *c != ',' && !isspace((unsigned char)*c) && *c != '/') c++;
        }
        char save = *c;
        *c = '\0';
        if (*val == '\0') return ls_text_error(st->r, "'%s =' has no value", key);
        char valbuf[4096];
        snprintf(valbuf, sizeof valbuf, "%s", val);
        int status = set_key(st, nl, key, valbuf);
        if (status != LS_OK) return -status;
        *c = save;
        if (save == '/') return 1;
    }
    return 0;
}

static int read_cell_card(struct qe_state *st, const char *opt)
{
    lower_copy(st->cell_unit, sizeof st->cell_unit, opt[0] ? opt : "alat");
    if (strcmp(st->cell_unit, "angstrom") && strcmp(st->cell_unit, "bohr") && strcmp(st->cell_unit, "alat"))
        return ls_text_error(st->r, "CELL_PARAMETERS %s: expected angstrom, bohr or alat", opt);
    for (int i = 0; i < 3; i++) {
        char *line, *tok[8];
        LS_TRY(ls_text_expect(st->r, "a lattice vector (3 numbers)", &line));
        if (ls_text_split(line, tok, 8) != 3) return ls_text_error(st->r, "expected 3 numbers for lattice vector %d", i + 1);
        for (int k = 0; k < 3; k++) LS_TRY(ls_text_parse_double(st->r, tok[k], "a lattice vector component", &st->cell[i][k]));
    }
    st->have_cell = 1;
    return LS_OK;
}

static int read_species_card(struct qe_state *st)
{
    dft_params *p = st->p;
    if (st->ntyp < 1) return ls_text_error(st->r, "ATOMIC_SPECIES before ntyp was set in &system");
    if (st->ntyp > DFT_MAX_SPECIES) return ls_text_error(st->r, "ntyp = %d exceeds the limit of %d species", st->ntyp, DFT_MAX_SPECIES);
    for (int s = 0; s < st->ntyp; s++) {
        char *line, *tok[8];
        LS_TRY(ls_text_expect(st->r, "a species line 'Label mass pseudopotential'", &line));
        if (ls_text_split(line, tok, 8) != 3) return ls_text_error(st->r, "expected 'Label mass pseudopotential' for species %d", s + 1);
        struct dft_species *sp = &p->species[s];
        if (strlen(tok[0]) >= sizeof sp->label) return ls_text_error(st->r, "species label '%s' too long", tok[0]);
        snprintf(sp->label, sizeof sp->label, "%s", tok[0]);
        if (ls_element_z_from_label(tok[0]) == 0)
            return ls_text_error(st->r, "species '%s' does not start with an element symbol", tok[0]);
        LS_TRY(ls_text_parse_double(st->r, tok[1], "the mass (amu)", &sp->mass_amu));
        snprintf(sp->pseudo, sizeof sp->pseudo, "%s", tok[2]);
    }
    p->n_species = st->ntyp;
    st->have_species = 1;
    return LS_OK;
}

static int read_positions_card(struct qe_state *st, const char *opt)
{
    lower_copy(st->pos_unit, sizeof st->pos_unit, opt[0] ? opt : "alat");
    if (strcmp(st->pos_unit, "angstrom") && strcmp(st->pos_unit, "bohr") && strcmp(st->pos_unit, "alat") &&
        strcmp(st->pos_unit, "crystal"))
        return ls_text_error(st->r, "ATOMIC_POSITIONS %s: expected alat, bohr, angstrom or crystal", opt);
    if (st->nat < 1) return ls_text_error(st->r, "ATOMIC_POSITIONS before nat was set in &system");
    if (st->labels) return ls_text_error(st->r, "a second ATOMIC_POSITIONS card: give the positions once");
    st->labels = calloc((size_t)st->nat, sizeof *st->labels);
    st->coords = calloc((size_t)st->nat, sizeof *st->coords);
    st->if_pos = calloc((size_t)st->nat, sizeof *st->if_pos);
    if (!st->labels || !st->coords || !st->if_pos) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int a = 0; a < st->nat; a++) {
        char *line, *tok[8];
        LS_TRY(ls_text_expect(st->r, "an atom line 'Label x y z'", &line));
        int n = ls_text_split(line, tok, 8);
        if (n != 4 && n != 7)
            return ls_text_error(st->r, "atom %d of %d: expected 'Label x y z' or 'Label x y z if_x if_y if_z' "
                                 "(pw.x's if_pos flags, 0 = fixed, 1 = free), found %s%d fields",
                                 a + 1, st->nat, n == 8 ? "more than " : "", n == 8 ? 7 : n);
        snprintf(st->labels[a], sizeof st->labels[a], "%s", tok[0]);
        for (int k = 0; k < 3; k++) LS_TRY(ls_text_parse_double(st->r, tok[1 + k], "a coordinate", &st->coords[a][k]));
        for (int k = 0; k < 3; k++) {
            long flag = 1;
            if (n == 7 && (ls_parse_long(tok[4 + k], &flag) != 0 || (flag != 0 && flag != 1)))
                return ls_text_error(st->r, "atom %d: if_pos flag '%s' must be 0 (coordinate fixed) or 1 (free)",
                                     a + 1, tok[4 + k]);
            st->if_pos[a][k] = (int)flag;
            if (flag == 0) st->any_fixed = 1;
        }
    }
    st->n_atom_read = st->nat;
    st->have_positions = 1;
    return LS_OK;
}

static int read_kpoints_card(struct qe_state *st, const char *opt)
{
    char o[32];
    lower_copy(o, sizeof o, opt[0] ? opt : "tpiba");
    dft_params *p = st->p;
    if (!strcmp(o, "gamma")) {
        p->kmesh[0] = p->kmesh[1] = p->kmesh[2] = 1;
        p->kshift[0] = p->kshift[1] = p->kshift[2] = 0;
    } else if (!strcmp(o, "automatic")) {
        char *line, *tok[8];
        LS_TRY(ls_text_expect(st->r, "'n1 n2 n3 s1 s2 s3'", &line));
        if (ls_text_split(line, tok, 8) != 6) return ls_text_error(st->r, "K_POINTS automatic: expected 6 integers 'n1 n2 n3 s1 s2 s3'");
        for (int k = 0; k < 3; k++) {
            LS_TRY(ls_text_parse_int(st->r, tok[k], "a mesh division", &p->kmesh[k]));
            LS_TRY(ls_text_parse_int(st->r, tok[3 + k], "a shift (0 or 1)", &p->kshift[k]));
            if (p->kmesh[k] < 1 || p->kshift[k] < 0 || p->kshift[k] > 1)
                return ls_text_error(st->r, "K_POINTS automatic: divisions must be >= 1 and shifts 0 or 1");
        }
    } else {
        return ls_text_error(st->r, "K_POINTS %s is not supported (use automatic or gamma)", opt);
    }
    st->have_kpoints = 1;
    return LS_OK;
}

static int build_structure(struct qe_state *st)
{
    dft_params *p = st->p;
    const char *src = p->source;
    if (!st->have_ibrav) LS_ERROR(LS_ERR_INPUT, "%s: &system has no ibrav (Lodestone needs ibrav = 0 with CELL_PARAMETERS)", src);
    if (!st->have_cell) LS_ERROR(LS_ERR_INPUT, "%s: CELL_PARAMETERS card missing (needed with ibrav = 0)", src);
    if (!st->have_species) LS_ERROR(LS_ERR_INPUT, "%s: ATOMIC_SPECIES card missing", src);
    if (!st->have_positions) LS_ERROR(LS_ERR_INPUT, "%s: ATOMIC_POSITIONS card missing", src);
    if (!st->have_kpoints) LS_ERROR(LS_ERR_INPUT, "%s: K_POINTS card missing", src);
    double alat = 0;
    if (st->celldm1 > 0 && st->a_angstrom > 0) LS_ERROR(LS_ERR_INPUT, "%s: give celldm(1) or A, not both", src);
    if (st->celldm1 > 0) alat = st->celldm1;
    if (st->a_angstrom > 0) alat = st->a_angstrom * LS_ANGSTROM_BOHR;
    double cell[3][3];
    double f = 1.0;
    if (!strcmp(st->cell_unit, "angstrom")) f = LS_ANGSTROM_BOHR;
    else if (!strcmp(st->cell_unit, "alat")) {
        if (alat <= 0) LS_ERROR(LS_ERR_INPUT, "%s: CELL_PARAMETERS alat needs celldm(1) or A in &system", src);
        f = alat;
    }
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) cell[i][k] = st->cell[i][k] * f;
    if (alat <= 0) alat = sqrt(cell[0][0] * cell[0][0] + cell[0][1] * cell[0][1] + cell[0][2] * cell[0][2]);
    ls_structure *s = NULL;
    LS_TRY(ls_structure_create(st->nat, &s));
    memcpy(s->cell, cell, sizeof cell);
    for (int a = 0; a < st->nat; a++) {
        int status = ls_structure_set_species(s, a, st->labels[a]);
        if (status != LS_OK) {
            ls_structure_destroy(s);
            ls_error_prefix("%s: ATOMIC_POSITIONS: ", src);
            return status;
        }
        const double *c = st->coords[a];
        if (!strcmp(st->pos_unit, "crystal")) {
            for (int k = 0; k < 3; k++) s->pos[a][k] = c[0] * cell[0][k] + c[1] * cell[1][k] + c[2] * cell[2][k];
        } else {
            double g = !strcmp(st->pos_unit, "angstrom") ? LS_ANGSTROM_BOHR : !strcmp(st->pos_unit, "bohr") ? 1.0 : alat;
            for (int k = 0; k < 3; k++) s->pos[a][k] = c[k] * g;
        }
    }
    /* pw.x's if_pos multiplies the force component (0 = fixed); Lodestone's flag is the
     * opposite (1 = fixed, common/structure.h).  No array when nothing is fixed. */
    if (st->any_fixed) {
        int status = ls_structure_alloc_fixed(s);
        if (status != LS_OK) {
            ls_structure_destroy(s);
            return status;
        }
        for (int a = 0; a < st->nat; a++)
            for (int k = 0; k < 3; k++) s->fixed[a][k] = st->if_pos[a][k] == 0;
    }
    p->structure = s;
    /* Pseudopotential paths relative to pseudo_dir (default: the input's folder, then $ESPRESSO_PSEUDO). */
    for (int sp = 0; sp < p->n_species; sp++) {
        char path[4096];
        const char *dir = st->pseudo_dir[0] ? st->pseudo_dir : getenv("ESPRESSO_PSEUDO");
        if (p->species[sp].pseudo[0] != '/' && dir && *dir) {
            if (snprintf(path, sizeof path, "%s/%s", dir, p->species[sp].pseudo) >= (int)sizeof path)
                LS_ERROR(LS_ERR_INPUT, "%s: pseudopotential path too long", src);
            snprintf(p->species[sp].pseudo, sizeof p->species[sp].pseudo, "%s", path);
        }
        p->species[sp].starting_magnetization = st->smag[sp + 1];
    }
    if (st->smag_given && p->n_spin != 2 && !p->noncolin)
        ls_log_warn("%s: starting_magnetization is ignored without nspin = 2", src);
    return LS_OK;
}

int dft_params_read_qe(const char *path, dft_params *p)
{
    struct qe_state st;
    memset(&st, 0, sizeof st);
    st.p = p;
    snprintf(p->source, sizeof p->source, "%s", path);
    qe_relax_request_default(&p->relax);
    LS_TRY(ls_text_open(path, &st.r));
    int status = LS_OK;
    char nl[32] = "";
    char *line;
    while ((status = ls_text_next(st.r, &line)) == LS_OK && line != NULL) {
        strip_comment(line);
        char *c = line;
        while (isspace((unsigned char)*c)) c++;
        if (*c == '\0') continue;
        if (nl[0]) {
            int rc = parse_namelist_line(&st, nl, c);
            if (rc < 0) {
                status = -rc;
                break;
            }
            if (rc == 1) nl[0] = '\0';
            continue;
        }
        if (*c == '&') {
            snprintf(nl, sizeof nl, "%s", c + 1);
            char *e = nl;
            while (*e && !isspace((unsigned char)*e)) e++;
            *e = '\0';
            lower(nl);
            if (strcmp(nl, "control") && strcmp(nl, "system") && strcmp(nl, "electrons") && strcmp(nl, "ions") &&
                strcmp(nl, "cell")) {
                status = ls_text_error(st.r, "unknown namelist &%s (expected &control, &system, &electrons, &ions, "
                                       "&cell)", nl);
                break;
            }
            /* The rest of the line may hold keys. */
            char *rest = c + 1 + strlen(nl);
            int rc = parse_namelist_line(&st, nl, rest);
            if (rc < 0) {
                status = -rc;
                break;
            }
            if (rc == 1) nl[0] = '\0';
            continue;
        }
        char *tok[4];
        char card[64], opt[64] = "";
        char buf[256];
        snprintf(buf, sizeof buf, "%s", c);
        int n = ls_text_split(buf, tok, 4);
        snprintf(card, sizeof card, "%s", tok[0]);
        for (char *q = card; *q; q++) *q = (char)toupper((unsigned char)*q);
        if (n > 1) {
            char *o = tok[1];
            while (*o == '{' || *o == '(') o++;
            snprintf(opt, sizeof opt, "%s", o);
            char *e = opt + strlen(opt);
            while (e > opt && (e[-1] == '}' || e[-1] == ')')) *--e = '\0';
        }
        if (!strcmp(card, "ATOMIC_SPECIES")) status = read_species_card(&st);
        else if (!strcmp(card, "ATOMIC_POSITIONS")) status = read_positions_card(&st, opt);
        else if (!strcmp(card, "CELL_PARAMETERS")) status = read_cell_card(&st, opt);
        else if (!strcmp(card, "K_POINTS")) status = read_kpoints_card(&st, opt);
        else status = ls_text_error(st.r, "unexpected '%s': expected a namelist (&system ...) or a card "
                                    "(ATOMIC_SPECIES, ATOMIC_POSITIONS, CELL_PARAMETERS, K_POINTS)", tok[0]);
        if (status != LS_OK) break;
    }
    if (status == LS_OK && nl[0]) status = ls_text_error(st.r, "namelist &%s is not closed with '/'", nl);
    ls_text_close(st.r);
    if (status == LS_OK) status = qe_relax_check(&st.relax_keys, path, &p->relax);
    if (status == LS_OK) status = build_structure(&st);
    if (status == LS_OK) status = qe_magnetic_check(&st.mag_keys, path, p);
    if (status == LS_OK && p->ecut_wfc > 0) dft_cutoff_hints_warn(p); /* advice from a HINTS.tsv beside the files */
    free(st.labels);
    free(st.coords);
    free(st.if_pos);
    return status;
}
