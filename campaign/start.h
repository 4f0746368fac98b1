/* One magnetic start of a candidate, computed or read back from its result file, without the
 * database: what `campaign run` does in its own process and what a launcher job (`campaign
 * job`, campaign/job.c) does on a compute node.  The files are those of campaign/README.md:
 * WORK/runs/<hash>/ holds the run's checkpoints and its result file result.ckpt, written
 * atomically once the run has ended; WORK/runs.log is the audit trail (one line per run
 * started or recorded, appended by every process).
 */
#ifndef LS_CAMPAIGN_START_H
#define LS_CAMPAIGN_START_H

#include "campaign/evaluator.h"
#include "common/parallel.h"

struct campaign_start_ctx {
    const struct campaign_config *cfg;
    const struct campaign_evaluator *ev;
    const char *work_dir; /* DB.files */
    int pid;
    int n_threads;
    int verbose;
    void (*progress)(void *ctx, long long progress); /* heartbeat hooks (evaluator.h); NULL: none */
    void (*saved)(void *ctx);
    void *progress_ctx;
    /* The processes computing this start together (a task farm's group, or the processes of a
     * launcher job started under srun/mpirun): the first alone reads and writes the files and
     * tells the others.  NULL: this process alone (the leader recording results, a serial run). */
    const ls_comm *group;
    /* Only read the result file (the leader of launcher mode and of the farm records what its
     * jobs computed): LS_ERR_IO when it is missing or unreadable, never computed here. */
    int read_only;
};

/* The input hash of start k of c (campaign_run_hash over the shipped pseudopotentials). */
int campaign_start_hash(const struct campaign_config *cfg, const struct campaign_candidate *c, int k, char hash[65]);
/* The result file of the run with this hash: WORK/runs/<first 24 hex digits>/result.ckpt. */
void campaign_start_result_path(const char *work_dir, const char *hash, char *path, size_t n);
/* Start k of c: read from its result file when the run ended before (*from_file = 1; an
 * unreadable file is removed and the run computed again), else computed by the evaluator and
 * its result file written.  out is the caller's (campaign_eval_output_clear).  Statuses as
 * the evaluator's (LS_ERR_INTERRUPTED: a stop signal, checkpoints kept). */
int campaign_start_compute(const struct campaign_start_ctx *x, const struct campaign_candidate *c, int k,
                           const char *hash, struct campaign_eval_output *out, int *from_file);
/* One line of WORK/runs.log: "UTC WHAT HASH PID NAME, ORDER start" (O_APPEND: concurrent
 * writers do not tear lines); the log is advice, failures to write it are ignored. */
void campaign_run_log(const char *work_dir, int pid, const char *what, const char *hash, const char *name,
                      const char *order);

#endif
