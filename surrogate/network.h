/* Feed-forward networks for atomic energies (internal to surrogate/).
 *
 * y = W_L s(... s(W_1 x + b_1) ...) + b_L: n_layer weight layers, widths[0] inputs,
 * widths[n_layer] = 1 output, activation s on the hidden layers, linear output.
 * Parameters are one flat array: for each layer W (out x in, row-major) then b (out).
 * The network object holds only the shape; the parameters live with the model, so that
 * ensembles and optimisers can share code.
 */
#ifndef NNP_NETWORK_H
#define NNP_NETWORK_H

#include "surrogate/surrogate.h"

struct nnp_network {
    int n_layer;
    int widths[NNP_MAX_LAYERS + 1];
    enum nnp_activation act;
    long n_param;
    long offset_w[NNP_MAX_LAYERS], offset_b[NNP_MAX_LAYERS];
    int max_width;
    int sum_width;
};

/* Set up the shape; LS_ERR_INPUT for bad widths or layer counts. */
int nnp_network_setup(struct nnp_network *net, int n_layer, const int *widths, enum nnp_activation act);

/* Random initial parameters (uniform, Glorot-scaled), from a 64-bit state (advanced). */
void nnp_network_init_params(const struct nnp_network *net, double *param, unsigned long long *rng);

/* Doubles of workspace needed by the functions below. */
long nnp_network_work_size(const struct nnp_network *net);

/* y = net(x), and dy/dx into dy_dx (n_in) if not NULL. */
double nnp_network_eval(const struct nnp_network *net, const double *param, const double *x, double *dy_dx,
                        double *work);

/* Parameter gradient for training: adds to grad (n_param) the derivative of
 *     ybar * y(x) + tbar * (dy/dx . v)
 * with respect to the parameters (v is a fixed direction in input space: the force and
 * stress part of the loss enters through dy/dx).  Returns y; *ydot = dy/dx . v. */
double nnp_network_train_grad(const struct nnp_network *net, const double *param, const double *x,
                              const double *v, double ybar, double tbar, double *grad, double *ydot, double *work);

/* Uniform random number in [0,1) from a splitmix64 state. */
double nnp_rand_uniform(unsigned long long *state);

#endif
