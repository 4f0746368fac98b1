/* Launcher mode: each evaluation runs as a batch job of the site's scheduler (SLURM, PBS, ...),
 * submitted by a command template of the campaign file, while `campaign run` (the leader, on a
 * login node or in a small allocation) proposes, collects and records.  The files are the
 * truth: a job (`lodestone campaign job`, campaign/job.c) writes each start's result file into
 * DB.files/runs/<hash>/ and its own DB.files/jobs/<tag>.alive (touched every heartbeat) and
 * <tag>.exit (its exit status, at the end); the leader, which alone writes the database, reads
 * the results back once every start of an evaluation has its file.
 *
 *   launcher:
 *     submit: "sbatch --parsable -J {name} -o {log} --wrap \"{job}\""   (prints the job id last)
 *     status: "squeue -h -j {job_id} -o %T"      (optional: nothing once the job is gone)
 *     cancel: "scancel {job_id}"                 (optional)
 *     max_jobs: 8        timeout: 12 h        poll: 30 s
 *
 * A job is given up on (state 'lost' in the table `job`, cancelled when `cancel` is given) when
 * its heartbeat is older than retry/stale_after, when it has run longer than `timeout` since
 * submission, or when `status` prints nothing while no exit file and no results exist (the
 * scheduler lost it); it is 'failed' when it ended without every result (its exit file says
 * how), or when the submission itself failed.  An evaluation whose jobs failed or were lost
 * retry/max_attempts times is recorded failed with the last reason.  Jobs submitted before the
 * leader stopped (a signal, a crash) are collected by the next `campaign run`, not submitted
 * again.
 */
#ifndef LS_CAMPAIGN_LAUNCHER_H
#define LS_CAMPAIGN_LAUNCHER_H

#include "campaign/campaign_impl.h"
#include "campaign/store.h"
#include "common/config.h"

/* The `launcher` section of the campaign file (absent: launcher mode off). */
int campaign_launcher_config_read(const ls_config *c, struct campaign_config *cfg);

struct campaign_launch {
    campaign_store *st;
    const struct campaign_config *cfg;
    const struct campaign_candidate_list *cands, *refs;
    int n_threads;                   /* of each job's DFT */
    /* Record an evaluation whose result files all exist (campaign/run.c: begin, import, finish). */
    int (*record)(void *ctx, long long eval_id, long long cand_id, int round);
    void *ctx;
};
/* Run every proposed evaluation as jobs until each is recorded or failed.  LS_ERR_INTERRUPTED
 * after a stop signal (the jobs go on; the next run collects them). */
int campaign_launcher_work(const struct campaign_launch *L);

#endif
