/* Training: reference energies by least squares, descriptor normalisation, then each
 * ensemble member by minimising
 *   L = mean over structures s of
 *       w_E (dE_s / N_s / 1 meV)^2 + w_F / (3 N_s) sum |dF_i / 0.02 eV/Å|^2 + w_S / 9 sum (dsigma / 1 GPa)^2
 * with Adam on mini-batches or L-BFGS on the full batch, early stopping on a validation set.
 *
 * Gradient of the force and stress terms: both are linear in gbar_i = dE/dG_i, through the
 * pair derivatives D_p = sum_k gbar_ik dG_ik/dd_p.  With phi_j = dL/dF_j and S = dL/dsigma,
 *   dL/dD_p = phi_i - phi_j + S d_p / V =: t_p      (pair p = (i, j), d_p = r_j - r_i)
 *   dL/dgbar_i = sum_{p of i} t_p . dG_i/dd_p = jvp_i(t)
 * and gbar_i = s_E dNN/dx / std, so the network receives the input direction
 * v_i = jvp_i(t) s_E / std and the parameter gradient follows by double backpropagation
 * (network.c).  Costs one descriptor evaluation, one vjp and one jvp per atom: no
 * descriptor Jacobians are stored.  Reference: the force-training scheme of Behler,
 * Int. J. Quantum Chem. 115, 1032 (2015), doi:10.1002/qua.24890, computed here exactly.
 *
 * Warm start (cfg->warm_start): the members continue from their weights after the rule of
 * nnp_model_renormalise (active.c) has refitted the reference energies and normalisation on
 * the training split without changing any prediction.
 *
 * Ensembles: after training, the spread is calibrated on the validation set
 * (nnp_model_calibrate, calibrate.c).
 *
 * Reproducibility: a fixed seed gives the same model whatever the thread count (per-
 * structure gradients are summed in a fixed order).
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/units.h"
#include "surrogate/model.h"
#include "surrogate/optim.h"
#include "surrogate/train_data.h"

void nnp_train_config_default(struct nnp_train_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->seed = 12345;
    cfg->n_epoch = 200;
    cfg->batch_size = 4;
    snprintf(cfg->optimiser, sizeof cfg->optimiser, "adam");
    cfg->lr = 1e-2;
    cfg->lr_final = 1e-4;
    cfg->w_energy = 1.0;
    cfg->w_force = 100.0; /* forces carry 3N numbers per structure: weight them heavily (mlearn README) */
    cfg->w_stress = 0.1;
    cfg->val_fraction = 0.1;
    cfg->patience = 60;
    cfg->bootstrap = 1.0;
    cfg->verbose = 1;
}

/* Fisher-Yates with the splitmix generator. */
static void shuffle(int *idx, int n, unsigned long long *rng)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)(nnp_rand_uniform(rng) * (i + 1));
        if (j > i) j = i;
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}

struct objective_ctx {
    const nnp_model *m;
    struct nnp_tdata *data;
    const int *idx;
    int n;
    const struct nnp_train_config *cfg;
    struct nnp_tws *ws;
    double *gbuf; /* [n_chunk][n_param] */
    int n_chunk;
    struct nnp_tacc *acc;
};

/* Loss and gradient averaged over structures idx[0..n-1] (chunks of n_chunk for memory). */
static int batch_gradient(struct objective_ctx *c, const double *w, const int *idx, int n, double *loss,
                          double *grad, struct nnp_tacc *acc_total)
{
    const long np = c->m->n_param;
    double total = 0.0;
    memset(grad, 0, (size_t)np * sizeof *grad);
    for (int start = 0; start < n; start += c->n_chunk) {
        int nb = n - start < c->n_chunk ? n - start : c->n_chunk;
        double lossb[nb > 0 ? nb : 1];
        memset(c->gbuf, 0, (size_t)nb * (size_t)np * sizeof *c->gbuf);
        int fail = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : fail)
        for (int b = 0; b < nb; b++) {
            struct nnp_tws *ws = &c->ws[omp_get_thread_num()];
            lossb[b] = nnp_tdata_pass(c->m, w, &c->data[idx[start + b]], c->cfg, ws, c->gbuf + (long)b * np,
                                      &c->acc[b]);
            if (!isfinite(lossb[b])) fail = 1;
        }
        for (int b = 0; b < nb; b++) {
            total += lossb[b];
            const double *gb = c->gbuf + (long)b * np;
            for (long i = 0; i < np; i++) grad[i] += gb[i];
            if (acc_total) nnp_tacc_add(acc_total, &c->acc[b]);
        }
        if (fail) LS_ERROR(LS_ERR_NUMERIC, "training diverged (non-finite loss): lower the learning rate");
    }
    for (long i = 0; i < np; i++) grad[i] /= n;
    *loss = total / n;
    return LS_OK;
}

static int full_objective(void *ctx, const double *w, double *loss, double *grad)
{
    struct objective_ctx *c = ctx;
    return batch_gradient(c, w, c->idx, c->n, loss, grad, NULL);
}

static void log_epoch(int member, int epoch, double loss, const struct nnp_tacc *tr, const struct nnp_tacc *va,
                      double t, int best)
{
    struct nnp_terr a, b;
    nnp_tacc_finish(tr, &a);
    nnp_tacc_finish(va, &b);
    ls_log_info("member %d epoch %4d  loss %.4e  E rmse train %.3f val %.3f meV/atom  F rmse train %.4f val %.4f "
                "eV/A  %.1f s%s",
                member, epoch, loss, a.e_rmse_mev, b.e_rmse_mev, a.f_rmse_ev_a, b.f_rmse_ev_a, t, best ? " *" : "");
}

int nnp_model_train(nnp_model *m, const ls_structure_list *train, const ls_structure_list *val,
                    const struct nnp_train_config *cfg)
{
    int status = LS_OK;
    struct nnp_tdata *data = NULL;
    int *tr_idx = NULL, *va_idx = NULL, *sub = NULL, n_tr = 0, n_va = 0, n_data = 0;
    struct nnp_tws *ws = NULL;
    int n_thread = omp_get_max_threads();
    double *grad = NULL, *best = NULL, *gbuf = NULL;
    struct nnp_tacc *acc = NULL;
    void *opt_state = NULL;
    const struct nnp_optimiser_type *opt = NULL;

    if (train == NULL || train->n < 1) LS_ERROR(LS_ERR_INPUT, "no training structures");
    LS_TRY(nnp_optimiser_find(cfg->optimiser, &opt));
    if (cfg->n_epoch < 1 || cfg->batch_size < 1 || !(cfg->lr > 0) || !(cfg->lr_final > 0))
        LS_ERROR(LS_ERR_INPUT, "training needs n_epoch >= 1, batch_size >= 1 and positive learning rates");
    /* Data: training structures first, then validation. */
    n_data = train->n + (val ? val->n : 0);
    data = calloc((size_t)n_data, sizeof *data);
    tr_idx = malloc((size_t)n_data * sizeof *tr_idx);
    va_idx = malloc((size_t)n_data * sizeof *va_idx);
    sub = malloc((size_t)n_data * sizeof *sub);
    if (!data || !tr_idx || !va_idx || !sub) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int i = 0; i < n_data; i++) {
        const ls_structure *s = i < train->n ? train->items[i] : val->items[i - train->n];
        status = nnp_tdata_init(m, s, &data[i]);
        if (status != LS_OK) {
            ls_error_prefix("%s structure %d: ", i < train->n ? "training" : "validation",
                            1 + (i < train->n ? i : i - train->n));
            goto done;
        }
    }
    if (val) {
        for (int i = 0; i < train->n; i++) tr_idx[n_tr++] = i;
        for (int i = train->n; i < n_data; i++) va_idx[n_va++] = i;
    } else {
        int *perm = sub;
        for (int i = 0; i < train->n; i++) perm[i] = i;
        unsigned long long rng = cfg->seed ^ 0xA5A5A5A5ULL;
        shuffle(perm, train->n, &rng);
        n_va = (int)floor(cfg->val_fraction * train->n + 0.5);
        if (n_va >= train->n) n_va = train->n - 1;
        for (int i = 0; i < train->n; i++) {
            if (i < n_va) va_idx[i] = perm[i];
            else tr_idx[n_tr++] = perm[i];
        }
        /* keep file order inside each part */
        for (int a = 0; a < 2; a++) {
            int *v = a ? va_idx : tr_idx, nv = a ? n_va : n_tr;
            for (int i = 1; i < nv; i++)
                for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
                    int t = v[j];
                    v[j] = v[j - 1];
                    v[j - 1] = t;
                }
        }
    }
    if (cfg->warm_start) {
        LS_TRY_GOTO(status, nnp_model_refit_preserving(m, data, tr_idx, n_tr), done);
    } else {
        LS_TRY_GOTO(status, nnp_tdata_fit_reference(m, data, tr_idx, n_tr), done);
        LS_TRY_GOTO(status, nnp_tdata_fit_normalisation(m, data, tr_idx, n_tr), done);
    }
    ls_log_info("training on %d structures, validating on %d; %d features, %ld parameters per member, %d threads",
                n_tr, n_va, m->n_feat, m->n_param, n_thread);

    ws = calloc((size_t)n_thread, sizeof *ws);
    int chunk = opt->full_batch ? 64 : cfg->batch_size;
    int n_acc = chunk > n_va ? chunk : n_va;
    gbuf = malloc((size_t)chunk * (size_t)m->n_param * sizeof *gbuf);
    grad = malloc((size_t)m->n_param * sizeof *grad);
    best = malloc((size_t)m->n_param * sizeof *best);
    acc = calloc((size_t)n_acc + 1, sizeof *acc);
    if (!ws || !gbuf || !grad || !best || !acc) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int t = 0; t < n_thread; t++) LS_TRY_GOTO(status, nnp_tws_init(m, data, n_data, &ws[t]), done);

    for (int k = 0; k < m->n_member; k++) {
        double *w = m->param + (long)k * m->n_param;
        unsigned long long rng = cfg->seed + (unsigned long long)k * 7919ULL;
        if (!cfg->warm_start)
            for (int e = 0; e < m->n_elem; e++) nnp_network_init_params(&m->net, w + (long)e * m->net.n_param, &rng);
        /* Members of an ensemble: own seed, and optionally a random subset of the data. */
        int n_sub = n_tr;
        memcpy(sub, tr_idx, (size_t)n_tr * sizeof *sub);
        if (m->n_member > 1 && cfg->bootstrap < 1.0) {
            shuffle(sub, n_tr, &rng);
            n_sub = (int)ceil(cfg->bootstrap * n_tr);
            if (n_sub < 1) n_sub = 1;
        }
        LS_TRY_GOTO(status, opt->create(m->n_param, &opt_state), done);
        struct objective_ctx ctx = {m, data, sub, n_sub, cfg, ws, gbuf, chunk, acc};
        double best_val = INFINITY, t0 = ls_wall_time(), loss = 0.0;
        int since_best = 0;
        memcpy(best, w, (size_t)m->n_param * sizeof *best);
        for (int epoch = 1; epoch <= cfg->n_epoch; epoch++) {
            struct nnp_tacc tr_acc, va_acc;
            memset(&tr_acc, 0, sizeof tr_acc);
            memset(&va_acc, 0, sizeof va_acc);
            double frac = cfg->n_epoch > 1 ? (double)(epoch - 1) / (cfg->n_epoch - 1) : 0.0;
            double lr = cfg->lr * pow(cfg->lr_final / cfg->lr, frac);
            double loss_sum = 0.0;
            if (opt->full_batch) {
                LS_TRY_GOTO(status, batch_gradient(&ctx, w, sub, n_sub, &loss, grad, &tr_acc), done);
                LS_TRY_GOTO(status, opt->step(opt_state, m->n_param, w, loss, grad, lr, full_objective, &ctx), done);
            } else {
                shuffle(sub, n_sub, &rng);
                int n_batch = 0;
                for (int b0 = 0; b0 < n_sub; b0 += cfg->batch_size, n_batch++) {
                    int nb = n_sub - b0 < cfg->batch_size ? n_sub - b0 : cfg->batch_size;
                    double lb;
                    LS_TRY_GOTO(status, batch_gradient(&ctx, w, sub + b0, nb, &lb, grad, &tr_acc), done);
                    LS_TRY_GOTO(status, opt->step(opt_state, m->n_param, w, lb, grad, lr, NULL, NULL), done);
                    loss_sum += lb * nb;
                }
                loss = loss_sum / n_sub;
            }
            /* Validation (exact, after the epoch). */
#pragma omp parallel for schedule(dynamic, 1)
            for (int v = 0; v < n_va; v++)
                nnp_tdata_pass(m, w, &data[va_idx[v]], cfg, &ws[omp_get_thread_num()], NULL, &acc[v]);
            double val_loss = 0.0;
            for (int v = 0; v < n_va; v++) {
                nnp_tacc_add(&va_acc, &acc[v]);
                val_loss += acc[v].loss;
            }
            val_loss = n_va > 0 ? val_loss / n_va : loss;
            int improved = val_loss < best_val;
            if (improved) {
                best_val = val_loss;
                since_best = 0;
                memcpy(best, w, (size_t)m->n_param * sizeof *best);
            } else {
                since_best++;
            }
            if (cfg->verbose) log_epoch(k, epoch, loss, &tr_acc, &va_acc, ls_wall_time() - t0, improved);
            if (since_best >= cfg->patience) {
                ls_log_info("member %d: early stop after %d epochs without validation improvement", k, since_best);
                break;
            }
            if (cfg->max_time_s > 0 && ls_wall_time() - t0 > cfg->max_time_s) {
                ls_log_info("member %d: time limit of %.0f s reached at epoch %d", k, cfg->max_time_s, epoch);
                break;
            }
        }
        memcpy(w, best, (size_t)m->n_param * sizeof *best);
        opt->destroy(opt_state);
        opt_state = NULL;
    }
    /* Ensembles: the spread's scale factors by maximum likelihood on the validation set. */
    if (m->n_member > 1 && n_va > 0) {
        ls_structure *items[n_va];
        for (int v = 0; v < n_va; v++) items[v] = (ls_structure *)data[va_idx[v]].s;
        ls_structure_list vl = {n_va, n_va, items}; /* borrowed: not destroyed */
        struct nnp_errors before, after;
        LS_TRY_GOTO(status, nnp_model_calibrate(m, &vl, &before, &after), done);
        ls_log_info("uncertainty calibrated on %d validation structures: scale energy %.3f, forces %.3f; within 1/2 "
                    "spreads: energy %.0f/%.0f%% -> %.0f/%.0f%%, forces %.0f/%.0f%% -> %.0f/%.0f%%", n_va,
                    m->unc_scale_energy, m->unc_scale_force, 100 * before.energy_in_1sigma,
                    100 * before.energy_in_2sigma, 100 * after.energy_in_1sigma, 100 * after.energy_in_2sigma,
                    100 * before.force_in_1sigma, 100 * before.force_in_2sigma, 100 * after.force_in_1sigma,
                    100 * after.force_in_2sigma);
    }
done:
    if (opt && opt_state) opt->destroy(opt_state);
    if (ws)
        for (int t = 0; t < n_thread; t++) nnp_tws_free(&ws[t]);
    free(ws);
    if (data)
        for (int i = 0; i < n_data; i++) nnp_tdata_free(&data[i]);
    free(data);
    free(tr_idx);
    free(va_idx);
    free(sub);
    free(grad);
    free(best);
    free(gbuf);
    free(acc);
    return status;
}
