/* Feed-forward network: evaluation, input gradient and the parameter gradient of a loss
 * that depends on the input gradient (forces), by forward-mode tangents followed by
 * reverse mode ("double backpropagation").
 *
 * Forward, hidden layers:   z_l = W_l a_{l-1} + b_l,  a_l = s(z_l);  tangents
 *                           zd_l = W_l ad_{l-1},       ad_l = s'(z_l) zd_l,  ad_0 = v.
 * Output:                   y = W_L a_{L-1} + b_L,      yd = W_L ad_{L-1} = dy/dx . v.
 * Reverse for J = ybar y + tbar yd:
 *   zbar_l  = abar_l s'(z_l) + adbar_l s''(z_l) zd_l,  zdbar_l = adbar_l s'(z_l)
 *   dJ/dW_l = zbar_l a_{l-1}^T + zdbar_l ad_{l-1}^T,   dJ/db_l = zbar_l
 *   abar_{l-1} = W_l^T zbar_l,  adbar_{l-1} = W_l^T zdbar_l.
 * Reference: Drucker and LeCun, IEEE Trans. Neural Netw. 3, 991 (1992),
 * doi:10.1109/72.165600 (double backpropagation); Glorot and Bengio, AISTATS 2010
 * (initialisation).
 */
#include "surrogate/network.h"

#include <math.h>
#include <string.h>

#include "common/err.h"
#include "common/rng.h"

static const char *act_names[] = {"tanh", "silu", "softplus"};

int nnp_activation_parse(const char *name, enum nnp_activation *act)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, act_names[i]) == 0) {
            *act = (enum nnp_activation)i;
            return LS_OK;
        }
    LS_ERROR(LS_ERR_INPUT, "unknown activation '%s' (known: tanh, silu, softplus)", name);
}

const char *nnp_activation_name(enum nnp_activation act)
{
    return (int)act >= 0 && (int)act < 3 ? act_names[act] : "?";
}

int nnp_network_setup(struct nnp_network *net, int n_layer, const int *widths, enum nnp_activation act)
{
    memset(net, 0, sizeof *net);
    if (n_layer < 1 || n_layer > NNP_MAX_LAYERS)
        LS_ERROR(LS_ERR_INPUT, "a network needs 1 to %d weight layers (got %d)", NNP_MAX_LAYERS, n_layer);
    if (widths[n_layer] != 1) LS_ERROR(LS_ERR_INPUT, "the network output width must be 1 (got %d)", widths[n_layer]);
    net->n_layer = n_layer;
    net->act = act;
    long off = 0;
    for (int l = 0; l <= n_layer; l++) {
        if (widths[l] < 1 || widths[l] > 4096)
            LS_ERROR(LS_ERR_INPUT, "network layer %d has width %d (1-4096 allowed)", l, widths[l]);
        net->widths[l] = widths[l];
        if (widths[l] > net->max_width) net->max_width = widths[l];
        net->sum_width += widths[l];
    }
    for (int l = 0; l < n_layer; l++) {
        net->offset_w[l] = off;
        off += (long)widths[l + 1] * widths[l];
        net->offset_b[l] = off;
        off += widths[l + 1];
    }
    net->n_param = off;
    return LS_OK;
}

double nnp_rand_uniform(unsigned long long *state)
{
    uint64_t s = *state; /* the common SplitMix64 stream (common/rng.h) */
    double u = ls_splitmix64_uniform(&s);
    *state = s;
    return u;
}

void nnp_network_init_params(const struct nnp_network *net, double *param, unsigned long long *rng)
{
    for (int l = 0; l < net->n_layer; l++) {
        int nin = net->widths[l], nout = net->widths[l + 1];
        double a = sqrt(6.0 / (nin + nout));
        for (long i = 0; i < (long)nin * nout; i++) param[net->offset_w[l] + i] = a * (2.0 * nnp_rand_uniform(rng) - 1.0);
        for (int i = 0; i < nout; i++) param[net->offset_b[l] + i] = 0.0;
    }
}

long nnp_network_work_size(const struct nnp_network *net) { return 8L * net->sum_width + 4L * net->max_width; }

/* s, s', s'' */
static inline void activate(enum nnp_activation act, double z, double *s, double *ds, double *d2s)
{
    switch (act) {
    case NNP_ACT_SILU: {
        double g = 1.0 / (1.0 + exp(-z));
        *s = z * g;
        *ds = g + z * g * (1.0 - g);
        *d2s = g * (1.0 - g) * (2.0 + z * (1.0 - 2.0 * g));
        break;
    }
    case NNP_ACT_SOFTPLUS: {
        double g = 1.0 / (1.0 + exp(-z));
        *s = (z > 30.0 ? z : log1p(exp(z))) - M_LN2;
        *ds = g;
        *d2s = g * (1.0 - g);
        break;
    }
    default: {
        double t = tanh(z);
        *s = t;
        *ds = 1.0 - t * t;
        *d2s = -2.0 * t * (1.0 - t * t);
        break;
    }
    }
}

double nnp_network_eval(const struct nnp_network *net, const double *param, const double *x, double *dy_dx,
                        double *work)
{
    /* work: a (sum_width) | ds (sum_width) | two vectors of max_width for the reverse pass */
    double *a = work, *ds = work + net->sum_width;
    double *bar0 = work + 2 * net->sum_width, *bar1 = bar0 + net->max_width;
    int off[NNP_MAX_LAYERS + 1];
    off[0] = 0;
    for (int l = 0; l < net->n_layer; l++) off[l + 1] = off[l] + net->widths[l];
    memcpy(a, x, (size_t)net->widths[0] * sizeof *a);
    double y = 0.0;
    for (int l = 0; l < net->n_layer; l++) {
        int nin = net->widths[l], nout = net->widths[l + 1];
        const double *W = param + net->offset_w[l], *b = param + net->offset_b[l];
        const double *ain = a + off[l];
        double *aout = a + off[l + 1], *dsout = ds + off[l + 1];
        for (int o = 0; o < nout; o++) {
            const double *Wo = W + (long)o * nin;
            double z = b[o];
            for (int i = 0; i < nin; i++) z += Wo[i] * ain[i];
            if (l == net->n_layer - 1) {
                y = z;
            } else {
                double d2;
                activate(net->act, z, &aout[o], &dsout[o], &d2);
            }
        }
    }
    if (dy_dx == NULL) return y;
    /* Reverse with seed 1. */
    int L = net->n_layer - 1;
    const double *W = param + net->offset_w[L];
    int nin = net->widths[L];
    for (int i = 0; i < nin; i++) bar0[i] = W[i];
    for (int l = L - 1; l >= 0; l--) {
        int ni = net->widths[l], no = net->widths[l + 1];
        const double *Wl = param + net->offset_w[l];
        const double *dsl = ds + off[l + 1];
        for (int o = 0; o < no; o++) bar0[o] *= dsl[o];
        double *dst = l == 0 ? dy_dx : bar1;
        for (int i = 0; i < ni; i++) dst[i] = 0.0;
        for (int o = 0; o < no; o++) {
            const double *Wo = Wl + (long)o * ni;
            double g = bar0[o];
            for (int i = 0; i < ni; i++) dst[i] += g * Wo[i];
        }
        if (l > 0) memcpy(bar0, bar1, (size_t)ni * sizeof *bar0);
    }
    if (L == 0) memcpy(dy_dx, bar0, (size_t)nin * sizeof *dy_dx);
    return y;
}

double nnp_network_train_grad(const struct nnp_network *net, const double *param, const double *x,
                              const double *v, double ybar, double tbar, double *grad, double *ydot, double *work)
{
    const int sw = net->sum_width, mw = net->max_width;
    double *a = work, *ad = work + sw, *zd = work + 2 * sw, *ds = work + 3 * sw, *d2s = work + 4 * sw;
    double *abar = work + 5 * sw, *adbar = abar + mw, *nabar = adbar + mw, *nadbar = nabar + mw;
    int off[NNP_MAX_LAYERS + 1];
    off[0] = 0;
    for (int l = 0; l < net->n_layer; l++) off[l + 1] = off[l] + net->widths[l];
    memcpy(a, x, (size_t)net->widths[0] * sizeof *a);
    memcpy(ad, v, (size_t)net->widths[0] * sizeof *ad);
    double y = 0.0, yd = 0.0;
    for (int l = 0; l < net->n_layer; l++) {
        int nin = net->widths[l], nout = net->widths[l + 1];
        const double *W = param + net->offset_w[l], *b = param + net->offset_b[l];
        const double *ain = a + off[l], *adin = ad + off[l];
        for (int o = 0; o < nout; o++) {
            const double *Wo = W + (long)o * nin;
            double z = b[o], zt = 0.0;
            for (int i = 0; i < nin; i++) {
                z += Wo[i] * ain[i];
                zt += Wo[i] * adin[i];
            }
            if (l == net->n_layer - 1) {
                y = z;
                yd = zt;
            } else {
                int k = off[l + 1] + o;
                activate(net->act, z, &a[k], &ds[k], &d2s[k]);
                zd[k] = zt;
                ad[k] = ds[k] * zt;
            }
        }
    }
    *ydot = yd;
    /* Output layer. */
    int L = net->n_layer - 1;
    {
        int nin = net->widths[L];
        const double *W = param + net->offset_w[L];
        double *gW = grad + net->offset_w[L];
        const double *ain = a + off[L], *adin = ad + off[L];
        for (int i = 0; i < nin; i++) {
            gW[i] += ybar * ain[i] + tbar * adin[i];
            abar[i] = W[i] * ybar;
            adbar[i] = W[i] * tbar;
        }
        grad[net->offset_b[L]] += ybar;
    }
    for (int l = L - 1; l >= 0; l--) {
        int nin = net->widths[l], nout = net->widths[l + 1];
        const double *W = param + net->offset_w[l];
        double *gW = grad + net->offset_w[l], *gb = grad + net->offset_b[l];
        const double *ain = a + off[l], *adin = ad + off[l];
        if (l > 0)
            for (int i = 0; i < nin; i++) nabar[i] = nadbar[i] = 0.0;
        for (int o = 0; o < nout; o++) {
            int k = off[l + 1] + o;
            double zbar = abar[o] * ds[k] + adbar[o] * d2s[k] * zd[k];
            double zdbar = adbar[o] * ds[k];
            gb[o] += zbar;
            double *gWo = gW + (long)o * nin;
            const double *Wo = W + (long)o * nin;
            for (int i = 0; i < nin; i++) gWo[i] += zbar * ain[i] + zdbar * adin[i];
            if (l > 0)
                for (int i = 0; i < nin; i++) {
                    nabar[i] += Wo[i] * zbar;
                    nadbar[i] += Wo[i] * zdbar;
                }
        }
        if (l > 0) {
            memcpy(abar, nabar, (size_t)nin * sizeof *abar);
            memcpy(adbar, nadbar, (size_t)nin * sizeof *adbar);
        }
    }
    return y;
}
