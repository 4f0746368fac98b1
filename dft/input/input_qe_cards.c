/* pw.x cards ATOMIC_SPECIES, ATOMIC_POSITIONS, CELL_PARAMETERS and OCCUPATIONS, read as pw.x
 * 6.7 reads them (read_cards.f90): each card once; units as the card's option; positions may
 * be arithmetic expressions (input_qe_expr.c) and may end with the three if_pos flags.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/textio.h"
#include "dft/input/input_qe.h"

/* The next line of a card, without comments, split into at most max fields. */
static int card_line(struct qe_state *st, const char *what, char **tok, int max, int *n)
{
    char *line;
    LS_TRY(ls_text_expect(st->r, what, &line));
    for (char *c = line; *c; c++)
        if (*c == '!' || *c == '#') {
            *c = '\0';
            break;
        }
    *n = ls_text_split(line, tok, max);
    return LS_OK;
}

int qe_card_cell(struct qe_state *st, const char *opt)
{
    if (st->have_cell) return ls_text_error(st->r, "a second CELL_PARAMETERS card: give the cell once");
    qe_lower_copy(st->cell_unit, sizeof st->cell_unit, opt);
    if (opt[0] && strcmp(st->cell_unit, "angstrom") && strcmp(st->cell_unit, "bohr") && strcmp(st->cell_unit, "alat"))
        return ls_text_error(st->r, "CELL_PARAMETERS %s: expected alat, bohr or angstrom", opt);
    st->cell_line = st->r->line_no;
    for (int i = 0; i < 3; i++) {
        char *tok[8];
        int n;
        LS_TRY(card_line(st, "a lattice vector (3 numbers)", tok, 8, &n));
        if (n != 3) return ls_text_error(st->r, "expected 3 numbers for lattice vector %d", i + 1);
        for (int k = 0; k < 3; k++)
            LS_TRY(ls_text_parse_double(st->r, tok[k], "a lattice vector component", &st->cell[i][k]));
    }
    st->have_cell = 1;
    return LS_OK;
}

int qe_card_species(struct qe_state *st, const char *opt)
{
    (void)opt;
    dft_params *p = st->p;
    if (st->have_species) return ls_text_error(st->r, "a second ATOMIC_SPECIES card: give the species once");
    if (st->ntyp < 1) return ls_text_error(st->r, "ATOMIC_SPECIES before ntyp was set in &system");
    for (int s = 0; s < st->ntyp; s++) {
        char *tok[8];
        int n;
        LS_TRY(card_line(st, "a species line 'Label mass pseudopotential'", tok, 8, &n));
        if (n != 3)
            return ls_text_error(st->r, "expected 'Label mass pseudopotential' for species %d of ntyp = %d", s + 1,
                                 st->ntyp);
        struct dft_species *sp = &p->species[s];
        if (strlen(tok[0]) >= sizeof sp->label) return ls_text_error(st->r, "species label '%s' too long", tok[0]);
        for (int t = 0; t < s; t++)
            if (!strcmp(p->species[t].label, tok[0]))
                return ls_text_error(st->r, "species '%s' is given twice in ATOMIC_SPECIES", tok[0]);
        snprintf(sp->label, sizeof sp->label, "%s", tok[0]);
        if (ls_element_z_from_label(tok[0]) == 0)
            return ls_text_error(st->r, "species '%s' does not start with an element symbol", tok[0]);
        LS_TRY(ls_text_parse_double(st->r, tok[1], "the mass (amu)", &sp->mass_amu));
        if (strlen(tok[2]) >= sizeof sp->pseudo) return ls_text_error(st->r, "pseudopotential name too long");
        snprintf(sp->pseudo, sizeof sp->pseudo, "%s", tok[2]);
        st->species_line[s] = st->r->line_no;
    }
    p->n_species = st->ntyp;
    st->have_species = 1;
    return LS_OK;
}

int qe_card_positions(struct qe_state *st, const char *opt)
{
    if (st->have_positions) return ls_text_error(st->r, "a second ATOMIC_POSITIONS card: give the positions once");
    qe_lower_copy(st->pos_unit, sizeof st->pos_unit, opt[0] ? opt : "alat");
    if (!strcmp(st->pos_unit, "crystal_sg"))
        return ls_error_set(LS_ERR_UNSUPPORTED, __FILE__, __LINE__, "%s:%ld: ATOMIC_POSITIONS crystal_sg: positions by "
                            "space group and Wyckoff sites are not supported by Lodestone: give every atom in "
                            "crystal coordinates", st->path, st->r->line_no);
    if (strcmp(st->pos_unit, "angstrom") && strcmp(st->pos_unit, "bohr") && strcmp(st->pos_unit, "alat") &&
        strcmp(st->pos_unit, "crystal"))
        return ls_text_error(st->r, "ATOMIC_POSITIONS %s: expected alat, bohr, angstrom or crystal", opt);
    if (st->nat < 1) return ls_text_error(st->r, "ATOMIC_POSITIONS before nat was set in &system");
    st->positions_line = st->r->line_no;
    /* Each atom line holds at least "H 0 0 0\n": nat beyond the rest of the file is refused before allocating. */
    LS_TRY(ls_text_check_count(st->r, st->nat, 8, "atoms (nat in &system)"));
    st->labels = calloc((size_t)st->nat, sizeof *st->labels);
    st->coords = calloc((size_t)st->nat, sizeof *st->coords);
    st->if_pos = calloc((size_t)st->nat, sizeof *st->if_pos);
    if (!st->labels || !st->coords || !st->if_pos) LS_ERROR(LS_ERR_NOMEM, "out of memory for %d atoms", st->nat);
    for (int a = 0; a < st->nat; a++) {
        char *tok[8];
        int n;
        LS_TRY(card_line(st, "an atom line 'Label x y z'", tok, 8, &n));
        if (n != 4 && n != 7)
            return ls_text_error(st->r, "atom %d of nat = %d: expected 'Label x y z' or 'Label x y z if_x if_y if_z' "
                                 "(pw.x's if_pos flags, 0 = fixed, 1 = free), found %s%d fields",
                                 a + 1, st->nat, n == 8 ? "more than " : "", n == 8 ? 7 : n);
        if (strlen(tok[0]) >= sizeof st->labels[a]) return ls_text_error(st->r, "atom label '%s' too long", tok[0]);
        snprintf(st->labels[a], sizeof st->labels[a], "%s", tok[0]);
        for (int k = 0; k < 3; k++) {
            char err[256];
            if (qe_expr_eval(tok[1 + k], &st->coords[a][k], err, sizeof err) != 0)
                return ls_text_error(st->r, "atom %d, coordinate %d: %s (a number or an expression such as 1/3 or "
                                     "-(1+1)*0.25)", a + 1, k + 1, err);
        }
        for (int k = 0; k < 3; k++) {
            long flag = 1;
            if (n == 7 && (ls_parse_long(tok[4 + k], &flag) != 0 || (flag != 0 && flag != 1)))
                return ls_text_error(st->r, "atom %d: if_pos flag '%s' must be 0 (coordinate fixed) or 1 (free)",
                                     a + 1, tok[4 + k]);
            st->if_pos[a][k] = (int)flag;
            if (flag == 0) st->any_fixed = 1;
        }
    }
    st->have_positions = 1;
    return LS_OK;
}

/* OCCUPATIONS: nbnd numbers (several per line, over as many lines as needed), then nbnd more
 * for the second spin channel with nspin = 2.  Read whole here; checked in qe_build, when
 * nbnd and nspin are sure to be known. */
int qe_card_occupations(struct qe_state *st, const char *opt)
{
    (void)opt;
    dft_params *p = st->p;
    if (st->have_occupations) return ls_text_error(st->r, "a second OCCUPATIONS card: give the occupations once");
    if (p->n_bands < 1) return ls_text_error(st->r, "OCCUPATIONS needs nbnd in &system (the number of values per spin)");
    int ns = p->n_spin == 2 ? 2 : 1, want = ns * p->n_bands;
    st->occ_card_line = st->r->line_no;
    st->occ_card = malloc((size_t)want * sizeof *st->occ_card);
    if (!st->occ_card) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    int got = 0;
    while (got < want) {
        char *tok[64];
        int n;
        char what[96];
        snprintf(what, sizeof what, "occupation %d of %d (nbnd = %d%s)", got + 1, want, p->n_bands,
                 ns == 2 ? " for each spin" : "");
        LS_TRY(card_line(st, what, tok, 64, &n));
        if (n == 64) return ls_text_error(st->r, "more than 63 occupations on one line: split it");
        for (int i = 0; i < n; i++) {
            if (got == want)
                return ls_text_error(st->r, "more occupations than nbnd = %d%s", p->n_bands,
                                     ns == 2 ? " per spin channel" : "");
            LS_TRY(ls_text_parse_double(st->r, tok[i], "an occupation", &st->occ_card[got]));
            got++;
        }
    }
    st->occ_card_n = got;
    st->have_occupations = 1;
    return LS_OK;
}
