/* Tests for common/parallel.c in a one-process run (the unit tests never start MPI): the shares
 * of ls_par_range, and every collective leaving its data as it is.  The MPI side is checked by
 * tools/mpi_check.sh (serial and 2-process runs must agree). */
#include <complex.h>
#include <string.h>

#include "common/err.h"
#include "common/parallel.h"
#include "common/test.h"

static void test_range(void)
{
    /* Contiguous, in rank order, covering [0, n), counts differing by at most one. */
    long ns[] = {0, 1, 7, 128, 1000003};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        for (int size = 1; size <= 9; size++) {
            long next = 0, cmin = ns[i], cmax = 0;
            for (int r = 0; r < size; r++) {
                long lo, hi;
                ls_par_range(ns[i], size, r, &lo, &hi);
                LS_CHECK(lo == next && hi >= lo);
                next = hi;
                if (hi - lo < cmin) cmin = hi - lo;
                if (hi - lo > cmax) cmax = hi - lo;
            }
            LS_CHECK(next == ns[i]);
            LS_CHECK(cmax - cmin <= 1);
        }
}

static void test_one_process(void)
{
    const ls_comm *w = ls_comm_world();
    LS_CHECK(w != NULL);
    LS_CHECK(ls_par_rank() == 0 && ls_par_size() == 1);
    LS_CHECK(ls_comm_rank(w) == 0 && ls_comm_size(w) == 1);
    double x[3] = {2.385, -1.0, 0.5};
    double complex z[2] = {1.5 + 2.0 * I, -0.25 * I};
    int k[2] = {3, -7};
    ls_comm_sum_double(w, x, 3);
    ls_comm_max_double(w, x, 3);
    ls_comm_sum_complex(w, z, 2);
    ls_comm_sum_int(w, k, 2);
    ls_comm_max_int(w, k, 2);
    ls_comm_min_int(w, k, 2);
    LS_CHECK(x[0] == 2.385 && x[1] == -1.0 && x[2] == 0.5);
    LS_CHECK(z[0] == 1.5 + 2.0 * I && z[1] == -0.25 * I);
    LS_CHECK(k[0] == 3 && k[1] == -7);
    char buf[8] = "abcdefg";
    ls_comm_bcast(w, buf, sizeof buf, 0);
    int first[2] = {0, 2};
    ls_comm_allgatherv(w, buf, 4, first);
    LS_CHECK(strcmp(buf, "abcdefg") == 0);
    ls_comm_barrier(w);
    LS_CHECK(ls_par_comm_seconds() == 0.0);
    LS_CHECK(ls_par_wait_all(0.0) == 1);
}

static void test_split(void)
{
    ls_comm *c = NULL;
    LS_CHECK_OK(ls_comm_split(ls_comm_world(), 3, 0, &c));
    LS_CHECK(c != NULL && ls_comm_rank(c) == 0 && ls_comm_size(c) == 1);
    double x = 4.25;
    ls_comm_sum_double(c, &x, 1);
    LS_CHECK(x == 4.25);
    ls_comm_destroy(c);
    ls_comm_destroy(NULL);
    ls_comm_destroy((ls_comm *)ls_comm_world()); /* ignored */
    LS_CHECK(ls_comm_size(ls_comm_world()) == 1);
}

static void test_agree(void)
{
    /* One process: its own status, its own message. */
    ls_error_clear();
    LS_CHECK(ls_comm_agree(ls_comm_world(), LS_OK) == LS_OK);
    int s = ls_error_set(LS_ERR_NUMERIC, __FILE__, __LINE__, "zheevd failed at k-point %d", 3);
    LS_CHECK(ls_comm_agree(ls_comm_world(), s) == LS_ERR_NUMERIC);
    LS_CHECK(strcmp(ls_error_message(), "zheevd failed at k-point 3") == 0);
    ls_error_clear();
}

int main(void)
{
    LS_RUN(test_range);
    LS_RUN(test_one_process);
    LS_RUN(test_split);
    LS_RUN(test_agree);
    return ls_test_summary("test_parallel");
}
