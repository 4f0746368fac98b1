/* One ask/tell decision over candidates and observations in memory (bo_suggest in search.h):
 * which candidates may be proposed, one GP per objective and constraint, the selection of a batch,
 * and the observed Pareto front.  `lodestone suggest` is its CSV front end (apps/cmd_suggest.c). */
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "search/search.h"

#define BO_SUGGEST_MAX_DIM 64
#define BO_SUGGEST_MAX_Q 1000

const char *bo_suggest_default_acquisition(int n_obj, int n_con)
{
    return n_obj > 1 ? "ehvi" : n_con > 0 ? "ei" : "ucb";
}

void bo_suggest_options_default(bo_suggest_options *o)
{
    memset(o, 0, sizeof *o);
    o->kappa = 2.0;
    bo_gp_options_default(&o->gp);
    o->gp.approx = BO_GP_AUTO;
    o->gp.prior = BO_GP_PRIOR_DIM_SCALED;
    o->n_restarts = 5;
    o->q = 1;
}

void bo_suggest_result_free(bo_suggest_result *res)
{
    if (res == NULL) return;
    free(res->items);
    memset(res, 0, sizeof *res);
}

struct row_key {
    const double *x;
    int dim;
    long i;
};

static int cmp_key(const void *a, const void *b)
{
    const struct row_key *p = a, *q = b;
    for (int d = 0; d < p->dim; d++)
        if (p->x[d] != q->x[d]) return p->x[d] < q->x[d] ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i ? 1 : 0;
}

static int same_point(const double *a, const double *b, int D)
{
    for (int d = 0; d < D; d++)
        if (fabs(a[d] - b[d]) > 1e-9 * (1.0 + fabs(a[d]) + fabs(b[d]))) return 0;
    return 1;
}

/* Sort the keys (cmp_key: a total order, so the result does not depend on the method): large
 * arrays as two halves on two threads, then merged. */
static int sort_keys(struct row_key *k, long N)
{
    if (N < 100000 || omp_in_parallel() || omp_get_max_threads() < 2) {
        qsort(k, (size_t)N, sizeof *k, cmp_key);
        return LS_OK;
    }
    struct row_key *tmp = malloc(sizeof *tmp * (size_t)N);
    if (tmp == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory sorting %ld candidates", N);
    long h = N / 2;
#pragma omp parallel sections num_threads(2)
    {
#pragma omp section
        qsort(k, (size_t)h, sizeof *k, cmp_key);
#pragma omp section
        qsort(k + h, (size_t)(N - h), sizeof *k, cmp_key);
    }
    long a = 0, b = h, o = 0;
    while (a < h && b < N) tmp[o++] = cmp_key(&k[b], &k[a]) < 0 ? k[b++] : k[a++];
    while (a < h) tmp[o++] = k[a++];
    while (b < N) tmp[o++] = k[b++];
    memcpy(k, tmp, sizeof *k * (size_t)N);
    free(tmp);
    return LS_OK;
}

/* Only the first of identical candidates is available; candidates equal to an observed or pending
 * point (equal to rounding, 1e-9 relative: same_point) are not.  Candidates are sorted once
 * (lexicographic order of the features); a candidate equal to a seen point has its first feature
 * within 2e-9 (1 + 2 |x_0|) of the seen point's, and those candidates form one run of the sorted
 * order, found by binary search and scanned: every equal candidate is found, in O((N + n_seen)
 * log N) when the first feature varies (O(N) per seen point when it is constant). */
static int mark_available(long N, int D, const double *X, long n_seen, const double *xs, unsigned char *avail)
{
    int status = LS_OK;
    struct row_key *k = malloc(sizeof *k * (size_t)(N > 0 ? N : 1));
    if (k == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (long i = 0; i < N; i++) k[i] = (struct row_key){X + i * D, D, i};
    LS_TRY_GOTO(status, sort_keys(k, N), done);
    for (long a = 0; a < N; a++) avail[k[a].i] = a == 0 || !same_point(k[a].x, k[a - 1].x, D);
    for (long s = 0; s < n_seen; s++) {
        const double *p = xs + s * D, win = 2e-9 * (1.0 + 2.0 * fabs(p[0]));
        long lo = 0, hi = N; /* first sorted candidate whose first feature is not below p[0] - win */
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (k[mid].x[0] < p[0] - win) lo = mid + 1;
            else hi = mid;
        }
        for (long a = lo; a < N && k[a].x[0] <= p[0] + win; a++)
            if (same_point(k[a].x, p, D)) avail[k[a].i] = 0;
    }
done:
    free(k);
    return status;
}

static int check(const bo_problem *pb, const bo_data *d, const bo_suggest_options *opt)
{
    if (pb->dim < 1 || pb->dim > BO_SUGGEST_MAX_DIM)
        LS_ERROR(LS_ERR_INPUT, "suggest: %d encoded features; 1 to %d are supported", pb->dim, BO_SUGGEST_MAX_DIM);
    if (pb->n_obj < 1 || pb->n_obj > BO_MAX_OBJECTIVES)
        LS_ERROR(LS_ERR_INPUT, "suggest: %d objectives; 1 to %d are supported", pb->n_obj, BO_MAX_OBJECTIVES);
    if (pb->n_con < 0 || pb->n_con > BO_MAX_CONSTRAINTS)
        LS_ERROR(LS_ERR_INPUT, "suggest: %d constraints; at most %d are supported", pb->n_con, BO_MAX_CONSTRAINTS);
    if (opt->q < 1 || opt->q > BO_SUGGEST_MAX_Q)
        LS_ERROR(LS_ERR_INPUT, "suggest: a batch of %d; 1 to %d are supported", opt->q, BO_SUGGEST_MAX_Q);
    if (opt->n_restarts < 0 || opt->n_restarts > 1000)
        LS_ERROR(LS_ERR_INPUT, "suggest: %d restarts of the hyperparameter fit; 0 to 1000 are supported", opt->n_restarts);
    if (d->n_cand < 1 || !d->x_cand) LS_ERROR(LS_ERR_INPUT, "suggest: no candidates");
    if (d->n_obs < 0 || d->n_pending < 0 || (d->n_obs && (!d->x_obs || !d->y_obs)) || (d->n_pending && !d->x_pending) ||
        (d->n_obs && pb->n_con && !d->c_obs))
        LS_ERROR(LS_ERR_INPUT, "suggest: observations or pending points without their arrays");
    for (long i = 0; i < d->n_obs; i++) {
        for (int k = 0; k < pb->n_obj; k++)
            if (!isfinite(d->y_obs[i * pb->n_obj + k]))
                LS_ERROR(LS_ERR_INPUT, "suggest: observation %ld: objective %d is not a finite number", i + 1, k + 1);
        for (int c = 0; c < pb->n_con; c++)
            if (!isfinite(d->c_obs[i * pb->n_con + c]))
                LS_ERROR(LS_ERR_INPUT, "suggest: observation %ld: constraint %d is not a finite number", i + 1, c + 1);
    }
    return LS_OK;
}

/* The range of each feature over the candidates and the observations (the search space). */
static void search_range(int D, const bo_data *d, double *range)
{
    double lo[BO_SUGGEST_MAX_DIM], hi[BO_SUGGEST_MAX_DIM];
    for (int j = 0; j < D; j++) lo[j] = INFINITY, hi[j] = -INFINITY;
    for (int part = 0; part < 2; part++) {
        long m = part ? d->n_obs : d->n_cand;
        const double *x = part ? d->x_obs : d->x_cand;
        for (long i = 0; i < m; i++)
            for (int j = 0; j < D; j++) {
                double v = x[i * D + j];
                lo[j] = v < lo[j] ? v : lo[j], hi[j] = v > hi[j] ? v : hi[j];
            }
    }
    for (int j = 0; j < D; j++) range[j] = hi[j] > lo[j] ? hi[j] - lo[j] : 0.0;
}

/* Without a model (fewer than 2 observations): uniformly random available candidates. */
static void choose_random(long N, unsigned char *avail, long n_avail, int q, ls_rng *rng, bo_suggest_result *res)
{
    res->acquisition = "random";
    res->log_form = 0;
    for (long j = 0; j < q && res->n < n_avail; j++) {
        long pick = ls_rng_below(rng, n_avail - res->n), i = 0;
        for (; i < N; i++)
            if (avail[i] && pick-- == 0) break;
        avail[i] = 0;
        bo_suggestion *s = &res->items[res->n++];
        s->index = i;
        s->acq = s->p_feasible = NAN;
        for (int k = 0; k < BO_MAX_OBJECTIVES; k++) s->mean[k] = s->sd[k] = NAN;
    }
}

/* One GP per objective and per constraint (maximised / "<=" sense), then the pool selection. */
static int choose_model(const bo_problem *pb, const bo_data *d, const bo_suggest_options *opt,
                        const bo_acquisition *acq, const unsigned char *avail, ls_rng *rng, bo_suggest_result *res)
{
    const int D = pb->dim, n_obj = pb->n_obj, n_con = pb->n_con;
    const long n = d->n_obs;
    int status = LS_OK, n_chosen = 0;
    bo_gp *gp[BO_MAX_OBJECTIVES + BO_MAX_CONSTRAINTS] = {NULL};
    double *yo = malloc(sizeof *yo * (size_t)n * n_obj), *co = malloc(sizeof *co * (size_t)n * (n_con + 1));
    double *col = malloc(sizeof *col * (size_t)n), *xc = malloc(sizeof *xc * (size_t)opt->q * D);
    bo_choice *ch = calloc((size_t)opt->q, sizeof *ch);
    if (!yo || !co || !col || !xc || !ch) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (long i = 0; i < n; i++) {
        for (int k = 0; k < n_obj; k++) yo[i * n_obj + k] = pb->maximise[k] ? d->y_obs[i * n_obj + k] : -d->y_obs[i * n_obj + k];
        for (int c = 0; c < n_con; c++) co[i * n_con + c] = pb->con_upper[c] ? d->c_obs[i * n_con + c] : -d->c_obs[i * n_con + c];
    }
    /* The model: exact, or the nearest-neighbour approximation above the stated size
     * (bo_gp_approx_choose); Thompson sampling needs the exact joint posterior. */
    bo_gp_options go = opt->gp;
    go.approx = acq->thompson ? BO_GP_EXACT : bo_gp_approx_choose(&opt->gp, n, res->n_available);
    res->gp_model = go.approx;
    double range[BO_SUGGEST_MAX_DIM], t0 = ls_wall_time();
    search_range(pb->dim, d, range);
    for (int k = 0; k < n_obj + n_con; k++) {
        LS_TRY_GOTO(status, bo_gp_create(D, &go, &gp[k]), done);
        bo_gp_set_x_range(gp[k], range);
        for (long i = 0; i < n; i++) col[i] = k < n_obj ? yo[i * n_obj + k] : co[i * n_con + k - n_obj];
        LS_TRY_GOTO(status, bo_gp_set_data(gp[k], n, d->x_obs, col, NULL), done);
        /* The approximation (many observations): at most one random restart besides the current
         * start, for the time targets of search/README.md (a fit costs the same at any size). */
        int restarts = go.approx == BO_GP_NN && opt->n_restarts > 1 ? 1 : opt->n_restarts;
        LS_TRY_GOTO(status, bo_gp_fit(gp[k], restarts, rng), done);
    }
    double con_bound[BO_MAX_CONSTRAINTS], ref[BO_MAX_OBJECTIVES];
    for (int c = 0; c < n_con; c++) con_bound[c] = pb->con_upper[c] ? pb->con_bound[c] : -pb->con_bound[c];
    for (int k = 0; k < n_obj; k++) ref[k] = pb->maximise[k] ? pb->ref[k] : -pb->ref[k];
    bo_select_config sc = {0};
    sc.acq = acq;
    sc.params.kappa = opt->kappa;
    sc.n_obj = n_obj;
    sc.obj = gp;
    sc.n_con = n_con;
    sc.con = gp + n_obj;
    sc.con_bound = con_bound;
    sc.n_obs = n;
    sc.x_obs = d->x_obs;
    sc.y_obs = yo;
    sc.c_obs = n_con ? co : NULL;
    sc.ref = pb->has_ref ? ref : NULL;
    sc.n_pending = d->n_pending;
    sc.x_pending = d->x_pending;
    sc.q = opt->q;
    if (n_obj == 1) sc.max_log_ei = &res->max_log_ei;
    double t1 = ls_wall_time();
    LS_TRY_GOTO(status, bo_select_pool(&sc, d->n_cand, D, d->x_cand, avail, rng, ch, xc, &n_chosen), done);
    if (go.approx == BO_GP_NN)
        ls_log_info("suggest: nearest-neighbour GP (k = %d): models fitted in %.2f s, %d chosen in %.2f s",
                    go.nn_neighbors, t1 - t0, n_chosen, ls_wall_time() - t1);
    else
        ls_log_info("suggest: exact GP: models fitted in %.2f s, %d chosen in %.2f s", t1 - t0, n_chosen,
                    ls_wall_time() - t1);
    for (int j = 0; j < n_chosen; j++) {
        bo_suggestion *s = &res->items[j];
        s->index = ch[j].index;
        s->acq = ch[j].acq;
        s->p_feasible = ch[j].p_feasible;
        for (int k = 0; k < BO_MAX_OBJECTIVES; k++) {
            s->mean[k] = k < n_obj ? (pb->maximise[k] ? ch[j].mean[k] : -ch[j].mean[k]) : NAN;
            s->sd[k] = k < n_obj ? ch[j].sd[k] : NAN;
        }
    }
    res->n = n_chosen;
done:
    for (int k = 0; k < n_obj + n_con; k++) bo_gp_destroy(gp[k]);
    free(yo), free(co), free(col), free(xc), free(ch);
    return status;
}

int bo_suggest(const bo_problem *pb, const bo_data *d, const bo_suggest_options *opt, ls_rng *rng,
               bo_suggest_result *res)
{
    memset(res, 0, sizeof *res);
    res->max_log_ei = NAN;
    LS_TRY(check(pb, d, opt));
    const char *acq_name = opt->acquisition ? opt->acquisition : bo_suggest_default_acquisition(pb->n_obj, pb->n_con);
    const bo_acquisition *acq;
    LS_TRY(bo_acquisition_find(acq_name, &acq));
    const bo_kernel *kern;
    LS_TRY(bo_kernel_find(opt->gp.kernel, &kern));
    const int D = pb->dim;
    const long N = d->n_cand, n_seen = d->n_obs + d->n_pending;
    int status = LS_OK;
    unsigned char *avail = malloc((size_t)N);
    double *xs = malloc(sizeof *xs * (size_t)(n_seen > 0 ? n_seen : 1) * D);
    res->items = calloc((size_t)opt->q, sizeof *res->items);
    if (!avail || !xs || !res->items) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    /* Observed and pending points are excluded together. */
    if (d->n_obs) memcpy(xs, d->x_obs, sizeof *xs * (size_t)d->n_obs * D);
    if (d->n_pending) memcpy(xs + d->n_obs * D, d->x_pending, sizeof *xs * (size_t)d->n_pending * D);
    LS_TRY_GOTO(status, mark_available(N, D, d->x_cand, n_seen, xs, avail), done);
    for (long i = 0; i < N; i++) res->n_available += avail[i];
    res->n_observed = d->n_obs;
    res->n_pending = d->n_pending;
    ls_log_info("suggest: %ld candidates (%ld available), %ld observations, %ld pending, %d encoded features", N,
                res->n_available, d->n_obs, d->n_pending, D);
    res->acquisition = acq->name;
    res->log_form = acq->log_form;
    if (d->n_obs < 2) {
        choose_random(N, avail, res->n_available, opt->q, rng, res);
        ls_log_warn("suggest: fewer than 2 completed observations: suggestions are uniformly random");
    } else {
        LS_TRY_GOTO(status, choose_model(pb, d, opt, acq, avail, rng, res), done);
    }
    if (res->n < opt->q) ls_log_warn("suggest: only %d candidates left to suggest", res->n);
done:
    free(avail);
    free(xs);
    return status;
}

int bo_observed_front(const bo_problem *pb, const bo_data *d, long *idx, long *n_front, long *n_feasible)
{
    const int n_obj = pb->n_obj, n_con = pb->n_con;
    *n_front = *n_feasible = 0;
    long *rows = malloc(sizeof *rows * (size_t)(d->n_obs > 0 ? d->n_obs : 1));
    double *yf = malloc(sizeof *yf * (size_t)(d->n_obs > 0 ? d->n_obs : 1) * n_obj);
    if (!rows || !yf) {
        free(rows), free(yf);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    long nf = 0;
    for (long i = 0; i < d->n_obs; i++) {
        int feasible = 1;
        for (int c = 0; c < n_con; c++) {
            const double v = d->c_obs[i * n_con + c];
            feasible &= pb->con_upper[c] ? v <= pb->con_bound[c] : -v <= -pb->con_bound[c];
        }
        if (!feasible) continue;
        for (int k = 0; k < n_obj; k++) yf[nf * n_obj + k] = pb->maximise[k] ? d->y_obs[i * n_obj + k] : -d->y_obs[i * n_obj + k];
        rows[nf++] = i;
    }
    long k = bo_pareto_front(nf, n_obj, yf, idx);
    for (long t = 0; t < k; t++) idx[t] = rows[idx[t]];
    *n_front = k;
    *n_feasible = nf;
    free(rows);
    free(yf);
    return LS_OK;
}
