/* Tests of the C interface (capi/lodestone.c): a model saved by the library and loaded through
 * the interface predicts what the library predicts, converted to eV and Å with the factors of
 * common/units.h; its forces are minus the derivative of its energy and its stress the strain
 * derivative over the volume, by central finite differences in the interface's own units (so the
 * conversions agree with each other); ensembles give spreads; every documented error gives its
 * status and a message.  The model has random parameters (a seeded two-element network): the
 * checks hold for any parameters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capi/lodestone.h"
#include "common/err.h"
#include "common/test.h"
#include "common/units.h"
#include "surrogate/surrogate.h"
#include "surrogate/test_util.h"

#define N_ATOM 6

/* A distorted two-element cell (Cu, Ni) in a triclinic box, Å (untidy numbers). */
static const double cell0[9] = {3.62, 0.11, 0.0, 0.27, 3.55, 0.06, 0.09, 0.31, 5.43};
static const int numbers0[N_ATOM] = {29, 29, 28, 29, 28, 29};
static const double pos0[N_ATOM * 3] = {0.02, 0.01, 0.03, 1.83, 1.79, 0.05, 1.78, 0.04, 1.71,
                                        0.06, 1.77, 1.86, 0.11, 0.09, 2.77, 1.85, 1.82, 2.69};

/* Save a seeded random model of Cu and Ni with n_member members (surrogate/test_util.h's small
 * model, cutoff 4.1 Å) into the scratch folder. */
static const char *write_model(const char *name, int n_member, char *path, size_t n)
{
    nnp_model *m = nnp_test_small_model(29, 28, n_member, 2024);
    ls_test_tmp_path(path, n, name);
    if (m) LS_CHECK_OK(nnp_model_save(m, path));
    nnp_model_destroy(m);
    return path;
}

/* write_model, then load it through the interface (NULL, a failed check, if it does not load). */
static lodestone_potential *load_model(const char *name, int n_member)
{
    char path[512];
    write_model(name, n_member, path, sizeof path);
    lodestone_potential *pot = NULL;
    LS_CHECK(lodestone_potential_load(path, &pot) == 0);
    return pot;
}

static double predict_energy(lodestone_potential *pot, const double *pos, const double *cell)
{
    int pbc[3] = {1, 1, 1};
    double e = NAN;
    LS_CHECK(lodestone_potential_predict(pot, N_ATOM, numbers0, pos, cell, pbc, &e, NULL, NULL, NULL, NULL, NULL) == 0);
    return e;
}

/* The interface equals the library (nnp_model_predict on the same structure), units converted. */
static void test_same_as_library(void)
{
    char path[512];
    write_model("capi_one.model", 1, path, sizeof path);
    lodestone_potential *pot = NULL;
    LS_CHECK(lodestone_potential_load(path, &pot) == 0);
    nnp_model *m = NULL;
    LS_CHECK_OK(nnp_model_load(path, &m));
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_create(N_ATOM, &s));
    if (!pot || !m || !s) goto done;
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) s->cell[i][k] = cell0[3 * i + k] * LS_ANGSTROM_BOHR;
    for (int ia = 0; ia < N_ATOM; ia++) {
        ls_structure_set_species(s, ia, numbers0[ia] == 29 ? "Cu" : "Ni");
        for (int k = 0; k < 3; k++) s->pos[ia][k] = pos0[3 * ia + k] * LS_ANGSTROM_BOHR;
    }
    double f_au[N_ATOM][3], e_atom[N_ATOM];
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    r.forces = f_au;
    r.atom_energy = e_atom;
    LS_CHECK_OK(nnp_model_predict(m, s, &r));

    int pbc[3] = {1, 1, 1};
    double e, f[N_ATOM * 3], stress[9], ea[N_ATOM], e_std = -1, f_std[N_ATOM * 3];
    LS_CHECK(lodestone_potential_predict(pot, N_ATOM, numbers0, pos0, cell0, pbc, &e, f, stress, ea, &e_std, f_std) == 0);
    LS_CHECK_MSG(e == r.energy * LS_HARTREE_EV, "energy %.17g eV, library %.17g eV", e, r.energy * LS_HARTREE_EV);
    double sum_ea = 0;
    for (int ia = 0; ia < N_ATOM; ia++) {
        sum_ea += ea[ia];
        LS_CHECK(ea[ia] == e_atom[ia] * LS_HARTREE_EV);
        for (int k = 0; k < 3; k++) {
            LS_CHECK(f[3 * ia + k] == f_au[ia][k] * LS_HA_BOHR_EV_A);
            LS_CHECK(f_std[3 * ia + k] == 0.0); /* one member: no spread */
        }
    }
    LS_CHECK_NEAR(sum_ea, e, 1e-10 * fabs(e));
    LS_CHECK(e_std == 0.0);
    double ev_a3 = LS_HARTREE_EV / (LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM);
    for (int k = 0; k < 9; k++) LS_CHECK_NEAR(stress[k], r.stress[k / 3][k % 3] * ev_a3, 1e-14 * ev_a3);
    /* A second call with the same arrays gives the same numbers (the scratch structure is reused). */
    double e2;
    LS_CHECK(lodestone_potential_predict(pot, N_ATOM, numbers0, pos0, cell0, pbc, &e2, NULL, NULL, NULL, NULL, NULL) == 0);
    LS_CHECK(e2 == e);
    /* Queries. */
    LS_CHECK(lodestone_potential_n_elements(pot) == 2);
    LS_CHECK(lodestone_potential_element(pot, 0) == 29 && lodestone_potential_element(pot, 1) == 28);
    LS_CHECK(lodestone_potential_element(pot, 2) == 0);
    LS_CHECK_NEAR(lodestone_potential_cutoff_a(pot), 4.1, 1e-12);
    LS_CHECK(lodestone_potential_n_members(pot) == 1);
    LS_CHECK_MSG(strstr(lodestone_potential_describe(pot), "Cu") != NULL, "%s", lodestone_potential_describe(pot));
    LS_CHECK(strncmp(lodestone_version(), "lodestone ", 10) == 0);
    LS_CHECK(lodestone_capi_version() == LODESTONE_CAPI_VERSION);
done:
    ls_structure_destroy(s);
    nnp_model_destroy(m);
    lodestone_potential_free(pot);
}

/* F = -dE/dx (eV/Å) and stress = (1/V) dE/d(strain) (eV/Å^3), central differences in Å. */
static void test_derivatives(void)
{
    lodestone_potential *pot = load_model("capi_fd.model", 1);
    if (!pot) return;
    int pbc[3] = {1, 1, 1};
    double e, f[N_ATOM * 3], stress[9];
    LS_CHECK(lodestone_potential_predict(pot, N_ATOM, numbers0, pos0, cell0, pbc, &e, f, stress, NULL, NULL, NULL) == 0);
    const double h = 1e-4; /* Å; the error of the differences is O(h^2) ~ 1e-8 eV/Å here */
    double worst_f = 0, worst_s = 0, pos[N_ATOM * 3], cell[9];
    for (int i = 0; i < N_ATOM * 3; i++) {
        memcpy(pos, pos0, sizeof pos);
        pos[i] += h;
        double ep = predict_energy(pot, pos, cell0);
        pos[i] -= 2 * h;
        double em = predict_energy(pot, pos, cell0);
        worst_f = fmax(worst_f, fabs(-(ep - em) / (2 * h) - f[i]));
    }
    double vol = cell0[0] * (cell0[4] * cell0[8] - cell0[5] * cell0[7]) - cell0[1] * (cell0[3] * cell0[8] - cell0[5] * cell0[6]) +
                 cell0[2] * (cell0[3] * cell0[7] - cell0[4] * cell0[6]);
    const double eps = 1e-5;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            double de[2];
            for (int sgn = 0; sgn < 2; sgn++) {
                double d = sgn ? -eps : eps;
                /* x -> (1 + d e_ab) x for the cell rows and the positions */
                for (int i = 0; i < 3; i++) {
                    for (int k = 0; k < 3; k++) cell[3 * i + k] = cell0[3 * i + k];
                    cell[3 * i + a] += d * cell0[3 * i + b];
                }
                for (int ia = 0; ia < N_ATOM; ia++) {
                    for (int k = 0; k < 3; k++) pos[3 * ia + k] = pos0[3 * ia + k];
                    pos[3 * ia + a] += d * pos0[3 * ia + b];
                }
                de[sgn] = predict_energy(pot, pos, cell);
            }
            double fd = (de[0] - de[1]) / (2 * eps) / vol;
            worst_s = fmax(worst_s, fabs(fd - stress[3 * a + b]));
        }
    printf("  forces vs -dE/dx: worst %.2e eV/A; stress vs dE/dstrain / V: worst %.2e eV/A^3\n", worst_f, worst_s);
    LS_CHECK(worst_f < 1e-6);
    LS_CHECK(worst_s < 1e-7);
    lodestone_potential_free(pot);
}

/* An ensemble gives spreads; the energy is the members' mean. */
static void test_ensemble(void)
{
    lodestone_potential *pot = load_model("capi_ens.model", 3);
    if (!pot) return;
    LS_CHECK(lodestone_potential_n_members(pot) == 3);
    int pbc[3] = {1, 1, 1};
    double e, e_std = 0, f_std[N_ATOM * 3];
    LS_CHECK(lodestone_potential_predict(pot, N_ATOM, numbers0, pos0, cell0, pbc, &e, NULL, NULL, NULL, &e_std, f_std) == 0);
    LS_CHECK(e_std > 0 && isfinite(e));
    double max_std = 0;
    for (int i = 0; i < N_ATOM * 3; i++) max_std = fmax(max_std, f_std[i]);
    LS_CHECK(max_std > 0);
    lodestone_potential_free(pot);
}

/* Documented errors: status 2 with a message; the potential stays usable after a failed call. */
static void test_errors(void)
{
    lodestone_potential *pot = (lodestone_potential *)1;
    LS_CHECK(lodestone_potential_load("no/such/file.model", &pot) == 2 && pot == NULL);
    LS_CHECK_MSG(strstr(lodestone_last_error(), "no/such/file.model") != NULL, "%s", lodestone_last_error());
    char bad[512];
    ls_test_tmp_path(bad, sizeof bad, "capi_bad.model");
    FILE *f = fopen(bad, "w");
    if (f) {
        fputs("lodestone-nnp-model 1\nelements 1 Cu\nreference_energy_ha nan\n", f);
        fclose(f);
    }
    LS_CHECK(lodestone_potential_load(bad, &pot) == 2 && pot == NULL);
    LS_CHECK_MSG(strstr(lodestone_last_error(), "capi_bad.model") != NULL, "%s", lodestone_last_error());

    pot = load_model("capi_err.model", 1);
    if (!pot) return;
    int pbc[3] = {1, 1, 1}, slab[3] = {1, 1, 0};
    double e, stress[9], pos[N_ATOM * 3];
    int numbers[N_ATOM];
    memcpy(numbers, numbers0, sizeof numbers);
    numbers[2] = 26; /* Fe: not in the model */
    LS_CHECK(lodestone_potential_predict(pot, N_ATOM, numbers, pos0, cell0, pbc, &e, NULL, NULL, NULL, NULL, NULL) == 2);
    LS_CHECK_MSG(strstr(lodestone_last_error(), "Fe") != NULL, "%s", lodestone_last_error());
    numbers[2] = 0;
    LS_CHECK(lodestone_potential_predict(pot, N_ATOM, numbers, pos0, cell0, pbc, &e, NULL, NULL, NULL, NULL, NULL) == 2);
    LS_CHECK_MSG(strstr(lodestone_last_error(), "atom 3") != NULL, "%s", lodestone_last_error());
    memcpy(pos, pos0, sizeof pos);
    pos[4] = NAN;
    LS_CHECK(lodestone_potential_predict(pot, N_ATOM, numbers0, pos, cell0, pbc, &e, NULL, NULL, NULL, NULL, NULL) == 2);
    LS_CHECK_MSG(strstr(lodestone_last_error(), "atom 2") && strstr(lodestone_last_error(), "not finite"), "%s",
                 lodestone_last_error());
    LS_CHECK(lodestone_potential_predict(pot, N_ATOM, numbers0, pos0, cell0, slab, &e, NULL, stress, NULL, NULL, NULL) == 2);
    LS_CHECK_MSG(strstr(lodestone_last_error(), "periodic") != NULL, "%s", lodestone_last_error());
    LS_CHECK(lodestone_potential_predict(pot, 0, numbers0, pos0, cell0, pbc, &e, NULL, NULL, NULL, NULL, NULL) == 2);
    LS_CHECK(lodestone_potential_predict(NULL, N_ATOM, numbers0, pos0, cell0, pbc, &e, NULL, NULL, NULL, NULL, NULL) == 2);
    /* still usable, and a slab without stress works */
    LS_CHECK(lodestone_potential_predict(pot, N_ATOM, numbers0, pos0, cell0, slab, &e, NULL, NULL, NULL, NULL, NULL) == 0);
    LS_CHECK(lodestone_last_error()[0] == '\0');
    lodestone_potential_free(pot);
    lodestone_potential_free(NULL);
}

int main(void)
{
    LS_RUN(test_same_as_library);
    LS_RUN(test_derivatives);
    LS_RUN(test_ensemble);
    LS_RUN(test_errors);
    return ls_test_summary("test_capi");
}
