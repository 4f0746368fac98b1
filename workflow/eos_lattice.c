/* Geometry of the equation of state: the scaled cells, each volume's stored geometry, a0 and the
 * lattice at V0 (workflow/eos.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

#include "common/err.h"
#include "workflow/eos_impl.h"

double ls_eos_a0_angstrom(const struct ls_eos_result *r)
{
    double v_in = r->v_in_bohr3 * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM / r->n_atom;
    return r->a1_bohr * LS_BOHR_ANGSTROM * cbrt(r->fit.v0 / v_in);
}

int ls_eos_lattice_at_v0(const struct ls_eos_result *r, double len_a[3], double ang_deg[3], int *n_used)
{
    *n_used = 0;
    double cell[3][3];
    if (r->relax != LS_EOS_RELAX_SHAPE) {
        const double f = ls_eos_a0_angstrom(r) / (r->a1_bohr * LS_BOHR_ANGSTROM); /* (V0 / V_in)^(1/3) */
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

void eos_structure_scaled(const ls_structure *in, double scale, ls_structure *s)
{
    double f = cbrt(scale);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) s->cell[i][k] = in->cell[i][k] * f;
    for (int a = 0; a < in->n_atom; a++)
        for (int k = 0; k < 3; k++) s->pos[a][k] = in->pos[a][k] * f;
}

void ls_eos_point_structure(const struct ls_eos_result *r, int i, ls_structure *s)
{
    memcpy(s->cell, r->cell + 9 * (size_t)i, sizeof s->cell);
    memcpy(s->pos, r->pos + 3 * (size_t)r->n_atom * i, (size_t)r->n_atom * sizeof *s->pos);
}

void eos_point_set_geometry(struct ls_eos_result *r, int i, const ls_structure *s)
{
    memcpy(r->cell + 9 * (size_t)i, s->cell, sizeof s->cell);
    memcpy(r->pos + 3 * (size_t)r->n_atom * i, s->pos, (size_t)r->n_atom * sizeof *s->pos);
}
