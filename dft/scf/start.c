/* Starting an SCF from a previous solution (see start.h). */
#include "dft/scf/start.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checkpoint.h"
#include "common/err.h"
#include "dft/basis/grid.h"
#include "dft/basis/kpoints.h"
#include "dft/scf/density.h"
#include "dft/scf/dist.h"
#include "dft/scf/eigensolver.h"
#include "dft/scf/hamiltonian.h"

void dft_start_destroy(dft_start *st)
{
    if (st == NULL) return;
    free(st->miller);
    free(st->drho);
    for (int ik = 0; ik < st->n_kpt; ik++) free(st->miller_k ? st->miller_k[ik] : NULL);
    for (int i = 0; st->psi && i < st->n_spin * st->n_kpt; i++) free(st->psi[i]);
    free(st->miller_k);
    free(st->psi);
    free(st->k_frac);
    free(st->n_pw);
    free(st);
}

static int alloc_states(dft_start *st)
{
    st->k_frac = calloc((size_t)st->n_kpt, sizeof *st->k_frac);
    st->n_pw = calloc((size_t)st->n_kpt, sizeof *st->n_pw);
    st->miller_k = calloc((size_t)st->n_kpt, sizeof *st->miller_k);
    st->psi = calloc((size_t)st->n_kpt * st->n_spin, sizeof *st->psi);
    if (!st->k_frac || !st->n_pw || !st->miller_k || !st->psi) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    return LS_OK;
}

int dft_start_save(const dft_system *sys, dft_start **out)
{
    *out = NULL;
    const dft_grid *g = sys->grid;
    int ns = sys->n_spin, n_kpt = sys->kpts->n_kpt, nb = sys->n_band, nc = sys->n_rho, npol = sys->npol;
    long nr = g->n_r;
    int status = LS_OK;
    dft_start *st = calloc(1, sizeof *st);
    double *rho_at = malloc((size_t)nc * nr * sizeof *rho_at);
    double complex *work = fftw_malloc((size_t)nr * sizeof *work);
    double complex *fg = malloc((size_t)g->n_g * sizeof *fg);
    if (!st || !rho_at || !work || !fg) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    st->n_spin = ns;
    st->n_rho = nc;
    st->npol = npol;
    st->n_g = g->n_g;
    st->n_kpt = n_kpt;
    st->n_band = nb;
    st->miller = malloc((size_t)g->n_g * sizeof *st->miller);
    st->drho = malloc((size_t)nc * g->n_g * sizeof *st->drho);
    if (!st->miller || !st->drho) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    memcpy(st->miller, g->miller, (size_t)g->n_g * sizeof *st->miller);
    LS_TRY_GOTO(status, dft_density_atomic(sys, rho_at), done);
    for (int is = 0; is < nc; is++) {
        double complex *d = st->drho + (size_t)is * g->n_g;
        dft_grid_field_to_sphere(g, sys->rho + (size_t)is * nr, d, work);
        dft_grid_field_to_sphere(g, rho_at + (size_t)is * nr, fg, work);
        for (long ig = 0; ig < g->n_g; ig++) d[ig] = (d[ig] - fg[ig]) * sys->omega;
    }
    LS_TRY_GOTO(status, alloc_states(st), done);
    for (int ik = 0; ik < n_kpt; ik++) {
        const dft_basis *b = sys->basis[ik];
        memcpy(st->k_frac[ik], b->k_frac, sizeof b->k_frac);
        st->n_pw[ik] = b->n_pw;
        st->miller_k[ik] = malloc((size_t)b->n_pw * sizeof *st->miller_k[ik]);
        if (!st->miller_k[ik]) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
        memcpy(st->miller_k[ik], b->miller, (size_t)b->n_pw * sizeof *b->miller);
        for (int is = 0; is < ns; is++) {
            size_t n = (size_t)nb * npol * b->n_pw;
            double complex *p = malloc(n * sizeof *p);
            if (!p) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
            memcpy(p, sys->psi[is * n_kpt + ik], n * sizeof *p); /* current on its pool's ranks */
            dft_dist_bcast_task(sys->dist, is * n_kpt + ik, p, n * sizeof *p);
            st->psi[is * n_kpt + ik] = p;
        }
    }
done:
    free(rho_at);
    fftw_free(work);
    free(fg);
    if (status != LS_OK) {
        dft_start_destroy(st);
        return status;
    }
    *out = st;
    return LS_OK;
}

/* Position of Miller index m on a grid of dimensions n, or -1 when it does not fit
 * (|m_k| > (n_k - 1) / 2 would alias). */
static long grid_index(const int n[3], const int m[3])
{
    long idx = 0;
    for (int k = 0; k < 3; k++) {
        long mk = m[k]; /* long: |INT_MIN| does not fit an int */
        if (2 * labs(mk) + 1 > n[k]) return -1;
        idx = idx * n[k] + ((mk % n[k]) + n[k]) % n[k];
    }
    return idx;
}

int dft_start_density(const dft_start *st, const dft_system *sys, double *rho)
{
    const dft_grid *g = sys->grid;
    int ns = sys->n_rho;
    long nr = g->n_r;
    if (st->n_rho != ns)
        LS_ERROR(LS_ERR_INPUT, "the saved state has %d density component(s), this calculation %d", st->n_rho, ns);
    int status = LS_OK;
    long *where = malloc((size_t)nr * sizeof *where);
    double complex *work = fftw_malloc((size_t)nr * sizeof *work);
    double complex *fg = malloc((size_t)g->n_g * sizeof *fg);
    if (!where || !work || !fg) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (long ir = 0; ir < nr; ir++) where[ir] = -1;
    for (long ig = 0; ig < g->n_g; ig++) where[g->fft_index[ig]] = ig;
    LS_TRY_GOTO(status, dft_density_atomic(sys, rho), done);
    for (int is = 0; is < ns; is++) {
        double *r = rho + (size_t)is * nr;
        const double complex *d = st->drho + (size_t)is * st->n_g;
        dft_grid_field_to_sphere(g, r, fg, work);
        for (long jg = 0; jg < st->n_g; jg++) {
            long idx = grid_index(g->n, st->miller[jg]);
            long ig = idx < 0 ? -1 : where[idx];
            if (ig >= 0) fg[ig] += d[jg] / sys->omega;
        }
        dft_grid_sphere_to_field(g, fg, r, work);
    }
done:
    free(where);
    fftw_free(work);
    free(fg);
    return status;
}

static int same_kpoints(const dft_start *st, const dft_system *sys)
{
    if (st->n_kpt != sys->kpts->n_kpt || st->n_band != sys->n_band || st->n_spin != sys->n_spin || st->npol != sys->npol)
        return 0;
    for (int ik = 0; ik < st->n_kpt; ik++)
        for (int k = 0; k < 3; k++)
            if (fabs(st->k_frac[ik][k] - sys->basis[ik]->k_frac[k]) > 1e-9) return 0;
    return 1;
}

int dft_start_states(const dft_start *st, dft_system *sys, struct dft_ham_work *hw, int *used)
{
    *used = 0;
    if (!same_kpoints(st, sys)) return LS_OK;
    const dft_grid *g = sys->grid;
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band;
    long nr = g->n_r;
    int status = LS_OK;
    long *where = malloc((size_t)nr * sizeof *where);
    if (!where) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (long ir = 0; ir < nr; ir++) where[ir] = -1;
    for (int ik = 0; ik < n_kpt && status == LS_OK; ik++) {
        const dft_basis *b = sys->basis[ik];
        for (int ig = 0; ig < b->n_pw; ig++) where[b->fft_index[ig]] = ig;
        int npw = sys->npol * b->n_pw;
        int *map = malloc((size_t)st->n_pw[ik] * sizeof *map);
        double complex *v = calloc((size_t)nb * npw, sizeof *v);
        double complex *psi_new = malloc((size_t)nb * npw * sizeof *psi_new);
        double *eig_new = malloc((size_t)nb * sizeof *eig_new);
        if (!map || !v || !psi_new || !eig_new) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
        for (int jg = 0; status == LS_OK && jg < st->n_pw[ik]; jg++) {
            long idx = grid_index(g->n, st->miller_k[ik][jg]);
            map[jg] = idx < 0 ? -1 : (int)where[idx];
        }
        for (int is = 0; status == LS_OK && is < sys->n_spin; is++) {
            const double complex *old = st->psi[is * n_kpt + ik];
            memset(v, 0, (size_t)nb * npw * sizeof *v);
            for (int ib = 0; ib < nb * sys->npol; ib++) /* each spinor component as a vector */
                for (int jg = 0; jg < st->n_pw[ik]; jg++)
                    if (map[jg] >= 0) v[(size_t)ib * b->n_pw + map[jg]] = old[(size_t)ib * st->n_pw[ik] + jg];
            int s = dft_subspace_start(sys, ik, is, nb, v, nb, psi_new, eig_new, hw);
            if (s == LS_ERR_NUMERIC) { /* dependent vectors: fall back to the usual start */
                status = LS_ERR_NUMERIC;
                break;
            }
            if (s != LS_OK) {
                status = s;
                break;
            }
            memcpy(sys->psi[is * n_kpt + ik], psi_new, (size_t)nb * npw * sizeof *psi_new);
            memcpy(sys->eig + ((size_t)is * n_kpt + ik) * nb, eig_new, (size_t)nb * sizeof *eig_new);
        }
        for (int ig = 0; ig < b->n_pw; ig++) where[b->fft_index[ig]] = -1;
        free(map);
        free(v);
        free(psi_new);
        free(eig_new);
    }
    free(where);
    if (status == LS_ERR_NUMERIC) {
        ls_error_clear();
        return LS_OK; /* *used stays 0: the caller starts from atomic orbitals */
    }
    if (status == LS_OK) *used = 1;
    return status;
}

/* ---- checkpoint records ---- */

int dft_start_to_ckpt(const dft_start *st, struct ls_ckpt *c)
{
    int64_t dims[4] = {st->n_spin, st->n_g, st->n_kpt, st->n_band};
    LS_TRY(ls_ckpt_put_ints(c, "start/dims", dims, 4));
    int64_t *m = malloc((size_t)3 * st->n_g * sizeof *m);
    if (!m) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (long ig = 0; ig < st->n_g; ig++)
        for (int k = 0; k < 3; k++) m[3 * ig + k] = st->miller[ig][k];
    int status = ls_ckpt_put_ints(c, "start/miller", m, (size_t)3 * st->n_g);
    free(m);
    LS_TRY(status);
    LS_TRY(ls_ckpt_put_doubles(c, "start/drho", (const double *)st->drho, (size_t)2 * st->n_rho * st->n_g));
    if (st->npol != 1 || st->n_rho != st->n_spin) { /* noncollinear; absent = collinear (older files) */
        int64_t rp[2] = {st->n_rho, st->npol};
        LS_TRY(ls_ckpt_put_ints(c, "start/rho_npol", rp, 2));
    }
    LS_TRY(ls_ckpt_put_doubles(c, "start/k_frac", &st->k_frac[0][0], (size_t)3 * st->n_kpt));
    for (int ik = 0; ik < st->n_kpt; ik++) {
        char name[64];
        m = malloc((size_t)3 * st->n_pw[ik] * sizeof *m);
        if (!m) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        for (int ig = 0; ig < st->n_pw[ik]; ig++)
            for (int k = 0; k < 3; k++) m[3 * ig + k] = st->miller_k[ik][ig][k];
        snprintf(name, sizeof name, "start/miller_k/%d", ik);
        status = ls_ckpt_put_ints(c, name, m, (size_t)3 * st->n_pw[ik]);
        free(m);
        LS_TRY(status);
        for (int is = 0; is < st->n_spin; is++) {
            snprintf(name, sizeof name, "start/psi/%d/%d", is, ik);
            LS_TRY(ls_ckpt_put_doubles(c, name, (const double *)st->psi[is * st->n_kpt + ik],
                                       (size_t)2 * st->n_band * st->npol * st->n_pw[ik]));
        }
    }
    return LS_OK;
}

/* Miller indices of a record into m[n][3], each within +-DFT_GRID_MAX_DIM (an index beyond any
 * grid is a corrupt record, not one to carry to the int arithmetic of grid_index). */
static int read_miller(const int64_t *v, long n, int (*m)[3], const char *name)
{
    for (long ig = 0; ig < n; ig++)
        for (int k = 0; k < 3; k++) {
            int64_t x = v[3 * ig + k];
            if (x < -DFT_GRID_MAX_DIM || x > DFT_GRID_MAX_DIM)
                LS_ERROR(LS_ERR_INPUT, "checkpoint: record %s holds the Miller index %lld, beyond any FFT grid", name,
                         (long long)x);
            m[ig][k] = (int)x;
        }
    return LS_OK;
}

/* n numbers, all finite (a NaN would spread through the whole SCF). */
static int check_finite(const double *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) LS_ERROR(LS_ERR_INPUT, "checkpoint: record %s holds a non-finite number", name);
    return LS_OK;
}

int dft_start_from_ckpt(const struct ls_ckpt *c, dft_start **out)
{
    *out = NULL;
    const int64_t *dims, *m;
    const double *d;
    size_t n, n_miller;
    /* Every size is checked against the records that hold the data before anything is allocated. */
    LS_TRY(ls_ckpt_get_ints(c, "start/dims", &dims, &n));
    if (n != 4 || dims[0] < 1 || dims[0] > 2 || dims[1] < 1 || dims[2] < 0 || dims[2] > DFT_KPOINTS_MAX_MESH ||
        dims[3] < 1 || dims[3] > INT_MAX)
        LS_ERROR(LS_ERR_INPUT, "checkpoint: bad record start/dims");
    /* Noncollinear runs: the density's components (1 or 4) and the spinor components (2). */
    int n_rho = (int)dims[0], npol = 1;
    if (ls_ckpt_has(c, "start/rho_npol")) {
        LS_TRY(ls_ckpt_get_ints(c, "start/rho_npol", &m, &n));
        if (n != 2 || (m[0] != 1 && m[0] != 4) || m[1] != 2 || dims[0] != 1)
            LS_ERROR(LS_ERR_INPUT, "checkpoint: bad record start/rho_npol");
        n_rho = (int)m[0];
        npol = (int)m[1];
    }
    LS_TRY(ls_ckpt_get_ints(c, "start/miller", &m, &n_miller));
    if (n_miller % 3 != 0 || (int64_t)(n_miller / 3) != dims[1])
        LS_ERROR(LS_ERR_INPUT, "checkpoint: bad record start/miller (%zu values for %lld G-vectors)", n_miller,
                 (long long)dims[1]);
    LS_TRY(ls_ckpt_get_doubles(c, "start/drho", &d, &n));
    if (n != (size_t)2 * (size_t)n_rho * n_miller / 3) LS_ERROR(LS_ERR_INPUT, "checkpoint: bad record start/drho");
    LS_TRY(check_finite(d, n, "start/drho"));
    int status = LS_OK;
    dft_start *st = calloc(1, sizeof *st);
    if (!st) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    st->n_spin = (int)dims[0];
    st->n_g = (long)dims[1];
    st->n_kpt = (int)dims[2];
    st->n_band = (int)dims[3];
    st->n_rho = n_rho;
    st->npol = npol;
    st->miller = malloc((size_t)st->n_g * sizeof *st->miller);
    st->drho = malloc((size_t)st->n_rho * st->n_g * sizeof *st->drho);
    if (!st->miller || !st->drho) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    LS_TRY_GOTO(status, read_miller(m, st->n_g, st->miller, "start/miller"), done);
    memcpy(st->drho, d, n * sizeof *d);
    LS_TRY_GOTO(status, ls_ckpt_get_doubles(c, "start/k_frac", &d, &n), done);
    if (n != (size_t)3 * st->n_kpt) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "checkpoint: bad record start/k_frac");
    LS_TRY_GOTO(status, check_finite(d, n, "start/k_frac"), done);
    LS_TRY_GOTO(status, alloc_states(st), done);
    memcpy(st->k_frac, d, n * sizeof *d);
    for (int ik = 0; ik < st->n_kpt; ik++) {
        char name[64];
        snprintf(name, sizeof name, "start/miller_k/%d", ik);
        LS_TRY_GOTO(status, ls_ckpt_get_ints(c, name, &m, &n), done);
        if (n % 3 != 0 || n == 0 || n / 3 > INT_MAX) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "checkpoint: bad record %s", name);
        st->n_pw[ik] = (int)(n / 3);
        /* The wavefunctions of this k-point must be there, n_band x npol x n_pw each, before any allocation. */
        size_t per_band = (size_t)st->npol * (size_t)st->n_pw[ik];
        for (int is = 0; is < st->n_spin; is++) {
            char psi_name[64];
            size_t n_psi;
            snprintf(psi_name, sizeof psi_name, "start/psi/%d/%d", is, ik);
            LS_TRY_GOTO(status, ls_ckpt_get_doubles(c, psi_name, &d, &n_psi), done);
            if (n_psi % 2 != 0 || n_psi / 2 / per_band != (size_t)st->n_band || n_psi / 2 % per_band != 0)
                LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "checkpoint: bad record %s", psi_name);
        }
        st->miller_k[ik] = malloc((size_t)st->n_pw[ik] * sizeof *st->miller_k[ik]);
        if (!st->miller_k[ik]) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
        LS_TRY_GOTO(status, read_miller(m, st->n_pw[ik], st->miller_k[ik], name), done);
        for (int is = 0; is < st->n_spin; is++) {
            snprintf(name, sizeof name, "start/psi/%d/%d", is, ik);
            LS_TRY_GOTO(status, ls_ckpt_get_doubles(c, name, &d, &n), done);
            LS_TRY_GOTO(status, check_finite(d, n, name), done);
            st->psi[is * st->n_kpt + ik] = malloc(n / 2 * sizeof(double complex));
            if (!st->psi[is * st->n_kpt + ik]) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
            memcpy(st->psi[is * st->n_kpt + ik], d, n * sizeof *d);
        }
    }
done:
    if (status != LS_OK) {
        dft_start_destroy(st);
        return status;
    }
    *out = st;
    return LS_OK;
}
