/* Pareto front and exact hypervolume for 1 to 3 maximised objectives.
 *
 * HV(P, r) = volume of the union of the boxes [r, p] over p in P (points better than r in
 * every objective).  Two objectives: one sweep over the points sorted by the first
 * objective.  Three objectives: slices between consecutive values of the third objective,
 * each a two-objective hypervolume (the "HSO" slicing of While, Hingston, Barone & Huband,
 * IEEE Trans. Evol. Comput. 10, 29 (2006), doi:10.1109/TEVC.2005.851275), O(n^2 log n).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

static int dominates(int m, const double *a, const double *b)
{
    int strictly = 0;
    for (int k = 0; k < m; k++) {
        if (a[k] < b[k]) return 0;
        if (a[k] > b[k]) strictly = 1;
    }
    return strictly;
}

long bo_pareto_front(long n, int n_obj, const double *y, long *idx)
{
    long count = 0;
    for (long i = 0; i < n; i++) {
        int keep = 1;
        for (long j = 0; j < n && keep; j++) {
            if (j == i) continue;
            if (dominates(n_obj, y + j * n_obj, y + i * n_obj)) keep = 0;
            else if (j < i && memcmp(y + j * n_obj, y + i * n_obj, sizeof *y * n_obj) == 0) keep = 0;
        }
        if (keep) idx[count++] = i;
    }
    return count;
}

struct pt2 {
    double a, b;
};

static int cmp_pt2_desc(const void *x, const void *y)
{
    const struct pt2 *p = x, *q = y;
    if (p->a != q->a) return p->a > q->a ? -1 : 1;
    return p->b > q->b ? -1 : p->b < q->b ? 1 : 0;
}

/* 2-D hypervolume of points (already filtered to exceed the reference) relative to (ra, rb). */
static double hv2(long n, struct pt2 *p, double ra, double rb)
{
    qsort(p, (size_t)n, sizeof *p, cmp_pt2_desc);
    double vol = 0.0, best_b = rb;
    for (long i = 0; i < n; i++) {
        /* Sweep in decreasing a: the strip [next a, this a] is covered up to best b so far. */
        if (p[i].b > best_b) best_b = p[i].b;
        double next_a = i + 1 < n ? p[i + 1].a : ra;
        vol += (p[i].a - next_a) * (best_b - rb);
    }
    return vol;
}

static int cmp_double_desc(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a > b ? -1 : a < b ? 1 : 0;
}

double bo_hypervolume(long n, int n_obj, const double *y, const double *ref)
{
    long m = 0;
    double vol = 0.0;
    if (n_obj == 1) {
        for (long i = 0; i < n; i++)
            if (y[i] - ref[0] > vol) vol = y[i] - ref[0];
        return vol;
    }
    struct pt2 *p = malloc(sizeof *p * (size_t)(n > 0 ? n : 1));
    double *c = malloc(sizeof *c * (size_t)(n > 0 ? n : 1));
    if (p == NULL || c == NULL) {
        free(p), free(c);
        return NAN;
    }
    if (n_obj == 2) {
        for (long i = 0; i < n; i++)
            if (y[2 * i] > ref[0] && y[2 * i + 1] > ref[1]) p[m].a = y[2 * i], p[m++].b = y[2 * i + 1];
        vol = hv2(m, p, ref[0], ref[1]);
    } else if (n_obj == 3) {
        long k = 0;
        for (long i = 0; i < n; i++)
            if (y[3 * i] > ref[0] && y[3 * i + 1] > ref[1] && y[3 * i + 2] > ref[2]) c[k++] = y[3 * i + 2];
        qsort(c, (size_t)k, sizeof *c, cmp_double_desc);
        /* Slice between consecutive third-objective levels: points at or above the level. */
        for (long s = 0; s < k; s++) {
            double top = c[s], bottom = s + 1 < k ? c[s + 1] : ref[2];
            if (top <= bottom) continue;
            m = 0;
            for (long i = 0; i < n; i++)
                if (y[3 * i] > ref[0] && y[3 * i + 1] > ref[1] && y[3 * i + 2] >= top)
                    p[m].a = y[3 * i], p[m++].b = y[3 * i + 1];
            vol += (top - bottom) * hv2(m, p, ref[0], ref[1]);
        }
    } else {
        vol = NAN;
    }
    free(p);
    free(c);
    return vol;
}
