/* Evaluations, DFT runs, rounds and observations in the store (campaign/store_eval.c,
 * campaign/store_round.c).  Ids are the database's; candidate ids are 1-based, search
 * candidates first (enumeration order), then the reference phases. */
#ifndef LS_CAMPAIGN_STORE_EVAL_H
#define LS_CAMPAIGN_STORE_EVAL_H

#include "campaign/evaluator.h"
#include "campaign/store.h"

/* proposed -> running (attempt + 1, host, pid, heartbeat); *progress: the evaluation's progress
 * marker so far (the attempt counts on from it). */
int campaign_store_eval_begin(campaign_store *st, long long eval_id, long long *progress);
/* running -> proposed after a stop signal (the attempt is not counted). */
int campaign_store_eval_requeue(campaign_store *st, long long eval_id, const char *why);
/* Progress marker (monotone): relaxation steps and runs completed, for telling a crash loop
 * from a long evaluation that was killed. */
int campaign_store_eval_progress(campaign_store *st, long long eval_id, long long progress);
/* The DFT run of one start of an evaluation (created 'pending' on first use), its state. */
int campaign_store_run_get(campaign_store *st, long long eval_id, const char *order, const char *input_sha256,
                           long long *run_id, char state[16]);
/* Record a run's outcome with its provenance, in one transaction. */
int campaign_store_run_record(campaign_store *st, long long run_id, const char *input_sha256, const char *calculator,
                              int n_threads, const struct campaign_eval_output *o);
/* running -> done (the lowest-energy start's result, the derived properties of every result
 * brought up to date) or failed (no start gave a result: the reasons), in one transaction. */
int campaign_store_eval_finish(campaign_store *st, long long eval_id, const struct campaign_candidate *c, int round);
/* Formation energies against the references and distances to the hull, for every result; and
 * for the results that the result of evaluation eval_id can change (campaign_store_eval_finish). */
int campaign_store_update_derived(campaign_store *st);
int campaign_store_update_derived_after(campaign_store *st, long long eval_id);
/* At start: running -> lost (their process is gone), lost -> proposed, or failed after
 * max_attempts losses in a row without progress (the marker of campaign/evaluator.h did not
 * grow) or CAMPAIGN_LOSS_FACTOR * max_attempts attempts in all (an input that crashes the
 * program every time after saving some work must end too). */
#define CAMPAIGN_LOSS_FACTOR 4
int campaign_store_recover(campaign_store *st, int max_attempts, int *n_lost, int *n_failed);

/* ---- rounds (campaign/store_round.c) ---- */

/* Ensure an evaluation row (round 0, proposed) for every reference phase. */
int campaign_store_references_propose(campaign_store *st, int n_search, int n_ref);
/* Evaluations to work on: state 'proposed', ordered by round, then proposal rank (references
 * by id).  Arrays owned by the caller. */
int campaign_store_work(campaign_store *st, long long **eval_ids, long long **cand_ids, int *n);

struct campaign_proposal {
    long long candidate_id;
    double acq;               /* acquisition value (log for EI) */
    double mean[CAMPAIGN_MAX_OBJECTIVES], sd[CAMPAIGN_MAX_OBJECTIVES]; /* objective units, as reported */
    double p_feasible;
};
/* Open round `round` with its proposals and their evaluations ('proposed'), in one transaction. */
int campaign_store_round_open(campaign_store *st, int round, const char *method, const char *acquisition, int n,
                              const struct campaign_proposal *p, long long model_id);
/* The last round and whether it is finished (no proposed or running evaluation left); 0 if none. */
int campaign_store_last_round(campaign_store *st, int *round, int *finished);
/* The first round not closed whose evaluations are all resolved (0: none): with overlapping
 * rounds a later round may be open while an earlier one still runs. */
int campaign_store_round_closable(campaign_store *st, int *round);
/* Search candidates whose evaluation is not resolved yet (proposed, running or lost): the
 * pending points of a proposal made while they run.  Caller frees. */
int campaign_store_pending(campaign_store *st, long long **cand_ids, int *n);
int campaign_store_round_close(campaign_store *st, int round, double best, long long best_candidate, double max_ei,
                               const char *verdict);

/* Observations: done search evaluations with their properties (reporting units; NaN where
 * unknown), ordered by evaluation id. */
struct campaign_observations {
    int n;
    long long *candidate_id;
    double (*prop)[CAMPAIGN_N_PROPS];
};
int campaign_store_observations(campaign_store *st, struct campaign_observations *obs);
void campaign_observations_free(struct campaign_observations *obs);
/* Search candidates that may still be proposed: avail[i] = 1 for candidate id i + 1 without an
 * evaluation.  n_cand search candidates. */
int campaign_store_available(campaign_store *st, int n_cand, unsigned char *avail, int *n_avail);
/* Candidate evaluations spent (done or failed), and pending (proposed or running). */
int campaign_store_counts(campaign_store *st, int *spent, int *pending);

#endif
