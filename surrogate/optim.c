/* Optimisers: Adam (Kingma and Ba, arXiv:1412.6980, https://doi.org/10.48550/arXiv.1412.6980)
 * and L-BFGS with a backtracking Armijo line search (Nocedal, Math. Comp. 35, 773 (1980),
 * doi:10.1090/S0025-5718-1980-0572855-7; Nocedal and Wright, Numerical Optimization,
 * algorithm 7.4).
 *   Adam:  m = b1 m + (1-b1) g,  v = b2 v + (1-b2) g^2,  w -= lr mhat / (sqrt(vhat) + eps)
 *   L-BFGS: p = -H g by the two-loop recursion over the last M pairs (s, y), w += a p with
 *           a halved until f(w + a p) <= f(w) + 1e-4 a g.p.
 */
#include "surrogate/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

const struct nnp_optimiser_type *const nnp_optimiser_types[] = {&nnp_optimiser_adam, &nnp_optimiser_lbfgs, NULL};

int nnp_optimiser_find(const char *name, const struct nnp_optimiser_type **out)
{
    for (int i = 0; nnp_optimiser_types[i]; i++)
        if (strcmp(nnp_optimiser_types[i]->name, name) == 0) {
            *out = nnp_optimiser_types[i];
            return LS_OK;
        }
    LS_ERROR(LS_ERR_INPUT, "unknown optimiser '%s' (known: adam, lbfgs)", name);
}

struct adam {
    double *m, *v;
    long t;
};

static int adam_create(long n, void **state)
{
    struct adam *a = calloc(1, sizeof *a);
    if (a) {
        a->m = calloc((size_t)n, sizeof(double));
        a->v = calloc((size_t)n, sizeof(double));
    }
    if (!a || !a->m || !a->v) {
        if (a) {
            free(a->m);
            free(a->v);
        }
        free(a);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for the optimiser");
    }
    *state = a;
    return LS_OK;
}

static void adam_destroy(void *state)
{
    struct adam *a = state;
    if (a == NULL) return;
    free(a->m);
    free(a->v);
    free(a);
}

static int adam_step(void *state, long n, double *w, double loss, const double *g, double lr, nnp_objective_fn f,
                     void *ctx)
{
    struct adam *a = state;
    const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
    (void)loss;
    (void)f;
    (void)ctx;
    a->t++;
    double c1 = 1.0 / (1.0 - pow(b1, (double)a->t)), c2 = 1.0 / (1.0 - pow(b2, (double)a->t));
    for (long i = 0; i < n; i++) {
        a->m[i] = b1 * a->m[i] + (1.0 - b1) * g[i];
        a->v[i] = b2 * a->v[i] + (1.0 - b2) * g[i] * g[i];
        w[i] -= lr * (a->m[i] * c1) / (sqrt(a->v[i] * c2) + eps);
    }
    return LS_OK;
}

const struct nnp_optimiser_type nnp_optimiser_adam = {"adam", "Adam, mini-batches", 0, adam_create, adam_destroy,
                                                      adam_step};

#define LBFGS_M 10

struct lbfgs {
    long n;
    int k, head;              /* stored pairs, next slot */
    double *s, *y, rho[LBFGS_M], alpha[LBFGS_M];
    double *p, *w_new, *g_new, *g_old;
};

static int lbfgs_create(long n, void **state)
{
    struct lbfgs *b = calloc(1, sizeof *b);
    if (b) {
        b->n = n;
        b->s = malloc((size_t)(LBFGS_M * n) * sizeof(double));
        b->y = malloc((size_t)(LBFGS_M * n) * sizeof(double));
        b->p = malloc((size_t)n * sizeof(double));
        b->w_new = malloc((size_t)n * sizeof(double));
        b->g_new = malloc((size_t)n * sizeof(double));
        b->g_old = malloc((size_t)n * sizeof(double));
    }
    if (!b || !b->s || !b->y || !b->p || !b->w_new || !b->g_new || !b->g_old) {
        if (b) {
            free(b->s);
            free(b->y);
            free(b->p);
            free(b->w_new);
            free(b->g_new);
            free(b->g_old);
        }
        free(b);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for L-BFGS");
    }
    *state = b;
    return LS_OK;
}

static void lbfgs_destroy(void *state)
{
    struct lbfgs *b = state;
    if (b == NULL) return;
    free(b->s);
    free(b->y);
    free(b->p);
    free(b->w_new);
    free(b->g_new);
    free(b->g_old);
    free(b);
}

static double dot(long n, const double *a, const double *b)
{
    double s = 0.0;
    for (long i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static int lbfgs_step(void *state, long n, double *w, double loss, const double *g, double lr, nnp_objective_fn f,
                      void *ctx)
{
    struct lbfgs *b = state;
    (void)lr;
    for (long i = 0; i < n; i++) b->p[i] = -g[i];
    for (int c = 0; c < b->k; c++) { /* newest to oldest */
        int slot = (b->head - 1 - c + LBFGS_M) % LBFGS_M;
        b->alpha[slot] = b->rho[slot] * dot(n, b->s + (long)slot * n, b->p);
        for (long i = 0; i < n; i++) b->p[i] -= b->alpha[slot] * b->y[(long)slot * n + i];
    }
    double gamma = 1e-3; /* first step: a small plain gradient step */
    if (b->k > 0) {
        int last = (b->head - 1 + LBFGS_M) % LBFGS_M;
        gamma = dot(n, b->s + (long)last * n, b->y + (long)last * n) / dot(n, b->y + (long)last * n, b->y + (long)last * n);
    }
    for (long i = 0; i < n; i++) b->p[i] *= gamma;
    for (int c = b->k - 1; c >= 0; c--) { /* oldest to newest */
        int slot = (b->head - 1 - c + LBFGS_M) % LBFGS_M;
        double beta = b->rho[slot] * dot(n, b->y + (long)slot * n, b->p);
        for (long i = 0; i < n; i++) b->p[i] += (b->alpha[slot] - beta) * b->s[(long)slot * n + i];
    }
    double gp = dot(n, g, b->p);
    if (!(gp < 0.0)) { /* not a descent direction: restart from the gradient */
        b->k = 0;
        for (long i = 0; i < n; i++) b->p[i] = -1e-3 * g[i];
        gp = dot(n, g, b->p);
    }
    double a = 1.0, f_new = 0.0;
    int accepted = 0;
    for (int it = 0; it < 30; it++, a *= 0.5) {
        for (long i = 0; i < n; i++) b->w_new[i] = w[i] + a * b->p[i];
        LS_TRY(f(ctx, b->w_new, &f_new, b->g_new));
        if (isfinite(f_new) && f_new <= loss + 1e-4 * a * gp) {
            accepted = 1;
            break;
        }
    }
    if (!accepted) {
        b->k = 0; /* keep w; forget the curvature pairs */
        return LS_OK;
    }
    double *s = b->s + (long)b->head * n, *y = b->y + (long)b->head * n;
    for (long i = 0; i < n; i++) {
        s[i] = b->w_new[i] - w[i];
        y[i] = b->g_new[i] - g[i];
    }
    double sy = dot(n, s, y);
    if (sy > 1e-300) {
        b->rho[b->head] = 1.0 / sy;
        b->head = (b->head + 1) % LBFGS_M;
        if (b->k < LBFGS_M) b->k++;
    }
    memcpy(w, b->w_new, (size_t)n * sizeof *w);
    return LS_OK;
}

const struct nnp_optimiser_type nnp_optimiser_lbfgs = {"lbfgs", "L-BFGS, full batch, backtracking line search", 1,
                                                       lbfgs_create, lbfgs_destroy, lbfgs_step};
