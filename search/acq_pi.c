/* Probability of improvement in log form:
 *
 *   PI(x) = Phi((mu - best - xi) / sd),   score = log PI
 *
 * Kushner, J. Basic Eng. 86, 97 (1964), doi:10.1115/1.3653121.  Not monotone in sd (below
 * the incumbent more spread helps, above it hurts), hence decreases_with_sd = 0.
 */
#include <math.h>

#include "search/search.h"

static double pi_score(double mean, double sd, const bo_acq_params *p)
{
    double imp = mean - p->best - p->xi;
    if (!(sd > 1e-300)) return imp > 0.0 ? 0.0 : -INFINITY;
    return bo_log_ndtr(imp / sd);
}

const bo_acquisition bo_acq_pi = {"pi", "probability of improvement (log form)", pi_score, 1, 0, 0, 0};
