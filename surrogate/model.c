/* Model creation and prediction: energy, forces and virial stress of a structure.
 *
 *   E = sum_i e_i,  e_i = e_ref(Z_i) + s_E NN_{Z_i}(x_i),  x_i = (G_i - mean) / std
 *   dE/dd_ij = sum_k (s_E dNN/dx_k / std_k) dG_ik/dd_ij        (descriptor vjp)
 *   F_j = -sum_{pairs p=(i,j)} dE/dd_p + sum_{pairs p=(j,k)} dE/dd_p
 *   stress_ab = (1/V) sum_p (dE/dd_p)_a (d_p)_b
 * since a homogeneous strain maps every pair vector d -> (1 + eps) d (Behler, J. Chem.
 * Phys. 134, 074106 (2011), doi:10.1063/1.3553717; ASE sign: positive = tensile).
 */
#include "surrogate/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/units.h"

void nnp_model_config_default(struct nnp_model_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->desc.type, sizeof cfg->desc.type, "moment");
    cfg->desc.r_cut = 5.0 * LS_ANGSTROM_BOHR;
    cfg->desc.n_radial = 12;
    cfg->desc.n_angular = 6;
    cfg->desc.l_max = 4;
    cfg->desc.chem = NNP_CHEM_CHEBYSHEV;
    cfg->desc.n_chem = 2;
    cfg->desc.n_radial4 = 0; /* four-body off: slower to train at equal epochs (validation/mlearn/README.md) */
    cfg->desc.l_max4 = 2;
    cfg->n_hidden = 2;
    cfg->hidden[0] = 32;
    cfg->hidden[1] = 32;
    cfg->act = NNP_ACT_TANH;
}

void nnp_model_destroy(nnp_model *m)
{
    if (m == NULL) return;
    nnp_descriptor_destroy(m->desc);
    free(m->feat_mean);
    free(m->feat_inv_std);
    free(m->feat_min);
    free(m->feat_max);
    free(m->param);
    free(m);
}

int nnp_model_create(const struct nnp_model_config *cfg, int n_elem, const int *z, int n_member,
                     unsigned long long seed, nnp_model **out)
{
    int status = LS_OK;
    *out = NULL;
    if (n_elem < 1 || n_elem > NNP_MAX_ELEMENTS)
        LS_ERROR(LS_ERR_INPUT, "a model needs 1 to %d elements (got %d)", NNP_MAX_ELEMENTS, n_elem);
    if (n_member < 1 || n_member > 64) LS_ERROR(LS_ERR_INPUT, "ensemble size %d is out of range 1-64", n_member);
    if (cfg->n_hidden < 0 || cfg->n_hidden > NNP_MAX_LAYERS - 1)
        LS_ERROR(LS_ERR_INPUT, "%d hidden layers requested (0-%d allowed)", cfg->n_hidden, NNP_MAX_LAYERS - 1);
    nnp_model *m = calloc(1, sizeof *m);
    if (m == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    m->cfg = *cfg;
    m->n_elem = n_elem;
    for (int e = 0; e < n_elem; e++) {
        if (z[e] < 1 || z[e] > 118) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "invalid atomic number %d", z[e]);
        for (int e2 = 0; e2 < e; e2++)
            if (z[e2] == z[e]) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "element %s listed twice", ls_element_symbol(z[e]));
        m->z[e] = z[e];
    }
    LS_TRY_GOTO(status, nnp_descriptor_create(&cfg->desc, n_elem, &m->desc), done);
    m->n_feat = m->desc->n_feat;
    int widths[NNP_MAX_LAYERS + 1];
    widths[0] = m->n_feat;
    for (int l = 0; l < cfg->n_hidden; l++) widths[l + 1] = cfg->hidden[l];
    widths[cfg->n_hidden + 1] = 1;
    LS_TRY_GOTO(status, nnp_network_setup(&m->net, cfg->n_hidden + 1, widths, cfg->act), done);
    m->n_member = n_member;
    m->n_param = (long)n_elem * m->net.n_param;
    m->feat_mean = calloc((size_t)m->n_feat, sizeof(double));
    m->feat_inv_std = malloc((size_t)m->n_feat * sizeof(double));
    m->feat_min = malloc((size_t)m->n_feat * sizeof(double));
    m->feat_max = malloc((size_t)m->n_feat * sizeof(double));
    m->param = calloc((size_t)(n_member * m->n_param), sizeof(double));
    if (!m->feat_mean || !m->feat_inv_std || !m->feat_min || !m->feat_max || !m->param)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for the model");
    for (int f = 0; f < m->n_feat; f++) {
        m->feat_inv_std[f] = 1.0;
        m->feat_min[f] = -1e300; /* no range known: never extrapolating */
        m->feat_max[f] = 1e300;
    }
    m->energy_scale = 1.0 * LS_EV_HARTREE;
    m->unc_scale_energy = m->unc_scale_force = 1.0;
    for (int k = 0; k < n_member; k++) {
        unsigned long long rng = seed + (unsigned long long)k * 7919ULL;
        for (int e = 0; e < n_elem; e++) nnp_network_init_params(&m->net, nnp_model_params(m, k, e), &rng);
    }
done:
    if (status != LS_OK) nnp_model_destroy(m);
    else *out = m;
    return status;
}

int nnp_model_n_member(const nnp_model *m) { return m->n_member; }
int nnp_model_n_elem(const nnp_model *m) { return m->n_elem; }
int nnp_model_element_z(const nnp_model *m, int ie) { return ie >= 0 && ie < m->n_elem ? m->z[ie] : 0; }
double nnp_model_cutoff(const nnp_model *m) { return m->desc->p.r_cut; }
int nnp_model_n_features(const nnp_model *m) { return m->n_feat; }
const char *nnp_model_descriptor_name(const nnp_model *m) { return m->desc->type->name; }

void nnp_model_describe(const nnp_model *m, char *buf, int n_buf)
{
    int k = snprintf(buf, (size_t)n_buf, "%s descriptor (r_cut %.3f Å, %d features), network ", m->desc->type->name,
                     m->desc->p.r_cut * LS_BOHR_ANGSTROM, m->n_feat);
    for (int l = 0; l <= m->net.n_layer && k < n_buf; l++)
        k += snprintf(buf + k, (size_t)(n_buf - k), "%s%d", l ? "-" : "", m->net.widths[l]);
    if (k < n_buf)
        k += snprintf(buf + k, (size_t)(n_buf - k), " %s, %d member%s, elements", nnp_activation_name(m->net.act),
                      m->n_member, m->n_member > 1 ? "s" : "");
    for (int e = 0; e < m->n_elem && k < n_buf; e++)
        k += snprintf(buf + k, (size_t)(n_buf - k), " %s", ls_element_symbol(m->z[e]));
}

int nnp_model_atom_elements(const nnp_model *m, const ls_structure *s, int *elem)
{
    for (int ia = 0; ia < s->n_atom; ia++) {
        elem[ia] = -1;
        for (int e = 0; e < m->n_elem; e++)
            if (m->z[e] == s->z[ia]) elem[ia] = e;
        if (elem[ia] < 0) {
            char known[128] = "";
            for (int e = 0; e < m->n_elem; e++) {
                strncat(known, " ", sizeof known - strlen(known) - 1);
                strncat(known, ls_element_symbol(m->z[e]), sizeof known - strlen(known) - 1);
            }
            LS_ERROR(LS_ERR_INPUT, "atom %d is %s, but the model has no network for it (model elements:%s)", ia + 1,
                     ls_element_symbol(s->z[ia]), known);
        }
    }
    return LS_OK;
}

int nnp_model_predict(const nnp_model *m, const ls_structure *s, struct nnp_result *res)
{
    int status = LS_OK;
    const int n = s->n_atom, K = m->n_member, nf = m->n_feat;
    nnp_neighbor_list *nl = NULL;
    int *elem = NULL, *pair_elem = NULL;
    double *state = NULL, *gbar = NULL, *e_atom = NULL, (*D)[3] = NULL, (*Fk)[3] = NULL;
    int n_extrap = 0;

    res->energy = res->energy_std = res->max_force_std = 0.0;
    res->has_stress = 0;
    res->n_extrapolating = 0;
    res->unc_scale_energy = m->unc_scale_energy;
    res->unc_scale_force = m->unc_scale_force;
    memset(res->stress, 0, sizeof res->stress);
    if (n == 0) return LS_OK;
    elem = malloc((size_t)(n > 0 ? n : 1) * sizeof *elem);
    if (elem == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    LS_TRY_GOTO(status, nnp_model_atom_elements(m, s, elem), done);
    LS_TRY_GOTO(status, nnp_neighbor_build(s, m->desc->p.r_cut, &nl), done);
    const long np = nl->n_pair;
    pair_elem = malloc((size_t)(np > 0 ? np : 1) * sizeof *pair_elem);
    state = malloc(((size_t)n * (size_t)m->desc->n_state + 1) * sizeof *state);
    gbar = malloc((size_t)n * (size_t)K * (size_t)nf * sizeof *gbar);
    e_atom = malloc((size_t)(n > 0 ? n : 1) * (size_t)K * sizeof *e_atom);
    D = malloc((size_t)(np > 0 ? np : 1) * sizeof *D);
    Fk = malloc((size_t)(n > 0 ? n : 1) * (size_t)K * sizeof *Fk);
    if (!pair_elem || !state || !gbar || !e_atom || !D || !Fk)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for %d atoms", n);
    for (long p = 0; p < np; p++) pair_elem[p] = elem[nl->j[p]];

    int max_neigh = 0;
    for (int i = 0; i < n; i++)
        if (nl->offset[i + 1] - nl->offset[i] > max_neigh) max_neigh = (int)(nl->offset[i + 1] - nl->offset[i]);
    const long n_scr = m->desc->type->n_scratch(m->desc, max_neigh);
    const long n_netw = nnp_network_work_size(&m->net);
    int fail = 0;

    /* Pass 1: descriptors, atomic energies and dE/dG of every member. */
#pragma omp parallel reduction(+ : n_extrap) reduction(| : fail)
    {
        double *scr = malloc((size_t)(n_scr + 3 * nf + n_netw) * sizeof(double));
        if (scr == NULL) fail = 1;
        double *G = scr ? scr + n_scr : NULL, *x = G ? G + nf : NULL, *dy = x ? x + nf : NULL, *nw = dy ? dy + nf : NULL;
#pragma omp for schedule(dynamic, 16)
        for (int i = 0; i < n; i++) {
            if (scr == NULL) continue;
            struct nnp_env env = {(int)(nl->offset[i + 1] - nl->offset[i]), pair_elem + nl->offset[i],
                                  (const double(*)[3])nl->d[nl->offset[i]], nl->r + nl->offset[i]};
            double *st = state + (long)i * m->desc->n_state;
            m->desc->type->compute(m->desc, &env, G, st, scr);
            int out = 0;
            for (int f = 0; f < nf; f++) {
                double margin = 0.1 * (m->feat_max[f] - m->feat_min[f]);
                if (G[f] < m->feat_min[f] - margin || G[f] > m->feat_max[f] + margin) out = 1;
            }
            n_extrap += out;
            nnp_model_normalise(m, G, x);
            for (int k = 0; k < K; k++) {
                double y = nnp_network_eval(&m->net, nnp_model_params(m, k, elem[i]), x, dy, nw);
                e_atom[(long)i * K + k] = m->e_ref[elem[i]] + m->energy_scale * y;
                double *gb = gbar + ((long)i * K + k) * nf;
                for (int f = 0; f < nf; f++) gb[f] = m->energy_scale * dy[f] * m->feat_inv_std[f];
            }
        }
        free(scr);
    }
    if (fail) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for thread workspaces");
    res->n_extrapolating = n_extrap;

    /* Energies. */
    double ek_sum[64] = {0};
    for (int i = 0; i < n; i++) {
        double mean = 0.0;
        for (int k = 0; k < K; k++) {
            ek_sum[k] += e_atom[(long)i * K + k];
            mean += e_atom[(long)i * K + k];
        }
        if (res->atom_energy) res->atom_energy[i] = mean / K;
    }
    double emean = 0.0, evar = 0.0;
    for (int k = 0; k < K; k++) emean += ek_sum[k] / K;
    for (int k = 0; k < K; k++) evar += (ek_sum[k] - emean) * (ek_sum[k] - emean);
    res->energy = emean;
    res->energy_std = K > 1 ? m->unc_scale_energy * sqrt(evar / K) : 0.0;
    if (res->forces == NULL && res->force_std == NULL) goto done;

    /* Pass 2, per member: pair derivatives, then forces and virial. */
    const double V = fabs(ls_cell_volume(s->cell));
    const int periodic = s->pbc[0] && s->pbc[1] && s->pbc[2] && V > 1e-6;
    res->has_stress = periodic;
    double vir[3][3] = {{0}};
    for (int k = 0; k < K; k++) {
#pragma omp parallel reduction(| : fail)
        {
            double *scr = malloc((size_t)n_scr * sizeof(double));
            if (scr == NULL) fail = 1;
#pragma omp for schedule(dynamic, 16)
            for (int i = 0; i < n; i++) {
                if (scr == NULL) continue;
                struct nnp_env env = {(int)(nl->offset[i + 1] - nl->offset[i]), pair_elem + nl->offset[i],
                                      (const double(*)[3])nl->d[nl->offset[i]], nl->r + nl->offset[i]};
                m->desc->type->vjp(m->desc, &env, gbar + ((long)i * K + k) * nf, state + (long)i * m->desc->n_state,
                                   scr, D + nl->offset[i]);
            }
            free(scr);
        }
        if (fail) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for thread workspaces");
        double (*F)[3] = Fk + (long)k * n;
        memset(F, 0, (size_t)n * sizeof *F);
        for (int i = 0; i < n; i++)
            for (long p = nl->offset[i]; p < nl->offset[i + 1]; p++) {
                int j = nl->j[p];
                for (int a = 0; a < 3; a++) {
                    F[j][a] -= D[p][a];
                    F[i][a] += D[p][a];
                    for (int b = 0; b < 3; b++) vir[a][b] += D[p][a] * nl->d[p][b];
                }
            }
    }
    if (periodic)
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) res->stress[a][b] = vir[a][b] / (K * V);
    for (int i = 0; i < n; i++) {
        double var_i = 0.0;
        for (int a = 0; a < 3; a++) {
            double mean = 0.0, var = 0.0;
            for (int k = 0; k < K; k++) mean += Fk[(long)k * n + i][a];
            mean /= K;
            for (int k = 0; k < K; k++) var += (Fk[(long)k * n + i][a] - mean) * (Fk[(long)k * n + i][a] - mean);
            var = K > 1 ? var / K * m->unc_scale_force * m->unc_scale_force : 0.0;
            if (res->forces) res->forces[i][a] = mean;
            if (res->force_std) res->force_std[i][a] = sqrt(var);
            var_i += var;
        }
        if (sqrt(var_i) > res->max_force_std) res->max_force_std = sqrt(var_i);
    }
done:
    nnp_neighbor_destroy(nl);
    free(elem);
    free(pair_elem);
    free(state);
    free(gbar);
    free(e_atom);
    free(D);
    free(Fk);
    return status;
}
