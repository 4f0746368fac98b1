/* dft_scf_run with control over the start and the state kept afterwards.  Internal to dft/
 * (used by dft/scf/calc.c and the SCF checkpoints). */
#ifndef LS_DFT_RUN_H
#define LS_DFT_RUN_H

#include "dft/dft.h"

struct dft_start;
struct dft_system;

struct dft_run_ctl {
    const struct dft_start *start;   /* start from this previous solution (NULL: atomic start) */
    struct dft_start **save;         /* receives the final state when not NULL (NULL on failure) */
    /* Called after every SCF iteration (see dft_system.iteration_hook). */
    int (*iteration_hook)(void *ctx, const struct dft_system *sys, int iter);
    void *iteration_ctx;
};

/* As dft_scf_run; ctl may be NULL.  The final state is saved also when the SCF did not
 * converge (status LS_ERR_CONVERGENCE with a result). */
int dft_scf_run_ctl(const dft_params *p, const struct dft_run_ctl *ctl, dft_result **out);

/* SCF checkpoints (dft/scf/scf_checkpoint.c), shared by dft_scf_run_checkpointed and dft_calc.
 * dft_scf_saver_hook is an iteration hook (ctx: struct dft_scf_saver): it writes the SCF state
 * to ck->path when ck->every_s seconds of wall time have passed since last_save (INFINITY:
 * never on time) and when a stop was requested by a signal (common/stop.h), which it then
 * turns into LS_ERR_INTERRUPTED.  With MPI every rank calls it after the same iteration and
 * rank 0 writes. */
struct dft_scf_saver {
    const struct dft_checkpoint *ck;
    double last_save; /* ls_wall_time() of the last write (or of the start) */
};
int dft_scf_saver_hook(void *ctx, const struct dft_system *sys, int iter);
/* The state in `path`, checked against p's atoms and spin channels (LS_ERR_INPUT naming the file
 * if it belongs to another structure), with a log line; *out = NULL when there is no file. */
int dft_scf_checkpoint_load(const char *path, const dft_params *p, struct dft_start **out);
/* Remove `path` on rank 0 (a warning if that fails for another reason than its absence). */
void dft_scf_checkpoint_remove(const char *path);

#endif
