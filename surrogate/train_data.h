/* Per-structure training data, per-thread workspaces and the loss of one structure
 * (internal to surrogate/; used by train.c). */
#ifndef NNP_TRAIN_DATA_H
#define NNP_TRAIN_DATA_H

#include "surrogate/model.h"

struct nnp_tdata {
    const ls_structure *s; /* borrowed */
    nnp_neighbor_list *nl;
    int *elem;             /* [n_atom] */
    int *pair_elem;        /* [n_pair] */
    double volume;         /* bohr^3 */
    int use_stress, use_forces;
};

struct nnp_tws {
    int max_atom;
    long max_pair;
    double *x, *state, *gbar, *scr, *D, *T, *F, *phi, *G, *v, *netw;
};

/* Error sums of one or more structures. */
struct nnp_tacc {
    double loss;
    double e_sq, e_abs; /* per-atom energy errors, Ha */
    int n_e;
    double f_sq, f_abs; /* force components, Ha/bohr */
    long n_f;
    double s_sq;        /* stress components, Ha/bohr^3 */
    long n_s;
};
struct nnp_terr {
    double e_rmse_mev, e_mae_mev, f_rmse_ev_a, f_mae_ev_a, s_rmse_gpa;
};

int nnp_tdata_init(const nnp_model *m, const ls_structure *s, struct nnp_tdata *t);
void nnp_tdata_free(struct nnp_tdata *t);
int nnp_tws_init(const nnp_model *m, const struct nnp_tdata *data, int n, struct nnp_tws *ws);
void nnp_tws_free(struct nnp_tws *ws);

/* Least-squares reference energies per element over structures idx[0..n-1]. */
int nnp_tdata_fit_reference(nnp_model *m, const struct nnp_tdata *data, const int *idx, int n);
/* Feature mean, 1/std, min, max and the energy scale over structures idx[0..n-1]. */
int nnp_tdata_fit_normalisation(nnp_model *m, const struct nnp_tdata *data, const int *idx, int n);

/* Refit reference energies and normalisation on structures idx[0..n-1] and re-express the
 * networks so that predictions are unchanged (active.c; the warm-start rule). */
int nnp_model_refit_preserving(nnp_model *m, const struct nnp_tdata *data, const int *idx, int n);

/* Loss of one structure with member parameters w; adds dL/dw to grad unless grad is NULL;
 * fills *acc (overwritten). */
double nnp_tdata_pass(const nnp_model *m, const double *w, const struct nnp_tdata *t,
                      const struct nnp_train_config *cfg, struct nnp_tws *ws, double *grad, struct nnp_tacc *acc);

void nnp_tacc_add(struct nnp_tacc *a, const struct nnp_tacc *b);
void nnp_tacc_finish(const struct nnp_tacc *a, struct nnp_terr *e);

#endif
