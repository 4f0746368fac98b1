/* FIRE relaxation of positions and cell; see relax.h for the method and references. */
#include "common/relax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/units.h"

void ls_relax_config_default(struct ls_relax_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->fmax_ev_a = 0.01;
    cfg->max_steps = 500;
    cfg->log_every = 10;
}

static void inv3(const double a[3][3], double inv[3][3])
{
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
                 a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    inv[0][0] = (a[1][1] * a[2][2] - a[1][2] * a[2][1]) / det;
    inv[0][1] = (a[0][2] * a[2][1] - a[0][1] * a[2][2]) / det;
    inv[0][2] = (a[0][1] * a[1][2] - a[0][2] * a[1][1]) / det;
    inv[1][0] = (a[1][2] * a[2][0] - a[1][0] * a[2][2]) / det;
    inv[1][1] = (a[0][0] * a[2][2] - a[0][2] * a[2][0]) / det;
    inv[1][2] = (a[0][2] * a[1][0] - a[0][0] * a[1][2]) / det;
    inv[2][0] = (a[1][0] * a[2][1] - a[1][1] * a[2][0]) / det;
    inv[2][1] = (a[0][1] * a[2][0] - a[0][0] * a[2][1]) / det;
    inv[2][2] = (a[0][0] * a[1][1] - a[0][1] * a[1][0]) / det;
}

int ls_relax_fire(ls_structure *s, ls_calc_fn calc, void *ctx, const struct ls_relax_config *cfg,
                  struct ls_relax_result *res)
{
    int status = LS_OK;
    const int n = s->n_atom, cell_dof = cfg->relax_cell ? 9 : 0;
    const long nq = 3L * n + cell_dof;
    const double cf = n > 0 ? n : 1; /* cell factor */
    double *q = NULL, *f = NULL, *v = NULL, (*F)[3] = NULL, (*ref)[3] = NULL;
    double cell0[3][3], stress[3][3], E = 0.0;
    memset(res, 0, sizeof *res);
    if (cfg->relax_cell && !(s->pbc[0] && s->pbc[1] && s->pbc[2]))
        LS_ERROR(LS_ERR_INPUT, "cell relaxation needs a structure periodic in all three directions");
    q = calloc((size_t)nq, sizeof *q);
    f = calloc((size_t)nq, sizeof *f);
    v = calloc((size_t)nq, sizeof *v);
    F = calloc((size_t)n + 1, sizeof *F);
    ref = calloc((size_t)n + 1, sizeof *ref);
    if (!q || !f || !v || !F || !ref) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    memcpy(cell0, s->cell, sizeof cell0);
    /* q: reference positions r~ (Å) and c * eps */
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 3; k++) q[3 * i + k] = s->pos[i][k] * LS_BOHR_ANGSTROM;
    const double p_target = cfg->pressure_gpa / LS_HA_BOHR3_GPA;
    double dt = 0.1, alpha = 0.1;
    int n_pos = 0, have_v = 0;
    for (int step = 0;; step++) {
        /* Geometry from q. */
        double D[3][3], Dinv[3][3];
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) D[a][b] = (a == b) + (cell_dof ? q[3L * n + 3 * a + b] / cf : 0.0);
        inv3(D, Dinv);
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 3; a++)
                s->pos[i][a] = (D[a][0] * q[3 * i] + D[a][1] * q[3 * i + 1] + D[a][2] * q[3 * i + 2]) * LS_ANGSTROM_BOHR;
        for (int k = 0; k < 3; k++)
            for (int a = 0; a < 3; a++)
                s->cell[k][a] = D[a][0] * cell0[k][0] + D[a][1] * cell0[k][1] + D[a][2] * cell0[k][2];
        LS_TRY_GOTO(status, calc(ctx, s, &E, F, stress), done);
        /* Generalised forces (eV/Å). */
        double fmax2 = 0.0;
        for (int i = 0; i < n; i++) {
            double fr[3];
            for (int a = 0; a < 3; a++)
                fr[a] = (D[0][a] * F[i][0] + D[1][a] * F[i][1] + D[2][a] * F[i][2]) * LS_HA_BOHR_EV_A;
            if (s->fixed)
                for (int a = 0; a < 3; a++)
                    if (s->fixed[i][a]) fr[a] = 0.0;
            double f2 = 0.0;
            for (int a = 0; a < 3; a++) {
                f[3 * i + a] = fr[a];
                f2 += fr[a] * fr[a];
            }
            fmax2 = fmax(fmax2, f2);
        }
        if (cell_dof) {
            double V = fabs(ls_cell_volume(s->cell)), vir[3][3];
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) vir[a][b] = -V * (stress[a][b] + (a == b ? p_target : 0.0));
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) {
                    double x = 0.0; /* (vir D^-T)_ab = sum_c vir_ac Dinv_bc */
                    for (int c = 0; c < 3; c++) x += vir[a][c] * Dinv[b][c];
                    f[3L * n + 3 * a + b] = x / cf * LS_HARTREE_EV;
                }
            for (int a = 0; a < 3; a++) {
                double f2 = 0.0;
                for (int b = 0; b < 3; b++) f2 += f[3L * n + 3 * a + b] * f[3L * n + 3 * a + b];
                fmax2 = fmax(fmax2, f2);
            }
        }
        res->n_steps = step;
        res->energy = E;
        res->fmax_ev_a = sqrt(fmax2);
        if (cfg->log_every > 0 && step % cfg->log_every == 0)
            ls_log_info("relax step %4d  energy %.6f eV  fmax %.5f eV/A", step, E * LS_HARTREE_EV, res->fmax_ev_a);
        if (res->fmax_ev_a < cfg->fmax_ev_a) {
            res->converged = 1;
            break;
        }
        if (step >= cfg->max_steps)
            LS_ERROR_GOTO(status, LS_ERR_CONVERGENCE, done,
                          "relaxation did not converge in %d steps (fmax %.4f eV/Å > %.4f)", cfg->max_steps,
                          res->fmax_ev_a, cfg->fmax_ev_a);
        /* FIRE step. */
        double vf = 0.0, vv = 0.0, ff = 0.0;
        for (long i = 0; i < nq; i++) {
            vf += v[i] * f[i];
            vv += v[i] * v[i];
            ff += f[i] * f[i];
        }
        if (have_v) {
            if (vf > 0.0) {
                double mix = sqrt(vv) / (sqrt(ff) + 1e-300);
                for (long i = 0; i < nq; i++) v[i] = (1.0 - alpha) * v[i] + alpha * f[i] * mix;
                if (n_pos > 5) {
                    dt = fmin(dt * 1.1, 1.0);
                    alpha *= 0.99;
                }
                n_pos++;
            } else {
                memset(v, 0, (size_t)nq * sizeof *v);
                alpha = 0.1;
                dt *= 0.5;
                n_pos = 0;
            }
        }
        have_v = 1;
        double dr2 = 0.0;
        for (long i = 0; i < nq; i++) {
            v[i] += dt * f[i];
            dr2 += dt * v[i] * dt * v[i];
        }
        double scale = sqrt(dr2) > 0.2 ? 0.2 / sqrt(dr2) : 1.0;
        for (long i = 0; i < nq; i++) q[i] += scale * dt * v[i];
    }
done:
    free(q);
    free(f);
    free(v);
    free(F);
    free(ref);
    return status;
}
