/* The model object and helpers shared by model.c, model_io.c and train.c (internal). */
#ifndef NNP_MODEL_H
#define NNP_MODEL_H

#include "surrogate/descriptor.h"
#include "surrogate/neighbor.h"
#include "surrogate/network.h"
#include "surrogate/surrogate.h"

#define NNP_MODEL_FORMAT_VERSION 2 /* written; versions 1 and 2 are read */

struct nnp_model {
    struct nnp_model_config cfg;
    int n_elem;
    int z[NNP_MAX_ELEMENTS];
    double e_ref[NNP_MAX_ELEMENTS]; /* Ha per atom */
    double energy_scale;            /* Ha: atomic energy = e_ref + energy_scale * y */
    double unc_scale_energy;        /* calibration of the ensemble spread (1: none): energy */
    double unc_scale_force;         /* and forces; fitted by nnp_model_calibrate */
    nnp_descriptor *desc;
    int n_feat;
    double *feat_mean, *feat_inv_std, *feat_min, *feat_max; /* [n_feat] */
    struct nnp_network net;  /* shape, the same for every element */
    int n_member;
    long n_param;            /* per member: n_elem * net.n_param */
    double *param;           /* [n_member][n_elem][net.n_param] */
};

/* Parameters of member k, element e. */
static inline double *nnp_model_params(const nnp_model *m, int k, int e)
{
    return m->param + (long)k * m->n_param + (long)e * m->net.n_param;
}

/* Element index of each atom (-1 never returned: LS_ERR_INPUT naming the unknown element). */
int nnp_model_atom_elements(const nnp_model *m, const ls_structure *s, int *elem);

/* Normalised descriptor x = (G - mean) / std. */
static inline void nnp_model_normalise(const nnp_model *m, const double *G, double *x)
{
    for (int f = 0; f < m->n_feat; f++) x[f] = (G[f] - m->feat_mean[f]) * m->feat_inv_std[f];
}

#endif
