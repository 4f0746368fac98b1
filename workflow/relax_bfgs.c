/* BFGS in the relaxation coordinates (relax.h), in the form of ASE's BFGS optimiser (ASE
 * 3.22, ase/optimize/bfgs.py) with the safeguards of the robust codes:
 *
 *   Hessian model H, initially h0 1 (h0 = 70 eV/Å^2, ASE's default) for the first step;
 *   at the first update rescaled to (y.y / s.y) 1, the curvature measured along that step
 *   (Nocedal and Wright, eq. 6.20; Shanno and Phua, Math. Program. 14, 149 (1978)), clamped
 *   to 1e-3..1e3 h0;
 *   update with s = q_k - q_{k-1}, y = g_k - g_{k-1} (g = -f the gradient):
 *       H <- H + y y^T / (s.y) - (H s)(H s)^T / (s.H s)
 *   (Nocedal and Wright, Numerical Optimization, 2nd ed., eq. 6.19), skipped when the
 *   curvature condition s.y > 0 fails (the update would lose positive definiteness) or the
 *   step was below 1e-7;
 *   step dq = sum_k v_k (v_k . f) / |w_k| over the eigenpairs (w_k, v_k) of H, so a
 *   direction of negative curvature is still walked downhill;
 *   dq scaled so that no atom (and no cell row) moves more than the maximum step;
 *   H reset to h0 1 when the objective (enthalpy) rose by more than 1e-4 eV although the
 *   model predicted a fall (it always does): the model was wrong, start it again (and rescale
 *   it with the pair of that step).  1e-4 eV is far above the energy noise of a converged
 *   SCF (conv_thr 1e-9 Ry ~ 1e-8 eV) and of the order of the smallest changes that matter.
 *
 * Why 70 eV/Å^2 and then the rescaling: 70 is ASE's tested default and of the order of the
 * stiffest force constants of solids (the Si optical mode about 25, C-C bonds about 50
 * eV/Å^2), so the first step errs on the short side.  Real systems are often much softer
 * (Lennard-Jones argon about 1 eV/Å^2; the cell block of these coordinates V B / c^2 is
 * 1-15 eV for a few atoms per cell and falls as 1/c for larger ones), and an update only
 * corrects the one direction walked, so a stiff model of all other directions would keep
 * the steps short for many iterations: the rescaling takes the measured stiffness as the
 * model of the directions not yet explored (test_relax: the displaced Lennard-Jones cell
 * converges in 13 instead of 29 steps; Si2 with DFT is unchanged).
 */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "workflow/relax_impl.h"

#define BFGS_RISE_MIN_EV 1e-4
#define BFGS_MIN_STEP 1e-7

struct bfgs {
    long nq;
    double h0, max_step;
    double *H;       /* [nq * nq] Hessian model, eV/Å^2 */
    double *q0, *f0; /* previous coordinates and forces */
    int have_prev;
    double e0;       /* previous objective, eV */
    double pred;     /* predicted change of the objective for the last step, eV */
    int fresh;       /* H is still a multiple of 1 (start or reset): rescale at the next update */
    long n_reset, n_skip;
    double *V, *w, *work, *tmp; /* scratch: eigenvectors, eigenvalues, LAPACK work, H s */
    lapack_int lwork;
};

static void bfgs_destroy(void *state)
{
    struct bfgs *b = state;
    if (b == NULL) return;
    free(b->H);
    free(b->q0);
    free(b->f0);
    free(b->V);
    free(b->w);
    free(b->work);
    free(b->tmp);
    free(b);
}

static void set_initial(struct bfgs *b)
{
    b->fresh = 1;
    memset(b->H, 0, (size_t)(b->nq * b->nq) * sizeof *b->H);
    for (long i = 0; i < b->nq; i++) b->H[i * b->nq + i] = b->h0;
}

static int bfgs_create(long nq, const struct ls_relax_config *cfg, void **state)
{
    *state = NULL;
    struct bfgs *b = calloc(1, sizeof *b);
    if (b == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    b->nq = nq;
    b->h0 = cfg->hessian0_ev_a2;
    b->max_step = cfg->max_step_a;
    size_t n2 = (size_t)(nq * nq);
    b->H = malloc(n2 * sizeof *b->H);
    b->V = malloc(n2 * sizeof *b->V);
    b->q0 = calloc((size_t)nq, sizeof *b->q0);
    b->f0 = calloc((size_t)nq, sizeof *b->f0);
    b->w = calloc((size_t)nq, sizeof *b->w);
    b->tmp = calloc((size_t)nq, sizeof *b->tmp);
    if (!b->H || !b->V || !b->q0 || !b->f0 || !b->w || !b->tmp) {
        bfgs_destroy(b);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for a BFGS Hessian of %ld coordinates", nq);
    }
    set_initial(b);
    /* Workspace query of dsyev. */
    double wq = 0.0;
    lapack_int info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)nq, b->V, (lapack_int)nq, b->w, &wq, -1);
    b->lwork = info == 0 ? (lapack_int)wq : 3 * (lapack_int)nq;
    if (b->lwork < 3 * (lapack_int)nq) b->lwork = 3 * (lapack_int)nq;
    b->work = malloc((size_t)b->lwork * sizeof *b->work);
    if (b->work == NULL) {
        bfgs_destroy(b);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    *state = b;
    return LS_OK;
}

static void update(struct bfgs *b, const double *q, const double *f, double e)
{
    const long n = b->nq;
    double smax = 0.0;
    for (long i = 0; i < n; i++) smax = fmax(smax, fabs(q[i] - b->q0[i]));
    if (smax < BFGS_MIN_STEP) return;
    double rise = e - b->e0;
    if (rise > BFGS_RISE_MIN_EV) {
        ls_log_info("relax: the enthalpy rose by %.3g eV (model: %.3g eV); BFGS Hessian reset", rise, b->pred);
        set_initial(b);
        b->n_reset++;
    }
    double sy = 0.0, sHs = 0.0;
    for (long i = 0; i < n; i++) sy += (q[i] - b->q0[i]) * (b->f0[i] - f[i]);
    for (long i = 0; i < n; i++) {
        double x = 0.0;
        for (long j = 0; j < n; j++) x += b->H[i * n + j] * (q[j] - b->q0[j]);
        b->tmp[i] = x;
        sHs += (q[i] - b->q0[i]) * x;
    }
    if (b->fresh && sy > 0.0) {
        double yy = 0.0;
        for (long i = 0; i < n; i++) yy += (b->f0[i] - f[i]) * (b->f0[i] - f[i]);
        double h = fmin(fmax(yy / sy, 1e-3 * b->h0), 1e3 * b->h0), scale = h / b->h0;
        for (long i = 0; i < n * n; i++) b->H[i] *= scale;
        for (long i = 0; i < n; i++) b->tmp[i] *= scale;
        sHs *= scale;
        b->fresh = 0;
        ls_log_debug("relax: BFGS initial Hessian rescaled to %.4g eV/A^2", h);
    }
    if (!(sy > 0.0) || !(sHs > 0.0)) {
        b->n_skip++;
        ls_log_debug("relax: BFGS update skipped (s.y = %.3g <= 0)", sy);
        return;
    }
    for (long i = 0; i < n; i++) {
        double yi = b->f0[i] - f[i];
        for (long j = 0; j < n; j++) b->H[i * n + j] += yi * (b->f0[j] - f[j]) / sy - b->tmp[i] * b->tmp[j] / sHs;
    }
}

static int bfgs_step(void *state, const double *q, const double *f, double e, double *dq)
{
    struct bfgs *b = state;
    const long n = b->nq;
    if (b->have_prev) update(b, q, f, e);
    /* Eigen-decomposition (symmetric: the row-major copy is its own column-major form). */
    memcpy(b->V, b->H, (size_t)(n * n) * sizeof *b->V);
    lapack_int info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'U', (lapack_int)n, b->V, (lapack_int)n, b->w, b->work,
                                         b->lwork);
    if (info != 0)
        LS_ERROR(info < 0 ? LS_ERR_INTERNAL : LS_ERR_NUMERIC,
                 "BFGS: the eigen-decomposition of the Hessian model failed (LAPACK dsyev info %d)", (int)info);
    memset(dq, 0, (size_t)n * sizeof *dq);
    for (long k = 0; k < n; k++) { /* column k of V (column-major) is eigenvector k */
        const double *v = b->V + k * n;
        double vf = 0.0;
        for (long i = 0; i < n; i++) vf += v[i] * f[i];
        double c = vf / fmax(fabs(b->w[k]), 1e-10 * b->h0);
        for (long i = 0; i < n; i++) dq[i] += c * v[i];
    }
    ls_relax_limit_step(dq, n, b->max_step);
    /* Predicted change -f.dq + dq.H.dq / 2, for the check at the next step. */
    double pred = 0.0;
    for (long i = 0; i < n; i++) {
        double x = 0.0;
        for (long j = 0; j < n; j++) x += b->H[i * n + j] * dq[j];
        pred += -f[i] * dq[i] + 0.5 * dq[i] * x;
    }
    b->pred = pred;
    memcpy(b->q0, q, (size_t)n * sizeof *q);
    memcpy(b->f0, f, (size_t)n * sizeof *f);
    b->e0 = e;
    b->have_prev = 1;
    return LS_OK;
}

static int bfgs_save(const void *state, ls_ckpt *c)
{
    const struct bfgs *b = state;
    const size_t n = (size_t)b->nq;
    LS_TRY(ls_ckpt_put_doubles(c, "opt.hessian_eV_per_A2", b->H, n * n));
    LS_TRY(ls_ckpt_put_doubles(c, "opt.q_prev", b->q0, n));
    LS_TRY(ls_ckpt_put_doubles(c, "opt.f_prev", b->f0, n));
    LS_TRY(ls_ckpt_put_int(c, "opt.have_prev", b->have_prev));
    LS_TRY(ls_ckpt_put_int(c, "opt.fresh", b->fresh));
    LS_TRY(ls_ckpt_put_double(c, "opt.objective_prev_eV", b->e0));
    LS_TRY(ls_ckpt_put_double(c, "opt.predicted_change_eV", b->pred));
    int64_t counts[2] = {b->n_reset, b->n_skip};
    LS_TRY(ls_ckpt_put_ints(c, "opt.resets_skips", counts, 2));
    return LS_OK;
}

static int get_array(const ls_ckpt *c, const char *name, double *dst, size_t n)
{
    const double *v = NULL;
    size_t m = 0;
    LS_TRY(ls_ckpt_get_doubles(c, name, &v, &m));
    if (m != n) LS_ERROR(LS_ERR_INPUT, "checkpoint record '%s' has %zu numbers, expected %zu", name, m, n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) LS_ERROR(LS_ERR_INPUT, "checkpoint record '%s' holds a non-finite number: corrupt", name);
    memcpy(dst, v, n * sizeof *dst);
    return LS_OK;
}

static int bfgs_load(void *state, const ls_ckpt *c)
{
    struct bfgs *b = state;
    const size_t n = (size_t)b->nq;
    int64_t k = 0;
    LS_TRY(get_array(c, "opt.hessian_eV_per_A2", b->H, n * n));
    LS_TRY(get_array(c, "opt.q_prev", b->q0, n));
    LS_TRY(get_array(c, "opt.f_prev", b->f0, n));
    LS_TRY(ls_ckpt_get_int(c, "opt.have_prev", &k));
    b->have_prev = k != 0;
    LS_TRY(ls_ckpt_get_int(c, "opt.fresh", &k));
    b->fresh = k != 0;
    LS_TRY(ls_ckpt_get_double(c, "opt.objective_prev_eV", &b->e0));
    LS_TRY(ls_ckpt_get_double(c, "opt.predicted_change_eV", &b->pred));
    const int64_t *counts = NULL;
    size_t m = 0;
    LS_TRY(ls_ckpt_get_ints(c, "opt.resets_skips", &counts, &m));
    if (m != 2) LS_ERROR(LS_ERR_INPUT, "checkpoint record 'opt.resets_skips' has %zu integers, expected 2", m);
    b->n_reset = (long)counts[0];
    b->n_skip = (long)counts[1];
    return LS_OK;
}

const struct ls_relax_optimizer ls_relax_bfgs = {
    "bfgs", "BFGS with the eigen-decomposed Hessian model (ASE's form), curvature and energy-rise safeguards",
    bfgs_create, bfgs_step, bfgs_save, bfgs_load, bfgs_destroy,
};
