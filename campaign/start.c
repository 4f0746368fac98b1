/* One magnetic start computed or read back from its result file (campaign/start.h). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "campaign/start.h"
#include "campaign/store.h"
#include "common/err.h"
#include "common/log.h"

int campaign_start_hash(const struct campaign_config *cfg, const struct campaign_candidate *c, int k, char hash[65])
{
    char pseudo[2048];
    LS_TRY(campaign_pseudopotentials(c->s, pseudo, sizeof pseudo));
    return campaign_run_hash(cfg, c, &c->starts[k], pseudo, hash);
}

void campaign_start_result_path(const char *work_dir, const char *hash, char *path, size_t n)
{
    snprintf(path, n, "%s/runs/%.24s/result.ckpt", work_dir, hash);
}

void campaign_run_log(const char *work_dir, int pid, const char *what, const char *hash, const char *name,
                      const char *order)
{
    char path[4200], line[512], utc[32];
    snprintf(path, sizeof path, "%s/runs.log", work_dir);
    campaign_utc_now(utc);
    int n = snprintf(line, sizeof line, "%s %s %.64s %d %s, %s start\n", utc, what, hash, pid, name, order);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0) return;
    if (write(fd, line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1)) < 0) { /* the log is advice */
    }
    close(fd);
}

int campaign_start_compute(const struct campaign_start_ctx *x, const struct campaign_candidate *c, int k,
                           const char *hash, struct campaign_eval_output *out, int *from_file)
{
    const struct campaign_start *start = &c->starts[k];
    const char *order = campaign_order_name(start->order);
    *from_file = 0;
    memset(out, 0, sizeof *out);
    char dir[4200], result[4300];
    snprintf(dir, sizeof dir, "%s/runs", x->work_dir);
    mkdir(dir, 0777);
    snprintf(dir, sizeof dir, "%s/runs/%.24s", x->work_dir, hash);
    if (mkdir(dir, 0777) != 0) {
        struct stat sb;
        if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) LS_ERROR(LS_ERR_IO, "%s: cannot create the run's folder", dir);
    }
    campaign_start_result_path(x->work_dir, hash, result, sizeof result);
    /* In a task farm's group (campaign/farm.h) the group's first process reads and writes the
     * files and tells the others whether the run is to be computed. */
    int writer = !x->group || ls_comm_rank(x->group) == 0, have = 0;
    struct stat sb;
    if (writer && stat(result, &sb) == 0) {
        /* The run ended before (a crash kept it from the database, or a launcher job computed
         * it): the file is the truth. */
        if (campaign_result_file_read(result, hash, out) == LS_OK) {
            have = 1;
        } else {
            ls_log_warn("campaign: %s is unreadable (%s): computing the run again", result, ls_error_message());
            campaign_eval_output_clear(out);
            memset(out, 0, sizeof *out);
            remove(result);
        }
    }
    if (x->group) ls_comm_bcast(x->group, &have, sizeof have, 0);
    if (have) {
        *from_file = 1;
        return LS_OK;
    }
    if (x->read_only)
        LS_ERROR(LS_ERR_IO, "%s: the result of %s, %s start is missing or unreadable although its job ended; run "
                 "'lodestone campaign run' again to compute it anew", result, c->name, order);
    struct campaign_eval_input in = {x->cfg,      c,           start,          hash, dir, x->n_threads, x->verbose,
                                     x->progress, x->saved, x->progress_ctx, k * CAMPAIGN_PROGRESS_START};
    if (writer) campaign_run_log(x->work_dir, x->pid, "start", hash, c->name, order);
    int status = x->ev->evaluate(&in, out);
    if (status == LS_OK && writer) status = campaign_result_file_write(result, hash, out);
    if (status != LS_OK) campaign_eval_output_clear(out);
    return status;
}
