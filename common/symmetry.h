/* Crystal symmetry through spglib (A. Togo et al., Sci. Technol. Adv. Mater. Meth. 4,
 * 2384822 (2024), doi:10.1080/27660400.2024.2384822).  This header and symmetry.c are the
 * only places that see spglib; everything else uses the types below.
 *
 * Conventions
 * - Operations act on FRACTIONAL coordinates (column vectors) exactly as in spglib:
 *       x' = R x + t,   R integer 3x3 (rotations[iop][i][j] = R_ij),  t fractional.
 *   In Cartesian coordinates (bohr) the same operation is r' = S r + A t, with A the
 *   matrix whose COLUMNS are the lattice vectors (A = transpose of ls_structure.cell)
 *   and S = A R A^-1 (orthogonal); cart_rotations[iop] holds S.  Forces and other
 *   Cartesian vectors transform as F' = S F.  spglib's lattice-as-columns layout is
 *   converted in symmetry.c only.
 * - The tolerance `symprec_bohr` is a Cartesian distance in bohr (spglib's symprec, which
 *   is in the unit of the cell, here bohr).  A value <= 0 selects LS_SYMPREC_DEFAULT_BOHR.
 * - Atoms are told apart by their species label (so "Fe1" and "Fe2" are different) and,
 *   when the structure has magnetic moments, by the moment (rounded to 1e-3 Bohr magneton):
 *   the symmetry found is that of the collinear magnetic configuration without spin flips.
 * - Only structures periodic in all three directions are analysed; others give
 *   LS_ERR_UNSUPPORTED.  spglib's failures become LS_ERR_INPUT (tolerance or geometry:
 *   atoms too close, no space group found) or LS_ERR_LIBRARY (anything else), with the
 *   tolerance in the message.
 * - spglib keeps its last error code in a global: calls from several threads at once are
 *   not safe.
 */
#ifndef LS_SYMMETRY_H
#define LS_SYMMETRY_H

#include "common/structure.h"
#include "common/units.h"

/* Default tolerance: 1e-5 Å, the value used by VASP (SYMPREC) and phonopy, in bohr.  It
 * suits files with 8 or more significant digits; structures with rounded coordinates
 * (e.g. CIF files with 4 decimals) need about 1e-3 Å. */
#define LS_SYMPREC_DEFAULT_A 1e-5
#define LS_SYMPREC_DEFAULT_BOHR (LS_SYMPREC_DEFAULT_A * LS_ANGSTROM_BOHR)

/* The space group of a structure and its operations. */
typedef struct ls_symmetry {
    double symprec_bohr;     /* the tolerance used */
    int spacegroup_number;   /* 1..230 */
    int hall_number;         /* 1..530, the setting spglib chose */
    char international[32];  /* short Hermann-Mauguin symbol, "Fd-3m" */
    char international_full[32]; /* "F 4_1/d -3 2/m" */
    char hall_symbol[20];    /* "-F 4vw 2vw 3" */
    char schoenflies[8];     /* "Oh^7" */
    char choice[8];          /* origin choice or cell choice, "" if none */
    char pointgroup[8];      /* international point-group symbol, "m-3m" */

    int n_op;                   /* operations of the input cell, pure translations included */
    int (*rotations)[3][3];     /* [n_op] R, fractional */
    double (*translations)[3];  /* [n_op] t, fractional */

    int n_atom;
    int *equivalent_atoms; /* [n_atom] index of the representative atom of each atom's orbit */
    char *wyckoff;         /* [n_atom] Wyckoff letter 'a'..'z', 'A' (the 27th letter alpha) */
    int *multiplicity;     /* [n_atom] multiplicity of the Wyckoff position (conventional cell) */
    char (*site_symmetry)[8]; /* [n_atom] oriented site-symmetry symbol, "-43m" */
    double (*orbit_frac)[3];  /* [n_atom] fractional coordinates, in the standardised
                                 conventional cell, of one representative of the atom's
                                 orbit: the image closest to the origin (lexicographically
                                 smallest after wrapping into [0, 1)); equal within an orbit */
    int n_conventional;    /* atoms in the standardised conventional cell */
    int n_primitive;       /* atoms in the primitive cell */
} ls_symmetry;

/* Analyse a 3D-periodic structure.  *out is created (free with ls_symmetry_destroy).
 * Status: LS_OK; LS_ERR_UNSUPPORTED (not 3D periodic); LS_ERR_INPUT (no atoms, singular
 * cell, spglib finds atoms closer than symprec or no space group); LS_ERR_LIBRARY;
 * LS_ERR_NOMEM. */
int ls_symmetry_analyse(const ls_structure *s, double symprec_bohr, ls_symmetry **out);
void ls_symmetry_destroy(ls_symmetry *sym); /* accepts NULL */

/* The operations that map the structure onto itself, with the atom permutation, for the
 * DFT engine (k-point reduction, symmetrising densities and forces).  Same operations as
 * ls_symmetry (spglib's, for the cell as given), plus their Cartesian form and the image
 * of every atom: operation iop moves atom ia onto atom atom_map[iop * n_atom + ia] (up to a
 * lattice vector; same species).  Operation 0 is the identity. */
typedef struct ls_symops {
    int n_op;
    int (*rotations)[3][3];        /* [n_op] R, fractional, x' = R x + t */
    double (*translations)[3];     /* [n_op] t, fractional */
    double (*cart_rotations)[3][3]; /* [n_op] S = A R A^-1, Cartesian, orthogonal */
    int n_atom;
    int *atom_map;                 /* [n_op * n_atom] */
} ls_symops;

/* Status as ls_symmetry_analyse; LS_ERR_NUMERIC if an operation does not map some atom
 * onto an atom of its species within 2 symprec (a tolerance at the edge of a symmetry). */
int ls_symops_create(const ls_structure *s, double symprec_bohr, ls_symops **out);
void ls_symops_destroy(ls_symops *ops); /* accepts NULL */

/* The primitive cell (spglib's, in the orientation of the input: lattice vectors not
 * rotated, atom positions taken from the input atoms and wrapped into the cell) as a new
 * structure with species, z and magnetic moments of the input (other per-atom data is not
 * carried over).  Status as ls_symmetry_analyse. */
int ls_structure_primitive(const ls_structure *s, double symprec_bohr, ls_structure **out);
/* The standardised conventional cell (spglib's: ITA setting, idealised, rotated to
 * spglib's standard orientation), as a new structure.  Status as ls_symmetry_analyse. */
int ls_structure_conventional(const ls_structure *s, double symprec_bohr, ls_structure **out);

/* spglib's version as "2.0.2". */
const char *ls_symmetry_library_version(void);

#endif
