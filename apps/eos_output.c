/* Outputs of `lodestone eos`: JSON (the keys the validation drivers read, listed in
 * dft/README.md, section "Equation of state"), CSV of the points, extended-XYZ frames (with each
 * volume's stored, possibly relaxed, geometry). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

#include "apps/cli.h"
#include "apps/eos_run.h"
#include "common/err.h"
#include "common/io.h"
#include "common/json.h"
#include "common/textio.h"

double eos_a0_angstrom(const struct eos_run *r)
{
    double v_in = r->v_in_bohr3 * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM / r->n_atom;
    return r->a1_bohr * LS_BOHR_ANGSTROM * cbrt(r->fit.v0 / v_in);
}

int eos_lattice_at_v0(const struct eos_run *r, double len_a[3], double ang_deg[3], int *n_used)
{
    *n_used = 0;
    double cell[3][3];
    if (r->relax != EOS_RELAX_SHAPE) {
        const double f = eos_a0_angstrom(r) / (r->a1_bohr * LS_BOHR_ANGSTROM); /* (V0 / V_in)^(1/3) */
        memcpy(cell, r->s_in->cell, sizeof cell);
        ls_cell_parameters(cell, len_a, ang_deg);
        for (int k = 0; k < 3; k++) len_a[k] *= f * LS_BOHR_ANGSTROM;
        return LS_OK;
    }
    const double a3 = LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM;
    int n = 0;
    for (int i = 0; i < r->n; i++) n += r->pt[i].done && r->pt[i].converged;
    if (n == 0) LS_ERROR(LS_ERR_CONVERGENCE, "no converged volume to take the lattice at V0 from");
    const int n_coef = n >= 3 ? 3 : n; /* quadratic, line or constant in x = V/V0 - 1 */
    gsl_matrix *X = gsl_matrix_alloc((size_t)n, (size_t)n_coef), *cov = gsl_matrix_alloc((size_t)n_coef, (size_t)n_coef);
    gsl_vector *y = gsl_vector_alloc((size_t)n), *c = gsl_vector_alloc((size_t)n_coef);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc((size_t)n, (size_t)n_coef);
    double par[6][64];
    int status = LS_OK;
    if (!X || !cov || !y || !c || !w || n > 64) {
        status = ls_error_set(n > 64 ? LS_ERR_USAGE : LS_ERR_NOMEM, __FILE__, __LINE__,
                              n > 64 ? "more than 64 volumes for the lattice at V0" : "out of memory");
        goto done;
    }
    int row = 0;
    for (int i = 0; i < r->n; i++) {
        if (!r->pt[i].done || !r->pt[i].converged) continue;
        memcpy(cell, r->cell + 9 * (size_t)i, sizeof cell);
        double len[3], ang[3];
        ls_cell_parameters(cell, len, ang);
        for (int k = 0; k < 3; k++) {
            par[k][row] = len[k] * LS_BOHR_ANGSTROM;
            par[3 + k][row] = ang[k];
        }
        const double x = r->pt[i].volume_bohr3 * a3 / r->n_atom / r->fit.v0 - 1.0;
        for (int m = 0; m < n_coef; m++) gsl_matrix_set(X, (size_t)row, (size_t)m, pow(x, m));
        row++;
    }
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off(); /* errors as return codes */
    for (int q = 0; q < 6 && status == LS_OK; q++) {
        double chisq;
        for (int i = 0; i < n; i++) gsl_vector_set(y, (size_t)i, par[q][i]);
        int gs = gsl_multifit_linear(X, y, c, cov, &chisq, w);
        if (gs != GSL_SUCCESS) {
            status = ls_error_set(LS_ERR_NUMERIC, __FILE__, __LINE__, "lattice at V0: %s", gsl_strerror(gs));
            break;
        }
        (q < 3 ? len_a : ang_deg)[q % 3] = gsl_vector_get(c, 0); /* the value at x = 0, V = V0 */
    }
    gsl_set_error_handler(old_handler);
    if (status == LS_OK) *n_used = n;
done:
    gsl_multifit_linear_free(w);
    gsl_vector_free(c);
    gsl_vector_free(y);
    gsl_matrix_free(cov);
    gsl_matrix_free(X);
    return status;
}

static int all_converged(const struct eos_run *r)
{
    for (int i = 0; i < r->n; i++)
        if (!r->pt[i].done || !r->pt[i].converged) return 0;
    return 1;
}

int eos_write_json(const char *path, const struct eos_run *r)
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
    ls_json_string(j, "relax", eos_relax_name(r->relax));
    if (r->relax != EOS_RELAX_NONE) {
        ls_json_number(j, "fmax_threshold_eV_per_A", r->fmax_ev_a);
        if (r->relax == EOS_RELAX_SHAPE) ls_json_number(j, "stress_threshold_GPa", r->stress_tol_gpa);
        ls_json_int(j, "relax_max_steps", r->relax_max_steps);
    }
    ls_json_array_begin(j, "points");
    for (int i = 0; i < r->n; i++) {
        const struct eos_point *p = &r->pt[i];
        ls_json_object_begin(j, NULL);
        ls_json_number(j, "scale", p->scale);
        ls_json_number(j, "volume_A3", p->volume_bohr3 * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM);
        ls_json_number(j, "volume_A3_per_atom", eos_volume_a3_per_atom(r, p));
        ls_json_number(j, "energy_eV", p->energy_ha * LS_HARTREE_EV);
        ls_json_number(j, "energy_eV_per_atom", eos_energy_ev_per_atom(r, p));
        ls_json_number(j, "pressure_GPa", p->pressure_ha_bohr3 * LS_HA_BOHR3_GPA);
        ls_json_bool(j, "converged", p->converged);
        ls_json_int(j, "scf_iterations", p->n_iter);
        ls_json_number(j, "wall_s", p->wall_s);
        ls_json_bool(j, "from_checkpoint", p->from_checkpoint);
        if (r->relax != EOS_RELAX_NONE) {
            ls_json_int(j, "relax_steps", p->relax_steps);
            ls_json_bool(j, "relax_converged", p->done && p->relax_stop == EOS_RELAX_DONE);
            ls_json_number(j, "relax_fmax_eV_per_A", p->relax_fmax_ev_a);
        }
        if (r->relax == EOS_RELAX_SHAPE) {
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
        ls_json_number(j, "a0_A", eos_a0_angstrom(r));
        double len[3], ang[3];
        int n_used = 0;
        if (eos_lattice_at_v0(r, len, ang, &n_used) == LS_OK) {
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

int eos_write_csv(const char *path, const struct eos_run *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (fp == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory writing %s", path);
    fprintf(fp, "scale,volume_A3,volume_A3_per_atom,energy_eV,energy_eV_per_atom,pressure_GPa,converged,"
                "scf_iterations,wall_s,from_checkpoint%s%s\n",
            r->relax != EOS_RELAX_NONE ? ",relax_steps,relax_converged,relax_fmax_eV_per_A" : "",
            r->relax == EOS_RELAX_SHAPE ? ",relax_stress_deviation_GPa,a_A,b_A,c_A,alpha_deg,beta_deg,gamma_deg" : "");
    for (int i = 0; i < r->n; i++) {
        const struct eos_point *p = &r->pt[i];
        fprintf(fp, "%.10g,%.10f,%.10f,%.10f,%.10f,%.6f,%s,%d,%.3f,%s", p->scale,
                p->volume_bohr3 * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM, eos_volume_a3_per_atom(r, p),
                p->energy_ha * LS_HARTREE_EV, eos_energy_ev_per_atom(r, p), p->pressure_ha_bohr3 * LS_HA_BOHR3_GPA,
                p->converged ? "true" : "false", p->n_iter, p->wall_s, p->from_checkpoint ? "true" : "false");
        if (r->relax != EOS_RELAX_NONE)
            fprintf(fp, ",%d,%s,%.6g", p->relax_steps, p->done && p->relax_stop == EOS_RELAX_DONE ? "true" : "false",
                    p->relax_fmax_ev_a);
        if (r->relax == EOS_RELAX_SHAPE) {
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

void eos_structure_scaled(const ls_structure *in, double scale, ls_structure *s)
{
    double f = cbrt(scale);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) s->cell[i][k] = in->cell[i][k] * f;
    for (int a = 0; a < in->n_atom; a++)
        for (int k = 0; k < 3; k++) s->pos[a][k] = in->pos[a][k] * f;
}

void eos_point_structure(const struct eos_run *r, int i, ls_structure *s)
{
    memcpy(s->cell, r->cell + 9 * (size_t)i, sizeof s->cell);
    memcpy(s->pos, r->pos + 3 * (size_t)r->n_atom * i, (size_t)r->n_atom * sizeof *s->pos);
}

void eos_point_set_geometry(struct eos_run *r, int i, const ls_structure *s)
{
    memcpy(r->cell + 9 * (size_t)i, s->cell, sizeof s->cell);
    memcpy(r->pos + 3 * (size_t)r->n_atom * i, s->pos, (size_t)r->n_atom * sizeof *s->pos);
}

int eos_append_xyz(const char *path, const struct eos_run *r)
{
    ls_structure *s = NULL;
    LS_TRY(ls_structure_copy(r->s_in, &s));
    int status = ls_structure_alloc_forces(s);
    if (status == LS_OK) status = ls_structure_info_set(s, "calculator", "lodestone-eos");
    for (int i = 0; i < r->n && status == LS_OK; i++) {
        const struct eos_point *p = &r->pt[i];
        if (!p->done || !p->converged) continue;
        eos_point_structure(r, i, s);
        s->has_energy = 1;
        s->energy = p->energy_ha;
        s->has_stress = 1;
        memcpy(s->stress, p->stress, sizeof s->stress);
        memcpy(s->forces, r->forces + 3 * (size_t)r->n_atom * i, (size_t)r->n_atom * sizeof *s->forces);
        char scale_text[32];
        snprintf(scale_text, sizeof scale_text, "%.10g", p->scale);
        status = ls_structure_info_set(s, "eos_scale", scale_text);
        if (status == LS_OK && r->relax != EOS_RELAX_NONE) status = ls_structure_info_set(s, "eos_relax", eos_relax_name(r->relax));
        if (status == LS_OK) status = ls_extxyz_append(path, s);
    }
    ls_structure_destroy(s);
    return status;
}
