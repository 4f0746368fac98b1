/* Active-learning primitives: pick the structures of a pool that the ensemble is least sure
 * about, spread over the pool rather than piled on one kind of structure; and the rule that
 * lets a trained model continue on a grown training set (warm start).
 *
 * Selection (nnp_active_select): score_q = the calibrated spread of structure q (largest
 * atomic force spread |std F_i|, or energy spread per atom).  Greedy batch: the first pick is
 * the largest score; every later pick maximises
 *     score_q * (1 - exp(-d_q^2 / (2 ell^2)))
 * where d_q is the smallest distance from q's fingerprint to the picks so far and ell =
 * diversity * (rms distance of the pool's fingerprints from their mean).  A fingerprint is
 * the mean normalised descriptor of each element's atoms (zero for an absent element) and the
 * composition, so a copy of a picked structure (d = 0) is never picked again and near-copies
 * are pushed down.  This is the uncertainty-times-distance batch rule of e.g. Zhang et al.,
 * Phys. Rev. Materials 3, 023804 (2019) (DP-GEN picks by force spread) with a diversity
 * penalty in the spirit of batch active learning by Kirsch et al., NeurIPS 2019.
 *
 * Warm start (nnp_model_renormalise): on the grown set the reference energies and the
 * descriptor normalisation are fitted again (as a fresh training would), and every network
 * is re-expressed so that the model predicts exactly what it predicted before:
 *   x_old = x_new * (inv_old / inv_new) + (mu_new - mu_old) * inv_old   (first layer W, b)
 *   y_new = (s_old y_old + e_ref_old - e_ref_new) / s_new                (last layer W, b)
 * Training then continues from these weights.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "surrogate/model.h"
#include "surrogate/train_data.h"

void nnp_select_config_default(struct nnp_select_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->n_select = 10;
    cfg->score = NNP_SCORE_FORCE;
    cfg->diversity = 0.1;
}

/* Fingerprint of one structure: [n_elem][n_feat] mean normalised descriptors, then n_elem
 * fractions. */
static int fingerprint(const nnp_model *m, const ls_structure *s, double *fp, double *G, double *x, double *st,
                       double **scr, long *n_scr)
{
    const int nf = m->n_feat, ne = m->n_elem;
    int status = LS_OK, *elem = malloc((size_t)(s->n_atom + 1) * sizeof *elem);
    nnp_neighbor_list *nl = NULL;
    int count[NNP_MAX_ELEMENTS] = {0};
    if (elem == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    memset(fp, 0, (size_t)(ne * nf + ne) * sizeof *fp);
    LS_TRY_GOTO(status, nnp_model_atom_elements(m, s, elem), done);
    LS_TRY_GOTO(status, nnp_neighbor_build(s, m->desc->p.r_cut, &nl), done);
    int *pe = malloc((size_t)(nl->n_pair + 1) * sizeof *pe);
    if (pe == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (long p = 0; p < nl->n_pair; p++) pe[p] = elem[nl->j[p]];
    for (int i = 0; i < s->n_atom; i++) {
        int nn = (int)(nl->offset[i + 1] - nl->offset[i]);
        long need = m->desc->type->n_scratch(m->desc, nn);
        if (need > *n_scr) {
            double *ns = realloc(*scr, (size_t)need * sizeof *ns);
            if (ns == NULL) {
                free(pe);
                LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
            }
            *scr = ns;
            *n_scr = need;
        }
        struct nnp_env env = {nn, pe + nl->offset[i], (const double(*)[3])nl->d[nl->offset[i]], nl->r + nl->offset[i]};
        m->desc->type->compute(m->desc, &env, G, st, *scr);
        nnp_model_normalise(m, G, x);
        double *f = fp + (long)elem[i] * nf;
        for (int k = 0; k < nf; k++) f[k] += x[k];
        count[elem[i]]++;
    }
    free(pe);
    for (int e = 0; e < ne; e++) {
        for (int k = 0; k < nf && count[e]; k++) fp[(long)e * nf + k] /= count[e];
        fp[(long)ne * nf + e] = s->n_atom ? (double)count[e] / s->n_atom : 0.0;
    }
done:
    nnp_neighbor_destroy(nl);
    free(elem);
    return status;
}

struct score_ctx {
    const struct nnp_select_config *cfg;
    double *score;
};

static int score_one(void *vctx, int q, const ls_structure *s, const struct nnp_result *r)
{
    struct score_ctx *c = vctx;
    c->score[q] = c->cfg->score == NNP_SCORE_ENERGY ? r->energy_std / (s->n_atom ? s->n_atom : 1) : r->max_force_std;
    return LS_OK;
}

int nnp_active_select(const nnp_model *m, const ls_structure_list *pool, const struct nnp_select_config *cfg,
                      int *selected, double *score, int *n_selected)
{
    int status = LS_OK;
    const int n = pool->n;
    const long dim = (long)m->n_elem * m->n_feat + m->n_elem;
    double *sc = NULL, *fp = NULL, *dmin = NULL, *G = NULL, *x = NULL, *st = NULL, *scr = NULL, *mean = NULL;
    long n_scr = 0;
    char *taken = NULL;
    *n_selected = 0;
    if (m->n_member < 2) LS_ERROR(LS_ERR_INPUT, "selecting by uncertainty needs an ensemble model (--ensemble 2 or more)");
    if (cfg->n_select < 1) LS_ERROR(LS_ERR_INPUT, "n_select must be at least 1 (got %d)", cfg->n_select);
    if (!(cfg->diversity >= 0.0)) LS_ERROR(LS_ERR_INPUT, "diversity must be 0 or more (got %g)", cfg->diversity);
    if (n == 0) return LS_OK;
    sc = malloc((size_t)n * sizeof *sc);
    fp = malloc((size_t)n * (size_t)dim * sizeof *fp);
    dmin = malloc((size_t)n * sizeof *dmin);
    taken = calloc((size_t)n, 1);
    G = malloc((size_t)m->n_feat * sizeof *G);
    x = malloc((size_t)m->n_feat * sizeof *x);
    st = malloc((size_t)(m->desc->n_state + 1) * sizeof *st);
    mean = calloc((size_t)dim, sizeof *mean);
    if (!sc || !fp || !dmin || !taken || !G || !x || !st || !mean) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    struct score_ctx ctx = {cfg, sc};
    LS_TRY_GOTO(status, nnp_model_predict_each(m, pool, score_one, &ctx), done);
    for (int q = 0; q < n; q++) {
        status = fingerprint(m, pool->items[q], fp + (long)q * dim, G, x, st, &scr, &n_scr);
        if (status != LS_OK) {
            ls_error_prefix("pool structure %d: ", q + 1);
            goto done;
        }
        for (long k = 0; k < dim; k++) mean[k] += fp[(long)q * dim + k] / n;
    }
    double rms = 0.0;
    for (int q = 0; q < n; q++)
        for (long k = 0; k < dim; k++) rms += (fp[(long)q * dim + k] - mean[k]) * (fp[(long)q * dim + k] - mean[k]) / n;
    double ell = cfg->diversity * sqrt(rms);
    for (int q = 0; q < n; q++) dmin[q] = INFINITY;
    int n_pick = cfg->n_select < n ? cfg->n_select : n;
    for (int t = 0; t < n_pick; t++) {
        int best = -1;
        double best_val = -1.0;
        for (int q = 0; q < n; q++) {
            if (taken[q]) continue;
            double v = sc[q];
            if (t > 0 && ell > 0) v *= 1.0 - exp(-dmin[q] * dmin[q] / (2.0 * ell * ell));
            if (v > best_val) {
                best_val = v;
                best = q;
            }
        }
        if (best < 0) break;
        taken[best] = 1;
        selected[t] = best;
        if (score) score[t] = sc[best];
        (*n_selected)++;
        const double *fb = fp + (long)best * dim;
        for (int q = 0; q < n; q++) {
            double d2 = 0.0;
            for (long k = 0; k < dim; k++) d2 += (fp[(long)q * dim + k] - fb[k]) * (fp[(long)q * dim + k] - fb[k]);
            if (sqrt(d2) < dmin[q]) dmin[q] = sqrt(d2);
        }
    }
done:
    free(sc);
    free(fp);
    free(dmin);
    free(taken);
    free(G);
    free(x);
    free(st);
    free(scr);
    free(mean);
    return status;
}

int nnp_model_refit_preserving(nnp_model *m, const struct nnp_tdata *data, const int *idx, int n)
{
    const int nf = m->n_feat, ne = m->n_elem;
    double e_ref_old[NNP_MAX_ELEMENTS], s_old = m->energy_scale;
    double *mu_old = malloc((size_t)nf * sizeof *mu_old), *inv_old = malloc((size_t)nf * sizeof *inv_old);
    int status = LS_OK;
    if (!mu_old || !inv_old) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    memcpy(e_ref_old, m->e_ref, sizeof e_ref_old);
    memcpy(mu_old, m->feat_mean, (size_t)nf * sizeof *mu_old);
    memcpy(inv_old, m->feat_inv_std, (size_t)nf * sizeof *inv_old);
    LS_TRY_GOTO(status, nnp_tdata_fit_reference(m, data, idx, n), done);
    LS_TRY_GOTO(status, nnp_tdata_fit_normalisation(m, data, idx, n), done);
    const struct nnp_network *net = &m->net;
    const int nh = net->widths[1], last = net->n_layer - 1, nin_last = net->widths[last];
    for (int k = 0; k < m->n_member; k++)
        for (int e = 0; e < ne; e++) {
            double *p = nnp_model_params(m, k, e), *W = p + net->offset_w[0], *b = p + net->offset_b[0];
            for (int o = 0; o < nh; o++) {
                double shift = 0.0;
                for (int f = 0; f < nf; f++) {
                    shift += W[(long)o * nf + f] * (m->feat_mean[f] - mu_old[f]) * inv_old[f];
                    W[(long)o * nf + f] *= inv_old[f] / m->feat_inv_std[f];
                }
                b[o] += shift;
            }
            double *WL = p + net->offset_w[last], *bL = p + net->offset_b[last];
            for (int i = 0; i < nin_last; i++) WL[i] *= s_old / m->energy_scale;
            bL[0] = (bL[0] * s_old + e_ref_old[e] - m->e_ref[e]) / m->energy_scale;
        }
done:
    free(mu_old);
    free(inv_old);
    return status;
}

int nnp_model_renormalise(nnp_model *m, const ls_structure_list *set)
{
    int status = LS_OK;
    struct nnp_tdata *data = calloc((size_t)(set->n + 1), sizeof *data);
    int *idx = malloc((size_t)(set->n + 1) * sizeof *idx);
    if (!data || !idx) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    if (set->n < 1) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "renormalising needs at least one structure");
    for (int q = 0; q < set->n; q++) {
        idx[q] = q;
        status = nnp_tdata_init(m, set->items[q], &data[q]);
        if (status != LS_OK) {
            ls_error_prefix("structure %d: ", q + 1);
            goto done;
        }
    }
    LS_TRY_GOTO(status, nnp_model_refit_preserving(m, data, idx, set->n), done);
done:
    if (data)
        for (int q = 0; q < set->n; q++) nnp_tdata_free(&data[q]);
    free(data);
    free(idx);
    return status;
}
