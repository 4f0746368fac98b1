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

#include <stdatomic.h>

#include "campaign/campaign_impl.h"
#include "campaign/store.h"
#include "common/config.h"

/* The `launcher` section of the campaign file (absent: launcher mode off). */
int campaign_launcher_config_read(const ls_config *c, struct campaign_config *cfg);

struct campaign_farm;

struct campaign_launch {
    campaign_store *st;
    const struct campaign_config *cfg;
    const struct campaign_candidate_list *cands, *refs;
    int n_threads;                   /* of each job's DFT */
    /* Record an evaluation whose result files all exist (campaign/run.c: begin, import, finish). */
    int (*record)(void *ctx, long long eval_id, long long cand_id, int round);
    void *ctx;
    /* The MPI task farm (campaign/farm.h) instead of the submit command: a job is handed to a
     * free group of processes (scheduler id "mpi:group G").  NULL: launcher mode. */
    struct campaign_farm *farm;
    /* Return as soon as fewer evaluations wait for a job slot than there are slots (*hungry =
     * 1): the caller proposes the next batch while these jobs run. */
    int overlap;
    /* Return as soon as *ready is set (a proposal computed in a thread is done); meanwhile go on
     * collecting even when no evaluation is left.  NULL: none. */
    const atomic_int *ready;
};
/* Run every proposed evaluation as jobs until each is recorded or failed, or (overlap) until
 * the jobs need more work.  LS_ERR_INTERRUPTED after a stop signal (launcher mode: the jobs go
 * on, the next run collects them; the farm: the groups' runs stop at their checkpoints). */
int campaign_launcher_work(const struct campaign_launch *L, int *hungry);

/* One evaluation of candidate cand_id computed as job `tag` (campaign/job.c): each magnetic
 * start's result file, the heartbeat file WORK/jobs/TAG.alive while it works and the exit file
 * WORK/jobs/TAG.exit at the end (not after a stop signal).  In a task farm's group (the
 * engine's world set to the group) every process of the group calls it and the group's first
 * process alone writes the files. */
int campaign_job_compute(const struct campaign_config *cfg, const struct campaign_candidate_list *cands,
                         const struct campaign_candidate_list *refs, const char *work_dir, long long cand_id,
                         const char *tag, int n_threads, int verbose);

#endif
