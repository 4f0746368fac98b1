/* Per-structure training pass; see train.c for the loss and its gradient. */
#include "surrogate/train_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/units.h"

#define UNIT_E (1e-3 * LS_EV_HARTREE)        /* 1 meV */
#define UNIT_F (0.02 / LS_HA_BOHR_EV_A)      /* 0.02 eV/Å */
#define UNIT_S (1.0 / LS_HA_BOHR3_GPA)       /* 1 GPa */

int nnp_tdata_init(const nnp_model *m, const ls_structure *s, struct nnp_tdata *t)
{
    memset(t, 0, sizeof *t);
    t->s = s;
    if (!s->has_energy) LS_ERROR(LS_ERR_INPUT, "no reference energy (training needs energy=... on every frame)");
    if (s->n_atom < 1) LS_ERROR(LS_ERR_INPUT, "no atoms");
    t->elem = malloc((size_t)s->n_atom * sizeof *t->elem);
    if (t->elem == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    LS_TRY(nnp_model_atom_elements(m, s, t->elem));
    LS_TRY(nnp_neighbor_build(s, m->desc->p.r_cut, &t->nl));
    t->pair_elem = malloc((size_t)(t->nl->n_pair + 1) * sizeof *t->pair_elem);
    if (t->pair_elem == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (long p = 0; p < t->nl->n_pair; p++) t->pair_elem[p] = t->elem[t->nl->j[p]];
    t->volume = fabs(ls_cell_volume(s->cell));
    t->use_forces = s->forces != NULL;
    t->use_stress = s->has_stress && s->pbc[0] && s->pbc[1] && s->pbc[2] && t->volume > 1e-6;
    return LS_OK;
}

void nnp_tdata_free(struct nnp_tdata *t)
{
    nnp_neighbor_destroy(t->nl);
    free(t->elem);
    free(t->pair_elem);
    memset(t, 0, sizeof *t);
}

int nnp_tws_init(const nnp_model *m, const struct nnp_tdata *data, int n, struct nnp_tws *ws)
{
    memset(ws, 0, sizeof *ws);
    int max_neigh = 0;
    for (int i = 0; i < n; i++) {
        if (data[i].s->n_atom > ws->max_atom) ws->max_atom = data[i].s->n_atom;
        if (data[i].nl->n_pair > ws->max_pair) ws->max_pair = data[i].nl->n_pair;
        for (int a = 0; a < data[i].s->n_atom; a++) {
            int k = (int)(data[i].nl->offset[a + 1] - data[i].nl->offset[a]);
            if (k > max_neigh) max_neigh = k;
        }
    }
    const long nf = m->n_feat, na = ws->max_atom, npair = ws->max_pair + 1;
    ws->x = malloc((size_t)(na * nf) * sizeof(double));
    ws->state = malloc((size_t)(na * m->desc->n_state + 1) * sizeof(double));
    ws->gbar = malloc((size_t)(na * nf) * sizeof(double));
    ws->scr = malloc((size_t)m->desc->type->n_scratch(m->desc, max_neigh) * sizeof(double));
    ws->D = malloc((size_t)(3 * npair) * sizeof(double));
    ws->T = malloc((size_t)(3 * npair) * sizeof(double));
    ws->F = malloc((size_t)(3 * na) * sizeof(double));
    ws->phi = malloc((size_t)(3 * na) * sizeof(double));
    ws->G = malloc((size_t)nf * sizeof(double));
    ws->v = malloc((size_t)nf * sizeof(double));
    ws->netw = malloc((size_t)nnp_network_work_size(&m->net) * sizeof(double));
    if (!ws->x || !ws->state || !ws->gbar || !ws->scr || !ws->D || !ws->T || !ws->F || !ws->phi || !ws->G || !ws->v ||
        !ws->netw)
        LS_ERROR(LS_ERR_NOMEM, "out of memory for training workspaces");
    return LS_OK;
}

void nnp_tws_free(struct nnp_tws *ws)
{
    free(ws->x);
    free(ws->state);
    free(ws->gbar);
    free(ws->scr);
    free(ws->D);
    free(ws->T);
    free(ws->F);
    free(ws->phi);
    free(ws->G);
    free(ws->v);
    free(ws->netw);
    memset(ws, 0, sizeof *ws);
}

int nnp_tdata_fit_reference(nnp_model *m, const struct nnp_tdata *data, const int *idx, int n)
{
    const int ne = m->n_elem;
    double A[NNP_MAX_ELEMENTS][NNP_MAX_ELEMENTS + 1];
    memset(A, 0, sizeof A);
    for (int q = 0; q < n; q++) {
        const struct nnp_tdata *t = &data[idx[q]];
        double cnt[NNP_MAX_ELEMENTS] = {0};
        for (int i = 0; i < t->s->n_atom; i++) cnt[t->elem[i]] += 1.0;
        for (int a = 0; a < ne; a++) {
            for (int b = 0; b < ne; b++) A[a][b] += cnt[a] * cnt[b];
            A[a][ne] += cnt[a] * t->s->energy;
        }
    }
    /* Normal equations with a tiny ridge (compositions may be collinear), Gaussian elimination. */
    double tr = 0.0;
    for (int a = 0; a < ne; a++) tr += A[a][a];
    for (int a = 0; a < ne; a++) A[a][a] += 1e-10 * tr + 1e-300;
    for (int c = 0; c < ne; c++) {
        int piv = c;
        for (int r = c + 1; r < ne; r++)
            if (fabs(A[r][c]) > fabs(A[piv][c])) piv = r;
        for (int k = 0; k <= ne; k++) {
            double tmp = A[c][k];
            A[c][k] = A[piv][k];
            A[piv][k] = tmp;
        }
        if (!(fabs(A[c][c]) > 0.0)) LS_ERROR(LS_ERR_NUMERIC, "reference energies: singular composition matrix");
        for (int r = 0; r < ne; r++) {
            if (r == c) continue;
            double f = A[r][c] / A[c][c];
            for (int k = c; k <= ne; k++) A[r][k] -= f * A[c][k];
        }
    }
    for (int a = 0; a < ne; a++) m->e_ref[a] = A[a][ne] / A[a][a];
    return LS_OK;
}

int nnp_tdata_fit_normalisation(nnp_model *m, const struct nnp_tdata *data, const int *idx, int n)
{
    const int nf = m->n_feat;
    double *sum = calloc((size_t)nf, sizeof *sum), *sq = calloc((size_t)nf, sizeof *sq);
    double *G = malloc((size_t)nf * sizeof *G), *st = malloc((size_t)(m->desc->n_state + 1) * sizeof *st);
    double *scr = NULL;
    int status = LS_OK, max_neigh = 0;
    long count = 0;
    if (!sum || !sq || !G || !st) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int q = 0; q < n; q++) {
        const nnp_neighbor_list *nl = data[idx[q]].nl;
        for (int i = 0; i < nl->n_atom; i++)
            if (nl->offset[i + 1] - nl->offset[i] > max_neigh) max_neigh = (int)(nl->offset[i + 1] - nl->offset[i]);
    }
    scr = malloc((size_t)m->desc->type->n_scratch(m->desc, max_neigh) * sizeof *scr);
    if (scr == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int f = 0; f < nf; f++) {
        m->feat_min[f] = INFINITY;
        m->feat_max[f] = -INFINITY;
    }
    double e_sum = 0.0, e_sq = 0.0;
    for (int q = 0; q < n; q++) {
        const struct nnp_tdata *t = &data[idx[q]];
        const nnp_neighbor_list *nl = t->nl;
        double eres = t->s->energy;
        for (int i = 0; i < nl->n_atom; i++) {
            struct nnp_env env = {(int)(nl->offset[i + 1] - nl->offset[i]), t->pair_elem + nl->offset[i],
                                  (const double(*)[3])nl->d[nl->offset[i]], nl->r + nl->offset[i]};
            m->desc->type->compute(m->desc, &env, G, st, scr);
            for (int f = 0; f < nf; f++) {
                sum[f] += G[f];
                sq[f] += G[f] * G[f];
                if (G[f] < m->feat_min[f]) m->feat_min[f] = G[f];
                if (G[f] > m->feat_max[f]) m->feat_max[f] = G[f];
            }
            count++;
            eres -= m->e_ref[t->elem[i]];
        }
        eres /= nl->n_atom;
        e_sum += eres;
        e_sq += eres * eres;
    }
    for (int f = 0; f < nf; f++) {
        double mean = sum[f] / count, var = sq[f] / count - mean * mean;
        double sd = var > 0 ? sqrt(var) : 0.0;
        m->feat_mean[f] = mean;
        m->feat_inv_std[f] = sd > 1e-10 * (fabs(mean) + 1e-300) && sd > 1e-14 ? 1.0 / sd : 1.0;
    }
    double e_mean = e_sum / n, e_sd = sqrt(fmax(e_sq / n - e_mean * e_mean, 0.0));
    m->energy_scale = fmax(e_sd, 1e-3 * LS_EV_HARTREE);
done:
    free(sum);
    free(sq);
    free(G);
    free(st);
    free(scr);
    return status;
}

double nnp_tdata_pass(const nnp_model *m, const double *w, const struct nnp_tdata *t,
                      const struct nnp_train_config *cfg, struct nnp_tws *ws, double *grad, struct nnp_tacc *acc)
{
    const ls_structure *s = t->s;
    const nnp_neighbor_list *nl = t->nl;
    const int n = s->n_atom, nf = m->n_feat, ns = m->desc->n_state;
    const long npn = m->net.n_param;
    const struct nnp_descriptor_type *dt = m->desc->type;
    double E = 0.0;
    memset(acc, 0, sizeof *acc);
    for (int i = 0; i < n; i++) {
        struct nnp_env env = {(int)(nl->offset[i + 1] - nl->offset[i]), t->pair_elem + nl->offset[i],
                              (const double(*)[3])nl->d[nl->offset[i]], nl->r + nl->offset[i]};
        double *x = ws->x + (long)i * nf, *gb = ws->gbar + (long)i * nf;
        dt->compute(m->desc, &env, ws->G, ws->state + (long)i * ns, ws->scr);
        nnp_model_normalise(m, ws->G, x);
        double y = nnp_network_eval(&m->net, w + (long)t->elem[i] * npn, x, gb, ws->netw);
        E += m->e_ref[t->elem[i]] + m->energy_scale * y;
        for (int f = 0; f < nf; f++) gb[f] *= m->energy_scale * m->feat_inv_std[f];
    }
    double dE = E - s->energy;
    double loss = cfg->w_energy * (dE / n / UNIT_E) * (dE / n / UNIT_E);
    acc->e_sq = (dE / n) * (dE / n);
    acc->e_abs = fabs(dE / n);
    acc->n_e = 1;
    const int need_f = t->use_forces || (t->use_stress && cfg->w_stress > 0);
    double(*D)[3] = (double(*)[3])ws->D, (*F)[3] = (double(*)[3])ws->F, (*phi)[3] = (double(*)[3])ws->phi;
    double sig[3][3] = {{0}}, S[3][3] = {{0}};
    if (need_f) {
        for (int i = 0; i < n; i++) {
            struct nnp_env env = {(int)(nl->offset[i + 1] - nl->offset[i]), t->pair_elem + nl->offset[i],
                                  (const double(*)[3])nl->d[nl->offset[i]], nl->r + nl->offset[i]};
            dt->vjp(m->desc, &env, ws->gbar + (long)i * nf, ws->state + (long)i * ns, ws->scr, D + nl->offset[i]);
        }
        memset(F, 0, (size_t)n * sizeof *F);
        for (int i = 0; i < n; i++)
            for (long p = nl->offset[i]; p < nl->offset[i + 1]; p++) {
                int j = nl->j[p];
                for (int a = 0; a < 3; a++) {
                    F[j][a] -= D[p][a];
                    F[i][a] += D[p][a];
                    for (int b = 0; b < 3; b++) sig[a][b] += D[p][a] * nl->d[p][b];
                }
            }
        memset(phi, 0, (size_t)n * sizeof *phi);
        if (t->use_forces) {
            double cf = cfg->w_force / (3.0 * n * UNIT_F * UNIT_F);
            for (int i = 0; i < n; i++)
                for (int a = 0; a < 3; a++) {
                    double d = F[i][a] - s->forces[i][a];
                    loss += cf * d * d;
                    phi[i][a] = 2.0 * cf * d;
                    acc->f_sq += d * d;
                    acc->f_abs += fabs(d);
                }
            acc->n_f = 3L * n;
        }
        if (t->use_stress) {
            double cs = cfg->w_stress / (9.0 * UNIT_S * UNIT_S);
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) {
                    sig[a][b] /= t->volume;
                    double d = sig[a][b] - s->stress[a][b];
                    loss += cs * d * d;
                    S[a][b] = 2.0 * cs * d / t->volume;
                    acc->s_sq += d * d;
                }
            acc->n_s = 9;
        }
    }
    acc->loss = loss;
    if (grad == NULL) return loss;
    double dL_dE = 2.0 * cfg->w_energy * dE / ((double)n * n * UNIT_E * UNIT_E);
    double(*T)[3] = (double(*)[3])ws->T;
    for (int i = 0; i < n; i++) {
        const double *x = ws->x + (long)i * nf;
        double yd;
        if (need_f) {
            for (long p = nl->offset[i]; p < nl->offset[i + 1]; p++) {
                int j = nl->j[p];
                for (int a = 0; a < 3; a++)
                    T[p][a] = phi[i][a] - phi[j][a] + S[a][0] * nl->d[p][0] + S[a][1] * nl->d[p][1] +
                              S[a][2] * nl->d[p][2];
            }
            struct nnp_env env = {(int)(nl->offset[i + 1] - nl->offset[i]), t->pair_elem + nl->offset[i],
                                  (const double(*)[3])nl->d[nl->offset[i]], nl->r + nl->offset[i]};
            dt->jvp(m->desc, &env, (const double(*)[3])(T + nl->offset[i]), ws->state + (long)i * ns, ws->scr, ws->v);
            for (int f = 0; f < nf; f++) ws->v[f] *= m->energy_scale * m->feat_inv_std[f];
        } else {
            memset(ws->v, 0, (size_t)nf * sizeof *ws->v);
        }
        nnp_network_train_grad(&m->net, w + (long)t->elem[i] * npn, x, ws->v, dL_dE * m->energy_scale,
                               need_f ? 1.0 : 0.0, grad + (long)t->elem[i] * npn, &yd, ws->netw);
    }
    return loss;
}

void nnp_tacc_add(struct nnp_tacc *a, const struct nnp_tacc *b)
{
    a->loss += b->loss;
    a->e_sq += b->e_sq;
    a->e_abs += b->e_abs;
    a->n_e += b->n_e;
    a->f_sq += b->f_sq;
    a->f_abs += b->f_abs;
    a->n_f += b->n_f;
    a->s_sq += b->s_sq;
    a->n_s += b->n_s;
}

void nnp_tacc_finish(const struct nnp_tacc *a, struct nnp_terr *e)
{
    const double ev = LS_HARTREE_EV * 1e3, fa = LS_HA_BOHR_EV_A;
    e->e_rmse_mev = a->n_e ? sqrt(a->e_sq / a->n_e) * ev : 0.0;
    e->e_mae_mev = a->n_e ? a->e_abs / a->n_e * ev : 0.0;
    e->f_rmse_ev_a = a->n_f ? sqrt(a->f_sq / a->n_f) * fa : 0.0;
    e->f_mae_ev_a = a->n_f ? a->f_abs / a->n_f * fa : 0.0;
    e->s_rmse_gpa = a->n_s ? sqrt(a->s_sq / a->n_s) * LS_HA_BOHR3_GPA : 0.0;
}
