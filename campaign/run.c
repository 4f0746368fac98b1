/* `campaign run`: create or resume a campaign and run its rounds until the budget is spent,
 * the candidates are exhausted, or the loop has converged or stalled.
 *
 * One round: propose a batch (campaign/propose.c) and record it with its evaluations (one
 * transaction), then verify each candidate: every magnetic start by the evaluator, each run's
 * result file written and then recorded, the candidate's result and the derived properties
 * (formation energies, hull) in one transaction.  Rounds are synchronous by default: round r + 1
 * is proposed from the results of rounds 1..r only, so a resumed campaign proposes what an
 * uninterrupted one would.  With overlapping rounds (launcher mode and the MPI task farm,
 * campaign/farm.h) the next batch is proposed as soon as a job slot is free, the evaluations
 * still running as pending points.  The reference phases are evaluated first (round 0).
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "campaign/campaign.h"
#include "campaign/farm.h"
#include "campaign/launcher.h"
#include "campaign/references.h"
#include "campaign/propose.h"
#include "campaign/screen.h"
#include "campaign/start.h"
#include "campaign/store_eval.h"
#include "common/err.h"
#include "common/log.h"
#include "common/stop.h"
#include "common/textio.h"

void campaign_run_options_default(struct campaign_run_options *o)
{
    memset(o, 0, sizeof *o);
    o->overlap = -1;
}

const char *campaign_state_name(enum campaign_state s)
{
    switch (s) {
    case CAMPAIGN_BUDGET: return "budget exhausted";
    case CAMPAIGN_EXHAUSTED: return "every candidate evaluated";
    case CAMPAIGN_CONVERGED: return "converged";
    case CAMPAIGN_STALLED: return "stalled";
    default: return "running";
    }
}

/* ------------------------------------------------------------------ heartbeat thread */

struct heartbeat {
    pthread_t thread;
    atomic_int stop;
    atomic_llong eval_id;
    atomic_llong progress;
    atomic_int progressed; /* set by the progress hooks: write the marker now, not at the next beat */
    double period_s;
    char path[4096];
    int pid;
    int started;
};

static void *heartbeat_main(void *arg)
{
    struct heartbeat *hb = arg;
    ls_db *db = NULL;
    if (ls_db_open(hb->path, 0, &db) != LS_OK) return NULL;
    double next = 0;
    while (!atomic_load(&hb->stop)) {
        double now = campaign_unix_now();
        if (now >= next || atomic_exchange(&hb->progressed, 0)) {
            long long id = atomic_load(&hb->eval_id), pr = atomic_load(&hb->progress);
            /* Failures here are not fatal: the main thread's own writes report real trouble. */
            if (ls_db_begin(db) == LS_OK) {
                ls_db_run(db, "UPDATE runner SET heartbeat = ?1 WHERE id = 1 AND pid = ?2", "di", now, (long long)hb->pid);
                if (id > 0)
                    ls_db_run(db,
                              "UPDATE evaluation SET heartbeat = ?1, progress = max(progress, ?2) WHERE id = ?3 AND "
                              "state = 'running'",
                              "dii", now, pr, id);
                if (ls_db_commit(db) != LS_OK) ls_db_rollback(db);
            }
            next = now + hb->period_s;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    ls_db_close(db);
    return NULL;
}

static void heartbeat_start(struct heartbeat *hb, const campaign_store *st, double period_s)
{
    memset(hb, 0, sizeof *hb);
    snprintf(hb->path, sizeof hb->path, "%s", st->path);
    hb->pid = st->pid;
    hb->period_s = period_s;
    atomic_store(&hb->stop, 0);
    atomic_store(&hb->eval_id, 0);
    atomic_store(&hb->progress, 0);
    atomic_store(&hb->progressed, 0);
    hb->started = pthread_create(&hb->thread, NULL, heartbeat_main, hb) == 0;
    if (!hb->started) ls_log_warn("campaign: no heartbeat thread (pthread_create failed)");
}

static void heartbeat_stop(struct heartbeat *hb)
{
    if (!hb->started) return;
    atomic_store(&hb->stop, 1);
    pthread_join(hb->thread, NULL);
    hb->started = 0;
}

/* ------------------------------------------------------------------ one evaluation */

struct run_ctx {
    const struct campaign_run_options *opt;
    const struct campaign_config *cfg;
    campaign_store *st;
    const struct campaign_candidate_list *cands, *refs;
    const struct campaign_evaluator *ev;
    struct heartbeat hb;
    double t_start, c_start;
    int n_evaluated;
    int overlap; /* overlapping rounds (run_rounds) */
};


/* The evaluators' progress hooks (campaign/evaluator.h): the marker only grows. */
static void progress_note(void *ctx, long long progress)
{
    struct heartbeat *hb = ctx;
    long long now = atomic_load(&hb->progress);
    while (progress > now && !atomic_compare_exchange_weak(&hb->progress, &now, progress)) {
    }
    atomic_store(&hb->progressed, 1);
}

static void progress_saved(void *ctx)
{
    struct heartbeat *hb = ctx;
    atomic_fetch_add(&hb->progress, 1);
    atomic_store(&hb->progressed, 1);
}

/* Compute (or recover from its file) one start; record it. */
static int run_start(struct run_ctx *rc, long long eval_id, const struct campaign_candidate *c, int k)
{
    const char *order = campaign_order_name(c->starts[k].order);
    char hash[65], state[16];
    LS_TRY(campaign_start_hash(rc->cfg, c, k, hash));
    long long run_id = 0;
    LS_TRY(campaign_store_run_get(rc->st, eval_id, order, hash, &run_id, state));
    if (strcmp(state, "pending")) return LS_OK; /* done or failed earlier */
    const struct campaign_start_ctx x = {rc->cfg,          rc->ev,           rc->st->work_dir, rc->st->pid,
                                         rc->opt->n_threads, rc->opt->verbose, progress_note,    progress_saved,
                                         &rc->hb,            NULL,             rc->cfg->launcher.enabled};
    struct campaign_eval_output out;
    int from_file = 0;
    int status = campaign_start_compute(&x, c, k, hash, &out, &from_file);
    if (status != LS_OK) return status;
    if (from_file) {
        char result[4300];
        campaign_start_result_path(rc->st->work_dir, hash, result, sizeof result);
        ls_log_info("campaign: %s, %s start: result read from %s", c->name, order, result);
        campaign_store_event(rc->st, -1, "recovered", "%s %s start: result file %s imported", c->name, order, result);
    }
    status = campaign_store_run_record(rc->st, run_id, hash, rc->ev->name, rc->opt->n_threads, &out);
    if (status == LS_OK) {
        campaign_run_log(rc->st->work_dir, rc->st->pid, out.ok ? "recorded" : "recorded-failure", hash, c->name, order);
        if (out.ok)
            ls_log_info("campaign: %s, %s start: %.6f eV/atom, %.3f muB/atom (%s), %d relaxation steps, %.1f s", c->name,
                        order, out.energy_ev / out.n_atom, out.total_moment_mub / out.n_atom,
                        campaign_order_found(out.n_atom, out.moments_mub), out.n_relax_steps, out.wall_s);
        else
            ls_log_warn("campaign: %s, %s start failed: %s", c->name, order, out.reason);
    }
    progress_note(&rc->hb, (k + 1) * CAMPAIGN_PROGRESS_START);
    campaign_eval_output_clear(&out);
    return status;
}

static int evaluate_one(struct run_ctx *rc, long long eval_id, long long cand_id, int round)
{
    const struct campaign_candidate *c = campaign_space_candidate(rc->cands, rc->refs, cand_id);
    if (!c) LS_ERROR(LS_ERR_INPUT, "%s: evaluation %lld names candidate %lld, which this campaign does not have",
                     rc->st->path, eval_id, cand_id);
    long long progress_before = 0;
    LS_TRY(campaign_store_eval_begin(rc->st, eval_id, &progress_before));
    atomic_store(&rc->hb.progress, progress_before);
    atomic_store(&rc->hb.eval_id, eval_id);
    ls_log_info("campaign: round %d: verifying %s (%d magnetic start%s)", round, c->name, c->n_start,
                c->n_start == 1 ? "" : "s");
    int status = LS_OK;
    for (int k = 0; k < c->n_start && status == LS_OK; k++) status = run_start(rc, eval_id, c, k);
    atomic_store(&rc->hb.eval_id, 0);
    if (status == LS_ERR_INTERRUPTED) {
        int s2 = campaign_store_eval_requeue(rc->st, eval_id, "stopped by a signal; resumes from its checkpoints");
        if (s2 != LS_OK) return s2;
        LS_ERROR(LS_ERR_INTERRUPTED,
                 "stopped by a signal while verifying %s; its state is saved: run the same 'lodestone campaign run' "
                 "command again to resume",
                 c->name);
    }
    if (status != LS_OK) {
        /* A failure of the program or machine, not of the candidate: leave it to be resumed. */
        char msg[LS_ERROR_MESSAGE_MAX];
        snprintf(msg, sizeof msg, "%s", ls_error_message());
        int code = ls_error_code();
        campaign_store_eval_requeue(rc->st, eval_id, msg);
        ls_error_set(code, __FILE__, __LINE__, "%s", msg);
        return status;
    }
    LS_TRY(campaign_store_eval_finish(rc->st, eval_id, c, round));
    rc->n_evaluated++;
    return LS_OK;
}

/* The launcher's record hook (campaign/launcher.h): every start has its result file. */
static int record_evaluation(void *ctx, long long eval_id, long long cand_id, int round)
{
    return evaluate_one(ctx, eval_id, cand_id, round);
}

/* ------------------------------------------------------------------ rounds */

/* Best feasible value of the first objective (its own sense), and its candidate. */
static void best_feasible(const struct campaign_config *cfg, const struct campaign_observations *obs, double *best,
                          long long *cand)
{
    *best = NAN;
    *cand = 0;
    for (int i = 0; i < obs->n; i++) {
        int ok = 1;
        for (int k = 0; k < cfg->n_con && ok; k++) {
            double v = obs->prop[i][cfg->con[k].prop];
            ok = isfinite(v) && (cfg->con[k].upper ? v <= cfg->con[k].bound : v >= cfg->con[k].bound);
        }
        double y = obs->prop[i][cfg->obj[0].prop];
        if (!ok || !isfinite(y)) continue;
        if (isnan(*best) || (cfg->obj[0].maximise ? y > *best : y < *best)) {
            *best = y;
            *cand = obs->candidate_id[i];
        }
    }
}

/* Rounds since the best value last improved (by more than 1e-9). */
static int rounds_without_improvement(campaign_store *st, int last_round)
{
    ls_db_stmt *q = NULL;
    if (ls_db_query(st->db, &q, "SELECT best_value FROM round WHERE finished_utc IS NOT NULL ORDER BY id DESC", NULL) !=
        LS_OK)
        return 0;
    int row = 0, n = 0;
    double latest = NAN;
    while (ls_db_next(q, &row) == LS_OK && row) {
        double v = ls_db_col_double(q, 0);
        if (n == 0) latest = v;
        else if (!(isfinite(v) && isfinite(latest) && fabs(v - latest) <= 1e-9) && !(isnan(v) && isnan(latest))) break;
        n++;
    }
    ls_db_finalize(q);
    (void)last_round;
    return n - 1 > 0 ? n - 1 : 0;
}

static int close_round(struct run_ctx *rc, int round, double max_ei)
{
    struct campaign_observations obs;
    LS_TRY(campaign_store_observations(rc->st, &obs));
    double best = NAN;
    long long cand = 0;
    best_feasible(rc->cfg, &obs, &best, &cand);
    campaign_observations_free(&obs);
    char verdict[256];
    const struct campaign_candidate *c = campaign_space_candidate(rc->cands, rc->refs, cand);
    snprintf(verdict, sizeof verdict, "round %d finished: best feasible %s %.4g %s (%s)", round,
             campaign_property_name(rc->cfg->obj[0].prop), best, campaign_property_unit(rc->cfg->obj[0].prop),
             c ? c->name : "none yet");
    LS_TRY(campaign_store_round_close(rc->st, round, best, cand, max_ei, verdict));
    ls_log_info("campaign: %s", verdict);
    return LS_OK;
}

static int work_proposed(struct run_ctx *rc)
{
    long long *ev = NULL, *cd = NULL;
    int n = 0;
    LS_TRY(campaign_store_work(rc->st, &ev, &cd, &n));
    int status = LS_OK;
    for (int i = 0; i < n && status == LS_OK; i++) {
        if (ls_stop_requested()) {
            status = ls_error_set(LS_ERR_INTERRUPTED, __FILE__, __LINE__,
                                  "stopped by a signal between evaluations; run 'lodestone campaign run' again to resume");
            break;
        }
        long long round = 0;
        LS_TRY_GOTO(status, ls_db_get_int(rc->st->db, &round, NULL, "SELECT round_id FROM evaluation WHERE id = ?1", "i",
                                          ev[i]),
                    done);
        status = evaluate_one(rc, ev[i], cd[i], (int)round);
    }
done:
    free(ev), free(cd);
    return status;
}

/* Decide and open the next round, or say why the campaign ends. */
/* A proposal in three steps: prepare (the store read: budget, what is available, the surrogate,
 * the observations and pending points), compute (the search alone, no store: it may run in a
 * thread of its own while the leader goes on collecting results), commit (the stop rules and the
 * new round, written). */
struct proposal_job {
    int last, round, q, spent;
    long long model_id;
    unsigned char *avail;
    struct campaign_observations obs;
    long long *pend;
    int n_pend;
    struct campaign_proposal *p;
    int n_p;
    char method[32];
    double max_ei;
    /* compute in a thread */
    const struct run_ctx *rc;
    pthread_t thread;
    int threaded;
    atomic_int done;
    int status, err_code;
    char err[LS_ERROR_MESSAGE_MAX];
};

static void proposal_free(struct proposal_job *j)
{
    if (!j) return;
    campaign_observations_free(&j->obs);
    free(j->avail);
    free(j->pend);
    free(j->p);
    free(j);
}

/* *job = NULL with *state set when nothing is to be proposed (budget, candidates). */
static int round_prepare(struct run_ctx *rc, int last, enum campaign_state *state, struct proposal_job **job)
{
    const struct campaign_config *cfg = rc->cfg;
    *job = NULL;
    int spent = 0, pending = 0;
    LS_TRY(campaign_store_counts(rc->st, &spent, &pending));
    if (spent + pending >= cfg->budget_evals) {
        *state = CAMPAIGN_BUDGET;
        return LS_OK;
    }
    if (cfg->budget_wall_s > 0 && ls_wall_time() - rc->t_start >= cfg->budget_wall_s) {
        *state = CAMPAIGN_BUDGET;
        return LS_OK;
    }
    struct proposal_job *j = calloc(1, sizeof *j);
    if (j) j->avail = malloc((size_t)rc->cands->n + 1);
    if (!j || !j->avail) {
        proposal_free(j);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    j->last = last;
    j->spent = spent;
    j->max_ei = NAN;
    j->rc = rc;
    int n_avail = 0, status = LS_OK;
    LS_TRY_GOTO(status, campaign_store_available(rc->st, rc->cands->n, j->avail, &n_avail), fail);
    if (n_avail == 0) {
        *state = CAMPAIGN_EXHAUSTED;
        goto fail;
    }
    j->round = last + 1;
    j->q = j->round == 1 ? cfg->n_initial : cfg->batch_size;
    /* Overlapping rounds: a batch holds at least one evaluation per job slot (MPI group), so that
     * one search keeps every slot fed while the next is computed. */
    if (rc->overlap && j->q < cfg->launcher.max_jobs) j->q = cfg->launcher.max_jobs;
    if (j->q > cfg->budget_evals - spent - pending) j->q = cfg->budget_evals - spent - pending;
    if (j->q > n_avail) j->q = n_avail;
    /* The surrogate: (re)train on the DFT frames so far, then screen what is still available. */
    int n_screened = 0;
    LS_TRY_GOTO(status, campaign_surrogate_update(cfg, rc->st, j->round, &j->model_id), fail);
    LS_TRY_GOTO(status, campaign_surrogate_screen(cfg, rc->st, rc->cands, j->model_id, j->round, j->avail, &n_screened),
                fail);
    if (n_screened) {
        n_avail -= n_screened;
        if (j->q > n_avail) j->q = n_avail;
        if (j->q == 0) {
            ls_log_info("campaign: every remaining candidate is predicted unstable by the trusted surrogate");
            *state = CAMPAIGN_EXHAUSTED;
            goto fail;
        }
    }
    j->p = calloc((size_t)j->q, sizeof *j->p);
    if (!j->p) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
    LS_TRY_GOTO(status, campaign_store_observations(rc->st, &j->obs), fail);
    LS_TRY_GOTO(status, campaign_store_pending(rc->st, &j->pend, &j->n_pend), fail);
    *job = j;
    return LS_OK;
fail:
    proposal_free(j);
    return status;
}

static int round_compute(struct proposal_job *j)
{
    const struct run_ctx *rc = j->rc;
    return campaign_propose(rc->cfg, rc->cands, &j->obs, j->pend, j->n_pend, j->avail, j->q, j->round, j->p, &j->n_p,
                            j->method, &j->max_ei);
}

static void *round_compute_main(void *arg)
{
    struct proposal_job *j = arg;
    j->status = round_compute(j);
    if (j->status != LS_OK) {
        j->err_code = ls_error_code();
        snprintf(j->err, sizeof j->err, "%s", ls_error_message());
    }
    atomic_store(&j->done, 1);
    return NULL;
}

static int round_commit(struct run_ctx *rc, struct proposal_job *j, enum campaign_state *state, int *opened)
{
    const struct campaign_config *cfg = rc->cfg;
    *opened = 0;
    double best = NAN;
    long long best_c = 0;
    best_feasible(cfg, &j->obs, &best, &best_c);
    /* Converged: the model expects less than `tolerance` of the best from any candidate. */
    if (j->spent >= cfg->min_converge_evals && isfinite(j->max_ei) && isfinite(best) &&
        j->max_ei < cfg->converge_tol * fmax(fabs(best), 1e-12)) {
        *state = CAMPAIGN_CONVERGED;
        ls_log_info("campaign: converged: the best expected improvement, %.3g %s, is below %g of the best (%.4g)",
                    j->max_ei, campaign_property_unit(cfg->obj[0].prop), cfg->converge_tol, best);
        return LS_OK;
    }
    if (cfg->strategy == CAMPAIGN_STRATEGY_BO && j->last >= 2 &&
        rounds_without_improvement(rc->st, j->last) >= cfg->stall_rounds) {
        *state = CAMPAIGN_STALLED;
        ls_log_info("campaign: stalled: no improvement of the best in %d rounds, although the model still expects "
                    "some (%.3g); raise the budget or stop/stall_rounds to go on",
                    cfg->stall_rounds, j->max_ei);
        return LS_OK;
    }
    const char *acq = cfg->strategy != CAMPAIGN_STRATEGY_BO ? "none" : cfg->n_obj > 1 ? "ehvi" : "ei";
    LS_TRY(campaign_store_round_open(rc->st, j->round, j->method, acq, j->n_p, j->p, j->model_id));
    ls_log_info("campaign: round %d: %d candidate%s proposed by %s (%d spent of %d)%s", j->round, j->n_p,
                j->n_p == 1 ? "" : "s", j->method, j->spent, cfg->budget_evals,
                j->n_pend ? " while evaluations run" : "");
    *opened = 1;
    return LS_OK;
}

/* Decide and open the next round, or say why the campaign ends (all in this thread). */
static int next_round(struct run_ctx *rc, int last, enum campaign_state *state, int *opened)
{
    *opened = 0;
    struct proposal_job *j = NULL;
    LS_TRY(round_prepare(rc, last, state, &j));
    if (!j) return LS_OK;
    int status = round_compute(j);
    if (status == LS_OK) status = round_commit(rc, j, state, opened);
    proposal_free(j);
    return status;
}

/* ------------------------------------------------------------------ the run */

/* Close every round whose evaluations are all resolved (with overlapping rounds an earlier
 * round may end after a later one opened). */
static int close_finished_rounds(struct run_ctx *rc, int *n_closed)
{
    for (;;) {
        int r = 0;
        LS_TRY(campaign_store_round_closable(rc->st, &r));
        if (r == 0) return LS_OK;
        LS_TRY(close_round(rc, r, NAN));
        (*n_closed)++;
    }
}

/* Wait for a proposal computed in its thread; its status (and error) back in this thread. */
static int proposal_join(struct proposal_job *j)
{
    if (!j->threaded) return LS_OK;
    pthread_join(j->thread, NULL);
    j->threaded = 0;
    if (j->status != LS_OK) return ls_error_set(j->err_code, __FILE__, __LINE__, "%s", j->err);
    return LS_OK;
}

/* The rounds: verify what is proposed, close finished rounds, propose the next, until the
 * campaign ends.  With overlap (launcher mode and the farm only) the next batch is proposed as
 * soon as a job slot is free, the search running in a thread of its own while the leader goes
 * on collecting results and handing out what is already proposed. */
static int run_rounds(struct run_ctx *rc, const struct campaign_launch *launch_in, int overlap,
                      enum campaign_state *state)
{
    struct campaign_launch launch = *launch_in;
    int rounds_this_run = 0, no_more = 0, status = LS_OK;
    rc->overlap = overlap;
    struct proposal_job *pj = NULL; /* a proposal under way (overlap) */
    for (;;) {
        int hungry = 0;
        launch.overlap = overlap && !no_more && !pj;
        launch.ready = pj ? &pj->done : NULL;
        LS_TRY_GOTO(status, rc->cfg->launcher.enabled ? campaign_launcher_work(&launch, &hungry) : work_proposed(rc),
                    out);
        LS_TRY_GOTO(status, close_finished_rounds(rc, &rounds_this_run), out);
        if (pj) {
            if (!atomic_load(&pj->done)) continue; /* the jobs are all collected; the search is not done */
            LS_TRY_GOTO(status, proposal_join(pj), out);
            int opened = 0;
            LS_TRY_GOTO(status, round_commit(rc, pj, state, &opened), out);
            proposal_free(pj);
            pj = NULL;
            if (!opened) no_more = 1;
            continue;
        }
        if (no_more) break;
        if (rc->opt->max_rounds > 0 && rounds_this_run >= rc->opt->max_rounds) {
            if (!hungry) break;
            no_more = 1; /* collect what runs, propose nothing more */
            continue;
        }
        int last = 0, finished = 1;
        LS_TRY_GOTO(status, campaign_store_last_round(rc->st, &last, &finished), out);
        if (hungry) {
            /* Prepare here (the store), search in a thread, commit when it is done. */
            LS_TRY_GOTO(status, round_prepare(rc, last, state, &pj), out);
            if (!pj) {
                no_more = 1;
                continue;
            }
            if (pthread_create(&pj->thread, NULL, round_compute_main, pj) == 0) {
                pj->threaded = 1;
            } else {
                LS_TRY_GOTO(status, round_compute(pj), out);
                atomic_store(&pj->done, 1);
            }
            continue;
        }
        int opened = 0;
        LS_TRY_GOTO(status, next_round(rc, last, state, &opened), out);
        if (!opened) break;
    }
out:
    if (pj) {
        int s2 = proposal_join(pj);
        if (status == LS_OK) status = s2;
        proposal_free(pj);
    }
    return status;
}

int campaign_run(const struct campaign_run_options *o, struct campaign_outcome *out)
{
    memset(out, 0, sizeof *out);
    struct campaign_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    struct campaign_candidate_list cands = {0}, refs = {0};
    campaign_store *st = NULL;
    struct campaign_farm *farm = NULL;
    char *yaml = NULL;
    size_t yaml_len = 0;
    struct run_ctx rc;
    memset(&rc, 0, sizeof rc);
    int status = LS_OK, locked = 0;
    /* From the start, a stop signal only sets a flag (checked between steps and in the DFT). */
    ls_stop_install();
    /* Everything that can be refused is checked before the database is touched (on every
     * process of an MPI run: they read the same file). */
    LS_TRY_GOTO(status, campaign_config_read(o->config_path, cfg), done);
    LS_TRY_GOTO(status, ls_file_read_all(o->config_path, &yaml, &yaml_len), done);
    LS_TRY_GOTO(status, campaign_space_make(cfg, &cands, &refs), done);
    int group_size = o->group_size > 0 ? o->group_size : ls_par_size() > 1 ? ls_par_size() : 0;
    if (group_size > 0) {
        if (cfg->launcher.enabled)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done,
                          "%s: has a launcher section, and this run is an MPI task farm (--group-size, or mpirun): "
                          "use one or the other (remove the launcher section, or run without mpirun)",
                          cfg->path);
        LS_TRY_GOTO(status, campaign_farm_open(group_size, &farm), done);
        if (!campaign_farm_is_leader(farm)) {
            status = campaign_farm_serve(farm, cfg, &cands, &refs, o->n_threads, o->verbose);
            goto done;
        }
        LS_TRY_GOTO(status, campaign_farm_serve_start(farm, cfg, &cands, &refs, o->n_threads, o->verbose), done);
    }
    LS_TRY_GOTO(status, campaign_store_open(o->db_path, 0, &st), done);
    if (o->program_version && o->program_version[0]) snprintf(st->version, sizeof st->version, "%s", o->program_version);
    if (o->git_revision && o->git_revision[0]) snprintf(st->git, sizeof st->git, "%s", o->git_revision);
    LS_TRY_GOTO(status, campaign_store_lock(st, cfg->stale_s), done);
    locked = 1;
    int n_changed = 0;
    LS_TRY_GOTO(status, campaign_store_sync_settings(st, cfg, yaml, &n_changed), done);
    LS_TRY_GOTO(status, campaign_store_sync_candidates(st, &cands, &refs, cfg), done);
    int n_lost = 0, n_fail = 0;
    LS_TRY_GOTO(status, campaign_store_recover(st, cfg->max_attempts, &n_lost, &n_fail), done);
    if (n_lost) ls_log_info("campaign: %d interrupted evaluation%s resumed, %d given up", n_lost, n_lost == 1 ? "" : "s",
                            n_fail);
    if (farm) {
        int n_stale = 0;
        LS_TRY_GOTO(status, campaign_farm_forget_stale(st, &n_stale), done);
        if (n_stale) ls_log_info("campaign: %d job%s of a previous MPI run given up on and handed out again", n_stale,
                                 n_stale == 1 ? "" : "s");
        /* The farm runs through launcher mode's machinery, one job slot per group. */
        memset(&cfg->launcher, 0, sizeof cfg->launcher);
        cfg->launcher.enabled = 1;
        cfg->launcher.max_jobs = campaign_farm_groups(farm);
        cfg->launcher.poll_s = 1.0;
    }
    LS_TRY_GOTO(status, campaign_store_event(st, -1, "start", "campaign run by process %d on %s (%d settings changed)%s",
                                             st->pid, st->host, n_changed, farm ? ", MPI task farm" : ""),
                done);
    ls_log_info("campaign: %s: %d candidates, %d reference phases, database %s", cfg->name, cands.n, refs.n, st->path);
    if (farm)
        ls_log_info("campaign: MPI task farm: %d group%s of %d process%s", campaign_farm_groups(farm),
                    campaign_farm_groups(farm) == 1 ? "" : "s", group_size, group_size == 1 ? "" : "es");
    rc.opt = o;
    rc.cfg = cfg;
    rc.st = st;
    rc.cands = &cands;
    rc.refs = &refs;
    rc.ev = campaign_evaluator_for(cfg->calculator);
    rc.t_start = ls_wall_time();
    rc.c_start = ls_cpu_time();
    heartbeat_start(&rc.hb, st, cfg->heartbeat_s);
    /* Round 0: the reference phases. */
    LS_TRY_GOTO(status, campaign_store_references_propose(st, cands.n, refs.n), stop);
    enum campaign_state state = CAMPAIGN_RUNNING;
    const struct campaign_launch launch = {st, cfg, &cands, &refs, o->n_threads, record_evaluation, &rc, farm, 0, NULL};
    int overlap = o->overlap < 0 ? farm != NULL : o->overlap;
    LS_TRY_GOTO(status, run_rounds(&rc, &launch, overlap && cfg->launcher.enabled, &state), stop);
    out->state = state;
    out->n_rounds = 0;
    {
        int last = 0, finished = 0;
        if (campaign_store_last_round(st, &last, &finished) == LS_OK) out->n_rounds = last;
        int spent = 0, pending = 0;
        campaign_store_counts(st, &spent, &pending);
        long long nf = 0;
        ls_db_get_int(st->db, &nf, NULL,
                      "SELECT count(*) FROM evaluation e JOIN candidate c ON c.id = e.candidate_id WHERE c.role = 'search' "
                      "AND e.state = 'failed'",
                      NULL);
        out->n_failed = (int)nf;
        out->n_done = spent - (int)nf;
    }
    out->n_evaluated_this_run = rc.n_evaluated;
    /* The leader's own cost (in a farm this process also serves group 0: its computations count). */
    ls_log_info("campaign: this run recorded %d evaluations in %.1f s wall; this process used %.2f s CPU", rc.n_evaluated,
                ls_wall_time() - rc.t_start, ls_cpu_time() - rc.c_start);
    snprintf(out->verdict, sizeof out->verdict, "%s after %d rounds: %d candidates verified, %d failed",
             campaign_state_name(state), out->n_rounds, out->n_done, out->n_failed);
    campaign_store_event(st, -1, "stop", "%s", out->verdict);
stop:
    heartbeat_stop(&rc.hb);
    if (status == LS_ERR_INTERRUPTED) {
        campaign_store_event(st, -1, "interrupted", "stopped by a signal; the state is saved");
        snprintf(out->verdict, sizeof out->verdict, "stopped by a signal; run the same command again to resume");
    }
done:
    /* The leader tells the groups to stop, whatever happened (they wait for it). */
    if (farm && campaign_farm_is_leader(farm)) campaign_farm_stop(farm);
    campaign_farm_close(farm);
    if (locked) campaign_store_unlock(st);
    campaign_store_close(st);
    campaign_candidate_list_free(&cands);
    campaign_candidate_list_free(&refs);
    free(yaml);
    free(cfg);
    return status;
}
