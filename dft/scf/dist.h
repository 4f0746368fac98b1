/* How the work of one SCF is spread over MPI processes (ranks).  Internal to dft/.
 *
 * Two levels, as in pw.x (its -nk pools, and band groups inside a pool):
 * 1. Pools of consecutive ranks (sizes differing by at most one).  Pool p diagonalises the
 *    (spin, k-point) tasks [task_first[p], task_first[p + 1]), task = is * n_kpt + ik, in
 *    contiguous blocks.  The eigenvalues are then gathered on every rank (occupations and the
 *    Fermi level are computed identically everywhere), and every k-summed quantity (density,
 *    band energies, nonlocal forces and stress, kinetic stress) is summed over the ranks.
 * 2. Inside a pool of several ranks: each rank applies H to its share of a block's vectors
 *    (dft_ham_apply, then an allgatherv) and accumulates the density (and the k-summed terms)
 *    of its share of the bands.  The rest of the eigensolver (orthonormalisation, subspace
 *    matrices, rotations) is replicated over the ranks of a pool, and so are the wavefunctions.
 * Everything outside the task loop (potentials, mixing, occupations) is replicated on every
 * rank and stays bit-identical there: sums go through common/parallel.h, which reduces in a
 * fixed order and hands every rank the same bits.
 *
 * Memory: every rank keeps the wavefunctions of every task (allocated as in a serial run);
 * only those of its pool's tasks are current.  dft_start_save (the state for the next geometry
 * and the SCF checkpoints) collects every task's from its pool with dft_dist_bcast_task.
 */
#ifndef LS_DFT_DIST_H
#define LS_DFT_DIST_H

#include "common/parallel.h"

struct dft_system;

typedef struct dft_dist {
    int n_rank, rank;     /* all processes, this one */
    int n_pool, pool;     /* pools, this rank's pool */
    int *rank_first;      /* [n_pool + 1]: pool p is world ranks [rank_first[p], rank_first[p + 1]) */
    ls_comm *pool_comm;   /* the ranks of this pool (owned) */
    int pool_rank, pool_size;
    int n_task;           /* (spin, k-point) pairs */
    int *task_first;      /* [n_pool + 1] */
    int task_lo, task_hi; /* this pool's tasks */
} dft_dist;

/* Collective over all ranks.  n_pool_wanted: 0 = as many pools as ranks, but no more than
 * tasks; otherwise 1..n_rank (LS_ERR_USAGE beyond), lowered with a warning to n_task. */
int dft_dist_create(int n_task, int n_pool_wanted, dft_dist **out);
void dft_dist_destroy(dft_dist *d); /* accepts NULL */

/* 1 when this rank's pool diagonalises `task`. */
static inline int dft_dist_owns(const dft_dist *d, int task) { return task >= d->task_lo && task < d->task_hi; }
/* This rank's share [*lo, *hi) of n items (bands, atoms) inside its pool. */
void dft_dist_pool_share(const dft_dist *d, int n, int *lo, int *hi);

/* eig[n_task][n_band] with this pool's tasks filled: afterwards every rank holds every task's
 * values (exactly the owner's: the others contribute zeros). */
void dft_dist_gather_tasks(const dft_dist *d, int n_band, double *eig);
/* Sum over pools of per-pool integers that every rank of a pool holds alike (counted once). */
void dft_dist_sum_pool_ints(const dft_dist *d, int *x, int n);

/* Collective over all ranks: buf[bytes] of `task` from the first rank of the pool that owns it
 * to every rank.  A no-op with one pool (every rank holds every task). */
void dft_dist_bcast_task(const dft_dist *d, int task, void *buf, size_t bytes);

/* One log line: processes, pools, tasks, threads. */
void dft_dist_log(const dft_dist *d, int n_thread);

#endif
