/* Tests for the acquisition functions, the hypervolume, EHVI and the selectors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/test.h"
#include "search/mo.h"
#include "search/bench.h"

static double ref_log_h(double z) /* long double reference, fine down to z = -30 */
{
    long double zl = z, cdf = 0.5L * erfcl(-zl / sqrtl(2.0L)), pdf = expl(-0.5L * zl * zl) / sqrtl(2.0L * M_PI);
    return (double)logl(zl * cdf + pdf);
}

static void test_log_h(void)
{
    const double zs[] = {3.7, 0.385, 0.0, -0.999, -1.0, -1.001, -2.385, -7.5, -15.0, -25.0};
    for (size_t i = 0; i < sizeof zs / sizeof *zs; i++)
        LS_CHECK_MSG(fabs(bo_log_h(zs[i]) - ref_log_h(zs[i])) < 1e-9 * (1 + fabs(ref_log_h(zs[i]))), "z=%g: %.15g vs %.15g",
                     zs[i], bo_log_h(zs[i]), ref_log_h(zs[i]));
    /* Continuity at the switch to the asymptotic series, monotone, and finite far out
     * (EI must not vanish numerically): h(z) ~ phi(z)/z^2 for z -> -inf. */
    LS_CHECK_NEAR(bo_log_h(-40.0 + 1e-9), bo_log_h(-40.0 - 1e-9), 1e-7);
    double prev = -INFINITY;
    for (double z = -200.0; z < 5.0; z += 0.37) {
        double v = bo_log_h(z);
        LS_CHECK(isfinite(v) && v > prev);
        prev = v;
    }
    double z = -1e3, asym = -0.5 * z * z - 0.5 * log(2 * M_PI) - 2.0 * log(-z);
    LS_CHECK_NEAR(bo_log_h(z), asym, 1e-5);
    LS_CHECK_NEAR(bo_log_ndtr(-40.0), (double)logl(0.5L * erfcl(40.0L / sqrtl(2.0L))), 1e-9);
    LS_CHECK_NEAR(bo_log_ndtr(-3.0), log(0.5 * erfc(3.0 / M_SQRT2)), 1e-14);
    LS_CHECK(isfinite(bo_log_ndtr(-1e3)));
}

static void test_ei_closed_form(void)
{
    const bo_acquisition *ei;
    LS_CHECK_OK(bo_acquisition_find("ei", &ei));
    bo_acq_params p = {1.0, 2.0, 0.0};
    double mu = 1.2, sd = 0.7, zz = (mu - 1.0) / sd;
    double ref = sd * (zz * 0.5 * erfc(-zz / M_SQRT2) + exp(-0.5 * zz * zz) / sqrt(2 * M_PI));
    LS_CHECK_NEAR(exp(ei->score(mu, sd, &p)), ref, 1e-14);
    const bo_acquisition *x;
    LS_CHECK(bo_acquisition_find("nonsense", &x) == LS_ERR_INPUT);
}

/* Every acquisition with a score: better mean -> no worse score (strictly better where the
 * score is not saturated); more spread -> no worse score for those declaring
 * decreases_with_sd, and for all of them below the incumbent. */
static void test_acq_battery(void)
{
    bo_acq_params p = {0.5, 2.0, 0.0};
    for (int i = 0; bo_acquisitions[i]; i++) {
        const bo_acquisition *a = bo_acquisitions[i];
        if (a->score == NULL) continue;
        for (double mu = -3.0; mu <= 3.0; mu += 0.77)
            for (double sd = 0.05; sd <= 3.0; sd *= 1.9) {
                int central = fabs(mu - p.best) < 2.0 * sd;
                double s0 = a->score(mu, sd, &p), s1 = a->score(mu + 0.1, sd, &p), s2 = a->score(mu, sd * 1.3, &p);
                /* Saturated scores may differ by rounding only (a few ulps). */
                double ulps = 1e-15 * fabs(s0);
                LS_CHECK_MSG(central ? s1 > s0 : s1 >= s0 - ulps, "%s mean at mu=%g sd=%g", a->name, mu, sd);
                if (a->decreases_with_sd || mu < p.best)
                    LS_CHECK_MSG(central ? s2 > s0 : s2 >= s0 - ulps, "%s sd at mu=%g sd=%g", a->name, mu, sd);
            }
        /* A better incumbent never raises an improvement-based score. */
        if (a->log_form) {
            bo_acq_params p2 = p;
            p2.best = 0.9;
            LS_CHECK(a->score(0.4, 0.3, &p2) < a->score(0.4, 0.3, &p));
        }
    }
}

/* Exact hypervolume against counting grid cells (brute force). */
static double hv_brute(long n, int m, const double *y, const double *ref)
{
    /* Grid from all coordinates; a cell counts if some point dominates its upper corner. */
    double c[3][64];
    int nc[3];
    for (int d = 0; d < m; d++) {
        nc[d] = 0;
        c[d][nc[d]++] = ref[d];
        for (long i = 0; i < n; i++) c[d][nc[d]++] = y[i * m + d];
        for (int a = 1; a < nc[d]; a++)
            for (int b = a; b > 0 && c[d][b] < c[d][b - 1]; b--) {
                double t = c[d][b];
                c[d][b] = c[d][b - 1];
                c[d][b - 1] = t;
            }
    }
    double vol = 0.0;
    int i3max = m == 3 ? nc[2] - 1 : 1;
    for (int i0 = 0; i0 + 1 < nc[0]; i0++)
        for (int i1 = 0; i1 + 1 < nc[1]; i1++)
            for (int i2 = 0; i2 < i3max; i2++) {
                double up[3] = {c[0][i0 + 1], c[1][i1 + 1], m == 3 ? c[2][i2 + 1] : 0};
                double lo[3] = {c[0][i0], c[1][i1], m == 3 ? c[2][i2] : 0};
                int in = lo[0] >= ref[0] && lo[1] >= ref[1] && (m < 3 || lo[2] >= ref[2]);
                int dom = 0;
                for (long i = 0; i < n && in && !dom; i++) {
                    int ok = 1;
                    for (int d = 0; d < m; d++) ok &= y[i * m + d] >= up[d];
                    dom = ok;
                }
                if (dom) vol += (up[0] - lo[0]) * (up[1] - lo[1]) * (m == 3 ? up[2] - lo[2] : 1.0);
            }
    return vol;
}

static void test_hypervolume(void)
{
    ls_rng r;
    ls_rng_seed(&r, 7);
    for (int m = 2; m <= 3; m++)
        for (int trial = 0; trial < 5; trial++) {
            long n = 12;
            double y[36], ref[3] = {0.1, -0.2, 0.05};
            for (long i = 0; i < n * m; i++) y[i] = ls_rng_uniform(&r) * 2.385 - 0.3;
            LS_CHECK_NEAR(bo_hypervolume(n, m, y, ref), hv_brute(n, m, y, ref), 1e-12);
        }
    /* Pareto front of a small set. */
    double y[] = {1, 5, 2, 4, 2, 3, 0, 6, 1, 5, 3, 1};
    long idx[6];
    long k = bo_pareto_front(6, 2, y, idx);
    LS_CHECK(k == 4 && idx[0] == 0 && idx[1] == 1 && idx[2] == 3 && idx[3] == 5);
    double ref[2] = {0, 0};
    /* (0, 6) is not above the reference in the first objective; strips of (1,5), (2,4), (3,1). */
    LS_CHECK_NEAR(bo_hypervolume(6, 2, y, ref), 1 * 5 + 1 * 4 + 1 * 1, 1e-12);
}

/* EHVI against Monte Carlo with the exact hypervolume: E[HV(P + Y) - HV(P)]. */
static void test_ehvi_mc(void)
{
    ls_rng r;
    ls_rng_seed(&r, 11);
    for (int m = 2; m <= 3; m++) {
        long n = 6;
        double front[24], ref[3] = {0, 0, 0}, all[27];
        for (long i = 0; i < n * m; i++) front[i] = 0.2 + ls_rng_uniform(&r);
        double mean[3] = {0.9, 0.7, 0.8}, sd[3] = {0.3, 0.45, 0.2};
        bo_ehvi e;
        LS_CHECK_OK(bo_ehvi_prepare(&e, m, n, front, ref));
        double exact = bo_ehvi_eval(&e, mean, sd);
        bo_ehvi_free(&e);
        double hv0 = bo_hypervolume(n, m, front, ref), s = 0, s2 = 0;
        long ns = 40000;
        memcpy(all, front, sizeof *front * n * m);
        for (long t = 0; t < ns; t++) {
            for (int d = 0; d < m; d++) all[n * m + d] = mean[d] + sd[d] * ls_rng_normal(&r);
            double v = bo_hypervolume(n + 1, m, all, ref) - hv0;
            s += v, s2 += v * v;
        }
        double mc = s / ns, se = sqrt((s2 / ns - mc * mc) / ns);
        LS_CHECK_MSG(fabs(exact - mc) < 4 * se + 1e-12, "m=%d exact %g mc %g se %g", m, exact, mc, se);
        LS_CHECK(exact > 0);
    }
}

/* Noise-free 1-D data on a pool: batches have no duplicates, skip unavailable rows, and
 * reproduce with the same seed. */
static void make_pool(long N, double *cand)
{
    for (long i = 0; i < N; i++) cand[i] = -2.0 + 4.0 * i / (N - 1);
}

static double f1(double x) { return sin(3.0 * x) + 0.5 * x; }

static void test_select_pool(void)
{
    enum { N = 301, NOBS = 7 };
    double cand[N], xo[NOBS], yo[NOBS];
    make_pool(N, cand);
    unsigned char avail[N];
    memset(avail, 1, sizeof avail);
    for (int i = 0; i < NOBS; i++) {
        long k = 17 + 41 * i;
        xo[i] = cand[k], yo[i] = f1(cand[k]);
        avail[k] = 0;
    }
    bo_gp *gp = NULL;
    LS_CHECK_OK(bo_gp_create(1, NULL, &gp));
    if (!gp) return;
    LS_CHECK_OK(bo_gp_set_data(gp, NOBS, xo, yo, NULL));
    ls_rng r;
    ls_rng_seed(&r, 5);
    LS_CHECK_OK(bo_gp_fit(gp, 2, &r));
    const char *names[] = {"ei", "pi", "ucb", "ts"};
    for (int a = 0; a < 4; a++) {
        bo_select_config c = {0};
        LS_CHECK_OK(bo_acquisition_find(names[a], &c.acq));
        c.params.kappa = 2.0;
        c.n_obj = 1;
        c.obj = &gp;
        c.n_obs = NOBS, c.x_obs = xo, c.y_obs = yo;
        c.q = 6;
        bo_choice ch1[6], ch2[6];
        int n1 = 0, n2 = 0;
        ls_rng_seed(&r, 99);
        LS_CHECK_OK(bo_select_pool(&c, N, 1, cand, avail, &r, ch1, NULL, &n1));
        ls_rng_seed(&r, 99);
        LS_CHECK_OK(bo_select_pool(&c, N, 1, cand, avail, &r, ch2, NULL, &n2));
        LS_CHECK(n1 == 6 && n2 == 6);
        for (int j = 0; j < n1; j++) {
            LS_CHECK_MSG(avail[ch1[j].index], "%s picked an unavailable row", names[a]);
            LS_CHECK(ch1[j].index == ch2[j].index && ch1[j].acq == ch2[j].acq);
            for (int k = 0; k < j; k++) LS_CHECK_MSG(ch1[j].index != ch1[k].index, "%s duplicate", names[a]);
        }
        /* Pending points are never suggested again. */
        double pend[2] = {cand[ch1[0].index], cand[ch1[1].index]};
        unsigned char av2[N];
        memcpy(av2, avail, sizeof av2);
        av2[ch1[0].index] = av2[ch1[1].index] = 0;
        c.n_pending = 2, c.x_pending = pend, c.q = 3;
        bo_choice ch3[3];
        int n3 = 0;
        LS_CHECK_OK(bo_select_pool(&c, N, 1, cand, av2, &r, ch3, NULL, &n3));
        for (int j = 0; j < n3; j++) LS_CHECK(ch3[j].index != ch1[0].index && ch3[j].index != ch1[1].index);
    }
    /* With 3 rows left and q = 6 only 3 come back. */
    unsigned char few[N];
    memset(few, 0, sizeof few);
    few[3] = few[100] = few[200] = 1;
    bo_select_config c = {0};
    LS_CHECK_OK(bo_acquisition_find("ei", &c.acq));
    c.n_obj = 1, c.obj = &gp, c.n_obs = NOBS, c.x_obs = xo, c.y_obs = yo, c.q = 6;
    bo_choice ch[6];
    int nc = 0;
    LS_CHECK_OK(bo_select_pool(&c, N, 1, cand, few, &r, ch, NULL, &nc));
    LS_CHECK(nc == 3);
    /* Configuration errors. */
    LS_CHECK_OK(bo_acquisition_find("ehvi", &c.acq));
    LS_CHECK(bo_select_pool(&c, N, 1, cand, avail, &r, ch, NULL, &nc) == LS_ERR_UNSUPPORTED);
    bo_gp_destroy(gp);
}

/* A constraint c(x) = x <= -0.5 moves EI's choice into the feasible part. */
static void test_constraint(void)
{
    enum { N = 201, NOBS = 8 };
    double cand[N], xo[NOBS], yo[NOBS], co[NOBS];
    make_pool(N, cand);
    unsigned char avail[N];
    memset(avail, 1, sizeof avail);
    for (int i = 0; i < NOBS; i++) {
        long k = 5 + 25 * i;
        xo[i] = cand[k], yo[i] = xo[i], co[i] = xo[i]; /* objective grows with x: unconstrained best at x = 2 */
        avail[k] = 0;
    }
    bo_gp *g[2] = {NULL, NULL};
    ls_rng r;
    ls_rng_seed(&r, 2);
    for (int k = 0; k < 2; k++) {
        LS_CHECK_OK(bo_gp_create(1, NULL, &g[k]));
        LS_CHECK_OK(bo_gp_set_data(g[k], NOBS, xo, k ? co : yo, NULL));
        LS_CHECK_OK(bo_gp_fit(g[k], 2, &r));
    }
    double bound = -0.5;
    bo_select_config c = {0};
    LS_CHECK_OK(bo_acquisition_find("ei", &c.acq));
    c.n_obj = 1, c.obj = g, c.n_con = 1, c.con = g + 1, c.con_bound = &bound;
    c.n_obs = NOBS, c.x_obs = xo, c.y_obs = yo, c.c_obs = co, c.q = 1;
    bo_choice ch;
    int n = 0;
    LS_CHECK_OK(bo_select_pool(&c, N, 1, cand, avail, &r, &ch, NULL, &n));
    LS_CHECK(n == 1);
    LS_CHECK_MSG(cand[ch.index] <= -0.4 && ch.p_feasible > 0.5, "chosen x = %g, p_feasible %g", cand[ch.index], ch.p_feasible);
    c.n_con = 0;
    LS_CHECK_OK(bo_select_pool(&c, N, 1, cand, avail, &r, &ch, NULL, &n));
    LS_CHECK(cand[ch.index] > 1.0);
    /* UCB cannot combine with constraints. */
    c.n_con = 1;
    LS_CHECK_OK(bo_acquisition_find("ucb", &c.acq));
    LS_CHECK(bo_select_pool(&c, N, 1, cand, avail, &r, &ch, NULL, &n) == LS_ERR_UNSUPPORTED);
    bo_gp_destroy(g[0]);
    bo_gp_destroy(g[1]);
}

/* Box search: a batch of 3 distinct points inside the box, reproducible. */
static void test_select_box(void)
{
    double xo[5] = {0.1, 0.35, 0.5, 0.8, 0.95}, yo[5];
    for (int i = 0; i < 5; i++) yo[i] = -(xo[i] - 0.62) * (xo[i] - 0.62);
    bo_gp *gp = NULL;
    LS_CHECK_OK(bo_gp_create(1, NULL, &gp));
    if (!gp) return;
    LS_CHECK_OK(bo_gp_set_data(gp, 5, xo, yo, NULL));
    ls_rng r;
    ls_rng_seed(&r, 1);
    LS_CHECK_OK(bo_gp_fit(gp, 2, &r));
    bo_select_config c = {0};
    LS_CHECK_OK(bo_acquisition_find("ei", &c.acq));
    c.n_obj = 1, c.obj = &gp, c.n_obs = 5, c.x_obs = xo, c.y_obs = yo, c.q = 3;
    double lo = 0.0, hi = 1.0, x1[3], x2[3];
    bo_choice ch[3];
    ls_rng_seed(&r, 4);
    LS_CHECK_OK(bo_select_box(&c, 1, &lo, &hi, 200, &r, ch, x1));
    ls_rng_seed(&r, 4);
    LS_CHECK_OK(bo_select_box(&c, 1, &lo, &hi, 200, &r, ch, x2));
    for (int j = 0; j < 3; j++) {
        LS_CHECK(x1[j] >= 0.0 && x1[j] <= 1.0 && x1[j] == x2[j]);
        for (int k = 0; k < j; k++) LS_CHECK(fabs(x1[j] - x1[k]) > 1e-6);
    }
    LS_CHECK_MSG(fabs(x1[0] - 0.62) < 0.1, "first EI choice %g, optimum 0.62", x1[0]);
    bo_gp_destroy(gp);
}

/* Grouping identical rows of a benchmark pool (bo_pool_from_rows): the mean of the distinct y values. */
static void test_pool_rows(void)
{
    double x[] = {1, 2, 1, 2, 3, 4, 1, 2}, y[] = {5, 7, 1, 5};
    long np;
    double *xp = NULL, *yp = NULL;
    LS_CHECK_OK(bo_pool_from_rows(4, 2, x, y, &np, &xp, &yp));
    LS_CHECK(np == 2 && xp[0] == 1 && yp[0] == 6.0 && yp[1] == 1.0);
    free(xp);
    free(yp);
}

int main(void)
{
    LS_RUN(test_log_h);
    LS_RUN(test_ei_closed_form);
    LS_RUN(test_acq_battery);
    LS_RUN(test_hypervolume);
    LS_RUN(test_ehvi_mc);
    LS_RUN(test_select_pool);
    LS_RUN(test_constraint);
    LS_RUN(test_select_box);
    LS_RUN(test_pool_rows);
    return ls_test_summary("test_acq");
}
