/* Expected improvement in log form, and the stable log-normal-CDF helpers.
 *
 *   EI(x) = sd h(z),  h(z) = z Phi(z) + phi(z),  z = (mu - best - xi) / sd
 *   log EI = log sd + log h(z)
 *
 * Jones, Schonlau & Welch, J. Glob. Optim. 13, 455 (1998), doi:10.1023/A:1008306431147.
 * For z << 0, h(z) = phi(z) (1 - t R(t)) with t = -z and Mills' ratio R(t) = Q(t)/phi(t),
 * so log h = -z^2/2 - log(2 pi)/2 + log1p(-t R(t)) (Ament et al., "Unexpected improvements
 * to expected improvement", NeurIPS 2023, arXiv:2310.20708); R(t) = 1/hazard(t) from GSL,
 * and beyond t = 40 the asymptotic series 1 - t R(t) = t^-2 - 3 t^-4 + 15 t^-6 - 105 t^-8
 * + 945 t^-10 (Abramowitz & Stegun 7.1.23).  EI therefore never vanishes numerically: its
 * logarithm keeps ranking candidates whose improvement is 1e-300 and below.
 */
#include <gsl/gsl_sf_erf.h>
#include <math.h>

#include "search/search.h"

double bo_log_ndtr(double z)
{
    if (z > -5.0) return log(0.5 * erfc(-z / M_SQRT2));
    return gsl_sf_log_erfc(-z / M_SQRT2) - M_LN2;
}

double bo_log_h(double z)
{
    const double half_log_2pi = 0.91893853320467274178;
    if (z > -1.0) {
        double cdf = 0.5 * erfc(-z / M_SQRT2), pdf = exp(-0.5 * z * z) / sqrt(2.0 * M_PI);
        return log(z * cdf + pdf);
    }
    double t = -z, one_minus_tr;
    if (t < 40.0) {
        one_minus_tr = -(t / gsl_sf_hazard(t));
        return -0.5 * z * z - half_log_2pi + log1p(one_minus_tr);
    }
    double u = 1.0 / (t * t);
    one_minus_tr = u * (1.0 + u * (-3.0 + u * (15.0 + u * (-105.0 + u * 945.0))));
    return -0.5 * z * z - half_log_2pi + log(one_minus_tr);
}

static double ei_score(double mean, double sd, const bo_acq_params *p)
{
    double imp = mean - p->best - p->xi;
    if (!(sd > 1e-300)) return imp > 0.0 ? log(imp) : -INFINITY;
    double z = imp / sd;
    /* Above the incumbent nothing cancels: EI = imp Phi(z) + sd phi(z) directly. */
    if (z > 0.0) return log(imp * 0.5 * erfc(-z / M_SQRT2) + sd * exp(-0.5 * z * z) / sqrt(2.0 * M_PI));
    return log(sd) + bo_log_h(z);
}

const bo_acquisition bo_acq_ei = {"ei", "expected improvement (log form, never underflows)", ei_score, 1, 1, 0, 0};
