/* Reporting shared by the surrogate commands; see nnp_opts.h. */
#include "apps/nnp_opts.h"

#include <math.h>
#include <stdio.h>

#include "common/err.h"
#include "common/json.h"
#include "common/units.h"

int nnp_report_errors(const char *label, const struct nnp_errors *e, int n_member, const char *json_path)
{
    printf("%s: %d structures, %d atoms\n", label, e->n_struct, e->n_atom);
    printf("  energy_mae_meV_per_atom   %10.4f\n", e->energy_mae_mev_atom);
    printf("  energy_rmse_meV_per_atom  %10.4f\n", e->energy_rmse_mev_atom);
    printf("  force_mae_eV_per_A        %10.5f\n", e->force_mae_ev_a);
    printf("  force_rmse_eV_per_A       %10.5f\n", e->force_rmse_ev_a);
    if (e->stress_rmse_gpa > 0) printf("  stress_rmse_GPa           %10.5f\n", e->stress_rmse_gpa);
    if (n_member > 1) {
        printf("  mean_energy_spread_meV_per_atom %8.4f  (errors within 1/2 spreads: %.0f%% / %.0f%%)\n",
               e->mean_energy_std_mev_atom, 100 * e->energy_in_1sigma, 100 * e->energy_in_2sigma);
        printf("  mean_force_spread_eV_per_A      %8.5f  (errors within 1/2 spreads: %.0f%% / %.0f%%; "
               "Gaussian: 68%% / 95%%)\n",
               e->mean_force_std_ev_a, 100 * e->force_in_1sigma, 100 * e->force_in_2sigma);
        printf("  uncertainty scale energy %.3f, forces %.3f; unscaled spreads: energy %.0f%% / %.0f%%, forces "
               "%.0f%% / %.0f%%\n", e->unc_scale_energy, e->unc_scale_force, 100 * e->energy_in_1sigma_raw,
               100 * e->energy_in_2sigma_raw, 100 * e->force_in_1sigma_raw, 100 * e->force_in_2sigma_raw);
    }
    if (json_path == NULL) return LS_OK;
    ls_json *j = NULL;
    LS_TRY(ls_json_open_file(json_path, &j));
    ls_json_object_begin(j, NULL);
    ls_json_string(j, "set", label);
    ls_json_int(j, "n_structures", e->n_struct);
    ls_json_int(j, "n_atoms", e->n_atom);
    ls_json_number(j, "energy_mae_meV_per_atom", e->energy_mae_mev_atom);
    ls_json_number(j, "energy_rmse_meV_per_atom", e->energy_rmse_mev_atom);
    ls_json_number(j, "force_mae_eV_per_A", e->force_mae_ev_a);
    ls_json_number(j, "force_rmse_eV_per_A", e->force_rmse_ev_a);
    ls_json_number(j, "stress_rmse_GPa", e->stress_rmse_gpa);
    ls_json_int(j, "n_members", n_member);
    if (n_member > 1) {
        ls_json_number(j, "mean_energy_spread_meV_per_atom", e->mean_energy_std_mev_atom);
        ls_json_number(j, "mean_force_spread_eV_per_A", e->mean_force_std_ev_a);
        ls_json_number(j, "energy_fraction_within_1_spread", e->energy_in_1sigma);
        ls_json_number(j, "energy_fraction_within_2_spreads", e->energy_in_2sigma);
        ls_json_number(j, "force_fraction_within_1_spread", e->force_in_1sigma);
        ls_json_number(j, "force_fraction_within_2_spreads", e->force_in_2sigma);
        ls_json_number(j, "uncertainty_scale_energy", e->unc_scale_energy);
        ls_json_number(j, "uncertainty_scale_forces", e->unc_scale_force);
        ls_json_number(j, "energy_fraction_within_1_unscaled_spread", e->energy_in_1sigma_raw);
        ls_json_number(j, "energy_fraction_within_2_unscaled_spreads", e->energy_in_2sigma_raw);
        ls_json_number(j, "force_fraction_within_1_unscaled_spread", e->force_in_1sigma_raw);
        ls_json_number(j, "force_fraction_within_2_unscaled_spreads", e->force_in_2sigma_raw);
    }
    ls_json_object_end(j);
    return ls_json_close(j);
}

int nnp_check_frames(const ls_structure_list *set, const char *path)
{
    for (int q = 0; q < set->n; q++) {
        const ls_structure *s = set->items[q];
        if (s->has_energy) {
            const double e = s->energy * LS_HARTREE_EV / (s->n_atom > 0 ? s->n_atom : 1);
            if (!(fabs(e) <= NNP_FRAME_MAX_ENERGY_EV))
                LS_ERROR(LS_ERR_INPUT, "%s frame %d: energy %g eV/atom is not an atomistic energy (beyond %g eV/atom): "
                         "fix the frame (energies are read in eV) or remove it", path, q + 1, e, NNP_FRAME_MAX_ENERGY_EV);
        }
        for (int i = 0; s->forces && i < s->n_atom; i++)
            for (int k = 0; k < 3; k++) {
                const double f = s->forces[i][k] * LS_HA_BOHR_EV_A;
                if (!(fabs(f) <= NNP_FRAME_MAX_FORCE_EV_A))
                    LS_ERROR(LS_ERR_INPUT, "%s frame %d, atom %d: force component %g eV/A is beyond %g eV/A: fix the "
                             "frame (forces are read in eV/A) or remove it", path, q + 1, i + 1, f,
                             NNP_FRAME_MAX_FORCE_EV_A);
            }
        for (int k = 0; s->has_stress && k < 9; k++) {
            const double v = s->stress[k / 3][k % 3] * LS_HA_BOHR3_GPA;
            if (!(fabs(v) <= NNP_FRAME_MAX_STRESS_GPA))
                LS_ERROR(LS_ERR_INPUT, "%s frame %d: stress component %g GPa is beyond %g GPa: fix the frame (stresses "
                         "are read in eV/A^3) or remove it", path, q + 1, v, NNP_FRAME_MAX_STRESS_GPA);
        }
    }
    return LS_OK;
}

int nnp_parse_repeat(const char *text, int rep[3])
{
    rep[0] = rep[1] = rep[2] = 1;
    if (text == NULL) return LS_OK;
    char end;
    if (sscanf(text, "%d,%d,%d%c", &rep[0], &rep[1], &rep[2], &end) != 3 || rep[0] < 1 || rep[1] < 1 || rep[2] < 1)
        LS_ERROR(LS_ERR_USAGE, "--repeat expects three positive whole numbers like 4,4,4, got '%s'", text);
    for (int k = 0; k < 3; k++)
        if (rep[k] > NNP_REPEAT_MAX_ATOMS)
            LS_ERROR(LS_ERR_USAGE, "--repeat %s: %d repetitions along one axis; at most %ld atoms in all", text, rep[k],
                     NNP_REPEAT_MAX_ATOMS);
    return LS_OK;
}

int nnp_structure_repeat(const ls_structure *s, const int rep[3], ls_structure **out)
{
    const long long n_all = (long long)s->n_atom * rep[0] * rep[1] * rep[2];
    if (n_all > NNP_REPEAT_MAX_ATOMS)
        LS_ERROR(LS_ERR_USAGE, "--repeat %d,%d,%d of %d atoms makes %lld atoms: at most %ld (fix: fewer repetitions)",
                 rep[0], rep[1], rep[2], s->n_atom, n_all, NNP_REPEAT_MAX_ATOMS);
    int n = (int)n_all;
    ls_structure *t = NULL;
    LS_TRY(ls_structure_create(n, &t));
    for (int a = 0; a < 3; a++) {
        t->pbc[a] = s->pbc[a];
        for (int k = 0; k < 3; k++) t->cell[a][k] = s->cell[a][k] * rep[a];
    }
    int q = 0;
    for (int x = 0; x < rep[0]; x++)
        for (int y = 0; y < rep[1]; y++)
            for (int z = 0; z < rep[2]; z++)
                for (int i = 0; i < s->n_atom; i++, q++) {
                    int st = ls_structure_set_species(t, q, s->species[i]);
                    if (st != LS_OK) {
                        ls_structure_destroy(t);
                        return st;
                    }
                    for (int k = 0; k < 3; k++)
                        t->pos[q][k] = s->pos[i][k] + x * s->cell[0][k] + y * s->cell[1][k] + z * s->cell[2][k];
                }
    *out = t;
    return LS_OK;
}
