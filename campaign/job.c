/* `lodestone campaign job`: one evaluation of a campaign computed as a batch job of launcher
 * mode (campaign/launcher.h), without the database: every magnetic start's result file
 * written into DB.files/runs/<hash>/ (campaign/start.c), a heartbeat file touched while it
 * works and an exit file at the end, both in DB.files/jobs/. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "campaign/campaign.h"
#include "campaign/launcher.h"
#include "campaign/references.h"
#include "campaign/start.h"
#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/stop.h"
#include "common/textio.h"

struct alive {
    pthread_t thread;
    atomic_int stop;
    char path[4300];
    double period_s;
};

/* Touch the heartbeat file now and every period (its modification time is the heartbeat). */
static void *alive_main(void *arg)
{
    struct alive *a = arg;
    double next = 0;
    while (!atomic_load(&a->stop)) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        double t = (double)now.tv_sec + 1e-9 * (double)now.tv_nsec;
        if (t >= next) {
            FILE *f = fopen(a->path, "w");
            if (f) {
                fprintf(f, "%d\n", (int)getpid());
                fclose(f);
            }
            next = t + a->period_s;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* The exit file: "status N" and the message, written atomically (the leader reads it). */
static void write_exit(const char *jobs, const char *tag, int status, const char *message)
{
    char path[4300], text[LS_ERROR_MESSAGE_MAX + 32];
    snprintf(path, sizeof path, "%.4200s/%.64s.exit", jobs, tag);
    int n = snprintf(text, sizeof text, "status %d\n%s\n", status, message);
    if (ls_file_write_atomic(path, text, (size_t)(n < (int)sizeof text ? n : (int)sizeof text - 1)) != LS_OK)
        ls_log_warn("campaign job %s: %s", tag, ls_error_message());
}

static int tag_is_safe(const char *tag)
{
    if (!tag[0] || strlen(tag) > 64) return 0;
    for (const char *p = tag; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

int campaign_job_compute(const struct campaign_config *cfg, const struct campaign_candidate_list *cands,
                         const struct campaign_candidate_list *refs, const char *work_dir, long long cand_id,
                         const char *tag, int n_threads, int verbose)
{
    if (!tag_is_safe(tag))
        LS_ERROR(LS_ERR_USAGE, "--tag '%s': letters, digits, '-' and '_' only (at most 64)", tag);
    struct stat sb;
    if (stat(work_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        LS_ERROR(LS_ERR_INPUT, "%s: no such folder (the campaign's DB.files folder, made by 'campaign run')", work_dir);
    /* In a task farm's group the group's first process alone writes the job's files. */
    const ls_comm *group = ls_comm_world();
    int writer = ls_comm_rank(group) == 0;
    char jobs[4200];
    snprintf(jobs, sizeof jobs, "%s/jobs", work_dir);
    if (writer) mkdir(jobs, 0777);
    const struct campaign_candidate *c = campaign_space_candidate(cands, refs, cand_id);
    if (!c) {
        int status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__,
                                  "%s: no candidate %lld (the campaign has %d and %d reference phases)", cfg->path,
                                  cand_id, cands->n, refs->n);
        if (writer) write_exit(jobs, tag, status, ls_error_message());
        return status;
    }
    struct alive a;
    memset(&a, 0, sizeof a);
    snprintf(a.path, sizeof a.path, "%.4200s/%.64s.alive", jobs, tag);
    a.period_s = cfg->heartbeat_s;
    int started = writer && pthread_create(&a.thread, NULL, alive_main, &a) == 0;
    const struct campaign_start_ctx x = {cfg,     campaign_evaluator_for(cfg->calculator),
                                         work_dir, (int)getpid(),
                                         n_threads, verbose,
                                         NULL,    NULL,
                                         NULL,    ls_comm_size(group) > 1 ? group : NULL,
                                         0};
    int status = LS_OK;
    for (int k = 0; k < c->n_start && status == LS_OK; k++) {
        char hash[65];
        struct campaign_eval_output out;
        int from_file = 0;
        LS_TRY_GOTO(status, campaign_start_hash(cfg, c, k, hash), done);
        LS_TRY_GOTO(status, campaign_start_compute(&x, c, k, hash, &out, &from_file), done);
        if (writer && !from_file) /* runs.log: "computed" once per run, however often its job ran */
            campaign_run_log(work_dir, (int)getpid(), out.ok ? "computed" : "computed-failure", hash, c->name,
                             campaign_order_name(c->starts[k].order));
        ls_log_info("campaign job %s: %s, %s start: %s", tag, c->name, campaign_order_name(c->starts[k].order),
                    from_file ? "result file already there" : out.ok ? "computed" : out.reason);
        campaign_eval_output_clear(&out);
    }
done:
    if (started) {
        atomic_store(&a.stop, 1);
        pthread_join(a.thread, NULL);
    }
    /* Not on a stop signal: the job may be requeued by its scheduler and continue. */
    if (writer && status != LS_ERR_INTERRUPTED && stat(jobs, &sb) == 0)
        write_exit(jobs, tag, status, status == LS_OK ? "ok" : ls_error_message());
    return status;
}

int campaign_job_run(const char *config_path, const char *work_dir, long long cand_id, const char *tag, int n_threads,
                     int verbose)
{
    if (!tag_is_safe(tag))
        LS_ERROR(LS_ERR_USAGE, "--tag '%s': letters, digits, '-' and '_' only (at most 64)", tag);
    struct stat sb;
    if (stat(work_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        LS_ERROR(LS_ERR_INPUT, "%s: no such folder (the campaign's DB.files folder, made by 'campaign run')", work_dir);
    ls_stop_install();
    struct campaign_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    struct campaign_candidate_list cands = {0}, refs = {0};
    int status = LS_OK;
    LS_TRY_GOTO(status, campaign_config_read(config_path, cfg), done);
    LS_TRY_GOTO(status, campaign_space_make(cfg, &cands, &refs), done);
    status = campaign_job_compute(cfg, &cands, &refs, work_dir, cand_id, tag, n_threads, verbose);
    goto out;
done: /* the campaign file is unreadable here: tell the leader through the exit file */
    {
        char jobs[4200];
        snprintf(jobs, sizeof jobs, "%s/jobs", work_dir);
        mkdir(jobs, 0777);
        write_exit(jobs, tag, status, ls_error_message());
    }
out:
    campaign_candidate_list_free(&cands);
    campaign_candidate_list_free(&refs);
    free(cfg);
    return status;
}
