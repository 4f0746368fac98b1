/* The MPI task farm: `mpirun -np N lodestone campaign run FILE.yaml --db FILE.db --group-size g`.
 *
 * The N processes form N / g groups of g (MPI sub-communicators, consecutive ranks); each group
 * computes one evaluation at a time with the engine's own parallelism (k-point pools, bands)
 * inside the group, whose communicator is made the engine's world while it computes.  Rank 0
 * leads: it alone opens the database and runs the search, in its main thread, while a second
 * thread of rank 0 serves as the first process of group 0 (hence MPI_THREAD_MULTIPLE).  The
 * leader hands each evaluation to the next free group (dynamic load balancing) through launcher
 * mode's machinery (campaign/launcher.h: the table `job`, retries, the results read back from
 * the files); a group's first process computes it exactly as a launcher job does
 * (campaign_job_compute: result files, heartbeat file, exit file) and reports back.
 *
 * Messages (tags below, on a communicator of their own): leader -> group's first process: a
 * task or stop; that process -> the other members of its group: the same; group -> leader: a
 * report when the task ended.  Idle processes poll without spinning (backing off to every
 * 10 ms), so that oversubscribed ranks leave the cores to the working ones.
 *
 * A stop signal (SIGTERM, forwarded by mpirun to every process) interrupts the groups' runs at
 * their checkpoints; the leader collects the groups' reports, records what is finished, and the
 * program exits 3.  A kill -9 ends the MPI job; the next `campaign run` marks the farm's jobs of
 * the previous run lost (counted as an attempt) and hands them out again; their runs continue
 * from their checkpoints or are read from their result files.
 */
#ifndef LS_CAMPAIGN_FARM_H
#define LS_CAMPAIGN_FARM_H

#include "campaign/campaign_impl.h"
#include "campaign/store.h"
#include "common/parallel.h"

struct campaign_farm;

/* Collective over all processes: groups of group_size (which must divide the number of
 * processes; LS_ERR_USAGE otherwise).  LS_ERR_UNSUPPORTED in a build without MPI. */
int campaign_farm_open(int group_size, struct campaign_farm **out);
void campaign_farm_close(struct campaign_farm *f);
int campaign_farm_groups(const struct campaign_farm *f);
int campaign_farm_is_leader(const struct campaign_farm *f);

/* Every process but the leader: serve tasks until the leader says stop.  The leader's own
 * group-0 duty runs in a thread (campaign_farm_serve_start / _join). */
int campaign_farm_serve(struct campaign_farm *f, const struct campaign_config *cfg,
                        const struct campaign_candidate_list *cands, const struct campaign_candidate_list *refs,
                        int n_threads, int verbose);
int campaign_farm_serve_start(struct campaign_farm *f, const struct campaign_config *cfg,
                              const struct campaign_candidate_list *cands, const struct campaign_candidate_list *refs,
                              int n_threads, int verbose);
/* The leader: tell every group to stop, then wait for group 0's thread. */
void campaign_farm_stop(struct campaign_farm *f);

/* The leader: hand job `tag` (candidate cand_id, files under work_dir) to a free group;
 * *group = -1 when every group is busy. */
int campaign_farm_submit(struct campaign_farm *f, const char *tag, long long cand_id, const char *work_dir, int *group);
/* The leader: wait up to timeout_s for reports (returns at the first); each report frees its
 * group; a job stopped by a signal is passed to stopped(ctx, tag) (its results are not all
 * there; the others tell their outcome by their files).  *n_reports: how many came; *n_busy:
 * groups still computing. */
int campaign_farm_collect(struct campaign_farm *f, double timeout_s, int (*stopped)(void *ctx, const char *tag),
                          void *ctx, int *n_reports, int *n_busy);
/* Farm jobs still 'submitted' in the store belong to an MPI job that is gone (a kill -9):
 * marked lost, counted as an attempt. */
int campaign_farm_forget_stale(campaign_store *st, int *n);

#endif
