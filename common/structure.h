/* The crystal structure type shared by every subsystem.
 *
 * Conventions (the one place they are stated):
 * - Lattice vectors are the ROWS of `cell`: cell[0] = a, cell[1] = b, cell[2] = c,
 *   in bohr.  A Cartesian position r and fractional coordinates f relate as
 *   r = f[0] a + f[1] b + f[2] c, i.e. r = f * cell (row vector times matrix).
 *   spglib wants the vectors as columns: convert only in common/symmetry.c.
 * - Positions are Cartesian, in bohr, stored as given (not wrapped into the cell).
 * - Energies in Ha, forces in Ha/bohr, stress in Ha/bohr^3 with ASE's sign
 *   (positive = tensile: the cell wants to shrink), magnetic moments in Bohr magnetons.
 * - Non-periodic directions (pbc[i] == 0) still carry a cell vector (the box).
 *
 * Optional data is present when its pointer is non-NULL (per-atom arrays) or its
 * has_ flag is set (per-frame scalars).  Free-form key/values (`info`) and per-atom
 * columns the program does not know (`extra`) are kept so files round-trip.
 */
#ifndef LS_STRUCTURE_H
#define LS_STRUCTURE_H

#include <stddef.h>

#define LS_LABEL_MAX 32

typedef char ls_label[LS_LABEL_MAX];

/* One free-form key/value pair, e.g. config_type=Vacancy.  The value is kept as text
 * exactly as read (without surrounding quotes). */
struct ls_keyval {
    char *key;
    char *value;
};

/* One per-atom column that Lodestone does not interpret (extended XYZ Properties),
 * kept as text: values[ia * n_col + ic]. `type` is the extxyz type letter S, R, I or L. */
struct ls_atom_column {
    char *name;
    char type;
    int n_col;
    char **values;
};

typedef struct ls_structure {
    int n_atom;
    double cell[3][3]; /* rows are lattice vectors, bohr */
    int pbc[3];        /* 1 periodic, 0 not */

    int *z;            /* [n_atom] atomic number (0 for an unknown/dummy species) */
    ls_label *species; /* [n_atom] label as read ("Fe", "Fe1"); equals the symbol by default */
    double (*pos)[3];  /* [n_atom][3] Cartesian, bohr */

    /* Optional per-atom data (NULL when absent). */
    double (*forces)[3];   /* Ha/bohr */
    double (*velocities)[3]; /* bohr per atomic time unit */
    double *magmom;        /* collinear moment, Bohr magnetons */
    double *mass_amu;      /* per-atom mass if it differs from the standard weight */
    int (*fixed)[3];       /* selective dynamics: 1 = coordinate fixed (POSCAR 'F') */

    /* Optional per-frame data. */
    int has_energy;
    double energy;         /* Ha (total or free energy, as the source says) */
    int has_stress;
    double stress[3][3];   /* Ha/bohr^3, ASE sign (positive = tensile) */

    char *comment;         /* title line (POSCAR line 1, XYZ comment without key/values) */

    int n_info;
    struct ls_keyval *info;
    int n_extra;
    struct ls_atom_column *extra;
} ls_structure;

/* Allocate a structure with n_atom atoms: zeroed positions, cell and z, pbc all
 * periodic, no optional data.  Returns LS_OK or LS_ERR_NOMEM. */
int ls_structure_create(int n_atom, ls_structure **out);
/* Free a structure and everything it owns; accepts NULL. */
void ls_structure_destroy(ls_structure *s);
/* Deep copy. */
int ls_structure_copy(const ls_structure *src, ls_structure **out);

/* Allocate an optional per-atom array (zeroed) if it is absent. */
int ls_structure_alloc_forces(ls_structure *s);
int ls_structure_alloc_velocities(ls_structure *s);
int ls_structure_alloc_magmom(ls_structure *s);
int ls_structure_alloc_fixed(ls_structure *s);
int ls_structure_alloc_mass(ls_structure *s);

/* The labels of a computed frame (a training frame, a trajectory frame): the energy (Ha) and,
 * when the pointers are not NULL, the forces (Ha/bohr, [n_atom][3]), the stress (Ha/bohr^3, ASE
 * sign) and the collinear moments (muB, [n_atom]) are copied into s (its arrays allocated as
 * needed); the labels not given are left as they are.  LS_ERR_NOMEM. */
int ls_structure_set_labels(ls_structure *s, double energy, const double (*forces)[3], const double (*stress)[3],
                            const double *magmom);

/* Set atom ia's species from an element symbol or label; z is derived from the
 * label.  Returns LS_ERR_INPUT if the label does not start with an element symbol. */
int ls_structure_set_species(ls_structure *s, int ia, const char *label);

/* Free-form key/values: set (replacing an existing key) and look up (NULL if absent). */
int ls_structure_info_set(ls_structure *s, const char *key, const char *value);
const char *ls_structure_info_get(const ls_structure *s, const char *key);
/* Append a key the caller knows to be new (no search: readers that refuse duplicate keys). */
int ls_structure_info_add(ls_structure *s, const char *key, const char *value);
/* Append a per-atom text column (values copied; n_atom * n_col strings). */
int ls_structure_extra_add(ls_structure *s, const char *name, char type, int n_col,
                           char *const *values);
int ls_structure_set_comment(ls_structure *s, const char *comment);

/* Cell geometry. */
double ls_cell_volume(const double cell[3][3]); /* signed triple product a.(b x c) */
/* Reciprocal vectors as rows, with the 2 pi: b_i . a_j = 2 pi delta_ij. */
int ls_cell_reciprocal(const double cell[3][3], double recip[3][3]);
/* Lengths (bohr) and angles (degrees): alpha = angle(b,c), beta = (a,c), gamma = (a,b). */
void ls_cell_parameters(const double cell[3][3], double lengths[3], double angles_deg[3]);
/* Cell from lengths and angles, a along x, b in the xy plane (the CIF/International
 * Tables convention).  LS_ERR_INPUT for impossible angles. */
int ls_cell_from_parameters(const double lengths[3], const double angles_deg[3],
                            double cell[3][3]);

/* The most lattice translations an atom may lie away from the cell along one vector
 * (ls_structure_check): beyond, rounding loses its place in the cell. */
#define LS_STRUCTURE_MAX_CELLS 1e10

/* Conversions between Cartesian (bohr) and fractional coordinates. */
int ls_structure_frac(const ls_structure *s, double (*frac)[3]);
void ls_structure_set_frac(ls_structure *s, const double (*frac)[3]);

/* Shortest distance between two atoms over periodic images (bohr), and the pair; returns
 * INFINITY for a single atom in a non-periodic cell. */
double ls_structure_min_distance(const ls_structure *s, int *ia_out, int *ja_out);

/* Validate: finite numbers, non-singular cell (|V| > 1e-6 bohr^3 for periodic cells),
 * known elements, and no two atoms closer than min_dist_bohr (0 disables).  The message
 * names `source` (usually the file name). */
int ls_structure_check(const ls_structure *s, double min_dist_bohr, const char *source);

/* Total mass in amu and chemical formula in Hill-like order of first appearance
 * ("Si2", "Fe2O3"); reduced = 1 divides by the greatest common divisor. */
double ls_structure_mass_amu(const ls_structure *s);
void ls_structure_formula(const ls_structure *s, int reduced, char *buf, size_t n_buf);

/* A growable list of frames (multi-frame files). */
typedef struct ls_structure_list {
    int n;
    int capacity;
    ls_structure **items; /* owned */
} ls_structure_list;

int ls_structure_list_create(ls_structure_list **out);
/* Append, taking ownership of s (also on failure s is destroyed). */
int ls_structure_list_push(ls_structure_list *list, ls_structure *s);
void ls_structure_list_destroy(ls_structure_list *list);

#endif
