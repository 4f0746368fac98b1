/* bo_suggest and bo_observed_front (search/suggest.c): one ask/tell decision in memory.
 *  - A pool on a line with a smooth objective: a batch of 3 distinct candidates, none observed,
 *    pending or a repeat of an identical candidate; the first next to the best observation.
 *  - Minimising y is maximising -y: the same choices, the means reported in y's own sign.
 *  - A constraint c <= bound: the choice is feasible, p_feasible reported.
 *  - Fewer than two observations: uniformly random (acquisition "random", NaN predictions),
 *    reproducible from the seed.
 *  - Two objectives: EHVI by default; the observed front of the feasible observations.
 *  - Errors: non-finite observations naming the row, a batch of 0, no features.
 *  - Defaults: UCB with the dim-scaled prior for one objective, EI with constraints, EHVI for
 *    several; k = 64 neighbours for the nearest-neighbour GP; the largest log EI reported whatever the acquisition.
 *  - Exclusion at size (10^5 candidates x 1001 observations, beyond the 10^8 comparisons up to
 *    which every pair used to be compared): a candidate equal to an observation to rounding but
 *    not next to it in the sorted order is excluded, and only it. */
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "search/search.h"

#define NC 41

static double f(double x) { return exp(-(x - 0.63) * (x - 0.63) / 0.05) + 0.3 * x; }

struct pool {
    double x_cand[NC + 2], x_obs[8], y_obs[8 * 2], c_obs[8], x_pend[1];
};

static void make_pool(struct pool *p, int n_obj)
{
    for (int i = 0; i < NC; i++) p->x_cand[i] = 2.385 * i / (NC - 1) - 0.7;
    p->x_cand[NC] = p->x_cand[10];     /* a repeat of candidate 10 */
    p->x_cand[NC + 1] = p->x_cand[NC - 1]; /* a repeat of the last */
    const int obs[6] = {0, 8, 17, 25, 33, 40};
    for (int k = 0; k < 6; k++) {
        double x = p->x_cand[obs[k]];
        p->x_obs[k] = x;
        p->y_obs[k * n_obj] = f(x);
        if (n_obj == 2) p->y_obs[k * 2 + 1] = x * x; /* to be minimised */
        p->c_obs[k] = x;                             /* c <= bound: x small enough */
    }
    p->x_pend[0] = p->x_cand[21];
}

static void test_batch_and_exclusions(void)
{
    struct pool p;
    make_pool(&p, 1);
    bo_problem pb = {.dim = 1, .n_obj = 1, .maximise = {1}};
    bo_data d = {.n_cand = NC + 2, .x_cand = p.x_cand, .n_obs = 6, .x_obs = p.x_obs, .y_obs = p.y_obs,
                 .n_pending = 1, .x_pending = p.x_pend};
    bo_suggest_options opt;
    bo_suggest_options_default(&opt);
    opt.q = 3;
    opt.acquisition = "ei"; /* the measured first choice below is EI's, by maximum likelihood */
    opt.gp.prior = BO_GP_PRIOR_NONE;
    ls_rng rng;
    ls_rng_seed(&rng, 11);
    bo_suggest_result r;
    LS_CHECK_OK(bo_suggest(&pb, &d, &opt, &rng, &r));
    LS_CHECK(r.n == 3 && strcmp(r.acquisition, "ei") == 0 && r.log_form && r.n_available == NC - 7);
    for (int j = 0; j < r.n; j++) {
        long i = r.items[j].index;
        LS_CHECK(i >= 0 && i < NC && i != 0 && i != 8 && i != 17 && i != 25 && i != 33 && i != 40 && i != 21);
        for (int k = 0; k < j; k++) LS_CHECK(r.items[k].index != i);
        LS_CHECK(isfinite(r.items[j].mean[0]) && r.items[j].sd[0] > 0 && r.items[j].p_feasible == 1.0);
    }
    /* The best observation is x = 0.791 (f 0.834); the first choice lies between its observed
     * neighbours 0.314 and 1.268 (measured: 0.910). */
    LS_CHECK_MSG(p.x_cand[r.items[0].index] > 0.314 && p.x_cand[r.items[0].index] < 1.268,
                 "first choice at x = %g, outside (0.314, 1.268)", p.x_cand[r.items[0].index]);
    /* Minimising -f: the same choices, the mean in the objective's own sign. */
    double neg[6];
    for (int k = 0; k < 6; k++) neg[k] = -p.y_obs[k];
    bo_problem pm = pb;
    pm.maximise[0] = 0;
    bo_data dm = d;
    dm.y_obs = neg;
    ls_rng_seed(&rng, 11);
    bo_suggest_result rm;
    LS_CHECK_OK(bo_suggest(&pm, &dm, &opt, &rng, &rm));
    LS_CHECK(rm.n == 3);
    for (int j = 0; j < 3 && j < rm.n; j++) {
        LS_CHECK(rm.items[j].index == r.items[j].index);
        LS_CHECK_NEAR(rm.items[j].mean[0], -r.items[j].mean[0], 1e-9 * (1 + fabs(r.items[j].mean[0])));
    }
    bo_suggest_result_free(&rm);
    bo_suggest_result_free(&r);
}

static void test_constraint_and_random(void)
{
    struct pool p;
    make_pool(&p, 1);
    bo_problem pb = {.dim = 1, .n_obj = 1, .maximise = {1}, .n_con = 1, .con_upper = {1}, .con_bound = {0.3}};
    bo_data d = {.n_cand = NC, .x_cand = p.x_cand, .n_obs = 6, .x_obs = p.x_obs, .y_obs = p.y_obs, .c_obs = p.c_obs};
    bo_suggest_options opt;
    bo_suggest_options_default(&opt);
    ls_rng rng;
    ls_rng_seed(&rng, 3);
    bo_suggest_result r;
    LS_CHECK_OK(bo_suggest(&pb, &d, &opt, &rng, &r));
    LS_CHECK(r.n == 1 && r.items[0].p_feasible > 0 && r.items[0].p_feasible <= 1);
    LS_CHECK_MSG(p.x_cand[r.items[0].index] <= 0.3 + 0.06, "choice at x = %g, feasible only below 0.3",
                 p.x_cand[r.items[0].index]);
    bo_suggest_result_free(&r);
    /* One observation: random, reproducible. */
    d.n_obs = 1;
    long first[2];
    for (int t = 0; t < 2; t++) {
        ls_rng_seed(&rng, 99);
        LS_CHECK_OK(bo_suggest(&pb, &d, &opt, &rng, &r));
        LS_CHECK(r.n == 1 && strcmp(r.acquisition, "random") == 0 && isnan(r.items[0].mean[0]) && isnan(r.items[0].acq));
        first[t] = r.items[0].index;
        LS_CHECK(first[t] != 0);
        bo_suggest_result_free(&r);
    }
    LS_CHECK(first[0] == first[1]);
}

static void test_two_objectives_and_front(void)
{
    struct pool p;
    make_pool(&p, 2);
    bo_problem pb = {.dim = 1, .n_obj = 2, .maximise = {1, 0}, .n_con = 1, .con_upper = {1}, .con_bound = {1.0}};
    bo_data d = {.n_cand = NC, .x_cand = p.x_cand, .n_obs = 6, .x_obs = p.x_obs, .y_obs = p.y_obs, .c_obs = p.c_obs};
    bo_suggest_options opt;
    bo_suggest_options_default(&opt);
    opt.q = 2;
    ls_rng rng;
    ls_rng_seed(&rng, 5);
    bo_suggest_result r;
    LS_CHECK_OK(bo_suggest(&pb, &d, &opt, &rng, &r));
    LS_CHECK(r.n == 2 && strcmp(r.acquisition, "ehvi") == 0 && isfinite(r.items[1].mean[1]));
    bo_suggest_result_free(&r);
    /* Observations x = -0.700, -0.223, 0.314, 0.791, 1.268, 1.685 (the last two infeasible, x > 1);
     * maximise f (-0.21, -0.067, 0.229, 0.834), minimise x^2 (0.49, 0.050, 0.098, 0.625): -0.700 is
     * dominated by -0.223 (larger f, smaller x^2); the other three are the front. */
    long idx[6], n_front, n_feasible;
    LS_CHECK_OK(bo_observed_front(&pb, &d, idx, &n_front, &n_feasible));
    LS_CHECK(n_feasible == 4);
    int on[6] = {0};
    for (long k = 0; k < n_front; k++) on[idx[k]] = 1;
    LS_CHECK_MSG(n_front == 3 && on[1] && on[2] && on[3] && !on[0], "front of %ld points", n_front);
}

static void test_errors(void)
{
    struct pool p;
    make_pool(&p, 1);
    bo_problem pb = {.dim = 1, .n_obj = 1, .maximise = {1}};
    bo_data d = {.n_cand = NC, .x_cand = p.x_cand, .n_obs = 6, .x_obs = p.x_obs, .y_obs = p.y_obs};
    bo_suggest_options opt;
    bo_suggest_options_default(&opt);
    ls_rng rng;
    ls_rng_seed(&rng, 1);
    bo_suggest_result r;
    p.y_obs[4] = NAN;
    LS_CHECK(bo_suggest(&pb, &d, &opt, &rng, &r) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "observation 5: objective 1 is not a finite number"));
    bo_suggest_result_free(&r);
    p.y_obs[4] = 0.5;
    opt.q = 0;
    LS_CHECK(bo_suggest(&pb, &d, &opt, &rng, &r) == LS_ERR_INPUT && strstr(ls_error_message(), "a batch of 0"));
    opt.q = 1;
    pb.dim = 0;
    LS_CHECK(bo_suggest(&pb, &d, &opt, &rng, &r) == LS_ERR_INPUT && strstr(ls_error_message(), "0 encoded features"));
    pb.dim = 1;
    opt.acquisition = "nope";
    LS_CHECK(bo_suggest(&pb, &d, &opt, &rng, &r) == LS_ERR_INPUT);
    bo_suggest_result_free(&r);
}

/* The defaults (validation/bo/README.md, "Defaults"): UCB (kappa 2) with the dim-scaled prior for one
 * objective, EI with constraints, EHVI for several; the largest log EI reported whatever the
 * acquisition (the same GP: the same fit draws), equal to EI's own first score. */
static void test_defaults(void)
{
    LS_CHECK(strcmp(bo_suggest_default_acquisition(1, 0), "ucb") == 0);
    LS_CHECK(strcmp(bo_suggest_default_acquisition(1, 2), "ei") == 0);
    LS_CHECK(strcmp(bo_suggest_default_acquisition(2, 0), "ehvi") == 0);
    struct pool p;
    make_pool(&p, 1);
    bo_problem pb = {.dim = 1, .n_obj = 1, .maximise = {1}};
    bo_data d = {.n_cand = NC + 2, .x_cand = p.x_cand, .n_obs = 6, .x_obs = p.x_obs, .y_obs = p.y_obs,
                 .n_pending = 1, .x_pending = p.x_pend};
    bo_suggest_options opt;
    bo_suggest_options_default(&opt);
    LS_CHECK(opt.acquisition == NULL && opt.gp.prior == BO_GP_PRIOR_DIM_SCALED && opt.kappa == 2.0 &&
             opt.gp.nn_neighbors == 64);
    ls_rng rng;
    ls_rng_seed(&rng, 3);
    bo_suggest_result r, re;
    LS_CHECK_OK(bo_suggest(&pb, &d, &opt, &rng, &r));
    LS_CHECK(r.n == 1 && strcmp(r.acquisition, "ucb") == 0 && !r.log_form && isfinite(r.max_log_ei));
    if (r.n == 1) LS_CHECK_NEAR(r.items[0].acq, r.items[0].mean[0] + 2.0 * r.items[0].sd[0], 1e-12);
    opt.acquisition = "ei";
    ls_rng_seed(&rng, 3);
    LS_CHECK_OK(bo_suggest(&pb, &d, &opt, &rng, &re));
    LS_CHECK(re.n == 1 && re.log_form);
    if (re.n == 1) LS_CHECK_NEAR(r.max_log_ei, re.items[0].acq, 1e-12);
    LS_CHECK_NEAR(re.max_log_ei, r.max_log_ei, 1e-12);
    bo_suggest_result_free(&r);
    bo_suggest_result_free(&re);
    /* With a constraint the default is EI. */
    pb.n_con = 1, pb.con_upper[0] = 1, pb.con_bound[0] = 1.0;
    d.c_obs = p.c_obs;
    opt.acquisition = NULL;
    LS_CHECK_OK(bo_suggest(&pb, &d, &opt, &rng, &r));
    LS_CHECK(strcmp(r.acquisition, "ei") == 0 && r.log_form);
    bo_suggest_result_free(&r);
}

static void test_exclusion_at_size(void)
{
    const long N = 100000, n = 1001;
    double *xc = malloc(sizeof *xc * 2 * N), *xo = malloc(sizeof *xo * 2 * n), *yo = malloc(sizeof *yo * n);
    LS_CHECK(xc && xo && yo);
    if (!xc || !xo || !yo) goto done;
    ls_rng rng;
    ls_rng_seed(&rng, 5);
    /* Random candidates with first features away from 0.5; observations elsewhere. */
    for (long i = 0; i < N; i++) {
        double u = ls_rng_uniform(&rng);
        xc[2 * i] = u < 0.5 ? 0.4 * u : 0.6 + 0.4 * (u - 0.5);
        xc[2 * i + 1] = ls_rng_uniform(&rng);
    }
    for (long i = 0; i < n - 1; i++) {
        xo[2 * i] = 2.0 + ls_rng_uniform(&rng);
        xo[2 * i + 1] = ls_rng_uniform(&rng);
    }
    xo[2 * (n - 1)] = 0.5, xo[2 * (n - 1) + 1] = 0.5;
    for (long i = 0; i < n; i++) yo[i] = sin(3.0 * xo[2 * i]) + xo[2 * i + 1];
    /* Candidate 7 equals the last observation to rounding; candidate 8 sorts between them. */
    xc[14] = 0.5 - 1e-12, xc[15] = 0.5;
    xc[16] = 0.5 - 5e-13, xc[17] = 0.9;
    bo_problem pb = {.dim = 2, .n_obj = 1, .maximise = {1}};
    bo_data d = {.n_cand = N, .x_cand = xc, .n_obs = n, .x_obs = xo, .y_obs = yo};
    bo_suggest_options opt;
    bo_suggest_options_default(&opt);
    bo_suggest_result r;
    LS_CHECK_OK(bo_suggest(&pb, &d, &opt, &rng, &r));
    LS_CHECK(r.n_available == N - 1 && r.n == 1 && r.items[0].index != 7);
    bo_suggest_result_free(&r);
done:
    free(xc), free(xo), free(yo);
}

int main(void)
{
    ls_log_set_level(LS_LOG_ERROR);
    LS_RUN(test_batch_and_exclusions);
    LS_RUN(test_constraint_and_random);
    LS_RUN(test_two_objectives_and_front);
    LS_RUN(test_errors);
    LS_RUN(test_defaults);
    LS_RUN(test_exclusion_at_size);
    return ls_test_summary("test_bo_suggest");
}
