/* SCF checkpoints (see dft_scf_run_checkpointed in dft.h): the state of the SCF (density as a
 * difference from the atomic superposition, and the wavefunctions; dft/scf/start.h) written
 * atomically every few minutes of wall time and when a stop is requested by a signal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/checkpoint.h"
#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/stop.h"
#include "dft/dft.h"
#include "dft/scf/run.h"
#include "dft/scf/start.h"
#include "dft/scf/system.h"

/* Identity of the calculation a checkpoint belongs to: atoms and spin channels.  (The cell and
 * positions may differ: the saved state is extrapolated to the new geometry.) */
static int put_identity(ls_ckpt *c, const dft_params *p, int n_spin)
{
    LS_TRY(ls_ckpt_put_string(c, "kind", "lodestone scf"));
    int64_t id[2] = {p->structure->n_atom, n_spin};
    LS_TRY(ls_ckpt_put_ints(c, "scf/atoms_spin", id, 2));
    int n = p->structure->n_atom;
    int64_t *z = malloc((size_t)n * sizeof *z);
    if (z == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int a = 0; a < n; a++) z[a] = p->structure->z[a];
    int status = ls_ckpt_put_ints(c, "scf/z", z, (size_t)n);
    free(z);
    return status;
}

static int check_identity(const ls_ckpt *c, const char *path, const dft_params *p)
{
    const char *kind;
    const int64_t *id, *z;
    size_t n_id, n_z;
    LS_TRY(ls_ckpt_get_string(c, "kind", &kind));
    if (strcmp(kind, "lodestone scf") != 0)
        LS_ERROR(LS_ERR_INPUT, "%s: this is a '%s' checkpoint, not an SCF checkpoint", path, kind);
    LS_TRY(ls_ckpt_get_ints(c, "scf/atoms_spin", &id, &n_id));
    if (n_id != 2)
        LS_ERROR(LS_ERR_INPUT, "%s: corrupt SCF checkpoint (record scf/atoms_spin has %zu values, not 2); delete it to "
                 "start afresh", path, n_id);
    LS_TRY(ls_ckpt_get_ints(c, "scf/z", &z, &n_z));
    int same = id[0] == p->structure->n_atom && n_z == (size_t)p->structure->n_atom;
    for (size_t a = 0; same && a < n_z; a++) same = z[a] == p->structure->z[a];
    if (!same)
        LS_ERROR(LS_ERR_INPUT,
                 "%s: the checkpoint belongs to another structure (%ld atoms, or other elements): delete it or give "
                 "another --checkpoint path",
                 path, (long)id[0]);
    int n_spin = dft_params_n_rho(p); /* spin channels (collinear) or density components (noncollinear) */
    if (id[1] != n_spin)
        LS_ERROR(LS_ERR_INPUT, "%s: the checkpoint has %ld spin channel(s), the input %d: delete it to start afresh",
                 path, (long)id[1], n_spin);
    return LS_OK;
}

static int write_state(const struct dft_checkpoint *ck, const dft_params *p, const dft_start *st, int iter)
{
    ls_ckpt *c = NULL;
    LS_TRY(ls_ckpt_create(&c));
    int status = put_identity(c, p, st->n_rho);
    if (status == LS_OK) status = ls_ckpt_put_int(c, "scf/iteration", iter);
    if (status == LS_OK) status = dft_start_to_ckpt(st, c);
    if (status == LS_OK) status = ls_ckpt_write(c, ck->path);
    ls_ckpt_destroy(c);
    return status;
}

/* With MPI every rank calls this after the same iteration: the decision to write is taken
 * together (a signal that reached any rank, rank 0's clock), the state is collected from the
 * pools (dft_start_save), rank 0 writes the file and all learn whether that worked. */
int dft_scf_saver_hook(void *ctx, const dft_system *sys, int iter)
{
    struct dft_scf_saver *cc = ctx;
    const ls_comm *world = ls_comm_world();
    int root = ls_comm_rank(world) == 0;
    double now = ls_wall_time();
    int decide[2] = {ls_stop_requested(), root && now - cc->last_save >= cc->ck->every_s};
    ls_comm_max_int(world, decide, 2);
    int sig = decide[0];
    if (!sig && !decide[1]) return LS_OK;
    dft_start *st = NULL;
    LS_TRY(dft_start_save(sys, &st));
    int status = root ? write_state(cc->ck, sys->params, st, iter) : LS_OK;
    dft_start_destroy(st);
    LS_TRY(ls_comm_agree(world, status));
    cc->last_save = ls_wall_time();
    ls_log_info("checkpoint: SCF state of iteration %d written to %s (%.2f s)", iter, cc->ck->path, cc->last_save - now);
    if (sig)
        LS_ERROR(LS_ERR_INTERRUPTED,
                 "stopped by signal %d after SCF iteration %d; the state is saved in %s: run the same command with "
                 "--restart to continue",
                 sig, iter, cc->ck->path);
    return LS_OK;
}

int dft_scf_checkpoint_load(const char *path, const dft_params *p, dft_start **out)
{
    *out = NULL;
    if (access(path, F_OK) != 0) return LS_OK;
    ls_ckpt *c = NULL;
    LS_TRY(ls_ckpt_read(path, &c));
    int64_t iter = 0;
    int status = check_identity(c, path, p);
    if (status == LS_OK) status = ls_ckpt_get_int(c, "scf/iteration", &iter);
    if (status == LS_OK) status = dft_start_from_ckpt(c, out);
    if (status != LS_OK) ls_error_prefix("%s: ", path);
    ls_ckpt_destroy(c);
    LS_TRY(status);
    ls_log_info("restart: from the SCF state of iteration %ld in %s", (long)iter, path);
    return LS_OK;
}

void dft_scf_checkpoint_remove(const char *path)
{
    if (ls_par_rank() != 0) return; /* with MPI, rank 0 alone touches the file */
    if (remove(path) != 0 && errno != ENOENT)
        ls_log_warn("could not remove the checkpoint %s: %s", path, strerror(errno));
}

int dft_scf_run_checkpointed(const dft_params *p, const struct dft_checkpoint *ck, dft_result **out)
{
    *out = NULL;
    if (ck == NULL || ck->path == NULL || ck->path[0] == '\0') return dft_scf_run(p, out);
    dft_start *start = NULL, *final = NULL;
    if (ck->restart) {
        LS_TRY(dft_scf_checkpoint_load(ck->path, p, &start));
        if (start == NULL) ls_log_info("restart: no checkpoint %s, starting afresh", ck->path);
    }
    struct dft_scf_saver cc = {ck, ls_wall_time()};
    struct dft_run_ctl ctl = {.start = start, .save = &final, .iteration_hook = dft_scf_saver_hook, .iteration_ctx = &cc};
    int status = dft_scf_run_ctl(p, &ctl, out);
    if (status == LS_OK) {
        dft_scf_checkpoint_remove(ck->path); /* finished: the checkpoint has served its purpose */
    } else if (status == LS_ERR_CONVERGENCE && final != NULL) {
        /* Not converged: keep the last state so that a rerun with more iterations continues. */
        char saved[LS_ERROR_MESSAGE_MAX];
        snprintf(saved, sizeof saved, "%s", ls_error_message());
        if (ls_par_rank() == 0 && write_state(ck, p, final, (*out)->n_iter) == LS_OK)
            ls_log_info("checkpoint: the last SCF state is in %s (continue with --restart)", ck->path);
        status = ls_error_set(LS_ERR_CONVERGENCE, __FILE__, __LINE__, "%s", saved);
    }
    dft_start_destroy(start);
    dft_start_destroy(final);
    return status;
}
