/* Quantum ESPRESSO pw.x input files, read as pw.x 6.7 reads them.
 *
 * This file reads the file: Fortran namelists (&control, &system, &electrons, &ions, &cell)
 * whose keys go through the registry of key tables below, and the cards, each read by its
 * own function (input_qe_cards.c, input_qe_kpoints.c).  At the end every table's `finish`
 * runs, then the relaxation checks (input_qe_relax.c) and the assembly of the structure,
 * k-points and pseudopotentials (input_qe_structure.c).  See input_qe.h for the files.
 *
 * Every key is one of: used (converted from pw.x's units, Ry and bohr, to Ha and bohr);
 * accepted and not used, with a check of its value and a log line saying so (solver tuning
 * and output keys, whose value does not change the result); or refused, naming the file,
 * the line, the key and the feature ("... is not supported by Lodestone"), so that a user
 * never gets a silently different calculation.  Unknown keys are refused the same way.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"
#include "common/units.h"
#include "dft/dft.h"
#include "dft/input/input_qe.h"
#include "dft/input/input_qe_magnetic.h"
#include "dft/pseudo/pseudo_hints.h"

/* The key registry: the first table that lists a key takes it.  A new group of keys is a
 * table in its own file and one line here, before the tables it overrides (qe_keys_refused
 * names the features Lodestone does not have).  The magnetic keys (noncolin, lspinorb, ...)
 * have their own table; nspin (4 = noncolin) is the used table's. */
static const struct qe_key_table *const qe_key_tables[] = {
    &qe_keys_used,
    &qe_keys_magnetic,
    &qe_keys_accepted,
    &qe_keys_refused,
    NULL,
};

void qe_lower_copy(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++) dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

/* Strip a '!' or '#' comment outside quotes. */
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

int qe_value_double(struct qe_state *st, const char *key, const char *v, double *out)
{
    if (ls_parse_double(v, out) != 0) return ls_text_error(st->r, "%s = %s: expected a number", key, v);
    return LS_OK;
}

int qe_value_int(struct qe_state *st, const char *key, const char *v, int *out)
{
    long l;
    if (ls_parse_long(v, &l) != 0) return ls_text_error(st->r, "%s = %s: expected a whole number", key, v);
    if (l < -2147483647L || l > 2147483647L) return ls_text_error(st->r, "%s = %s: out of range", key, v);
    *out = (int)l;
    return LS_OK;
}

int qe_value_logical(struct qe_state *st, const char *key, const char *v, int *out)
{
    char b[16];
    qe_lower_copy(b, sizeof b, v);
    /* Fortran: .true., .t., t, true (and .false. ...); a leading '.' is optional. */
    const char *c = b[0] == '.' ? b + 1 : b;
    if (c[0] == 't') *out = 1;
    else if (c[0] == 'f') *out = 0;
    else return ls_text_error(st->r, "%s = %s: expected .true. or .false.", key, v);
    return LS_OK;
}

int qe_value_word(struct qe_state *st, const char *key, const char *v, const char *words, char *out, size_t n)
{
    char c[64];
    qe_lower_copy(c, sizeof c, v);
    if (!ls_list_has(words, '|', c)) {
        char list[512];
        size_t k = 0;
        for (const char *w = words; *w && k + 4 < sizeof list; w++) {
            if (*w == '|') {
                list[k++] = ',';
                list[k++] = ' ';
            } else {
                list[k++] = *w;
            }
        }
        list[k] = '\0';
        return ls_text_error(st->r, "%s = '%s': expected one of %s", key, v, list);
    }
    snprintf(out, n, "%s", c);
    return LS_OK;
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

static int set_key(struct qe_state *st, const char *nl, char *key, char *val)
{
    for (char *c = key; *c; c++) *c = (char)tolower((unsigned char)*c);
    char *v = unquote(val);
    /* name(i): the index */
    char base[64];
    int idx = 0;
    snprintf(base, sizeof base, "%s", key);
    char *paren = strchr(base, '(');
    if (paren) {
        long l;
        char *close = strchr(paren, ')');
        if (!close || close[1] != '\0') return ls_text_error(st->r, "%s: expected name(index)", key);
        *close = '\0';
        if (ls_parse_long(paren + 1, &l) != 0 || l < 1 || l > 100000)
            return ls_text_error(st->r, "%s: the index must be a whole number from 1", key);
        *paren = '\0';
        idx = (int)l;
    }
    /* The relaxation keys of &control, &ions and &cell first (input_qe_relax.c); calculation is
     * the used table's, which passes 'relax'/'vc-relax' on. */
    if (strcmp(base, "calculation") != 0) {
        int handled = 0;
        LS_TRY(qe_relax_set_key(&st->relax_keys, st->r, nl, key, v, st->relax, &handled));
        if (handled) return LS_OK;
    }
    for (int t = 0; qe_key_tables[t]; t++)
        for (const struct qe_key *k = qe_key_tables[t]->keys; k->name; k++)
            if (!strcmp(k->name, base) && !strcmp(k->nl, nl)) return k->set(st, k, idx, v);
    /* A key of another namelist? */
    for (int t = 0; qe_key_tables[t]; t++)
        for (const struct qe_key *k = qe_key_tables[t]->keys; k->name; k++)
            if (!strcmp(k->name, base))
                return ls_text_error(st->r, "'%s' belongs to &%s, not &%s: move it there", key, k->nl, nl);
    return ls_text_error(st->r, "the key '%s' in &%s is not supported by Lodestone (nor a pw.x 6.7 key that it "
                         "knows): remove it, or see dft/README.md, section \"pw.x input\", for the keys", key, nl);
}

/* Split a namelist line into key = value pairs (commas or spaces between pairs).  Returns 1
 * at the closing '/', 0 at the end of the line, or minus a status. */
static int parse_namelist_line(struct qe_state *st, const char *nl, char *line)
{
    char *c = line;
    while (*c) {
        while (*c && (isspace((unsigned char)*c) || *c == ',')) c++;
        if (!*c) break;
        if (*c == '/') return 1; /* end of the namelist */
        if (*c == '&') {
            char e[8];
            qe_lower_copy(e, sizeof e, c);
            if (!strncmp(e, "&end", 4)) return 1; /* the old Fortran terminator */
            return -ls_text_error(st->r, "namelist &%s is not closed with '/' before '%s'", nl, c);
        }
        char *key = c;
        while (*c && *c != '=' && !isspace((unsigned char)*c)) c++;
        char *key_end = c;
        while (*c && isspace((unsigned char)*c)) c++;
        if (*c != '=') return -ls_text_error(st->r, "expected 'key = value' in &%s, found '%s'", nl, key);
        *key_end = '\0';
        c++;
        while (*c && isspace((unsigned char)*c)) c++;
        char *val = c;
        if (*c == '\'' || *c == '"') {
            char q = *c++;
            while (*c && *c != q) c++;
            if (*c != q) return -ls_text_error(st->r, "unterminated string for '%s'", key);
            c++;
        } else {
            while (*c && *c != ',' && !isspace((unsigned char)*c) && *c != '/') c++;
        }
        char save = *c;
        *c = '\0';
        if (*val == '\0') return -ls_text_error(st->r, "'%s =' has no value", key);
        if (strchr(val, '*') && val[0] != '\'' && val[0] != '"')
            return -ls_text_error(st->r, "%s = %s: Fortran repeat counts (n*value) are not supported: give the "
                                  "value once", key, val);
        char valbuf[4096];
        snprintf(valbuf, sizeof valbuf, "%s", val);
        int status = set_key(st, nl, key, valbuf);
        if (status != LS_OK) return -status;
        *c = save;
        if (save == '/') return 1;
    }
    return 0;
}

/* Cards: read by their functions, or refused with the feature they belong to. */
static const struct {
    const char *name;
    int (*read)(struct qe_state *st, const char *opt);
    const char *feature; /* refused: what it is for */
} cards[] = {
    {"ATOMIC_SPECIES", qe_card_species, NULL},
    {"ATOMIC_POSITIONS", qe_card_positions, NULL},
    {"CELL_PARAMETERS", qe_card_cell, NULL},
    {"K_POINTS", qe_card_kpoints, NULL},
    {"OCCUPATIONS", qe_card_occupations, NULL},
    {"HUBBARD", NULL, "DFT+U (the HUBBARD card)"},
    {"CONSTRAINTS", NULL, "constrained relaxations (the CONSTRAINTS card)"},
    {"ATOMIC_FORCES", NULL, "external forces on atoms (the ATOMIC_FORCES card)"},
    {"ATOMIC_VELOCITIES", NULL, "molecular dynamics (the ATOMIC_VELOCITIES card)"},
    {"ADDITIONAL_K_POINTS", NULL, "hybrid-functional band structures (the ADDITIONAL_K_POINTS card)"},
    {"SOLVENTS", NULL, "3D-RISM solvation (the SOLVENTS card)"},
    {"TOTAL_CHARGE", NULL, "the TOTAL_CHARGE card (give tot_charge in &system)"},
    {"REF_CELL_PARAMETERS", NULL, "a reference cell for variable-cell runs (REF_CELL_PARAMETERS)"},
    {NULL, NULL, NULL},
};

static const char *const namelists[] = {"control", "system", "electrons", "ions", "cell", NULL};
static const char *const other_namelists[] = {"fcp", "rism", "wannier", "press_ai", "wannier_ac", NULL};

static int read_card(struct qe_state *st, const char *c)
{
    /* "NAME", "NAME option", "NAME {option}", "NAME (option)" */
    char card[64], opt[64] = "";
    size_t k = 0;
    while ((isalnum((unsigned char)c[k]) || c[k] == '_') && k + 1 < sizeof card) {
        card[k] = (char)toupper((unsigned char)c[k]);
        k++;
    }
    card[k] = '\0';
    const char *o = c + k;
    while (*o && (isspace((unsigned char)*o) || *o == '{' || *o == '(')) o++;
    size_t m = 0;
    while (o[m] && !isspace((unsigned char)o[m]) && o[m] != '}' && o[m] != ')' && m + 1 < sizeof opt) {
        opt[m] = o[m];
        m++;
    }
    opt[m] = '\0';
    for (int i = 0; cards[i].name; i++) {
        if (strcmp(cards[i].name, card) != 0) continue;
        if (cards[i].read) return cards[i].read(st, opt);
        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: %s is not supported by Lodestone",
                            st->path, st->r->line_no, cards[i].feature);
    }
    return ls_text_error(st->r, "unexpected '%s': expected a namelist (&system ...) or a card (ATOMIC_SPECIES, "
                         "ATOMIC_POSITIONS, CELL_PARAMETERS, K_POINTS, OCCUPATIONS)", c);
}

static int read_file(struct qe_state *st)
{
    int status = LS_OK;
    char nl[32] = "";
    long nl_line = 0;
    int seen[8] = {0};
    char *line;
    while ((status = ls_text_next(st->r, &line)) == LS_OK && line != NULL) {
        strip_comment(line);
        char *c = line;
        while (isspace((unsigned char)*c)) c++;
        if (*c == '\0') continue;
        if (nl[0]) {
            int rc = parse_namelist_line(st, nl, c);
            if (rc < 0) return -rc;
            if (rc == 1) nl[0] = '\0';
            continue;
        }
        if (*c == '&') {
            char name[32];
            size_t k = 0;
            for (const char *e = c + 1; *e && !isspace((unsigned char)*e) && *e != '/' && k + 1 < sizeof name; e++)
                name[k++] = (char)tolower((unsigned char)*e);
            name[k] = '\0';
            int which = -1;
            for (int i = 0; namelists[i]; i++)
                if (!strcmp(name, namelists[i])) which = i;
            if (which < 0) {
                for (int i = 0; other_namelists[i]; i++)
                    if (!strcmp(name, other_namelists[i]))
                        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: the namelist &%s is "
                                            "not supported by Lodestone", st->path, st->r->line_no, name);
                return ls_text_error(st->r, "unknown namelist &%s (expected &control, &system, &electrons, &ions, "
                                     "&cell)", name);
            }
            if (seen[which])
                return ls_text_error(st->r, "a second &%s namelist: give each namelist once", name);
            seen[which] = 1;
            snprintf(nl, sizeof nl, "%s", name);
            nl_line = st->r->line_no;
            /* The rest of the line may hold keys. */
            int rc = parse_namelist_line(st, nl, c + 1 + strlen(name));
            if (rc < 0) return -rc;
            if (rc == 1) nl[0] = '\0';
            continue;
        }
        LS_TRY(read_card(st, c));
    }
    if (status != LS_OK) return status;
    if (nl[0])
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: namelist &%s is not closed with '/'", st->path, nl_line, nl);
    return LS_OK;
}

int dft_params_read_qe_relax(const char *path, dft_params *p, struct dft_relax_request *relax)
{
    struct qe_state st;
    memset(&st, 0, sizeof st);
    st.p = p;
    st.path = path;
    st.relax = relax;
    snprintf(p->source, sizeof p->source, "%s", path);
    qe_relax_request_default(relax);
    p->conv_thr = 1e-6 * LS_RY_HARTREE; /* pw.x's default */
    LS_TRY(ls_text_open(path, &st.r));
    int status = read_file(&st);
    ls_text_close(st.r);
    st.r = NULL;
    for (int t = 0; status == LS_OK && qe_key_tables[t]; t++)
        if (qe_key_tables[t]->finish) status = qe_key_tables[t]->finish(&st);
    if (status == LS_OK) status = qe_relax_check(&st.relax_keys, path, relax);
    if (status == LS_OK) status = qe_build(&st);
    if (status == LS_OK) status = qe_magnetic_check_pseudo(&st); /* spin-orbit needs FR files */
    /* The SCF goes on to a hundredth of conv_thr, but not below 1e-10 Ry (one or two more
     * iterations): the energy is converged either way, but the eigenvalues (the Fermi level, the
     * highest occupied level) converge only linearly with the SCF error and are ~1 meV off at
     * pw.x's default 1e-6 Ry, ~0.1 meV at a hundredth of it (validation/qe-testsuite/README.md);
     * tighter thresholds are taken as given. */
    p->conv_thr_factor = fmax(0.01, fmin(1.0, 1e-10 * LS_RY_HARTREE / p->conv_thr));
    if (status == LS_OK && p->ecut_wfc > 0) dft_cutoff_hints_warn(p); /* advice from a HINTS.tsv beside the files */
    free(st.labels);
    free(st.coords);
    free(st.if_pos);
    free(st.occ_card);
    qe_kcard_free(&st.kcard);
    for (int i = 0; i < 4; i++) free(st.ext[i]);
    return status;
}
