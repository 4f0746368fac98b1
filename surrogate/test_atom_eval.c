/* Tests for surrogate/atom_eval.c: summing the per-atom energies and pair derivatives over a
 * neighbour list gives nnp_model_predict's energy, forces and stress (ensemble of two). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/test.h"
#include "common/units.h"
#include "surrogate/model.h"

static void test_atom_eval(void)
{
    struct nnp_model_config cfg;
    nnp_model_config_default(&cfg);
    cfg.desc.n_radial = 5;
    cfg.desc.n_angular = 3;
    cfg.desc.l_max = 3;
    cfg.desc.n_radial4 = 2;
    cfg.desc.l_max4 = 3;
    cfg.hidden[0] = 8;
    cfg.hidden[1] = 6;
    int z[3] = {13, 26, 27};
    nnp_model *m = NULL;
    LS_CHECK_OK(nnp_model_create(&cfg, 3, z, 2, 77, &m));
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_create(6, &s));
    if (!m || !s) return;
    m->energy_scale = 0.013;
    double cell[3][3] = {{5.61, 0.2, 0.0}, {0.3, 5.43, 0.1}, {-0.2, 0.4, 5.87}};
    unsigned long long rng = 9;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) s->cell[a][b] = cell[a][b];
    const char *el[6] = {"Al", "Fe", "Co", "Fe", "Al", "Co"};
    for (int i = 0; i < 6; i++) {
        ls_structure_set_species(s, i, el[i]);
        for (int k = 0; k < 3; k++) s->pos[i][k] = 5.5 * nnp_rand_uniform(&rng);
    }
    double F[6][3], F2[6][3] = {{0}}, vir[3][3] = {{0}}, E2 = 0.0;
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    r.forces = F;
    LS_CHECK_OK(nnp_model_predict(m, s, &r));
    nnp_neighbor_list *nl = NULL;
    nnp_atom_work *w = NULL;
    LS_CHECK_OK(nnp_neighbor_build(s, nnp_model_cutoff(m), &nl));
    LS_CHECK_OK(nnp_atom_work_create(m, &w));
    if (!nl || !w) return;
    int *pe = malloc((size_t)(nl->n_pair + 1) * sizeof *pe);
    double(*D)[3] = malloc((size_t)(nl->n_pair + 1) * sizeof *D);
    for (long p = 0; p < nl->n_pair; p++) pe[p] = nnp_model_element_index(m, s->z[nl->j[p]]);
    for (int i = 0; i < 6; i++) {
        double e;
        long o = nl->offset[i];
        LS_CHECK_OK(nnp_model_atom_energy(m, nnp_model_element_index(m, s->z[i]), (int)(nl->offset[i + 1] - o), pe + o,
                                          (const double(*)[3])nl->d[o], &e, D + o, w));
        E2 += e;
        for (long p = o; p < nl->offset[i + 1]; p++)
            for (int a = 0; a < 3; a++) {
                F2[i][a] += D[p][a];
                F2[nl->j[p]][a] -= D[p][a];
                for (int b = 0; b < 3; b++) vir[a][b] += D[p][a] * nl->d[p][b];
            }
    }
    double V = fabs(ls_cell_volume(s->cell)), fscale = 0.0;
    for (int i = 0; i < 6; i++)
        for (int a = 0; a < 3; a++) fscale = fmax(fscale, fabs(F[i][a]));
    LS_CHECK_NEAR(E2, r.energy, 1e-13 * fabs(r.energy));
    for (int i = 0; i < 6; i++)
        for (int a = 0; a < 3; a++) LS_CHECK_NEAR(F2[i][a], F[i][a], 1e-12 * fscale);
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) LS_CHECK_NEAR(vir[a][b] / V, r.stress[a][b], 1e-12 * fscale);
    LS_CHECK(nnp_model_element_index(m, 28) == -1);
    LS_CHECK(nnp_model_atom_energy(m, 3, 0, pe, NULL, &E2, NULL, w) == LS_ERR_INPUT);
    free(pe);
    free(D);
    nnp_atom_work_destroy(w);
    nnp_neighbor_destroy(nl);
    ls_structure_destroy(s);
    nnp_model_destroy(m);
}

int main(void)
{
    LS_RUN(test_atom_eval);
    return ls_test_summary("test_atom_eval");
}
