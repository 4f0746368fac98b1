/* A k-d tree for nearest-neighbour queries among the observations of a Gaussian process
 * (internal to search/; interface in search/kdtree.h).
 *
 * Build: recursive split at the median of the coordinate with the largest spread, leaves of at
 * most BO_KD_LEAF points; the points are copied in leaf order (a query reads them contiguously).
 * Query: depth first, nearer child first, a farther child only when the squared distance from
 * the query to its cell (kept incrementally, one coordinate changed per split: Arya & Mount,
 * "Algorithms for fast vector quantization", DCC 1993, doi:10.1109/DCC.1993.253111) is below the
 * best found.  With max_leaves > 0 the search stops opening leaves after that many (an
 * approximate neighbour: the nearest among the points seen, always including the query's own
 * leaf; Arya et al., J. ACM 45, 891 (1998), doi:10.1145/293347.293348, for the idea).
 */
#include "search/kdtree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

#define BO_KD_LEAF 8

struct kd_node {
    int dim;        /* split coordinate, -1 for a leaf */
    double split;   /* points with x[dim] < split go left (ties may go either way) */
    long left, right;
    long start, count; /* leaf: its points in pts[start .. start+count) */
};

struct bo_kdtree {
    int dim;
    long n, n_node, cap_node;
    double *pts;          /* n x dim, leaf order */
    long *idx;            /* original index of each point in leaf order */
    struct kd_node *node; /* node[0] is the root */
};

static long new_node(bo_kdtree *t)
{
    if (t->n_node == t->cap_node) {
        long cap = t->cap_node ? 2 * t->cap_node : 64;
        struct kd_node *nd = realloc(t->node, sizeof *nd * (size_t)cap);
        if (nd == NULL) return -1;
        t->node = nd;
        t->cap_node = cap;
    }
    memset(&t->node[t->n_node], 0, sizeof t->node[0]);
    return t->n_node++;
}

/* Reorder perm[lo..hi) so that the element of rank k (by coordinate d of x) is at k. */
static void select_kth(const double *x, int dim, int d, long *perm, long lo, long hi, long k)
{
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        double pivot = x[perm[mid] * dim + d];
        long i = lo, j = hi - 1;
        while (i <= j) {
            while (x[perm[i] * dim + d] < pivot) i++;
            while (x[perm[j] * dim + d] > pivot) j--;
            if (i <= j) {
                long t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
                i++, j--;
            }
        }
        if (k <= j) hi = j + 1;
        else if (k >= i) lo = i;
        else return;
    }
}

static long build(bo_kdtree *t, const double *x, long *perm, long lo, long hi)
{
    long id = new_node(t);
    if (id < 0) return -1;
    int D = t->dim;
    if (hi - lo <= BO_KD_LEAF) {
        t->node[id].dim = -1;
        t->node[id].start = lo;
        t->node[id].count = hi - lo;
        return id;
    }
    int best_d = 0;
    double best_spread = -1.0;
    for (int d = 0; d < D; d++) {
        double mn = INFINITY, mx = -INFINITY;
        for (long a = lo; a < hi; a++) {
            double v = x[perm[a] * D + d];
            mn = v < mn ? v : mn, mx = v > mx ? v : mx;
        }
        if (mx - mn > best_spread) best_spread = mx - mn, best_d = d;
    }
    if (!(best_spread > 0.0)) { /* identical points: one leaf holds them all */
        t->node[id].dim = -1;
        t->node[id].start = lo;
        t->node[id].count = hi - lo;
        return id;
    }
    long mid = lo + (hi - lo) / 2;
    select_kth(x, D, best_d, perm, lo, hi, mid);
    double split = x[perm[mid] * D + best_d];
    long l = build(t, x, perm, lo, mid);
    long r = l < 0 ? -1 : build(t, x, perm, mid, hi);
    if (r < 0) return -1;
    t->node[id].dim = best_d;
    t->node[id].split = split;
    t->node[id].left = l;
    t->node[id].right = r;
    return id;
}

int bo_kdtree_build(long n, int dim, const double *x, bo_kdtree **out)
{
    *out = NULL;
    if (n < 1 || dim < 1) LS_ERROR(LS_ERR_INPUT, "k-d tree: %ld points of dimension %d", n, dim);
    bo_kdtree *t = calloc(1, sizeof *t);
    long *perm = malloc(sizeof *perm * (size_t)n);
    if (t == NULL || perm == NULL) {
        free(t), free(perm);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for a k-d tree of %ld points", n);
    }
    t->dim = dim;
    t->n = n;
    for (long i = 0; i < n; i++) perm[i] = i;
    t->pts = malloc(sizeof *t->pts * (size_t)n * dim);
    if (t->pts == NULL || build(t, x, perm, 0, n) < 0) {
        free(perm);
        bo_kdtree_destroy(t);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for a k-d tree of %ld points", n);
    }
    for (long a = 0; a < n; a++) memcpy(t->pts + a * dim, x + perm[a] * dim, sizeof *x * dim);
    t->idx = perm;
    *out = t;
    return LS_OK;
}

void bo_kdtree_destroy(bo_kdtree *t)
{
    if (t == NULL) return;
    free(t->pts);
    free(t->idx);
    free(t->node);
    free(t);
}

int bo_kdtree_clone(const bo_kdtree *t, bo_kdtree **out)
{
    *out = NULL;
    if (t == NULL) return LS_OK;
    bo_kdtree *c = calloc(1, sizeof *c);
    if (c == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory copying a k-d tree");
    *c = *t;
    c->pts = malloc(sizeof *c->pts * (size_t)t->n * t->dim);
    c->idx = malloc(sizeof *c->idx * (size_t)t->n);
    c->node = malloc(sizeof *c->node * (size_t)t->n_node);
    c->cap_node = t->n_node;
    if (!c->pts || !c->idx || !c->node) {
        bo_kdtree_destroy(c);
        LS_ERROR(LS_ERR_NOMEM, "out of memory copying a k-d tree");
    }
    memcpy(c->pts, t->pts, sizeof *c->pts * (size_t)t->n * t->dim);
    memcpy(c->idx, t->idx, sizeof *c->idx * (size_t)t->n);
    memcpy(c->node, t->node, sizeof *c->node * (size_t)t->n_node);
    *out = c;
    return LS_OK;
}

struct query {
    const bo_kdtree *t;
    const double *q;
    double *off;      /* per-coordinate offset of the query from the current cell */
    long best;
    double best_d2;
    long leaves, max_leaves;
};

static void search(struct query *s, long id, double cell_d2)
{
    const struct kd_node *nd = &s->t->node[id];
    int D = s->t->dim;
    if (nd->dim < 0) {
        s->leaves++;
        const double *p = s->t->pts + nd->start * D;
        for (long a = 0; a < nd->count; a++, p += D) {
            double d2 = 0.0;
            int d = 0;
            for (; d < D && d2 < s->best_d2; d++) d2 += (p[d] - s->q[d]) * (p[d] - s->q[d]); /* stop once beyond */
            if (d == D && d2 < s->best_d2) s->best_d2 = d2, s->best = nd->start + a;
        }
        return;
    }
    double diff = s->q[nd->dim] - nd->split;
    long near = diff < 0.0 ? nd->left : nd->right, far = diff < 0.0 ? nd->right : nd->left;
    search(s, near, cell_d2);
    if (s->max_leaves > 0 && s->leaves >= s->max_leaves) return;
    double old = s->off[nd->dim];
    double far_d2 = cell_d2 - old * old + diff * diff;
    if (far_d2 < s->best_d2) {
        s->off[nd->dim] = diff;
        search(s, far, far_d2);
        s->off[nd->dim] = old;
    }
}

long bo_kdtree_nearest(const bo_kdtree *t, const double *q, long max_leaves, double *off, double *d2)
{
    struct query s = {t, q, off, -1, INFINITY, 0, max_leaves};
    for (int d = 0; d < t->dim; d++) off[d] = 0.0;
    search(&s, 0, 0.0);
    if (d2) *d2 = s.best_d2;
    return s.best >= 0 ? t->idx[s.best] : -1;
}
