/* SCF checkpoints made by hand with a valid checksum (dft/scf/scf_checkpoint.c, dft/scf/start.c),
 * as issue 12's bad-input sweep made them: an empty scf/atoms_spin record was read out of bounds
 * (check_identity), a Miller index of INT_MIN overflowed abs() in grid_index, and sizes in
 * start/dims were allocated before the records that hold the data were looked at.  Each is now
 * LS_ERR_INPUT naming the file, and a valid hand-made state still loads. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/checkpoint.h"
#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "dft/dft.h"
#include "dft/scf/run.h"
#include "dft/scf/start.h"

static char g_dir[1024];
static dft_params g_p; /* Si2, one spin channel */

/* The records of a checkpoint of g_p's atoms with one G-vector and no k-points; then the changes. */
static ls_ckpt *base(void)
{
    ls_ckpt *c = NULL;
    if (ls_ckpt_create(&c) != LS_OK) return NULL;
    int64_t id[2] = {2, 1}, z[2] = {14, 14}, dims[4] = {1, 1, 0, 1}, miller[3] = {0, 0, 0};
    double drho[2] = {0.5, 0.0};
    ls_ckpt_put_string(c, "kind", "lodestone scf");
    ls_ckpt_put_ints(c, "scf/atoms_spin", id, 2);
    ls_ckpt_put_ints(c, "scf/z", z, 2);
    ls_ckpt_put_int(c, "scf/iteration", 4);
    ls_ckpt_put_ints(c, "start/dims", dims, 4);
    ls_ckpt_put_ints(c, "start/miller", miller, 3);
    ls_ckpt_put_doubles(c, "start/drho", drho, 2);
    ls_ckpt_put_doubles(c, "start/k_frac", drho, 0);
    return c;
}

/* Write c (freed) and load it: the status, with the state freed. */
static int load(ls_ckpt *c, const char *name)
{
    const char *path = ls_test_in_dir(g_dir, name);
    int status = ls_ckpt_write(c, path);
    ls_ckpt_destroy(c);
    if (status != LS_OK) return -1;
    dft_start *st = NULL;
    status = dft_scf_checkpoint_load(path, &g_p, &st);
    dft_start_destroy(st);
    return status;
}

static void expect_refused(ls_ckpt *c, const char *name, const char *what)
{
    int status = load(c, name);
    LS_CHECK_MSG(status == LS_ERR_INPUT, "%s: status %d", name, status);
    LS_CHECK_MSG(strstr(ls_error_message(), name) != NULL && strstr(ls_error_message(), what) != NULL,
                 "%s: '%s' lacks '%s'", name, ls_error_message(), what);
}

static void test_valid(void)
{
    LS_CHECK_OK(load(base(), "valid.ckpt"));
}

static void test_identity_records(void)
{
    ls_ckpt *c = base();
    ls_ckpt_put_ints(c, "scf/atoms_spin", NULL, 0);
    expect_refused(c, "empty_atoms_spin.ckpt", "record scf/atoms_spin has 0 values, not 2");
    c = base();
    int64_t three[3] = {2, 1, 7};
    ls_ckpt_put_ints(c, "scf/atoms_spin", three, 3);
    expect_refused(c, "long_atoms_spin.ckpt", "has 3 values, not 2");
}

static void test_state_records(void)
{
    ls_ckpt *c = base();
    int64_t m[3] = {INT_MIN, 0, 0};
    ls_ckpt_put_ints(c, "start/miller", m, 3);
    expect_refused(c, "int_min.ckpt", "Miller index -2147483648, beyond any FFT grid");
    c = base();
    int64_t m2[3] = {0, (int64_t)1 << 40, 0};
    ls_ckpt_put_ints(c, "start/miller", m2, 3);
    expect_refused(c, "huge_miller.ckpt", "beyond any FFT grid");
    /* Sizes that the records do not hold: refused before anything is allocated. */
    c = base();
    int64_t dims[4] = {1, (int64_t)1 << 60, 0, 1};
    ls_ckpt_put_ints(c, "start/dims", dims, 4);
    expect_refused(c, "huge_ng.ckpt", "bad record start/miller");
    c = base();
    int64_t dims_k[4] = {1, 1, 2000000000, 1};
    ls_ckpt_put_ints(c, "start/dims", dims_k, 4);
    expect_refused(c, "huge_nkpt.ckpt", "bad record start/dims");
    c = base();
    int64_t dims_b[4] = {1, 1, 1, INT_MAX};
    double k[3] = {0, 0, 0};
    int64_t mk[3] = {0, 0, 0};
    ls_ckpt_put_ints(c, "start/dims", dims_b, 4);
    ls_ckpt_put_doubles(c, "start/k_frac", k, 3);
    ls_ckpt_put_ints(c, "start/miller_k/0", mk, 3);
    ls_ckpt_put_doubles(c, "start/psi/0/0", k, 2);
    expect_refused(c, "huge_bands.ckpt", "bad record start/psi/0/0");
    c = base();
    double nan2[2] = {NAN, 0};
    ls_ckpt_put_doubles(c, "start/drho", nan2, 2);
    expect_refused(c, "nan_density.ckpt", "start/drho holds a non-finite number");
}

int main(void)
{
    ls_log_set_level(LS_LOG_ERROR);
    ls_test_fresh_dir(g_dir, sizeof g_dir, "test_scf_checkpoint");
    dft_params_init(&g_p);
    ls_structure *s = NULL;
    if (ls_structure_create(2, &s) != LS_OK) return 1;
    for (int k = 0; k < 3; k++) s->cell[k][k] = 10.26;
    s->pos[1][0] = s->pos[1][1] = s->pos[1][2] = 2.565;
    ls_structure_set_species(s, 0, "Si");
    ls_structure_set_species(s, 1, "Si");
    g_p.structure = s;
    LS_RUN(test_valid);
    LS_RUN(test_identity_records);
    LS_RUN(test_state_records);
    dft_params_free(&g_p);
    return ls_test_summary("test_scf_checkpoint");
}
