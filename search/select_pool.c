/* Choosing the next candidates from a discrete pool (see bo_select_pool in search.h).
 *
 * Every available candidate is scored once.  A batch continues by kriging believer on a
 * shortlist of the best candidates: max(256, 32 q) when the bound below applies, else
 * BO_SHORTLIST (all candidates in pools up to that size).
 * For acquisitions that cannot rise when the spread shrinks and the incumbent grows (EI,
 * UCB) and no constraints, a fantasy can only lower every score, so a shortlisted choice
 * whose score is still above the best score outside the shortlist is provably the exact
 * kriging-believer choice; otherwise the shortlist doubles and the batch goes on from that
 * choice (the earlier ones stay: they were certified).
 * Thompson batches draw q joint posterior samples over at most BO_TS_MAX candidates (the
 * best by mean + 3 sd when the pool is larger).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "search/select.h"

#define BO_SHORTLIST 4096
#define BO_TS_MAX 1500

struct ranked {
    double v;
    long i;
};

static int cmp_ranked(const void *a, const void *b)
{
    const struct ranked *p = a, *q = b;
    if (p->v != q->v) return p->v > q->v ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i ? 1 : 0; /* deterministic ties */
}

static void fill_choice(const bo_scorer *s, long idx, double score, const double *mean, const double *sd, double pf,
                        bo_choice *c)
{
    memset(c, 0, sizeof *c);
    c->index = idx;
    c->acq = score;
    for (int k = 0; k < s->cfg->n_obj; k++) c->mean[k] = mean[k], c->sd[k] = sd[k];
    c->p_feasible = pf;
}

/* Make r[0 .. t-1] the t best of r[0 .. n-1] in cmp_ranked order (r[0 .. done-1] already are):
 * a quickselect of the t - done best of the rest, then a sort of those alone.  The prefix equals
 * that of a full sort (cmp_ranked is a total order); a batch needs a few hundred of 10^6. */
static void rank_prefix(struct ranked *r, long n, long done, long t)
{
    if (t > n) t = n;
    if (t <= done) return;
    long lo = done, hi = n - 1;
    while (lo < hi) {
        /* Partition r[lo..hi] around the median of three; narrow to the side holding t - 1. */
        long mid = lo + (hi - lo) / 2;
        if (cmp_ranked(&r[mid], &r[lo]) < 0) { struct ranked w = r[mid]; r[mid] = r[lo]; r[lo] = w; }
        if (cmp_ranked(&r[hi], &r[lo]) < 0) { struct ranked w = r[hi]; r[hi] = r[lo]; r[lo] = w; }
        if (cmp_ranked(&r[hi], &r[mid]) < 0) { struct ranked w = r[hi]; r[hi] = r[mid]; r[mid] = w; }
        struct ranked piv = r[mid];
        long i = lo, j = hi;
        while (i <= j) {
            while (cmp_ranked(&r[i], &piv) < 0) i++;
            while (cmp_ranked(&piv, &r[j]) < 0) j--;
            if (i <= j) {
                struct ranked w = r[i];
                r[i] = r[j], r[j] = w;
                i++, j--;
            }
        }
        if (t - 1 <= j) hi = j;
        else if (t - 1 >= i) lo = i;
        else break;
    }
    qsort(r + done, (size_t)(t - done), sizeof *r, cmp_ranked);
}

/* Gather rows of cand listed in idx into x (m x dim). */
static void gather(const double *cand, int dim, const long *idx, long m, double *x)
{
    for (long a = 0; a < m; a++) memcpy(x + a * dim, cand + idx[a] * dim, sizeof *x * dim);
}

static int select_thompson(bo_scorer *s, long n_cand, int dim, const double *cand, const struct ranked *avail,
                           long n_avail, ls_rng *rng, bo_choice *chosen, double *x_chosen, int *n_chosen)
{
    int status = LS_OK, q = s->cfg->q, no = s->cfg->n_obj;
    long m = n_avail < BO_TS_MAX ? n_avail : BO_TS_MAX;
    struct ranked *r = malloc(sizeof *r * (size_t)n_avail);
    long *idx = malloc(sizeof *idx * (size_t)m);
    double *x = malloc(sizeof *x * (size_t)m * dim), *scores = malloc(sizeof *scores * (size_t)m * q);
    double *mean = NULL, *sd = NULL, *pf = NULL;
    (void)n_cand;
    if (!r || !idx || !x || !scores) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for Thompson sampling");
    memcpy(r, avail, sizeof *r * n_avail);
    if (m < n_avail) {
        /* avail[].v holds mean + 3 sd here. */
        qsort(r, (size_t)n_avail, sizeof *r, cmp_ranked);
    }
    for (long a = 0; a < m; a++) idx[a] = r[a].i;
    gather(cand, dim, idx, m, x);
    LS_TRY_GOTO(status, bo_scorer_thompson(s, m, x, q, rng, scores), done);
    mean = malloc(sizeof *mean * (size_t)m * no), sd = malloc(sizeof *sd * (size_t)m * no), pf = malloc(sizeof *pf * (size_t)m);
    if (!mean || !sd || !pf) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for Thompson sampling");
    LS_TRY_GOTO(status, bo_scorer_score(s, m, x, NULL, mean, sd, pf), done);
    *n_chosen = 0;
    for (int t = 0; t < q && *n_chosen < m; t++) {
        long best = -1;
        for (long a = 0; a < m; a++) {
            int used = 0;
            for (int j = 0; j < *n_chosen; j++) used |= chosen[j].index == idx[a];
            if (!used && (best < 0 || scores[(size_t)t * m + a] > scores[(size_t)t * m + best])) best = a;
        }
        fill_choice(s, idx[best], scores[(size_t)t * m + best], mean + best * no, sd + best * no, pf[best],
                    &chosen[*n_chosen]);
        if (x_chosen) memcpy(x_chosen + (size_t)(*n_chosen) * dim, x + best * dim, sizeof *x * dim);
        (*n_chosen)++;
    }
done:
    free(r), free(idx), free(x), free(scores), free(mean), free(sd), free(pf);
    return status;
}

/* Room for a shortlist of m rows (the first m_old kept). */
static int shortlist_grow(long m, int dim, int no, long **idx, double **x, double **score, double **mean, double **sd,
                          double **pf, unsigned char **used, long m_old)
{
    long *i2 = realloc(*idx, sizeof **idx * (size_t)m);
    if (i2) *idx = i2;
    double *x2 = realloc(*x, sizeof **x * (size_t)m * dim);
    if (x2) *x = x2;
    double *s2 = realloc(*score, sizeof **score * (size_t)m);
    if (s2) *score = s2;
    double *m2 = realloc(*mean, sizeof **mean * (size_t)m * no);
    if (m2) *mean = m2;
    double *d2 = realloc(*sd, sizeof **sd * (size_t)m * no);
    if (d2) *sd = d2;
    double *p2 = realloc(*pf, sizeof **pf * (size_t)m);
    if (p2) *pf = p2;
    unsigned char *u2 = realloc(*used, (size_t)m);
    if (u2) *used = u2;
    if (!i2 || !x2 || !s2 || !m2 || !d2 || !p2 || !u2) LS_ERROR(LS_ERR_NOMEM, "out of memory for a batch");
    memset(*used + m_old, 0, (size_t)(m - m_old));
    return LS_OK;
}

/* Kriging-believer batch on a shortlist r[0..m-1] of the ranked available candidates.  With
 * certify, a choice whose score is below the best unconditioned score outside the shortlist
 * (an upper bound of every outside score once fantasies can only lower them) doubles the
 * shortlist and that step is redone with the same fantasies: the choices made so far were
 * certified, so the batch goes on instead of starting again.  With certify the scores are also
 * updated lazily (the lazy greedy of Minoux, "Accelerated greedy algorithms for maximizing
 * submodular set functions", Optimization Techniques, LNCIS 7, 234 (1978)): a score from before
 * the last fantasy bounds the current one from above, so only the candidate on top is rescored,
 * until the top one is current; the choice is the one a rescoring of the whole shortlist gives
 * (the lowest shortlist row among equal scores). */
static int batch_on_shortlist(bo_scorer *s, const double *cand, int dim, struct ranked *r, long n_avail, long m0,
                              int certify, bo_choice *chosen, double *x_chosen, int *n_chosen)
{
    int status = LS_OK, q = s->cfg->q, no = s->cfg->n_obj;
    long m = m0 < n_avail ? m0 : n_avail, n_scored = 0;
    rank_prefix(r, n_avail, 0, m + 1); /* the shortlist and the best candidate outside it */
    long *idx = NULL;
    double *x = NULL, *score = NULL, *mean = NULL, *sd = NULL, *pf = NULL;
    unsigned char *used = NULL, *fresh = NULL;
    LS_TRY_GOTO(status, shortlist_grow(m, dim, no, &idx, &x, &score, &mean, &sd, &pf, &used, 0), done);
    fresh = calloc((size_t)n_avail, 1);
    if (fresh == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for a batch");
    for (long a = 0; a < m; a++) idx[a] = r[a].i;
    gather(cand, dim, idx, m, x);
    *n_chosen = 0;
    for (int j = 0; j < q && j < n_avail;) {
        if (!certify) n_scored = 0; /* every score again after each fantasy */
        if (n_scored < m) {
            long k = n_scored;
            LS_TRY_GOTO(status, bo_scorer_score(s, m - k, x + k * dim, score + k, mean + k * no, sd + k * no, pf + k),
                        done);
            memset(fresh + k, 1, (size_t)(m - k));
            n_scored = m;
        }
        long best;
        for (;;) {
            best = -1;
            for (long a = 0; a < m; a++)
                if (!used[a] && (best < 0 || score[a] > score[best])) best = a;
            if (best < 0 || fresh[best]) break;
            LS_TRY_GOTO(status, bo_scorer_score(s, 1, x + best * dim, score + best, mean + best * no, sd + best * no,
                                                pf + best), done);
            fresh[best] = 1;
        }
        if (certify && m < n_avail && (best < 0 || score[best] < r[m].v)) {
            long m2 = 2 * m < n_avail ? 2 * m : n_avail;
            ls_log_debug("batch selection: choice %d not provably exact on a shortlist of %ld, widening to %ld", j + 1,
                         m, m2);
            rank_prefix(r, n_avail, m + 1, m2 + 1);
            LS_TRY_GOTO(status, shortlist_grow(m2, dim, no, &idx, &x, &score, &mean, &sd, &pf, &used, m), done);
            for (long a = m; a < m2; a++) idx[a] = r[a].i;
            gather(cand, dim, idx + m, m2 - m, x + m * dim);
            m = m2;
            continue;
        }
        if (best < 0) break;
        used[best] = 1;
        fill_choice(s, idx[best], score[best], mean + best * no, sd + best * no, pf[best], &chosen[j]);
        if (x_chosen) memcpy(x_chosen + (size_t)j * dim, x + best * dim, sizeof *x * dim);
        *n_chosen = j + 1;
        if (j + 1 < q) {
            LS_TRY_GOTO(status, bo_scorer_fantasize(s, x + best * dim), done);
            memset(fresh, 0, (size_t)m);
        }
        j++;
    }
done:
    free(idx), free(x), free(score), free(mean), free(sd), free(pf), free(used), free(fresh);
    return status;
}

int bo_select_pool(const bo_select_config *cfg, long n_cand, int dim, const double *cand,
                   const unsigned char *available, ls_rng *rng, bo_choice *chosen, double *x_chosen, int *n_chosen)
{
    int status = LS_OK, no = cfg->n_obj;
    bo_scorer s;
    struct ranked *r = NULL;
    double *score = NULL, *mean = NULL, *sd = NULL, *pf = NULL;
    *n_chosen = 0;
    long n_avail = 0;
    for (long i = 0; i < n_cand; i++) n_avail += available[i] != 0;
    if (n_avail == 0) return LS_OK;
    LS_TRY(bo_scorer_create(cfg, dim, &s));
    r = malloc(sizeof *r * (size_t)n_avail);
    score = malloc(sizeof *score * (size_t)n_cand);
    mean = malloc(sizeof *mean * (size_t)n_cand * no);
    sd = malloc(sizeof *sd * (size_t)n_cand * no);
    pf = malloc(sizeof *pf * (size_t)n_cand);
    if (!r || !score || !mean || !sd || !pf) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory scoring the pool");
    /* Score all candidates (unavailable ones too: simpler than gathering 100k rows). */
    LS_TRY_GOTO(status, bo_scorer_score(&s, n_cand, cand, score, mean, sd, pf), done);
    if (cfg->max_log_ei && no == 1) {
        /* EI of every available candidate from the same predictions (cheap: no new model). */
        const bo_acquisition *ei = NULL;
        LS_TRY_GOTO(status, bo_acquisition_find("ei", &ei), done);
        double best = -INFINITY;
        if (cfg->n_con == 0 || s.have_feasible)
            for (long i = 0; i < n_cand; i++)
                if (available[i]) {
                    double v = ei->score(mean[i], sd[i], &s.params) + (cfg->n_con ? log(pf[i]) : 0.0);
                    best = v > best ? v : best;
                }
        *cfg->max_log_ei = best > -INFINITY ? best : NAN;
    }
    long k = 0;
    for (long i = 0; i < n_cand; i++)
        if (available[i]) {
            r[k].v = cfg->acq->thompson ? mean[i * no] + 3.0 * sd[i * no] : score[i];
            r[k++].i = i;
        }
    if (cfg->acq->thompson) {
        status = select_thompson(&s, n_cand, dim, cand, r, n_avail, rng, chosen, x_chosen, n_chosen);
        goto done;
    }
    if (cfg->q == 1) {
        long best = 0;
        for (long a = 1; a < n_avail; a++)
            if (r[a].v > r[best].v) best = a;
        long i = r[best].i;
        fill_choice(&s, i, score[i], mean + i * no, sd + i * no, pf[i], &chosen[0]);
        if (x_chosen) memcpy(x_chosen, cand + i * dim, sizeof *x_chosen * dim);
        *n_chosen = 1;
        goto done;
    }
    int certify = cfg->acq->decreases_with_sd && cfg->n_con == 0 && cfg->n_obj == 1;
    /* With the certificate a short list usually suffices; it doubles when it does not. */
    long m0 = certify ? (32L * cfg->q > 256 ? 32L * cfg->q : 256) : BO_SHORTLIST;
    bo_scorer fresh;
    LS_TRY_GOTO(status, bo_scorer_create(cfg, dim, &fresh), done);
    status = batch_on_shortlist(&fresh, cand, dim, r, n_avail, m0, certify, chosen, x_chosen, n_chosen);
    bo_scorer_free(&fresh);
done:
    bo_scorer_free(&s);
    free(r), free(score), free(mean), free(sd), free(pf);
    return status;
}
