/* Convex hull distances by linear programming: see campaign/hull.h.
 *
 * The LP  min c.w  s.t.  A w = b, w >= 0  always has the feasible basis of the element
 * columns (A = identity there, c = 0, w = b = target >= 0), so the simplex starts in phase 2
 * from it; Bland's rule (smallest entering index, smallest leaving basis index on ties)
 * prevents cycling on the degenerate vertices that zero fractions create (Chvatal, Linear
 * Programming (1983), ch. 3).  Only phases whose elements all occur in the target compete:
 * the others cannot enter a combination that sums to the target with non-negative weights. */
#include "campaign/hull.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

#define HULL_EPS 1e-12

int campaign_hull_energy(int n_phase, int n_elem, const double *x, const double *f, const double *target,
                         double *energy, double *w)
{
    *energy = INFINITY;
    if (w)
        for (int j = 0; j < n_phase; j++) w[j] = 0;
    /* Columns: the element unit vectors (cost 0), then the competing phases. */
    int *col = malloc((size_t)(n_phase + n_elem) * sizeof *col);
    if (!col) LS_ERROR(LS_ERR_NOMEM, "out of memory for the convex hull");
    int n = 0;
    for (int e = 0; e < n_elem; e++) col[n++] = -1 - e;
    for (int j = 0; j < n_phase; j++) {
        if (!isfinite(f[j])) continue;
        int inside = 1;
        for (int e = 0; e < n_elem && inside; e++) inside = !(x[(long)j * n_elem + e] > HULL_EPS && target[e] <= HULL_EPS);
        if (inside) col[n++] = j;
    }
    int m = n_elem;
    /* Tableau T (m x n) = B^-1 A, rhs = B^-1 b, basis[i] = column index. */
    double *t = malloc((size_t)m * n * sizeof *t);
    double *rhs = malloc((size_t)m * sizeof *rhs);
    double *cost = malloc((size_t)n * sizeof *cost);
    int *basis = malloc((size_t)m * sizeof *basis);
    if (!t || !rhs || !cost || !basis) {
        free(col), free(t), free(rhs), free(cost), free(basis);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for the convex hull");
    }
    for (int k = 0; k < n; k++) {
        cost[k] = col[k] < 0 ? 0.0 : f[col[k]];
        for (int i = 0; i < m; i++)
            t[(long)i * n + k] = col[k] < 0 ? (col[k] == -1 - i ? 1.0 : 0.0) : x[(long)col[k] * n_elem + i];
    }
    for (int i = 0; i < m; i++) {
        rhs[i] = target[i];
        basis[i] = i;
    }
    int status = LS_OK;
    for (int iter = 0;; iter++) {
        if (iter > 100000) {
            status = ls_error_set(LS_ERR_NUMERIC, __FILE__, __LINE__, "convex hull: the simplex did not finish");
            break;
        }
        /* Reduced costs d_k = c_k - c_B . T_k; Bland: the first k with d_k < 0. */
        int enter = -1;
        for (int k = 0; k < n && enter < 0; k++) {
            double d = cost[k];
            for (int i = 0; i < m; i++) d -= cost[basis[i]] * t[(long)i * n + k];
            if (d < -HULL_EPS) enter = k;
        }
        if (enter < 0) break;
        int leave = -1;
        double best = INFINITY;
        for (int i = 0; i < m; i++) {
            double a = t[(long)i * n + enter];
            if (a <= HULL_EPS) continue;
            double r = rhs[i] / a;
            if (r < best - HULL_EPS || (fabs(r - best) <= HULL_EPS && leave >= 0 && basis[i] < basis[leave])) {
                best = r;
                leave = i;
            }
        }
        if (leave < 0) {
            status = ls_error_set(LS_ERR_NUMERIC, __FILE__, __LINE__, "convex hull: unbounded programme");
            break;
        }
        double piv = t[(long)leave * n + enter];
        for (int k = 0; k < n; k++) t[(long)leave * n + k] /= piv;
        rhs[leave] /= piv;
        for (int i = 0; i < m; i++) {
            if (i == leave) continue;
            double a = t[(long)i * n + enter];
            if (a == 0) continue;
            for (int k = 0; k < n; k++) t[(long)i * n + k] -= a * t[(long)leave * n + k];
            rhs[i] -= a * rhs[leave];
        }
        basis[leave] = enter;
    }
    if (status == LS_OK) {
        double e = 0;
        for (int i = 0; i < m; i++) {
            e += cost[basis[i]] * rhs[i];
            if (w && col[basis[i]] >= 0) w[col[basis[i]]] = rhs[i];
        }
        *energy = e;
    }
    free(col), free(t), free(rhs), free(cost), free(basis);
    return status;
}

int campaign_hull_distances(int n_phase, int n_elem, const double *x, const double *f, double *e_hull)
{
    for (int p = 0; p < n_phase; p++) {
        if (!isfinite(f[p])) {
            e_hull[p] = NAN;
            continue;
        }
        double h = 0;
        LS_TRY(campaign_hull_energy(n_phase, n_elem, x, f, x + (long)p * n_elem, &h, NULL));
        double d = f[p] - h;
        e_hull[p] = d > 0 ? d : 0.0; /* rounding: a phase on the hull is at 0 */
    }
    return LS_OK;
}
