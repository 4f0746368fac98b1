/* Tests for the nearest-neighbour GP (search/gp_nn.c) and the k-d tree (search/kdtree.c):
 * the tree against brute force; the approximation against the exact GP of gp.c with the same
 * data and hyperparameters (equal when the neighbour sets hold every observation; otherwise
 * never more confident than the exact GP, since conditioning on a subset of the data cannot
 * lower the variance, and close to it on a smooth function); kriging-believer fantasies; the
 * automatic switch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/test.h"
#include "search/gp.h"
#include "search/kdtree.h"
#include "search/select.h"
#include "common/log.h"

static void make_data(long n, int D, double *x, double *y, uint64_t seed)
{
    ls_rng r;
    ls_rng_seed(&r, seed);
    for (long i = 0; i < n; i++) {
        double s = 0.0;
        for (int d = 0; d < D; d++) {
            x[i * D + d] = 2.0 * ls_rng_uniform(&r) - 0.5;
            s += sin((d + 1.3) * x[i * D + d]);
        }
        y[i] = 2.0 * s + 0.01 * ls_rng_normal(&r) + 4.0;
    }
}

/* Exact and approximate GP on the same data with the same hyperparameters theta. */
static int pair(int D, long n, const double *x, const double *y, int k, const double *theta, bo_gp **ex, bo_gp **nn)
{
    bo_gp_options o;
    bo_gp_options_default(&o);
    LS_TRY(bo_gp_create(D, &o, ex));
    o.approx = BO_GP_NN;
    o.nn_neighbors = k;
    LS_TRY(bo_gp_create(D, &o, nn));
    LS_TRY(bo_gp_set_data(*ex, n, x, y, NULL));
    LS_TRY(bo_gp_set_data(*nn, n, x, y, NULL));
    bo_gp_theta_set(*ex, theta);
    bo_gp_theta_set(*nn, theta);
    LS_TRY(bo_gp_factorize(*ex));
    return bo_gp_factorize(*nn);
}

/* Exact and approximate (a few leaves) nearest-point queries against brute force, with
 * duplicate points and queries on the points themselves. */
static void test_kdtree(void)
{
    enum { N = 700, D = 5, Q = 300 };
    double *x = malloc(sizeof *x * N * D), q[Q * D], off[D];
    ls_rng r;
    ls_rng_seed(&r, 17);
    for (long i = 0; i < N * D; i++) x[i] = ls_rng_uniform(&r) * (i % D + 1);
    for (int d = 0; d < D; d++) x[50 * D + d] = x[10 * D + d]; /* a duplicate point */
    for (long i = 0; i < Q * D; i++) q[i] = ls_rng_uniform(&r) * (i % D + 1) * 1.2 - 0.1;
    for (int d = 0; d < D; d++) q[7 * D + d] = x[123 * D + d]; /* a query on a point */
    bo_kdtree *t = NULL;
    LS_CHECK_OK(bo_kdtree_build(N, D, x, &t));
    if (t == NULL) return;
    int bad_exact = 0, bad_approx = 0;
    for (int a = 0; a < Q; a++) {
        double best = INFINITY;
        for (long i = 0; i < N; i++) {
            double s = 0.0;
            for (int d = 0; d < D; d++) s += (x[i * D + d] - q[a * D + d]) * (x[i * D + d] - q[a * D + d]);
            best = s < best ? s : best;
        }
        for (long leaves = 0; leaves <= 2; leaves += 2) {
            double d2;
            long i = bo_kdtree_nearest(t, q + a * D, leaves, off, &d2);
            double s = 0.0;
            for (int d = 0; d < D && i >= 0; d++) s += (x[i * D + d] - q[a * D + d]) * (x[i * D + d] - q[a * D + d]);
            if (i < 0 || i >= N || s != d2) bad_exact += leaves == 0, bad_approx += leaves > 0;
            else if (leaves == 0 && d2 != best) bad_exact++;
            else if (leaves > 0 && d2 < best) bad_approx++;
        }
    }
    LS_CHECK_MSG(bad_exact == 0, "%d exact queries differ from brute force", bad_exact);
    LS_CHECK_MSG(bad_approx == 0, "%d approximate queries inconsistent", bad_approx);
    double d2;
    LS_CHECK(bo_kdtree_nearest(t, x + 123 * D, 0, off, &d2) == 123 && d2 == 0.0);
    bo_kdtree *c = NULL;
    LS_CHECK_OK(bo_kdtree_clone(t, &c));
    LS_CHECK(c && bo_kdtree_nearest(c, q + 5 * D, 0, off, NULL) == bo_kdtree_nearest(t, q + 5 * D, 0, off, NULL));
    bo_kdtree_destroy(c);
    bo_kdtree_destroy(t);
    /* All points identical: one leaf. */
    for (long i = 0; i < 40 * D; i++) x[i] = 0.5;
    LS_CHECK_OK(bo_kdtree_build(40, D, x, &t));
    LS_CHECK(t && bo_kdtree_nearest(t, q, 0, off, NULL) >= 0);
    bo_kdtree_destroy(t);
    LS_CHECK(bo_kdtree_build(0, D, x, &t) == LS_ERR_INPUT && t == NULL);
    ls_error_clear();
    free(x);
}

/* k >= n: every neighbour set holds every observation, the approximation is the exact GP
 * (mean, variance, kriging-believer fantasies, clone). */
static void test_nn_equals_exact(void)
{
    enum { N = 40, D = 3, M = 60 };
    double x[N * D], y[N], q[M * D], qy[M];
    make_data(N, D, x, y, 3);
    make_data(M, D, q, qy, 4);
    double theta[6] = {log(0.6), log(0.9), log(1.4), log(1.3), log(1e-3), 0.2};
    bo_gp *ex = NULL, *nn = NULL;
    LS_CHECK_OK(pair(D, N, x, y, 64, theta, &ex, &nn));
    if (!ex || !nn) return;
    LS_CHECK(bo_gp_approx(nn) == BO_GP_NN && bo_gp_approx(ex) == BO_GP_EXACT);
    double me[M], ve[M], mn[M], vn[M], sf2;
    bo_gp_hyper(ex, NULL, &sf2, NULL, NULL);
    double prior_var = sf2 * ex->y_sd * ex->y_sd;
    for (int f = 0; f <= 3; f++) {
        LS_CHECK_OK(bo_gp_predict(ex, M, q, me, ve));
        LS_CHECK_OK(bo_gp_predict(nn, M, q, mn, vn));
        double em = 0.0, ev = 0.0;
        for (int a = 0; a < M; a++) {
            em = fmax(em, fabs(me[a] - mn[a]) / (1.0 + fabs(me[a])));
            ev = fmax(ev, fabs(ve[a] - vn[a]) / prior_var);
        }
        LS_CHECK_MSG(em < 1e-9 && ev < 1e-10, "%d fantasies: mean rel. diff %.2e, variance diff %.2e of the prior "
                     "variance", f, em, ev);
        if (f == 3) break;
        double fe, fn; /* believe one more point in both models */
        LS_CHECK_OK(bo_gp_fantasize(ex, q + (7 * f + 1) * D, &fe));
        LS_CHECK_OK(bo_gp_fantasize(nn, q + (7 * f + 1) * D, &fn));
        LS_CHECK_NEAR(fe, fn, 1e-9 * (1.0 + fabs(fe)));
    }
    bo_gp *c = NULL;
    LS_CHECK_OK(bo_gp_clone(nn, &c));
    if (c) {
        double mc[M], vc[M];
        LS_CHECK_OK(bo_gp_predict(c, M, q, mc, vc));
        LS_CHECK(mc[9] == mn[9] && vc[9] == vn[9]);
    }
    bo_gp_destroy(c);
    /* Switching modes refactorises: the exact GP again. */
    LS_CHECK_OK(bo_gp_set_approx(nn, BO_GP_EXACT));
    LS_CHECK(bo_gp_approx(nn) == BO_GP_EXACT);
    LS_CHECK(bo_gp_set_approx(nn, 7) == LS_ERR_INPUT);
    ls_error_clear();
    bo_gp_destroy(ex);
    bo_gp_destroy(nn);
}

/* k < n: never more confident than the exact GP (a subset of the conditioning data), close to it
 * on a smooth function; fantasies leave means alone and only lower variances. */
static void test_nn_subset(void)
{
    enum { N = 400, D = 2, M = 300 };
    double *x = malloc(sizeof *x * N * D), y[N], q[M * D], qy[M];
    make_data(N, D, x, y, 8);
    make_data(M, D, q, qy, 9);
    double theta[5] = {log(0.5), log(0.5), log(1.0), log(1e-4), 0.0};
    bo_gp *ex = NULL, *nn = NULL;
    LS_CHECK_OK(pair(D, N, x, y, 24, theta, &ex, &nn));
    if (!ex || !nn) {
        free(x);
        return;
    }
    double me[M], ve[M], mn[M], vn[M], sd_y = 0.0, mu_y = 0.0;
    for (int i = 0; i < N; i++) mu_y += y[i] / N;
    for (int i = 0; i < N; i++) sd_y += (y[i] - mu_y) * (y[i] - mu_y) / N;
    sd_y = sqrt(sd_y);
    LS_CHECK_OK(bo_gp_predict(ex, M, q, me, ve));
    LS_CHECK_OK(bo_gp_predict(nn, M, q, mn, vn));
    int below = 0;
    double rms = 0.0;
    for (int a = 0; a < M; a++) {
        below += vn[a] < ve[a] * (1.0 - 1e-6) - 1e-12;
        rms += (mn[a] - me[a]) * (mn[a] - me[a]) / M;
    }
    rms = sqrt(rms);
    LS_CHECK_MSG(below == 0, "%d approximate variances below the exact GP's", below);
    LS_CHECK_MSG(rms < 0.01 * sd_y, "mean differs from the exact GP's by %.3g rms (target sd %.3g)", rms, sd_y);
    /* Fantasies: means stay; variances can only fall, and fall near the fantasy. */
    double m1[M], v1[M];
    for (int f = 0; f < 5; f++) LS_CHECK_OK(bo_gp_fantasize(nn, q + (11 * f) * D, NULL));
    LS_CHECK_OK(bo_gp_predict(nn, M, q, m1, v1));
    int rose = 0, moved = 0;
    for (int a = 0; a < M; a++) {
        rose += v1[a] > vn[a] * (1.0 + 1e-9) + 1e-15;
        moved += fabs(m1[a] - mn[a]) > 1e-9 * (1.0 + fabs(mn[a]));
    }
    LS_CHECK_MSG(rose == 0 && moved == 0, "after fantasies: %d variances rose, %d means moved", rose, moved);
    LS_CHECK(v1[0] < 0.5 * vn[0] && v1[11] < 0.5 * vn[11]);
    /* A fit in the approximate mode: finite hyperparameters inside the bounds, a good mean. */
    ls_rng r;
    ls_rng_seed(&r, 2);
    LS_CHECK_OK(bo_gp_fit(nn, 1, &r));
    LS_CHECK_OK(bo_gp_predict(nn, M, q, mn, vn));
    double err = 0.0;
    for (int a = 0; a < M; a++) err += (mn[a] - qy[a]) * (mn[a] - qy[a]) / M;
    LS_CHECK_MSG(sqrt(err) < 0.05 * sd_y, "fitted approximation: rms error %.3g (target sd %.3g)", sqrt(err), sd_y);
    bo_gp_destroy(ex);
    bo_gp_destroy(nn);
    free(x);
}

/* The automatic switch: exact below the stated size, the approximation above it. */
static void test_choose(void)
{
    bo_gp_options o;
    bo_gp_options_default(&o);
    LS_CHECK(bo_gp_approx_choose(&o, 100000, 1000000) == BO_GP_EXACT); /* explicit exact stays */
    o.approx = BO_GP_AUTO;
    LS_CHECK(bo_gp_approx_choose(&o, 600, 600) == BO_GP_EXACT); /* the pool benchmarks */
    LS_CHECK(bo_gp_approx_choose(&o, 500, 10000) == BO_GP_EXACT);
    LS_CHECK(bo_gp_approx_choose(&o, 1000, 100000) == BO_GP_NN);
    LS_CHECK(bo_gp_approx_choose(&o, 10000, 100) == BO_GP_NN);
    LS_CHECK(bo_gp_approx_choose(&o, 30, 10000000) == BO_GP_EXACT); /* n <= k: the same model */
    int a;
    LS_CHECK_OK(bo_gp_approx_find("nn", &a));
    LS_CHECK(a == BO_GP_NN);
    LS_CHECK(bo_gp_approx_find("sparse", &a) == LS_ERR_INPUT);
    ls_error_clear();
    o.approx = BO_GP_NN;
    o.nn_neighbors = 0;
    bo_gp *gp = NULL;
    LS_CHECK(bo_gp_create(2, &o, &gp) == LS_ERR_INPUT && gp == NULL);
    ls_error_clear();
}

/* The certified batch of bo_select_pool (a shortlist widened and continued when the bound
 * fails) equals the kriging believer over the whole pool, for the exact and the approximate GP;
 * the widening is seen in the debug log. */
static void test_batch_certified(void)
{
    enum { N = 3000, D = 2, NOBS = 60, Q = 8, CLUSTER = 400 };
    double *cand = malloc(sizeof *cand * N * D), *cy = malloc(sizeof *cy * N), xo[NOBS * D], yo[NOBS];
    unsigned char *avail = malloc(N);
    make_data(N, D, cand, cy, 21);
    memset(avail, 1, N);
    for (int i = 0; i < NOBS; i++) {
        long k = 7 + 41 * i;
        memcpy(xo + i * D, cand + k * D, sizeof *xo * D);
        yo[i] = cy[k];
        avail[k] = 0;
    }
    for (int pass = 0; pass < 2; pass++) {
        /* Pass 0: a pool without the cluster, its first choice t; pass 1: a tight cluster around
         * t fills the shortlist of 256, and once a member is chosen the rest fall below the bound. */
        bo_gp *gp = NULL;
        LS_CHECK_OK(bo_gp_create(D, NULL, &gp));
        if (!gp) return;
        LS_CHECK_OK(bo_gp_set_data(gp, NOBS, xo, yo, NULL));
        ls_rng r;
        ls_rng_seed(&r, 3);
        LS_CHECK_OK(bo_gp_fit(gp, 1, &r));
        bo_select_config c = {0};
        LS_CHECK_OK(bo_acquisition_find("ucb", &c.acq));
        c.params.kappa = 5.0;
        c.n_obj = 1, c.obj = &gp, c.n_obs = NOBS, c.x_obs = xo, c.y_obs = yo, c.q = 1;
        bo_choice ch;
        int nc = 0;
        LS_CHECK_OK(bo_select_pool(&c, pass ? N : N - CLUSTER, D, cand, avail, &r, &ch, NULL, &nc));
        bo_gp_destroy(gp);
        if (pass == 1) {
            LS_CHECK_MSG(ch.index >= N - CLUSTER, "the cluster is not first (%ld)", ch.index);
            break;
        }
        for (long i = N - CLUSTER; i < N; i++)
            cand[i * D] = cand[ch.index * D] + 1e-4 * (i % 20), cand[i * D + 1] = cand[ch.index * D + 1] + 1e-4 * (i / 20 % 20);
    }
    FILE *log = tmpfile();
    for (int mode = BO_GP_EXACT; mode <= BO_GP_NN && log; mode++) {
        bo_gp_options o;
        bo_gp_options_default(&o);
        o.approx = mode;
        o.nn_neighbors = 12;
        bo_gp *gp = NULL;
        LS_CHECK_OK(bo_gp_create(D, &o, &gp));
        if (!gp) break;
        LS_CHECK_OK(bo_gp_set_data(gp, NOBS, xo, yo, NULL));
        ls_rng r;
        ls_rng_seed(&r, 3);
        LS_CHECK_OK(bo_gp_fit(gp, 1, &r));
        bo_select_config c = {0};
        LS_CHECK_OK(bo_acquisition_find("ucb", &c.acq)); /* kappa 5: the far cluster leads */
        c.params.kappa = 5.0;
        c.n_obj = 1, c.obj = &gp, c.n_obs = NOBS, c.x_obs = xo, c.y_obs = yo, c.q = Q;
        bo_choice ch[Q];
        int nc = 0;
        ls_log_set_level(LS_LOG_DEBUG);
        ls_log_set_stream(log);
        LS_CHECK_OK(bo_select_pool(&c, N, D, cand, avail, &r, ch, NULL, &nc));
        ls_log_set_stream(NULL);
        ls_log_set_level(LS_LOG_INFO);
        /* Reference: every available candidate scored at every step. */
        bo_scorer s;
        LS_CHECK_OK(bo_scorer_create(&c, D, &s));
        double *score = malloc(sizeof *score * N);
        unsigned char *used = calloc(N, 1);
        int same = nc == Q;
        for (int j = 0; j < Q && same; j++) {
            LS_CHECK_OK(bo_scorer_score(&s, N, cand, score, NULL, NULL, NULL));
            long best = -1;
            for (long a = 0; a < N; a++)
                if (avail[a] && !used[a] && (best < 0 || score[a] > score[best])) best = a;
            same = best == ch[j].index;
            LS_CHECK_MSG(same, "model %d, choice %d: %ld, the full kriging believer %ld", mode, j + 1, ch[j].index, best);
            used[best] = 1;
            LS_CHECK_OK(bo_scorer_fantasize(&s, cand + best * D));
        }
        bo_scorer_free(&s);
        free(score), free(used);
        bo_gp_destroy(gp);
    }
    if (log) {
        char line[512];
        int widened = 0;
        rewind(log);
        while (fgets(line, sizeof line, log)) widened += strstr(line, "widening") != NULL;
        LS_CHECK_MSG(widened > 0, "the shortlist never widened: the test does not reach that path");
        fclose(log);
    }
    free(cand), free(cy), free(avail);
}

int main(void)
{
    LS_RUN(test_kdtree);
    LS_RUN(test_nn_equals_exact);
    LS_RUN(test_nn_subset);
    LS_RUN(test_choose);
    LS_RUN(test_batch_certified);
    return ls_test_summary("test_gp_nn");
}
