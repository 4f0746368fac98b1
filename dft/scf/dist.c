/* Pools and shares of the work over MPI ranks; see dist.h. */
#include "dft/scf/dist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"

void dft_dist_destroy(dft_dist *d)
{
    if (d == NULL) return;
    ls_comm_destroy(d->pool_comm);
    free(d->rank_first);
    free(d->task_first);
    free(d);
}

int dft_dist_create(int n_task, int n_pool_wanted, dft_dist **out)
{
    *out = NULL;
    const ls_comm *world = ls_comm_world();
    int n_rank = ls_comm_size(world), rank = ls_comm_rank(world);
    if (n_pool_wanted < 0 || n_pool_wanted > n_rank)
        LS_ERROR(LS_ERR_USAGE, "%d pools need at least %d MPI processes (this run has %d): lower --pools or start more "
                               "processes (mpirun -np N)", n_pool_wanted, n_pool_wanted, n_rank);
    int n_pool = n_pool_wanted > 0 ? n_pool_wanted : n_rank;
    if (n_pool > n_task) {
        if (n_pool_wanted > 0)
            ls_log_warn("%d pools asked for but only %d k-point and spin task%s: using %d pool%s", n_pool_wanted, n_task,
                        n_task == 1 ? "" : "s", n_task, n_task == 1 ? "" : "s");
        n_pool = n_task > 0 ? n_task : 1;
    }
    dft_dist *d = calloc(1, sizeof *d);
    if (!d) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    d->n_rank = n_rank;
    d->rank = rank;
    d->n_pool = n_pool;
    d->n_task = n_task;
    d->rank_first = malloc((size_t)(n_pool + 1) * sizeof *d->rank_first);
    d->task_first = malloc((size_t)(n_pool + 1) * sizeof *d->task_first);
    if (!d->rank_first || !d->task_first) {
        dft_dist_destroy(d);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    for (int p = 0; p <= n_pool; p++) {
        d->rank_first[p] = (int)((long)n_rank * p / n_pool);
        d->task_first[p] = (int)((long)n_task * p / n_pool);
    }
    d->pool = 0;
    while (d->pool + 1 < n_pool && d->rank_first[d->pool + 1] <= rank) d->pool++;
    d->task_lo = d->task_first[d->pool];
    d->task_hi = d->task_first[d->pool + 1];
    int status = ls_comm_split(world, d->pool, rank, &d->pool_comm);
    if (status != LS_OK) {
        dft_dist_destroy(d);
        return status;
    }
    d->pool_rank = ls_comm_rank(d->pool_comm);
    d->pool_size = ls_comm_size(d->pool_comm);
    *out = d;
    return LS_OK;
}

void dft_dist_pool_share(const dft_dist *d, int n, int *lo, int *hi)
{
    long l, h;
    ls_par_range(n, d->pool_size, d->pool_rank, &l, &h);
    *lo = (int)l;
    *hi = (int)h;
}

void dft_dist_gather_tasks(const dft_dist *d, int n_band, double *eig)
{
    if (d->n_pool == 1) return; /* one pool: every rank holds every task already */
    size_t n = (size_t)d->n_task * n_band;
    /* Only the first rank of each pool contributes its tasks; x + 0 is exact, so every rank
     * ends with the owner's bits. */
    for (size_t i = 0; i < n; i++) {
        int task = (int)(i / (size_t)n_band);
        if (d->pool_rank != 0 || !dft_dist_owns(d, task)) eig[i] = 0.0;
    }
    ls_comm_sum_double(ls_comm_world(), eig, n);
}

void dft_dist_sum_pool_ints(const dft_dist *d, int *x, int n)
{
    if (d->n_rank == 1) return;
    if (d->pool_rank != 0)
        for (int i = 0; i < n; i++) x[i] = 0;
    ls_comm_sum_int(ls_comm_world(), x, (size_t)n);
}

void dft_dist_bcast_task(const dft_dist *d, int task, void *buf, size_t bytes)
{
    if (d->n_pool == 1) return;
    int p = 0;
    while (p + 1 < d->n_pool && d->task_first[p + 1] <= task) p++;
    ls_comm_bcast(ls_comm_world(), buf, bytes, d->rank_first[p]);
}

void dft_dist_log(const dft_dist *d, int n_thread)
{
    if (d->n_rank == 1) {
        ls_log_info("parallel: 1 process, %d OpenMP thread%s", n_thread, n_thread == 1 ? "" : "s");
        return;
    }
    int size_lo = d->n_rank / d->n_pool, size_hi = (d->n_rank + d->n_pool - 1) / d->n_pool;
    int task_lo = d->n_task / d->n_pool, task_hi = (d->n_task + d->n_pool - 1) / d->n_pool;
    char sizes[32], tasks[32];
    if (size_lo == size_hi) snprintf(sizes, sizeof sizes, "%d", size_lo);
    else snprintf(sizes, sizeof sizes, "%d-%d", size_lo, size_hi);
    if (task_lo == task_hi) snprintf(tasks, sizeof tasks, "%d", task_lo);
    else snprintf(tasks, sizeof tasks, "%d-%d", task_lo, task_hi);
    ls_log_info("parallel: %d MPI processes x %d OpenMP thread%s; %d k-point pool%s of %s process%s, each with %s of "
                "the %d (spin, k-point) tasks%s",
                d->n_rank, n_thread, n_thread == 1 ? "" : "s", d->n_pool, d->n_pool == 1 ? "" : "s", sizes,
                size_hi == 1 ? "" : "es", tasks, d->n_task,
                size_hi > 1 ? "; bands shared inside a pool" : "");
}
