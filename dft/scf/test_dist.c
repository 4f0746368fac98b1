/* Tests for dft/scf/dist.c in a one-process run: one pool holding every task and band, the
 * gathers leaving the data as they are, and the --pools errors.  Serial and 2-process SCF runs
 * are compared by tools/mpi_check.sh. */
#include <string.h>

#include "common/err.h"
#include "common/test.h"
#include "dft/scf/dist.h"

static void test_one_pool(void)
{
    dft_dist *d = NULL;
    LS_CHECK_OK(dft_dist_create(58, 0, &d)); /* e.g. bcc Fe: 29 k-points x 2 spins */
    if (!d) return;
    LS_CHECK(d->n_rank == 1 && d->rank == 0 && d->n_pool == 1 && d->pool == 0);
    LS_CHECK(d->pool_size == 1 && d->pool_rank == 0);
    LS_CHECK(d->task_lo == 0 && d->task_hi == 58);
    LS_CHECK(dft_dist_owns(d, 0) && dft_dist_owns(d, 57) && !dft_dist_owns(d, 58) && !dft_dist_owns(d, -1));
    int lo, hi;
    dft_dist_pool_share(d, 13, &lo, &hi);
    LS_CHECK(lo == 0 && hi == 13);
    double eig[58 * 3];
    for (int i = 0; i < 58 * 3; i++) eig[i] = -0.5 + 0.01 * i;
    dft_dist_gather_tasks(d, 3, eig);
    LS_CHECK_NEAR(eig[100], -0.5 + 1.0, 1e-15);
    int counts[2] = {4, 0};
    dft_dist_sum_pool_ints(d, counts, 2);
    LS_CHECK(counts[0] == 4 && counts[1] == 0);
    dft_dist_destroy(d);
    dft_dist_destroy(NULL);
}

static void test_pools_errors(void)
{
    dft_dist *d = NULL;
    ls_error_clear();
    LS_CHECK(dft_dist_create(10, 2, &d) == LS_ERR_USAGE && d == NULL);
    LS_CHECK_MSG(strstr(ls_error_message(), "2 pools need at least 2 MPI processes") != NULL, "%s", ls_error_message());
    ls_error_clear();
    LS_CHECK(dft_dist_create(10, -1, &d) == LS_ERR_USAGE && d == NULL);
    ls_error_clear();
    /* One pool asked for, one process: fine. */
    LS_CHECK_OK(dft_dist_create(1, 1, &d));
    LS_CHECK(d && d->n_pool == 1 && d->task_hi == 1);
    dft_dist_destroy(d);
}

int main(void)
{
    LS_RUN(test_one_pool);
    LS_RUN(test_pools_errors);
    return ls_test_summary("test_dist");
}
