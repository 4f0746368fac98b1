/* The reports of `lodestone relax`: a line per step and the JSON (see relax_settings.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "apps/relax_settings.h"
#include "common/err.h"
#include "common/json.h"
#include "common/units.h"

/* One line per step on stdout. */
int relax_log_step(void *ctx, const struct ls_relax_step *st)
{
    struct relax_step_log *lg = ctx;
    if (lg->quiet) return LS_OK;
    const double a3 = LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM;
    if (!lg->header_done) {
        printf("%5s %18s %12s %11s", "step", "energy_eV", lg->enthalpy ? "dH_eV" : "dE_eV", "fmax_eV/A");
        if (lg->relax_cell) printf(" %12s %12s", "dstress_GPa", "pressure_GPa");
        if (lg->enthalpy) printf(" %18s", "enthalpy_eV");
        printf(" %11s %8s\n", "volume_A3", "wall_s");
        lg->header_done = 1;
    }
    printf("%5d %18.8f %12.4e %11.6f", st->step, st->energy * LS_HARTREE_EV, st->enthalpy_change * LS_HARTREE_EV,
           st->fmax_ev_a);
    if (lg->relax_cell) printf(" %12.5f %12.5f", st->stress_dev_gpa, st->pressure_gpa);
    if (lg->enthalpy) printf(" %18.8f", st->enthalpy * LS_HARTREE_EV);
    printf(" %11.4f %8.2f\n", st->volume_bohr3 * a3, st->wall_s);
    fflush(stdout);
    return LS_OK;
}

int relax_write_json(const char *path, const char *input, const ls_structure *s, const struct ls_relax_result *res,
                      const struct ls_relax_config *cfg, const struct relax_origins *o, double wall_s)
{
    ls_json *j = NULL;
    if (strcmp(path, "-") == 0) LS_TRY(ls_json_wrap(stdout, &j));
    else LS_TRY(ls_json_open_file(path, &j));
    const double ev = LS_HARTREE_EV, A = LS_BOHR_ANGSTROM;
    static const char *const stops[] = {"converged", "max_steps", "calculation_failed", "interrupted", "error", "limit"};
    ls_json_object_begin(j, NULL);
    ls_json_string(j, "program", "lodestone relax");
    ls_json_string(j, "version", cli_version());
    ls_json_string(j, "input", input);
    ls_json_string(j, "optimizer", cfg->optimizer);
    ls_json_bool(j, "relax_cell", cfg->relax_cell);
    ls_json_bool(j, "fixed_volume", cfg->relax_cell && cfg->fixed_volume);
    ls_json_number(j, "target_pressure_GPa", cfg->relax_cell ? cfg->pressure_gpa : 0.0);
    ls_json_number(j, "fmax_threshold_eV_per_A", cfg->fmax_ev_a);
    if (cfg->relax_cell) ls_json_number(j, "stress_threshold_GPa", cfg->stress_tol_gpa);
    if (cfg->energy_tol_ev > 0) ls_json_number(j, "energy_threshold_eV", cfg->energy_tol_ev);
    else ls_json_null(j, "energy_threshold_eV");
    ls_json_int(j, "max_steps", cfg->max_steps);
    ls_json_object_begin(j, "settings_from"); /* "command line", "pw.x input", "pw.x default", "default" */
    ls_json_string(j, "cell", o->cell.from);
    ls_json_string(j, "optimizer", o->optimizer.from);
    ls_json_string(j, "fmax", o->fmax.from);
    ls_json_string(j, "stress_tol", o->stress_tol.from);
    ls_json_string(j, "pressure", o->pressure.from);
    ls_json_string(j, "energy_tol", o->energy_tol.from);
    ls_json_string(j, "steps", o->steps.from);
    ls_json_object_end(j);
    ls_json_int(j, "symmetry_operations_kept", res->n_sym_ops);
    ls_json_bool(j, "converged", res->converged);
    ls_json_string(j, "stop_reason", stops[res->stop]);
    ls_json_int(j, "n_steps", res->n_steps);
    ls_json_int(j, "restarted_at_step", res->restarted ? res->start_step : 0);
    if (res->has_step) {
        ls_json_number(j, "energy_eV", res->energy * ev);
        if (cfg->relax_cell) ls_json_number(j, "enthalpy_eV", res->enthalpy * ev);
        ls_json_number(j, "fmax_eV_per_A", res->fmax_ev_a);
    } else {
        ls_json_null(j, "energy_eV");
        ls_json_null(j, "fmax_eV_per_A");
    }
    if (res->has_step && res->has_stress) {
        double m[9];
        for (int k = 0; k < 9; k++) m[k] = res->stress[k / 3][k % 3] * LS_HA_BOHR3_GPA;
        ls_json_number(j, "pressure_GPa", res->pressure_gpa);
        ls_json_matrix(j, "stress_GPa", m, 3, 3);
    } else {
        ls_json_null(j, "pressure_GPa");
        ls_json_null(j, "stress_GPa");
    }
    double cell_bohr[3][3], cell[9];
    memcpy(cell_bohr, s->cell, sizeof cell_bohr);
    for (int k = 0; k < 9; k++) cell[k] = cell_bohr[k / 3][k % 3] * A;
    ls_json_matrix(j, "cell_A", cell, 3, 3);
    ls_json_array_begin(j, "positions_A");
    for (int i = 0; i < s->n_atom; i++) {
        double r[3] = {s->pos[i][0] * A, s->pos[i][1] * A, s->pos[i][2] * A};
        ls_json_number_array(j, NULL, r, 3);
    }
    ls_json_array_end(j);
    ls_json_array_begin(j, "species");
    for (int i = 0; i < s->n_atom; i++) ls_json_string(j, NULL, s->species[i]);
    ls_json_array_end(j);
    double len[3], ang[3];
    ls_cell_parameters(cell_bohr, len, ang);
    for (int k = 0; k < 3; k++) len[k] *= A;
    ls_json_object_begin(j, "lattice_parameters");
    cli_json_lattice_keys(j, len, ang);
    ls_json_object_end(j);
    ls_json_number(j, "volume_A3", fabs(ls_cell_volume(cell_bohr)) * A * A * A);
    ls_json_array_begin(j, "steps");
    for (int i = 0; i < res->n_history; i++) {
        const struct ls_relax_history *h = &res->history[i];
        ls_json_object_begin(j, NULL);
        ls_json_int(j, "step", h->step);
        ls_json_number(j, "energy_eV", h->energy * ev);
        if (cfg->relax_cell) ls_json_number(j, "enthalpy_eV", h->enthalpy * ev);
        ls_json_number(j, "fmax_eV_per_A", h->fmax_ev_a);
        if (res->has_stress) ls_json_number(j, "pressure_GPa", h->pressure_gpa);
        else ls_json_null(j, "pressure_GPa");
        if (cfg->relax_cell) ls_json_number(j, "stress_deviation_GPa", h->stress_dev_gpa);
        ls_json_number(j, "volume_A3", h->volume_bohr3 * A * A * A);
        ls_json_object_end(j);
    }
    ls_json_array_end(j);
    ls_json_number(j, "wall_s", wall_s);
    ls_json_object_end(j);
    return ls_json_close(j);
}

