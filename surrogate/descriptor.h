/* Atom-centred descriptors: the plug-in interface (internal to surrogate/).
 *
 * A descriptor maps the neighbourhood of one atom (the displacements d_j = r_j - r_i to
 * its neighbours within r_cut, and their element indices) to n_feat numbers G that are
 * invariant under rotation, translation and permutation of like neighbours and go
 * smoothly to their r_cut limit.  Besides the values it provides the two derivative
 * products the potential and its training need, both exact:
 *   vjp:  dE/dd_j = sum_k gbar_k dG_k/dd_j      (forces and stress from dE/dG)
 *   jvp:  Gdot_k  = sum_j dG_k/dd_j . t_j        (derivative of G along a displacement field)
 * `compute` must be called first for the same environment; it may keep per-atom state
 * (n_state doubles, e.g. the moments) that vjp/jvp read, plus scratch (n_scratch doubles,
 * sized for max_neigh neighbours) that they may overwrite.
 */
#ifndef NNP_DESCRIPTOR_H
#define NNP_DESCRIPTOR_H

#include "surrogate/surrogate.h"

/* One atom's environment. */
struct nnp_env {
    int n_neigh;
    const int *elem;        /* [n_neigh] element index of each neighbour, 0..n_elem-1 */
    const double (*d)[3];   /* [n_neigh] displacement, bohr */
    const double *r;        /* [n_neigh] |d|, bohr */
};

typedef struct nnp_descriptor nnp_descriptor;

struct nnp_descriptor_type {
    const char *name;
    const char *summary;
    /* Check the parameters, set n_feat, n_state, and allocate `priv`. */
    int (*init)(nnp_descriptor *desc);
    void (*free_priv)(nnp_descriptor *desc);
    /* Scratch doubles needed for an environment of n_neigh neighbours. */
    long (*n_scratch)(const nnp_descriptor *desc, int n_neigh);
    void (*compute)(const nnp_descriptor *desc, const struct nnp_env *env, double *G, double *state,
                    double *scratch);
    void (*vjp)(const nnp_descriptor *desc, const struct nnp_env *env, const double *gbar,
                const double *state, double *scratch, double (*dE_dd)[3]);
    void (*jvp)(const nnp_descriptor *desc, const struct nnp_env *env, const double (*t)[3],
                const double *state, double *scratch, double *Gdot);
};

struct nnp_descriptor {
    const struct nnp_descriptor_type *type;
    struct nnp_descriptor_params p;
    int n_elem;
    int n_feat;
    int n_state;
    void *priv;
};

/* NULL-terminated registry. */
extern const struct nnp_descriptor_type *const nnp_descriptor_types[];
extern const struct nnp_descriptor_type nnp_descriptor_moment;
extern const struct nnp_descriptor_type nnp_descriptor_bp;

/* Look up p->type in the registry and initialise; LS_ERR_INPUT naming the known types. */
int nnp_descriptor_create(const struct nnp_descriptor_params *p, int n_elem, nnp_descriptor **out);
void nnp_descriptor_destroy(nnp_descriptor *desc);

/* Smooth cutoff f_c(r) = (1 + cos(pi r / r_c)) / 2 for r < r_c, else 0, and its derivative
 * (Behler, J. Chem. Phys. 134, 074106 (2011), doi:10.1063/1.3553717). */
void nnp_cutoff(double r, double r_cut, double *fc, double *dfc);

#endif
