/* Tests for surrogate/active.c: the warm-start rule keeps every prediction, warm-started
 * training continues from the weights, the batch selection ranks by spread and does not pick
 * copies twice, and its documented errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/test.h"
#include "common/units.h"
#include "surrogate/model.h"
#include "surrogate/test_util.h"

static nnp_model *make_ensemble(int n_member)
{
    nnp_model *m = nnp_test_small_model(27, 28, n_member, 5);
    if (m == NULL) return NULL;
    for (int f = 0; f < m->n_feat; f++) { /* untidy normalisation, so that the rule has work to do */
        m->feat_mean[f] = 0.2 + 0.03 * f;
        m->feat_inv_std[f] = 0.6 + 0.07 * (f % 4);
    }
    m->e_ref[0] = -1.37;
    m->e_ref[1] = -1.52;
    m->energy_scale = 0.0071;
    return m;
}

/* An 8-atom Co-Ni cell rattled by `amp` bohr, with made-up reference energy and forces. */
static ls_structure *make_cell(unsigned long long seed, double amp)
{
    ls_structure *s = NULL;
    if (ls_structure_create(8, &s) != LS_OK) return NULL;
    unsigned long long rng = seed;
    double a = 3.52 / sqrt(2.0) * LS_ANGSTROM_BOHR * (1.0 + 0.02 * (nnp_rand_uniform(&rng) - 0.5));
    for (int k = 0; k < 3; k++) s->cell[k][k] = 2 * a;
    for (int i = 0; i < 8; i++) {
        ls_structure_set_species(s, i, (i + (int)seed) % 2 ? "Co" : "Ni");
        int b[3] = {i & 1, (i >> 1) & 1, (i >> 2) & 1};
        for (int k = 0; k < 3; k++) s->pos[i][k] = a * b[k] + amp * (nnp_rand_uniform(&rng) - 0.5);
    }
    s->has_energy = 1;
    s->energy = -8 * 1.45 + 0.01 * nnp_rand_uniform(&rng);
    ls_structure_alloc_forces(s);
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 3; k++) s->forces[i][k] = 0.01 * (nnp_rand_uniform(&rng) - 0.5);
    return s;
}

static ls_structure_list *make_set(int n, unsigned long long seed, double amp)
{
    ls_structure_list *set = NULL;
    LS_CHECK_OK(ls_structure_list_create(&set));
    for (int q = 0; q < n && set; q++) LS_CHECK_OK(ls_structure_list_push(set, make_cell(seed + 17 * q, amp)));
    return set;
}

/* Largest relative difference of energies and forces of m on set against e0, f0. */
static double compare(const nnp_model *m, const ls_structure_list *set, const double *e0, const double (*f0)[3])
{
    double worst = 0.0;
    for (int q = 0; q < set->n; q++) {
        double F[8][3];
        struct nnp_result r;
        memset(&r, 0, sizeof r);
        r.forces = F;
        LS_CHECK_OK(nnp_model_predict(m, set->items[q], &r));
        worst = fmax(worst, fabs(r.energy - e0[q]) / fabs(e0[q]));
        double fmax_ = 1e-300;
        for (int i = 0; i < 8; i++)
            for (int k = 0; k < 3; k++) fmax_ = fmax(fmax_, fabs(f0[8 * q + i][k]));
        for (int i = 0; i < 8; i++)
            for (int k = 0; k < 3; k++) worst = fmax(worst, fabs(F[i][k] - f0[8 * q + i][k]) / fmax_);
    }
    return worst;
}

static void predict_all(const nnp_model *m, const ls_structure_list *set, double *e, double (*f)[3])
{
    for (int q = 0; q < set->n; q++) {
        struct nnp_result r;
        memset(&r, 0, sizeof r);
        r.forces = f + 8 * q;
        LS_CHECK_OK(nnp_model_predict(m, set->items[q], &r));
        e[q] = r.energy;
    }
}

static void test_warm_start(void)
{
    nnp_model *m = make_ensemble(2);
    ls_structure_list *set = make_set(12, 3, 0.3);
    if (!m || !set) return;
    double e0[12], f0[96][3];
    predict_all(m, set, e0, f0);
    double mean0 = m->feat_mean[0], eref0 = m->e_ref[0];
    LS_CHECK_OK(nnp_model_renormalise(m, set));
    LS_CHECK(m->feat_mean[0] != mean0 && m->e_ref[0] != eref0); /* refitted ... */
    double d = compare(m, set, e0, (const double(*)[3])f0);
    LS_CHECK_MSG(d < 1e-11, "renormalised model differs by %g (relative)", d); /* ... predictions kept */
    /* warm-started training with a vanishing learning rate keeps the model; from scratch it does not */
    struct nnp_train_config tc;
    nnp_train_config_default(&tc);
    tc.verbose = 0;
    tc.n_epoch = 1;
    tc.lr = tc.lr_final = 1e-14;
    tc.warm_start = 1;
    LS_CHECK_OK(nnp_model_train(m, set, NULL, &tc));
    d = compare(m, set, e0, (const double(*)[3])f0);
    LS_CHECK_MSG(d < 1e-9, "warm start moved the model by %g", d);
    tc.warm_start = 0;
    LS_CHECK_OK(nnp_model_train(m, set, NULL, &tc));
    LS_CHECK(compare(m, set, e0, (const double(*)[3])f0) > 1e-3);
    /* and a real warm-started run lowers the training loss of a model trained briefly */
    tc.lr = 1e-2;
    tc.lr_final = 1e-3;
    tc.n_epoch = 3;
    struct nnp_errors e1, e2;
    LS_CHECK_OK(nnp_model_train(m, set, NULL, &tc));
    LS_CHECK_OK(nnp_model_errors(m, set, &e1));
    tc.warm_start = 1;
    tc.n_epoch = 10;
    LS_CHECK_OK(nnp_model_train(m, set, NULL, &tc));
    LS_CHECK_OK(nnp_model_errors(m, set, &e2));
    LS_CHECK_MSG(e2.force_rmse_ev_a < e1.force_rmse_ev_a, "force rmse %g after warm start, %g before",
                 e2.force_rmse_ev_a, e1.force_rmse_ev_a);
    ls_structure_list_destroy(set);
    nnp_model_destroy(m);
}

static void test_select(void)
{
    nnp_model *m = make_ensemble(3);
    ls_structure_list *pool = make_set(6, 40, 0.6);
    if (!m || !pool) return;
    struct nnp_select_config cfg;
    nnp_select_config_default(&cfg);
    cfg.n_select = 6;
    cfg.diversity = 0.0;
    int sel[10], n_sel = 0;
    double sc[10];
    LS_CHECK_OK(nnp_active_select(m, pool, &cfg, sel, sc, &n_sel));
    LS_CHECK(n_sel == 6);
    for (int t = 1; t < n_sel; t++) LS_CHECK(sc[t] <= sc[t - 1]); /* pure ranking by spread */
    int top = sel[0];
    /* four more copies of the most uncertain structure: without diversity they fill the batch */
    for (int c = 0; c < 4; c++) {
        ls_structure *copy = NULL;
        LS_CHECK_OK(ls_structure_copy(pool->items[top], &copy));
        LS_CHECK_OK(ls_structure_list_push(pool, copy));
    }
    cfg.n_select = 3;
    LS_CHECK_OK(nnp_active_select(m, pool, &cfg, sel, sc, &n_sel));
    int copies = 0;
    for (int t = 0; t < n_sel; t++) copies += sel[t] == top || sel[t] >= 6;
    LS_CHECK(copies == 3);
    cfg.diversity = 0.1;
    LS_CHECK_OK(nnp_active_select(m, pool, &cfg, sel, sc, &n_sel));
    copies = 0;
    for (int t = 0; t < n_sel; t++) copies += sel[t] == top || sel[t] >= 6;
    LS_CHECK_MSG(copies == 1 && n_sel == 3, "%d copies of one structure in a batch of %d", copies, n_sel);
    /* energy score works too */
    cfg.score = NNP_SCORE_ENERGY;
    LS_CHECK_OK(nnp_active_select(m, pool, &cfg, sel, sc, &n_sel));
    LS_CHECK(n_sel == 3 && sc[0] > 0);
    /* errors */
    ls_structure_set_species(pool->items[2], 0, "Fe");
    LS_CHECK(nnp_active_select(m, pool, &cfg, sel, sc, &n_sel) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "Fe") && strstr(ls_error_message(), "structure 3"));
    cfg.n_select = 0;
    LS_CHECK(nnp_active_select(m, pool, &cfg, sel, sc, &n_sel) == LS_ERR_INPUT);
    nnp_model_destroy(m);
    m = make_ensemble(1);
    cfg.n_select = 2;
    if (m) LS_CHECK(nnp_active_select(m, pool, &cfg, sel, sc, &n_sel) == LS_ERR_INPUT);
    nnp_model_destroy(m);
    ls_structure_list_destroy(pool);
}

int main(void)
{
    LS_RUN(test_warm_start);
    LS_RUN(test_select);
    return ls_test_summary("test_active");
}
