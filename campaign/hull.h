/* Formation energies and the convex hull of phases in composition space (campaign/hull.c).
 *
 * The energy above the hull of a phase p with composition x_p (fractions of the elements,
 * summing to 1) and formation energy f_p (eV/atom) is
 *     e_hull(p) = f_p - min { sum_j w_j f_j : w_j >= 0, sum_j w_j x_j = x_p }
 * over every phase j (p itself and the elements, f = 0, included): a linear programme whose
 * optimum is the hull's energy at x_p (the lower convex envelope), so e_hull >= 0 and is 0
 * exactly for phases on the hull.  Solved by a dense two-phase simplex with Bland's rule
 * (the LP has one equality row per element and one column per phase).
 *
 * Why our own simplex: GSL has no linear programming, and the problems are tiny (a few
 * elements, at most some thousands of phases); GLPK would be one more dependency for
 * 150 lines.  Checked in campaign/test_hull.c against hulls worked by hand.
 */
#ifndef LS_CAMPAIGN_HULL_H
#define LS_CAMPAIGN_HULL_H

/* n_phase phases over n_elem elements: x[p * n_elem + e] fractions (rows sum to 1), f[p]
 * formation energies (eV/atom; NaN: unknown, ignored as a competitor and given NaN).  Writes
 * e_hull[p] (eV/atom).  Phases with only one element compete with their element's zero. */
int campaign_hull_distances(int n_phase, int n_elem, const double *x, const double *f, double *e_hull);

/* The minimum of sum_j w_j f_j over w >= 0 with sum_j w_j x_j = target (the hull energy at
 * `target`), or +INFINITY when no combination of the phases reaches the target.  The
 * weights of the optimum are written to w when not NULL (n_phase entries). */
int campaign_hull_energy(int n_phase, int n_elem, const double *x, const double *f, const double *target,
                         double *energy, double *w);

#endif
