/* The relaxation driver: generalised coordinates of positions and cell, symmetrisation,
 * convergence test, trajectory, checkpoints; the optimisers are plug-ins (relax_bfgs.c,
 * relax_fire.c).  See relax.h for the method and references. */
#include "workflow/relax.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "workflow/relax_impl.h"
#include "common/parallel.h"
#include "common/stop.h"
#include "common/symmetry.h"
#include "common/units.h"

const struct ls_relax_optimizer *const ls_relax_optimizers[] = {&ls_relax_bfgs, &ls_relax_fire, NULL};

const struct ls_relax_optimizer *ls_relax_optimizer_find(const char *name)
{
    for (int i = 0; ls_relax_optimizers[i]; i++)
        if (strcmp(ls_relax_optimizers[i]->name, name) == 0) return ls_relax_optimizers[i];
    return NULL;
}

void ls_relax_config_default(struct ls_relax_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->optimizer = "bfgs";
    cfg->fmax_ev_a = 0.01;
    cfg->stress_tol_gpa = 0.05;
    cfg->max_steps = 200;
    cfg->max_step_a = 0.2;
    cfg->hessian0_ev_a2 = 70.0;
    cfg->use_symmetry = 1;
    cfg->symprec_a = LS_SYMPREC_DEFAULT_A;
    cfg->log_every = 10;
}

void ls_relax_result_free(struct ls_relax_result *res)
{
    if (res == NULL) return;
    free(res->history);
    res->history = NULL;
    res->n_history = 0;
}

void ls_relax_limit_step(double *dq, long nq, double max_step)
{
    double longest = 0.0;
    for (long g = 0; g + 2 < nq; g += 3)
        longest = fmax(longest, sqrt(dq[g] * dq[g] + dq[g + 1] * dq[g + 1] + dq[g + 2] * dq[g + 2]));
    if (longest > max_step)
        for (long i = 0; i < nq; i++) dq[i] *= max_step / longest;
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

/* Geometry of q: M = 1 + eps, D = M (or M / det(M)^(1/3) at fixed volume, relax.h),
 * r = D r~, cell rows a_k = D a0_k.  *m_scale is det(M)^(-1/3) at fixed volume, else 1. */
int ls_relax_geometry(const double *q, int n, int relax_cell, int fixed_volume, const double cell0[3][3],
                      ls_structure *s, double D[3][3], double *m_scale)
{
    const double cf = n > 0 ? n : 1;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) D[a][b] = (a == b) + (relax_cell ? q[3L * n + 3 * a + b] / cf : 0.0);
    *m_scale = 1.0;
    if (relax_cell && fixed_volume) {
        double det = D[0][0] * (D[1][1] * D[2][2] - D[1][2] * D[2][1]) - D[0][1] * (D[1][0] * D[2][2] - D[1][2] * D[2][0]) +
                     D[0][2] * (D[1][0] * D[2][1] - D[1][1] * D[2][0]);
        if (!(det > 1e-6))
            LS_ERROR(LS_ERR_NUMERIC, "fixed-volume cell relaxation: the cell deformation became singular (det %.3g); "
                                     "try a smaller max_step", det);
        *m_scale = 1.0 / cbrt(det);
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) D[a][b] *= *m_scale;
    }
    for (int i = 0; i < n; i++)
        for (int a = 0; a < 3; a++)
            s->pos[i][a] = (D[a][0] * q[3 * i] + D[a][1] * q[3 * i + 1] + D[a][2] * q[3 * i + 2]) * LS_ANGSTROM_BOHR;
    for (int k = 0; k < 3; k++)
        for (int a = 0; a < 3; a++)
            s->cell[k][a] = D[a][0] * cell0[k][0] + D[a][1] * cell0[k][1] + D[a][2] * cell0[k][2];
    return LS_OK;
}

/* v_map(i) = (1/N) sum_op S v_i over the operations (vectors of atoms); acc is scratch. */
static void sym_vectors(const ls_symops *ops, double (*v)[3], double (*acc)[3])
{
    const int n = ops->n_atom;
    memset(acc, 0, (size_t)n * sizeof *acc);
    for (int op = 0; op < ops->n_op; op++) {
        const double (*S)[3] = (const double(*)[3])ops->cart_rotations[op];
        const int *map = ops->atom_map + (size_t)op * n;
        for (int i = 0; i < n; i++)
            for (int x = 0; x < 3; x++) acc[map[i]][x] += S[x][0] * v[i][0] + S[x][1] * v[i][1] + S[x][2] * v[i][2];
    }
    for (int i = 0; i < n; i++)
        for (int x = 0; x < 3; x++) v[i][x] = acc[i][x] / ops->n_op;
}

/* t = (1/N) sum_op S t S^T. */
static void sym_tensor(const ls_symops *ops, double t[3][3])
{
    double acc[3][3] = {{0}};
    for (int op = 0; op < ops->n_op; op++) {
        const double (*S)[3] = (const double(*)[3])ops->cart_rotations[op];
        for (int x = 0; x < 3; x++)
            for (int y = 0; y < 3; y++)
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++) acc[x][y] += S[x][i] * t[i][j] * S[y][j];
    }
    for (int x = 0; x < 3; x++)
        for (int y = 0; y < 3; y++) t[x][y] = acc[x][y] / ops->n_op;
}

/* Fixed coordinates and symmetry go together only when whole atoms are fixed (a fixed
 * Cartesian component is not mapped onto a fixed component by a rotation in general). */
static int whole_atoms_fixed(const ls_structure *s)
{
    for (int i = 0; i < s->n_atom; i++) {
        int nf = s->fixed[i][0] + s->fixed[i][1] + s->fixed[i][2];
        if (nf != 0 && nf != 3) return 0;
    }
    return 1;
}

/* Keep the operations that map every fixed atom onto a fixed atom (and so every free atom onto a
 * free one): the stabiliser of the fixed set, a subgroup, so the symmetrisation stays a
 * projection.  The identity always stays.  Compacts ops in place; returns the count kept. */
static int keep_fixed_stabiliser(const ls_structure *s, ls_symops *ops)
{
    const int n = s->n_atom;
    int kept = 0;
    for (int op = 0; op < ops->n_op; op++) {
        const int *map = ops->atom_map + (size_t)op * n;
        int ok = 1;
        for (int i = 0; ok && i < n; i++) ok = s->fixed[map[i]][0] == s->fixed[i][0];
        if (!ok) continue;
        if (kept != op) {
            memcpy(ops->rotations[kept], ops->rotations[op], sizeof ops->rotations[op]);
            memcpy(ops->translations[kept], ops->translations[op], sizeof ops->translations[op]);
            memcpy(ops->cart_rotations[kept], ops->cart_rotations[op], sizeof ops->cart_rotations[op]);
            memmove(ops->atom_map + (size_t)kept * n, map, (size_t)n * sizeof *map);
        }
        kept++;
    }
    ops->n_op = kept;
    return kept;
}

static int any_fixed(const ls_structure *s)
{
    if (s->fixed == NULL) return 0;
    for (int i = 0; i < s->n_atom; i++)
        if (s->fixed[i][0] || s->fixed[i][1] || s->fixed[i][2]) return 1;
    return 0;
}

static int find_symmetry(const ls_structure *s, const struct ls_relax_config *cfg, ls_symops **ops)
{
    *ops = NULL;
    if (!cfg->use_symmetry) return LS_OK;
    if (!(s->pbc[0] && s->pbc[1] && s->pbc[2])) {
        ls_log_info("relax: no symmetry constraints (the structure is not periodic in 3D)");
        return LS_OK;
    }
    int status = ls_symops_create(s, cfg->symprec_a * LS_ANGSTROM_BOHR, ops);
    if (status != LS_OK) {
        ls_error_prefix("finding the symmetry to keep during the relaxation (--symprec %g A, or --no-symmetry): ",
                        cfg->symprec_a);
        return status;
    }
    if (any_fixed(s) && !whole_atoms_fixed(s)) {
        ls_log_warn("relax: the fixed coordinates do not respect the crystal symmetry (single Cartesian "
                    "components are fixed); relaxing without symmetry constraints");
        ls_symops_destroy(*ops);
        *ops = NULL;
    } else if (any_fixed(s)) {
        int n_all = (*ops)->n_op, kept = keep_fixed_stabiliser(s, *ops);
        if (kept < n_all)
            ls_log_warn("relax: %d of the %d symmetry operations map the fixed atoms onto fixed atoms; the "
                        "relaxation keeps those", kept, n_all);
    }
    return LS_OK;
}

static int check_config(const ls_structure *s, const struct ls_relax_config *cfg)
{
    if (!(cfg->fmax_ev_a > 0)) LS_ERROR(LS_ERR_INPUT, "the force threshold must be positive (got %g eV/A)", cfg->fmax_ev_a);
    if (cfg->relax_cell && !(cfg->stress_tol_gpa > 0))
        LS_ERROR(LS_ERR_INPUT, "the stress threshold must be positive (got %g GPa)", cfg->stress_tol_gpa);
    if (cfg->max_steps < 0) LS_ERROR(LS_ERR_INPUT, "the number of steps must be >= 0 (got %d)", cfg->max_steps);
    if (!(cfg->max_step_a > 0)) LS_ERROR(LS_ERR_INPUT, "the maximum step must be positive (got %g A)", cfg->max_step_a);
    if (!(cfg->hessian0_ev_a2 > 0))
        LS_ERROR(LS_ERR_INPUT, "the initial Hessian must be positive (got %g eV/A^2)", cfg->hessian0_ev_a2);
    if (cfg->use_symmetry && !(cfg->symprec_a > 0))
        LS_ERROR(LS_ERR_INPUT, "the symmetry tolerance must be positive (got %g A)", cfg->symprec_a);
    if (!isfinite(cfg->pressure_gpa)) LS_ERROR(LS_ERR_INPUT, "the target pressure must be a finite number");
    if (cfg->relax_cell && !(s->pbc[0] && s->pbc[1] && s->pbc[2]))
        LS_ERROR(LS_ERR_INPUT, "cell relaxation needs a structure periodic in all three directions");
    if (cfg->fixed_volume && !cfg->relax_cell)
        LS_ERROR(LS_ERR_INPUT, "a fixed-volume relaxation relaxes the cell shape: set relax_cell too");
    if (cfg->fixed_volume && cfg->pressure_gpa != 0.0)
        LS_ERROR(LS_ERR_INPUT, "a target pressure (%g GPa) has no effect at fixed volume (p V is constant): leave it "
                               "at 0", cfg->pressure_gpa);
    if (cfg->restart && cfg->checkpoint == NULL) LS_ERROR(LS_ERR_INPUT, "a restart needs a checkpoint file");
    if (!(cfg->energy_tol_ev >= 0) || !isfinite(cfg->energy_tol_ev))
        LS_ERROR(LS_ERR_INPUT, "the energy threshold must be >= 0 eV (0: no energy test; got %g)", cfg->energy_tol_ev);
    return LS_OK;
}

/* Symmetrised, cleaned forces (Ha/bohr) and the largest norm (eV/Å). */
static double clean_forces(const ls_structure *s, const ls_symops *ops, int remove_net, double (*F)[3],
                           double (*scratch)[3])
{
    const int n = s->n_atom;
    if (ops) sym_vectors(ops, F, scratch);
    if (remove_net && !any_fixed(s) && n > 1) {
        double mean[3] = {0, 0, 0};
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 3; a++) mean[a] += F[i][a] / n;
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 3; a++) F[i][a] -= mean[a];
    }
    double fmax2 = 0.0;
    for (int i = 0; i < n; i++) {
        if (s->fixed)
            for (int a = 0; a < 3; a++)
                if (s->fixed[i][a]) F[i][a] = 0.0;
        fmax2 = fmax(fmax2, F[i][0] * F[i][0] + F[i][1] * F[i][1] + F[i][2] * F[i][2]);
    }
    return sqrt(fmax2) * LS_HA_BOHR_EV_A;
}

/* Generalised force (eV/Å, eV) on q from forces and stress (declared in relax_impl.h).  A
 * fixed coordinate is fixed in r~ (r = D r~): no force on it (under a sheared D, D^T F_i would
 * otherwise leak the force of a free component into a fixed one). */
void ls_relax_generalised_force(const ls_structure *s, int relax_cell, int fixed_volume, const double D[3][3],
                                double m_scale, const double (*F)[3], const double sigma[3][3], double p_target,
                                double *f)
{
    const int n = s->n_atom;
    for (int i = 0; i < n; i++)
        for (int a = 0; a < 3; a++)
            f[3 * i + a] = (D[0][a] * F[i][0] + D[1][a] * F[i][1] + D[2][a] * F[i][2]) * LS_HA_BOHR_EV_A;
    if (s->fixed)
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 3; a++)
                if (s->fixed[i][a]) f[3 * i + a] = 0.0;
    if (!relax_cell) return;
    double Dinv[3][3], vir[3][3], V = fabs(ls_cell_volume(s->cell));
    inv3(D, Dinv);
    /* Fixed volume: dE/dM = det(M)^(-1/3) V dev(sigma) D^-T (relax.h); p V is constant. */
    const double trace3 = fixed_volume ? (sigma[0][0] + sigma[1][1] + sigma[2][2]) / 3.0 : 0.0;
    const double shift = fixed_volume ? -trace3 : p_target;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) vir[a][b] = -V * m_scale * (sigma[a][b] + (a == b ? shift : 0.0));
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) { /* (vir D^-T)_ab = sum_c vir_ac Dinv_bc */
            double x = 0.0;
            for (int c = 0; c < 3; c++) x += vir[a][c] * Dinv[b][c];
            f[3L * n + 3 * a + b] = x / (n > 0 ? n : 1) * LS_HARTREE_EV;
        }
}

/* Symmetrise a step: displacements as vectors, the deformation as a tensor. */
static void sym_step(const ls_symops *ops, int n, int relax_cell, double *dq, double (*scratch)[3])
{
    sym_vectors(ops, (double(*)[3])dq, scratch);
    if (relax_cell) sym_tensor(ops, (double(*)[3])(dq + 3L * n));
}

static void log_default(const struct ls_relax_config *cfg, const struct ls_relax_step *st)
{
    if (cfg->log_every > 0 && st->step % cfg->log_every == 0)
        ls_log_info("relax step %4d  energy %.6f eV  fmax %.5f eV/A", st->step, st->energy * LS_HARTREE_EV,
                    st->fmax_ev_a);
}

/* With MPI (every process runs the relaxation on bit-identical forces from the shared DFT
 * calculation) rank 0 alone writes the trajectory and the checkpoint; all learn the outcome. */
static int root_traj_truncate(const char *path, int first_step)
{
    int status = ls_par_rank() == 0 ? ls_relax_traj_truncate(path, first_step) : LS_OK;
    return ls_comm_agree(ls_comm_world(), status);
}

static int root_traj_append(const char *path, const struct ls_relax_step *info)
{
    int status = ls_par_rank() == 0 ? ls_relax_traj_append(path, info) : LS_OK;
    return ls_comm_agree(ls_comm_world(), status);
}

static int root_state_write(const struct ls_relax_state *st, const struct ls_relax_config *cfg, const ls_structure *next)
{
    int status = ls_par_rank() == 0 ? ls_relax_state_write(st, cfg, next) : LS_OK;
    return ls_comm_agree(ls_comm_world(), status);
}

/* A stop signal that reached any process stops all after the same step. */
static int stop_agreed(void)
{
    int sig = ls_stop_requested();
    ls_comm_max_int(ls_comm_world(), &sig, 1);
    return sig;
}

int ls_relax_run(ls_structure *s, ls_calc_fn calc, void *ctx, const struct ls_relax_config *cfg,
                 struct ls_relax_result *res)
{
    int status = LS_OK;
    const int n = s->n_atom;
    const int relax_cell = cfg->relax_cell != 0;
    const int fixed_volume = relax_cell && cfg->fixed_volume;
    const long nq = 3L * n + (relax_cell ? 9 : 0);
    const int want_stress = relax_cell || cfg->want_stress;
    const double p_target = cfg->pressure_gpa / LS_HA_BOHR3_GPA;
    struct ls_relax_state st;
    ls_symops *ops = NULL;
    double *f = NULL, *dq = NULL, *q_good = NULL, (*F)[3] = NULL, (*Fraw)[3] = NULL, (*scratch)[3] = NULL;
    double D[3][3], m_scale = 1.0, sigma[3][3], sigma_raw[3][3];
    memset(res, 0, sizeof *res);
    memset(&st, 0, sizeof st);
    res->stop = LS_RELAX_ERROR;
    res->n_sym_ops = 1;
    LS_TRY(check_config(s, cfg));
    st.opt = ls_relax_optimizer_find(cfg->optimizer ? cfg->optimizer : "bfgs");
    if (st.opt == NULL) LS_ERROR(LS_ERR_INPUT, "unknown optimizer '%s' (known: bfgs, fire)", cfg->optimizer);
    st.n_atom = n;
    st.relax_cell = relax_cell;
    st.fixed_volume = fixed_volume;
    st.nq = nq;
    st.res = res;
    st.q = calloc((size_t)nq, sizeof *st.q);
    f = calloc((size_t)nq, sizeof *f);
    dq = calloc((size_t)nq, sizeof *dq);
    q_good = calloc((size_t)nq, sizeof *q_good);
    F = calloc((size_t)n + 1, sizeof *F);
    Fraw = calloc((size_t)n + 1, sizeof *Fraw);
    scratch = calloc((size_t)n + 1, sizeof *scratch);
    if (!st.q || !f || !dq || !q_good || !F || !Fraw || !scratch) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    LS_TRY_GOTO(status, ls_structure_alloc_forces(s), done);
    LS_TRY_GOTO(status, find_symmetry(s, cfg, &ops), done);
    if (ops) res->n_sym_ops = ops->n_op;
    LS_TRY_GOTO(status, st.opt->create(nq, cfg, &st.opt_state), done);

    /* Start: the structure as given, or the checkpoint. */
    memcpy(st.cell0, s->cell, sizeof st.cell0);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 3; k++) st.q[3 * i + k] = s->pos[i][k] * LS_BOHR_ANGSTROM;
    if (cfg->restart) {
        /* With MPI every process reads the checkpoint (nothing writes it before the first step,
         * which needs them all). */
        FILE *probe = fopen(cfg->checkpoint, "rb");
        int found = probe != NULL;
        if (probe) fclose(probe);
        ls_comm_max_int(ls_comm_world(), &found, 1); /* a process that cannot see it fails reading */
        if (found) {
            LS_TRY_GOTO(status, ls_comm_agree(ls_comm_world(), ls_relax_state_read(&st, cfg)), done);
            res->restarted = 1;
            ls_log_info("relax: continuing from %s at step %d", cfg->checkpoint, st.step);
        } else {
            ls_log_info("relax: no checkpoint %s yet; starting afresh", cfg->checkpoint);
        }
    }
    res->start_step = st.step;
    if (cfg->trajectory) LS_TRY_GOTO(status, root_traj_truncate(cfg->trajectory, st.step), done);
    memcpy(q_good, st.q, (size_t)nq * sizeof *q_good);

    for (;;) {
        LS_TRY_GOTO(status, ls_relax_geometry(st.q, n, relax_cell, fixed_volume, st.cell0, s, D, &m_scale), done);
        double E = 0.0, t0 = ls_wall_time();
        memset(sigma_raw, 0, sizeof sigma_raw);
        status = calc(ctx, s, &E, Fraw, want_stress ? sigma_raw : NULL);
        if (status != LS_OK) {
            double Dg[3][3], mg; /* back to the last good geometry (it was computed before: no error) */
            (void)ls_relax_geometry(q_good, n, relax_cell, fixed_volume, st.cell0, s, Dg, &mg);
            if (status == LS_ERR_CONVERGENCE) {
                res->stop = LS_RELAX_CALC_FAILED;
                ls_error_prefix("step %d: the calculation did not converge; the relaxation stops at %s: ", st.step,
                                res->has_step ? "the geometry of the last good step" : "the starting geometry");
            } else if (status == LS_ERR_INTERRUPTED || status == LS_ERR_LIMIT) {
                res->stop = status == LS_ERR_LIMIT ? LS_RELAX_LIMIT : LS_RELAX_INTERRUPTED;
                if (cfg->checkpoint && st.step > 0)
                    ls_error_prefix("step %d (the finished steps are in %s): ", st.step, cfg->checkpoint);
                else
                    ls_error_prefix("step %d: ", st.step);
            } else {
                ls_error_prefix("step %d: ", st.step);
            }
            goto done;
        }
        const double wall = ls_wall_time() - t0;
        memcpy(F, Fraw, (size_t)n * sizeof *F);
        memcpy(sigma, sigma_raw, sizeof sigma);
        if (ops && want_stress) sym_tensor(ops, sigma);
        struct ls_relax_step info;
        memset(&info, 0, sizeof info);
        info.step = st.step;
        info.s = s;
        info.energy = E;
        info.volume_bohr3 = fabs(ls_cell_volume(s->cell));
        info.enthalpy = E + (relax_cell && !fixed_volume ? p_target * info.volume_bohr3 : 0.0);
        if (res->n_history > 0) info.enthalpy_change = info.enthalpy - res->history[res->n_history - 1].enthalpy;
        info.forces = (const double(*)[3])Fraw;
        const int has_prev = res->n_history > 0; /* a previous step (also one before a restart) */
        info.has_stress = want_stress;
        memcpy(info.stress, sigma_raw, sizeof sigma_raw);
        info.fmax_ev_a = clean_forces(s, ops, cfg->remove_net_force, F, scratch);
        if (want_stress) {
            info.pressure_gpa = -(sigma[0][0] + sigma[1][1] + sigma[2][2]) / 3 * LS_HA_BOHR3_GPA;
            /* |sigma + p| against the target pressure; at fixed volume the deviatoric part. */
            const double shift = fixed_volume ? -(sigma[0][0] + sigma[1][1] + sigma[2][2]) / 3 : p_target;
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                    info.stress_dev_gpa = fmax(info.stress_dev_gpa,
                                               fabs(sigma[a][b] + (a == b ? shift : 0.0)) * LS_HA_BOHR3_GPA);
        }
        info.wall_s = wall;
        /* The result so far. */
        memcpy(q_good, st.q, (size_t)nq * sizeof *q_good);
        memcpy(s->forces, Fraw, (size_t)n * sizeof *s->forces);
        res->has_step = 1;
        res->n_steps = st.step;
        res->energy = E;
        res->enthalpy = info.enthalpy;
        res->fmax_ev_a = info.fmax_ev_a;
        res->stress_dev_gpa = info.stress_dev_gpa;
        res->pressure_gpa = info.pressure_gpa;
        res->has_stress = want_stress;
        memcpy(res->stress, sigma, sizeof sigma);
        struct ls_relax_history h = {st.step,          E, info.enthalpy, info.fmax_ev_a, info.stress_dev_gpa,
                                     info.pressure_gpa, info.volume_bohr3};
        LS_TRY_GOTO(status, ls_relax_history_push(res, &h), done);
        if (cfg->trajectory) LS_TRY_GOTO(status, root_traj_append(cfg->trajectory, &info), done);
        if (cfg->observer) LS_TRY_GOTO(status, cfg->observer(cfg->observer_ctx, &info), done);
        else log_default(cfg, &info);

        ls_relax_generalised_force(s, relax_cell, fixed_volume, D, m_scale, (const double(*)[3])F, sigma, p_target, f);
        int converged = info.fmax_ev_a < cfg->fmax_ev_a && (!relax_cell || info.stress_dev_gpa < cfg->stress_tol_gpa);
        double de_ev = 0.0; /* the energy test's measure, eV */
        if (cfg->energy_tol_ev > 0) {
            if (has_prev) {
                de_ev = fabs(info.enthalpy_change) * LS_HARTREE_EV;
            } else { /* the decrease the initial model predicts for a first step, |f|^2 / (2 h0) */
                for (long i = 0; i < nq; i++) de_ev += f[i] * f[i];
                de_ev *= 0.5 / cfg->hessian0_ev_a2;
            }
            converged = converged && de_ev < cfg->energy_tol_ev;
        }
        if (converged) {
            res->converged = 1;
            res->stop = LS_RELAX_CONVERGED;
            break;
        }
        /* The step, then the checkpoint of the state that evaluates it next. */
        LS_TRY_GOTO(status, st.opt->step(st.opt_state, st.q, f, info.enthalpy * LS_HARTREE_EV, dq), done);
        if (ops) sym_step(ops, n, relax_cell, dq, scratch);
        if (s->fixed) /* exactly: the optimiser's eigen-decomposition leaves rounding-level moves */
            for (int i = 0; i < n; i++)
                for (int a = 0; a < 3; a++)
                    if (s->fixed[i][a]) dq[3 * i + a] = 0.0;
        for (long i = 0; i < nq; i++) st.q[i] += dq[i];
        st.step++;
        if (cfg->checkpoint) {
            ls_structure *next = NULL;
            LS_TRY_GOTO(status, ls_structure_copy(s, &next), done);
            double Dn[3][3], mn;
            status = ls_relax_geometry(st.q, n, relax_cell, fixed_volume, st.cell0, next, Dn, &mn);
            if (status == LS_OK) status = root_state_write(&st, cfg, next);
            ls_structure_destroy(next);
            if (status != LS_OK) goto done;
        }
        if (st.step > cfg->max_steps) {
            res->stop = LS_RELAX_MAX_STEPS;
            char stress_txt[128] = "", energy_txt[128] = "";
            if (relax_cell)
                snprintf(stress_txt, sizeof stress_txt, "; %s %.4g GPa, threshold %.4g",
                         fixed_volume ? "deviatoric stress" : "stress deviation", info.stress_dev_gpa,
                         cfg->stress_tol_gpa);
            if (cfg->energy_tol_ev > 0)
                snprintf(energy_txt, sizeof energy_txt, "; energy change %.4g eV, threshold %.4g", de_ev,
                         cfg->energy_tol_ev);
            LS_ERROR_GOTO(status, LS_ERR_CONVERGENCE, done,
                          "relaxation did not converge in %d steps (fmax %.4g eV/A, threshold %.4g%s%s)",
                          cfg->max_steps, info.fmax_ev_a, cfg->fmax_ev_a, stress_txt, energy_txt);
        }
        int sig = stop_agreed();
        if (sig) {
            res->stop = LS_RELAX_INTERRUPTED;
            LS_ERROR_GOTO(status, LS_ERR_INTERRUPTED, done,
                          "stopped by signal %d after step %d%s%s; rerun with --restart to continue", sig, st.step - 1,
                          cfg->checkpoint ? ", checkpoint " : " (no checkpoint)", cfg->checkpoint ? cfg->checkpoint : "");
        }
    }
done:
    /* The structure carries the energy, forces and stress of its step. */
    if (res->has_step) {
        s->has_energy = 1;
        s->energy = res->energy;
        s->has_stress = res->has_stress;
        if (res->has_stress) memcpy(s->stress, res->stress, sizeof s->stress);
    }
    if (st.opt && st.opt_state) st.opt->destroy(st.opt_state);
    ls_symops_destroy(ops);
    free(st.q);
    free(f);
    free(dq);
    free(q_good);
    free(F);
    free(Fraw);
    free(scratch);
    return status;
}
