/* Errors of a model on a reference set, and the calibration of the ensemble spread.
 *
 * energy MAE/RMSE: over structures of |E_pred - E_ref| / N_atoms (meV/atom);
 * force MAE/RMSE: over all Cartesian components (eV/Å) -- the convention of
 * Zuo et al., J. Phys. Chem. A 124, 731 (2020), doi:10.1021/acs.jpca.9b08723.
 * Calibration: the fraction of errors inside 1 and 2 predicted standard deviations (for a
 * Gaussian error model, 68 % and 95 %).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/units.h"
#include "surrogate/surrogate.h"

int nnp_model_predict_each(const nnp_model *m, const ls_structure_list *set, nnp_prediction_fn fn, void *ctx)
{
    int status = LS_OK;
    double(*F)[3] = NULL, (*Fs)[3] = NULL;
    for (int q = 0; q < set->n; q++) {
        const ls_structure *s = set->items[q];
        free(F);
        free(Fs);
        F = malloc((size_t)(s->n_atom + 1) * sizeof *F);
        Fs = malloc((size_t)(s->n_atom + 1) * sizeof *Fs);
        if (!F || !Fs) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
        struct nnp_result r;
        memset(&r, 0, sizeof r);
        r.forces = F;
        r.force_std = Fs;
        status = nnp_model_predict(m, s, &r);
        if (status != LS_OK) {
            ls_error_prefix("structure %d: ", q + 1);
            goto done;
        }
        LS_TRY_GOTO(status, fn(ctx, q, s, &r), done);
    }
done:
    free(F);
    free(Fs);
    return status;
}

void nnp_error_sums_add(struct nnp_error_sums *a, const ls_structure *s, const struct nnp_result *r)
{
    a->n_struct++;
    a->n_atom += s->n_atom;
    if (s->has_energy && s->n_atom > 0) {
        double d = (r->energy - s->energy) / s->n_atom, sd = r->energy_std / s->n_atom;
        a->e_abs += fabs(d);
        a->e_sq += d * d;
        a->e_std += sd;
        a->e_in1 += fabs(d) <= sd;
        a->e_in2 += fabs(d) <= 2 * sd;
        double sr = r->unc_scale_energy > 0 ? sd / r->unc_scale_energy : sd;
        a->e_in1_raw += fabs(d) <= sr;
        a->e_in2_raw += fabs(d) <= 2 * sr;
        a->unc_scale_energy = r->unc_scale_energy;
        a->n_e++;
    }
    if (s->forces && r->forces) a->unc_scale_force = r->unc_scale_force;
    if (s->forces && r->forces)
        for (int i = 0; i < s->n_atom; i++)
            for (int k = 0; k < 3; k++) {
                double d = r->forces[i][k] - s->forces[i][k], sd = r->force_std ? r->force_std[i][k] : 0.0;
                a->f_abs += fabs(d);
                a->f_sq += d * d;
                a->f_std += sd;
                a->f_in1 += fabs(d) <= sd;
                a->f_in2 += fabs(d) <= 2 * sd;
                double sr = r->unc_scale_force > 0 ? sd / r->unc_scale_force : sd;
                a->f_in1_raw += fabs(d) <= sr;
                a->f_in2_raw += fabs(d) <= 2 * sr;
                a->n_f++;
            }
    if (s->has_stress && r->has_stress)
        for (int x = 0; x < 3; x++)
            for (int y = 0; y < 3; y++) {
                double d = r->stress[x][y] - s->stress[x][y];
                a->s_sq += d * d;
                a->n_s++;
            }
}

void nnp_error_sums_finish(const struct nnp_error_sums *a, struct nnp_errors *err)
{
    memset(err, 0, sizeof *err);
    err->n_struct = a->n_struct;
    err->n_atom = a->n_atom;
    const double mev = LS_HARTREE_EV * 1e3, fa = LS_HA_BOHR_EV_A;
    if (a->n_e) {
        err->energy_mae_mev_atom = a->e_abs / a->n_e * mev;
        err->energy_rmse_mev_atom = sqrt(a->e_sq / a->n_e) * mev;
        err->mean_energy_std_mev_atom = a->e_std / a->n_e * mev;
        err->energy_in_1sigma = (double)a->e_in1 / a->n_e;
        err->energy_in_2sigma = (double)a->e_in2 / a->n_e;
        err->energy_in_1sigma_raw = (double)a->e_in1_raw / a->n_e;
        err->energy_in_2sigma_raw = (double)a->e_in2_raw / a->n_e;
    }
    if (a->n_f) {
        err->force_mae_ev_a = a->f_abs / a->n_f * fa;
        err->force_rmse_ev_a = sqrt(a->f_sq / a->n_f) * fa;
        err->mean_force_std_ev_a = a->f_std / a->n_f * fa;
        err->force_in_1sigma = (double)a->f_in1 / a->n_f;
        err->force_in_2sigma = (double)a->f_in2 / a->n_f;
        err->force_in_1sigma_raw = (double)a->f_in1_raw / a->n_f;
        err->force_in_2sigma_raw = (double)a->f_in2_raw / a->n_f;
    }
    err->unc_scale_energy = a->unc_scale_energy;
    err->unc_scale_force = a->unc_scale_force;
    if (a->n_s) err->stress_rmse_gpa = sqrt(a->s_sq / a->n_s) * LS_HA_BOHR3_GPA;
}

static int add_to_sums(void *ctx, int index, const ls_structure *s, const struct nnp_result *r)
{
    (void)index;
    nnp_error_sums_add(ctx, s, r);
    return LS_OK;
}

int nnp_model_errors(const nnp_model *m, const ls_structure_list *set, struct nnp_errors *err)
{
    struct nnp_error_sums sums;
    memset(&sums, 0, sizeof sums);
    memset(err, 0, sizeof *err);
    LS_TRY(nnp_model_predict_each(m, set, add_to_sums, &sums));
    nnp_error_sums_finish(&sums, err);
    return LS_OK;
}
