/* The MPI task farm (campaign/farm.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/farm.h"
#include "campaign/launcher.h"
#include "common/err.h"
#include "common/log.h"

enum { TAG_TO_WORKER = 7101, TAG_TO_MEMBER = 7102, TAG_TO_LEADER = 7103 };
enum { TASK_RUN = 1, TASK_STOP = 2 };

struct farm_task {
    int kind;
    long long cand_id;
    char tag[80];
    char work_dir[4096];
};

struct farm_report {
    int group;
    int status;
    char tag[80];
    char message[512];
};

struct campaign_farm {
    int group_size, n_groups, group; /* this process's group */
    ls_comm *msg;                    /* every process: the farm's messages */
    ls_comm *team;                   /* this process's group */
    unsigned char *busy;             /* the leader's: per group */
    /* group 0's first process, a thread of the leader */
    pthread_t thread;
    int thread_started, thread_status;
    const struct campaign_config *cfg;
    const struct campaign_candidate_list *cands, *refs;
    int n_threads, verbose;
};

int campaign_farm_open(int group_size, struct campaign_farm **out)
{
    *out = NULL;
    if (!ls_par_have_mpi())
        LS_ERROR(LS_ERR_UNSUPPORTED, "--group-size: this build has no MPI; build with 'make MPI=1' and run under mpirun");
    const ls_comm *u = ls_comm_universe();
    int n = ls_comm_size(u), rank = ls_comm_rank(u);
    if (group_size < 1 || n % group_size)
        LS_ERROR(LS_ERR_USAGE, "--group-size %d must divide the number of MPI processes (%d)", group_size, n);
    if (!ls_par_thread_multiple())
        LS_ERROR(LS_ERR_LIBRARY, "the task farm needs MPI_THREAD_MULTIPLE, which this MPI library did not grant");
    struct campaign_farm *f = calloc(1, sizeof *f);
    if (!f) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    f->group_size = group_size;
    f->n_groups = n / group_size;
    f->group = rank / group_size;
    int status = ls_comm_split(u, 0, rank, &f->msg);
    if (status == LS_OK) status = ls_comm_split(u, f->group, rank, &f->team);
    if (status == LS_OK && rank == 0) {
        f->busy = calloc((size_t)f->n_groups, 1);
        if (!f->busy) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    }
    if (status != LS_OK) {
        campaign_farm_close(f);
        return status;
    }
    *out = f;
    return LS_OK;
}

void campaign_farm_close(struct campaign_farm *f)
{
    if (!f) return;
    ls_par_set_world(NULL);
    ls_comm_destroy(f->team);
    ls_comm_destroy(f->msg);
    free(f->busy);
    free(f);
}

int campaign_farm_groups(const struct campaign_farm *f) { return f->n_groups; }
int campaign_farm_is_leader(const struct campaign_farm *f) { return ls_comm_rank(f->msg) == 0; }

/* ------------------------------------------------------------------ the groups */

/* One task on every process of the group, the engine's world being the group meanwhile. */
static int compute(struct campaign_farm *f, const struct farm_task *t)
{
    ls_par_set_world(f->team);
    int status = campaign_job_compute(f->cfg, f->cands, f->refs, t->work_dir, t->cand_id, t->tag, f->n_threads,
                                      f->verbose);
    ls_par_set_world(NULL);
    return status;
}

int campaign_farm_serve(struct campaign_farm *f, const struct campaign_config *cfg,
                        const struct campaign_candidate_list *cands, const struct campaign_candidate_list *refs,
                        int n_threads, int verbose)
{
    f->cfg = cfg;
    f->cands = cands;
    f->refs = refs;
    f->n_threads = n_threads;
    f->verbose = verbose;
    int first = ls_comm_rank(f->team) == 0;
    struct farm_task *t = calloc(1, sizeof *t);
    if (!t) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    int status = LS_OK;
    for (;;) {
        struct ls_comm_message m;
        status = first ? ls_comm_recv(f->msg, t, sizeof *t, 0, TAG_TO_WORKER, -1, &m)
                       : ls_comm_recv(f->team, t, sizeof *t, 0, TAG_TO_MEMBER, -1, &m);
        if (status != LS_OK) break;
        if (first)
            for (int r = 1; r < ls_comm_size(f->team) && status == LS_OK; r++)
                status = ls_comm_send(f->team, t, sizeof *t, r, TAG_TO_MEMBER);
        if (status != LS_OK || t->kind == TASK_STOP) break;
        int s = compute(f, t);
        if (!first) continue;
        /* A failing group reports its failure and takes the next task. */
        struct farm_report rep;
        memset(&rep, 0, sizeof rep);
        rep.group = f->group;
        rep.status = s;
        snprintf(rep.tag, sizeof rep.tag, "%s", t->tag);
        snprintf(rep.message, sizeof rep.message, "%s", s == LS_OK ? "ok" : ls_error_message());
        status = ls_comm_send(f->msg, &rep, sizeof rep, 0, TAG_TO_LEADER);
        if (status != LS_OK) break;
    }
    free(t);
    return status;
}

static void *serve_main(void *arg)
{
    struct campaign_farm *f = arg;
    f->thread_status = campaign_farm_serve(f, f->cfg, f->cands, f->refs, f->n_threads, f->verbose);
    return NULL;
}

int campaign_farm_serve_start(struct campaign_farm *f, const struct campaign_config *cfg,
                              const struct campaign_candidate_list *cands, const struct campaign_candidate_list *refs,
                              int n_threads, int verbose)
{
    f->cfg = cfg;
    f->cands = cands;
    f->refs = refs;
    f->n_threads = n_threads;
    f->verbose = verbose;
    if (pthread_create(&f->thread, NULL, serve_main, f) != 0)
        LS_ERROR(LS_ERR_LIBRARY, "cannot start the thread of group 0 (pthread_create)");
    f->thread_started = 1;
    return LS_OK;
}

void campaign_farm_stop(struct campaign_farm *f)
{
    struct farm_task t;
    memset(&t, 0, sizeof t);
    t.kind = TASK_STOP;
    for (int g = 0; g < f->n_groups; g++) ls_comm_send(f->msg, &t, sizeof t, g * f->group_size, TAG_TO_WORKER);
    if (f->thread_started) {
        pthread_join(f->thread, NULL);
        f->thread_started = 0;
    }
}

/* ------------------------------------------------------------------ the leader */

int campaign_farm_submit(struct campaign_farm *f, const char *tag, long long cand_id, const char *work_dir, int *group)
{
    *group = -1;
    for (int g = 0; g < f->n_groups && *group < 0; g++)
        if (!f->busy[g]) *group = g;
    if (*group < 0) return LS_OK;
    struct farm_task *t = calloc(1, sizeof *t);
    if (!t) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    t->kind = TASK_RUN;
    t->cand_id = cand_id;
    snprintf(t->tag, sizeof t->tag, "%s", tag);
    snprintf(t->work_dir, sizeof t->work_dir, "%s", work_dir);
    int status = ls_comm_send(f->msg, t, sizeof *t, *group * f->group_size, TAG_TO_WORKER);
    free(t);
    if (status == LS_OK) f->busy[*group] = 1;
    return status;
}

int campaign_farm_collect(struct campaign_farm *f, double timeout_s, int (*stopped)(void *ctx, const char *tag),
                          void *ctx, int *n_reports, int *n_busy)
{
    *n_reports = 0;
    for (;;) {
        struct farm_report rep;
        struct ls_comm_message m;
        LS_TRY(ls_comm_recv(f->msg, &rep, sizeof rep, -1, TAG_TO_LEADER, *n_reports ? 0 : timeout_s, &m));
        if (!m.got) break;
        if (rep.group >= 0 && rep.group < f->n_groups) f->busy[rep.group] = 0;
        (*n_reports)++;
        if (rep.status == LS_ERR_INTERRUPTED && stopped) LS_TRY(stopped(ctx, rep.tag));
        else if (rep.status != LS_OK) ls_log_warn("campaign: group %d: job %s failed: %s", rep.group, rep.tag, rep.message);
    }
    *n_busy = 0;
    for (int g = 0; g < f->n_groups; g++) *n_busy += f->busy[g];
    return LS_OK;
}

int campaign_farm_forget_stale(campaign_store *st, int *n)
{
    char utc[32];
    campaign_utc_now(utc);
    long long k = 0;
    LS_TRY(ls_db_get_int(st->db, &k, NULL, "SELECT count(*) FROM job WHERE state = 'submitted' AND scheduler_id LIKE 'mpi:%'",
                         NULL));
    *n = (int)k;
    if (!k) return LS_OK;
    LS_TRY(ls_db_begin(st->db));
    int status = ls_db_run(st->db,
                           "UPDATE job SET state = 'lost', ended_utc = ?1, reason = 'the MPI job that ran it ended "
                           "without collecting it (killed)' WHERE state = 'submitted' AND scheduler_id LIKE 'mpi:%'",
                           "s", utc);
    if (status == LS_OK)
        status = campaign_store_event(st, -1, "job", "%lld job(s) of a previous MPI run marked lost", k);
    if (status != LS_OK) {
        ls_db_rollback(st->db);
        return status;
    }
    return ls_db_commit(st->db);
}
