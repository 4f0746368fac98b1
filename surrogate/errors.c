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

int nnp_model_errors(const nnp_model *m, const ls_structure_list *set, struct nnp_errors *err)
{
    int status = LS_OK;
    double(*F)[3] = NULL, (*Fs)[3] = NULL;
    memset(err, 0, sizeof *err);
    double e_abs = 0, e_sq = 0, f_abs = 0, f_sq = 0, s_sq = 0, e_std = 0, f_std = 0;
    long n_f = 0, n_s = 0, f_in1 = 0, f_in2 = 0;
    int n_e = 0, e_in1 = 0, e_in2 = 0;
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
        err->n_atom += s->n_atom;
        if (s->has_energy && s->n_atom > 0) {
            double d = (r.energy - s->energy) / s->n_atom, sd = r.energy_std / s->n_atom;
            e_abs += fabs(d);
            e_sq += d * d;
            e_std += sd;
            e_in1 += fabs(d) <= sd;
            e_in2 += fabs(d) <= 2 * sd;
            n_e++;
        }
        if (s->forces)
            for (int i = 0; i < s->n_atom; i++)
                for (int a = 0; a < 3; a++) {
                    double d = F[i][a] - s->forces[i][a];
                    f_abs += fabs(d);
                    f_sq += d * d;
                    f_std += Fs[i][a];
                    f_in1 += fabs(d) <= Fs[i][a];
                    f_in2 += fabs(d) <= 2 * Fs[i][a];
                    n_f++;
                }
        if (s->has_stress && r.has_stress)
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) {
                    double d = r.stress[a][b] - s->stress[a][b];
                    s_sq += d * d;
                    n_s++;
                }
    }
    err->n_struct = set->n;
    const double mev = LS_HARTREE_EV * 1e3, fa = LS_HA_BOHR_EV_A;
    if (n_e) {
        err->energy_mae_mev_atom = e_abs / n_e * mev;
        err->energy_rmse_mev_atom = sqrt(e_sq / n_e) * mev;
        err->mean_energy_std_mev_atom = e_std / n_e * mev;
        err->energy_in_1sigma = (double)e_in1 / n_e;
        err->energy_in_2sigma = (double)e_in2 / n_e;
    }
    if (n_f) {
        err->force_mae_ev_a = f_abs / n_f * fa;
        err->force_rmse_ev_a = sqrt(f_sq / n_f) * fa;
        err->mean_force_std_ev_a = f_std / n_f * fa;
        err->force_in_1sigma = (double)f_in1 / n_f;
        err->force_in_2sigma = (double)f_in2 / n_f;
    }
    if (n_s) err->stress_rmse_gpa = sqrt(s_sq / n_s) * LS_HA_BOHR3_GPA;
done:
    free(F);
    free(Fs);
    return status;
}
