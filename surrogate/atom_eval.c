/* One atom's energy and its derivatives for programs that bring their own neighbour lists
 * (the LAMMPS pair style in lammps/): the same descriptor, normalisation and networks as
 * nnp_model_predict (model.c), ensemble mean taken on dE/dG before the descriptor's vjp
 * (the vjp is linear in dE/dG, so this equals the mean of the members' pair derivatives).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "surrogate/model.h"

struct nnp_atom_work {
    long n_scr;
    int cap_neigh;
    double *scr, *G, *x, *dy, *gbar, *state, *netw, *r;
};

int nnp_model_element_index(const nnp_model *m, int z)
{
    for (int e = 0; e < m->n_elem; e++)
        if (m->z[e] == z) return e;
    return -1;
}

void nnp_atom_work_destroy(nnp_atom_work *w)
{
    if (w == NULL) return;
    free(w->scr);
    free(w->G);
    free(w->r);
    free(w);
}

int nnp_atom_work_create(const nnp_model *m, nnp_atom_work **out)
{
    *out = NULL;
    nnp_atom_work *w = calloc(1, sizeof *w);
    if (w == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    const long nf = m->n_feat, nn = nnp_network_work_size(&m->net);
    w->G = malloc((size_t)(4 * nf + m->desc->n_state + 1 + nn) * sizeof *w->G);
    if (w->G == NULL) {
        nnp_atom_work_destroy(w);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    w->x = w->G + nf;
    w->dy = w->x + nf;
    w->gbar = w->dy + nf;
    w->state = w->gbar + nf;
    w->netw = w->state + m->desc->n_state + 1;
    *out = w;
    return LS_OK;
}

int nnp_model_atom_energy(const nnp_model *m, int elem, int n_neigh, const int *neigh_elem, const double (*d)[3],
                          double *energy, double (*dE_dd)[3], nnp_atom_work *w)
{
    if (elem < 0 || elem >= m->n_elem) LS_ERROR(LS_ERR_INPUT, "element index %d is not one of the model's 0-%d", elem,
                                                m->n_elem - 1);
    long need = m->desc->type->n_scratch(m->desc, n_neigh);
    if (need > w->n_scr) {
        double *s = realloc(w->scr, (size_t)need * sizeof *s);
        if (s == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        w->scr = s;
        w->n_scr = need;
    }
    if (n_neigh > w->cap_neigh) {
        double *r = realloc(w->r, (size_t)n_neigh * sizeof *r);
        if (r == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        w->r = r;
        w->cap_neigh = n_neigh;
    }
    for (int j = 0; j < n_neigh; j++) {
        if (neigh_elem[j] < 0 || neigh_elem[j] >= m->n_elem)
            LS_ERROR(LS_ERR_INPUT, "neighbour %d: element index %d is not one of the model's 0-%d", j, neigh_elem[j],
                     m->n_elem - 1);
        w->r[j] = sqrt(d[j][0] * d[j][0] + d[j][1] * d[j][1] + d[j][2] * d[j][2]);
    }
    const int nf = m->n_feat, K = m->n_member;
    struct nnp_env env = {n_neigh, neigh_elem, d, w->r};
    m->desc->type->compute(m->desc, &env, w->G, w->state, w->scr);
    nnp_model_normalise(m, w->G, w->x);
    double e = 0.0;
    memset(w->gbar, 0, (size_t)nf * sizeof *w->gbar);
    for (int k = 0; k < K; k++) {
        double y = nnp_network_eval(&m->net, nnp_model_params(m, k, elem), w->x, w->dy, w->netw);
        e += m->e_ref[elem] + m->energy_scale * y;
        for (int f = 0; f < nf; f++) w->gbar[f] += m->energy_scale * w->dy[f] * m->feat_inv_std[f];
    }
    *energy = e / K;
    for (int f = 0; f < nf; f++) w->gbar[f] /= K;
    if (dE_dd) m->desc->type->vjp(m->desc, &env, w->gbar, w->state, w->scr, dE_dd);
    return LS_OK;
}
