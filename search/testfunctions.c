/* Standard test functions for Bayesian optimisation, in the maximised sense used by the
 * library (minimisation problems are negated).  Formulas and optima:
 *
 *   Branin: f(x) = a (x2 - b x1^2 + c x1 - r)^2 + s (1 - t) cos x1 + s, a = 1, b = 5.1/(4 pi^2),
 *     c = 5/pi, r = 6, s = 10, t = 1/(8 pi); x1 in [-5, 10], x2 in [0, 15]; minimum
 *     0.397887357729738 at (-pi, 12.275), (pi, 2.275), (9.42478, 2.475).  Dixon & Szego,
 *     Towards Global Optimisation 2 (North-Holland 1978); constants as in Surjanovic & Bingham,
 *     Virtual Library of Simulation Experiments, https://www.sfu.ca/~ssurjano/branin.html.
 *   Hartmann-6: f(x) = sum_i alpha_i exp(-sum_j A_ij (x_j - P_ij)^2) on [0, 1]^6, maximum
 *     3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573) (same sources,
 *     https://www.sfu.ca/~ssurjano/hart6.html; the minimised form there is -f).
 *   BraninCurrin: two minimised objectives on [0, 1]^2, Branin at (15 u1 - 5, 15 u2) and
 *     Currin's exponential function (1 - exp(-1/(2 u2))) (2300 u1^3 + 1900 u1^2 + 2092 u1 + 60)
 *     / (100 u1^3 + 500 u1^2 + 4 u1 + 20) (Currin et al., J. Am. Stat. Assoc. 86, 953 (1991),
 *     doi:10.1080/01621459.1991.10475138); the pairing, the reference point (18, 6) and the
 *     maximal hypervolume 59.36011874867746 are those of BoTorch's
 *     botorch.test_functions.multi_objective.BraninCurrin (Belakaria et al., NeurIPS 2019).
 */
#include <math.h>
#include <string.h>

#include "common/err.h"
#include "search/bench.h"

static double branin_raw(double x1, double x2)
{
    const double b = 5.1 / (4.0 * M_PI * M_PI), c = 5.0 / M_PI, t = 1.0 / (8.0 * M_PI);
    double u = x2 - b * x1 * x1 + c * x1 - 6.0;
    return u * u + 10.0 * (1.0 - t) * cos(x1) + 10.0;
}

static void branin(const double *x, double *y) { y[0] = -branin_raw(x[0], x[1]); }

static void hartmann6(const double *x, double *y)
{
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
    static const double P[4][6] = {{1312, 1696, 5569, 124, 8283, 5886}, {2329, 4135, 8307, 3736, 1004, 9991},
                                   {2348, 1451, 3522, 2883, 3047, 6650}, {4047, 8828, 8732, 5743, 1091, 381}};
    double s = 0.0;
    for (int i = 0; i < 4; i++) {
        double e = 0.0;
        for (int j = 0; j < 6; j++) {
            double d = x[j] - 1e-4 * P[i][j];
            e += A[i][j] * d * d;
        }
        s += alpha[i] * exp(-e);
    }
    y[0] = s;
}

static void branincurrin(const double *x, double *y)
{
    double u1 = x[0], u2 = x[1];
    double f1 = branin_raw(15.0 * u1 - 5.0, 15.0 * u2);
    double fac = u2 > 0.0 ? 1.0 - exp(-1.0 / (2.0 * u2)) : 1.0;
    double f2 = fac * (2300.0 * u1 * u1 * u1 + 1900.0 * u1 * u1 + 2092.0 * u1 + 60.0) /
                (100.0 * u1 * u1 * u1 + 500.0 * u1 * u1 + 4.0 * u1 + 20.0);
    y[0] = -f1;
    y[1] = -f2;
}

static const bo_testfunction tf_branin = {
    "branin", "Branin-Hoo, 2-D, minimum 0.397887 (Dixon & Szego 1978)", 2, 1, {-5.0, 0.0}, {10.0, 15.0},
    -0.397887357729738, {0}, branin};
static const bo_testfunction tf_hartmann6 = {
    "hartmann6", "Hartmann 6-D, maximum 3.32237 (Dixon & Szego 1978)", 6, 1, {0, 0, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1},
    3.32237, {0}, hartmann6};
static const bo_testfunction tf_branincurrin = {
    "branincurrin", "Branin and Currin, both minimised, reference point (18, 6), max hypervolume 59.36 (BoTorch)",
    2, 2, {0.0, 0.0}, {1.0, 1.0}, 59.36011874867746, {-18.0, -6.0, 0.0}, branincurrin};

const bo_testfunction *const bo_testfunctions[] = {&tf_branin, &tf_hartmann6, &tf_branincurrin, NULL};

int bo_testfunction_find(const char *name, const bo_testfunction **out)
{
    *out = NULL;
    for (int i = 0; bo_testfunctions[i]; i++)
        if (strcmp(bo_testfunctions[i]->name, name) == 0) {
            *out = bo_testfunctions[i];
            return LS_OK;
        }
    LS_ERROR(LS_ERR_INPUT, "unknown test function '%s' (fix: use branin, hartmann6 or branincurrin)", name);
}
