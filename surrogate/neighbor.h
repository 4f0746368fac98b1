/* Neighbour lists within a cutoff, built with cell lists (internal to surrogate/).
 *
 * A full list: every atom i sees every atom j (including periodic images of itself and of
 * i) with |r_j + T - r_i| < r_cut, where T is a lattice translation along the periodic
 * directions.  The pairs of atom i are entries offset[i] .. offset[i+1]-1; for each, j is
 * the index of the atom in the structure and d = r_j + T - r_i (bohr) the displacement.
 *
 * Cost is linear in the number of atoms: atoms (and the images within r_cut of the cell)
 * are binned in fractional coordinates with bins at least r_cut wide across each pair of
 * lattice planes, so only neighbouring bins are searched.  Small cells (r_cut larger than
 * the cell) get as many image layers as needed; non-periodic directions get none.
 */
#ifndef NNP_NEIGHBOR_H
#define NNP_NEIGHBOR_H

#include "common/structure.h"

typedef struct nnp_neighbor_list {
    int n_atom;
    long n_pair;
    long capacity;
    long *offset;      /* [n_atom + 1] */
    int *j;            /* [n_pair] neighbour atom index */
    double (*d)[3];    /* [n_pair] displacement r_j + T - r_i, bohr */
    double *r;         /* [n_pair] |d|, bohr */
    double r_cut;      /* bohr */
} nnp_neighbor_list;

/* Build the list for structure s with cutoff r_cut (bohr).  *list may be NULL (a new list
 * is allocated) or an existing list whose memory is reused.  LS_ERR_INPUT for a singular
 * cell or non-finite positions, LS_ERR_NOMEM. */
int nnp_neighbor_build(const ls_structure *s, double r_cut, nnp_neighbor_list **list);
void nnp_neighbor_destroy(nnp_neighbor_list *list); /* accepts NULL */

#endif
