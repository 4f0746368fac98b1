/* Learning curves of active learning: test error against the number of training frames, when
 * the frames added each round are picked by the ensemble's calibrated spread
 * (nnp_active_select, with the diversity penalty) or at random; the model is retrained with
 * warm start (nnp_model_train, warm_start = 1) after each round.  The C calls are those a
 * campaign makes (surrogate/surrogate.h, "Active learning").
 *
 *   usage: learning_curve POOL.xyz TEST.xyz N_START N_ADD N_ROUNDS [SEED]
 *   build: make build/learning_curve
 * Prints one line per round and strategy: frames, test energy MAE (meV/atom), force MAE (eV/A),
 * and the coverage of the calibrated spreads.  Ensemble of 3, default model, 60 epochs from
 * scratch for the first model, 30 warm-start epochs (lr 3e-3 -> 1e-4) per round.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "surrogate/surrogate.h"

static int run(const ls_structure_list *pool, const ls_structure_list *test, int n_start, int n_add, int n_rounds,
               unsigned long long seed, int uncertainty)
{
    int status = LS_OK, *used = calloc((size_t)pool->n, sizeof *used), *sel = malloc((size_t)n_add * sizeof *sel);
    nnp_model *m = NULL;
    ls_structure_list train = {0, pool->n, calloc((size_t)pool->n, sizeof(ls_structure *))};
    ls_structure_list rest = {0, pool->n, calloc((size_t)pool->n, sizeof(ls_structure *))};
    int *rest_idx = malloc((size_t)pool->n * sizeof *rest_idx);
    if (!used || !sel || !train.items || !rest.items || !rest_idx) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    unsigned long long rng = seed;
    /* the same random start for both strategies */
    for (int k = 0; k < n_start; k++) {
        int q;
        do {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            q = (int)((rng >> 33) % (unsigned long long)pool->n);
        } while (used[q]);
        used[q] = 1;
        train.items[train.n++] = pool->items[q];
    }
    int z[64], n_elem = 0;
    for (int q = 0; q < pool->n; q++)
        for (int i = 0; i < pool->items[q]->n_atom; i++) {
            int found = 0;
            for (int e = 0; e < n_elem; e++) found |= z[e] == pool->items[q]->z[i];
            if (!found && n_elem < 64) z[n_elem++] = pool->items[q]->z[i];
        }
    for (int a = 1; a < n_elem; a++)
        for (int b = a; b > 0 && z[b - 1] > z[b]; b--) {
            int t = z[b];
            z[b] = z[b - 1];
            z[b - 1] = t;
        }
    struct nnp_model_config mc;
    nnp_model_config_default(&mc);
    LS_TRY_GOTO(status, nnp_model_create(&mc, n_elem, z, 3, seed, &m), done);
    struct nnp_train_config tc;
    nnp_train_config_default(&tc);
    tc.verbose = 0;
    tc.seed = seed;
    tc.n_epoch = 60;
    for (int round = 0; round <= n_rounds; round++) {
        LS_TRY_GOTO(status, nnp_model_train(m, &train, NULL, &tc), done);
        struct nnp_errors e;
        LS_TRY_GOTO(status, nnp_model_errors(m, test, &e), done);
        printf("%-11s round %d frames %3d  E MAE %8.3f meV/atom  F MAE %.4f eV/A  F within 1/2 spreads %.0f/%.0f%%\n",
               uncertainty ? "uncertainty" : "random", round, train.n, e.energy_mae_mev_atom, e.force_mae_ev_a,
               100 * e.force_in_1sigma, 100 * e.force_in_2sigma);
        fflush(stdout);
        if (round == n_rounds) break;
        rest.n = 0;
        for (int q = 0; q < pool->n; q++)
            if (!used[q]) {
                rest_idx[rest.n] = q;
                rest.items[rest.n++] = pool->items[q];
            }
        int n_sel = 0;
        if (uncertainty) {
            struct nnp_select_config sc;
            nnp_select_config_default(&sc);
            sc.n_select = n_add;
            LS_TRY_GOTO(status, nnp_active_select(m, &rest, &sc, sel, NULL, &n_sel), done);
        } else {
            for (; n_sel < n_add && n_sel < rest.n; n_sel++) {
                int q;
                do {
                    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
                    q = (int)((rng >> 33) % (unsigned long long)rest.n);
                } while (used[rest_idx[q]]);
                used[rest_idx[q]] = 2; /* marked; set to 1 below */
                sel[n_sel] = q;
            }
        }
        for (int k = 0; k < n_sel; k++) {
            used[rest_idx[sel[k]]] = 1;
            train.items[train.n++] = rest.items[sel[k]];
        }
        tc.warm_start = 1;
        tc.n_epoch = 30;
        tc.lr = 3e-3;
        tc.lr_final = 1e-4;
    }
done:
    nnp_model_destroy(m);
    free(used);
    free(sel);
    free(train.items); /* borrowed structures: the list arrays only */
    free(rest.items);
    free(rest_idx);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: learning_curve POOL.xyz TEST.xyz N_START N_ADD N_ROUNDS [SEED]\n");
        return 2;
    }
    ls_structure_list *pool = NULL, *test = NULL;
    int status = ls_structures_read(argv[1], LS_FORMAT_AUTO, &pool);
    if (status == LS_OK) status = ls_structures_read(argv[2], LS_FORMAT_AUTO, &test);
    unsigned long long seed = argc > 6 ? strtoull(argv[6], NULL, 10) : 2026;
    for (int u = 0; u < 2 && status == LS_OK; u++)
        status = run(pool, test, atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), seed, u);
    if (status != LS_OK) fprintf(stderr, "learning_curve: error: %s\n", ls_error_message());
    ls_structure_list_destroy(pool);
    ls_structure_list_destroy(test);
    return status == LS_OK ? 0 : status == LS_ERR_INPUT ? 2 : 1;
}
