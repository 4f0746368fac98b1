/* Reports of `lodestone eos`: the summary table, JSON (the keys the validation drivers read,
 * listed in docs/eos.md), CSV of the points, extended-XYZ frames (with each volume's stored,
 * possibly relaxed, geometry). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/eos_report.h"
#include "common/err.h"
#include "common/io.h"
#include "common/json.h"
#include "common/textio.h"

void eos_print_summary(FILE *out, const struct ls_eos_result *r)
{
    static const char *const how[] = {"fixed fractional positions", "positions relaxed at each volume",
                                      "positions and cell shape relaxed at each volume"};
    const int rx = r->relax != LS_EOS_FIXED, shape = r->relax == LS_EOS_RELAX_SHAPE;
    fprintf(out, "%s: equation of state of %s (%d atoms), %d volumes, %s\n", r->input, r->formula, r->n_atom, r->n,
            how[r->relax]);
    fprintf(out, "  %7s %14s %18s %12s", "V/V_in", "V (A^3/atom)", "E (eV/atom)", "P (GPa)");
    if (rx) fprintf(out, " %5s %11s", "steps", "fmax (eV/A)");
    if (shape) fprintf(out, " %9s %9s", "b/a", "c/a");
    fprintf(out, " %5s %9s\n", "SCF", "time (s)");
    for (int i = 0; i < r->n; i++) {
        const struct ls_eos_point *p = &r->pt[i];
        fprintf(out, "  %7.4f %14.6f %18.8f %12.4f", p->scale, ls_eos_volume_a3_per_atom(r, p), ls_eos_energy_ev_per_atom(r, p),
                p->pressure_ha_bohr3 * LS_HA_BOHR3_GPA);
        if (rx) fprintf(out, " %5d %11.6f", p->relax_steps, p->relax_fmax_ev_a);
        if (shape) {
            double cell[3][3], len[3], ang[3];
            memcpy(cell, r->cell + 9 * (size_t)i, sizeof cell);
            ls_cell_parameters(cell, len, ang);
            fprintf(out, " %9.6f %9.6f", len[1] / len[0], len[2] / len[0]);
        }
        fprintf(out, " %5d %9.2f%s\n", p->n_iter, p->wall_s,
                !p->converged ? (p->relax_stop == LS_EOS_RELAX_MAX_STEPS ? "  relaxation NOT converged" : "  NOT converged")
                : p->from_checkpoint ? "  (checkpoint)"
                                     : "");
    }
    if (!r->has_fit) {
        fprintf(out, "no Birch-Murnaghan fit (see the messages on stderr)\n");
    } else {
        const struct ls_eos_bm3 *f = &r->fit;
        double a0 = ls_eos_a0_angstrom(r);
        fprintf(out, "third-order Birch-Murnaghan fit of %d converged volumes (errors: standard errors of the fit):\n",
                f->n_points);
        fprintf(out, "  V0 = %.6f +- %.6f A^3/atom\n", f->v0, f->v0_err);
        fprintf(out, "  a0 = %.6f +- %.6f A (|a1| at V0%s)\n", a0, a0 * f->v0_err / (3.0 * f->v0),
                shape ? ", of the input cell's shape" : "");
        double len[3], ang[3];
        int n_used = 0;
        if (ls_eos_lattice_at_v0(r, len, ang, &n_used) == LS_OK) {
            char from[96] = "the input cell scaled";
            if (n_used) snprintf(from, sizeof from, "quadratic fit in V of the %d relaxed cells", n_used);
            fprintf(out, "  lattice at V0: a b c = %.6f %.6f %.6f A, alpha beta gamma = %.4f %.4f %.4f deg (%s)\n",
                    len[0], len[1], len[2], ang[0], ang[1], ang[2], from);
        }
        fprintf(out, "  B0 = %.4f +- %.4f GPa\n", f->b0 * LS_EV_PER_A3_GPA, f->b0_err * LS_EV_PER_A3_GPA);
        fprintf(out, "  B1 = %.4f +- %.4f\n", f->b1, f->b1_err);
        fprintf(out, "  E0 = %.8f eV/atom\n", f->e0);
        fprintf(out, "  rms residual %.4f meV/atom\n", f->rms_residual * 1e3);
    }
    fprintf(out, "  wall time %.2f s\n", r->wall_s);
}

static int all_converged(const struct ls_eos_result *r)
{
    for (int i = 0; i < r->n; i++)
        if (!r->pt[i].done || !r->pt[i].converged) return 0;
    return 1;
}

int eos_write_json(const char *path, const struct ls_eos_result *r)
{
    ls_json *j = NULL;
    if (strcmp(path, "-") == 0) LS_TRY(ls_json_wrap(stdout, &j));
    else LS_TRY(ls_json_open_file(path, &j));
    ls_json_object_begin(j, NULL);
    ls_json_string(j, "program", "lodestone eos");
    ls_json_string(j, "version", cli_version_number());
    ls_json_string(j, "git", cli_git_revision());
    ls_json_string(j, "input", r->input);
    ls_json_int(j, "n_atom", r->n_atom);
    ls_json_string(j, "formula", r->formula);
    ls_json_string(j, "relax", ls_eos_relax_name(r->relax));
    if (r->relax != LS_EOS_FIXED) {
        ls_json_number(j, "fmax_threshold_eV_per_A", r->fmax_ev_a);
        if (r->relax == LS_EOS_RELAX_SHAPE) ls_json_number(j, "stress_threshold_GPa", r->stress_tol_gpa);
        ls_json_int(j, "relax_max_steps", r->relax_max_steps);
    }
    ls_json_array_begin(j, "points");
    for (int i = 0; i < r->n; i++) {
        const struct ls_eos_point *p = &r->pt[i];
        ls_json_object_begin(j, NULL);
        ls_json_number(j, "scale", p->scale);
        ls_json_number(j, "volume_A3", p->volume_bohr3 * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM);
        ls_json_number(j, "volume_A3_per_atom", ls_eos_volume_a3_per_atom(r, p));
        ls_json_number(j, "energy_eV", p->energy_ha * LS_HARTREE_EV);
        ls_json_number(j, "energy_eV_per_atom", ls_eos_energy_ev_per_atom(r, p));
        ls_json_number(j, "pressure_GPa", p->pressure_ha_bohr3 * LS_HA_BOHR3_GPA);
        ls_json_bool(j, "converged", p->converged);
        ls_json_int(j, "scf_iterations", p->n_iter);
        ls_json_number(j, "wall_s", p->wall_s);
        ls_json_bool(j, "from_checkpoint", p->from_checkpoint);
        if (r->relax != LS_EOS_FIXED) {
            ls_json_int(j, "relax_steps", p->relax_steps);
            ls_json_bool(j, "relax_converged", p->done && p->relax_stop == LS_EOS_RELAX_DONE);
            ls_json_number(j, "relax_fmax_eV_per_A", p->relax_fmax_ev_a);
        }
        if (r->relax == LS_EOS_RELAX_SHAPE) {
            const double *c = r->cell + 9 * (size_t)i;
            double cell[3][3], m[9], len[3], ang[3];
            for (int k = 0; k < 9; k++) m[k] = (cell[k / 3][k % 3] = c[k]) * LS_BOHR_ANGSTROM;
            ls_cell_parameters(cell, len, ang);
            ls_json_number(j, "relax_stress_deviation_GPa", p->relax_stress_dev_gpa);
            ls_json_matrix(j, "cell_A", m, 3, 3);
            for (int k = 0; k < 3; k++) len[k] *= LS_BOHR_ANGSTROM;
            ls_json_object_begin(j, "cell_parameters");
            cli_json_lattice_keys(j, len, ang);
            ls_json_object_end(j);
        }
        ls_json_object_end(j);
    }
    ls_json_array_end(j);
    if (r->has_fit) {
        const struct ls_eos_bm3 *f = &r->fit;
        ls_json_object_begin(j, "fit");
        ls_json_string(j, "model", "birch-murnaghan-3");
        ls_json_number(j, "V0_A3_per_atom", f->v0);
        ls_json_number(j, "V0_A3_per_atom_err", f->v0_err);
        ls_json_number(j, "B0_GPa", f->b0 * LS_EV_PER_A3_GPA);
        ls_json_number(j, "B0_GPa_err", f->b0_err * LS_EV_PER_A3_GPA);
        ls_json_number(j, "B1", f->b1);
        ls_json_number(j, "B1_err", f->b1_err);
        ls_json_number(j, "E0_eV_per_atom", f->e0);
        ls_json_number(j, "a0_A", ls_eos_a0_angstrom(r));
        double len[3], ang[3];
        int n_used = 0;
        if (ls_eos_lattice_at_v0(r, len, ang, &n_used) == LS_OK) {
            ls_json_object_begin(j, "lattice_at_V0");
            cli_json_lattice_keys(j, len, ang);
            ls_json_string(j, "from", n_used ? "quadratic fit in V of the relaxed cells" : "the input cell scaled");
            ls_json_int(j, "n_volumes", n_used);
            ls_json_object_end(j);
        } else {
            ls_json_null(j, "lattice_at_V0");
        }
        ls_json_number(j, "rms_residual_meV_per_atom", f->rms_residual * 1e3);
        ls_json_int(j, "n_points", f->n_points);
        ls_json_object_end(j);
    } else {
        ls_json_null(j, "fit");
    }
    ls_json_bool(j, "converged", all_converged(r) && r->has_fit);
    ls_json_number(j, "wall_s", r->wall_s);
    ls_json_object_end(j);
    return ls_json_close(j);
}

int eos_write_csv(const char *path, const struct ls_eos_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (fp == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory writing %s", path);
    fprintf(fp, "scale,volume_A3,volume_A3_per_atom,energy_eV,energy_eV_per_atom,pressure_GPa,converged,"
                "scf_iterations,wall_s,from_checkpoint%s%s\n",
            r->relax != LS_EOS_FIXED ? ",relax_steps,relax_converged,relax_fmax_eV_per_A" : "",
            r->relax == LS_EOS_RELAX_SHAPE ? ",relax_stress_deviation_GPa,a_A,b_A,c_A,alpha_deg,beta_deg,gamma_deg" : "");
    for (int i = 0; i < r->n; i++) {
        const struct ls_eos_point *p = &r->pt[i];
        fprintf(fp, "%.10g,%.10f,%.10f,%.10f,%.10f,%.6f,%s,%d,%.3f,%s", p->scale,
                p->volume_bohr3 * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM, ls_eos_volume_a3_per_atom(r, p),
                p->energy_ha * LS_HARTREE_EV, ls_eos_energy_ev_per_atom(r, p), p->pressure_ha_bohr3 * LS_HA_BOHR3_GPA,
                p->converged ? "true" : "false", p->n_iter, p->wall_s, p->from_checkpoint ? "true" : "false");
        if (r->relax != LS_EOS_FIXED)
            fprintf(fp, ",%d,%s,%.6g", p->relax_steps, p->done && p->relax_stop == LS_EOS_RELAX_DONE ? "true" : "false",
                    p->relax_fmax_ev_a);
        if (r->relax == LS_EOS_RELAX_SHAPE) {
            double cell[3][3], abc[3], ang[3];
            memcpy(cell, r->cell + 9 * (size_t)i, sizeof cell);
            ls_cell_parameters(cell, abc, ang);
            fprintf(fp, ",%.6g,%.10f,%.10f,%.10f,%.8f,%.8f,%.8f", p->relax_stress_dev_gpa, abc[0] * LS_BOHR_ANGSTROM,
                    abc[1] * LS_BOHR_ANGSTROM, abc[2] * LS_BOHR_ANGSTROM, ang[0], ang[1], ang[2]);
        }
        fputc('\n', fp);
    }
    if (fclose(fp) != 0) {
        free(buf);
        LS_ERROR(LS_ERR_IO, "cannot format %s", path);
    }
    int status = ls_file_write_atomic(path, buf, len);
    free(buf);
    return status;
}

int eos_append_xyz(const char *path, const struct ls_eos_result *r)
{
    ls_structure *s = NULL;
    LS_TRY(ls_structure_copy(r->s_in, &s));
    int status = ls_structure_info_set(s, "calculator", "lodestone-eos");
    for (int i = 0; i < r->n && status == LS_OK; i++) {
        const struct ls_eos_point *p = &r->pt[i];
        if (!p->done || !p->converged) continue;
        ls_eos_point_structure(r, i, s);
        status = ls_structure_set_labels(s, p->energy_ha, (const double(*)[3])(r->forces + 3 * (size_t)r->n_atom * i),
                                         (const double(*)[3])p->stress, NULL);
        if (status != LS_OK) break;
        char scale_text[32];
        snprintf(scale_text, sizeof scale_text, "%.10g", p->scale);
        status = ls_structure_info_set(s, "eos_scale", scale_text);
        if (status == LS_OK && r->relax != LS_EOS_FIXED) status = ls_structure_info_set(s, "eos_relax", ls_eos_relax_name(r->relax));
        if (status == LS_OK) status = ls_extxyz_append(path, s);
    }
    ls_structure_destroy(s);
    return status;
}
