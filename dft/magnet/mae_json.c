/* `lodestone mae --json`: the whole anisotropy result (dft_mae_write_json in dft/dft.h).  Keys:
 *   program-independent: input, formula, n_atom, n_formula_units, volume_A3, uniaxial,
 *   directions [{label, vector}], methods {force_theorem, self_consistent},
 *   meshes [{mesh, n_kpoints_collinear, collinear: {energy_eV, magnetization_muB, converged},
 *            directions [{label, n_kpoints, n_symmetry, n_symmetry_time_reversed,
 *              force_theorem: {band_energy_eV, band_energy_minus_TS_eV, converged,
 *                              mae_meV_per_fu, mae_meV_per_atom, mae_MJ_per_m3},
 *              self_consistent: {free_energy_eV, converged, constraint_energy_eV, mae_...},
 *              magnetization_muB, spin_moment_muB, orbital_moment_muB}]}],
 *   constants: {force_theorem: {K1_MJ_per_m3, K2_MJ_per_m3, Ms_MA_per_m, kappa}, self_consistent: ...}
 * MAE of a direction = its energy minus that of the first direction. */
#include "common/err.h"
#include "common/json.h"
#include "common/units.h"
#include "dft/dft.h"

static void mae_keys(ls_json *j, const dft_mae_result *r, double de)
{
    ls_json_number(j, "mae_meV_per_fu", dft_mae_convert(r, de, 0));
    ls_json_number(j, "mae_meV_per_atom", dft_mae_convert(r, de, 1));
    ls_json_number(j, "mae_MJ_per_m3", dft_mae_convert(r, de, 2));
}

int dft_mae_write_json(const dft_mae_result *r, const dft_params *p, const struct dft_mae_options *o, const char *path)
{
    ls_json *j = NULL;
    if (path[0] == '-' && path[1] == '\0') LS_TRY(ls_json_wrap(stdout, &j));
    else LS_TRY(ls_json_open_file(path, &j));
    const double ev = LS_HARTREE_EV;
    ls_json_object_begin(j, NULL);
    ls_json_string(j, "input", p->source);
    ls_json_string(j, "formula", r->formula);
    ls_json_int(j, "n_atom", r->n_atom);
    ls_json_number(j, "n_formula_units", r->n_formula_units);
    ls_json_number(j, "volume_A3", r->volume * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM);
    ls_json_bool(j, "uniaxial", r->uniaxial);
    ls_json_object_begin(j, "methods");
    ls_json_bool(j, "force_theorem", o->force_theorem);
    ls_json_bool(j, "self_consistent", o->self_consistent);
    ls_json_object_end(j);
    ls_json_array_begin(j, "directions");
    for (int i = 0; i < r->n_dir; i++) {
        ls_json_object_begin(j, NULL);
        ls_json_string(j, "label", r->dir_label[i]);
        ls_json_number_array(j, "vector", r->dir[i], 3);
        ls_json_object_end(j);
    }
    ls_json_array_end(j);
    ls_json_array_begin(j, "meshes");
    for (int im = 0; im < r->n_mesh; im++) {
        const struct dft_mae_mesh_result *m = &r->m[im];
        ls_json_object_begin(j, NULL);
        ls_json_int_array(j, "mesh", m->mesh, 3);
        ls_json_object_begin(j, "collinear");
        ls_json_int(j, "n_kpoints", m->n_kpt_collinear);
        ls_json_number(j, "energy_eV", m->e_collinear * ev);
        ls_json_number(j, "magnetization_muB", m->m_collinear);
        ls_json_bool(j, "converged", m->converged_collinear);
        ls_json_object_end(j);
        ls_json_array_begin(j, "directions");
        for (int i = 0; i < r->n_dir; i++) {
            const struct dft_mae_entry *e = &m->d[i];
            ls_json_object_begin(j, NULL);
            ls_json_string(j, "label", r->dir_label[i]);
            ls_json_int(j, "n_kpoints", e->n_kpt);
            ls_json_int(j, "n_symmetry", e->n_sym);
            ls_json_int(j, "n_symmetry_time_reversed", e->n_sym_trev);
            if (e->done_ft) {
                ls_json_object_begin(j, "force_theorem");
                ls_json_number(j, "band_energy_eV", e->e_band * ev);
                ls_json_number(j, "band_energy_minus_TS_eV", e->e_band_ts * ev);
                ls_json_bool(j, "converged", e->converged_ft);
                mae_keys(j, r, e->e_band - m->d[0].e_band);
                ls_json_object_end(j);
            }
            if (e->done_scf) {
                ls_json_object_begin(j, "self_consistent");
                ls_json_number(j, "free_energy_eV", e->e_scf * ev);
                ls_json_bool(j, "converged", e->converged_scf);
                ls_json_number(j, "constraint_energy_eV", e->constraint_energy * ev);
                mae_keys(j, r, e->e_scf - m->d[0].e_scf);
                ls_json_object_end(j);
            }
            ls_json_number_array(j, "magnetization_muB", e->m_cell, 3);
            ls_json_number_array(j, "spin_moment_muB", e->m_spin, 3);
            ls_json_number_array(j, "orbital_moment_muB", e->m_orbital, 3);
            ls_json_object_end(j);
        }
        ls_json_array_end(j);
        ls_json_object_end(j);
    }
    ls_json_array_end(j);
    ls_json_object_begin(j, "constants");
    for (int method = 0; method < 2; method++) {
        if (!r->has_k[method]) continue;
        ls_json_object_begin(j, method == 0 ? "force_theorem" : "self_consistent");
        ls_json_number(j, "K1_MJ_per_m3", r->k1[method] * 1e-6);
        ls_json_number(j, "K2_MJ_per_m3", r->k2[method] * 1e-6);
        ls_json_number(j, "Ms_MA_per_m", r->ms_a_m[method] * 1e-6);
        ls_json_number(j, "kappa", r->kappa[method]);
        ls_json_object_end(j);
    }
    ls_json_object_end(j);
    ls_json_object_end(j);
    return ls_json_close(j);
}
