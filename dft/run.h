/* dft_scf_run with control over the start and the state kept afterwards.  Internal to dft/
 * (used by dft/calc.c and the SCF checkpoints). */
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

#endif
