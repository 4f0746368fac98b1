/* The magnetic results of an SCF as JSON keys (dft_result_magnetism_json in dft/dft.h), shared by
 * `lodestone scf --json` and `lodestone mae --json`. */
#include <math.h>

#include "common/json.h"
#include "common/units.h"
#include "dft/dft.h"

static void vectors(ls_json *j, const char *key, const double (*v)[3], int n)
{
    ls_json_array_begin(j, key);
    for (int a = 0; a < n; a++) ls_json_number_array(j, NULL, v[a], 3);
    ls_json_array_end(j);
}

void dft_result_magnetism_json(ls_json *j, const dft_result *r)
{
    if (r->has_fsm_fermi) {
        ls_json_number(j, "fermi_up_eV", r->fermi_up * LS_HARTREE_EV);
        ls_json_number(j, "fermi_down_eV", r->fermi_down * LS_HARTREE_EV);
    }
    if (!r->noncolin) return;
    ls_json_bool(j, "noncollinear", 1);
    ls_json_bool(j, "spin_orbit", r->spinorbit);
    ls_json_number_array(j, "magnetization_muB", r->magnetization, 3);
    ls_json_number(j, "total_magnetization_muB", r->total_magnetization);
    ls_json_number(j, "absolute_magnetization_muB", r->absolute_magnetization);
    ls_json_int(j, "n_symmetry_time_reversed", r->n_symmetry_trev);
    if (r->site_moment) {
        vectors(j, "site_spin_moment_muB", (const double(*)[3])r->site_moment, r->n_atom);
        if (r->site_orbital) {
            vectors(j, "site_orbital_moment_muB", (const double(*)[3])r->site_orbital, r->n_atom);
            ls_json_array_begin(j, "site_total_moment_muB");
            for (int a = 0; a < r->n_atom; a++) {
                double t[3];
                for (int x = 0; x < 3; x++) t[x] = r->site_moment[a][x] + r->site_orbital[a][x];
                ls_json_number_array(j, NULL, t, 3);
            }
            ls_json_array_end(j);
        }
        ls_json_array_begin(j, "site_radius_A");
        for (int a = 0; a < r->n_atom; a++) ls_json_number(j, NULL, r->site_radius[a] * LS_BOHR_ANGSTROM);
        ls_json_array_end(j);
    }
    if (r->fsm_field != 0) ls_json_number(j, "fixed_moment_field_eV", r->fsm_field * LS_HARTREE_EV);
    if (r->constraint_energy != 0) ls_json_number(j, "constraint_energy_eV", r->constraint_energy * LS_HARTREE_EV);
}
