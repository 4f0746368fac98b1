/* The pw.x reader's insides, shared by dft/input/input_qe*.c (internal to dft/input/).
 *
 * input_qe.c          the file: namelists, cards, the key registry, the final checks
 * input_qe_keys.c     the keys Lodestone uses (&control, &system, &electrons)
 * input_qe_accept.c   keys accepted and not used (tuning, output) and features refused
 * input_qe_cards.c    ATOMIC_SPECIES, ATOMIC_POSITIONS, CELL_PARAMETERS, OCCUPATIONS
 * input_qe_kpoints.c  K_POINTS in every form
 * input_qe_lattice.c  ibrav, celldm, A/B/C/cosAB... -> lattice vectors
 * input_qe_structure.c the cell, positions, k-points and pseudopotential paths at the end
 * input_qe_expr.c     arithmetic in coordinates
 * input_qe_relax.c    calculation = 'relax'/'vc-relax', &ions, &cell
 *
 * Keys go through a registry of tables (qe_key_tables, input_qe.c): each table lists keys
 * with a handler; the first table that has a key takes it.  A new group of keys (e.g. the
 * magnetic keys of non-collinear spin) is a new table in a new file and one line in the
 * registry; its optional `finish` runs after the whole file is read.
 */
#ifndef LS_DFT_INPUT_QE_H
#define LS_DFT_INPUT_QE_H

#include <stddef.h>

#include "common/textio.h"
#include "dft/dft.h"
#include "dft/input/input_qe_relax.h"

/* pw.x 6.7's bohr radius in Å (CODATA 2018, = LS_BOHR_ANGSTROM): the cells pw.x 6.7 builds from A
 * (Å) agree with it to the last digit, and not with CODATA 2006's 0.52917720859 (dft/input/test_input_qe_lattice.c) */
#define QE_BOHR_ANGSTROM 0.529177210903
#define QE_MAX_NAT 1000000             /* atoms: beyond any plane-wave calculation, checked before allocating */
#define QE_MAX_KPOINTS 100000          /* explicit or automatic k-points (pw.x 6.7: npk = 40000) */

/* Raw K_POINTS card, converted once the cell is known (cards come in any order). */
struct qe_kcard {
    int given;
    long line;
    char option[32];              /* tpiba, automatic, crystal, gamma, tpiba_b, crystal_b, tpiba_c, crystal_c */
    int mesh[3], shift[3];        /* automatic */
    int n;                        /* list forms: the points as given */
    double (*k)[3];
    double *w;
    char (*label)[16];
};

struct qe_state {
    ls_text_reader *r;
    dft_params *p;
    const char *path;
    /* &control */
    long calculation_line;
    char pseudo_dir[4096];
    int pseudo_dir_given;
    char outdir[4096];
    char prefix[256];
    /* &system */
    int ibrav, have_ibrav;
    long ibrav_line;
    double celldm[7];             /* celldm(1..6); [0] unused */
    int celldm_given;             /* bit i: celldm(i) given */
    long celldm_line;
    double abc[6];                /* A, B, C (Å), cosAB, cosAC, cosBC */
    int abc_given;                /* bit i: abc[i] given */
    long abc_line;
    int nat, ntyp;
    long nat_line, ntyp_line;
    double smag[DFT_MAX_SPECIES + 1];
    int smag_max_index;           /* largest starting_magnetization(i) given, 0 if none */
    long smag_line;
    int nspin_given;
    long nspin_line;
    long nbnd_line;
    long occupations_line;
    char occupations[32];         /* as given, lower case */
    long smearing_line;
    int smearing_given, degauss_given;
    long ecutrho_line, fft_line;
    /* cards */
    int have_cell, have_positions, have_species, have_occupations;
    long cell_line, positions_line;
    double cell[3][3];            /* CELL_PARAMETERS as given */
    char cell_unit[16];           /* alat, bohr, angstrom, or "" (no option) */
    long species_line[DFT_MAX_SPECIES];
    ls_label *labels;
    double (*coords)[3];
    int (*if_pos)[3];             /* pw.x's flags: 0 = coordinate fixed, 1 = free (default) */
    int any_fixed;
    char pos_unit[16];            /* alat, bohr, angstrom, crystal */
    double *occ_card;             /* OCCUPATIONS card [n_spin][nbnd] */
    int occ_card_n;               /* numbers read */
    long occ_card_line;
    struct qe_kcard kcard;
    struct qe_relax_keys relax_keys;
    struct dft_relax_request *relax; /* the caller's (dft_params_read_qe_relax) */
    void *ext[4];                 /* state a key table of its own may keep between its keys and its
                                     finish (e.g. the non-collinear magnetic keys): one malloc'd block
                                     each, freed by dft_params_read_qe at the end */
};

/* One key of a table.  `set` receives the key's index (name(i); 0 without one) and the value
 * unquoted; it returns LS_OK or an LS_ERR_INPUT made with ls_text_error (file and line). */
struct qe_key {
    const char *nl;        /* namelist: "control", "system", "electrons", "ions", "cell" */
    const char *name;      /* lower case, without the index */
    int (*set)(struct qe_state *st, const struct qe_key *k, int idx, const char *value);
    const char *words;     /* for the generic handlers: accepted words, '|'-separated */
    const char *note;      /* for the generic handlers: what Lodestone does instead / the feature */
};

struct qe_key_table {
    const char *name;
    const struct qe_key *keys;            /* ends with a NULL name */
    int (*finish)(struct qe_state *st);   /* after the whole file, before the structure; may be NULL */
};

extern const struct qe_key_table qe_keys_used;     /* input_qe_keys.c */
extern const struct qe_key_table qe_keys_accepted; /* input_qe_accept.c */
extern const struct qe_key_table qe_keys_refused;  /* input_qe_accept.c */

/* Value parsers: LS_OK, or LS_ERR_INPUT naming the file, the line, the key and what was expected. */
int qe_value_double(struct qe_state *st, const char *key, const char *v, double *out);
int qe_value_int(struct qe_state *st, const char *key, const char *v, int *out);
int qe_value_logical(struct qe_state *st, const char *key, const char *v, int *out);
/* One of `words` ('|'-separated, lower case), compared without case; the word into out[n]. */
int qe_value_word(struct qe_state *st, const char *key, const char *v, const char *words, char *out, size_t n);
void qe_lower_copy(char *dst, size_t n, const char *src);

/* Generic handlers for the tables (input_qe_accept.c).  accept_*: the value is checked (a
 * number, an integer, a logical, one of k->words, or any string) and an info line says
 * "accepted, not used: <k->note>".  refuse: "not supported by Lodestone: <k->note>".
 * refuse_unless: accepted without a word when the value is one of k->words (pw.x's default or
 * a value that means what Lodestone does), else refused like refuse. */
int qe_accept_number(struct qe_state *st, const struct qe_key *k, int idx, const char *v);
int qe_accept_int(struct qe_state *st, const struct qe_key *k, int idx, const char *v);
int qe_accept_logical(struct qe_state *st, const struct qe_key *k, int idx, const char *v);
int qe_accept_word(struct qe_state *st, const struct qe_key *k, int idx, const char *v);
int qe_accept_string(struct qe_state *st, const struct qe_key *k, int idx, const char *v);
int qe_refuse(struct qe_state *st, const struct qe_key *k, int idx, const char *v);
int qe_refuse_unless(struct qe_state *st, const struct qe_key *k, int idx, const char *v);

/* Cards (input_qe_cards.c, input_qe_kpoints.c): called on the card's line with its option
 * ("" when none); they read the card's lines. */
int qe_card_species(struct qe_state *st, const char *opt);
int qe_card_positions(struct qe_state *st, const char *opt);
int qe_card_cell(struct qe_state *st, const char *opt);
int qe_card_occupations(struct qe_state *st, const char *opt);
int qe_card_kpoints(struct qe_state *st, const char *opt);
void qe_kcard_free(struct qe_kcard *kc);

/* After the whole file: the cell (bohr, rows) and alat (bohr) from ibrav/celldm/A.../
 * CELL_PARAMETERS (input_qe_structure.c); then the structure, k-points, occupations and
 * pseudopotential paths into st->p. */
int qe_build(struct qe_state *st);
/* K_POINTS into p (mesh, or the list in fractional coordinates), once the cell is known. */
int qe_kpoints_build(struct qe_state *st, const double cell[3][3], double alat);

/* Lattice (input_qe_lattice.c).  0 or -1 with a message in err[n] (no file or line). */
int qe_lattice_known(int ibrav);
int qe_lattice_vectors(int ibrav, const double celldm[7], double v[3][3], char *err, size_t n);
int qe_lattice_abc_to_celldm(int ibrav, const double abc[6], double celldm[7], char *err, size_t n);

/* Arithmetic in a coordinate field (input_qe_expr.c): 0, or -1 with a message in err[n]. */
int qe_expr_eval(const char *text, double *value, char *err, size_t n);

#endif
