/* Optimisers for training: a plug-in table (internal to surrogate/).
 *
 * Mini-batch optimisers (full_batch = 0) get one gradient per batch and update the
 * parameters.  Full-batch optimisers (full_batch = 1) get the loss and gradient over the
 * whole training set once per epoch and may evaluate the objective again (line search).
 */
#ifndef NNP_OPTIM_H
#define NNP_OPTIM_H

/* Objective over the whole training set: loss and gradient at w. */
typedef int (*nnp_objective_fn)(void *ctx, const double *w, double *loss, double *grad);

struct nnp_optimiser_type {
    const char *name;
    const char *summary;
    int full_batch;
    int (*create)(long n, void **state);
    void (*destroy)(void *state);
    /* Update w given the loss and gradient at w; lr is the current learning rate
     * (mini-batch optimisers).  Full-batch optimisers may call f. */
    int (*step)(void *state, long n, double *w, double loss, const double *grad, double lr, nnp_objective_fn f,
                void *ctx);
};

extern const struct nnp_optimiser_type nnp_optimiser_adam;
extern const struct nnp_optimiser_type nnp_optimiser_lbfgs;
extern const struct nnp_optimiser_type *const nnp_optimiser_types[]; /* NULL-terminated */

/* Look up by name; LS_ERR_INPUT naming the known ones. */
int nnp_optimiser_find(const char *name, const struct nnp_optimiser_type **out);

#endif
